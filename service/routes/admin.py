"""POST /admin/reload: pick up a newly activated model now (a file watch also does it every few seconds).

With several workers, the request reaches one of them; the others follow through their file watch.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from service.deps import require_admin_key

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(require_admin_key)])


@router.post("/reload")
async def reload_model(request: Request) -> dict:
    """Load the ACTIVE model version in this worker; a bad file is refused and the old model keeps serving."""
    return await request.app.state.models.reload(force=True)
