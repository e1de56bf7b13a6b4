"""The label set and the typed result every other part reads (drafter, API, CLI)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Sentiment = Literal["positive", "negative"]
DisputeType = Literal["product", "logistics", "service"]

SENTIMENTS: tuple[Sentiment, ...] = ("negative", "positive")
DISPUTE_TYPES: tuple[DisputeType, ...] = ("product", "logistics", "service")
"""Also the tie-break order for the primary dispute (taxonomy: product > logistics > service)."""


@dataclass(frozen=True)
class DisputeScore:
    type: DisputeType
    score: float


@dataclass(frozen=True)
class Prediction:
    """What the classifier says about one review.

    `disputes` holds only the types above their thresholds, primary first; `dispute_scores` has all three.
    """

    sentiment: Sentiment
    sentiment_score: float
    disputes: tuple[DisputeScore, ...] = ()
    primary_dispute: DisputeType | None = None
    dispute_scores: dict[str, float] = field(default_factory=dict)

    @property
    def dispute_types(self) -> tuple[DisputeType, ...]:
        return tuple(d.type for d in self.disputes)

    @property
    def disputes_primary_first(self) -> list[DisputeType]:
        """The assigned types, the primary one first (a primary not given falls back to the first type)."""
        types = list(self.dispute_types)
        primary = self.primary_dispute or (types[0] if types else None)
        return [primary] + [t for t in types if t != primary] if primary else []

    def as_dict(self) -> dict:
        return {
            "sentiment": {"label": self.sentiment, "score": round(self.sentiment_score, 4)},
            "disputes": [{"type": d.type, "score": round(d.score, 4)} for d in self.disputes],
            "primary_dispute": self.primary_dispute,
            "dispute_scores": {k: round(v, 4) for k, v in self.dispute_scores.items()},
        }
