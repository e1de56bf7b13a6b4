"""ASGI middleware: body-size and content-type guards before any parsing, and a structured access log.

Written as plain ASGI (not BaseHTTPMiddleware) because it runs on every request of a hot path.
The access log carries method, path, status and latency only: never a body, a query string or a key.
"""
from __future__ import annotations

import json
import logging
import time
import uuid

from service.errors import error_body

access_log = logging.getLogger("review_reply.access")


async def _send_error(send, status: int, message: str) -> None:
    body = json.dumps(error_body(status, message), ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


DRAIN_LIMIT = 64 * 1024 * 1024


async def _drain(receive) -> None:
    """Read and drop an oversize body (up to DRAIN_LIMIT) so the client sees our 413, not a reset connection."""
    seen = 0
    while seen <= DRAIN_LIMIT:
        message = await receive()
        if message["type"] != "http.request":
            return
        seen += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


class RequestGuard:
    """413 for bodies over `max_body_bytes` (declared or streamed); 415 for non-JSON posts to /v1."""

    def __init__(self, app, *, max_body_bytes: int):
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None and not declared.isdigit():
            return await _send_error(send, 400, "Content-Length is not a number")
        if declared is not None and int(declared) > self.max_body_bytes:
            await _drain(receive)
            return await _send_error(send, 413, f"request body over {self.max_body_bytes:,} bytes; send fewer or shorter items")
        if scope["path"].startswith("/v1/"):
            ctype = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
            if ctype != b"application/json":
                return await _send_error(send, 415, "send the body as JSON with 'Content-Type: application/json'")
        seen = 0
        too_large = False

        async def guarded_receive():
            # A body without Content-Length (chunked) is counted as it streams. Past the limit the app is
            # handed an empty end of body and whatever it answers is replaced by our 413 below.
            nonlocal seen, too_large
            if too_large:
                return {"type": "http.request", "body": b"", "more_body": False}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    too_large = True
                    if message.get("more_body", False):
                        await _drain(receive)
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        async def guarded_send(message):
            if not too_large:
                return await send(message)
            if message["type"] == "http.response.start":
                await _send_error(send, 413, f"request body over {self.max_body_bytes:,} bytes")

        await self.app(scope, guarded_receive, guarded_send)


class AccessLog:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status = 500
        request_id = uuid.uuid4().hex[:12]

        async def send_with_status(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(json.dumps({"request_id": request_id, "method": scope["method"], "path": scope["path"],
                                            "status": status, "ms": round(1000 * (time.perf_counter() - started), 2)}))
