"""POST /v1/classify: the labels only, for tools that write their own replies."""
from __future__ import annotations

from fastapi import APIRouter

from service.deps import ModelDep
from service.schemas import ClassifyOut, ErrorOut, ReviewIn

router = APIRouter(tags=["classify"])


@router.post("/classify", response_model=ClassifyOut, responses={422: {"model": ErrorOut}})
async def classify(body: ReviewIn, model: ModelDep) -> dict:
    """Sentiment and dispute types of one review, each with a score (>= 0.5 means assigned)."""
    return {**model.classifier.predict_one(body.review).as_dict(), "model_version": model.version}
