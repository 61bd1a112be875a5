"""The invariant layer: generate every invariant the contract supports, run each, report each.

An invariant that does not apply to an operation is not generated; one that applies but whose
precondition the target cannot meet is reported skipped, with the reason. Invariants come in
families (:data:`FAMILIES`); ``conformance run --without FAMILY`` leaves one out.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import replace

import httpx

from ..report import Result
from ..scenarios import Context, RunOptions, Scenario
from ..scenarios.base import run_scenario
from ..targets import Target
from .filters import filter_invariants
from .lists import list_invariants
from .observed.actions import action_invariants
from .observed.clock import clock_invariants
from .observed.derived import derivation_invariants
from .observed.edges import edge_invariants
from .observed.follow import follow_invariants
from .observed.read_paths import read_path_invariants
from .session import Session
from .sorts import sort_invariants
from .tenants import tenant_invariants
from .write_read import write_read_invariants

__all__ = ["FAMILIES", "generate", "run_invariants"]

# In the order they run: reads, then the checks that write, then those that read every
# response the run received (the scenarios' and the invariants' own).
FAMILIES: dict[str, Callable[[Session], list[Scenario]]] = {
    "lists": list_invariants,
    "filters": filter_invariants,
    "sorts": sort_invariants,
    "tenants": tenant_invariants,
    "write-read": write_read_invariants,
    "edges": edge_invariants,
    "actions": action_invariants,
    "links": follow_invariants,
    "derivations": derivation_invariants,
    "read-paths": read_path_invariants,
    "time": clock_invariants,
}


def generate(session: Session, without: frozenset[str] = frozenset()) -> list[Scenario]:
    return [scenario for name, family in FAMILIES.items() if name not in without for scenario in family(session)]


def run_invariants(target: Target, client: httpx.Client, options: RunOptions) -> Iterator[Result]:
    """Each invariant's result; in a read-only run those that write are skipped, with the reason."""
    session = Session(target)
    prototype = Context(target, client, options)  # resolving the contract once, not once per invariant
    for invariant in generate(session, options.without):
        context = copy.copy(prototype)
        context.exchanges = []
        context.citations = {}
        yield replace(run_scenario(invariant, target, client, options, context), layer="invariant")
