"""The domain error family. Raised below the routes; one handler turns them into one JSON shape."""

from typing import Any


class DomainError(Exception):
    """Base of every error a user can cause. ``code`` is stable; ``message`` is for humans."""

    code = "error"
    http_status = 400

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class Conflict(DomainError):
    code = "conflict"
    http_status = 409


class Invalid(DomainError):
    code = "invalid"
    http_status = 422


class Forbidden(DomainError):
    code = "forbidden"
    http_status = 403


class Unauthorized(DomainError):
    code = "unauthorized"
    http_status = 401


class TooLarge(DomainError):
    code = "too_large"
    http_status = 413
