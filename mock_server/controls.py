"""Latency, faults and the request journal, applied around every API request.

Modelled on WireMock: fixed or uniformly random delays, and the faults ``empty_response``
(the connection closes with no answer), ``connection_reset`` (TCP reset), ``malformed_chunk``
(a 200 whose chunked body breaks off), ``error_500`` and ``error_503`` (the API's own error
body), each for a configurable fraction of requests. Settings are global (flags, or the admin
API at run time) and per request through ``Prefer: latency=…`` / ``Prefer: fault=…``. Nothing
happens by default.

The connection-level faults need the socket, which ASGI does not expose; they use the
transport of uvicorn's request cycle (the server the mock runs on) and fall back to a 500 in
the API's shape elsewhere.
"""

from __future__ import annotations

import asyncio
import random
import socket
import struct
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import ErrorKind, MockError

__all__ = ["FAULTS", "Controls", "ControlsError", "Journal", "parse_latency", "parse_prefer", "run_controlled"]

FAULTS = ("empty_response", "connection_reset", "malformed_chunk", "error_500", "error_503")
MAX_LATENCY_MS = 60_000


class ControlsError(ValueError):
    """A latency or fault setting that makes no sense."""


def parse_latency(value: str) -> tuple[int, int]:
    """``"200"`` → (200, 200); ``"100-300"`` → (100, 300)."""
    low, _, high = value.strip().partition("-")
    try:
        bounds = (int(low), int(high or low))
    except ValueError:
        raise ControlsError(f"latency {value!r}: expected MS or MIN-MAX in milliseconds") from None
    if not 0 <= bounds[0] <= bounds[1] <= MAX_LATENCY_MS:
        raise ControlsError(f"latency {value!r}: need 0 <= MIN <= MAX <= {MAX_LATENCY_MS}")
    return bounds


