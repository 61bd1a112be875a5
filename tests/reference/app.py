"""The reference server's application: the three APIs' routes, a root that lists them, and
answers in each API's own error shape for paths no route serves."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import chargeover, keyline, solvimon

__all__ = ["CONFORMANCE_FLAGS", "create_app"]

# `conformance run` credentials for each API: full, view-only and another platform's (Solvimon).
CONFORMANCE_FLAGS: dict[str, list[str]] = {
    "solvimon": [
        "--api-key",
        "ref-solv-full",
        "--restricted-api-key",
        "ref-solv-viewer",
        "--other-tenant-api-key",
        "ref-solv-south",
    ],
    "chargeover": ["--basic", f"{chargeover.USER}:{chargeover.PASSWORD}"],
    "keyline": ["--bearer", keyline.TOKEN],
}


async def _root(request: Request) -> Response:
    return JSONResponse(
        {
            "server": "invoice-contracts reference implementation (tests/reference)",
            "apis": {"solvimon": "/v1/invoices", "chargeover": "/api/v3/invoice", "keyline": "/api/v2/accounting"},
        }
    )


async def _not_found(request: Request, exc: Exception) -> Response:
    path = request.url.path
    if path.startswith("/api/v3/"):
        return chargeover.error(404, "Object not found.")
    if path.startswith("/api/v2/"):
        return JSONResponse({"error": "No such route"}, status_code=404)
    return solvimon.api_error(404, "RESOURCE_NOT_FOUND", "No such route")


def create_app() -> Starlette:
    """A fresh server: every API seeded anew."""
    routes = [Route("/", _root, methods=["GET"]), *solvimon.routes(), *chargeover.routes(), *keyline.routes()]
    app = Starlette(routes=routes, exception_handlers={404: _not_found})
    app.router.redirect_slashes = False
    return app
