"""One Starlette app serving the three APIs, and the ``conformance run`` flags for each."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import chargeover, keyline, solvimon

CONFORMANCE_FLAGS: dict[str, list[str]] = {
    "solvimon": [
        "--api-key", "alt-solv-owner",
        "--platform-id", "plt_1001",
        "--restricted-api-key", "alt-solv-auditor",
        "--other-tenant-api-key", "alt-solv-tenant2",
    ],
    "chargeover": ["--basic", f"{chargeover.USER}:{chargeover.PASSWORD}"],
    "keyline": ["--bearer", keyline.TOKEN],
}  # fmt: skip


async def _home(request: Request) -> Response:
    return JSONResponse({"apis": {"solvimon": "/v1", "chargeover": "/api/v3", "keyline": "/api/v2"}})


async def _solvimon_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, solvimon.Problem)
    return exc.response()


async def _chargeover_failure(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, chargeover.Failure)
    return exc.response()


async def _keyline_refusal(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, keyline.Refusal)
    return exc.response()


def create_app() -> Starlette:
    """A fresh, freshly seeded server."""
    return Starlette(
        routes=[Route("/", _home, methods=["GET"]), *chargeover.routes(), *keyline.routes(), *solvimon.routes()],
        exception_handlers={
            solvimon.Problem: _solvimon_problem,
            chargeover.Failure: _chargeover_failure,
            keyline.Refusal: _keyline_refusal,
        },
    )
