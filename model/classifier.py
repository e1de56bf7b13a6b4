"""Labels from features: the trained sentiment and dispute models behind one `predict` call.

Scores are rescaled so that each label's decision threshold (chosen on validation data at training
time) sits at 0.5: a caller can read any score >= 0.5 as "assigned", whatever the threshold was.
Text with little or no Chinese gets scores pulled towards 0.5, because the models never learnt from it.
"""
from __future__ import annotations

import pickle
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from model.errors import EmptyReviewError
from model.labels import DISPUTE_TYPES, DisputeScore, Prediction
from model.scoring import Scorer, blend_sentiment
from model.text import clean, han_count, normalise
from model.tokens import tokenize

FULL_CONFIDENCE_HAN = 4
"""Han characters a review needs before we trust the models fully (English or emoji-only text has none)."""


def rescale(p: np.ndarray, threshold: float) -> np.ndarray:
    """Monotone map of a probability so that `threshold` becomes 0.5 (0 and 1 stay put)."""
    t = min(max(threshold, 1e-6), 1 - 1e-6)
    return np.where(p >= t, 0.5 + 0.5 * (p - t) / (1 - t), 0.5 * p / t)


@dataclass
class ReviewClassifier:
    """The fitted numbers that score reviews, the thresholds, and the sklearn pipeline they came from.

    `pipeline` is the pickled scikit-learn pipeline (vectorizer + four models + the sentiment network) as trained: kept in the
    model file for reference and for checking `scorer` against it, and unpickled only when asked for.
    """

    scorer: Scorer
    sentiment_threshold: float
    dispute_thresholds: dict[str, float]
    pipeline: bytes

    @classmethod
    def from_sklearn(cls, vectorizer, sentiment_model, dispute_models: dict, sentiment_mlp=None) -> "ReviewClassifier":
        models = [sentiment_model, *(dispute_models[k] for k in DISPUTE_TYPES)]
        return cls(Scorer.from_sklearn(vectorizer, models, sentiment_mlp), 0.5, {k: 0.5 for k in DISPUTE_TYPES},
                   pickle.dumps({"vectorizer": vectorizer, "models": models, "sentiment_mlp": sentiment_mlp}, protocol=5))

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Classify a batch; raises EmptyReviewError naming the first empty text's position."""
        cleaned = [clean(t) for t in texts]
        for i, text in enumerate(cleaned):
            if not text:
                raise EmptyReviewError(f"review #{i} is empty (nothing left after removing whitespace and control characters)")
        if not cleaned:
            return []
        probabilities = self.probabilities([normalise(t) for t in cleaned])
        positive = rescale(probabilities[:, 0], self.sentiment_threshold)
        disputes = {kind: rescale(probabilities[:, j + 1], self.dispute_thresholds[kind])
                    for j, kind in enumerate(DISPUTE_TYPES)}
        trust = np.array([min(1.0, han_count(t) / FULL_CONFIDENCE_HAN) for t in cleaned])
        positive = 0.5 + (positive - 0.5) * trust
        return [self._prediction(positive[i], {k: float(v[i] * trust[i]) for k, v in disputes.items()})
                for i in range(len(cleaned))]

    def predict_one(self, text: str) -> Prediction:
        return self.predict([text])[0]

    def probabilities(self, normalised: Sequence[str]) -> np.ndarray:
        """(n, 4) raw model probabilities: P(positive), then P(dispute) for each type in DISPUTE_TYPES order."""
        return self.scorer.probabilities_many([(t, " ".join(tokenize(t))) for t in normalised])

    def pipeline_probabilities(self, normalised: Sequence[str]) -> np.ndarray:
        """The same numbers through the stored sklearn pipeline (imports sklearn; the reference for tests)."""
        from model.features import feature_rows
        parts = pickle.loads(self.pipeline)
        features = parts["vectorizer"].transform(feature_rows(list(normalised)))
        p = np.column_stack([m.predict_proba(features)[:, 1] for m in parts["models"]])
        if parts.get("sentiment_mlp") is not None:
            p[:, 0] = blend_sentiment(p[:, 0], parts["sentiment_mlp"].predict_proba(features)[:, 1])
        return p

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
        return {"scorer": self.scorer.to_state(), "sentiment_threshold": float(self.sentiment_threshold),
                "dispute_thresholds": {k: float(v) for k, v in self.dispute_thresholds.items()},
                "pipeline": self.pipeline}

    @classmethod
    def from_state(cls, state: dict) -> "ReviewClassifier":
        return cls(Scorer.from_state(state["scorer"]), state["sentiment_threshold"],
                   dict(state["dispute_thresholds"]), state["pipeline"])
