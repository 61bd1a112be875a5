"""Connexion request validators that report the failing field and speak JSON Schema properly.

Why not Connexion's stock validators: they report only a message string (no field path, which
every API's error shape needs), answer a body that is not UTF-8 with a 500, skip the ``date``
format, and treat ``nullable`` only on ``type``/``enum`` (so ``allOf`` + ``nullable`` rejects
``null``). These subclasses keep Connexion's parsing and plumbing and change only that:
schemas are translated once to plain Draft 4 (``nullable`` becomes a ``null`` type),
compiled once per schema with jsonschema-rs (already in our tree through Schemathesis) for the
fast yes/no, and only an invalid instance goes through the pure-Python validator for its most
relevant error; errors leave as :class:`MockError` with a field path. Form and multipart bodies
get field paths too, and Connexion decodes a form body before its validator could see that a
value carried reserved characters unencoded: :class:`FormBodyValidator` checks the raw body
against each property's ``encoding.allowReserved`` first (tested in tests/test_mock_bodies.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncGenerator, Mapping
from typing import Any
from urllib.parse import unquote_plus

import jsonschema
import jsonschema_rs
from connexion.datastructures import MediaTypeDict
from connexion.exceptions import NonConformingResponseBody
from connexion.lifecycle import ConnexionRequest
from connexion.utils import is_null, is_nullable
from connexion.validators import (
    VALIDATOR_MAP,
    FormDataValidator,
    JSONRequestBodyValidator,
    MultiPartFormDataValidator,
    ParameterValidator,
)
from connexion.validators.json import JSONResponseBodyValidator
from jsonschema import Draft4Validator
from starlette.types import Scope

from invoice_contracts.oas import to_json_schema

from ...errors import ErrorKind, MockError
from .int_bounds import with_integer_bounds

__all__ = ["CompiledSchema", "compiled", "schema_error", "validator_map"]

_FORMATS = jsonschema.FormatChecker()
# Formats OpenAPI documents use that Draft 4 lacks, so jsonschema-rs' Draft 4 mode skips them
# while the pure-Python checker (every draft's formats) knows them: the fast "valid?" must agree.
_RS_FORMATS = {"uuid": lambda value: _FORMATS.conforms(value, "uuid")}
# Parameters: Draft 4's formats, and uuid (a path id documented as a uuid refuses "null,null").
_PARAMETER_FORMATS = jsonschema.FormatChecker([*Draft4Validator.FORMAT_CHECKER.checkers, "uuid"])


class CompiledSchema:
    """One schema, compiled once: jsonschema-rs answers "valid?" fast, and only for an invalid
    instance does the pure-Python validator find the most relevant error and its path."""

    def __init__(self, python: Any, fast: Any | None) -> None:
        self.python = python
        self._fast = fast

    @classmethod
    def draft4(cls, schema: dict[str, Any]) -> CompiledSchema:
        """An OpenAPI 3.0 schema, translated to Draft 4 (``nullable`` becomes a ``null`` type)."""
        # Connexion attaches the document's components to the schema for $ref resolution; its
        # schemas are already inlined, and the attachment can make the structure cyclic.
        body = with_integer_bounds(to_json_schema({key: value for key, value in schema.items() if key != "components"}))
        try:
            fast: Any = jsonschema_rs.Draft4Validator(body, validate_formats=True, formats=_RS_FORMATS)
        except (ValueError, TypeError, jsonschema_rs.ValidationError):
            fast = None
        return cls(Draft4Validator(body, format_checker=_FORMATS), fast)

    def is_valid(self, instance: Any) -> bool:
        if self._fast is not None:
            return bool(self._fast.is_valid(instance))
        return bool(self.python.is_valid(instance))

    def first_error(self, instance: Any) -> jsonschema.ValidationError | None:
        if self._fast is not None and self._fast.is_valid(instance):
            return None
        error: jsonschema.ValidationError | None = jsonschema.exceptions.best_match(self.python.iter_errors(instance))
        return error


_COMPILED: dict[int, tuple[dict[str, Any], CompiledSchema]] = {}


def compiled(schema: dict[str, Any]) -> CompiledSchema:
    """The compiled form of a schema object, made once per object (Connexion builds validators
    per request but hands them the same schema objects)."""
    entry = _COMPILED.get(id(schema))
    if entry is None or entry[0] is not schema:
        entry = (schema, CompiledSchema.draft4(schema))
        _COMPILED[id(schema)] = entry
    return entry[1]


def _field_path(error: jsonschema.ValidationError) -> str:
    parts = [str(part) for part in error.absolute_path]
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [name for name in error.validator_value if name not in error.instance]
        if missing:
            parts.append(str(missing[0]))
    return ".".join(parts)


def schema_error(schema: CompiledSchema, instance: Any, *, prefix: str = "") -> MockError | None:
    """The most relevant validation error of ``instance`` as a 400 :class:`MockError`."""
    error = schema.first_error(instance)
    if error is None:
        return None
    path = _field_path(error)
    field = ".".join(part for part in (prefix, path) if part) or None
    kind = ErrorKind.MISSING_PARAMETER if error.validator == "required" else ErrorKind.VALIDATION
    where = f" at {field}" if field else ""
    return MockError(400, f"{error.message}{where}", kind=kind, field=field, extra={"in": "body"})


# No body at all, as opposed to the JSON document ``null`` (which an object schema refuses).
_ABSENT = object()


class BodyValidator(JSONRequestBodyValidator):
    """JSON request bodies: strict UTF-8, whole-body checks, field paths in errors."""

    compiled = staticmethod(compiled)

    async def _parse(self, stream: AsyncGenerator[bytes, None], scope: Scope) -> Any:
        raw = b"".join([chunk async for chunk in stream])
        if not raw:
            return _ABSENT
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MockError(
                400, f"Request body is not valid UTF-8 (byte {exc.start})", kind=ErrorKind.VALIDATION
            ) from None
        try:
            return json.loads(text)
        except RecursionError:
            raise MockError(400, "Request body is nested too deeply", kind=ErrorKind.VALIDATION) from None
        except ValueError as exc:
            raise MockError(400, f"Request body is not valid JSON: {exc}", kind=ErrorKind.VALIDATION) from None

    def _validate(self, body: Any) -> dict[str, Any] | None:
        if body is _ABSENT:
            if self._nullable or not self._required:
                return None
            raise MockError(
                400,
                "Request body must not be empty",
                kind=ErrorKind.MISSING_PARAMETER,
                field="body",
                extra={"in": "body"},
            )
        try:
            error = schema_error(self.compiled(self._schema), body)
        except RecursionError:
            error = MockError(400, "Request body is nested too deeply", kind=ErrorKind.VALIDATION)
        if error is not None:
            raise error
        return None


class ResponseBodyValidator(JSONResponseBodyValidator):
    """Response bodies, with the same schema translation as requests."""

    compiled = staticmethod(compiled)

    def _validate(self, body: Any) -> None:
        error = self.compiled(self._schema).first_error(body)
        if error is not None:
            path = ".".join(str(p) for p in error.absolute_path)
            raise NonConformingResponseBody(
                detail=f"Response body does not conform to the contract: {error.message} at {path or 'the root'}"
            )


_PARAMETER_VALIDATORS: dict[int, tuple[Mapping[str, Any], Any]] = {}


def _parameter_validator(param: Mapping[str, Any]) -> Any:
    """The validator of one parameter definition, made once per definition object."""
    entry = _PARAMETER_VALIDATORS.get(id(param))
    if entry is None or entry[0] is not param:
        schema = with_integer_bounds(param.get("schema", param))
        entry = (param, Draft4Validator(schema, format_checker=_PARAMETER_FORMATS))
        _PARAMETER_VALIDATORS[id(param)] = entry
    return entry[1]


class ParametersValidator(ParameterValidator):
    """Path, query and header parameters, failing with the parameter's name as the field.

    ``validate_parameter`` is Connexion's, except that it builds the Draft 4 validator of a
    parameter once instead of deep-copying the definition and building one on every request.
    """

    validator_of = staticmethod(_parameter_validator)

    @classmethod
    def validate_parameter(
        cls, parameter_type: str, value: Any, param: Mapping[str, Any], param_name: str | None = None
    ) -> str | None:
        if is_nullable(param) and is_null(value):
            return None
        if value is not None:
            for error in cls.validator_of(param).iter_errors(value):
                return str(error)
            return None
        if param.get("required"):
            return f"Missing {parameter_type} parameter '{param['name']}'"
        return None

    def validate_request(self, request: ConnexionRequest) -> None:
        checks = (
            ("query", self.validate_query_parameter),
            ("path", self.validate_path_parameter),
            ("header", self.validate_header_parameter),
            ("cookie", self.validate_cookie_parameter),
        )
        for location, check in checks:
            for param in self.parameters.get(location, []):
                message = check(param, request)
                if message:
                    name = str(param["name"])
                    kind = ErrorKind.MISSING_PARAMETER if message.startswith("Missing") else ErrorKind.VALIDATION
                    first_line = message.splitlines()[0]
                    raise MockError(
                        400,
                        f"Invalid {location} parameter {name}: {first_line}",
                        kind=kind,
                        field=name,
                        extra={"in": location},
                    )

    def validate_header_parameter(self, param: Mapping[str, Any], request: ConnexionRequest) -> str | None:
        # Connexion validates header values as raw strings, so an integer header never passes.
        value: Any = request.headers.get(param["name"])
        schema = param.get("schema", {})
        if value is not None and schema.get("type") in ("integer", "number"):
            try:
                value = int(value) if schema["type"] == "integer" else float(value)
            except ValueError:
                return f"{value!r} is not of type {schema['type']!r}"
        result: str | None = self.validate_parameter("header", value, param)
        return result


# RFC 3986's reserved characters, less "+": in a form body a raw "+" is the encoding of a space.
_RESERVED = re.compile(r"[:/?#\[\]@!$'()*,;=]")


class _FieldPaths:
    """A form body's errors name the failing field as a path (``items.1.quantity``): validated
    by our :func:`schema_error` before Connexion's own validation."""

    _schema: dict[str, Any]

    def _validate(self, body: Any) -> dict[str, Any] | None:
        error = schema_error(compiled(self._schema), body) if isinstance(body, dict) else None
        if error is not None:
            raise error
        result: dict[str, Any] | None = super()._validate(body)  # type: ignore[misc]
        return result


