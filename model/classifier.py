"""Labels from features: the trained sentiment and dispute models behind one `predict` call.

Scores are rescaled so that each label's decision threshold (chosen on validation data at training
time) sits at 0.5: a caller can read any score >= 0.5 as "assigned", whatever the threshold was.
Text with little or no Chinese gets scores pulled towards 0.5, because the models never learnt from it.
"""
from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from model.errors import EmptyReviewError
from model.features import feature_rows
from model.scoring import LinearScorer
from model.tokens import tokenize
from model.labels import DISPUTE_TYPES, DisputeScore, Prediction
from model.text import clean, han_count, normalise

FULL_CONFIDENCE_HAN = 4
"""Han characters a review needs before we trust the models fully (English or emoji-only text has none)."""


def rescale(p: np.ndarray, threshold: float) -> np.ndarray:
    """Monotone map of a probability so that `threshold` becomes 0.5 (0 and 1 stay put)."""
    t = min(max(threshold, 1e-6), 1 - 1e-6)
    return np.where(p >= t, 0.5 + 0.5 * (p - t) / (1 - t), 0.5 * p / t)


@dataclass
class ReviewClassifier:
    """Holds stock scikit-learn parts only (see `to_state`), so the saved file carries no code of ours."""

    vectorizer: object
    sentiment_model: object
    dispute_models: dict[str, object]
    sentiment_threshold: float
    dispute_thresholds: dict[str, float]

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Classify a batch; raises EmptyReviewError naming the first empty text's position."""
        cleaned = [clean(t) for t in texts]
        for i, text in enumerate(cleaned):
            if not text:
                raise EmptyReviewError(f"review #{i} is empty (nothing left after removing whitespace and control characters)")
        if not cleaned:
            return []
        probabilities = self._probabilities([normalise(t) for t in cleaned])
        positive = rescale(probabilities[:, 0], self.sentiment_threshold)
        disputes = {kind: rescale(probabilities[:, j + 1], self.dispute_thresholds[kind])
                    for j, kind in enumerate(DISPUTE_TYPES)}
        trust = np.array([min(1.0, han_count(t) / FULL_CONFIDENCE_HAN) for t in cleaned])
        positive = 0.5 + (positive - 0.5) * trust
        return [self._prediction(positive[i], {k: float(v[i] * trust[i]) for k, v in disputes.items()})
                for i in range(len(cleaned))]

    def _probabilities(self, normalised: list[str]) -> np.ndarray:
        """(n, 4): P(positive), then P(dispute) for each type in DISPUTE_TYPES order."""
        return self._scorer().probabilities_many(normalised, [" ".join(tokenize(t)) for t in normalised])

    def pipeline_probabilities(self, normalised: list[str]) -> np.ndarray:
        """The same numbers through the stock sklearn pipeline (slow per review; the reference for tests)."""
        features = self.vectorizer.transform(feature_rows(normalised))
        models = [self.sentiment_model, *(self.dispute_models[k] for k in DISPUTE_TYPES)]
        return np.column_stack([m.predict_proba(features)[:, 1] for m in models])

    def _scorer(self) -> LinearScorer:
        if self.__dict__.get("_fast") is None:
            self._fast = LinearScorer(self.vectorizer, [self.sentiment_model, *(self.dispute_models[k] for k in DISPUTE_TYPES)])
        return self._fast

    def predict_one(self, text: str) -> Prediction:
        return self.predict([text])[0]

    @staticmethod
    def _prediction(positive: float, dispute_scores: dict[str, float]) -> Prediction:
        sentiment = "positive" if positive >= 0.5 else "negative"
        assigned = [DisputeScore(kind, dispute_scores[kind]) for kind in DISPUTE_TYPES if dispute_scores[kind] >= 0.5]
        assigned.sort(key=lambda d: -d.score)  # stable: ties keep the taxonomy's order
        return Prediction(
            sentiment=sentiment,
            sentiment_score=float(positive if sentiment == "positive" else 1 - positive),
            disputes=tuple(assigned),
            primary_dispute=assigned[0].type if assigned else None,
            dispute_scores=dispute_scores,
        )

    def to_state(self) -> dict:
        """Plain data for the model file; vocabularies as arrays (joblib unpickles a big dict 8x slower)."""
        return {
            "vectorizer": _without_vocabularies(self.vectorizer),
            "vocabularies": {name: np.array(sorted(vec.vocabulary_, key=vec.vocabulary_.get))
                             for name, vec, _ in self.vectorizer.transformers_},
            "sentiment_model": self.sentiment_model,
            "dispute_models": dict(self.dispute_models),
            "sentiment_threshold": float(self.sentiment_threshold),
            "dispute_thresholds": {k: float(v) for k, v in self.dispute_thresholds.items()},
        }

    @classmethod
    def from_state(cls, state: dict) -> "ReviewClassifier":
        state = dict(state)
        vocabularies = state.pop("vocabularies")
        for name, vec, _ in state["vectorizer"].transformers_:
            vec.vocabulary_ = {term: i for i, term in enumerate(vocabularies[name].tolist())}
        return cls(**state)


def _without_vocabularies(vectorizer):
    """A shallow copy of the fitted ColumnTransformer whose vectorizers carry no vocabulary_."""
    packed = copy.copy(vectorizer)
    packed.transformers_ = []
    for name, vec, column in vectorizer.transformers_:
        vec = copy.copy(vec)
        del vec.vocabulary_
        packed.transformers_.append((name, vec, column))
    return packed
