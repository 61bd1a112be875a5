"""Request matchers: one language for stubs, journal searches and near misses.

A matcher (WireMock's request pattern, reduced to what an API test needs) names any of: the
``api``, the ``method``, the ``path`` (the request path as the journal shows it; ``{name}``
matches one path segment, so a contract's path template works) or the ``operationId``, query
parameters (``{"limit": "5"}``: each named parameter must have that value), headers
(case-insensitive names, exact values) and a JSON ``body`` subset (objects match when every
key given matches; arrays and scalars must be equal). What is not named is not checked.

Hand-written because the rules are this small and must explain a mismatch (``differences``),
which is what the near-misses answer shows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

__all__ = ["BodyCapture", "MatcherError", "RequestMatcher", "RequestView", "json_subset"]

_MATCHER_KEYS = {"api", "method", "path", "operationId", "query", "headers", "body"}


class MatcherError(ValueError):
    """A matcher that cannot be understood."""


@dataclass(frozen=True)
class BodyCapture:
    """A body as the mock keeps it: the first bytes, parsed as JSON only when someone asks."""

    raw: bytes = b""
    truncated: bool = False

    @classmethod
    def of(cls, raw: bytes, limit: int) -> BodyCapture:
        return cls(raw[:limit], truncated=len(raw) > limit)

    @cached_property
    def _parsed(self) -> tuple[bool, Any]:
        if not self.raw or self.truncated:
            return False, None
        try:
            return True, json.loads(self.raw)
        except ValueError:
            return False, None

    @property
    def is_json(self) -> bool:
        return self._parsed[0]

    @property
    def value(self) -> Any:
        """Parsed JSON, else the text (cut where the capture was cut), else ``None`` for no body."""
        is_json, parsed = self._parsed
        if is_json:
            return parsed
        return self.raw.decode("utf-8", "replace") if self.raw else None


@dataclass(frozen=True)
class RequestView:
    """What a matcher looks at in one request (live, or as the journal kept it)."""

    api: str | None
    method: str
    path: str
    operation_id: str | None = None
    query: Mapping[str, list[str]] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    body: BodyCapture = field(default_factory=BodyCapture)


def json_subset(expected: Any, actual: Any) -> bool:
    """``expected`` is contained in ``actual``: objects by the keys given, the rest by equality."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and json_subset(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    return bool(expected == actual)


def _path_pattern(path: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\\\{[^/]*?\\\}", "[^/]+", re.escape(path)))


@dataclass(frozen=True)
class RequestMatcher:
    api: str | None = None
    method: str | None = None
    path: str | None = None
    operation_id: str | None = None
    query: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    body: Any = None
    has_body: bool = False

    @classmethod
    def from_json(cls, data: Any) -> RequestMatcher:
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise MatcherError("a request matcher is an object")
        unknown = sorted(set(data) - _MATCHER_KEYS)
        if unknown:
            raise MatcherError(f"unknown matcher keys {', '.join(unknown)}; known: {', '.join(sorted(_MATCHER_KEYS))}")
        for key in ("api", "method", "path", "operationId"):
            if data.get(key) is not None and not isinstance(data[key], str):
                raise MatcherError(f"matcher {key} must be a string")
        for key in ("query", "headers"):
            value = data.get(key) or {}
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise MatcherError(f"matcher {key} must map names to string values")
        path = data.get("path")
        if path is not None and not path.startswith("/"):
            raise MatcherError(f"matcher path {path!r} must start with /")
        return cls(
            api=data.get("api"),
            method=data["method"].upper() if data.get("method") else None,
            path=path,
            operation_id=data.get("operationId"),
            query=dict(data.get("query") or {}),
            headers={str(k).lower(): v for k, v in (data.get("headers") or {}).items()},
            body=data.get("body"),
            has_body="body" in data,
        )

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            key: value
            for key, value in (
                ("api", self.api),
                ("method", self.method),
                ("path", self.path),
                ("operationId", self.operation_id),
            )
            if value is not None
        }
        if self.query:
            found["query"] = dict(self.query)
        if self.headers:
            found["headers"] = dict(self.headers)
        if self.has_body:
            found["body"] = self.body
        return found

    def differences(self, request: RequestView) -> list[str]:
        """What in ``request`` does not match, one line each; empty when it matches."""
        found: list[str] = []
        if self.api is not None and self.api != request.api:
            found.append(f"api: expected {self.api}, was {request.api}")
        if self.method is not None and self.method != request.method.upper():
            found.append(f"method: expected {self.method}, was {request.method}")
        if self.path is not None and not _path_pattern(self.path).fullmatch(request.path):
            found.append(f"path: expected {self.path}, was {request.path}")
        if self.operation_id is not None and self.operation_id != request.operation_id:
            found.append(f"operationId: expected {self.operation_id}, was {request.operation_id}")
        for name, value in self.query.items():
            actual = request.query.get(name)
            if not actual or value not in actual:
                found.append(f"query {name}: expected {value!r}, was {actual[0] if actual else None!r}")
        for name, value in self.headers.items():
            if request.headers.get(name) != value:
                found.append(f"header {name}: expected {value!r}, was {request.headers.get(name)!r}")
        if self.has_body and not (request.body.is_json and json_subset(self.body, request.body.value)):
            found.append(
                "body: does not contain the expected JSON" if request.body.is_json else "body: none, or not JSON"
            )
        return found

    def matches(self, request: RequestView) -> bool:
        return not self.differences(request)
