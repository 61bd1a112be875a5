"""The invariant layer: generate every invariant the contract supports, run each, report each.

An invariant that does not apply to an operation is not generated; one that applies but whose
precondition the target cannot meet is reported skipped, with the reason.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import replace

import httpx

from ..report import Result
from ..scenarios import Context, RunOptions, Scenario
from ..scenarios.base import run_scenario
from ..targets import Target
from .filters import filter_invariants
from .lists import list_invariants
from .session import Session
from .sorts import sort_invariants
from .tenants import tenant_invariants
from .write_read import write_read_invariants

__all__ = ["generate", "run_invariants"]


def generate(session: Session) -> list[Scenario]:
    """Reads first (lists), then the checks that write."""
    return [
        *list_invariants(session),
        *filter_invariants(session),
        *sort_invariants(session),
        *tenant_invariants(session),
        *write_read_invariants(session),
    ]


def run_invariants(target: Target, client: httpx.Client, options: RunOptions) -> Iterator[Result]:
    """Each invariant's result; in a read-only run those that write are skipped, with the reason."""
    session = Session(target)
    prototype = Context(target, client, options)  # resolving the contract once, not once per invariant
    for invariant in generate(session):
        context = copy.copy(prototype)
        context.exchanges = []
        yield replace(run_scenario(invariant, target, client, options, context), layer="invariant")
