"""Authorisation after authentication: the operation's ``x-permission`` and the caller's tenant.

Connexion's security handlers establish *who* calls (``auth.py`` records the principal in the
scope under its own key); this middleware, placed between security and request validation,
decides whether they may call this operation, on which tenant (the rules module's tenant
header), so a forbidden call is 403 before its body is even looked at. It finds the operation
from the contract itself and leaves its verdict in the scope under :data:`CALLER_SCOPE_KEY`,
so nothing here or downstream reads Connexion's private scope keys.

It fails closed: a request for an operation the contract secures that arrives without a
principal (because a Connexion upgrade stopped handing the request to our checks, say) gets
no caller, and an endpoint reached without one answers 500 (:func:`caller_of`): the rules
never run without the permission check. (The refusal waits for the endpoint because a
request Connexion does not route to an operation, such as ``/api/v3/invoice/%25`` for an
integer id, passes no security check and must still end as Connexion's 404.)
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from ...contracts import Contract, Operation
from ...errors import ErrorKind, MockError
from .auth import PRINCIPAL_SCOPE_KEY, Principal

__all__ = ["CALLER_SCOPE_KEY", "AccessMiddleware", "Caller", "caller_of"]

CALLER_SCOPE_KEY = "mock_server.caller"
ANONYMOUS = Principal("anonymous", frozenset())


@dataclass(frozen=True)
class Caller:
    """Who calls which operation on which tenant, once the access check has passed."""

    operation_id: str
    principal: Principal
    tenant: str


def caller_of(scope: Scope, operation_id: str) -> Caller:
    """The access check's verdict on this request for this operation; refuses (500) when there is none."""
    caller = scope.get(CALLER_SCOPE_KEY)
    if not isinstance(caller, Caller) or caller.operation_id != operation_id:
        raise MockError(
            500, "No caller was established for this request (authentication or access check)", kind=ErrorKind.INTERNAL
        )
    return caller


class AccessMiddleware:
    """After authentication, before validation: the operation's permission and the tenant."""

    def __init__(self, app: ASGIApp, *, contract: Contract) -> None:
        self._app = app
        self._contract = contract

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope.pop(CALLER_SCOPE_KEY, None)
            operation = self._contract.match(scope["method"], scope["path"])
            caller = self._caller(scope, operation) if operation is not None else None
            if caller is not None:
                scope[CALLER_SCOPE_KEY] = caller
        await self._app(scope, receive, send)

    def _secured(self, operation: Operation) -> bool:
        node = self._contract.spec["paths"][operation.path][operation.method]
        requirements = node.get("security", self._contract.spec.get("security", []))
        return bool(requirements) and all(requirements)

    def _caller(self, scope: Scope, operation: Operation) -> Caller | None:
        principal = scope.get(PRINCIPAL_SCOPE_KEY)
        if not isinstance(principal, Principal):
            if self._secured(operation):
                return None
            principal = ANONYMOUS
        if operation.permission and not principal.may(operation.permission):
            raise MockError(403, f"Missing permission {operation.permission}", kind=ErrorKind.FORBIDDEN)
        return Caller(operation.operation_id, principal, self._tenant(scope, principal.tenants))

    def _tenant(self, scope: Scope, allowed: tuple[str, ...]) -> str:
        header = self._contract.tenant_header
        if header is None:
            return "default"
        wanted = header.lower().encode("latin-1")
        requested: str | None = next((v.decode("latin-1") for k, v in scope["headers"] if k == wanted), None)
        if requested is None:
            if not allowed:
                raise MockError(403, "This credential has no tenant", kind=ErrorKind.FORBIDDEN)
            return allowed[0]
        if requested not in allowed:
            raise MockError(
                403, f"This credential cannot use {header} {requested!r}", kind=ErrorKind.FORBIDDEN, field=header
            )
        return requested
