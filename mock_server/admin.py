"""The admin API under ``/__mock/``: reset, export/import, credentials, journal, controls.

It is described by its own small contract (``admin.yaml``) and served by Connexion like the
APIs, so it gets request validation and a Swagger UI at ``/__mock/ui/``. With
``--admin-token`` every admin request needs ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import connexion
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver

from invoice_contracts.oas import load_document

from .auth import ALL_PERMISSIONS, Credential, CredentialRegistry, Principal, security_map
from .controls import ControlsError
from .persistence import PersistenceError
from .state import MINTED, MockState
from .store import Commit

__all__ = ["ADMIN_PREFIX", "build_admin_app"]

ADMIN_PREFIX = "/__mock"
ADMIN_SPEC = Path(__file__).with_name("admin.yaml")


class AdminError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def _problem(status: int, detail: str) -> ConnexionResponse:
    titles = {
        400: "Bad Request",
        401: "Unauthorized",
        404: "Not Found",
        405: "Method Not Allowed",
        500: "Internal Server Error",
    }
    body = {"type": "about:blank", "title": titles.get(status, "Error"), "status": status, "detail": detail}
    return ConnexionResponse(status_code=status, body=json.dumps(body).encode(), mimetype="application/problem+json")


def _json(body: Any, status: int = 200) -> ConnexionResponse:
    return ConnexionResponse(status_code=status, body=json.dumps(body).encode(), mimetype="application/json")


def _secret_for(scheme: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """A fresh secret for a security scheme and the request headers that present it."""
    kind, http = scheme.get("type"), str(scheme.get("scheme", "")).lower()
    if kind == "http" and http == "basic":
        user, password = f"user_{secrets.token_hex(4)}", secrets.token_urlsafe(12)
        return f"{user}:{password}", {
            "Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        }
    token = f"mock_{secrets.token_urlsafe(18)}"
    if kind == "apiKey":
        return token, {str(scheme["name"]): token}
    return token, {"Authorization": f"Bearer {token}"}


def _handlers(mock: MockState) -> dict[str, Callable[..., Awaitable[Any]]]:
    async def reset_state(api: str | None = None) -> ConnexionResponse:
        if api is not None and api not in mock.sources:
            return _problem(404, f"no API {api!r}; served: {', '.join(mock.sources)}")
        mock.reset(api)
        return ConnexionResponse(status_code=204)

    async def export_state() -> ConnexionResponse:
        return _json(mock.export_state())

    async def import_state(body: dict[str, Any]) -> ConnexionResponse:
        try:
            commits = [Commit.from_json(entry) for entry in body["commits"]]
        except (KeyError, TypeError, ValueError) as exc:
            return _problem(400, f"not a state export: {exc!r}")
        unknown = sorted({c.api for c in commits} - set(mock.sources) - {MINTED[0]})
        if unknown:
            return _problem(400, f"the export holds unknown APIs: {', '.join(unknown)}")
        mock.import_state(commits)
        return ConnexionResponse(status_code=204)

    async def list_credentials() -> ConnexionResponse:
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

    async def mint_credential(body: dict[str, Any]) -> ConnexionResponse:
        api = body["api"]
        if api not in mock.sources:
            raise AdminError(400, f"no API {api!r}; served: {', '.join(mock.sources)}")
        source = mock.sources[api]
        tenants = list(body.get("platform_ids") or [])
        if source.contract.tenant_header and not tenants:
            raise AdminError(400, f"{api} credentials need platform_ids (the tenants they may use)")
        permissions = list(body.get("permissions") or [ALL_PERMISSIONS])
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
            "platform_ids": tenants,
            "credentials": minted,
            "headers": headers,
        }
        return _json(result, 201)

    async def read_journal(limit: int = 100) -> ConnexionResponse:
        return _json({"capacity": mock.journal.capacity, "entries": mock.journal.entries(limit)})

    async def clear_journal() -> ConnexionResponse:
        mock.journal.clear()
        return ConnexionResponse(status_code=204)

    async def read_controls() -> ConnexionResponse:
        return _json(mock.controls.to_json())

    async def set_controls(body: dict[str, Any]) -> ConnexionResponse:
        try:
            mock.controls.update(body)
        except (ControlsError, TypeError, KeyError) as exc:
            raise AdminError(400, str(exc)) from exc
        return _json(mock.controls.to_json())

    return {
        "resetState": reset_state,
        "exportState": export_state,
        "importState": import_state,
        "listCredentials": list_credentials,
        "mintCredential": mint_credential,
        "readJournal": read_journal,
        "clearJournal": clear_journal,
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
    handlers = _handlers(mock)
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
