"""OpenAPI 3.0 schema objects to JSON Schema Draft 4.

OpenAPI 3.0's ``nullable`` is not JSON Schema, and validators that patch it onto ``type``
alone (Connexion's) reject ``null`` for ``allOf`` + ``nullable``. Translating once, up front,
lets any Draft 4 validator check the schema as the contract means it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["to_json_schema"]

_COMPOSITE = ("allOf", "anyOf", "oneOf", "$ref")


def to_json_schema(schema: Any, _memo: dict[int, Any] | None = None) -> Any:
    """Translate an OpenAPI 3.0 schema to Draft 4; ``x-`` extensions are dropped.

    Shared sub-schemas stay shared and cycles stay cycles: Connexion hands its validators a
    schema with the document's ``components`` attached for ``$ref`` resolution, and those
    components can contain the very schema they are attached to.
    """
    memo: dict[int, Any] = {} if _memo is None else _memo
    if isinstance(schema, list):
        return [to_json_schema(item, memo) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if id(schema) in memo:
        return memo[id(schema)]
    converted: dict[str, Any] = {}
    memo[id(schema)] = converted
    for key, value in schema.items():
        if not str(key).startswith("x-"):
            converted[key] = to_json_schema(value, memo)
    if not converted.pop("nullable", False):
        return converted
    if "enum" in converted and None not in converted["enum"]:
        converted["enum"] = [*converted["enum"], None]
    if "type" in converted:
        converted["type"] = [converted["type"], "null"]
        return converted
    if any(key in converted for key in _COMPOSITE):
        wrapped = {"anyOf": [{"type": "null"}, converted]}
        memo[id(schema)] = wrapped
        return wrapped
    return converted
