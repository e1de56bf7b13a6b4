"""Liveness and readiness for process managers and load balancers."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from service.errors import error_response

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict:
    """The process is up and answering."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """The model is loaded and the service can answer /v1 requests."""
    holder = request.app.state.models
    if holder.current is None:
        return error_response(503, holder.last_error or "model not loaded yet")
    return JSONResponse({"status": "ready", "model_version": holder.current.version})
