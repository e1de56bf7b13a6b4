"""POST /v1/feedback: an agent's corrected labels and final reply, stored for retraining."""
from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from service.schemas import ErrorOut, FeedbackIn, FeedbackOut

router = APIRouter(tags=["feedback"])


@router.post("/feedback", status_code=201, response_model=FeedbackOut, responses={422: {"model": ErrorOut}})
async def add_feedback(body: FeedbackIn, request: Request) -> dict:
    """Stored with personal data masked; `review-reply export-feedback` turns it into training data."""
    store = request.app.state.feedback
    feedback_id = await run_in_threadpool(store.add, body.review, sentiment=body.sentiment, disputes=body.disputes,
                                          final_reply=body.final_reply, model_version=body.model_version)
    return {"id": feedback_id, "stored": True}
