"""List what a contract marks as not plainly documented (``x-provenance: inferred | assumed``).

Those are the places where a vendor's sandbox may disagree with the contract; QA reads this
list before blaming the vendor (or the mock).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from invoice_contracts.oas import escape_pointer

__all__ = [
    "CONSTRAINT_KEYWORDS",
    "PROVENANCE_LEVELS",
    "ProvenanceEntry",
    "constraint_entries",
    "markdown_table",
    "provenance_entries",
]

PROVENANCE_LEVELS = ("documented", "inferred", "assumed")
# Validation keywords: what a value may be, never which status answers one that breaks them.
CONSTRAINT_KEYWORDS = frozenset(
    {
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "pattern",
        "minItems",
        "maxItems",
    }
)


@dataclass(frozen=True)
class ProvenanceEntry:
    pointer: str
    level: str
    source: str


def _walk(node: Any, pointer: str) -> Iterator[ProvenanceEntry]:
    if isinstance(node, dict):
        if "x-provenance" in node:
            yield ProvenanceEntry(pointer or "/", str(node["x-provenance"]), str(node.get("x-source", "")))
        for key, value in node.items():
            yield from _walk(value, f"{pointer}/{escape_pointer(str(key))}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{pointer}/{index}")


def provenance_entries(document: dict[str, Any], *, include_documented: bool = False) -> list[ProvenanceEntry]:
    return [e for e in _walk(document, "") if include_documented or e.level != "documented"]


def markdown_table(entries: list[ProvenanceEntry]) -> str:
    rows = [f"| `{e.pointer}` | {e.level} | {e.source.replace('|', '/')} |" for e in entries]
    return "\n".join(["| JSON pointer | provenance | source |", "|---|---|---|", *rows])


def constraint_entries(document: dict[str, Any]) -> list[ProvenanceEntry]:
    """The constraints on parameters that carry no provenance of their own: nothing documents
    the status a value breaking them gets, so a check resting on one is an inference (see
    :mod:`conformance.scenarios.citations`)."""
    found = []
    for pointer, parameter in _parameters(document):
        schema = parameter.get("schema")
        if not isinstance(schema, dict) or "$ref" in schema or "x-provenance" in schema:
            continue
        for keyword in sorted(CONSTRAINT_KEYWORDS & set(schema)):
            source = f"{parameter.get('in')} parameter {parameter.get('name')}: no status documented for breaking it"
            found.append(ProvenanceEntry(f"{pointer}/schema/{keyword}", "inferred", source))
    return found


def _parameters(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, parameter in (document.get("components", {}).get("parameters") or {}).items():
        yield f"/components/parameters/{escape_pointer(name)}", parameter
    for path, item in (document.get("paths") or {}).items():
        for key, node in item.items():
            at = f"/paths/{escape_pointer(path)}/{key}"
            listed = node
            if key != "parameters":
                listed, at = (node.get("parameters") if isinstance(node, dict) else None), f"{at}/parameters"
            for index, parameter in enumerate(listed or []):
                if isinstance(parameter, dict) and "$ref" not in parameter:
                    yield f"{at}/{index}", parameter
