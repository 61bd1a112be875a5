"""List what a contract marks as not plainly documented (``x-provenance: inferred | assumed``).

Those are the places where a vendor's sandbox may disagree with the contract; QA reads this
list before blaming the vendor (or the mock).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from invoice_contracts.oas import escape_pointer

__all__ = ["PROVENANCE_LEVELS", "ProvenanceEntry", "markdown_table", "provenance_entries"]

PROVENANCE_LEVELS = ("documented", "inferred", "assumed")


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
