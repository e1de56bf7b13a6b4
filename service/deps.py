"""Dependencies that handlers name in their signatures, so each reads as a sentence.

All are `async def` although none awaits: FastAPI runs a plain `def` dependency in a worker thread, and
that hop cost more than the whole dependency on the hot path.
"""
from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from model.artifact import LoadedModel
from model.settings import ShopSettings


async def get_model(request: Request) -> LoadedModel:
    model = request.app.state.models.current
    if model is None:
        raise HTTPException(503, "the model is not loaded yet")
    return model


async def get_shop(request: Request) -> ShopSettings:
    return request.app.state.shop


def merged_shop(shop: ShopSettings, overrides: dict | None) -> ShopSettings:
    """The shop settings with a request's overrides; a bad override is the client's input error, reported
    like any other body field (422, `settings.<field>`)."""
    try:
        return shop.merged(overrides)
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("body", "settings", *e["loc"])} for e in exc.errors()]) from None


def _presented_key(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return request.headers.get("x-api-key")


def _matches(presented: str, keys: list[str]) -> bool:
    """Compare against every key in constant time (no early exit that would leak which one matched)."""
    ok = False
    for key in keys:
        ok |= hmac.compare_digest(presented.encode(), key.encode())
    return ok


async def require_api_key(request: Request) -> None:
    keys = request.app.state.settings.api_keys
    if not keys:
        return
    presented = _presented_key(request)
    if not presented or not _matches(presented, keys):
        raise HTTPException(401, "missing or wrong API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
                            headers={"WWW-Authenticate": "Bearer"})


async def require_admin_key(request: Request) -> None:
    admin = request.app.state.settings.admin_key
    if not admin:
        raise HTTPException(403, "admin endpoints are off: set REVIEW_REPLY_ADMIN_KEY to use them")
    presented = _presented_key(request)
    if not presented or not _matches(presented, [admin]):
        raise HTTPException(401, "missing or wrong admin key", headers={"WWW-Authenticate": "Bearer"})


ModelDep = Annotated[LoadedModel, Depends(get_model)]
ShopDep = Annotated[ShopSettings, Depends(get_shop)]
