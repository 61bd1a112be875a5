"""An OpenAPI schema object as JSON Schema, per OpenAPI version.

OpenAPI 3.0's ``nullable`` is not JSON Schema, and validators that patch it onto ``type``
alone (Connexion's) reject ``null`` for ``allOf`` + ``nullable``. Translating once, up front,
lets any Draft 4 validator check the schema as the contract means it. An OpenAPI 3.1 schema
already is JSON Schema 2020-12 (its dialect adds annotations only), so it is validated as written
with jsonschema's ``Draft202012Validator``: :func:`schema_validator` picks by version.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jsonschema import Draft4Validator, Draft202012Validator, FormatChecker

__all__ = ["has_json_type", "is_nullable", "schema_validator", "to_json_schema"]

_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def has_json_type(value: Any, kind: str) -> bool:
    """Whether a decoded JSON value is of the JSON Schema type ``kind`` (a boolean is no number;
    a type this does not know is taken on trust)."""
    allowed = _PYTHON_TYPES.get(kind)
    if allowed is None:
        return True
    if isinstance(value, bool):
        return kind == "boolean"
    return isinstance(value, allowed)


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


def schema_validator(
    schema: Mapping[str, Any], version: str, *, components: Mapping[str, Any] | None = None
) -> Draft4Validator | Draft202012Validator:
    """A format-checking jsonschema validator of an OpenAPI ``version`` (``"3.0"``/``"3.1"``) schema.

    3.0: Draft 4 over :func:`to_json_schema`; 3.1: Draft 2020-12 on the schema as written. Given
    the document's ``components``, a ``$ref`` left in the schema (a recursive one) resolves there.
    """
    body: dict[str, Any] = dict(schema)
    if components is not None:
        body["components"] = components
    if version == "3.1":
        return Draft202012Validator(body, format_checker=FormatChecker())
    return Draft4Validator(to_json_schema(body), format_checker=FormatChecker())


def is_nullable(schema: Mapping[str, Any], version: str) -> bool:
    """Whether ``schema`` says ``null`` outright: ``nullable: true`` in 3.0, a ``null`` type in 3.1."""
    if version != "3.1":
        return schema.get("nullable") is True
    kind = schema.get("type")
    return kind == "null" or (isinstance(kind, list) and "null" in kind)
