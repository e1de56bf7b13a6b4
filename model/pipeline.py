"""The whole flow for one review, shared by the API and the CLI: classify -> draft -> self-check."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from model.checking import Violation, check_reply
from model.classifier import ReviewClassifier
from model.drafting import Draft, draft_reply
from model.labels import Prediction
from model.settings import ShopSettings


@dataclass(frozen=True)
class Analysis:
    prediction: Prediction
    draft: Draft
    violations: list[Violation]


def analyse_many(classifier: ReviewClassifier, reviews: Sequence[str], settings: ShopSettings, *,
                 ratings: Sequence[int | None] | None = None, alternatives: Sequence[int] | int = 1) -> list[Analysis]:
    """Classify all reviews in one batch (much faster than one by one), then draft and check each."""
    predictions = classifier.predict(reviews)
    ratings = ratings or [None] * len(reviews)
    counts = [alternatives] * len(reviews) if isinstance(alternatives, int) else alternatives
    out = []
    for review, prediction, rating, n in zip(reviews, predictions, ratings, counts):
        draft = draft_reply(review, prediction, settings, rating=rating, alternatives=n)
        out.append(Analysis(prediction, draft, check_reply(review, draft.text, settings, prediction, rating=rating)))
    return out


def analyse(classifier: ReviewClassifier, review: str, settings: ShopSettings, *, rating: int | None = None,
            alternatives: int = 1) -> Analysis:
    return analyse_many(classifier, [review], settings, ratings=[rating], alternatives=alternatives)[0]