def parse_prefer(headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """The ``Prefer`` header's ``key=value`` preferences (RFC 7240), lower-case keys."""
    found: dict[str, str] = {}
    for name, value in headers:
        if name.lower() != b"prefer":
            continue
        for token in value.decode("latin-1").replace(";", ",").split(","):
            key, _, setting = token.strip().partition("=")
            if key:
                found[key.strip().lower()] = setting.strip().strip('"')
    return found


@dataclass
class Controls:
    latency_ms: tuple[int, int] | None = None
    fault: str | None = None
    fault_rate: float = 1.0
    seed: int | None = None
    _random: random.Random = field(default_factory=random.Random, repr=False)

    def __post_init__(self) -> None:
        self.validate()
        self._random.seed(self.seed)

    def validate(self) -> None:
        if self.fault is not None and self.fault not in FAULTS:
            raise ControlsError(f"fault {self.fault!r}: expected one of {', '.join(FAULTS)}")
        if not 0.0 <= self.fault_rate <= 1.0:
            raise ControlsError(f"fault rate {self.fault_rate}: expected a number from 0 to 1")
        if self.latency_ms is not None and not 0 <= self.latency_ms[0] <= self.latency_ms[1] <= MAX_LATENCY_MS:
            raise ControlsError(f"latency {self.latency_ms}: need 0 <= min <= max <= {MAX_LATENCY_MS}")

    def to_json(self) -> dict[str, Any]:
        latency = {"min": self.latency_ms[0], "max": self.latency_ms[1]} if self.latency_ms else None
        return {"latency_ms": latency, "fault": self.fault, "fault_rate": self.fault_rate}

    def update(self, settings: dict[str, Any]) -> None:
        latency = settings.get("latency_ms", self.to_json()["latency_ms"])
        candidate = Controls(
            latency_ms=(int(latency["min"]), int(latency["max"])) if latency else None,
            fault=settings.get("fault", self.fault),
            fault_rate=float(settings.get("fault_rate", self.fault_rate)),
        )
        self.latency_ms, self.fault, self.fault_rate = candidate.latency_ms, candidate.fault, candidate.fault_rate

    def delay_seconds(self, prefer: dict[str, str]) -> float:
        bounds = parse_latency(prefer["latency"]) if "latency" in prefer else self.latency_ms
        if bounds is None:
            return 0.0
        return self._random.uniform(bounds[0], bounds[1]) / 1000

    def fault_for(self, prefer: dict[str, str]) -> str | None:
        if "fault" in prefer:
            if prefer["fault"] not in FAULTS:
                raise ControlsError(f"Prefer fault={prefer['fault']!r}: expected one of {', '.join(FAULTS)}")
            return prefer["fault"]
        if self.fault is not None and self._random.random() < self.fault_rate:
            return self.fault
        return None


@dataclass(frozen=True)
class JournalEntry:
    at: str
    api: str | None
    method: str
    path: str
    status: int | None
    milliseconds: float
    fault: str | None


class Journal:
    """The last ``capacity`` requests."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._entries: deque[JournalEntry] = deque(maxlen=capacity)

    def record(self, entry: JournalEntry) -> None:
        self._entries.append(entry)

    def entries(self, limit: int) -> list[dict[str, Any]]:
        return [asdict(entry) for entry in list(self._entries)[-limit:]]

    def clear(self) -> None:
        self._entries.clear()


def _transport(receive: Receive) -> Any:
    """uvicorn's transport for this request (asyncio's or uvloop's; the latter is no asyncio subclass)."""
    cycle = getattr(receive, "__self__", None)
    transport = getattr(cycle, "transport", None)
    return (
        transport if all(hasattr(transport, name) for name in ("abort", "close", "write", "get_extra_info")) else None
    )


def _connection_fault(fault: str, receive: Receive) -> bool:
    """Break the connection as ``fault`` says; ``False`` when the server gives no transport."""
    transport = _transport(receive)
    if transport is None:
        return False
    if fault == "connection_reset":
        sock = transport.get_extra_info("socket")
        if sock is not None:
            # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    elif fault == "malformed_chunk":
        transport.write(
            b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nZZ\r\n{"trunc'
        )
        transport.close()
    else:
        transport.close()
    return True


async def run_controlled(
    app: ASGIApp,
    scope: Scope,
    receive: Receive,
    send: Send,
    *,
    api: str,
    controls: Controls,
    journal: Journal,
    error_response: Callable[[int, str], tuple[int, bytes]],
    max_body_bytes: int,
) -> None:
    """Serve one API request with the body limit, latency, faults and journaling applied."""
    started = time.perf_counter()
    received = 0
    declared = next((v for k, v in scope.get("headers", []) if k == b"content-length"), b"0")

    async def limited_receive() -> Message:
        # Raised inside the API's app, so its error renderer answers the 413 in the API's shape.
        nonlocal received
        if declared.isdigit() and int(declared) > max_body_bytes:
            raise MockError(413, f"The request body exceeds {max_body_bytes} bytes", kind=ErrorKind.PAYLOAD_TOO_LARGE)
        message = await receive()
        received += len(message.get("body", b""))
        if received > max_body_bytes:
            raise MockError(413, f"The request body exceeds {max_body_bytes} bytes", kind=ErrorKind.PAYLOAD_TOO_LARGE)
        return message

    prefer = parse_prefer(scope.get("headers", []))
    status: int | None = None
    fault: str | None = None

    async def send_and_note(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])
        await send(message)

    try:
        try:
            delay = controls.delay_seconds(prefer)
            fault = controls.fault_for(prefer)
        except ControlsError as exc:
            code, body = error_response(400, str(exc))
            await Response(body, status_code=code, media_type="application/json")(scope, receive, send_and_note)
            return
        if delay:
            await asyncio.sleep(delay)
        if fault in ("error_500", "error_503"):
            code, body = error_response(int(fault[-3:]), f"Injected fault {fault}")
            await Response(body, status_code=code, media_type="application/json")(scope, receive, send_and_note)
        elif fault is not None:
            if not _connection_fault(fault, receive):
                code, body = error_response(500, f"Injected fault {fault} (as a 500: no socket on this server)")
                await Response(body, status_code=code, media_type="application/json")(scope, receive, send_and_note)
        else:
            await app(scope, limited_receive, send_and_note)
    finally:
        journal.record(
            JournalEntry(
                at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                api=api,
                method=str(scope.get("method", "")),
                path=str(scope.get("path", "")),
                status=status,
                milliseconds=round((time.perf_counter() - started) * 1000, 2),
                fault=fault,
            )
        )
