"""One JSON error shape for every error.

``{"error": {"code": "...", "message": "..."}}``, plus ``"errors": [{"index"?, "field",
"message"}]`` when input was invalid (``index`` is the item's position in a batch).
"""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.errors import DomainError

logger = logging.getLogger("maillage")

HTTP_CODES = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
              413: "too_large", 415: "unsupported_media_type"}


def error_body(code: str, message: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if errors is not None:
        body["errors"] = errors
    return body


def validation_errors(raw_errors: list[dict[str, Any]], *, skip: tuple[str, ...] = ("body",)) -> list[dict[str, Any]]:
    """Pydantic errors → ``[{"index"?, "field", "message"}]``; an int after ``items`` is the index."""
    errors = []
    for item in raw_errors:
        location = [part for part in item.get("loc", ()) if part not in skip]
        entry: dict[str, Any] = {}
        if len(location) >= 2 and location[0] == "items" and isinstance(location[1], int):
            entry["index"] = location[1]
            location = location[2:]
        entry["field"] = ".".join(str(part) for part in location)
        entry["message"] = item.get("msg", "invalid value")
        errors.append(entry)
    return errors


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(_request: Request, error: DomainError) -> JSONResponse:
        errors = error.details if isinstance(error.details, list) else None
        return JSONResponse(error_body(error.code, error.message, errors), status_code=error.http_status,
                            headers={"WWW-Authenticate": "Bearer"} if error.http_status == 401 else None)

    @app.exception_handler(RequestValidationError)
    async def request_validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            error_body("invalid", "the request is not valid", validation_errors(list(error.errors()))),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = HTTP_CODES.get(error.status_code, "error")
        return JSONResponse(error_body(code, str(error.detail)), status_code=error.status_code,
                            headers=getattr(error, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, error: Exception) -> JSONResponse:
        # Never a stack trace in a response; the server log has it.
        logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
        return JSONResponse(error_body("internal_error", "an unexpected error occurred"), status_code=500)
