"""The v1 contract: request and response bodies. Inputs and outputs are separate models."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SkipValidation, field_validator

from model.text import MAX_REVIEW_CHARS, is_blank

DisputeName = Literal["product", "logistics", "service"]
MAX_BATCH = 1000
MAX_REPLY_CHARS = 2000


def _valid_text(value: str, what: str) -> str:
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        raise ValueError(f"{what} contains an unpaired surrogate (broken UTF-16); send valid Unicode text")
    if is_blank(value):
        raise ValueError(f"{what} is empty (nothing left after removing whitespace and control characters)")
    return value


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReviewIn(_In):
    review: Annotated[str, Field(max_length=MAX_REVIEW_CHARS, description="The buyer's review, as posted.")]

    @field_validator("review")
    @classmethod
    def _review(cls, v: str) -> str:
        return _valid_text(v, "review")


Rating = Annotated[int | None, Field(ge=1, le=5, strict=True, description="Star rating 1–5, if the platform shows one.")]
Alternatives = Annotated[int, Field(ge=1, le=5, strict=True, description="How many distinct drafts (1–5).")]
ShopOverrides = Annotated[dict[str, Any] | None, Field(description="Partial shop settings overriding the shop's own.")]


class DraftIn(ReviewIn):
    rating: Rating = None
    settings: ShopOverrides = None
    alternatives: Alternatives = 1


class BatchItemIn(ReviewIn):
    id: Annotated[Annotated[str, Field(max_length=128)] | int, Field(description="Your id for the item (≤ 128 characters), echoed back.")]
    rating: Rating = None
    alternatives: Alternatives = 1


class BatchIn(_In):
    items: Annotated[list[SkipValidation[BatchItemIn]], Field(min_length=1, max_length=MAX_BATCH,
                     description=f"1–{MAX_BATCH} items; each is checked on its own, so one bad item does not fail the rest.")]
    settings: ShopOverrides = None


class CheckIn(ReviewIn):
    reply: Annotated[str, Field(max_length=MAX_REPLY_CHARS)]
    rating: Rating = None
    settings: ShopOverrides = None

    @field_validator("reply")
    @classmethod
    def _reply(cls, v: str) -> str:
        return _valid_text(v, "reply")


class FeedbackIn(ReviewIn):
    sentiment: Literal["positive", "negative"] | None = None
    disputes: Annotated[list[DisputeName], Field(max_length=3)] | None = None
    final_reply: Annotated[str, Field(max_length=MAX_REPLY_CHARS)] | None = None
    model_version: Annotated[str, Field(max_length=64)] | None = None


class SentimentOut(BaseModel):
    label: Literal["positive", "negative"]
    score: float


class DisputeOut(BaseModel):
    type: DisputeName
    score: float


class ClassifyOut(BaseModel):
    sentiment: SentimentOut
    disputes: list[DisputeOut]
    primary_dispute: DisputeName | None
    dispute_scores: dict[DisputeName, float] = Field(
        description="All three types' scores, assigned or not (>= 0.5 means assigned, as in `disputes`).")
    model_version: str


class ViolationOut(BaseModel):
    rule: str
    message: str


class ChecksOut(BaseModel):
    passed: bool
    violations: list[ViolationOut]


class RedactionOut(BaseModel):
    type: str
    start: int
    end: int


class DraftOut(ClassifyOut):
    draft: str
    alternatives: list[str]
    checks: ChecksOut
    redactions: list[RedactionOut]


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: list[dict[str, str]] = []


class ErrorOut(BaseModel):
    error: ErrorDetail


class BatchResultOut(BaseModel):
    """One item's draft, or its `error`; `id` is always the item's own."""
    model_config = ConfigDict(extra="allow")
    id: str | int | None


class BatchOut(BaseModel):
    results: list[BatchResultOut]


class FeedbackOut(BaseModel):
    id: int
    stored: bool


class ModelOut(BaseModel):
    version: str
    created: str
    metrics: dict[str, float | None]
    labels: dict[str, list[str]]
    thresholds: dict[str, float]
