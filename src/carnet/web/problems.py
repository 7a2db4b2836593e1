"""One place where carnet's errors become HTTP answers: JSON problems (RFC 9457).

Every JSON route answers errors with the same shape::

    {"type": "https://carnet.dev/problems/not_found", "title": "Not found",
     "status": 404, "detail": "Contact 42 does not exist.", "code": "not_found"}
"""

from __future__ import annotations

import re
from typing import Any

from carnet.consent.errors import LinkTokenError
from carnet.errors import (
    CarnetError,
    ConfigError,
    ConflictError,
    DatabaseError,
    InputFileError,
    InvalidValueError,
    NotFoundError,
)

PROBLEM_MEDIA_TYPE = "application/problem+json"
_STATUS: tuple[tuple[type[CarnetError], int], ...] = (
    (NotFoundError, 404),
    (InvalidValueError, 422),
    (InputFileError, 422),
    (ConflictError, 409),
    (ConfigError, 503),
    (DatabaseError, 503),
)


def status_of(exc: CarnetError) -> int:
    """The HTTP status for an error."""
    if isinstance(exc, LinkTokenError):
        return exc.status
    for cls, status in _STATUS:
        if isinstance(exc, cls):
            return status
    if type(exc).__name__ == "MailError":
        return 502
    return 400


def code_of(exc: CarnetError) -> str:
    """A stable snake_case code (``not_found``, ``invalid_value``, ``used_link`` ...)."""
    if isinstance(exc, LinkTokenError):
        return exc.code
    name = type(exc).__name__.removesuffix("Error") or "carnet"
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def problem(exc: CarnetError, *, status: int | None = None) -> dict[str, Any]:
    """The JSON problem for an error."""
    code = code_of(exc)
    status = status or status_of(exc)
    title = code.replace("_", " ").capitalize()
    body: dict[str, Any] = {
        "type": f"https://carnet.dev/problems/{code}",
        "title": title,
        "status": status,
        "detail": str(exc),
        "code": code,
    }
    for key in ("field", "contact_id"):
        if key in exc.context:
            body[key] = exc.context[key]
    return body


def generic_problem(status: int, detail: str, code: str) -> dict[str, Any]:
    """A problem for errors that are not CarnetError (404 route, validation, 500)."""
    return {
        "type": f"https://carnet.dev/problems/{code}",
        "title": code.replace("_", " ").capitalize(),
        "status": status,
        "detail": detail,
        "code": code,
    }


__all__ = ["PROBLEM_MEDIA_TYPE", "code_of", "generic_problem", "problem", "status_of"]
