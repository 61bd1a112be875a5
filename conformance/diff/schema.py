"""The directional comparison of two schemas: structure (properties, required, readOnly/writeOnly,
items, additionalProperties, oneOf/anyOf members, discriminator) here, keywords in :mod:`.constraints`.

``allOf`` parts are merged first, so a change moved between a schema and its ``allOf`` compares
by meaning. ``oneOf``/``anyOf`` members are matched by content (then by type, then by position);
a plain schema on one side counts as a one-member list, so ``boolean`` → ``oneOf [boolean,
string]`` is a member added.
"""

from __future__ import annotations

import json
from typing import Any

from invoice_contracts.oas import escape_pointer

from .constraints import REQUEST, Report, compare_constraints, type_changed
from .keywords31 import compare_31, same_meaning_31
from .lifecycle import Lifecycle

__all__ = ["SchemaDiff"]

_MAX_DEPTH = 25
_NOTES = {"description", "title", "example", "examples", "externalDocs", "deprecated", "xml"}


def _flatten(schema: Any) -> dict[str, Any]:
    """Merge ``allOf`` parts into one schema and ``const`` into ``enum``."""
    if not isinstance(schema, dict):
        return {}
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    if "const" in merged:
        merged["enum"] = [merged.pop("const")]
    if "allOf" not in schema:
        return merged
    properties: dict[str, Any] = dict(merged.get("properties", {}))
    required: list[str] = list(merged.get("required", []))
    for part in schema["allOf"]:
        for key, value in _flatten(part).items():
            if key == "properties":
                properties.update(value)
            elif key == "required":
                required.extend(value)
            else:
                merged.setdefault(key, value)
    if properties:
        merged["properties"] = properties
    if required:
        merged["required"] = sorted(set(required))
    return merged


def _meaning(schema: Any) -> str:
    """A schema's canonical form without annotations, to match composition members."""

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k not in _NOTES and not k.startswith("x-")}
        if isinstance(node, list):
            return [strip(item) for item in node]
        return node

    return json.dumps(strip(schema), sort_keys=True, default=str)


def _field(pointer: str) -> str:
    """The value a pointer names below its schema, for messages: ``lines[].net.amount`` (empty at the root)."""
    tokens = iter(pointer.rpartition("/schema")[2].split("/")[1:])
    field = ""
    for token in tokens:
        if token == "properties":
            field += "." + next(tokens, "").replace("~1", "/").replace("~0", "~")
        elif token == "items":
            field += "[]"
        elif token == "additionalProperties":
            field += "{*}"
        elif token in ("oneOf", "anyOf"):
            field += f"|{token}[{next(tokens, '')}]"
    return field.lstrip(".")


def _members(schema: dict[str, Any]) -> tuple[str, list[Any]] | None:
    for keyword in ("oneOf", "anyOf"):
        if isinstance(schema.get(keyword), list):
            return keyword, schema[keyword]
    return None


def _wrap(plain: dict[str, Any], composed: dict[str, Any], keyword: str) -> dict[str, Any]:
    """``plain`` as a one-member composition shaped like ``composed`` (shared top-level keys stay on top)."""
    top = {k: v for k, v in plain.items() if k in composed}
    return {**top, keyword: [{k: v for k, v in plain.items() if k not in composed}]}


