"""Errors in the shape a contract documents, for a contract without a rules module.

The renderer picks the JSON schema the contract documents for the error's status (that exact
status, else its ``4XX``/``5XX`` range, else ``default``, else the error schema the contract uses
most) and fills it: properties are recognised by name (``message``/``detail`` get the message,
``code``/``status`` the status or the error's kind, ``field``/``pointer`` the field, an array of
objects one entry, a nested object recursively), required ones it does not recognise keep the
contract's example or generated value, optional ones it does not recognise are left out. The
generated starting instance holds only the required properties (at every level) and the ones
recognised by name: an error body of Stripe's carries no optional ``payment_intent``. A string
is cut to the schema's ``maxLength`` (a message quoting a long input). A contract that documents
no error body gets RFC 9457 ``application/problem+json``.
Hand-written because filling an arbitrary schema by meaning is not what any library does.
"""

from __future__ import annotations

import http
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from invoice_contracts.oas import iter_operations, resolve_refs

from ..errors import ErrorKind, ErrorRenderer, MockError, RenderedError
from ..fakes import SchemaFaker, make_faker
from ..serving.requests.security import challenges
from ..serving.requests.validation31 import compiled_for
from .lifecycle import properties_of

__all__ = ["error_renderer"]

PROBLEM = "application/problem+json"
PREFER = "Prefer"  # the field of an error about the Prefer header, which is no invalid request
_MESSAGE = {"message", "detail", "details", "description", "error_description", "msg", "error_message", "reason"}
_CODE = {"code", "error_code", "errorcode", "type", "error", "kind", "error_type"}
_STATUS = {"status", "code", "status_code", "statuscode", "http_status", "httpstatus"}
_FIELD = {"field", "pointer", "param", "parameter", "property", "location", "loc", "source"}
_TITLE = {"title", "summary"}
_LISTS = {"errors", "details", "issues", "problems", "violations"}
_UNKNOWN = object()  # a property _value does not recognise
_RECOGNISED = frozenset({*_MESSAGE, *_CODE, *_STATUS, *_FIELD, *_TITLE, *_LISTS})


class _Shape:
    """One documented error body: its schema, a valid starting instance, its media type."""

    def __init__(self, schema: dict[str, Any], template: Any, media_type: str, spec: dict[str, Any]) -> None:
        self.schema = schema
        self.spec = spec
        self.template = template
        self.media_type = media_type

    def fill(self, error: MockError, status: int) -> Any:
        body = _fill(self.schema, self.template, error, status)
        # A value our guesses got wrong (a pattern, an enum) falls back to the valid template.
        if compiled_for(self.spec, self.schema).first_error(body) is not None:
            return self.template
        return body


def _fill(schema: Mapping[str, Any], template: Any, error: MockError, status: int, depth: int = 0) -> Any:
    properties, required = properties_of(schema)
    if not properties or not isinstance(template, dict) or depth > 3:
        return template
    body: dict[str, Any] = {}
    for name, sub in properties.items():
        value = _value(name.lower(), sub, template.get(name), error, status, depth)
        if value is not _UNKNOWN:
            body[name] = value
        elif name in required:
            body[name] = template.get(name)
    return body


def _value(name: str, schema: Mapping[str, Any], template: Any, error: MockError, status: int, depth: int) -> Any:
    kind = schema.get("type")
    if kind == "integer" and name in _STATUS:
        return status
    if kind == "string":
        text = _string(name, schema, error, status)
        limit = schema.get("maxLength")
        return text[: int(limit)] if isinstance(text, str) and isinstance(limit, int) else text
    if kind == "array" and name in _LISTS and isinstance(template, list) and template:
        return [_fill(schema.get("items") or {}, template[0], error, status, depth + 1)]
    if (kind == "object" or "properties" in schema) and isinstance(template, dict):
        return _fill(schema, template, error, status, depth + 1)
    return _UNKNOWN


def _string(name: str, schema: Mapping[str, Any], error: MockError, status: int) -> Any:
    """The value of a string property recognised by ``name``, else ``_UNKNOWN``."""
    if name in _MESSAGE:
        return error.message
    if name in _TITLE:
        return _reason(status)
    if name in _FIELD:
        return error.field if error.field is not None or schema.get("nullable") else ""
    if name in _CODE:
        return "about:blank" if str(schema.get("format", "")).startswith("uri") else _code(schema, error)
    return _UNKNOWN


def _code(schema: Mapping[str, Any], error: MockError) -> str:
    """The error's own code, else its kind, else the closest word of the schema's enum."""
    wanted = error.code or error.kind.value
    choices = [str(c) for c in schema.get("enum") or () if c is not None]
    if not choices or wanted in choices:
        return wanted
    words = set(wanted.lower().split("_"))
    return max(choices, key=lambda choice: len(words & set(choice.lower().replace("-", "_").split("_"))))


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _problem(error: MockError, status: int) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "about:blank", "title": _reason(status), "status": status, "detail": error.message}
    if error.field:
        body["field"] = error.field
    return body


Bodies = dict[str, list[tuple[str, dict[str, Any], Any]]]


