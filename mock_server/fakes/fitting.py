"""Whether a value fits a schema of a contract: the check the fake-data walker needs.

A document's own values (a schema's ``example`` or ``default``) are often wrong: ``"1"`` for an
integer, ``{"gb": 10}`` where ``10`` matches two ``oneOf`` branches. The walker uses such a value
only when it validates, and a value it generated for a ``oneOf`` only when it matches one branch.
Validators are built with :func:`invoice_contracts.oas.schema_validator` (the document's
``components`` attached when the schema holds a ``$ref``) once per schema object, and each answer
is kept per schema object: Stripe has thousands of schemas, asked about on every request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from referencing.exceptions import Unresolvable

from invoice_contracts.oas import schema_validator

__all__ = ["Fitting", "fitting_for"]

_CHECKS = (Unresolvable, RecursionError, LookupError, TypeError, ValueError)
_KEPT = 8
# Schemas made on the fly (a 3.1 ``$ref`` with siblings, an overlay) are new objects each time:
# past this many entries a cache starts again rather than keep them all alive.
_LIMIT = 50_000


def _has_ref(node: Any) -> bool:
    stack = [node]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, Mapping):
            if "$ref" in item:
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class Fitting:
    """Validity checks against one document's schemas, each validator built once.

    Kept by the caller for as long as the document lives (one per contract); keyed by the
    identity of schema objects, which the loaded document and its resolved views share."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self._spec = spec
        self._version = "3.1" if str(spec.get("openapi", "")).startswith("3.1") else "3.0"
        self._validators: dict[int, tuple[Mapping[str, Any], Any]] = {}
        self._own: dict[tuple[int, str], tuple[Mapping[str, Any], bool]] = {}

    def _validator(self, schema: Mapping[str, Any]) -> Any:
        entry = self._validators.get(id(schema))
        if entry is None or entry[0] is not schema:
            plain = {key: value for key, value in schema.items() if key not in ("example", "default")}
            components = self._spec.get("components") if _has_ref(plain) else None
            entry = (schema, schema_validator(plain, self._version, components=components))
            if len(self._validators) >= _LIMIT:
                self._validators.clear()
            self._validators[id(schema)] = entry
        return entry[1]

    def fits(self, schema: Mapping[str, Any], value: Any) -> bool:
        """Whether ``value`` is valid against ``schema`` (a schema that cannot be checked, one
        with an unresolvable ``$ref``, accepts it)."""
        try:
            return bool(self._validator(schema).is_valid(value))
        except _CHECKS:
            return True

    def own(self, schema: Mapping[str, Any], keyword: str) -> bool:
        """Whether ``schema``'s own ``keyword`` value (``example`` or ``default``) is valid against it."""
        key = (id(schema), keyword)
        entry = self._own.get(key)
        if entry is None or entry[0] is not schema:
            entry = (schema, keyword in schema and self.fits(schema, schema[keyword]))
            if len(self._own) >= _LIMIT:
                self._own.clear()
            self._own[key] = entry
        return entry[1]

    def branches_matched(self, branches: list[Any], value: Any) -> int:
        """How many of a ``oneOf``'s ``branches`` ``value`` is valid against."""
        return sum(1 for branch in branches if isinstance(branch, Mapping) and self.fits(branch, value))


_BY_DOCUMENT: dict[int, tuple[Mapping[str, Any], Fitting]] = {}


def fitting_for(spec: Mapping[str, Any]) -> Fitting:
    """The :class:`Fitting` of ``spec``, shared by every faker made for it (one per request)."""
    entry = _BY_DOCUMENT.get(id(spec))
    if entry is None or entry[0] is not spec:
        if len(_BY_DOCUMENT) >= _KEPT:
            _BY_DOCUMENT.pop(next(iter(_BY_DOCUMENT)))
        entry = (spec, Fitting(spec))
        _BY_DOCUMENT[id(spec)] = entry
    return entry[1]