def _pairs(old: list[Any], new: list[Any]) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Match members: same meaning, then same type, then position. Returns pairs, removed, added."""
    left, right = list(range(len(old))), list(range(len(new)))
    pairs: list[tuple[int, int]] = []
    for same in (
        lambda a, b: _meaning(old[a]) == _meaning(new[b]),
        lambda a, b: isinstance(old[a], dict) and isinstance(new[b], dict) and old[a].get("type") == new[b].get("type"),
        lambda a, b: True,
    ):
        for a in list(left):
            match = next((b for b in right if same(a, b)), None)
            if match is not None:
                pairs.append((a, match))
                left.remove(a)
                right.remove(match)
        if not left or not right:
            break
    return pairs, left, right


class SchemaDiff:
    """Compares schemas of one operation in one direction (``request`` or ``response``).

    ``lifecycle`` judges properties' deprecation and stability (:mod:`.lifecycle`); ``loose`` is
    set for a media type that is not JSON, where any value may also be read as a string.
    """

    def __init__(self, direction: str, report: Report, lifecycle: Lifecycle | None = None, loose: bool = False) -> None:
        self.direction, self.report, self.lifecycle, self.loose = direction, report, lifecycle, loose

    def compare(self, old: Any, new: Any, pointer: str, depth: int = 0) -> None:
        if depth > _MAX_DEPTH or not isinstance(old, dict) or not isinstance(new, dict):
            return
        old, new = same_meaning_31(old), same_meaning_31(new)
        self._all_of_parts(old, new, pointer)
        old, new = _flatten(old), _flatten(new)
        old_members, new_members = _members(old), _members(new)
        if old_members or new_members:
            if old_members and not new_members:
                new = _wrap(new, old, old_members[0])
            elif new_members and not old_members:
                self._wrapped(new_members, pointer)
                old = _wrap(old, new, new_members[0])
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
        _, _, added = _pairs(old["allOf"], new["allOf"])
        for b in added:
            self.report(
                "request-all-of-part-added", f"{pointer}/allOf/{b}", f"allOf part {_meaning(new['allOf'][b])} added"
            )

    def _wrapped(self, members: tuple[str, list[Any]], pointer: str) -> None:
        """A request schema that becomes a ``oneOf`` of several members refuses a value two of them match."""
        keyword, listed = members
        if self.direction == REQUEST and keyword == "oneOf" and len(listed) > 1:
            message = f"wrapped in a oneOf of {len(listed)} members (a value matching two is refused)"
            self._labelled("request-wrapped-in-one-of", f"{pointer}/oneOf", message)

    def _labelled(self, rule: str, pointer: str, message: str) -> None:
        field = _field(pointer)
        self.report(rule, pointer, f"{field}: {message}" if field else message)

    def _composition(self, old: dict[str, Any], new: dict[str, Any], pointer: str, depth: int) -> None:
        old_keyword, old_list = _members(old) or ("oneOf", [])
        new_keyword, new_list = _members(new) or ("oneOf", [])
        pairs, removed, added = _pairs(old_list, new_list)
        for a, b in pairs:
            self.compare(old_list[a], new_list[b], f"{pointer}/{new_keyword}/{b}", depth + 1)
        request = self.direction == REQUEST
        for a in removed:
            rule = "request-composition-member-removed" if request else "response-composition-member-removed"
            self.report(rule, f"{pointer}/{old_keyword}", f"{old_keyword} member {_meaning(old_list[a])} removed")
        known = {_meaning(member) for member in old_list}
        for b in added:
            if not request and _meaning(new_list[b]) in known:
                continue  # the same schema again accepts no value the list did not
            rule = "request-composition-member-added" if request else "response-composition-member-added"
            self.report(rule, f"{pointer}/{new_keyword}/{b}", f"{new_keyword} member {_meaning(new_list[b])} added")

    def _discriminator(self, old: dict[str, Any], new: dict[str, Any], pointer: str) -> None:
        before, after = old.get("discriminator"), new.get("discriminator")
        if not isinstance(before, dict) or not isinstance(after, dict):
            if bool(before) != bool(after):
                self.report("discriminator-changed", f"{pointer}/discriminator", "discriminator added or removed")
            return
        if before.get("propertyName") != after.get("propertyName"):
            message = f"propertyName {before.get('propertyName')} → {after.get('propertyName')}"
            self.report("discriminator-changed", f"{pointer}/discriminator", message)
        old_map, new_map = before.get("mapping") or {}, after.get("mapping") or {}
        for key in sorted(set(old_map) & set(new_map)):
            if old_map[key] != new_map[key]:
                message = f"mapping {key}: {old_map[key]} → {new_map[key]}"
                self.report("discriminator-changed", f"{pointer}/discriminator/mapping", message)
        if self.direction == REQUEST and set(old_map) - set(new_map):
            gone = ", ".join(sorted(set(old_map) - set(new_map)))
            self.report(
                "request-discriminator-mapping-removed",
                f"{pointer}/discriminator/mapping",
                f"no longer accepted: {gone}",
            )
        if self.direction != REQUEST and set(new_map) - set(old_map):
            new_keys = ", ".join(sorted(set(new_map) - set(old_map)))
            self.report(
                "response-discriminator-mapping-added",
                f"{pointer}/discriminator/mapping",
                f"may now be returned: {new_keys}",
            )

    def _visible(self, schema: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
        """The properties and required names this direction sees: requests skip readOnly, responses writeOnly."""
        hidden = "readOnly" if self.direction == REQUEST else "writeOnly"
        properties = {
            n: s for n, s in (schema.get("properties") or {}).items() if not (isinstance(s, dict) and s.get(hidden))
        }
        return properties, set(schema.get("required", [])) & set(properties)

    def _properties(self, old: dict[str, Any], new: dict[str, Any], pointer: str, depth: int) -> None:
        old_props, old_required = self._visible(old)
        new_props, new_required = self._visible(new)
        all_new = new.get("properties") or {}
        request = self.direction == REQUEST
        for name in sorted(set(old_props) | set(new_props)):
            where = f"{pointer}/properties/{escape_pointer(name)}"
            if name not in new_props and name in all_new:
                rule = "request-property-became-read-only" if request else "response-property-became-write-only"
                self.report(rule, where, f"property {name} is now {'readOnly' if request else 'writeOnly'}")
            elif name not in new_props:
                self.report(f"{self.direction}-property-removed", where, f"property {name} removed")
            elif name not in old_props:
                if request and name in new_required:
                    self.report("request-property-required-added", where, f"property {name} added as required")
                else:
                    self.report(f"{self.direction}-property-added", where, f"property {name} added")
            else:
                self._required(name, name in old_required, name in new_required, where)
                self._lifecycle(old_props[name], new_props[name], where, name)
                self.compare(old_props[name], new_props[name], where, depth + 1)

    def _lifecycle(self, old: Any, new: Any, where: str, name: str) -> None:
        if self.lifecycle is None or not isinstance(old, dict) or not isinstance(new, dict):
            return
        old, new = _flatten(old), _flatten(new)
        subject = f"{self.direction} property {_field(where) or name}"
        self.lifecycle.stability_change(self.report, old, new, where, subject)
        self.lifecycle.deprecation(
            self.report, old, new, where, subject, ("property-deprecated", "property-reactivated")
        )

    def _required(self, name: str, before: bool, after: bool, where: str) -> None:
        if before == after:
            return
        if self.direction == REQUEST:
            rule = "request-property-became-required" if after else "request-property-became-optional"
        else:
            rule = "response-property-became-required" if after else "response-property-became-optional"
        self.report(rule, where, f"property {name} is now {'required' if after else 'optional'}")

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
        self.report(rule, where, message)
