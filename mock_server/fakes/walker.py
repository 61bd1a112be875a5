"""Fake data from a contract's schemas, deterministic under a seed.

Faker makes realistic strings but knows nothing of JSON Schema, and Hypothesis (through
Schemathesis) makes valid but unrealistic data and is not seedable per call; so this small
walker picks a Faker provider by property name or format and respects the schema's type,
enum, bounds and nullability. The same seed and the same sequence of calls give the same data.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from faker import Faker

from invoice_contracts.oas import has_json_type

from .fitting import fitting_for
from .keywords2020 import generate_2020, uses_2020
from .patterns import string_matching

__all__ = ["SHALLOW", "SchemaFaker", "fits_type", "make_faker", "merge_all_of"]

# Levels generated in full; deeper, only what the schema requires. Past _GIVE_UP a schema
# requires itself without end and cannot be satisfied: an empty object ends it.
SHALLOW = 6
_GIVE_UP = 40

_BY_NAME: dict[str, Callable[[Faker], Any]] = {
    "email": lambda f: f.company_email(),
    "company": lambda f: f.company(),
    "legal_name": lambda f: f.company(),
    "name": lambda f: f.name(),
    "first_name": lambda f: f.first_name(),
    "last_name": lambda f: f.last_name(),
    "city": lambda f: f.city(),
    "town": lambda f: f.city(),
    "line1": lambda f: f.street_address(),
    "street": lambda f: f.street_name(),
    "postal_code": lambda f: f.postcode(),
    "zip_code": lambda f: f.postcode(),
    "phone": lambda f: f.phone_number(),
    "description": lambda f: f.sentence(nb_words=6),
    "descrip": lambda f: f.sentence(nb_words=4),
    "note": lambda f: f.sentence(nb_words=8),
    "memo": lambda f: f.sentence(nb_words=8),
    "url": lambda f: f.url(),
    "location": lambda f: f.url(),
}

# Patterned strings are ids and codes; these candidates cover the contracts' patterns
# (decimals, ISO codes, tokens) and the first that matches is used.
_PATTERN_CANDIDATES = ("100.00", "EUR", "DE", "abc123", "ABC", "X", "x", "1", "2026-01-05")


def merge_all_of(
    schema: Mapping[str, Any], deref: Callable[[Mapping[str, Any]], Mapping[str, Any]]
) -> dict[str, Any] | None:
    """``schema``'s ``allOf`` parts merged into one object schema (properties and required
    unioned), or ``None`` when a part is not an object schema."""
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    properties: dict[str, Any] = dict(merged.get("properties") or {})
    required: list[str] = list(merged.get("required") or ())
    for entry in schema["allOf"]:
        part = deref(entry)
        if "allOf" in part:
            inner = merge_all_of(part, deref)
            if inner is None:
                return None
            part = inner
        if part.get("type", "object") != "object" or any(k in part for k in ("oneOf", "anyOf", "enum")):
            return None
        properties.update(part.get("properties") or {})
        required += [r for r in part.get("required") or () if r not in required]
        merged.update({k: v for k, v in part.items() if k not in ("properties", "required")})
    merged["type"] = "object"
    merged["properties"] = properties
    if required:
        merged["required"] = required
    return merged


def fits_type(schema: Mapping[str, Any], value: Any) -> bool:
    """Whether ``value`` (a schema's own ``example`` or ``default``) has the schema's ``type``:
    the cheap first test before the full validation of :mod:`.fitting`."""
    kind = schema.get("type")
    if value is None:
        return kind is None or bool(schema.get("nullable"))
    if not isinstance(kind, str):
        return True
    if kind == "integer" and isinstance(value, float):
        return value.is_integer()
    return has_json_type(value, kind)


def make_faker(seed: int) -> Faker:
    faker = Faker(["en_US"])
    faker.seed_instance(seed)
    return faker


class SchemaFaker:
    """Generate instances of (inlined or referenced) OpenAPI 3.0 schemas, and of 3.1's through
    :mod:`.keywords2020` (a schema using a 2020-12 keyword is handed there)."""

    def __init__(
        self,
        spec: Mapping[str, Any],
        faker: Faker,
        epoch: datetime,
        *,
        null_ratio: float = 0.0,
        prism: bool = False,
        only: frozenset[str] | None = None,
    ) -> None:
        self._spec = spec
        self._fitting = fitting_for(spec)
        self._only = only
        self._faker = faker
        self._random = random.Random(faker.random.random())
        self._epoch = epoch
        self._null_ratio = null_ratio
        self._prism = prism

    def _deref(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        while "$ref" in schema:
            target: Any = self._spec
            for part in str(schema["$ref"]).removeprefix("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            schema = target
        return schema

    def generate(self, schema: Mapping[str, Any], name: str = "", depth: int = 0) -> Any:
        """An instance of ``schema``. With ``prism`` (a contract served as Prism serves it) a
        schema's ``example`` or ``default`` wins at every level, ``allOf`` parts are merged into
        one object schema, every ``required`` property is present (declared or not), and past
        :data:`SHALLOW` levels only required properties and ``minItems`` items are generated,
        so recursive schemas end while staying valid. A schema using a 2020-12 keyword is
        generated by :mod:`.keywords2020`.

        A schema's own ``example``/``default`` is used only when it validates against the schema
        (documents get them wrong: ``"1"`` for an integer, a value matching two ``oneOf``
        branches), else a value is generated; a ``oneOf`` value is the first branch's that
        matches that branch alone. With ``only`` (an error body's template) objects get their
        required properties and, of the optional ones, only those named in ``only``."""
        if uses_2020(schema):
            return generate_2020(self, schema, name, depth)
        schema = self._deref(schema)
        if self._prism:
            if self.usable(schema, "example"):
                return schema["example"]
            if self.usable(schema, "default"):
                return schema["default"]
            if "allOf" in schema:
                schema = merge_all_of(schema, self._deref) or schema
        elif depth > 0 and self.usable(schema, "example"):
            return schema["example"]
        if uses_2020(schema):
            return generate_2020(self, schema, name, depth)
        if schema.get("nullable") and self._random.random() < self._null_ratio:
            return None
        if "allOf" in schema:
            merged: dict[str, Any] = {}
            for part in schema["allOf"]:
                value = self.generate(part, name, depth)
                if isinstance(value, dict):
                    merged.update(value)
                else:
                    return value
            return merged
        if "oneOf" in schema:
            return self._one_of(list(schema["oneOf"]), name, depth)
        if "anyOf" in schema:
            return self.generate(schema["anyOf"][0], name, depth)
        if "enum" in schema:
            choices = [v for v in schema["enum"] if v is not None]
            return self._random.choice(choices) if choices else None
        kind = schema.get("type", "object")
        if kind == "object":
            if self._prism or self._only is not None or depth > SHALLOW:
                return self._object(schema, depth)
            properties = schema.get("properties", {})
            return {key: self.generate(sub, key, depth + 1) for key, sub in properties.items()}
        if kind == "array":
            if depth > _GIVE_UP:
                return []
            count = max(int(schema.get("minItems", 0)), min(2, int(schema.get("maxItems", 2))))
            if depth > SHALLOW or self._only is not None:
                count = int(schema.get("minItems", 0))
            return [self.generate(schema.get("items", {}), name, depth + 1) for _ in range(count)]
        if kind == "integer":
            low = int(schema.get("minimum", 1))
            high = int(schema.get("maximum", max(low, 10_000)))
            return self._random.randint(low, high)
        if kind == "number":
            low_number = float(schema.get("minimum", 0))
            high_number = float(schema.get("maximum", max(low_number, 1_000)))
            return round(self._random.uniform(low_number, high_number), 2)
        if kind == "boolean":
            return self._random.random() < 0.5
        return self._formatted(schema, name) if self._prism and "pattern" not in schema else self._string(schema, name)

    def _object(self, schema: Mapping[str, Any], depth: int) -> dict[str, Any]:
        if depth > _GIVE_UP:
            return {}
        properties: Mapping[str, Any] = schema.get("properties") or {}
        required = [str(key) for key in schema.get("required") or ()]
        wanted = self._only if self._only is not None else properties if depth <= SHALLOW else ()
        body: dict[str, Any] = {}
        for key, sub in properties.items():
            if (key in wanted or key in required) and not self._deref(sub).get("writeOnly"):
                body[key] = self.generate(sub, key, depth + 1)
        extra = schema.get("additionalProperties")
        for key in required:
            if key not in body and key not in properties:
                body[key] = self.generate(extra if isinstance(extra, dict) else {"type": "string"}, key, depth + 1)
        return body

    def _one_of(self, branches: list[Any], name: str, depth: int) -> Any:
        """The first value generated from a branch that matches that branch alone (``oneOf``
        is exclusive), else the first branch's value."""
        first: Any = None
        for index, branch in enumerate(branches):
            value = self.generate(branch, name, depth)
            if len(branches) == 1 or self._fitting.branches_matched(branches, value) == 1:
                return value
            first = value if index == 0 else first
        return first

    def _formatted(self, schema: Mapping[str, Any], name: str) -> str:
        fmt = schema.get("format")
        if fmt == "uuid":
            return str(uuid.UUID(int=self._random.getrandbits(128), version=4))
        if fmt == "email":
            return str(self._faker.company_email())
        if fmt in ("uri", "url", "uri-reference"):
            return str(self._faker.url())
        if fmt == "ipv4":
            return str(self._faker.ipv4())
        if fmt == "hostname":
            return str(self._faker.domain_name())
        value = self._string(schema, name)
        minimum = int(schema.get("minLength", 0))
        return value + "x" * (minimum - len(value)) if len(value) < minimum else value

    # What the 2020-12 keywords (keywords2020.py) need of this walker.

    def usable(self, schema: Mapping[str, Any], keyword: str) -> bool:
        """Whether ``schema`` has its own ``keyword`` value (``example``, ``default``) valid against it."""
        return keyword in schema and fits_type(schema, schema[keyword]) and self._fitting.own(schema, keyword)

    def fits(self, schema: Mapping[str, Any], value: Any) -> bool:
        """Whether ``value`` is valid against ``schema``."""
        return self._fitting.fits(schema, value)

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        """``schema`` with its ``$ref`` followed."""
        return self._deref(schema)

    def null_wanted(self) -> bool:
        """Whether a nullable value should be ``null`` this time."""
        return self._random.random() < self._null_ratio

    def with_components(self, schema: Mapping[str, Any]) -> dict[str, Any]:
        """``schema`` with the document's components attached, so a validator resolves its ``$ref``s."""
        return {**schema, "components": self._spec.get("components", {})}

    def _string(self, schema: Mapping[str, Any], name: str) -> str:
        fmt = schema.get("format")
        moment = self._epoch + timedelta(minutes=self._random.randint(0, 60 * 24 * 365))
        if fmt == "date-time":
            return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if fmt == "date":
            return moment.date().isoformat()
        if "pattern" in schema:
            if self.usable(schema, "example"):
                return str(schema["example"])
            pattern = re.compile(str(schema["pattern"]))
            found = next((c for c in _PATTERN_CANDIDATES if pattern.search(c)), None)
            return found or string_matching(pattern.pattern) or _PATTERN_CANDIDATES[0]
        maker = _BY_NAME.get(name)
        value = str(maker(self._faker)) if maker else self._faker.word()
        max_length = schema.get("maxLength")
        return value[: int(max_length)] if max_length is not None else value
