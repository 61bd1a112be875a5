"""What the three reference APIs share: reading a contract, checking values against its schemas,
reading JSON bodies and query values, and the clock.

Written by hand on purpose: this server must share no code with ``mock_server`` nor with ``oas``,
so a conversion bug there cannot hide here too. The OpenAPI 3.0 to JSON Schema conversion is the
small part these contracts need: local ``$ref`` inlined, ``nullable`` as "or null", extension
keys and OpenAPI-only keywords dropped. ``jsonschema`` (a project dependency) does the checking.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft4Validator, FormatChecker
from starlette.requests import Request

__all__ = [
    "CONTRACTS",
    "Clock",
    "Contract",
    "Problem",
    "read_json_body",
]

CONTRACTS = Path(__file__).resolve().parents[2] / "openapi"
_OPENAPI_ONLY = {"nullable", "readOnly", "writeOnly", "example", "examples", "deprecated", "discriminator", "xml"}

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)

Problem = tuple[str, str]
"""A validation problem: (dotted path of the offending value, message)."""


def _is_date(value: object) -> bool:
    if isinstance(value, str):
        if not _DATE.fullmatch(value):
            raise ValueError(f"{value!r} is not YYYY-MM-DD")
        date.fromisoformat(value)
    return True


def _is_date_time(value: object) -> bool:
    if isinstance(value, str):
        if not _DATE_TIME.fullmatch(value):
            raise ValueError(f"{value!r} is not an RFC 3339 date-time")
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    return True


_FORMATS = FormatChecker(formats=())
_FORMATS.checks("date", raises=ValueError)(_is_date)
_FORMATS.checks("date-time", raises=ValueError)(_is_date_time)


class Contract:
    """One contract file: its operations (by operationId) and validators for its schemas."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.document: dict[str, Any] = yaml.safe_load((CONTRACTS / f"{name}.yaml").read_text(encoding="utf-8"))
        self.operations: dict[str, dict[str, Any]] = {}
        for item in self.document["paths"].values():
            for method, operation in item.items():
                if method in {"get", "put", "post", "delete", "patch"}:
                    self.operations[operation["operationId"]] = operation
        self._validators: dict[str, Draft4Validator] = {}

    def resolve(self, node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            node = self._pointer(node["$ref"])
        return node

    def _pointer(self, ref: str) -> Any:
        node: Any = self.document
        for part in ref.removeprefix("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def json_schema(self, node: Any) -> Any:
        """The OpenAPI 3.0 schema ``node`` as plain JSON Schema (draft 4)."""
        node = self.resolve(node)
        if isinstance(node, list):
            return [self.json_schema(item) for item in node]
        if not isinstance(node, dict):
            return node
        converted: dict[str, Any] = {}
        for key, value in node.items():
            if key.startswith("x-") or key in _OPENAPI_ONLY:
                continue
            if key == "properties":
                converted[key] = {name: self.json_schema(sub) for name, sub in value.items()}
            elif key in {"items", "additionalProperties", "not", "allOf", "anyOf", "oneOf"}:
                converted[key] = self.json_schema(value)
            else:
                converted[key] = value
        if node.get("nullable"):
            if "enum" in converted and None not in converted["enum"]:
                converted["enum"] = [*converted["enum"], None]
            return {"anyOf": [{"type": "null"}, converted]}
        return converted

    def problems(self, key: str, schema: Any, value: Any) -> list[Problem]:
        """Every way ``value`` breaks ``schema``, in document order (path, message)."""
        if key not in self._validators:
            self._validators[key] = Draft4Validator(self.json_schema(schema), format_checker=_FORMATS)
        found = []
        for error in self._validators[key].iter_errors(value):
            # anyOf (nullable) hides the useful error one level down.
            deepest = max(error.context or [error], key=lambda e: len(e.absolute_path))
            path = ".".join(str(part) for part in deepest.absolute_path)
            found.append((path, deepest.message))
        return sorted(found)

    def body_schema(self, operation_id: str) -> Any:
        body = self.resolve(self.operations[operation_id].get("requestBody") or {})
        return body.get("content", {}).get("application/json", {}).get("schema")

    def parameters(self, operation_id: str) -> list[dict[str, Any]]:
        return [self.resolve(p) for p in self.operations[operation_id].get("parameters", [])]

    def read_parameters(self, operation_id: str, request: Request) -> tuple[dict[str, Any], list[Problem]]:
        """The operation's query and header parameters that were sent, typed, with every problem
        (named by the parameter)."""
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        for parameter in self.parameters(operation_id):
            name, where = parameter["name"], parameter["in"]
            raw = request.query_params.getlist(name) if where == "query" else request.headers.getlist(name)
            if where not in ("query", "header") or not raw:
                continue
            values[name] = coerce_query(raw, self.resolve(parameter["schema"]))
            found = self.problems(f"{operation_id}:{where}:{name}", parameter["schema"], values[name])
            problems += [(name, message) for _, message in found]
        return values, problems


def coerce_query(raw: list[str], schema: Mapping[str, Any]) -> Any:
    """A query or header value as the type its schema names; unreadable text stays a string
    (so the schema check reports it)."""
    kind = schema.get("type")
    if kind == "array":
        return [coerce_query([item], schema.get("items", {})) for item in raw]
    text = raw[-1]
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            return text
    if kind == "boolean":
        return {"true": True, "false": False}.get(text, text)
    return text


async def read_json_body(request: Request) -> tuple[bool, Any]:
    """(present, value) of a JSON body; raises ``ValueError`` for a body that is not JSON."""
    raw = await request.body()
    if not raw.strip():
        return False, None
    media = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        raise ValueError(f"the body must be application/json, not {media}")
    try:
        return True, json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"the body is not JSON ({exc})") from None


class Clock:
    """Whole-second UTC timestamps that never repeat for one record: a change always moves them."""

    def __init__(self) -> None:
        self._last = datetime(2026, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        current = datetime.now(UTC).replace(microsecond=0)
        self._last = max(current, self._last + timedelta(seconds=1))
        return self._last

    def stamp(self) -> str:
        return self.now().strftime("%Y-%m-%dT%H:%M:%SZ")
