"""One contract's Connexion app: routes, security, access check, validation and the endpoints.

Each contract gets its own Connexion ``AsyncApp`` so that its routes, security schemes,
validators and error handlers stay its own: an error raised anywhere in that app leaves
through that API's renderer. The endpoint of an operation answers a ``Prefer``-forced
response, replays an ``Idempotency-Key``, or runs the rules handler inside a store transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import connexion
from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware import MiddlewarePosition
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from starlette.exceptions import HTTPException
from starlette.responses import Response

from invoice_contracts.oas import resolve_refs

from ..controls.faults import parse_prefer
from ..discovery import ApiSource
from ..errors import ErrorKind, MockError, error_from
from ..fakes import SchemaFaker, make_faker
from ..rules import Call, Handler, Reply
from ..state.idempotency import IdempotencyCache
from ..state.mock_state import FIXED_EPOCH, MockState
from .connexion_app import AsyncApp
from .requests.access import AccessMiddleware, caller_of
from .requests.routing import RouteCheck, connexion_document
from .requests.security import security_map
from .requests.uri_parsing import ExplodedArrayURIParser
from .requests.validation import validator_map
from .requests.validation31 import validator_map_31
from .responses.encoding import EncodingCache, dump_json
from .responses.media import is_json
from .responses.prefer import QueryParameterFilter, forced_reply
from .responses.selection import documented_status

__all__ = ["Responder", "build_api_app"]

JSON = "application/json"
logging.getLogger("connexion.decorators.parameter").addFilter(QueryParameterFilter())


class Responder:
    """Turns rules replies into responses; shared by every API of one mock."""

    def __init__(self, state: MockState) -> None:
        self.state = state
        self.encoding = EncodingCache(known=state.store.json_of)
        self.fake = SchemaFaker({}, make_faker(state.settings.seed), FIXED_EPOCH)

    def respond(self, reply: Reply, *, replayed: bool) -> Response:
        headers = dict(reply.headers)
        if replayed:
            headers["Idempotent-Replayed"] = "true"
        if reply.body is None:
            return Response(status_code=reply.status, headers=headers)
        media_type = reply.media_type
        if media_type is None:
            encoded = self.encoding.encode(reply.body)
            return Response(encoded, status_code=reply.status, headers=headers, media_type=JSON)
        # Set as written: Starlette would add "; charset=utf-8" to a text/* media_type.
        headers["content-type"] = media_type
        body = reply.body
        if is_json(media_type):
            content = self.encoding.encode(body)
        else:
            content = body if isinstance(body, bytes) else str(body).encode("utf-8")
        return Response(content, status_code=reply.status, headers=headers)


def build_api_app(source: ApiSource, state: MockState, responder: Responder) -> connexion.AsyncApp:
    """The Connexion app serving ``source``'s contract on ``state``."""
    contract, rules = source.contract, source.rules
    app = AsyncApp(
        f"mock_server.{contract.name}",
        validator_map=validator_map() if contract.version == "3.0" else validator_map_31(contract.spec),
        uri_parser_class=ExplodedArrayURIParser,
        validate_responses=state.settings.validate_responses,
        swagger_ui_options=SwaggerUIOptions(swagger_ui_path="/ui"),
    )
    # Forced replies of a Prism-compatible contract follow its recursive $refs and take schema
    # defaults and examples; the others keep the shared faker they always had.
    fake = (
        SchemaFaker(contract.spec, make_faker(state.settings.seed), FIXED_EPOCH, prism=True)
        if rules.prism_compatible
        else responder.fake
    )
    endpoints = {
        op_id: _endpoint(source, op_id, handler, state, responder, fake)
        for op_id, handler in rules.handlers.items()
        if op_id in contract.operations
    }
    app.add_api(
        connexion_document(contract),
        base_path=contract.base_path,
        resolver=Resolver(function_resolver=endpoints.__getitem__),
        security_map=security_map(
            contract.name, state.credentials, contract.spec.get("components", {}).get("securitySchemes", {})
        ),
    )
    app.add_middleware(
        RouteCheck,
        position=MiddlewarePosition.BEFORE_SECURITY,
        contract=contract,
        refuse_undocumented_bodies=rules.prism_compatible,
    )
    app.add_middleware(AccessMiddleware, position=MiddlewarePosition.BEFORE_VALIDATION, contract=contract)

    async def render(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        error = error_from(exc)
        if error.operation_id is None:
            addressed = contract.match(request.method, request.url.path)
            error.operation_id = addressed.operation_id if addressed is not None else None
        if error.kind is ErrorKind.METHOD_NOT_ALLOWED:
            # Starlette lists only the first matching route's methods; the contract knows them all.
            error.headers = {"Allow": ", ".join(contract.allowed_methods(request.url.path))}
        rendered = rules.render_error(error)
        headers = {**error.headers, **rendered.headers}
        media_type = next((v for k, v in headers.items() if k.lower() == "content-type"), JSON)
        # A documented text error (``text/plain: {example: ...}``) goes out as its own bytes.
        as_text = isinstance(rendered.body, str) and "json" not in media_type
        return ConnexionResponse(
            status_code=rendered.status,
            body=rendered.body.encode("utf-8") if as_text else dump_json(rendered.body),
            mimetype=media_type,
            headers=headers,
        )

    for exception_class in (MockError, ProblemException, HTTPException, Exception):
        app.add_error_handler(exception_class, render)
    return app


def _endpoint(
    source: ApiSource, operation_id: str, handler: Handler, state: MockState, responder: Responder, fake: SchemaFaker
) -> Callable[..., Awaitable[Response]]:
    contract = source.contract
    operation = contract.operations[operation_id]
    prism = source.rules.prism_compatible
    resolved: list[dict[str, Any]] = []  # the operation with its $refs inlined, on first use

    def resolved_operation() -> dict[str, Any]:
        if not resolved:
            resolved.append(resolve_refs(contract.spec, contract.spec["paths"][operation.path][operation.method]))
        return resolved[0]

    async def endpoint(**params: Any) -> Response:
        # The request itself, not Connexion's context proxy: every attribute read through the
        # proxy costs a context look-up (2.5 % of a request in the profile).
        request: ConnexionRequest = connexion.request._get_current_object()
        caller = caller_of(request.scope, operation_id)
        body = params.get("body")
        arguments = {name: value for name, value in params.items() if name in operation.argument_names}
        headers = {k.lower(): v for k, v in request.headers.items()}
        forced = forced_reply(
            operation_id,
            resolved_operation(),
            parse_prefer(request.scope["headers"]),
            request.query_params,
            fake,
            source.rules.render_error,
            headers.get("accept") if prism else None,
            prism=prism,
        )
        if forced is not None:
            return responder.respond(forced, replayed=False)
        cache_key: tuple[str, ...] | None = None
        fingerprint = ""
        if operation.idempotent_by_key and "idempotency-key" in headers:
            cache_key = (contract.name, caller.tenant, caller.principal.name, headers["idempotency-key"])
            fingerprint = IdempotencyCache.fingerprint(operation.method, request.url.path, body)
            remembered = state.idempotency.lookup(cache_key)
            if remembered is not None and remembered[0] != fingerprint:
                # 409 where documented, else the closest documented client error, else the key
                # is not checked (a contract that documents no such error has no such check).
                status = documented_status(operation.statuses, 409, 422, 400)
                if status is not None:
                    raise MockError(
                        status,
                        "Idempotency-Key was already used with another request",
                        kind=ErrorKind.CONFLICT,
                        field="Idempotency-Key",
                    )
            elif remembered is not None:
                return responder.respond(remembered[1], replayed=True)
        host = headers.get("host", f"{state.settings.host}:{state.settings.port}")
        with state.store.transaction(contract.name, caller.tenant) as tx:
            reply = handler(
                Call(
                    operation=operation,
                    principal=caller.principal,
                    tenant=caller.tenant,
                    params=arguments,
                    headers=headers,
                    body=body,
                    tx=tx,
                    base_url=f"{request.url.scheme}://{host}",
                    now=datetime.now(UTC).replace(microsecond=0),
                )
            )
        if cache_key is not None and 200 <= reply.status < 300:
            state.idempotency.remember(cache_key, fingerprint, reply)
        return responder.respond(reply, replayed=False)

    endpoint.__name__ = operation_id
    return endpoint
