"""POST /v1/drafts and /v1/drafts/batch: labels, the reply draft and its self-check."""
from __future__ import annotations

from fastapi import APIRouter
from pydantic import TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from model.pipeline import Analysis, analyse, analyse_many
from service.deps import ModelDep, ShopDep, merged_shop
from service.errors import describe, error_body, field_errors
from service.schemas import BatchIn, BatchItemIn, BatchOut, DraftIn, DraftOut, ErrorOut

router = APIRouter(tags=["drafts"])
_item = TypeAdapter(BatchItemIn)


def checks_out(violations) -> dict:
    """The `checks` answer: passed, and each broken rule with its advice."""
    return {"passed": not violations, "violations": [{"rule": v.rule, "message": v.message} for v in violations]}


def draft_out(analysis: Analysis, model_version: str) -> dict:
    draft = analysis.draft
    return {
        **analysis.prediction.as_dict(),
        "model_version": model_version,
        "draft": draft.text,
        "alternatives": list(draft.alternatives),
        "checks": checks_out(analysis.violations),
        "redactions": [{"type": r.type, "start": r.start, "end": r.end} for r in draft.redactions],
    }


@router.post("/drafts", response_model=DraftOut, responses={422: {"model": ErrorOut}, 413: {"model": ErrorOut}})
async def create_draft(body: DraftIn, model: ModelDep, shop: ShopDep) -> dict:
    """Classify one review and draft the public reply, checked against the reply guidelines."""
    settings = merged_shop(shop, body.settings)
    return draft_out(analyse(model.classifier, body.review, settings, rating=body.rating,
                             alternatives=body.alternatives), model.version)


@router.post("/drafts/batch", response_model=BatchOut, responses={422: {"model": ErrorOut}, 413: {"model": ErrorOut}})
async def create_drafts(body: BatchIn, model: ModelDep, shop: ShopDep) -> dict:
    """Up to 1,000 reviews at once, results in input order; a bad item gets its own `error` entry."""
    settings = merged_shop(shop, body.settings)
    results: list[dict | None] = [None] * len(body.items)
    good: list[tuple[int, BatchItemIn]] = []
    for i, raw in enumerate(body.items):
        try:
            good.append((i, _item.validate_python(raw)))
        except ValidationError as exc:
            fields = field_errors(exc.errors(), prefix=("items", i))
            item_id = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), (str, int)) else None
            results[i] = {"id": item_id, **error_body(422, describe(fields), fields)}
    if good:
        analyses = await run_in_threadpool(
            analyse_many, model.classifier, [item.review for _, item in good], settings,
            ratings=[item.rating for _, item in good], alternatives=[item.alternatives for _, item in good])
        for (i, item), analysis in zip(good, analyses):
            results[i] = {"id": item.id, **draft_out(analysis, model.version)}
    return {"results": results}
