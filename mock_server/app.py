"""The app factory: one Connexion app per contract, behind one ASGI dispatcher.

Each contract gets its own Connexion ``AsyncApp`` so that its routes, security schemes,
validators and error handlers stay its own: an error raised anywhere in that app leaves
through that API's renderer. A small dispatcher routes by each contract's base path (longest
first; an empty base path catches the rest) and serves the index page at ``/``.
"""

from __future__ import annotations

import asyncio
import html
import importlib
import pkgutil
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

import connexion
import yaml
from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware import MiddlewarePosition
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from oas import resolve_refs

from . import apis
from .access import AccessMiddleware
from .admin import ADMIN_PREFIX, build_admin_app, minted_credentials
from .auth import Credential, CredentialRegistry, security_map
from .connexion_app import AsyncApp
from .contracts import Contract, Operation, load_contract
from .controls import Controls, Journal, parse_prefer, run_controlled
from .encoding import EncodingCache, dump_json
from .errors import ErrorKind, MockError, error_from, render_status
from .fakes import SchemaFaker, make_faker
from .idempotency import IdempotencyCache
from .persistence import FORMAT as STATE_FORMAT
from .persistence import VERSION as STATE_VERSION
from .persistence import PersistenceError, StateFile
from .prefer import forced_reply
from .rules import ApiRules, Call, Handler, Reply, SeedContext
from .settings import MockSettings
from .store import Commit, Store, StoreFull
from .uri_parsing import ExplodedArrayURIParser
from .validation import validator_map

__all__ = ["MockApp", "SetupError", "create_app"]

JSON = "application/json"
FIXED_EPOCH = datetime(2026, 1, 5, 9, 0, 0, tzinfo=UTC)
_OVERLONG_NUMBER = re.compile(r"[0-9]{4000,}")


class SetupError(Exception):
    """The mock cannot start: a contract, fixture or rules module is missing or broken."""


def discover_rules() -> dict[str, ApiRules]:
    found: dict[str, ApiRules] = {}
    for module_info in pkgutil.iter_modules(apis.__path__):
        module = importlib.import_module(f"{apis.__name__}.{module_info.name}")
        rules = getattr(module, "RULES", None)
        if isinstance(rules, ApiRules):
            found[rules.name] = rules
    return found


@dataclass
class _MountedApi:
    contract: Contract
    rules: ApiRules
    fixtures: dict[str, Any]
    app: connexion.AsyncApp


