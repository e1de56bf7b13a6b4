"""One JSON error shape everywhere: {"error": {"code", "message", "fields": [{"field", "message"}]}}."""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from model.settings import error_text

log = logging.getLogger("review_reply.errors")

_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
          413: "payload_too_large", 415: "unsupported_media_type", 422: "invalid_input", 503: "not_ready"}


def error_body(status: int, message: str, fields: list[dict[str, str]] | None = None, code: str | None = None) -> dict:
    return {"error": {"code": code or _CODES.get(status, "error"), "message": message, "fields": fields or []}}


def error_response(status: int, message: str, fields=None, code=None, headers=None) -> JSONResponse:
    return JSONResponse(error_body(status, message, fields, code), status_code=status, headers=headers)


def field_errors(errors, prefix: tuple = ()) -> list[dict[str, str]]:
    """Pydantic errors as [{field: "items.3.review", message}], without echoing the input value."""
    out = []
    for e in errors:
        loc = [str(p) for p in (*prefix, *e.get("loc", ())) if p not in ("body",)]
        if e.get("type") == "json_invalid":
            message = "the body is not valid JSON: " + str((e.get("ctx") or {}).get("error", "syntax error"))
        else:
            message = error_text(e)
        out.append({"field": ".".join(loc) or "body", "message": message})
    return out


def describe(fields: list[dict[str, str]]) -> str:
    first = fields[0] if fields else {"field": "body", "message": "invalid"}
    more = f" (and {len(fields) - 1} more)" if len(fields) > 1 else ""
    return f"{first['field']}: {first['message']}{more}"


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        fields = field_errors(exc.errors())
        return error_response(422, describe(fields), fields)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else "request refused"
        if exc.status_code == 400 and "parsing the body" in message:
            message = "the body could not be parsed as JSON (too deeply nested or malformed)"
        return error_response(exc.status_code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal error; the request was not processed", code="internal")