def _bodies(spec: dict[str, Any], responses: dict[str, Any], found: Bodies) -> None:
    """Add the error bodies of one operation's ``responses`` to ``found`` by status key
    (``"404"``, ``"4xx"``, ``"default"``): JSON ones (an example without a schema counts), then
    text ones with a string example (sent as written)."""
    for status, entry in responses.items():
        key = str(status).upper()
        if not (key.startswith(("4", "5")) or key == "DEFAULT"):
            continue
        content_map = resolve_refs(spec, entry).get("content") or {}
        ordered = sorted(content_map.items(), key=lambda item: "json" not in item[0])
        for media_type, content in ordered:
            if not isinstance(content, dict):
                continue
            example = content.get("example")
            if example is None and content.get("examples"):
                example = next(iter(content["examples"].values())).get("value")
            schema = content.get("schema")
            if "json" in media_type and (isinstance(schema, dict) or example is not None):
                found.setdefault(key.lower(), []).append((media_type, schema or {}, example))
            elif "json" not in media_type and isinstance(example, str):
                found.setdefault(key.lower(), []).append((media_type, {"type": "string"}, example))


def _documented(spec: dict[str, Any]) -> tuple[Bodies, dict[str, Bodies], dict[str, tuple[str, str]]]:
    """The error bodies of the whole contract, those of each operation by operationId, and
    each operation's path and method."""
    everywhere: Bodies = {}
    by_operation: dict[str, Bodies] = {}
    where: dict[str, tuple[str, str]] = {}
    for entry in iter_operations(spec):
        operation = entry.operation
        if not isinstance(operation.get("responses"), dict):
            continue
        operation_id = str(operation.get("operationId"))
        where[operation_id] = (entry.path, entry.method)
        _bodies(spec, operation["responses"], everywhere)
        _bodies(spec, operation["responses"], by_operation.setdefault(operation_id, {}))
    return everywhere, by_operation, where


class _Texts:
    """Each schema or example as text, once per object: inlined schemas share their parts, and
    on Stripe the same error schema is documented 900 times."""

    def __init__(self) -> None:
        self._texts: dict[int, tuple[Any, str]] = {}

    def __call__(self, value: Any) -> str:
        found = self._texts.get(id(value))
        if found is None or found[0] is not value:
            found = (value, repr(value))
            self._texts[id(value)] = found
        return found[1]


def _most_used(bodies: list[tuple[str, dict[str, Any], Any]], text: _Texts) -> tuple[str, dict[str, Any], Any]:
    counts = Counter((media_type, text(schema)) for media_type, schema, _ in bodies)
    (media_type, schema_repr), _ = counts.most_common(1)[0]
    return next(body for body in bodies if (body[0], text(body[1])) == (media_type, schema_repr))


def error_renderer(spec: dict[str, Any]) -> ErrorRenderer:
    """An :class:`~mock_server.errors.ErrorRenderer` for the error bodies ``spec`` documents."""
    documented, by_operation, where = _documented(spec)
    fake = SchemaFaker(spec, make_faker(0), datetime.now(UTC).replace(microsecond=0), only=_RECOGNISED)
    schemes = (spec.get("components") or {}).get("securitySchemes") or {}

    text = _Texts()
    made: dict[tuple[str, str, str], _Shape] = {}

    def shape(bodies: list[tuple[str, dict[str, Any], Any]]) -> _Shape:
        # One shape per distinct body, however many operations document it (each one's
        # template generated anew cost Stripe 40 s of start-up).
        media_type, schema, example = _most_used(bodies, text)
        key = (media_type, text(schema), text(example))
        if key not in made:
            resolved = resolve_refs(spec, schema)
            template = example if example is not None else fake.generate(resolved)
            made[key] = _Shape(resolved, template, media_type, spec)
        return made[key]

    shapes = {key: shape(bodies) for key, bodies in documented.items()}
    own = {op: {key: shape(bodies) for key, bodies in found.items()} for op, found in by_operation.items()}
    client_errors = [body for key, bodies in documented.items() if key.startswith("4") for body in bodies]
    fallback = shapes.get("default") or (shape(client_errors) if client_errors else None)
    documented_statuses = {
        str(status) for path, method in where.values() for status in _statuses_of(spec, path, method)
    }
    validation_status = 422 if "422" in documented_statuses and "400" not in documented_statuses else 400

    def headers(error: MockError) -> dict[str, str]:
        if error.kind is not ErrorKind.UNAUTHORIZED or error.operation_id not in where:
            return {}
        path, method = where[error.operation_id]
        node = spec["paths"][path][method]
        challenge = challenges(node.get("security", spec.get("security") or []), schemes)
        return {"WWW-Authenticate": challenge} if challenge else {}

    def render(error: MockError) -> RenderedError:
        status = error.status
        addressed = where.get(error.operation_id or "")
        mine = own.get(error.operation_id or "", {})
        invalid = status == 400 and error.kind in (ErrorKind.VALIDATION, ErrorKind.MISSING_PARAMETER)
        if invalid and addressed is not None and error.field != PREFER:
            # An invalid request (Prism's order): the operation's 422, else its 400, else a 422
            # in the shape of its ``4XX`` or ``default`` response, else problem+json of our own.
            statuses = _statuses_of(spec, *addressed)
            status = next((int(s) for s in ("422", "400") if s in statuses), 422)
            chosen = mine.get(str(status)) or mine.get("4xx") or mine.get("default")
        elif str(status) in mine:
            chosen = mine[str(status)]
        else:
            if invalid:
                status = validation_status
            chosen = shapes.get(str(status)) or shapes.get(f"{str(status)[0]}xx") or fallback
        extra = headers(error)
        if chosen is None:
            return RenderedError(status, _problem(error, status), {"Content-Type": PROBLEM, **extra})
        return RenderedError(status, chosen.fill(error, status), {"Content-Type": chosen.media_type, **extra})

    return render


def _statuses_of(spec: dict[str, Any], path: str, method: str) -> set[str]:
    return {str(status) for status in spec["paths"][path][method].get("responses") or {}}
