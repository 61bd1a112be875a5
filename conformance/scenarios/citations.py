"""What an assertion rests on: a statement of the contract (a JSON pointer) or a seed.

Every expectation a scenario makes names the statement it checks (``rests_on``). Its strength
follows that statement's provenance in the contract: the ``x-provenance`` of the node or of its
nearest ancestor on the way there (``$ref``s are followed, so a shared response marked
``inferred`` stays inferred wherever it is used). Prose says its own provenance too: a
description that marks itself ``[inferred]`` or says its rules "are inferred" is no stronger
than that, whatever its operation says. A citation may quote the words it rests on
(``"#/info/description § negated copy"``): the quote must be there, and the bracketed marker
of its bullet or sentence (``[documented, KL-DOCS]``, ``[inferred]``) decides, else a sentence
of the text that says its rules are inferred or assumed, else the node's provenance. A seed
(``seed 002``) is the vendor's own text: documented. No marker anywhere means documented (the
contracts mark everything that is not). A validation keyword (``minimum``, ``maxLength``,
``pattern``...) is a constraint whose breaking status nobody documented: a pointer to one is
``inferred`` unless the schema holding it has an ``x-provenance`` of its own
(:func:`conformance.provenance.constraint_entries` lists them); where such a constraint and a
documented description disagree (``minimum: 1`` against "404 when it does not exist"), either
documented answer is right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..provenance import CONSTRAINT_KEYWORDS, PROVENANCE_LEVELS

__all__ = ["Citation", "CitationError", "Citations", "is_weak"]

SEED = re.compile(r"^seed \d{3}$")
_PROSE_MARKER = re.compile(r"\[(inferred|assumed)\b|\b(?:is|are) (inferred|assumed)\b", re.IGNORECASE)
_BRACKET = re.compile(r"\[(documented|inferred|assumed)\b", re.IGNORECASE)
_RULES_SENTENCE = re.compile(r"\b(?:rules?|these|this) (?:is|are) (inferred|assumed)\b", re.IGNORECASE)
QUOTE = " § "


class CitationError(Exception):
    """A scenario cites nothing, or a pointer its contract does not have: a bug in the pack."""


@dataclass(frozen=True)
class Citation:
    rests_on: str
    level: str

    def __str__(self) -> str:
        return f"{self.rests_on} [{self.level}]"

    def at_most(self, level: str) -> Citation:
        """This citation, no stronger than ``level``."""
        return Citation(self.rests_on, _weakest(self.level, level))


def is_weak(level: str) -> bool:
    """Inferred or assumed: a broken statement of this level is a warning unless strict."""
    return level != "documented"


def _weakest(*levels: str) -> str:
    return max(levels, key=PROVENANCE_LEVELS.index)


def _unescape(segment: str) -> str:
    return segment.replace("~1", "/").replace("~0", "~")


class Citations:
    """Resolves ``rests_on`` against one (unresolved) contract, caching what it found."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._document = document
        self._cache: dict[str, Citation] = {}

    def cite(self, rests_on: str) -> Citation:
        if rests_on not in self._cache:
            self._cache[rests_on] = self._resolve(rests_on)
        return self._cache[rests_on]

    def _resolve(self, rests_on: str) -> Citation:
        if SEED.match(rests_on):
            return Citation(rests_on, "documented")
        if not rests_on.startswith("#/"):
            raise CitationError(f"an assertion rests on {rests_on!r}: neither a contract pointer (#/...) nor a seed")
        pointer, _, quote = rests_on.partition(QUOTE)
        node: Any = self._document
        level = _level_of(node, "documented")
        holder: Any = None
        for raw in pointer[2:].split("/"):
            segment = _unescape(raw)
            node, level = self._follow_refs(node, segment, level)
            holder = node
            if isinstance(node, dict) and segment in node:
                node = node[segment]
            elif isinstance(node, list) and segment.isdigit() and int(segment) < len(node):
                node = node[int(segment)]
            else:
                raise CitationError(f"an assertion rests on {rests_on}, which the contract does not have")
            level = _level_of(node, level)
        node, level = self._follow_refs(node, "", level)
        last = _unescape(pointer.rsplit("/", 1)[-1])
        if last in CONSTRAINT_KEYWORDS and isinstance(holder, dict) and "x-provenance" not in holder:
            level = _weakest(level, "inferred")
        if quote:
            if not isinstance(node, str) or quote not in " ".join(node.split()):
                raise CitationError(f"an assertion quotes {quote!r}, which {pointer} does not say")
            return Citation(rests_on, _quoted_level(" ".join(node.split()), quote, level))
        if isinstance(node, str):
            for match in _PROSE_MARKER.finditer(node):
                level = _weakest(level, (match.group(1) or match.group(2)).lower())
        return Citation(rests_on, level)

    def _follow_refs(self, node: Any, segment: str, level: str) -> tuple[Any, str]:
        while isinstance(node, dict) and "$ref" in node and segment not in node:
            reference = str(node["$ref"])
            target = self._document
            for raw in reference.lstrip("#/").split("/"):
                target = target[_unescape(raw)]
            node, level = target, _level_of(target, level)
        return node, level


def _quoted_level(text: str, quote: str, inherited: str) -> str:
    """The provenance of the bullet (or sentence) holding ``quote``; see the module docstring."""
    items = re.split(r" - |(?<=[.:]) (?=[A-Z`])", text)
    at = text.index(quote)
    offset = 0
    for item in items:
        start = text.index(item, offset)
        offset = start + len(item)
        if start <= at < offset or (start <= at and quote in item):
            marker = _BRACKET.search(item)
            if marker:
                return marker.group(1).lower()
            break
    rules = _RULES_SENTENCE.search(text)
    return rules.group(1).lower() if rules else inherited


def _level_of(node: Any, inherited: str) -> str:
    if isinstance(node, dict) and node.get("x-provenance") in PROVENANCE_LEVELS:
        return str(node["x-provenance"])
    return inherited
