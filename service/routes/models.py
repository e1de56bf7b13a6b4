"""GET /v1/model: what is serving, how well it measured, and which labels it knows."""
from __future__ import annotations

from fastapi import APIRouter

from model.labels import DISPUTE_TYPES, SENTIMENTS
from service.deps import ModelDep
from service.schemas import ModelOut

router = APIRouter(tags=["model"])


@router.get("/model", response_model=ModelOut)
async def model_info(model: ModelDep) -> dict:
    manifest = model.manifest
    return {
        "version": model.version,
        "created": manifest.get("created", ""),
        "metrics": manifest.get("metrics", {}).get("headline", {}),
        "labels": {"sentiment": list(SENTIMENTS), "disputes": list(DISPUTE_TYPES)},
        "thresholds": manifest.get("thresholds", {}),
    }
