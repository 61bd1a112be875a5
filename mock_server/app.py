"""The mock as one ASGI app: a dispatcher in front of every contract's app and the admin API.

A small dispatcher routes by each contract's base path (longest first; an empty base path
catches the rest), serves the index page at ``/__mock/`` (and at ``/`` unless a contract
documents ``/`` itself) and the admin API under ``/__mock/``, wraps
API requests in the controls (body limit, latency, faults, journal) and everything in CORS.
It also runs the lifespan of the Connexion apps behind it. The state it serves lives in
:class:`~mock_server.state.mock_state.MockState`; the APIs come from :mod:`mock_server.discovery`.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import MutableMapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import connexion
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from .controls.admin import ADMIN_PREFIX, build_admin_app
from .discovery import ApiSource, SetupError, load_sources
from .errors import render_status
from .process.guard import admin_origin_refusal, host_refusal
from .serving.api_app import Responder, build_api_app
from .serving.pipeline import serve_api_request
from .serving.requests.auth import SecretCarriers
from .serving.responses.encoding import dump_json
from .serving.responses.served import served_document
from .settings import MockSettings
from .state.mock_state import MockState

__all__ = ["MockApp", "SetupError", "create_app"]

JSON = "application/json"
_OVERLONG_NUMBER = re.compile(r"[0-9]{4000,}")
_GUARDED_HEADERS = (b"host", b"origin", b"sec-fetch-site")  # what guard.py looks at
INDEX_PATHS = ("/", ADMIN_PREFIX + "/")  # the index; at / unless a contract documents `/`


@dataclass
class _MountedApi:
    source: ApiSource
    app: connexion.AsyncApp


class MockApp:
    """Every contract's app and the admin API on one :class:`MockState`, behind one dispatcher."""

    def __init__(self, settings: MockSettings) -> None:
        self.settings = settings
        sources = load_sources(settings)
        self.state = MockState(settings, sources)
        responder = Responder(self.state)
        self.apis = {
            name: _MountedApi(source, build_api_app(source, self.state, responder)) for name, source in sources.items()
        }
        self._mounts = sorted(
            self.apis.values(), key=lambda mounted: len(mounted.source.contract.base_path), reverse=True
        )
        self._secrets = {
            name: SecretCarriers.of(source.contract.spec.get("components", {}).get("securitySchemes", {}))
            for name, source in sources.items()
        }
        # A contract that documents `/` itself gets it; the index stays at /__mock/.
        self._root_claimed = any(mounted.source.contract.allowed_methods("/") for mounted in self.apis.values())
        self.admin = build_admin_app(self.state)
        self._running: list[tuple[asyncio.Queue[MutableMapping[str, Any]], asyncio.Task[None]]] = []
        self._apis_with_cors = self._with_cors(self._dispatch_api)
        self._admin_with_cors = self._admin_cors(self.admin)

    def index(self) -> list[dict[str, str]]:
        return [
            {
                "api": name,
                "title": mounted.source.contract.title,
                "base_path": mounted.source.contract.base_path or "/",
                "swagger_ui": f"{mounted.source.contract.base_path}/ui/",
                "openapi_json": f"{mounted.source.contract.base_path}/openapi.json",
            }
            for name, mounted in self.apis.items()
        ] + [
            {
                "api": "admin",
                "title": "invoice-contracts mock admin API",
                "base_path": ADMIN_PREFIX,
                "swagger_ui": f"{ADMIN_PREFIX}/ui/",
                "openapi_json": f"{ADMIN_PREFIX}/openapi.json",
            }
        ]

    async def _serve_index(self, scope: Scope, receive: Receive, send: Send) -> None:
        accept = dict(scope["headers"]).get(b"accept", b"").decode("latin-1")
        entries = self.index()
        if "application/json" in accept and "text/html" not in accept:
            response = Response(dump_json({"apis": entries}), media_type=JSON)
        else:
            rows = "".join(
                f"<tr><td>{html.escape(e['title'])}</td><td><code>{html.escape(e['base_path'])}</code></td>"
                f"<td><a href='{html.escape(e['swagger_ui'])}'>Swagger UI</a></td>"
                f"<td><a href='{html.escape(e['openapi_json'])}'>openapi.json</a></td></tr>"
                for e in entries
            )
            page = (
                "<!doctype html><meta charset=utf-8><title>invoice-contracts mock</title>"
                "<h1>invoice-contracts mock</h1><table><tr><th>API</th><th>Base path</th><th colspan=2>Docs</th></tr>"
                f"{rows}</table>"
            )
            response = Response(page, media_type="text/html")
        await response(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        path = scope.get("path", "")
        is_admin = path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/")
        if scope["type"] == "http":
            headers = {
                k.decode("latin-1").lower(): v.decode("latin-1")
                for k, v in scope["headers"]
                if k.lower() in _GUARDED_HEADERS
            }
            refusal = host_refusal(headers, self.settings.host, self.settings.allowed_hosts)
            if refusal is None and is_admin:
                refusal = admin_origin_refusal(headers, self.settings.admin_cors_origins)
            if refusal is not None:
                await self._refuse(scope, receive, send, refusal, admin=is_admin)
                return
        if path in INDEX_PATHS and scope["type"] == "http" and (path != "/" or not self._root_claimed):
            await self._serve_index(scope, receive, send)
        elif is_admin:
            await self._admin_with_cors(scope, receive, send)
        else:
            await self._apis_with_cors(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, detail: str, *, admin: bool) -> None:
        path = scope.get("path", "")
        mounted = None if admin or (path == "/" and not self._root_claimed) else self._mount_for(path)
        if mounted is None:
            body = {"type": "about:blank", "title": "Forbidden", "status": 403, "detail": detail}
            response = Response(dump_json(body), 403, media_type="application/problem+json")
        else:
            status, rendered = render_status(mounted.source.rules.render_error, 403, detail)
            response = Response(rendered, status, media_type=JSON)
        await response(scope, receive, send)

    def _mount_for(self, path: str) -> _MountedApi | None:
        """The API of the longest base path that holds ``path``; among APIs sharing that base
        path (contracts without ``servers``), the first that documents the path."""
        found: list[_MountedApi] = []
        for mounted in self._mounts:
            base = mounted.source.contract.base_path
            if found and len(base) < len(found[0].source.contract.base_path):
                break
            if not base or path == base or path.startswith(base + "/"):
                found.append(mounted)
        if len(found) > 1:
            return next((m for m in found if m.source.contract.allowed_methods(path)), found[0])
        return found[0] if found else None

    def _admin_cors(self, app: ASGIApp) -> ASGIApp:
        origins = self.settings.admin_cors_origins
        if not origins:
            return app
        return CORSMiddleware(
            app,
            allow_origins=list(origins),
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
            max_age=600,
        )

    def _with_cors(self, app: ASGIApp) -> ASGIApp:
        origins = self.settings.cors_origins
        if origins == ():
            return app
        exposed = sorted(
            {"Allow", "Idempotent-Replayed", "Location"}
            | {
                str(header)
                for mounted in self.apis.values()
                for item in mounted.source.contract.spec.get("paths", {}).values()
                for operation in item.values()
                if isinstance(operation, dict)
                for response in operation.get("responses", {}).values()
                for header in (response.get("headers") or {})
            }
        )
        return CORSMiddleware(
            app,
            allow_origins=list(origins or ()),
            allow_origin_regex=".*" if origins is None else None,
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=exposed,
            max_age=600,
        )

    async def _dispatch_api(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        mounted = self._mount_for(path)
        if mounted is None:
            await Response(status_code=404)(scope, receive, send)
            return
        base = mounted.source.contract.base_path
        document = served_document(mounted.source.contract, scope) if scope["type"] == "http" else None
        if document is not None:
            await document(scope, receive, send)
            return
        if scope["type"] != "http" or _is_docs(path, base):
            await mounted.app(scope, receive, send)
            return
        error_response = partial(render_status, mounted.source.rules.render_error)
        if _OVERLONG_NUMBER.search(path):
            # Starlette's int path converter (registered by Connexion) raises instead of
            # not matching when a number exceeds Python's int-conversion digit limit.
            status, body = error_response(404, "Not Found")
            await Response(body, status_code=status, media_type=JSON)(scope, receive, send)
            return
        await serve_api_request(
            mounted.app,
            scope,
            receive,
            send,
            source=mounted.source,
            state=self.state,
            secrets=self._secrets[mounted.source.name],
            error_response=error_response,
        )
        self.state.compact_if_due()

    async def startup(self) -> None:
        """Start every contract's app (and the admin app), so a broken one fails now."""
        for app in [*(mounted.app for mounted in self.apis.values()), self.admin]:
            self._running.append(await _start(app))

    async def shutdown(self) -> None:
        for queue, task in self._running:
            await queue.put({"type": "lifespan.shutdown"})
            await task
        self._running.clear()
        self.state.close()

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        await receive()
        try:
            await self.startup()
        except Exception as exc:  # reported to the server, which refuses to start
            await send({"type": "lifespan.startup.failed", "message": str(exc)})
            return
        await send({"type": "lifespan.startup.complete"})
        message = await receive()
        if message["type"] == "lifespan.shutdown":
            await self.shutdown()
            await send({"type": "lifespan.shutdown.complete"})


async def _start(app: ASGIApp) -> tuple[asyncio.Queue[MutableMapping[str, Any]], asyncio.Task[None]]:
    inbox: asyncio.Queue[MutableMapping[str, Any]] = asyncio.Queue()
    started: asyncio.Future[MutableMapping[str, Any]] = asyncio.get_running_loop().create_future()
    await inbox.put({"type": "lifespan.startup"})

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"].startswith("lifespan.startup") and not started.done():
            started.set_result(message)

    async def run() -> None:
        await app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, inbox.get, send)

    task = asyncio.create_task(run())
    message = await started
    if message["type"] == "lifespan.startup.failed":
        raise SetupError(str(message.get("message", "startup failed")))
    return inbox, task


def _is_docs(path: str, base: str) -> bool:
    rest = path[len(base) :]
    return rest in ("/openapi.json", "/openapi.yaml") or rest.startswith("/ui")


def create_app(settings: MockSettings | None = None) -> MockApp:
    """Build the mock for every API of the registry (see ``MockSettings``)."""
    return MockApp(settings or MockSettings())
