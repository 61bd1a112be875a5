"""One exception type for every error the mock answers, and the contract for rendering it.

Rules modules and the engine raise :class:`MockError`; :func:`error_from` turns whatever
Connexion or Starlette raised into one; each API's rules module supplies an
:class:`ErrorRenderer` that turns it into that API's documented error body (and may choose a
different status, as Keyline does for validation errors). Nothing here knows an API.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from connexion.exceptions import ProblemException
from starlette.exceptions import HTTPException

from .serving.responses.encoding import dump_json
from .state.store import StoreFull

__all__ = ["ErrorKind", "ErrorRenderer", "MockError", "RenderedError", "error_from", "render_status"]


logger = logging.getLogger("mock_server")


class ErrorKind(enum.Enum):
    """What went wrong, independent of any API's vocabulary."""

    VALIDATION = "validation"
    MISSING_PARAMETER = "missing_parameter"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    NOT_ACCEPTABLE = "not_acceptable"
    CONFLICT = "conflict"
    INVALID_OPERATION = "invalid_operation"
    UNSUPPORTED_VERSION = "unsupported_version"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    INTERNAL = "internal"


class MockError(Exception):
    """An error response in the making.

    ``code`` is the API's own error code when the raiser knows it (rules modules do); the
    renderer derives one from ``kind`` otherwise. ``extra`` carries API-specific fields such as
    Solvimon's ``resource_id``. ``headers`` go out whatever the renderer does (``Allow`` on a 405).
    ``operation_id`` is the operation the failing request addressed, when the engine knows it
    (set before rendering, so a renderer can answer what that operation documents).
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        kind: ErrorKind,
        code: str | None = None,
        field: str | None = None,
        extra: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.kind = kind
        self.code = code
        self.field = field
        self.extra: Mapping[str, Any] = extra or {}
        self.headers: Mapping[str, str] = headers or {}
        self.operation_id: str | None = None


@dataclass(frozen=True)
class RenderedError:
    status: int
    body: Any
    headers: Mapping[str, str] = field(default_factory=dict)


class ErrorRenderer(Protocol):
    """Turns a :class:`MockError` into an API's documented error response."""

    def __call__(self, error: MockError) -> RenderedError: ...


_KIND_BY_STATUS = {
    400: ErrorKind.VALIDATION,
    401: ErrorKind.UNAUTHORIZED,
    403: ErrorKind.FORBIDDEN,
    404: ErrorKind.NOT_FOUND,
    405: ErrorKind.METHOD_NOT_ALLOWED,
    413: ErrorKind.PAYLOAD_TOO_LARGE,
    415: ErrorKind.UNSUPPORTED_MEDIA_TYPE,
}


def render_status(renderer: ErrorRenderer, status: int, message: str) -> tuple[int, bytes]:
    """An error the engine makes up itself (a fault, a refused proxy request) in an API's shape."""
    rendered = renderer(MockError(status, message, kind=_KIND_BY_STATUS.get(status, ErrorKind.INTERNAL)))
    return rendered.status, dump_json(rendered.body)


def error_from(exc: Exception) -> MockError:
    """Translate whatever Connexion or Starlette raised into a :class:`MockError`."""
    if isinstance(exc, MockError):
        return exc
    if isinstance(exc, StoreFull):
        return MockError(507, f"The mock's store is full: {exc}", kind=ErrorKind.INTERNAL)
    if isinstance(exc, HTTPException):
        status = exc.status_code
        detail = str(getattr(exc, "detail", "") or "")
        kind = _KIND_BY_STATUS.get(status, ErrorKind.INTERNAL)
        extra = {"credentials_missing": detail == "No authorization token provided"}
        if isinstance(exc, ProblemException) and status >= 500:
            logger.error("contract violation or server error: %s", detail)
        return MockError(status, detail or "Error", kind=kind, extra=extra, headers=exc.headers)
    logger.exception("unhandled error in the mock", exc_info=exc)
    return MockError(500, "Internal error in the mock", kind=ErrorKind.INTERNAL)
