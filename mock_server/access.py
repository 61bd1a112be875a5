"""Authorisation after authentication: the operation's ``x-permission`` and the caller's tenant.

Connexion's security handlers establish *who* calls (``auth.py``); this middleware, placed
between security and request validation, decides whether they may call this operation, on
which tenant (the header parameter the contract marks ``x-tenant: true``), so a forbidden call is 403 before its body is
even looked at.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from .contracts import Contract
from .errors import ErrorKind, MockError

__all__ = ["AccessMiddleware"]


class AccessMiddleware:
    """After authentication, before validation: the operation's permission and the tenant."""

    def __init__(self, app: ASGIApp, *, contract: Contract) -> None:
        self._app = app
        self._contract = contract

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            extensions = scope.setdefault("extensions", {})
            operation_id = extensions.get("connexion_routing", {}).get("operation_id")
            operation = self._contract.operations.get(operation_id) if operation_id else None
            context = extensions.setdefault("connexion_context", {})
            principal = context.get("token_info", {}).get("principal")
            if operation is not None and principal is not None:
                if operation.permission and not principal.may(operation.permission):
                    raise MockError(403, f"Missing permission {operation.permission}", kind=ErrorKind.FORBIDDEN)
                context["tenant"] = self._tenant(scope, principal.tenants)
        await self._app(scope, receive, send)

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
