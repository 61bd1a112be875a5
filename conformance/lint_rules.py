"""Lint rules for schema patterns that OpenAPI tools read differently (``conformance lint``).

Each pattern below is valid OpenAPI 3.0, and our own validator reads it as meant, but a strict
tool reads it otherwise (openapi-core, Spectral, openapi-python-client, Prism; see
docs/contracts.md, "Every tool reads it alike"):

- ``nullable-without-type``: ``nullable: true`` in a schema without ``type``. OpenAPI 3.0.3
  gives ``nullable`` meaning only beside ``type``; strict validators reject ``null`` for
  ``{nullable: true, allOf: [$ref]}``. Write ``anyOf: [$ref, {type: ..., nullable: true, enum: [null]}]``.
  In OpenAPI 3.1 ``nullable`` is no keyword at all (every 3.1 tool ignores it), so any
  ``nullable: true`` is reported there: write ``type: [T, "null"]``.
- ``required-parameter-default``: a ``default`` on a required parameter, which can never apply
  (generators emit a required argument with a default, a syntax error in Python).
- ``allof-enum-conflict``: two ``allOf`` branches give the same property different enums
  (a 3.1 ``const`` is a one-value enum).
- ``allof-narrows-nullable``: one ``allOf`` branch makes a property nullable and another one
  declares it non-nullable (generators cannot merge the two and drop the schema); nullable is
  ``nullable: true`` in 3.0, a ``null`` type in 3.1.

Schemas are walked as written (``$ref``s are not followed for the pointer), so a finding
points where the pattern is written; ``allOf`` branches are compared with their refs inlined.
In a 3.1 document the walk also enters the 2020-12 keywords that hold schemas.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from invoice_contracts.oas import escape_pointer, is_nullable, resolve_refs

from .findings import Finding

__all__ = ["HAZARD_RULES", "hazard_findings", "iter_schemas"]

HAZARD_RULES = ("nullable-without-type", "required-parameter-default", "allof-enum-conflict", "allof-narrows-nullable")

_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_VALUES = (
    *("items", "additionalProperties", "not", "contains", "if", "then", "else", "propertyNames"),
    *("unevaluatedItems", "unevaluatedProperties"),
)
_SCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas", "$defs")


def iter_schemas(node: Any, pointer: str = "", is_schema: bool = False) -> Iterator[tuple[str, dict[str, Any]]]:
    """(pointer, schema) for every schema object written in ``node`` (a document or part of one)."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from iter_schemas(item, f"{pointer}/{index}", is_schema)
        return
    if not isinstance(node, dict):
        return
    if is_schema:
        yield pointer, node
    for key, value in node.items():
        child = f"{pointer}/{escape_pointer(str(key))}"
        if key == "schema" or (is_schema and key in (*_SCHEMA_LISTS, *_SCHEMA_VALUES)):
            yield from iter_schemas(value, child, True)
        elif (is_schema and key in _SCHEMA_MAPS) or (pointer == "/components" and key == "schemas"):
            for name, schema in (value or {}).items():
                yield from iter_schemas(schema, f"{child}/{escape_pointer(str(name))}", True)
        elif not is_schema and isinstance(value, dict | list) and not str(key).startswith("x-"):
            yield from iter_schemas(value, child, False)


def _branches(document: dict[str, Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``allOf`` branches of ``schema`` with refs inlined and nested ``allOf`` flattened."""
    flat: list[dict[str, Any]] = []
    for branch in schema.get("allOf", []):
        resolved = resolve_refs(document, branch)
        if isinstance(resolved, dict):
            flat.append(resolved)
            flat.extend(_branches(document, resolved))
    return flat


def _allof_findings(
    document: dict[str, Any], pointer: str, schema: dict[str, Any], where: str, version: str
) -> Iterator[Finding]:
    enums: dict[str, set[str]] = {}
    nullable: dict[str, bool] = {}
    for branch in _branches(document, schema):
        for name, prop in (branch.get("properties") or {}).items():
            if not isinstance(prop, dict):
                continue
            enum = prop["enum"] if "enum" in prop else [prop["const"]] if "const" in prop else None
            if isinstance(enum, list):
                values = {json.dumps(value) for value in enum}
                if name in enums and enums[name] != values:
                    yield Finding(
                        pointer,
                        "allof-enum-conflict",
                        "breaking",
                        f"allOf branches give `{name}` different enums: {sorted(enums[name])} and {sorted(values)}",
                        where,
                    )
                enums.setdefault(name, values)
            if "type" in prop or prop.get("nullable") is True:
                says_null = is_nullable(prop, version)
                if name in nullable and nullable[name] != says_null:
                    yield Finding(
                        pointer,
                        "allof-narrows-nullable",
                        "breaking",
                        f"one allOf branch makes `{name}` nullable and another does not",
                        where,
                    )
                nullable.setdefault(name, says_null)


def hazard_findings(document: dict[str, Any], where: str = "", version: str = "3.0") -> list[Finding]:
    """Findings of every rule in :data:`HAZARD_RULES` for an (unresolved) OpenAPI ``version`` document."""
    findings: list[Finding] = []
    for pointer, schema in iter_schemas(document):
        if schema.get("nullable") is True and version == "3.1":
            message = '`nullable` is no keyword in OpenAPI 3.1 and is ignored; write `type: [..., "null"]`'
            findings.append(Finding(pointer, "nullable-without-type", "breaking", message, where))
        elif schema.get("nullable") is True and "type" not in schema:
            findings.append(
                Finding(
                    pointer,
                    "nullable-without-type",
                    "breaking",
                    "`nullable: true` without `type` is ignored by strict OpenAPI 3.0 tools; "
                    "use anyOf with a `{type: ..., nullable: true, enum: [null]}` branch",
                    where,
                )
            )
        if "allOf" in schema:
            findings.extend(_allof_findings(document, pointer, schema, where, version))
    for pointer, parameter in _parameters(document):
        if parameter.get("required") and "default" in (parameter.get("schema") or {}):
            findings.append(
                Finding(
                    pointer,
                    "required-parameter-default",
                    "breaking",
                    f"required parameter `{parameter.get('name')}` has a default, which can never apply",
                    where,
                )
            )
    return findings


def _parameters(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, parameter in (document.get("components", {}).get("parameters") or {}).items():
        yield f"/components/parameters/{escape_pointer(str(name))}", parameter
    for path, item in (document.get("paths") or {}).items():
        for key, value in item.items():
            if key == "parameters":
                prefix, parameters = "", value
            elif isinstance(value, dict):
                prefix, parameters = f"/{key}", value.get("parameters", [])
            else:
                continue
            for index, parameter in enumerate(parameters if isinstance(parameters, list) else []):
                if isinstance(parameter, dict) and "$ref" not in parameter:
                    yield f"/paths/{escape_pointer(path)}{prefix}/parameters/{index}", parameter
