"""One route per path, dispatching on the method, so that a 405 names every method in ``Allow``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

EVERY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"]
Handler = Callable[[Request], Awaitable[Response]]


def resource(path: str, handlers: Mapping[str, Handler], refusal: Callable[[str], dict[str, Any]]) -> Route:
    """``handlers`` by method; ``refusal(method)`` is the JSON body of the 405 for any other method."""
    allowed = dict(handlers)
    if "GET" in allowed:
        allowed["HEAD"] = allowed["GET"]
    allow = ", ".join(sorted(allowed))

    async def endpoint(request: Request) -> Response:
        handler = allowed.get(request.method)
        if handler is None:
            return JSONResponse(refusal(request.method), status_code=405, headers={"Allow": allow})
        return await handler(request)

    return Route(path, endpoint, methods=EVERY_METHOD)
