"""One JSON Schema 2020-12 schema (an OpenAPI 3.1 Schema object) as an OpenAPI 3.0 Schema object.

The schema half of :mod:`.openapi31`'s 3.0 view (its module table lists each rule), and
:func:`keywords_30` for code that reads one schema's ``type``, ``enum`` and bounds the 3.0 way.
No library translates in this direction (converters go 3.0 → 3.1), hence this module.
"""

from __future__ import annotations

from typing import Any

__all__ = ["keywords_30", "schema_to_30"]

_KEPT = frozenset(
    {
        *("title", "description", "default", "example", "deprecated", "readOnly", "writeOnly"),
        *("multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum"),
        *("maxLength", "minLength", "pattern", "format", "maxItems", "minItems", "uniqueItems"),
        *("maxProperties", "minProperties", "required", "enum", "nullable"),
        *("discriminator", "externalDocs", "xml", "$ref"),
    }
)
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_SCHEMA_ONE = ("not", "items", "additionalProperties")


def _types(kind: Any, out: dict[str, Any]) -> None:
    if not isinstance(kind, list):
        if kind == "null":
            out["nullable"] = True
            out["enum"] = [None]
        elif kind is not None:
            out["type"] = kind
        return
    types = [t for t in kind if t != "null"]
    if len(types) < len(kind):
        out["nullable"] = True
    if len(types) == 1:
        out["type"] = types[0]
    elif types:
        choice = {"anyOf": [{"type": t} for t in types]}
        out["allOf"] = [*out.get("allOf", []), choice]
    elif "nullable" in out:
        out["enum"] = [None]


def _bound(schema: dict[str, Any], out: dict[str, Any], exclusive: str, inclusive: str, larger: bool) -> None:
    value = schema.get(exclusive)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return
    current = schema.get(inclusive)
    if isinstance(current, int | float) and (current > value if larger else current < value):
        out.pop(exclusive, None)  # the inclusive bound is stricter
        return
    out[inclusive] = value
    out[exclusive] = True


def schema_to_30(schema: Any) -> Any:
    """One 2020-12 schema (and its subschemas) as an OpenAPI 3.0 Schema object (see the module table)."""
    if schema is True or schema is None:
        return {}
    if schema is False:
        return {"not": {}}
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key.startswith("x-"):
            out[key] = value
        elif key == "$defs" and isinstance(value, dict):
            out["x-$defs"] = {name: schema_to_30(sub) for name, sub in value.items()}
        elif key == "$ref" and isinstance(value, str):
            out[key] = value.replace("/$defs/", "/x-$defs/")
        elif key == "properties" and isinstance(value, dict):
            out[key] = {name: schema_to_30(sub) for name, sub in value.items()}
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [schema_to_30(sub) for sub in value]
        elif key in _SCHEMA_ONE:
            out[key] = value if isinstance(value, bool) and key == "additionalProperties" else schema_to_30(value)
        elif key in _KEPT and key != "type" and value != []:  # 3.0 wants a non-empty required/enum
            out[key] = value
    if "items" in out and not isinstance(schema.get("items"), dict | bool):
        out.pop("items")
    _values(schema, out)
    return out


def _values(schema: dict[str, Any], out: dict[str, Any]) -> None:
    """The value keywords of ``schema`` written into ``out`` the 3.0 way (the module table)."""
    _types(schema.get("type"), out)
    if "const" in schema and "enum" not in out:
        out["enum"] = [schema["const"]]
    if isinstance(schema.get("examples"), list) and schema["examples"] and "example" not in out:
        out["example"] = schema["examples"][0]
    _bound(schema, out, "exclusiveMinimum", "minimum", larger=True)
    _bound(schema, out, "exclusiveMaximum", "maximum", larger=False)
    if "format" not in out and schema.get("type") in ("string", ["string"]):
        if schema.get("contentEncoding") == "base64":
            out["format"] = "byte"
        elif "contentMediaType" in schema:
            out["format"] = "binary"


def _needs_reading(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    if isinstance(kind, list) or kind == "null":
        return True
    if any(key in schema for key in ("const", "examples", "contentEncoding", "contentMediaType")):
        return True
    return any(not isinstance(schema.get(key, False), bool) for key in ("exclusiveMinimum", "exclusiveMaximum"))


def keywords_30(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its own value keywords (type arrays, ``const``, ``examples``, numeric
    exclusive bounds, content encoding) read as 3.0 ones and its sub-schemas untouched, for code
    that reads ``type``, ``enum`` or ``minimum`` the 3.0 way; the same object when nothing needs it."""
    if not _needs_reading(schema):
        return schema
    out = {key: value for key, value in schema.items() if key != "type"}
    _values(schema, out)
    return out
