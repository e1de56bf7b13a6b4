"""The FastAPI application: settings -> model (loaded once per worker) -> routers -> middleware.

Run it with `review-reply serve`, or `uvicorn service.app:create_app --factory`.
"""
from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from model.pipeline import analyse
from model.settings import ShopSettings
from service import errors
from service.config import ServiceSettings, get_settings
from service.deps import require_api_key
from service.feedback import FeedbackStore
from service.middleware import AccessLog, RequestGuard
from service.model_holder import ModelHolder, limit_malloc_arenas
from service.routes import admin, checks, classify, drafts, feedback, health, models

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("review_reply")


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    limit_malloc_arenas()
    holder = ModelHolder(settings.model_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        loaded = await asyncio.to_thread(holder.load_active)
        log.info("model %s loaded in %.2fs", loaded.version, loaded.load_seconds)
        # The first draft would otherwise pay for loading phrasings and the Traditional converter.
        await asyncio.to_thread(analyse, loaded.classifier, "物流太慢，客服態度也不好", app.state.shop)
        watcher = asyncio.create_task(holder.watch(settings.reload_interval_seconds)) if settings.reload_interval_seconds > 0 else None
        try:
            yield
        finally:
            if watcher:
                watcher.cancel()
            app.state.feedback.close()

    app = FastAPI(title="review-reply", version="1", lifespan=lifespan,
                  description="Classify Chinese shop reviews and draft the public seller reply (评价解释).")
    app.state.settings = settings
    app.state.models = holder
    app.state.shop = ShopSettings.from_file(settings.shop_settings_file) if settings.shop_settings_file else ShopSettings()
    app.state.feedback = FeedbackStore(settings.feedback_url)

    v1 = APIRouter(prefix="/v1", dependencies=[Depends(require_api_key)])
    for module in (drafts, classify, checks, models, feedback):
        v1.include_router(module.router)
    app.include_router(v1)
    app.include_router(health.router)
    app.include_router(admin.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    errors.install(app)
    app.add_middleware(RequestGuard, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(AccessLog)
    return app
