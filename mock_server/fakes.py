"""Fake data from a contract's schemas, deterministic under a seed.

Faker makes realistic strings but knows nothing of JSON Schema, and Hypothesis (through
Schemathesis) makes valid but unrealistic data and is not seedable per call; so this small
walker picks a Faker provider by property name or format and respects the schema's type,
enum, bounds and nullability. The same seed and the same sequence of calls give the same data.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from faker import Faker

from .fakes31 import generate_2020, uses_2020

__all__ = ["SchemaFaker", "make_faker"]

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


def make_faker(seed: int) -> Faker:
    faker = Faker(["en_US"])
    faker.seed_instance(seed)
    return faker


class SchemaFaker:
    """Generate instances of (inlined or referenced) OpenAPI 3.0 schemas, and of 3.1's through
    :mod:`.fakes31` (a schema using a 2020-12 keyword is handed there)."""

    def __init__(self, spec: Mapping[str, Any], faker: Faker, epoch: datetime, *, null_ratio: float = 0.0) -> None:
        self._spec = spec
        self._faker = faker
        self._random = random.Random(faker.random.random())
        self._epoch = epoch
        self._null_ratio = null_ratio

    def _deref(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        while "$ref" in schema:
            target: Any = self._spec
            for part in str(schema["$ref"]).removeprefix("#/").split("/"):
                target = target[part]
            schema = target
        return schema

    def generate(self, schema: Mapping[str, Any], name: str = "", depth: int = 0) -> Any:
        if uses_2020(schema):
            return generate_2020(self, schema, name, depth)
        schema = self._deref(schema)
        if uses_2020(schema):
            return generate_2020(self, schema, name, depth)
        if "example" in schema and depth > 0:
            return schema["example"]
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
        for key in ("oneOf", "anyOf"):
            if key in schema:
                return self.generate(schema[key][0], name, depth)
        if "enum" in schema:
            choices = [v for v in schema["enum"] if v is not None]
            return self._random.choice(choices) if choices else None
        kind = schema.get("type", "object")
        if kind == "object":
            if depth > 6:
                return {}
            properties = schema.get("properties", {})
            return {key: self.generate(sub, key, depth + 1) for key, sub in properties.items()}
        if kind == "array":
            if depth > 6:
                return []
            count = max(int(schema.get("minItems", 0)), min(2, int(schema.get("maxItems", 2))))
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
        return self._string(schema, name)

    # What the 2020-12 keywords (fakes31.py) need of this walker.

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
            if "example" in schema:
                return str(schema["example"])
            pattern = re.compile(str(schema["pattern"]))
            return next((c for c in _PATTERN_CANDIDATES if pattern.search(c)), _PATTERN_CANDIDATES[0])
        maker = _BY_NAME.get(name)
        value = str(maker(self._faker)) if maker else self._faker.word()
        max_length = schema.get("maxLength")
        return value[: int(max_length)] if max_length is not None else value
