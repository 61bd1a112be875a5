"""Stubs: per-route answers, faults, forced examples and latency, set through the admin API.

Modelled on WireMock's stub mappings. A stub has a request matcher (``matching.py``) and at
most one action: a fixed ``response`` (its body checked against the contract's schema for
that operation and status unless ``validate`` is false; without a body, an error status is
answered in the API's own error shape), a ``fault`` (``controls.FAULTS``), or ``prefer``
(a Prism-style forced example: ``code``, ``example``, ``dynamic``, answered by the API as if
the client had sent ``Prefer``). ``latency_ms`` delays whatever answers. ``rate`` is the share
of matching requests it applies to; ``times`` how many it answers before it runs out. The
lowest ``priority`` wins, then the newest stub.

Fixed responses and faults are answered before authentication and validation, as WireMock
does; a stub that should only answer an authenticated client names the header in its matcher.
"""

from __future__ import annotations

import itertools
import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from invoice_contracts.oas import resolve_refs

from ..contracts import Operation
from ..discovery import ApiSource
from ..serving.requests.validation31 import compiled_for
from .faults import FAULTS, ControlsError, parse_latency_json
from .matching import MatcherError, RequestMatcher, RequestView

__all__ = ["Stub", "StubError", "StubResponse", "Stubs"]

DEFAULT_PRIORITY = 5
_KEYS = {"id", "name", "priority", "times", "rate", "request", "response", "fault", "prefer", "latency_ms"}
_READ_ONLY = {"hits", "remaining"}  # what a listed stub carries; ignored, so a listing can be sent back
_RESPONSE_KEYS = {"status", "headers", "body", "validate"}
_PREFER_KEYS = {"code", "example", "dynamic"}


class StubError(ValueError):
    """A stub definition that cannot be used (the admin API answers it with a 400)."""


@dataclass(frozen=True)
class StubResponse:
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Any = None
    has_body: bool = False
    validate: bool = True

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"status": self.status, "headers": dict(self.headers), "validate": self.validate}
        if self.has_body:
            data["body"] = self.body
        return data


@dataclass
class Stub:
    id: str
    request: RequestMatcher
    name: str | None = None
    priority: int = DEFAULT_PRIORITY
    times: int | None = None
    rate: float = 1.0
    latency_ms: tuple[int, int] | None = None
    response: StubResponse | None = None
    fault: str | None = None
    prefer: Mapping[str, str] | None = None
    hits: int = 0
    order: int = 0

    @property
    def remaining(self) -> int | None:
        return None if self.times is None else max(self.times - self.hits, 0)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "priority": self.priority,
            "times": self.times,
            "remaining": self.remaining,
            "hits": self.hits,
            "rate": self.rate,
            "request": self.request.to_json(),
            "latency_ms": {"min": self.latency_ms[0], "max": self.latency_ms[1]} if self.latency_ms else None,
        }
        if self.response is not None:
            data["response"] = self.response.to_json()
        if self.fault is not None:
            data["fault"] = self.fault
        if self.prefer is not None:
            data["prefer"] = {k: v == "true" if k == "dynamic" else v for k, v in self.prefer.items()}
        return data


def _whole(data: Mapping[str, Any], key: str, low: int) -> int | None:
    value = data.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < low):
        raise StubError(f"{key} {value!r}: expected a whole number >= {low}")
    return value


def _rate(data: Mapping[str, Any]) -> float:
    value = data.get("rate", 1.0)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise StubError(f"rate {value!r}: expected a number from 0 to 1")
    return float(value)


