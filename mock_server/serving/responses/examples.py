"""Which of a media type's own examples the mock may answer with: those valid against its schema.

Prism serves a media type's ``example`` (or first ``examples`` entry) as written, valid or not; a
mock whose answers break the contract misleads the client that trusts them, so this mock
answers with the first *valid* one, else with a body generated from the schema. An example the
client names (``Prefer: example=…``) is served as written: it asked for that text. Each invalid
example is reported once, at start-up, by its JSON pointer (:func:`warn_invalid_examples`).
Only JSON media types are checked: an XML or text example is a document written as a string.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any

from invoice_contracts.oas import escape_pointer, iter_operations, resolve_refs

from ...fakes import SchemaFaker, fitting_for
from .media import is_json

__all__ = ["default_example", "warn_invalid_examples"]

logger = logging.getLogger("mock_server")


def _candidates(content: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """A media type's examples in the order they are chosen: ``example``, then ``examples``."""
    if content.get("example") is not None:
        yield "example", content["example"]
    for name, entry in (content.get("examples") or {}).items():
        if isinstance(entry, Mapping) and "value" in entry:
            yield f"examples/{escape_pointer(str(name))}/value", entry["value"]


def default_example(content: Mapping[str, Any], fake: SchemaFaker, *, json: bool = True) -> Any:
    """The first of ``content``'s examples valid against its schema, else ``fake``'s generated
    body (``None`` for content without a schema or examples). A non-JSON media type's examples
    (an XML or text document written as a string) are not checked: the first is served."""
    schema = content.get("schema")
    for _, value in _candidates(content):
        if not json or not isinstance(schema, Mapping) or fake.fits(schema, value):
            return value
    return fake.generate(schema) if isinstance(schema, Mapping) else None


def warn_invalid_examples(spec: dict[str, Any]) -> list[str]:
    """Log one warning per response example that breaks its schema; their JSON pointers."""
    fitting = fitting_for(spec)
    found: list[str] = []
    for entry in iter_operations(spec):
        where = f"/paths/{escape_pointer(entry.path)}/{entry.method}/responses"
        for status, response in (entry.operation.get("responses") or {}).items():
            for media_type, content in (resolve_refs(spec, response).get("content") or {}).items():
                schema = content.get("schema") if isinstance(content, Mapping) else None
                if not isinstance(schema, Mapping) or not is_json(str(media_type)):
                    continue
                for part, value in _candidates(content):
                    if not fitting.fits(schema, value):
                        found.append(f"{where}/{status}/content/{escape_pointer(media_type)}/{part}")
    for pointer in found:
        logger.warning("%s breaks its schema: a valid generated body is served instead", pointer)
    return found
