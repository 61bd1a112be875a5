"""Prism-compatible response selection: ``Prefer: code=…, example=…, dynamic=true``.

Also accepted as the query parameters ``__code``, ``__example`` and ``__dynamic``. A forced
response comes from the contract alone (its named or first example, or fake data from the
response schema) and never runs the business rules or touches the state. A forced error
(4xx, 5xx) whose example leaves out fields the schema declares gets them from the API's own
error renderer, so it carries what real errors carry (Solvimon's ``field: null``, say).
:func:`documented_reply` is that answer built from the contract; the generic rules answer
their stateless operations with it, preference or not.

Connexion logs an error for every query parameter it passes to an endpoint without finding it
in the contract; :class:`QueryParameterFilter` silences it for these three, which are ours.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from ...errors import ErrorKind, ErrorRenderer, MockError
from ...fakes import SchemaFaker
from ...rules import Reply
from .examples import default_example
from .media import is_json, root_name, textual
from .negotiation import negotiate
from .selection import chosen_key, key_for_code, status_of

__all__ = ["QUERY_PARAMETERS", "QueryParameterFilter", "documented_reply", "forced_reply", "response_headers"]

QUERY_PARAMETERS = ("__code", "__example", "__dynamic")


class QueryParameterFilter(logging.Filter):
    """Drops Connexion's "not defined in specification" record for our ``__`` query parameters."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.args, tuple) and any(arg in QUERY_PARAMETERS for arg in record.args))


def _wanted(prefer: Mapping[str, str], query: Mapping[str, str]) -> tuple[str | None, str | None, bool]:
    code = prefer.get("code") or query.get(QUERY_PARAMETERS[0])
    example = prefer.get("example") or query.get(QUERY_PARAMETERS[1])
    dynamic = (prefer.get("dynamic") or query.get(QUERY_PARAMETERS[2]) or "").lower() == "true"
    return code, example, dynamic


def forced_reply(
    operation_id: str,
    operation: Mapping[str, Any],
    prefer: Mapping[str, str],
    query: Mapping[str, str],
    fake: SchemaFaker,
    render_error: ErrorRenderer,
    accept: str | None = None,
    *,
    prism: bool = False,
) -> Reply | None:
    """The response the client asked for, or ``None`` when it asked for nothing in particular.

    With ``prism`` the response is chosen as Prism chooses it (``selection.py``), its media type
    negotiated on ``accept`` (``negotiation.py``) and every documented header sent; without,
    the first 2xx answers in its first media type as JSON with its required headers.
    """
    code, example_name, dynamic = _wanted(prefer, query)
    if code is None and example_name is None and not dynamic:
        return None
    return documented_reply(
        operation_id, operation, fake, render_error, code, example_name, dynamic, accept, prism=prism
    )


def documented_reply(
    operation_id: str,
    operation: Mapping[str, Any],
    fake: SchemaFaker,
    render_error: ErrorRenderer,
    code: str | None = None,
    example_name: str | None = None,
    dynamic: bool = False,
    accept: str | None = None,
    *,
    prism: bool = False,
) -> Reply:
    """The contract's own answer for ``operation``: the response for ``code`` (else the one
    chosen without a preference), its named example, its first valid one (``examples.py``), or
    data generated from its schema."""
    responses: Mapping[str, Any] = operation["responses"]
    key = _key(operation_id, responses, code, prism)
    status = int(code) if code is not None else status_of(key) if prism else int(key)
    response = responses[key]
    documented: Mapping[str, Any] = response.get("content") or {}
    media_type = negotiate(documented, accept) if prism else next(iter(documented), None)
    content: Mapping[str, Any] = documented[media_type] if media_type is not None else {}
    schema = content.get("schema") or {}
    examples: Mapping[str, Any] = content.get("examples") or {}
    if example_name is not None:
        if example_name not in examples:
            names = ", ".join(examples) or "none"
            raise MockError(
                400,
                f"Prefer example={example_name} is not an example of {operation_id} {key}; examples: {names}",
                kind=ErrorKind.VALIDATION,
                field="Prefer",
            )
        body: Any = examples[example_name].get("value")
    elif dynamic:
        body = fake.generate(schema) if content else None
    else:
        json = media_type is None or is_json(media_type)
        body = default_example(content, fake, json=json) if content else None
    if status >= 400 and isinstance(body, dict):
        body = _as_real_error(status, body, schema, render_error)
    if not prism:
        return Reply(status, body, _required_headers(response, fake))
    if media_type is not None and body is not None and not is_json(media_type):
        body = textual(body, media_type, schema, root_name(schema))
    return Reply(status, body, response_headers(response, fake), media_type)


def _key(operation_id: str, responses: Mapping[str, Any], code: str | None, prism: bool) -> str:
    if code is not None:
        key = key_for_code(responses, code) if prism else (code if code in responses else None)
        if key is None:
            documented = ", ".join(str(status) for status in responses)
            raise MockError(
                400,
                f"Prefer code={code} is not documented for {operation_id}; documented: {documented}",
                kind=ErrorKind.VALIDATION,
                field="Prefer",
            )
        return key
    if not prism:
        return str(next((s for s in responses if str(s).startswith("2")), next(iter(responses))))
    chosen = chosen_key(responses)
    if chosen is None:
        raise MockError(500, f"{operation_id} documents no response", kind=ErrorKind.INTERNAL)
    return chosen


def _required_headers(response: Mapping[str, Any], fake: SchemaFaker) -> dict[str, str]:
    return {
        str(name): str(fake.generate(definition.get("schema", {"type": "string"}), name.lower()))
        for name, definition in (response.get("headers") or {}).items()
        if definition.get("required")
    }


def response_headers(response: Mapping[str, Any], fake: SchemaFaker) -> dict[str, str]:
    """Every header ``response`` documents: its example, else its first named example, else a
    value of its schema (the schema's own ``example``/``default`` first). ``Content-Type`` is
    the negotiated one and never taken from here."""
    headers: dict[str, str] = {}
    for name, definition in (response.get("headers") or {}).items():
        if str(name).lower() == "content-type" or not isinstance(definition, Mapping):
            continue
        if definition.get("example") is not None:
            value: Any = definition["example"]
        elif definition.get("examples"):
            value = next(iter(definition["examples"].values())).get("value")
        else:
            value = fake.generate(definition.get("schema") or {"type": "string"}, str(name).lower())
        headers[str(name)] = _header_text(value)
    return headers


def _header_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_header_text(item) for item in value)
    if isinstance(value, dict):
        return ",".join(f"{k},{_header_text(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def _as_real_error(status: int, body: dict[str, Any], schema: Mapping[str, Any], render: ErrorRenderer) -> Any:
    """``body`` completed with the fields the renderer gives a real error and the schema declares."""
    message = str(body.get("message") or body.get("error") or f"Forced {status}")
    rendered = render(MockError(status, message, kind=ErrorKind.INTERNAL)).body
    declared = schema.get("properties") or {}
    if not isinstance(rendered, dict):
        return body
    return {**{k: v for k, v in rendered.items() if k in declared and k not in body}, **body}
