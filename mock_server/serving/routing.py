"""Routing the way OpenAPI (and Prism) mean it, where Connexion's router routes otherwise.

Connexion adds a contract's paths to a Starlette router in document order, and Starlette takes
the first match. The Connexion limitations worked around (each with a test in
tests/test_mock_routing.py):

- ``/users/{id}`` listed before ``/users/me`` answered ``/users/me``: :func:`routing_document`
  hands Connexion the paths concrete-first (``Contract.routing_order``);
- Starlette routes ``HEAD`` to every ``GET`` route, so a HEAD reached the GET operation's
  endpoint without its checks (a 500): on a path that documents only GET, :class:`RouteCheck`
  answers 405 with ``Allow``, as for any undocumented method; a documented ``head`` is routed
  before its path's ``get``;
- a template parameter never matches an empty segment, so ``/things//parts`` was an unknown
  path (404) where the client only left a parameter out: :class:`RouteCheck` answers it as a
  missing path parameter of the operation it addresses.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from ..contracts import Contract
from ..errors import ErrorKind, MockError

__all__ = ["RouteCheck", "routing_document"]


def routing_document(contract: Contract) -> dict[str, Any]:
    """The contract with its paths in routing order and each ``head`` operation before its
    path's ``get`` (shallow copies: nothing else is copied)."""
    paths = contract.spec.get("paths") or {}
    return {**contract.spec, "paths": {template: _head_first(paths[template]) for template in contract.routing_order}}


def _head_first(item: Any) -> Any:
    if not (isinstance(item, dict) and "head" in item and "get" in item):
        return item
    return {"head": item["head"], **{key: value for key, value in item.items() if key != "head"}}


class RouteCheck:
    """Before security: HEAD without a head operation is 405, an empty path parameter is a
    missing parameter (the cheap tests first: most requests pass two string comparisons)."""

    def __init__(self, app: ASGIApp, *, contract: Contract) -> None:
        self._app = app
        self._contract = contract

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self._check(str(scope["method"]), str(scope["path"]))
        await self._app(scope, receive, send)

    def _check(self, method: str, path: str) -> None:
        contract = self._contract
        if method == "HEAD" and contract.match(method, path) is None and contract.allowed_methods(path):
            raise MockError(405, "Method Not Allowed", kind=ErrorKind.METHOD_NOT_ALLOWED)
        empty = contract.empty_parameter(method, path)
        if empty is not None:
            operation, name = empty
            error = MockError(
                400,
                f"Missing path parameter '{name}'",
                kind=ErrorKind.MISSING_PARAMETER,
                field=name,
                extra={"in": "path"},
            )
            error.operation_id = operation.operation_id
            raise error
