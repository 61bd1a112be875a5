"""One string that matches a regular expression, for a schema's ``pattern``.

The walker first tries a few realistic candidates (``"100.00"``, ``"EUR"``...); a pattern none
of them matches (``^/v1/files``, ``^in_[a-z0-9]+$``) gets the shortest string read off the
expression's parse tree: literals as written, a class's first member, each repetition its
minimum, the first alternative of a group. Python's own parser
(``re._parser``) reads the expression, so anything ``re`` accepts is understood; the result is
checked with ``re.search`` and ``None`` returned when the construction fails (a lookahead, a
back-reference), the caller then keeping its old fallback.
"""

from __future__ import annotations

import re
from re import _parser as parser  # type: ignore[attr-defined]
from typing import Any

__all__ = ["string_matching"]

_CATEGORIES = {"CATEGORY_DIGIT": "0", "CATEGORY_WORD": "a", "CATEGORY_SPACE": " "}
_NOT_CATEGORIES = {"CATEGORY_NOT_DIGIT": "a", "CATEGORY_NOT_WORD": "-", "CATEGORY_NOT_SPACE": "a"}


class _Unsupported(Exception):
    pass


def _member(items: list[tuple[Any, Any]]) -> str:
    """A character of a ``[...]`` class."""
    if items and str(items[0][0]) == "NEGATE":
        excluded = _text(items[1:], negated=True)
        return next(c for c in "a0A_-x" if c not in excluded)
    op, value = items[0]
    name = str(op)
    if name == "LITERAL":
        return chr(value)
    if name == "RANGE":
        return chr(value[0])
    if name == "CATEGORY":
        return _CATEGORIES.get(str(value)) or _NOT_CATEGORIES.get(str(value)) or "a"
    raise _Unsupported(name)


def _text(tokens: Any, *, negated: bool = False) -> str:
    if negated:  # the members of a negated class, roughly: the literals and ranges' ends
        return "".join(chr(v) if str(op) == "LITERAL" else "" for op, v in tokens)
    out: list[str] = []
    for op, value in tokens:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(value))
        elif name == "NOT_LITERAL":
            out.append("a" if value != ord("a") else "b")
        elif name == "ANY":
            out.append("a")
        elif name == "IN":
            out.append(_member(list(value)))
        elif name == "AT":
            continue
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _, sub = value
            out.append(_text(sub) * max(int(low), 0))
        elif name == "SUBPATTERN":
            out.append(_text(value[-1]))
        elif name == "ATOMIC_GROUP":
            out.append(_text(value))
        elif name == "BRANCH":
            out.append(_text(value[1][0]))
        elif name == "CATEGORY":
            out.append(_CATEGORIES.get(str(value), "a"))
        else:
            raise _Unsupported(name)
    return "".join(out)


def string_matching(pattern: str) -> str | None:
    """A short string ``re.search(pattern, …)`` finds, or ``None``."""
    try:
        candidate = _text(parser.parse(pattern))
        return candidate if re.search(pattern, candidate) else None
    except (_Unsupported, re.error, StopIteration, TypeError, ValueError, IndexError):
        return None
