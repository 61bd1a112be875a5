"""Reading a contract: OpenAPI 3.0 schemas turned into JSON Schema and checked with ``jsonschema``.

Written for this implementation only; nothing is imported from the project's own packages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

OPENAPI = Path(__file__).resolve().parents[2] / "openapi"
_DROPPED = {"nullable", "readOnly", "writeOnly", "example", "examples", "deprecated", "discriminator", "xml"}

_FORMATS = FormatChecker(formats=())


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("not a YYYY-MM-DD date")
    date.fromisoformat(value)
    return True


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", value):
        raise ValueError("not an RFC 3339 date-time")
    datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    return True


_FORMATS.checks("date", raises=ValueError)(_is_date)
_FORMATS.checks("date-time", raises=ValueError)(_is_date_time)


def _convert(node: Any) -> Any:
    """OpenAPI 3.0 schema dialect to JSON Schema 2020-12 (``nullable``, ``x-`` keys)."""
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROPPED or key.startswith("x-"):
            continue
        out[key] = value if key in ("enum", "default", "required") else _convert(value)
    if node.get("nullable") is True:
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        if "$ref" in out or "allOf" in out:
            out = {"anyOf": [{"type": "null"}, out]}
    return out


class Contract:
    """One contract file: its operations' parameters and request schemas."""

    def __init__(self, name: str) -> None:
        self.document: dict[str, Any] = yaml.safe_load((OPENAPI / f"{name}.yaml").read_text(encoding="utf-8"))
        self._components = _convert(self.document.get("components", {}))
        self._validators: dict[str, Draft202012Validator] = {}

    def schema(self, name: str) -> dict[str, Any]:
        found: dict[str, Any] = self._components["schemas"][name]
        return found

    def validator(self, pointer: str) -> Draft202012Validator:
        """A validator for ``#/components/schemas/X`` or an inline schema given as JSON text."""
        if pointer not in self._validators:
            root: dict[str, Any] = {"components": self._components}
            if pointer.startswith("#/"):
                root["$ref"] = pointer
            else:
                root.update(json.loads(pointer))
            self._validators[pointer] = Draft202012Validator(root, format_checker=_FORMATS)
        return self._validators[pointer]

    def errors(self, schema: Mapping[str, Any] | str, value: Any) -> list[ValidationError]:
        """Every problem of ``value``, in the order of the document (first problem first)."""
        key = schema if isinstance(schema, str) else json.dumps(_convert(dict(schema)), sort_keys=True)
        found = list(self.validator(key).iter_errors(value))
        return sorted(found, key=lambda e: [str(p) for p in e.absolute_path])

    def operation(self, path: str, method: str) -> dict[str, Any]:
        found: dict[str, Any] = self.document["paths"][path][method]
        return found

    def parameters(self, path: str, method: str) -> list[dict[str, Any]]:
        """The operation's parameters with ``$ref``s resolved."""
        out = []
        named = self.document["components"].get("parameters", {})
        for declared in self.operation(path, method).get("parameters", []):
            out.append(named[declared["$ref"].rsplit("/", 1)[1]] if "$ref" in declared else declared)
        return out


def field_path(error: ValidationError) -> str:
    """``periods.0.amount.quantity`` style, naming a missing required property too."""
    parts = [str(p) for p in error.absolute_path]
    if error.validator == "required" and isinstance(error.instance, dict):
        for name in error.validator_value:
            if name not in error.instance:
                parts.append(str(name))
                break
    return ".".join(parts)


def coerce(raw: list[str], schema: Mapping[str, Any]) -> Any:
    """A query or header value as the type its schema names; unchanged text when it is not one."""
    kind = schema.get("type")
    if kind == "array":
        return [coerce([item], schema.get("items", {})) for item in raw]
    text = raw[-1]
    if kind == "integer" and re.fullmatch(r"[+-]?\d{1,30}", text.strip()):
        return int(text)
    if kind == "number":
        try:
            return float(text)
        except ValueError:
            return text
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    return text