class Stubs:
    """The stubs of one mock, checked against its contracts when they are set."""

    def __init__(self, sources: Mapping[str, ApiSource], *, seed: int | None = None) -> None:
        self._sources = sources
        self._stubs: dict[str, Stub] = {}
        self._order = itertools.count()
        self._random = random.Random(seed)

    # --- definitions ----------------------------------------------------------------------

    def parse(self, data: Any, stub_id: str | None = None) -> Stub:
        if not isinstance(data, dict):
            raise StubError("a stub is an object")
        unknown = sorted(set(data) - _KEYS - _READ_ONLY)
        if unknown:
            raise StubError(f"unknown stub keys {', '.join(unknown)}; known: {', '.join(sorted(_KEYS))}")
        try:
            matcher = RequestMatcher.from_json(data.get("request"))
        except MatcherError as exc:
            raise StubError(str(exc)) from exc
        if matcher.api is not None and matcher.api not in self._sources:
            raise StubError(f"no API {matcher.api!r}; served: {', '.join(self._sources)}")
        actions = [key for key in ("response", "fault", "prefer") if data.get(key) is not None]
        if len(actions) > 1:
            raise StubError(f"a stub has at most one of response, fault, prefer; got {', '.join(actions)}")
        if not actions and data.get("latency_ms") is None:
            raise StubError("a stub needs response, fault, prefer or latency_ms")
        fault = data.get("fault")
        if fault is not None and fault not in FAULTS:
            raise StubError(f"fault {fault!r}: expected one of {', '.join(FAULTS)}")
        try:
            latency = parse_latency_json(data.get("latency_ms"))
        except ControlsError as exc:
            raise StubError(str(exc)) from exc
        name = data.get("name")
        if name is not None and not isinstance(name, str):
            raise StubError("name must be a string")
        given_id = data.get("id", stub_id)
        if given_id is not None and (not isinstance(given_id, str) or not given_id or "/" in given_id):
            raise StubError("id must be a non-empty string without /")
        return Stub(
            id=stub_id or given_id or f"stub_{secrets.token_hex(4)}",
            request=matcher,
            name=name,
            priority=_whole(data, "priority", 1) or DEFAULT_PRIORITY,
            times=_whole(data, "times", 1),
            rate=_rate(data),
            latency_ms=latency,
            response=self._response(matcher, data["response"]) if data.get("response") is not None else None,
            fault=fault,
            prefer=self._prefer(data["prefer"]) if data.get("prefer") is not None else None,
        )

    def _prefer(self, data: Any) -> dict[str, str]:
        if not isinstance(data, dict) or not data or set(data) - _PREFER_KEYS:
            raise StubError(f"prefer is an object of {', '.join(sorted(_PREFER_KEYS))}")
        return {key: str(value).lower() if isinstance(value, bool) else str(value) for key, value in data.items()}

    def _response(self, matcher: RequestMatcher, data: Any) -> StubResponse:
        if not isinstance(data, dict) or set(data) - _RESPONSE_KEYS:
            raise StubError(f"response is an object of {', '.join(sorted(_RESPONSE_KEYS))}")
        status = data.get("status", 200)
        if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
            raise StubError(f"response status {status!r}: expected 100 to 599")
        headers = data.get("headers") or {}
        if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
            raise StubError("response headers must map names to string values")
        response = StubResponse(status, dict(headers), data.get("body"), "body" in data, data.get("validate", True))
        if response.validate:
            self._check(matcher, response)
        return response

    def operation_of(self, matcher: RequestMatcher) -> tuple[ApiSource, Operation] | None:
        """The one contract operation a matcher pins down, if it pins one down."""
        found = []
        for name, source in self._sources.items():
            if matcher.api is not None and name != matcher.api:
                continue
            operation: Operation | None = None
            if matcher.operation_id is not None:
                operation = source.contract.operations.get(matcher.operation_id)
            elif matcher.method is not None and matcher.path is not None:
                operation = source.contract.match(matcher.method, matcher.path)
            if operation is not None:
                found.append((source, operation))
        return found[0] if len(found) == 1 else None

    def _check(self, matcher: RequestMatcher, response: StubResponse) -> None:
        pinned = self.operation_of(matcher)
        if pinned is None:
            raise StubError(
                "a fixed response is checked against its operation: name the operationId (or method and path)"
                " of exactly one operation, with api where two contracts could match, or set response.validate"
                " to false"
            )
        source, operation = pinned
        node = resolve_refs(source.contract.spec, source.contract.spec["paths"][operation.path][operation.method])
        responses: Mapping[str, Any] = node.get("responses", {})
        status = str(response.status)
        documented = responses.get(status) or responses.get(f"{status[0]}XX") or responses.get("default")
        if documented is None:
            raise StubError(
                f"status {status} is not documented for {operation.operation_id} (documented: {', '.join(responses)});"
                " set response.validate to false to answer it anyway"
            )
        if not response.has_body:
            return
        media = (documented.get("content") or {}).get("application/json")
        if media is None or "schema" not in media:
            raise StubError(f"{operation.operation_id} {status} documents no JSON body")
        error = compiled_for(source.contract.spec, media["schema"]).first_error(response.body)
        if error is not None:
            where = ".".join(str(p) for p in error.absolute_path) or "the body"
            raise StubError(
                f"response body does not fit {operation.operation_id} {status}: {where}: {error.message}"
                " (set response.validate to false to answer it anyway)"
            )

    # --- the set --------------------------------------------------------------------------

    def put(self, stub: Stub) -> Stub:
        previous = self._stubs.get(stub.id)
        stub.order = previous.order if previous is not None else next(self._order)
        self._stubs[stub.id] = stub
        return stub

    def replace_all(self, stubs: list[Stub]) -> None:
        self._stubs.clear()
        for stub in stubs:
            self.put(stub)

    def get(self, stub_id: str) -> Stub | None:
        return self._stubs.get(stub_id)

    def remove(self, stub_id: str) -> bool:
        return self._stubs.pop(stub_id, None) is not None

    def clear(self, api: str | None = None) -> None:
        if api is None:
            self._stubs.clear()
        else:
            self._stubs = {k: s for k, s in self._stubs.items() if s.request.api != api}

    def all(self) -> list[Stub]:
        return sorted(self._stubs.values(), key=lambda s: (s.priority, -s.order))

    def __len__(self) -> int:
        return len(self._stubs)

    # --- answering ------------------------------------------------------------------------

    def pick(self, request: RequestView) -> Stub | None:
        """The stub that answers ``request`` (counted as a hit), or ``None``."""
        for stub in self.all():
            if stub.remaining == 0 or not stub.request.matches(request):
                continue
            if stub.rate < 1.0 and self._random.random() >= stub.rate:
                continue
            stub.hits += 1
            return stub
        return None
