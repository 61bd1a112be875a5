"""The validators of an OpenAPI 3.1 contract: its own JSON Schema 2020-12 schemas, not Connexion's view.

Connexion is given a 3.0 view of a 3.1 contract (:mod:`invoice_contracts.oas.openapi31`) and
builds its validators from that view; each schema there carries ``SOURCE_KEY``, the JSON pointer
of the same schema in the original document. These validators (subclasses of the 3.0 ones in
:mod:`.validation`, so parsing, error shapes and field paths stay the same) look that pointer up
and validate with a 2020-12 validator: jsonschema-rs for the fast yes/no, jsonschema's
``Draft202012Validator`` for the most relevant error. ``$ref``s resolve in the whole original
document, registered once per contract.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jsonschema
import jsonschema_rs
from connexion.datastructures import MediaTypeDict
from connexion.validators import FormDataValidator
from connexion.validators.json import JSONResponseBodyValidator
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from invoice_contracts.oas.openapi31 import SOURCE_KEY

from .validation import (
    BodyValidator,
    CompiledSchema,
    ParametersValidator,
    ResponseBodyValidator,
    compiled,
    validator_map,
)

__all__ = ["DocumentSchemas", "compiled_for", "validator_map_31"]

_URI = "urn:invoice-contracts:contract"
_FORMATS = jsonschema.FormatChecker()


class DocumentSchemas:
    """The 2020-12 validators of one 3.1 document's schemas, each compiled on first use."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._registry: Registry[Any] = Registry().with_resource(_URI, DRAFT202012.create_resource(document))
        try:
            self._rs_registry: Any = jsonschema_rs.Registry([(_URI, document)])
        except (ValueError, TypeError, jsonschema_rs.ReferencingError):
            self._rs_registry = None
        self._by_pointer: dict[str, CompiledSchema] = {}

    def at(self, pointer: str) -> CompiledSchema:
        """The compiled schema at ``pointer`` (a JSON pointer into the original document)."""
        found = self._by_pointer.get(pointer)
        if found is None:
            reference = {"$ref": f"{_URI}#{pointer}"}
            fast: Any = None
            if self._rs_registry is not None:
                try:
                    fast = jsonschema_rs.Draft202012Validator(
                        reference, registry=self._rs_registry, validate_formats=True
                    )
                except (ValueError, TypeError, jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError):
                    fast = None
            python = Draft202012Validator(reference, registry=self._registry, format_checker=_FORMATS)
            found = self._by_pointer[pointer] = CompiledSchema(python, fast)
        return found

    def compiled(self, schema: Mapping[str, Any]) -> CompiledSchema:
        """The original of a schema of Connexion's view (one without a source: as 3.0)."""
        pointer = schema.get(SOURCE_KEY)
        return self.at(pointer) if isinstance(pointer, str) else compiled(dict(schema))

    def parameter_validator(self, param: Mapping[str, Any]) -> Any:
        schema = param.get("schema", param)
        pointer = schema.get(SOURCE_KEY) if isinstance(schema, Mapping) else None
        return _AsText(self.at(pointer).python) if isinstance(pointer, str) else ParametersValidator.validator_of(param)


_UNSPELLED = object()
_WORDS = {"true": True, "false": False, "null": None}


def _spelled(value: Any) -> Any:
    """The number, boolean or null a text spells, else :data:`_UNSPELLED`."""
    if not isinstance(value, str):
        return _UNSPELLED
    if value in _WORDS:
        return _WORDS[value]
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            continue
    return _UNSPELLED


class _AsText:
    """A parameter's validator for values that arrive as text. Connexion converts a value only to
    the one type of its 3.0 view, so a parameter whose schema allows several (``[integer, string]``,
    an ``anyOf``) arrives as text: it is valid when the text is, or the number, boolean or null it
    spells (each item's, for an array)."""

    def __init__(self, validator: Any) -> None:
        self._validator = validator

    def iter_errors(self, value: Any) -> Any:
        errors = list(self._validator.iter_errors(value))
        if not errors:
            return iter(())
        if isinstance(value, list):
            reading: Any = [item if (spelt := _spelled(item)) is _UNSPELLED else spelt for item in value]
        else:
            reading = _spelled(value)
        if reading is not _UNSPELLED and reading != value and self._validator.is_valid(reading):
            return iter(())
        return iter(errors)


def validator_map_31(document: dict[str, Any]) -> dict[str, Any]:
    """Connexion ``validator_map`` for a 3.1 contract: each validator of :func:`.validation.validator_map`,
    subclassed to check against ``document``'s own 2020-12 schemas."""
    schemas = DocumentSchemas(document)

    def bound(cls: type) -> type:
        if issubclass(cls, BodyValidator | ResponseBodyValidator):
            return type(cls.__name__, (cls,), {"compiled": staticmethod(schemas.compiled)})
        if issubclass(cls, FormDataValidator):

            def validator(self: FormDataValidator) -> Any:
                return schemas.compiled(self._schema).python

            return type(cls.__name__, (cls,), {"_validator": property(validator)})
        if issubclass(cls, JSONResponseBodyValidator):  # text/plain responses

            def response_validator(self: JSONResponseBodyValidator) -> Any:
                return schemas.compiled(self._schema).python

            return type(cls.__name__, (cls,), {"validator": property(response_validator)})
        return cls

    stock = validator_map()
    return {
        "parameter": type(
            "ParametersValidator", (stock["parameter"],), {"validator_of": staticmethod(schemas.parameter_validator)}
        ),
        "body": MediaTypeDict({media_type: bound(cls) for media_type, cls in stock["body"].items()}),
        "response": MediaTypeDict({media_type: bound(cls) for media_type, cls in stock["response"].items()}),
    }


_STANDALONE: dict[int, tuple[Mapping[str, Any], CompiledSchema]] = {}


def compiled_for(document: Mapping[str, Any], schema: dict[str, Any]) -> CompiledSchema:
    """A schema taken from ``document`` (its ``$ref``s inlined or not), compiled as the document's
    version says: :func:`.validation.compiled` for 3.0; 2020-12 for 3.1, with the document's
    components attached so a ``$ref`` left in it resolves. Made once per schema object."""
    if not str(document.get("openapi", "")).startswith("3.1"):
        return compiled(schema)
    entry = _STANDALONE.get(id(schema))
    if entry is None or entry[0] is not schema:
        body = {**schema, "components": document.get("components", {})}
        try:
            fast: Any = jsonschema_rs.Draft202012Validator(body, validate_formats=True)
        except (ValueError, TypeError, jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError):
            fast = None
        entry = (schema, CompiledSchema(Draft202012Validator(body, format_checker=_FORMATS), fast))
        _STANDALONE[id(schema)] = entry
    return entry[1]
