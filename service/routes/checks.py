"""POST /v1/checks: which guideline rules an (edited) reply breaks."""
from __future__ import annotations

from fastapi import APIRouter

from model.checking import check_reply
from service.deps import ModelDep, ShopDep, merged_shop
from service.routes.drafts import checks_out
from service.schemas import CheckIn, ChecksOut, ErrorOut

router = APIRouter(tags=["checks"])


@router.post("/checks", response_model=ChecksOut, responses={422: {"model": ErrorOut}})
async def check(body: CheckIn, model: ModelDep, shop: ShopDep) -> dict:
    """Check a reply against rules R1–R14 for this review (the review is classified to know what it needs)."""
    settings = merged_shop(shop, body.settings)
    prediction = model.classifier.predict_one(body.review)
    violations = check_reply(body.review, body.reply, settings, prediction, rating=body.rating)
    return checks_out(violations)
