"""What happens to every API request before and after its contract's app: the controls.

In order: the body limit (413 in the API's shape), the stub that matches (``stubs.py``), the
delay and the fault (the request's ``Prefer`` first, then the stub, then the global
controls), then the stub's fixed response, its forced example (passed on as ``Prefer``) or
the API itself; and last the journal entry, whatever happened.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import parse_qs

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..controls.faults import ControlsError, break_connection, parse_latency, parse_prefer, requested_fault
from ..controls.matching import BodyCapture, RequestView
from ..controls.stubs import Stub
from ..discovery import ApiSource
from ..state.journal import JournalEntry
from ..state.mock_state import MockState
from .requests.auth import REDACTED, SecretCarriers
from .responses.encoding import dump_json

__all__ = ["serve_api_request"]

JSON = "application/json"
ErrorResponse = Callable[[int, str], tuple[int, bytes]]


class _TooLarge(Exception):
    pass


async def _read_body(receive: Receive, declared: bytes, limit: int) -> bytes:
    if declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _with_prefer(scope: Scope, prefer: dict[str, str]) -> Scope:
    value = ", ".join(f"{key}={setting}" for key, setting in prefer.items())
    headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"prefer"]
    return {**scope, "headers": [*headers, (b"prefer", value.encode("latin-1"))]}


def _stub_response(stub: Stub, error_response: ErrorResponse) -> Response:
    response = stub.response
    assert response is not None
    if response.has_body:
        return Response(dump_json(response.body), response.status, dict(response.headers), media_type=JSON)
    if response.status >= 400:
        status, body = error_response(response.status, f"Stubbed {response.status} ({stub.name or stub.id})")
        return Response(body, status, dict(response.headers), media_type=JSON)
    return Response(None, response.status, dict(response.headers))


async def serve_api_request(
    app: ASGIApp,
    scope: Scope,
    receive: Receive,
    send: Send,
    *,
    source: ApiSource,
    state: MockState,
    secrets: SecretCarriers,
    error_response: ErrorResponse,
) -> None:
    """Serve one API request with the body limit, stubs, latency, faults and journaling applied."""
    started = time.perf_counter()
    raw_headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in raw_headers}
    method, path = str(scope.get("method", "")), str(scope.get("path", ""))
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    operation = source.contract.match(method, path)
    journal = state.journal
    status: int | None = None
    response_headers: dict[str, str] = {}
    response_chunks: list[bytes] = []
    response_size = 0
    fault: str | None = None
    stub: Stub | None = None
    body = b""
    request_body = BodyCapture()

    async def send_and_note(message: Message) -> None:
        nonlocal status, response_size
        if message["type"] == "http.response.start":
            status = int(message["status"])
            response_headers.update((k.decode("latin-1"), v.decode("latin-1")) for k, v in message["headers"])
        elif message["type"] == "http.response.body" and response_size <= journal.body_limit:
            chunk = message.get("body", b"")
            response_chunks.append(chunk)
            response_size += len(chunk)
        await send(message)

    async def answer_error(code: int, message: str) -> None:
        rendered_status, rendered = error_response(code, message)
        await Response(rendered, status_code=rendered_status, media_type=JSON)(scope, receive, send_and_note)

    try:
        try:
            body = await _read_body(receive, headers.get("content-length", "0").encode(), state.settings.max_body_bytes)
        except _TooLarge:
            await answer_error(413, f"The request body exceeds {state.settings.max_body_bytes} bytes")
            return
        request_body = BodyCapture.of(body, journal.body_limit)
        if state.stubs:
            stub = state.stubs.pick(
                RequestView(
                    api=source.name,
                    method=method,
                    path=path,
                    operation_id=operation.operation_id if operation else None,
                    query=query,
                    headers=headers,
                    body=request_body,
                )
            )
        prefer = parse_prefer(raw_headers)
        try:
            delay, fault = _delay_and_fault(state, stub, prefer)
        except ControlsError as exc:
            await answer_error(400, str(exc))
            return
        if delay:
            await asyncio.sleep(delay)
        if fault in ("error_500", "error_503"):
            await answer_error(int(fault[-3:]), f"Injected fault {fault}")
        elif fault is not None:
            if not break_connection(fault, receive):
                await answer_error(500, f"Injected fault {fault} (as a 500: no socket on this server)")
        elif stub is not None and stub.response is not None:
            await _stub_response(stub, error_response)(scope, receive, send_and_note)
        elif stub is not None and stub.prefer is not None:
            await app(_with_prefer(scope, {**prefer, **stub.prefer}), _replaying(body, receive), send_and_note)
        else:
            await app(scope, _replaying(body, receive), send_and_note)
    finally:
        journal.record(
            JournalEntry(
                at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                api=source.name,
                method=method,
                path=path,
                status=status,
                milliseconds=round((time.perf_counter() - started) * 1000, 2),
                fault=fault,
                stub=stub.id if stub is not None else None,
                operation_id=operation.operation_id if operation else None,
                query={k: [REDACTED] * len(v) if k in secrets.query else v for k, v in query.items()},
                headers={k: secrets.header_value(k, v) for k, v in headers.items()},
                request_body=request_body,
                response_headers=response_headers,
                response_body=BodyCapture.of(b"".join(response_chunks), journal.body_limit),
            )
        )


def _delay_and_fault(state: MockState, stub: Stub | None, prefer: dict[str, str]) -> tuple[float, str | None]:
    """The request's ``Prefer`` first, then the stub, then the global controls."""
    controls = state.controls
    bounds = parse_latency(prefer["latency"]) if "latency" in prefer else None
    delay = controls.delay_seconds(bounds or (stub.latency_ms if stub is not None else None))
    if "fault" in prefer:
        return delay, requested_fault(prefer)
    if stub is not None and (stub.fault or stub.response or stub.prefer):
        return delay, stub.fault
    return delay, controls.global_fault()
