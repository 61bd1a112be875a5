"""The directional comparison of two schemas: structure (properties, required, readOnly/writeOnly,
items, additionalProperties, oneOf/anyOf members, discriminator) here, keywords in :mod:`.constraints`
and :mod:`.keywords31`.

``allOf`` parts are merged first, so a change moved between a schema and its ``allOf`` compares
by meaning. ``oneOf``/``anyOf`` members are matched by content (then by type, then by position);
a plain schema on one side counts as a one-member list, so ``boolean`` → ``oneOf [boolean,
string]`` is a member added.

``$ref``s are followed as they are met (:mod:`.refs`), so a shared component is the same object at
every use: each pair of objects is compared once per diff, and what it found is replayed, with its
pointers, at every other place the pair is met. A pair met again inside itself (a recursive
schema) is not compared twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from invoice_contracts.oas import escape_pointer

from .constraints import REQUEST, Report, compare_constraints, type_changed
from .keywords31 import compare_31, same_meaning_31
from .refs import Resolver
from .shapes import field, flatten, members, pairs, wrap

if TYPE_CHECKING:
    from ..changes import Changes

__all__ = ["SchemaDiff"]

_MAX_DEPTH = 60
_NOTES = frozenset({"description", "title", "example", "examples", "externalDocs", "deprecated", "xml"})
Entry = tuple[str, str, str, bool]  # rule, pointer below the compared pair, message, whether it is labelled


class SchemaDiff:
    """Compares schemas of one operation in one direction (``request`` or ``response``).

    ``lifecycle`` judges properties' deprecation and stability (:mod:`.lifecycle`); ``loose`` is
    set for a media type that is not JSON, where any value may also be read as a string.
    """

    def __init__(self, direction: str, report: Report, changes: Changes | None = None, loose: bool = False) -> None:
        self.direction, self.report, self.loose = direction, report, loose
        self.lifecycle = changes.lifecycle if changes is not None else None
        self.refs = changes.refs if changes is not None else (Resolver({}), Resolver({}))
        self.memo: dict[tuple[Any, ...], tuple[Any, Any, list[Entry]]] = changes.memo if changes is not None else {}
        self._recording: list[tuple[str, list[Entry]]] = []
        self._active: set[tuple[int, int]] = set()

    def compare(self, old: Any, new: Any, pointer: str, depth: int = 0) -> None:
        old, new = self.refs[0](old), self.refs[1](new)
        if depth > _MAX_DEPTH or not isinstance(old, dict) or not isinstance(new, dict):
            return
        stability = self.lifecycle.stability if self.lifecycle is not None else None
        key = (id(old), id(new), self.direction, self.loose, stability)
        if key in self.memo:
            for rule, below, message, labelled in self.memo[key][2]:
                self._emit(rule, pointer + below, message, labelled)
            return
        if key[:2] in self._active:
            return
        entries: list[Entry] = []
        self._active.add(key[:2])
        self._recording.append((pointer, entries))
        try:
            self._compare(old, new, pointer, depth)
        finally:
            self._recording.pop()
            self._active.discard(key[:2])
        self.memo[key] = (old, new, entries)  # the objects are kept, so their ids stay theirs

    def _emit(self, rule: str, pointer: str, message: str, labelled: bool) -> None:
        for base, entries in self._recording:
            entries.append((rule, pointer[len(base) :], message, labelled))
        name = field(pointer) if labelled else ""
        self.report(rule, pointer, f"{name}: {message}" if name else message)

    def _raw(self, rule: str, pointer: str, message: str) -> None:
        self._emit(rule, pointer, message, False)

    def _labelled(self, rule: str, pointer: str, message: str) -> None:
        self._emit(rule, pointer, message, True)

    def _meaning(self, side: int, schema: Any, depth: int = 6) -> str:
        return self.refs[side].canonical(schema, depth, _NOTES)

    def _compare(self, old: dict[str, Any], new: dict[str, Any], pointer: str, depth: int) -> None:
        old, new = same_meaning_31(old), same_meaning_31(new)
        self._all_of_parts(old, new, pointer)
        old, new = flatten(old, self.refs[0]), flatten(new, self.refs[1])
        old_members, new_members = members(old), members(new)
        if old_members or new_members:
            if old_members and not new_members:
                new = wrap(new, old, old_members[0])
            elif new_members and not old_members:
                self._wrapped(new_members, pointer)
                old = wrap(old, new, new_members[0])
            self._composition(old, new, pointer, depth)
        elif type_changed(old, new, pointer, self.direction, self._labelled, self.loose):
            return
        compare_constraints(old, new, pointer, self.direction, self._labelled)
        compare_31(old, new, pointer, self.direction, self._labelled, self.compare, depth)
        self._discriminator(old, new, pointer)
        self._properties(old, new, pointer, depth)
        self._additional(old, new, pointer, depth)
        if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
            self.compare(old["items"], new["items"], f"{pointer}/items", depth + 1)

    def _all_of_parts(self, old: dict[str, Any], new: dict[str, Any], pointer: str) -> None:
        """A request must satisfy every ``allOf`` part: a part added to a list is a new constraint."""
        if (
            self.direction != REQUEST
            or not isinstance(old.get("allOf"), list)
            or not isinstance(new.get("allOf"), list)
        ):
            return
        _, _, added = self._pairs(old["allOf"], new["allOf"])
        for b in added:
            part = self._meaning(1, new["allOf"][b], 2)
            self._raw("request-all-of-part-added", f"{pointer}/allOf/{b}", f"allOf part {part} added")

    def _pairs(self, old: list[Any], new: list[Any]) -> tuple[list[tuple[int, int]], list[int], list[int]]:
        meaning = (lambda m: self._meaning(0, m), lambda m: self._meaning(1, m))
        return pairs(old, new, meaning, self.refs)

    def _wrapped(self, members: tuple[str, list[Any]], pointer: str) -> None:
        """A request schema that becomes a ``oneOf`` of several members refuses a value two of them match."""
        keyword, listed = members
        if self.direction == REQUEST and keyword == "oneOf" and len(listed) > 1:
            message = f"wrapped in a oneOf of {len(listed)} members (a value matching two is refused)"
            self._labelled("request-wrapped-in-one-of", f"{pointer}/oneOf", message)

    def _composition(self, old: dict[str, Any], new: dict[str, Any], pointer: str, depth: int) -> None:
        old_keyword, old_list = members(old) or ("oneOf", [])
        new_keyword, new_list = members(new) or ("oneOf", [])
        matched, removed, added = self._pairs(old_list, new_list)
        for a, b in matched:
            self.compare(old_list[a], new_list[b], f"{pointer}/{new_keyword}/{b}", depth + 1)
        request = self.direction == REQUEST
        for a in removed:
            rule = "request-composition-member-removed" if request else "response-composition-member-removed"
            member = self._meaning(0, old_list[a], 2)
            self._raw(rule, f"{pointer}/{old_keyword}", f"{old_keyword} member {member} removed")
        known = {self._meaning(0, member) for member in old_list}
        for b in added:
            if not request and self._meaning(1, new_list[b]) in known:
                continue  # the same schema again accepts no value the list did not
            rule = "request-composition-member-added" if request else "response-composition-member-added"
            member = self._meaning(1, new_list[b], 2)
            self._raw(rule, f"{pointer}/{new_keyword}/{b}", f"{new_keyword} member {member} added")

    def _discriminator(self, old: dict[str, Any], new: dict[str, Any], pointer: str) -> None:
        before, after = old.get("discriminator"), new.get("discriminator")
        if not isinstance(before, dict) or not isinstance(after, dict):
            if bool(before) != bool(after):
                self._raw("discriminator-changed", f"{pointer}/discriminator", "discriminator added or removed")
            return
        if before.get("propertyName") != after.get("propertyName"):
            message = f"propertyName {before.get('propertyName')} → {after.get('propertyName')}"
            self._raw("discriminator-changed", f"{pointer}/discriminator", message)
        old_map, new_map = before.get("mapping") or {}, after.get("mapping") or {}
        for key in sorted(set(old_map) & set(new_map)):
            if old_map[key] != new_map[key]:
                message = f"mapping {key}: {old_map[key]} → {new_map[key]}"
                self._raw("discriminator-changed", f"{pointer}/discriminator/mapping", message)
        if self.direction == REQUEST and set(old_map) - set(new_map):
            gone = ", ".join(sorted(set(old_map) - set(new_map)))
            self._raw(
                "request-discriminator-mapping-removed",
                f"{pointer}/discriminator/mapping",
                f"no longer accepted: {gone}",
            )
        if self.direction != REQUEST and set(new_map) - set(old_map):
            new_keys = ", ".join(sorted(set(new_map) - set(old_map)))
            self._raw(
                "response-discriminator-mapping-added",
                f"{pointer}/discriminator/mapping",
                f"may now be returned: {new_keys}",
            )

    def _visible(self, schema: dict[str, Any], side: int) -> tuple[dict[str, Any], set[str]]:
        """The properties and required names this direction sees: requests skip readOnly, responses writeOnly."""
        hidden = "readOnly" if self.direction == REQUEST else "writeOnly"
        properties = {}
        for name, raw in (schema.get("properties") or {}).items():
            flat = flatten(raw, self.refs[side])
            if not flat.get(hidden):
                properties[name] = raw
        required = schema.get("required")
        return properties, set(required if isinstance(required, list) else []) & set(properties)

    def _properties(self, old: dict[str, Any], new: dict[str, Any], pointer: str, depth: int) -> None:
        old_props, old_required = self._visible(old, 0)
        new_props, new_required = self._visible(new, 1)
        all_new = new.get("properties") or {}
        request = self.direction == REQUEST
        for name in sorted(set(old_props) | set(new_props)):
            where = f"{pointer}/properties/{escape_pointer(name)}"
            if name not in new_props and name in all_new:
                rule = "request-property-became-read-only" if request else "response-property-became-write-only"
                self._raw(rule, where, f"property {name} is now {'readOnly' if request else 'writeOnly'}")
            elif name not in new_props:
                self._raw(f"{self.direction}-property-removed", where, f"property {name} removed")
            elif name not in old_props:
                if request and name in new_required:
                    self._raw("request-property-required-added", where, f"property {name} added as required")
                else:
                    self._raw(f"{self.direction}-property-added", where, f"property {name} added")
            else:
                self._required(name, name in old_required, name in new_required, where)
                self._lifecycle(old_props[name], new_props[name], where, name)
                self.compare(old_props[name], new_props[name], where, depth + 1)

    def _lifecycle(self, old: Any, new: Any, where: str, name: str) -> None:
        if self.lifecycle is None:
            return
        old, new = flatten(old, self.refs[0]), flatten(new, self.refs[1])
        subject = f"{self.direction} property {field(where) or name}"
        self.lifecycle.stability_change(self._raw, old, new, where, subject)
        self.lifecycle.deprecation(self._raw, old, new, where, subject, ("property-deprecated", "property-reactivated"))

    def _required(self, name: str, before: bool, after: bool, where: str) -> None:
        if before == after:
            return
        if self.direction == REQUEST:
            rule = "request-property-became-required" if after else "request-property-became-optional"
        else:
            rule = "response-property-became-required" if after else "response-property-became-optional"
        self._raw(rule, where, f"property {name} is now {'required' if after else 'optional'}")

    def _additional(self, old: dict[str, Any], new: dict[str, Any], pointer: str, depth: int) -> None:
        before, after = old.get("additionalProperties", True), new.get("additionalProperties", True)
        where = f"{pointer}/additionalProperties"
        if isinstance(before, dict) and isinstance(after, dict):
            self.compare(before, after, where, depth + 1)
            return
        rank = {True: 2, False: 0}  # a schema ranks between "anything" and "nothing"
        old_rank = rank.get(before, 1) if not isinstance(before, dict) else 1
        new_rank = rank.get(after, 1) if not isinstance(after, dict) else 1
        if old_rank == new_rank:
            return
        label = {0: "false", 1: "a schema", 2: "true"}
        message = f"additionalProperties {label[old_rank]} → {label[new_rank]}"
        if self.direction == REQUEST:
            rule = "request-additional-properties-narrowed" if new_rank < old_rank else "request-constraint-relaxed"
        else:
            rule = "response-additional-properties-widened" if new_rank > old_rank else "response-constraint-tightened"
        self._raw(rule, where, message)