class MockApp:
    """Every contract's app, the shared store and credentials, behind one dispatcher."""

    def __init__(self, settings: MockSettings) -> None:
        self.settings = settings
        self.store = Store(max_records=settings.max_records)
        self.credentials = CredentialRegistry()
        self.idempotency = IdempotencyCache(settings.idempotency_cache_size)
        self._encoding = EncodingCache(known=self.store.json_of)
        self.controls = Controls(settings.latency_ms, settings.fault, settings.fault_rate, seed=settings.seed)
        self.journal = Journal(settings.journal_size)
        self.state_file = StateFile(settings.state_file) if settings.state_file else None
        self.apis: dict[str, _MountedApi] = {}
        self._running: list[tuple[asyncio.Queue[MutableMapping[str, Any]], asyncio.Task[None]]] = []
        rules_by_name = discover_rules()
        contract_paths = sorted(settings.contracts_dir.glob("*.yaml"))
        if not contract_paths:
            raise SetupError(f"no contracts (*.yaml) in {settings.contracts_dir}")
        for path in contract_paths:
            contract = load_contract(path)
            rules = rules_by_name.get(contract.name)
            if rules is None:
                raise SetupError(f"{path}: no rules module in mock_server/apis declares RULES for {contract.name!r}")
            missing = sorted(set(contract.operations) - set(rules.handlers))
            if missing:
                raise SetupError(f"{path}: no handler for operationId {', '.join(missing)}")
            self.apis[contract.name] = _MountedApi(
                contract, rules, self._fixtures(contract.name), self._build(contract, rules)
            )
        self._mounts = sorted(self.apis.values(), key=lambda mounted: len(mounted.contract.base_path), reverse=True)
        self.admin = build_admin_app(self)
        self._forced_operations: dict[tuple[str, str], dict[str, Any]] = {}
        self._fake = SchemaFaker({}, make_faker(settings.seed), FIXED_EPOCH)
        self._asgi = self._with_cors(self._dispatch)
        saved = self._load_state()
        if saved is None:
            self.reset()
        else:
            self.store.replace(saved)
            self._refresh_credentials()
        if self.state_file is not None:
            self.state_file.compact(self.store.snapshot())
            self.store.on_commit = self.state_file.append

    def _load_state(self) -> list[Commit] | None:
        if self.state_file is None:
            return None
        try:
            return self.state_file.load()
        except PersistenceError as exc:
            raise SetupError(str(exc)) from exc

    def _fixtures(self, name: str) -> dict[str, Any]:
        path = self.settings.fixtures_dir / f"{name}.yaml"
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise SetupError(f"{path}: cannot read the fixtures: {exc}") from exc
        if not isinstance(data, dict):
            raise SetupError(f"{path}: fixtures must be a mapping")
        return data

    def reset(self, api: str | None = None) -> None:
        """Back to the seeded fixtures (every API, or one); minted credentials stay valid."""
        on_commit, self.store.on_commit = self.store.on_commit, None
        try:
            self._seed(api)
        finally:
            self.store.on_commit = on_commit
        self._refresh_credentials()
        self.idempotency.clear()
        if self.state_file is not None:
            self.state_file.compact(self.store.snapshot())

    def _seed(self, only: str | None) -> None:
        for name, mounted in self.apis.items():
            if only is not None and name != only:
                continue
            self.store.clear(name)
            faker = make_faker(self.settings.seed)
            fake = SchemaFaker(mounted.contract.spec, faker, FIXED_EPOCH)
            try:
                mounted.rules.seed(SeedContext(name, self.store, mounted.fixtures, faker, fake, FIXED_EPOCH))
            except (KeyError, ValueError, TypeError, AttributeError, StoreFull) as exc:
                path = self.settings.fixtures_dir / f"{name}.yaml"
                raise SetupError(f"{path}: fixtures do not fit the {name} rules: {exc!r}") from exc

    def _refresh_credentials(self) -> None:
        """The fixtures' credentials plus every minted one (kept in the store, so saved too)."""
        credentials = [
            Credential.from_fixture(name, entry)
            for name, mounted in self.apis.items()
            for entry in mounted.fixtures.get("credentials", [])
        ]
        self.credentials.replace_all([*credentials, *minted_credentials(self)])

    def export_state(self) -> dict[str, Any]:
        return {
            "format": STATE_FORMAT,
            "version": STATE_VERSION,
            "commits": [c.to_json() for c in self.store.snapshot()],
        }

    def import_state(self, commits: list[Commit]) -> None:
        self.store.replace(commits)
        self._refresh_credentials()
        self.idempotency.clear()
        if self.state_file is not None:
            self.state_file.compact(self.store.snapshot())

    def _build(self, contract: Contract, rules: ApiRules) -> connexion.AsyncApp:
        app = AsyncApp(
            f"mock_server.{contract.name}",
            validator_map=validator_map(),
            uri_parser_class=ExplodedArrayURIParser,
            validate_responses=self.settings.validate_responses,
            swagger_ui_options=SwaggerUIOptions(swagger_ui_path="/ui"),
        )
        endpoints = {
            op_id: self._endpoint(contract, rules, contract.operations[op_id], handler)
            for op_id, handler in rules.handlers.items()
            if op_id in contract.operations
        }
        app.add_api(
            contract.spec,
            base_path=contract.base_path,
            resolver=Resolver(function_resolver=endpoints.__getitem__),
            security_map=security_map(
                contract.name, self.credentials, contract.spec.get("components", {}).get("securitySchemes", {})
            ),
        )
        app.add_middleware(
            AccessMiddleware, position=MiddlewarePosition.BEFORE_VALIDATION, contract=contract, rules=rules
        )

        async def render(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
            error = error_from(exc)
            if error.kind is ErrorKind.METHOD_NOT_ALLOWED:
                # Starlette lists only the first matching route's methods; the contract knows them all.
                error.headers = {"Allow": ", ".join(contract.allowed_methods(request.url.path))}
            rendered = rules.render_error(error)
            return ConnexionResponse(
                status_code=rendered.status,
                body=dump_json(rendered.body),
                mimetype=JSON,
                headers={**error.headers, **rendered.headers},
            )

        for exception_class in (MockError, ProblemException, HTTPException, Exception):
            app.add_error_handler(exception_class, render)
        return app

    def _endpoint(
        self, contract: Contract, rules: ApiRules, operation: Operation, handler: Handler
    ) -> Callable[..., Awaitable[Response]]:
        async def endpoint(**params: Any) -> Response:
            request = connexion.request
            context = connexion.context.context
            body = params.get("body")
            arguments = {name: value for name, value in params.items() if name in operation.argument_names}
            headers = {k.lower(): v for k, v in request.headers.items()}
            tenant = str(context["tenant"])
            principal = context["token_info"]["principal"]
            forced = forced_reply(
                operation.operation_id,
                self._resolved_operation(contract, operation),
                parse_prefer(request.scope["headers"]),
                request.query_params,
                self._fake,
            )
            if forced is not None:
                return self._respond(forced, replayed=False)
            cache_key: tuple[str, ...] | None = None
            fingerprint = ""
            if operation.idempotent_by_key and "idempotency-key" in headers:
                cache_key = (contract.name, tenant, principal.name, headers["idempotency-key"])
                fingerprint = IdempotencyCache.fingerprint(operation.method, request.url.path, body)
                remembered = self.idempotency.lookup(cache_key)
                if remembered is not None:
                    if remembered[0] != fingerprint:
                        raise MockError(
                            409,
                            "Idempotency-Key was already used with another request",
                            kind=ErrorKind.CONFLICT,
                            field="Idempotency-Key",
                        )
                    return self._respond(remembered[1], replayed=True)
            host = headers.get("host", f"{self.settings.host}:{self.settings.port}")
            with self.store.transaction(contract.name, tenant) as tx:
                reply = handler(
                    Call(
                        operation=operation,
                        principal=principal,
                        tenant=tenant,
                        params=arguments,
                        headers=headers,
                        body=body,
                        tx=tx,
                        base_url=f"{request.url.scheme}://{host}",
                        now=datetime.now(UTC).replace(microsecond=0),
                    )
                )
            if cache_key is not None and 200 <= reply.status < 300:
                self.idempotency.remember(cache_key, fingerprint, reply)
            return self._respond(reply, replayed=False)

        endpoint.__name__ = operation.operation_id
        return endpoint

    def _resolved_operation(self, contract: Contract, operation: Operation) -> dict[str, Any]:
        key = (contract.name, operation.operation_id)
        if key not in self._forced_operations:
            node = contract.spec["paths"][operation.path][operation.method]
            self._forced_operations[key] = resolve_refs(contract.spec, node)
        return self._forced_operations[key]

    def _respond(self, reply: Reply, *, replayed: bool) -> Response:
        headers = dict(reply.headers)
        if replayed:
            headers["Idempotent-Replayed"] = "true"
        if reply.body is None:
            return Response(status_code=reply.status, headers=headers)
        return Response(self._encoding.encode(reply.body), status_code=reply.status, headers=headers, media_type=JSON)

    def index(self) -> list[dict[str, str]]:
        return [
            {
                "api": name,
                "title": mounted.contract.title,
                "base_path": mounted.contract.base_path or "/",
                "swagger_ui": f"{mounted.contract.base_path}/ui/",
                "openapi_json": f"{mounted.contract.base_path}/openapi.json",
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
        await self._asgi(scope, receive, send)

    def _with_cors(self, app: ASGIApp) -> ASGIApp:
        origins = self.settings.cors_origins
        if origins == ():
            return app
        exposed = sorted(
            {"Allow", "Idempotent-Replayed", "Location"}
            | {
                str(header)
                for mounted in self.apis.values()
                for item in mounted.contract.spec.get("paths", {}).values()
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

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if path == "/" and scope["type"] == "http":
            await self._serve_index(scope, receive, send)
            return
        if path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"):
            await self.admin(scope, receive, send)
            return
        for mounted in self._mounts:
            base = mounted.contract.base_path
            if not base or path == base or path.startswith(base + "/"):
                if scope["type"] != "http" or _is_docs(path, base):
                    await mounted.app(scope, receive, send)
                    return
                if _OVERLONG_NUMBER.search(path):
                    # Starlette's int path converter (registered by Connexion) raises instead of
                    # not matching when a number exceeds Python's int-conversion digit limit.
                    status, body = render_status(mounted.rules.render_error, 404, "Not Found")
                    await Response(body, status_code=status, media_type=JSON)(scope, receive, send)
                    return
                await run_controlled(
                    mounted.app,
                    scope,
                    receive,
                    send,
                    api=mounted.contract.name,
                    controls=self.controls,
                    journal=self.journal,
                    error_response=partial(render_status, mounted.rules.render_error),
                    max_body_bytes=self.settings.max_body_bytes,
                )
                if self.state_file is not None and self.state_file.wants_compaction:
                    self.state_file.compact(self.store.snapshot())
                return

    async def startup(self) -> None:
        """Start every contract's app (and the admin app), so a broken one fails now."""
        for app in [*(mounted.app for mounted in self.apis.values()), self.admin]:
            self._running.append(await _start(app))

    async def shutdown(self) -> None:
        for queue, task in self._running:
            await queue.put({"type": "lifespan.shutdown"})
            await task
        self._running.clear()
        if self.state_file is not None:
            self.store.on_commit = None
            self.state_file.close()

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
    """Build the mock for every contract in ``settings.contracts_dir``."""
    return MockApp(settings or MockSettings())
