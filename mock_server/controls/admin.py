"""The admin API under ``/__mock/``: reset, state, credentials, stubs, journal and controls.

It is described by its own small contract (``admin.yaml``) and served by Connexion like the
APIs, so it gets request validation and a Swagger UI at ``/__mock/ui/``. It works on the
:class:`~mock_server.state.mock_state.MockState` alone. With ``--admin-token`` every admin request needs
``Authorization: Bearer <token>``. Answers are ``application/json``; errors
``application/problem+json``.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import connexion
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from starlette.responses import Response

from invoice_contracts.oas import load_document

from ..serving.requests.auth import ALL_PERMISSIONS, Credential, CredentialRegistry, Principal, presenting_headers
from ..serving.requests.security import security_map
from ..serving.responses.encoding import dump_json
from ..state.mock_state import KEEPABLE, MINTED, MockState
from ..state.persistence import PersistenceError
from ..state.store import Commit
from .faults import ControlsError
from .matching import MatcherError, RequestMatcher
from .stubs import StubError

__all__ = ["ADMIN_PREFIX", "build_admin_app"]

ADMIN_PREFIX = "/__mock"
ADMIN_SPEC = Path(__file__).with_name("admin.yaml")
PROBLEM = "application/problem+json"
_TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 500: "Internal Server Error"}


class AdminError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def _problem(status: int, detail: str) -> ConnexionResponse:
    body = {"type": "about:blank", "title": _TITLES.get(status, "Error"), "status": status, "detail": detail}
    return ConnexionResponse(status_code=status, body=dump_json(body), mimetype=PROBLEM)


def _json(body: Any, status: int = 200) -> Response:
    return Response(dump_json(body), status, media_type="application/json")


def _no_content() -> Response:
    return Response(status_code=204)


def _matcher(body: Any) -> RequestMatcher:
    try:
        return RequestMatcher.from_json(body)
    except MatcherError as exc:
        raise AdminError(400, str(exc)) from exc


def _secret_for(scheme: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """A fresh secret for a security scheme and the request headers that present it."""
    if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "basic":
        secret = f"user_{secrets.token_hex(4)}:{secrets.token_urlsafe(12)}"
    else:
        secret = f"mock_{secrets.token_urlsafe(18)}"
    return secret, presenting_headers(scheme, secret)


def _state_handlers(mock: MockState) -> dict[str, Callable[..., Awaitable[Response]]]:
    async def reset_state(api: str | None = None, keep: list[str] | None = None) -> Response:
        if api is not None and api not in mock.sources:
            raise AdminError(404, f"no API {api!r}; served: {', '.join(mock.sources)}")
        unknown = sorted(set(keep or ()) - set(KEEPABLE))
        if unknown:
            raise AdminError(400, f"keep {', '.join(unknown)}: expected any of {', '.join(KEEPABLE)}")
        mock.reset(api, tuple(keep or ()))
        return _no_content()

    async def export_state() -> Response:
        return _json(mock.export_state())

    async def import_state(body: dict[str, Any]) -> Response:
        try:
            commits = [Commit.from_json(entry) for entry in body["commits"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise AdminError(400, f"not a state export: {exc!r}") from exc
        unknown = sorted({c.api for c in commits} - set(mock.sources) - {MINTED[0]})
        if unknown:
            raise AdminError(400, f"the export holds unknown APIs: {', '.join(unknown)}")
        mock.import_state(commits)
        return _no_content()

    async def list_credentials() -> Response:
        return _json(
            [
                {
                    "api": c.api,
                    "scheme": c.scheme,
                    "secret": c.secret,
                    "name": c.principal.name,
                    "permissions": sorted(c.principal.permissions),
                    "tenants": list(c.principal.tenants),
                }
                for c in mock.credentials.all()
            ]
        )

    async def mint_credential(body: dict[str, Any]) -> Response:
        api = body["api"]
        if api not in mock.sources:
            raise AdminError(400, f"no API {api!r}; served: {', '.join(mock.sources)}")
        source = mock.sources[api]
        tenants = list(body.get("tenants") or body.get("platform_ids") or [])
        tenant_header = source.contract.tenant_header
        if tenant_header and not tenants:
            raise AdminError(400, f"{api} credentials need tenants ({tenant_header} values they may use)")
        if tenants and not tenant_header:
            raise AdminError(400, f"{api} has no tenants; leave tenants out")
        unknown_tenants = sorted(set(tenants) - mock.tenants(api))
        if unknown_tenants:
            known = ", ".join(sorted(mock.tenants(api)))
            raise AdminError(400, f"unknown {tenant_header} {', '.join(unknown_tenants)}; known: {known}")
        permissions = list(body.get("permissions") or [ALL_PERMISSIONS])
        documented = {o.permission for o in source.contract.operations.values() if o.permission}
        unknown_permissions = sorted(set(permissions) - documented - {ALL_PERMISSIONS})
        if unknown_permissions:
            known = ", ".join(sorted(documented)) or "none (use *)"
            raise AdminError(400, f"unknown permissions {', '.join(unknown_permissions)}; {api} knows: {known}")
        name = str(body.get("name") or f"minted-{secrets.token_hex(3)}")
        schemes = source.contract.spec.get("components", {}).get("securitySchemes", {})
        minted: list[dict[str, Any]] = []
        headers: dict[str, str] = {}
        with mock.store.transaction(*MINTED[:2]) as tx:
            for scheme_name, scheme in schemes.items():
                secret, scheme_headers = _secret_for(scheme)
                record = {
                    "api": api,
                    "scheme": scheme_name,
                    "secret": secret,
                    "name": name,
                    "permissions": permissions,
                    "tenants": tenants,
                }
                tx.put(MINTED[2], f"{api}:{scheme_name}:{secret}", record)
                minted.append(record)
                headers = headers or scheme_headers
        for record in minted:
            mock.credentials.add(Credential.from_fixture(api, record))
        result = {
            "api": api,
            "name": name,
            "permissions": permissions,
            "tenants": tenants,
            "platform_ids": tenants,
            "credentials": minted,
            "headers": headers,
        }
        return _json(result, 201)

    return {
        "resetState": reset_state,
        "exportState": export_state,
        "importState": import_state,
        "listCredentials": list_credentials,
        "mintCredential": mint_credential,
    }


def _control_handlers(mock: MockState) -> dict[str, Callable[..., Awaitable[Response]]]:
    def stub_or_404(stub_id: str) -> Any:
        stub = mock.stubs.get(stub_id)
        if stub is None:
            raise AdminError(404, f"no stub {stub_id!r}")
        return stub

    def parse(data: Any, stub_id: str | None = None) -> Any:
        try:
            return mock.stubs.parse(data, stub_id)
        except StubError as exc:
            raise AdminError(400, str(exc)) from exc

    async def list_stubs() -> Response:
        return _json({"stubs": [s.to_json() for s in mock.stubs.all()]})

    async def create_stub(body: Any) -> Response:
        stub = parse(body)
        if mock.stubs.get(stub.id) is not None:
            raise AdminError(400, f"a stub {stub.id!r} exists; PUT /__mock/stubs/{stub.id} replaces it")
        return _json(mock.stubs.put(stub).to_json(), 201)

    async def replace_stubs(body: Any) -> Response:
        if not isinstance(body, list):
            raise AdminError(400, "expected a list of stubs")
        stubs = [parse(item) for item in body]
        ids = [s.id for s in stubs]
        if len(set(ids)) != len(ids):
            raise AdminError(400, "two stubs have the same id")
        mock.stubs.replace_all(stubs)
        return _json({"stubs": [s.to_json() for s in mock.stubs.all()]})

    async def remove_stubs(api: str | None = None) -> Response:
        mock.stubs.clear(api)
        return _no_content()

    async def read_stub(stubId: str) -> Response:
        return _json(stub_or_404(stubId).to_json())

    async def replace_stub(stubId: str, body: Any) -> Response:
        return _json(mock.stubs.put(parse(body, stubId)).to_json())

    async def remove_stub(stubId: str) -> Response:
        if not mock.stubs.remove(stubId):
            raise AdminError(404, f"no stub {stubId!r}")
        return _no_content()

    async def stub_near_misses(stubId: str, limit: int = 3) -> Response:
        matcher = stub_or_404(stubId).request
        return _json({"near_misses": mock.journal.near_misses(matcher, limit)})

    async def read_journal(
        limit: int = 100, api: str | None = None, method: str | None = None, operationId: str | None = None
    ) -> Response:
        matcher = _matcher({k: v for k, v in (("api", api), ("method", method), ("operationId", operationId)) if v})
        return _json({"capacity": mock.journal.capacity, "entries": mock.journal.entries(limit, matcher)})

    async def clear_journal() -> Response:
        mock.journal.clear()
        return _no_content()

    async def find_requests(body: Any, limit: int = 100) -> Response:
        found = mock.journal.find(_matcher(body))
        return _json({"count": len(found), "entries": [e.to_json() for e in found[-limit:]]})

    async def count_requests(body: Any) -> Response:
        return _json({"count": len(mock.journal.find(_matcher(body)))})

    async def near_misses(body: Any, limit: int = 3) -> Response:
        return _json({"near_misses": mock.journal.near_misses(_matcher(body), limit)})

    async def read_controls() -> Response:
        return _json(mock.controls.to_json())

    async def set_controls(body: dict[str, Any]) -> Response:
        try:
            mock.controls.replace(body)
        except ControlsError as exc:
            raise AdminError(400, str(exc)) from exc
        return _json(mock.controls.to_json())

    return {
        "listStubs": list_stubs,
        "createStub": create_stub,
        "replaceStubs": replace_stubs,
        "removeStubs": remove_stubs,
        "readStub": read_stub,
        "replaceStub": replace_stub,
        "removeStub": remove_stub,
        "stubNearMisses": stub_near_misses,
        "readJournal": read_journal,
        "clearJournal": clear_journal,
        "findRequests": find_requests,
        "countRequests": count_requests,
        "nearMisses": near_misses,
        "readControls": read_controls,
        "setControls": set_controls,
    }


def build_admin_app(mock: MockState) -> connexion.AsyncApp:
    spec = load_document(ADMIN_SPEC)
    token = mock.settings.admin_token
    registry = CredentialRegistry()
    if token:
        registry.add(Credential("__mock", "adminToken", token, Principal("admin", frozenset({ALL_PERMISSIONS}))))
    else:
        spec["security"] = []
    app = connexion.AsyncApp(__name__, swagger_ui_options=SwaggerUIOptions(swagger_ui_path="/ui"))
    handlers = {**_state_handlers(mock), **_control_handlers(mock)}
    app.add_api(
        spec,
        base_path=ADMIN_PREFIX,
        resolver=Resolver(function_resolver=handlers.__getitem__),
        security_map=security_map("__mock", registry, spec["components"]["securitySchemes"]),
    )

    async def admin_error(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        if isinstance(exc, AdminError):
            return _problem(exc.status, exc.detail)
        if isinstance(exc, PersistenceError):
            return _problem(500, str(exc))
        raise exc

    app.add_error_handler(AdminError, admin_error)
    app.add_error_handler(PersistenceError, admin_error)
    return app
