"""Prism-compatible response selection: ``Prefer: code=…, example=…, dynamic=true``.

Also accepted as the query parameters ``__code``, ``__example`` and ``__dynamic``. A forced
response comes from the contract alone (its named or first example, or fake data from the
response schema) and never runs the business rules or touches the state. A forced error
(4xx, 5xx) whose example leaves out fields the schema declares gets them from the API's own
error renderer, so it carries what real errors carry (Solvimon's ``field: null``, say).

Connexion logs an error for every query parameter it passes to an endpoint without finding it
in the contract; :class:`QueryParameterFilter` silences it for these three, which are ours.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from ..errors import ErrorKind, ErrorRenderer, MockError
from ..fakes import SchemaFaker
from ..rules import Reply

__all__ = ["QUERY_PARAMETERS", "QueryParameterFilter", "forced_reply"]

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
) -> Reply | None:
    """The response the client asked for, or ``None`` when it asked for nothing in particular."""
    code, example_name, dynamic = _wanted(prefer, query)
    if code is None and example_name is None and not dynamic:
        return None
    responses: Mapping[str, Any] = operation["responses"]
    if code is not None:
        if code not in responses:
            documented = ", ".join(str(status) for status in responses)
            raise MockError(
                400,
                f"Prefer code={code} is not documented for {operation_id}; documented: {documented}",
                kind=ErrorKind.VALIDATION,
                field="Prefer",
            )
        status = code
    else:
        status = next((s for s in responses if str(s).startswith("2")), next(iter(responses)))
    response = responses[status]
    content: Mapping[str, Any] = next(iter((response.get("content") or {}).values()), {})
    schema = content.get("schema") or {}
    examples: Mapping[str, Any] = content.get("examples") or {}
    if example_name is not None:
        if example_name not in examples:
            names = ", ".join(examples) or "none"
            raise MockError(
                400,
                f"Prefer example={example_name} is not an example of {operation_id} {status}; examples: {names}",
                kind=ErrorKind.VALIDATION,
                field="Prefer",
            )
        body: Any = examples[example_name]["value"]
    elif dynamic or not (content.get("example") is not None or examples):
        body = fake.generate(schema) if content else None
    elif content.get("example") is not None:
        body = content["example"]
    else:
        body = next(iter(examples.values()))["value"]
    if int(status) >= 400 and isinstance(body, dict):
        body = _as_real_error(int(status), body, schema, render_error)
    headers = {
        str(name): str(fake.generate(definition.get("schema", {"type": "string"}), name.lower()))
        for name, definition in (response.get("headers") or {}).items()
        if definition.get("required")
    }
    return Reply(int(status), body, headers)


def _as_real_error(status: int, body: dict[str, Any], schema: Mapping[str, Any], render: ErrorRenderer) -> Any:
    """``body`` completed with the fields the renderer gives a real error and the schema declares."""
    message = str(body.get("message") or body.get("error") or f"Forced {status}")
    rendered = render(MockError(status, message, kind=ErrorKind.INTERNAL)).body
    declared = schema.get("properties") or {}
    if not isinstance(rendered, dict):
        return body
    return {**{k: v for k, v in rendered.items() if k in declared and k not in body}, **body}
