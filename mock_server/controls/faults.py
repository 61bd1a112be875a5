"""Global latency and faults, and the ways to break a connection.

Modelled on WireMock: fixed or uniformly random delays, and the faults ``empty_response``
(the connection closes with no answer), ``connection_reset`` (TCP reset), ``malformed_chunk``
(a 200 whose chunked body breaks off), ``error_500`` and ``error_503`` (the API's own error
body), each for a configurable fraction of requests. :class:`Controls` holds the global
settings (flags, or ``PUT /__mock/controls``, which replaces them all); per route they come
from stubs (``stubs.py``) and per request from ``Prefer: latency=…`` / ``Prefer: fault=…``.
Nothing happens by default.

The connection-level faults need the socket, which ASGI does not expose; they use the
transport of uvicorn's request cycle (the server the mock runs on) and fall back to a 500 in
the API's shape elsewhere.
"""

from __future__ import annotations

import random
import socket
import struct
from dataclasses import dataclass, field
from typing import Any

from starlette.types import Receive

__all__ = [
    "FAULTS",
    "Controls",
    "ControlsError",
    "break_connection",
    "parse_latency",
    "parse_latency_json",
    "parse_prefer",
    "requested_fault",
]

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


def parse_latency_json(value: Any) -> tuple[int, int] | None:
    """``null``, a number of milliseconds, or ``{"min": MS, "max": MS}`` (the admin API's forms)."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        bounds = (value, value)
    elif (
        isinstance(value, dict)
        and set(value) == {"min", "max"}
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value.values())
    ):
        bounds = (value["min"], value["max"])
    else:
        raise ControlsError(f'latency_ms {value!r}: expected null, MS or {{"min": MS, "max": MS}}')
    if not 0 <= bounds[0] <= bounds[1] <= MAX_LATENCY_MS:
        raise ControlsError(f"latency_ms {value!r}: need 0 <= min <= max <= {MAX_LATENCY_MS}")
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

    def replace(self, settings: dict[str, Any]) -> None:
        """Every setting at once, as ``PUT /__mock/controls`` sends them; what is left out is off."""
        unknown = sorted(set(settings) - {"latency_ms", "fault", "fault_rate"})
        if unknown:
            raise ControlsError(f"unknown controls {', '.join(unknown)}")
        rate = settings.get("fault_rate", 1.0)
        if isinstance(rate, bool) or not isinstance(rate, int | float):
            raise ControlsError(f"fault rate {rate!r}: expected a number from 0 to 1")
        candidate = Controls(parse_latency_json(settings.get("latency_ms")), settings.get("fault"), float(rate))
        self.latency_ms, self.fault, self.fault_rate = candidate.latency_ms, candidate.fault, candidate.fault_rate

    @property
    def active(self) -> bool:
        return self.latency_ms is not None or self.fault is not None

    def delay_seconds(self, bounds: tuple[int, int] | None) -> float:
        """A delay drawn from ``bounds`` (or from the global latency when ``None``)."""
        bounds = bounds or self.latency_ms
        if bounds is None:
            return 0.0
        return self._random.uniform(bounds[0], bounds[1]) / 1000

    def global_fault(self) -> str | None:
        """The global fault, for the configured share of requests."""
        if self.fault is not None and self._random.random() < self.fault_rate:
            return self.fault
        return None


def requested_fault(prefer: dict[str, str]) -> str | None:
    """The fault a request asks for with ``Prefer: fault=NAME``."""
    fault = prefer.get("fault")
    if fault is not None and fault not in FAULTS:
        raise ControlsError(f"Prefer fault={fault!r}: expected one of {', '.join(FAULTS)}")
    return fault


def _transport(receive: Receive) -> Any:
    """uvicorn's transport for this request (asyncio's or uvloop's; the latter is no asyncio subclass)."""
    cycle = getattr(receive, "__self__", None)
    transport = getattr(cycle, "transport", None)
    return (
        transport if all(hasattr(transport, name) for name in ("abort", "close", "write", "get_extra_info")) else None
    )


def break_connection(fault: str, receive: Receive) -> bool:
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
