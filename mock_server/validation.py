"""Connexion request validators that report the failing field and speak JSON Schema properly.

Why not Connexion's stock validators: they report only a message string (no field path, which
every API's error shape needs), answer a body that is not UTF-8 with a 500, skip the ``date``
format, and treat ``nullable`` only on ``type``/``enum`` (so ``allOf`` + ``nullable`` rejects
``null``). These subclasses keep Connexion's parsing and plumbing and change only that:
schemas are translated once to plain Draft 4 (``nullable`` becomes a ``null`` type) and
validated with a real format checker; errors leave as :class:`MockError` with a field path.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Mapping
from typing import Any

import jsonschema
from connexion.datastructures import MediaTypeDict
from connexion.exceptions import NonConformingResponseBody
from connexion.lifecycle import ConnexionRequest
from connexion.validators import VALIDATOR_MAP, JSONRequestBodyValidator, ParameterValidator
from connexion.validators.json import JSONResponseBodyValidator
from jsonschema import Draft4Validator
from starlette.types import Scope

from oas import to_json_schema

from .errors import ErrorKind, MockError

__all__ = ["schema_error", "validator_map"]

_FORMATS = jsonschema.FormatChecker()


def _field_path(error: jsonschema.ValidationError) -> str:
    parts = [str(part) for part in error.absolute_path]
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [name for name in error.validator_value if name not in error.instance]
        if missing:
            parts.append(str(missing[0]))
    return ".".join(parts)


def schema_error(validator: Draft4Validator, instance: Any, *, prefix: str = "") -> MockError | None:
    """The most relevant validation error of ``instance`` as a 400 :class:`MockError`."""
    error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
    if error is None:
        return None
    path = _field_path(error)
    field = ".".join(part for part in (prefix, path) if part) or None
    kind = ErrorKind.MISSING_PARAMETER if error.validator == "required" else ErrorKind.VALIDATION
    where = f" at {field}" if field else ""
    return MockError(400, f"{error.message}{where}", kind=kind, field=field, extra={"in": "body"})


class BodyValidator(JSONRequestBodyValidator):
    """JSON request bodies: strict UTF-8, whole-body checks, field paths in errors."""

    @property
    def _validator(self) -> Draft4Validator:
        cached: Draft4Validator | None = getattr(self, "_compiled", None)
        if cached is None:
            cached = Draft4Validator(to_json_schema(self._schema), format_checker=_FORMATS)
            self._compiled = cached
        return cached

    async def _parse(self, stream: AsyncGenerator[bytes, None], scope: Scope) -> Any:
        raw = b"".join([chunk async for chunk in stream])
        if not raw:
            return None
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
        if body is None:
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
            error = schema_error(self._validator, body)
        except RecursionError:
            error = MockError(400, "Request body is nested too deeply", kind=ErrorKind.VALIDATION)
        if error is not None:
            raise error
        return None


class ResponseBodyValidator(JSONResponseBodyValidator):
    """Response bodies, with the same schema translation as requests."""

    @property
    def validator(self) -> Draft4Validator:
        cached: Draft4Validator | None = getattr(self, "_compiled", None)
        if cached is None:
            cached = Draft4Validator(to_json_schema(self._schema), format_checker=_FORMATS)
            self._compiled = cached
        return cached

    def _validate(self, body: Any) -> None:
        error = jsonschema.exceptions.best_match(self.validator.iter_errors(body))
        if error is not None:
            path = ".".join(str(p) for p in error.absolute_path)
            raise NonConformingResponseBody(
                detail=f"Response body does not conform to the contract: {error.message} at {path or 'the root'}"
            )


class ParametersValidator(ParameterValidator):
    """Path, query and header parameters, failing with the parameter's name as the field."""

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


def validator_map() -> dict[str, Any]:
    """Connexion ``validator_map`` with our body, response and parameter validators."""
    return {
        "parameter": ParametersValidator,
        "body": MediaTypeDict({**VALIDATOR_MAP["body"], "*/*json": BodyValidator}),
        "response": MediaTypeDict({**VALIDATOR_MAP["response"], "*/*json": ResponseBodyValidator}),
    }
