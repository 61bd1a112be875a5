"""A test helper: an OpenAPI 3.0 document rewritten as the same contract in OpenAPI 3.1.

The tests use it to show that a built-in contract (3.0.3, see docs/openapi-version.md) means
the same to every tool when written in 3.1. The rewrite is what a team moving a contract does:

| 3.0 | 3.1 |
|---|---|
| ``openapi: 3.0.x`` | ``openapi: 3.1.0`` |
| ``type: T`` + ``nullable: true`` | ``type: [T, "null"]`` (and ``null`` added to an ``enum``) |
| ``nullable: true`` without ``type`` (``allOf``/``$ref``) | ``anyOf: [{type: "null"}, <the rest>]`` |
| ``minimum: n`` + ``exclusiveMinimum: true`` | ``exclusiveMinimum: n`` (likewise for the maximum) |
| a schema's ``example: v`` | ``examples: [v]`` |

(openapi-spec-validator, Schemathesis and oasdiff read both versions but none writes one from the
other, hence this helper.)
"""

from __future__ import annotations

from typing import Any

__all__ = ["document_to_31", "schema_to_31"]

_LISTS = ("allOf", "anyOf", "oneOf")
_ONE = ("items", "not", "additionalProperties")


def schema_to_31(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "properties" and isinstance(value, dict):
            out[key] = {name: schema_to_31(sub) for name, sub in value.items()}
        elif key in _LISTS and isinstance(value, list):
            out[key] = [schema_to_31(sub) for sub in value]
        elif key in _ONE:
            out[key] = schema_to_31(value)
        else:
            out[key] = value
    for bound, flag in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if out.get(flag) is True and bound in out:
            out[flag] = out.pop(bound)
        elif flag in out and isinstance(out[flag], bool):
            out.pop(flag)
    if "example" in out:
        out["examples"] = [out.pop("example")]
    if not out.pop("nullable", False):
        return out
    if "enum" in out and None not in out["enum"]:
        out["enum"] = [*out["enum"], None]
    if "type" in out:
        out["type"] = [out["type"], "null"]
        return out
    if any(key in out for key in (*_LISTS, "$ref")):
        return {"anyOf": [{"type": "null"}, out]}
    return out


def _walk(node: Any, in_components_schemas: bool = False) -> Any:
    if isinstance(node, list):
        return [_walk(item) for item in node]
    if not isinstance(node, dict):
        return node
    if in_components_schemas:
        return {name: schema_to_31(schema) for name, schema in node.items()}
    return {
        key: schema_to_31(value) if key == "schema" else _walk(value, key == "schemas") for key, value in node.items()
    }


def document_to_31(document: dict[str, Any]) -> dict[str, Any]:
    """A new OpenAPI 3.1.0 document saying what ``document`` (3.0) says."""
    converted: dict[str, Any] = _walk(document)
    converted["openapi"] = "3.1.0"
    return converted
