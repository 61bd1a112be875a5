"""Which documented statuses and ``x-`` rules of a contract the scenarios exercise.

A scenario covers an operation's status when it reads a response of that status as documented
(:meth:`Context.expect_documented`), and an ``x-`` rule (``x-permission``, ``x-refusable-with``)
when one of its assertions rests on it (or, for ``x-refusable-with``, which only the schema
layer exercises, always: the schema layer sends what the rule allows). The table is generated
into docs/conformance.md; a test fails when a documented status or rule has no scenario.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from invoice_contracts.oas import escape_pointer, iter_operations, resolve_refs

from .citations import QUOTE

__all__ = ["NOT_A_RULE", "Coverage", "Statement", "markdown", "statements", "uncovered"]

# Statuses that state no rule a scenario could provoke: a server fault.
NOT_A_RULE = frozenset({"500", "502", "503", "default"})
SCHEMA_LAYER = "schema layer (positive_data_acceptance)"
SHOWN = 3  # scenarios named per row (a list read by every scenario would drown the table)


@dataclass(frozen=True)
class Statement:
    """A documented status (``kind`` "status") or ``x-`` rule of one operation."""

    operation_id: str
    kind: str
    value: str
    pointer: str


@dataclass
class Coverage:
    """Scenario name → the (operationId, status) pairs it read and the statements it rested on."""

    statuses: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    rests_on: dict[str, set[str]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, source: str, statuses: Iterable[tuple[str, str]], rests_on: Iterable[str]) -> None:
        self.sources[name] = source
        self.statuses.setdefault(name, set()).update(statuses)
        self.rests_on.setdefault(name, set()).update(r.partition(QUOTE)[0] for r in rests_on)

    def scenarios_for(self, statement: Statement) -> list[str]:
        if statement.kind == "x-refusable-with":
            return [SCHEMA_LAYER]
        if statement.kind == "status":
            return sorted(n for n, seen in self.statuses.items() if (statement.operation_id, statement.value) in seen)
        return sorted(n for n, cited in self.rests_on.items() if statement.pointer in cited)


def statements(contract: Mapping[str, object]) -> list[Statement]:
    """Every documented status and every ``x-permission`` / ``x-refusable-with`` of every operation."""
    found: list[Statement] = []
    for entry in iter_operations(resolve_refs(dict(contract))):
        operation_id = str(entry.operation["operationId"])
        pointer = f"#/paths/{escape_pointer(entry.path)}/{entry.method}"
        for status in entry.operation.get("responses", {}):
            found.append(Statement(operation_id, "status", str(status), f"{pointer}/responses/{status}"))
        if "x-permission" in entry.operation:
            found.append(
                Statement(operation_id, "x-permission", str(entry.operation["x-permission"]), f"{pointer}/x-permission")
            )
        for parameter in entry.parameters:
            if "x-refusable-with" in parameter:
                found.append(
                    Statement(
                        operation_id,
                        "x-refusable-with",
                        f"{parameter['name']}: {parameter['x-refusable-with']}",
                        pointer,
                    )
                )
    return found


def _excused(statement: Statement, not_exercised: Mapping[tuple[str, str], str]) -> str | None:
    if statement.kind == "status" and statement.value in NOT_A_RULE:
        return "a server fault, no rule to provoke"
    return not_exercised.get((statement.operation_id, statement.value)) if statement.kind == "status" else None


def uncovered(
    contract: Mapping[str, object], coverage: Coverage, not_exercised: Mapping[tuple[str, str], str]
) -> list[Statement]:
    """Documented statuses and rules that no scenario exercises and no stated reason excuses."""
    return [s for s in statements(contract) if _excused(s, not_exercised) is None and not coverage.scenarios_for(s)]


def markdown(
    api: str, contract: Mapping[str, object], coverage: Coverage, not_exercised: Mapping[tuple[str, str], str]
) -> str:
    rows = ["| operation | status or rule | scenarios | source |", "|---|---|---|---|"]
    for statement in statements(contract):
        names = coverage.scenarios_for(statement)
        reason = _excused(statement, not_exercised)
        if reason is not None and not names:
            names, source = [f"(not exercised: {reason})"], ""
        else:
            names = sorted(names, key=len)[:SHOWN] + ([f"and {len(names) - SHOWN} more"] if len(names) > SHOWN else [])
            source = "; ".join(dict.fromkeys(coverage.sources[n] for n in names if n in coverage.sources))
        what = statement.value if statement.kind == "status" else f"`{statement.kind}` {statement.value}"
        rows.append(f"| `{statement.operation_id}` | {what} | {'<br>'.join(names) or '**none**'} | {source} |")
    return f"#### {api}\n\n" + "\n".join(rows) + "\n"
