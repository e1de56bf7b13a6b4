"""Learning: labelled sets -> a fitted ReviewClassifier with thresholds chosen on the validation split."""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

from model.classifier import ReviewClassifier
from model.features import build_vectorizer, feature_rows, slim
from model.labels import DISPUTE_TYPES
from model.text import normalise
from training.datasets import LabelledSet
from training.progress import Progress


@dataclass
class TrainConfig:
    sentiment_c: float = 2.0
    dispute_c: float = 8.0
    max_word_features: int = 120_000
    max_char_features: int = 60_000
    min_df: int = 2

    def as_dict(self) -> dict:
        return asdict(self)


def sentiment_training_set(sentiment: LabelledSet, disputes: LabelledSet) -> tuple[list[str], np.ndarray]:
    """Corpus labels plus the hand labels of the dispute set; a hand label wins where both have a review."""
    labels: dict[str, str] = {}
    for text, label in zip(sentiment.texts, sentiment.sentiments):
        if label:
            labels.setdefault(normalise(text), label)
    for text, label in zip(disputes.texts, disputes.sentiments):
        if label:
            labels[normalise(text)] = label
    texts = list(labels)
    return texts, np.array([labels[t] == "positive" for t in texts], dtype=int)


def dispute_matrix(disputes: LabelledSet) -> np.ndarray:
    return np.array([[kind in (d or ()) for kind in DISPUTE_TYPES] for d in disputes.disputes], dtype=int).reshape(-1, len(DISPUTE_TYPES))


def best_threshold(y: np.ndarray, p: np.ndarray, *, metric: str) -> float:
    """Threshold on probabilities that maximises accuracy or F1 on validation labels."""
    if len(y) == 0 or y.min() == y.max():
        return 0.5
    candidates = np.unique(np.quantile(p, np.linspace(0.005, 0.995, 199)))
    def score(t: float) -> float:
        pred = p >= t
        if metric == "accuracy":
            return float((pred == y).mean())
        tp = float((pred & (y == 1)).sum())
        return 2 * tp / max(1.0, float(pred.sum() + (y == 1).sum()))
    return float(max(candidates, key=score))


def fit(train_sentiment: LabelledSet, train_disputes: LabelledSet, valid_sentiment: LabelledSet,
        valid_disputes: LabelledSet, *, config: TrainConfig | None = None, progress: Progress | None = None) -> ReviewClassifier:
    config = config or TrainConfig()
    progress = progress or Progress(quiet=True)
    s_texts, s_y = sentiment_training_set(train_sentiment, train_disputes)
    d_texts = [normalise(t) for t in train_disputes.texts]
    d_y = dispute_matrix(train_disputes)
    if len(set(s_y)) < 2:
        raise ValueError("sentiment training data needs both positive and negative reviews")
    with progress.step(f"tokenising {len(s_texts) + len(d_texts):,} reviews"):
        s_rows, d_rows = feature_rows(s_texts), feature_rows(d_texts)
    vectorizer = build_vectorizer(max_words=config.max_word_features, max_chars=config.max_char_features,
                                  min_df=config.min_df)
    with progress.step("fitting features"):
        vectorizer.fit(np.vstack([s_rows, d_rows]))
        slim(vectorizer)
        s_x, d_x = vectorizer.transform(s_rows), vectorizer.transform(d_rows)
    with progress.step(f"fitting sentiment on {len(s_texts):,} reviews"):
        sentiment_model = LogisticRegression(C=config.sentiment_c, max_iter=3000).fit(s_x, s_y)
    dispute_models = {}
    with progress.step(f"fitting dispute types on {len(d_texts):,} reviews"):
        for j, kind in enumerate(DISPUTE_TYPES):
            if d_y[:, j].min() == d_y[:, j].max():
                raise ValueError(f"dispute data has no reviews {'with' if d_y[:, j].max() == 0 else 'without'} '{kind}'")
            dispute_models[kind] = LogisticRegression(C=config.dispute_c, max_iter=3000,
                                                      class_weight="balanced").fit(d_x, d_y[:, j])
    classifier = ReviewClassifier.from_sklearn(vectorizer, sentiment_model, dispute_models)
    with progress.step("choosing thresholds on the validation split"):
        choose_thresholds(classifier, valid_sentiment, valid_disputes)
    return classifier


def choose_thresholds(classifier: ReviewClassifier, valid_sentiment: LabelledSet, valid_disputes: LabelledSet) -> None:
    if len(valid_sentiment):
        p = classifier.probabilities([normalise(t) for t in valid_sentiment.texts])
        y = np.array([s == "positive" for s in valid_sentiment.sentiments], dtype=int)
        classifier.sentiment_threshold = best_threshold(y, p[:, 0], metric="accuracy")
    if len(valid_disputes):
        p = classifier.probabilities([normalise(t) for t in valid_disputes.texts])
        y = dispute_matrix(valid_disputes)
        for j, kind in enumerate(DISPUTE_TYPES):
            classifier.dispute_thresholds[kind] = best_threshold(y[:, j], p[:, j + 1], metric="f1")
