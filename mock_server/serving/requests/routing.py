"""Routing the way OpenAPI (and Prism) mean it, where Connexion's router routes otherwise.

Connexion adds a contract's paths to a Starlette router in document order, and Starlette takes
the first match. The Connexion limitations worked around (each with a test in
tests/test_mock_routing.py):

- ``/users/{id}`` listed before ``/users/me`` answered ``/users/me``: :func:`connexion_document`
  hands Connexion the paths concrete-first (``Contract.routing_order``);
- Starlette routes ``HEAD`` to every ``GET`` route, so a HEAD reached the GET operation's
  endpoint without its checks (a 500): on a path that documents only GET, :class:`RouteCheck`
  answers 405 with ``Allow``, as for any undocumented method; a documented ``head`` is routed
  before its path's ``get``;
- Connexion ignores a body sent to an operation that documents none; with the generic rules
  (``ApiRules.prism_compatible``) :class:`RouteCheck` answers 415 to a POST, PUT or
  PATCH with one, as Prism does;
- a template parameter never matches an empty segment, so ``/things//parts`` was an unknown
  path (404) where the client only left a parameter out: :class:`RouteCheck` answers it as a
  missing path parameter of the operation it addresses.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from invoice_contracts.oas import HTTP_METHODS, resolve_refs

from ...contracts import Contract
from ...errors import ErrorKind, MockError
from .uri_parsing import implied_type

__all__ = ["RouteCheck", "connexion_document"]

_BODY_METHODS = ("POST", "PUT", "PATCH")


def connexion_document(contract: Contract) -> dict[str, Any]:
    """The contract as Connexion is given it: paths in routing order, each ``head`` before its
    path's ``get``, parameter schemas with the ``type`` their composition implies (shallow
    copies: only what changes is copied)."""
    spec = contract.connexion_spec
    paths = spec.get("paths") or {}
    return {
        **spec,
        "paths": {template: _item(spec, paths[template]) for template in contract.routing_order},
    }


def _item(spec: dict[str, Any], item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    copied = {key: _with_parameters(spec, value) if key in HTTP_METHODS else value for key, value in item.items()}
    copied = _with_parameters(spec, copied)
    if "head" in copied and "get" in copied:
        copied = {"head": copied["head"], **{key: value for key, value in copied.items() if key != "head"}}
    return copied


def _with_parameters(spec: dict[str, Any], node: Any) -> Any:
    """``node`` (an operation or path item) with typeless composed parameter schemas typed."""
    if not isinstance(node, dict) or not isinstance(node.get("parameters"), list):
        return node
    return {**node, "parameters": [_typed(spec, parameter) for parameter in node["parameters"]]}


def _typed(spec: dict[str, Any], parameter: Any) -> Any:
    resolved = resolve_refs(spec, parameter) if isinstance(parameter, dict) and "$ref" in parameter else parameter
    schema = resolved.get("schema") if isinstance(resolved, dict) else None
    if not isinstance(schema, dict) or not schema or "type" in schema:
        return parameter
    kind = implied_type(resolve_refs(spec, schema))
    return parameter if kind is None else {**resolved, "schema": {**schema, "type": kind}}


class RouteCheck:
    """Before security: HEAD without a head operation is 405, an empty path parameter is a
    missing parameter (the cheap tests first: most requests pass two string comparisons)."""

    def __init__(self, app: ASGIApp, *, contract: Contract, refuse_undocumented_bodies: bool = False) -> None:
        self._app = app
        self._contract = contract
        self._refuse_bodies = refuse_undocumented_bodies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self._check(str(scope["method"]), str(scope["path"]))
            if self._refuse_bodies:
                self._check_body(scope)
        await self._app(scope, receive, send)

    def _check_body(self, scope: Scope) -> None:
        """A body sent with POST, PUT or PATCH to an operation that documents none is an
        unsupported media type (on GET, DELETE ... a body has no defined meaning, RFC 9110: ignored)."""
        if scope["method"] not in _BODY_METHODS:
            return
        headers = dict(scope["headers"])
        if headers.get(b"content-length", b"0") in (b"0", b"") and b"transfer-encoding" not in headers:
            return
        operation = self._contract.match(str(scope["method"]), str(scope["path"]))
        if (
            operation is not None
            and "requestBody" not in self._contract.spec["paths"][operation.path][operation.method]
        ):
            error = MockError(
                415,
                f"{operation.operation_id} takes no request body",
                kind=ErrorKind.UNSUPPORTED_MEDIA_TYPE,
            )
            error.operation_id = operation.operation_id
            raise error

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