class FormBodyValidator(_FieldPaths, FormDataValidator):
    """``application/x-www-form-urlencoded`` bodies: field paths in errors, and a value sent
    with reserved characters unencoded is refused unless its ``encoding`` allows them
    (``allowReserved: true``); Connexion decodes the body before anything could tell."""

    async def _parse(self, stream: AsyncGenerator[bytes, None], scope: Scope) -> Any:
        raw = b"".join([chunk async for chunk in stream])
        encodings = getattr(self._uri_parser, "_body_encoding", None) or {}
        for pair in raw.decode("latin-1").split("&"):
            name, _, value = pair.partition("=")
            encoding = encodings.get(unquote_plus(name))
            if isinstance(encoding, Mapping) and not encoding.get("allowReserved") and _RESERVED.search(value):
                raise MockError(
                    400,
                    f"Reserved characters in {unquote_plus(name)} must be percent-encoded (allowReserved is false)",
                    kind=ErrorKind.VALIDATION,
                    field=unquote_plus(name),
                    extra={"in": "body"},
                )

        async def replay() -> AsyncGenerator[bytes, None]:
            yield raw

        return await super()._parse(replay(), scope)


class MultipartBodyValidator(_FieldPaths, MultiPartFormDataValidator):
    """``multipart/form-data`` bodies, with field paths in errors."""


def validator_map() -> dict[str, Any]:
    """Connexion ``validator_map`` with our body, response and parameter validators."""
    return {
        "parameter": ParametersValidator,
        "body": MediaTypeDict(
            {
                **VALIDATOR_MAP["body"],
                "*/*json": BodyValidator,
                "application/x-www-form-urlencoded": FormBodyValidator,
                "multipart/form-data": MultipartBodyValidator,
            }
        ),
        "response": MediaTypeDict({**VALIDATOR_MAP["response"], "*/*json": ResponseBodyValidator}),
    }
