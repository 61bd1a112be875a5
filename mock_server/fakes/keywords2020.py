"""Fake data for the JSON Schema 2020-12 keywords of an OpenAPI 3.1 schema.

:class:`~mock_server.fakes.SchemaFaker` walks the keywords 3.0 has; a schema that uses one only
2020-12 has (:func:`uses_2020`) comes here instead. Each keyword is handled by reducing it to
what the 3.0 walker knows, then fixing up the value it made: no library generates seeded,
realistic data for 2020-12 (Hypothesis through Schemathesis is valid but unrealistic and not
seedable per call), hence this module.

| keyword | how it is honoured |
|---|---|
| ``$ref`` with constraint siblings | the target with the siblings laid over it |
| ``type: [...]`` | ``null`` at the faker's null ratio, else the first other type |
| ``type: "null"`` | ``null`` |
| ``const`` | the value itself |
| ``example``, ``examples`` | ``example``, else the first of ``examples``, if valid (below the top level, as in 3.0) |
| ``exclusiveMinimum`` / ``exclusiveMaximum`` | an inclusive bound just inside (integers: ±1) |
| ``prefixItems`` (+ ``items``, ``unevaluatedItems``) | one value per prefix schema, then ``minItems`` from ``items`` |
| ``contains``, ``minContains``, ``maxContains`` | ``minContains`` (default 1) values from ``contains`` first |
| ``if`` / ``then`` / ``else`` | checked against ``if``, then made again with ``then`` or ``else`` laid over |
| ``dependentSchemas`` | each schema whose property is made is laid over (properties one by one) |
| ``dependentRequired`` | each missing dependent property is made from its schema |
| ``patternProperties`` | one key from the pattern's simplest candidates when the object has no property |
| ``propertyNames`` | made keys that break it are left out (unless required) |
| ``unevaluatedProperties`` / ``unevaluatedItems`` | nothing extra is made |
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from jsonschema import Draft202012Validator

if TYPE_CHECKING:
    from .walker import SchemaFaker

__all__ = ["generate_2020", "uses_2020"]

_KEYWORDS = frozenset(
    {
        *("const", "examples", "prefixItems", "contains", "minContains", "maxContains"),
        *("if", "then", "else", "dependentRequired", "dependentSchemas"),
        *("patternProperties", "propertyNames", "unevaluatedProperties", "unevaluatedItems"),
    }
)
_CONSTRAINTS = frozenset(
    {
        *("type", "enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
        *("minLength", "maxLength", "pattern", "format", "minItems", "maxItems", "items", "properties"),
        *("required", "allOf", "anyOf", "oneOf", "additionalProperties"),
    }
)
_KEY_CANDIDATES = ("x", "a", "key", "name", "x_1", "X", "1", "en", "EN")
_SCRATCH = frozenset({*_KEYWORDS, "example"})


def uses_2020(schema: Any) -> bool:
    """Whether ``schema`` needs :func:`generate_2020` (it uses a keyword only 2020-12 gives meaning)."""
    if not isinstance(schema, Mapping):
        return isinstance(schema, bool)
    if "$ref" in schema and not _CONSTRAINTS.isdisjoint(schema.keys()):
        return True
    kind = schema.get("type")
    if isinstance(kind, list) or kind == "null":
        return True
    if not _KEYWORDS.isdisjoint(schema.keys()):
        return True
    for key in ("exclusiveMinimum", "exclusiveMaximum"):
        value = schema.get(key)
        if value is not None and not isinstance(value, bool):
            return True
    return False


def _bounds(schema: dict[str, Any]) -> None:
    step = 1 if schema.get("type") == "integer" else 0.01
    low, high = schema.pop("exclusiveMinimum", None), schema.pop("exclusiveMaximum", None)
    if isinstance(low, int | float) and not isinstance(low, bool):
        schema["minimum"] = max(low + step, schema.get("minimum", low + step))
    if isinstance(high, int | float) and not isinstance(high, bool):
        schema["maximum"] = min(high - step, schema.get("maximum", high - step))


def _array(faker: SchemaFaker, schema: Mapping[str, Any], name: str, depth: int) -> list[Any]:
    prefix = [faker.generate(sub, name, depth + 1) for sub in schema.get("prefixItems") or ()]
    limit = int(schema.get("maxItems", 1_000_000))
    closed = schema.get("items") is False or schema.get("unevaluatedItems") is False
    contains: Any = schema.get("contains", {})
    wanted = int(schema.get("minContains", 1)) if "contains" in schema and not closed else 0
    made = [faker.generate(contains, name, depth + 1) for _ in range(wanted)]
    items = schema.get("items", {})
    value = [*prefix, *made][:limit]
    while len(value) < int(schema.get("minItems", 0)) and not closed:
        value.append(faker.generate(items if isinstance(items, Mapping) else {}, name, depth + 1))
    return value


def _key_for(pattern: str) -> str | None:
    regex = re.compile(pattern)
    return next((candidate for candidate in _KEY_CANDIDATES if regex.search(candidate)), None)


def _overlay(base: dict[str, Any], extra: Any) -> dict[str, Any]:
    """``base`` with ``extra``'s keywords laid over it; properties are overlaid one by one and
    ``required`` lists joined (the 3.0 walker makes one value from one schema)."""
    if not isinstance(extra, Mapping):
        return base
    merged = {**base, **{key: value for key, value in extra.items() if key not in ("properties", "required")}}
    properties = dict(base.get("properties") or {})
    for key, sub in (extra.get("properties") or {}).items():
        below = properties.get(key)
        properties[key] = {**below, **sub} if isinstance(below, Mapping) and isinstance(sub, Mapping) else sub
    if properties:
        merged["properties"] = properties
    required = [*base.get("required", ()), *(r for r in extra.get("required", ()) if r not in base.get("required", ()))]
    if required:
        merged["required"] = required
    return merged


def _object(faker: SchemaFaker, schema: Mapping[str, Any], base: dict[str, Any], name: str, depth: int) -> Any:
    properties = schema.get("properties") or {}
    for trigger, dependent in (schema.get("dependentSchemas") or {}).items():
        if trigger in properties:
            base = _overlay(base, dependent)
    value = faker.generate(base, name, depth)
    if not isinstance(value, dict):
        return value
    for trigger, needed in (schema.get("dependentRequired") or {}).items():
        if trigger in value:
            for key in needed:
                value.setdefault(key, faker.generate(properties.get(key, {"type": "string"}), key, depth + 1))
    patterns = schema.get("patternProperties") or {}
    if patterns and not value:
        for pattern, sub in patterns.items():
            key = _key_for(str(pattern))
            if key is not None:
                value[key] = faker.generate(sub, key, depth + 1)
                break
    names = schema.get("propertyNames")
    if isinstance(names, Mapping):
        check = Draft202012Validator(dict(names))
        required = set(schema.get("required") or ())
        value = {key: item for key, item in value.items() if key in required or check.is_valid(key)}
    return value


def generate_2020(faker: SchemaFaker, schema: Any, name: str, depth: int) -> Any:
    """One instance of a schema that :func:`uses_2020`, made with ``faker`` for the rest."""
    if isinstance(schema, bool):
        return {} if schema else None
    if "$ref" in schema:
        siblings = {key: value for key, value in schema.items() if key != "$ref"}
        schema = {**faker.resolve({"$ref": schema["$ref"]}), **siblings}
    if "const" in schema:
        return schema["const"]
    if depth > 0 and faker.usable(schema, "example"):  # as the 3.0 walker does
        return schema["example"]
    examples = schema.get("examples")
    if examples and isinstance(examples, list) and depth > 0 and faker.fits(schema, examples[0]):
        return examples[0]
    base: dict[str, Any] = {key: value for key, value in schema.items() if key not in _SCRATCH}
    kind = schema.get("type")
    if isinstance(kind, list) or kind == "null":
        others = [t for t in kind if t != "null"] if isinstance(kind, list) else []
        if not others or ("null" in kind and faker.null_wanted()):
            return None
        base["type"] = others[0]
    _bounds(base)
    if "if" in schema:
        condition = schema["if"]
        candidate = generate_2020(
            faker, {k: v for k, v in schema.items() if k not in ("if", "then", "else")}, name, depth
        )
        branch = schema.get("then") if _holds(faker, condition, candidate) else schema.get("else")
        if branch is None:
            return candidate
        base = _overlay(base, branch)
    if "prefixItems" in schema or "contains" in schema:
        return _array(faker, {**schema, **base}, name, depth)
    if any(key in schema for key in ("dependentSchemas", "dependentRequired", "patternProperties", "propertyNames")):
        return _object(faker, schema, base, name, depth)
    return faker.generate(base, name, depth)


def _holds(faker: SchemaFaker, condition: Any, value: Any) -> bool:
    try:
        return bool(Draft202012Validator(faker.with_components(condition)).is_valid(value))
    except Exception:  # an unresolvable reference in the condition: take the then-branch
        return True
