"""One conformance run: discovery, the scenario layer, the schema layer, then the reports."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from .invariants import run_invariants
from .profiles import Profile
from .report import Report, Result, Status
from .scenarios import Context, RunOptions, ScenarioFailure, SchemaTuning, Skip, find_pack
from .scenarios.base import run_scenario
from .schema.layer import run_schema_layer
from .targets import Target, TargetError

__all__ = ["LAYERS", "check_reachable", "run"]

LAYERS = ("scenarios", "invariants", "schema")


def check_reachable(target: Target) -> None:
    """Any HTTP answer will do; no answer at all is a usage problem (exit 2), not a violation."""
    try:
        httpx.get(target.base_url, timeout=10)
    except httpx.HTTPError as exc:
        raise TargetError(f"cannot reach {target.base_url}: {exc.__class__.__name__}: {exc}") from exc


def _print_live(result: Result) -> None:
    first_line = result.message.splitlines()[0] if result.message else ""
    note = f": {first_line}" if result.status is not Status.PASS and first_line else ""
    print(
        f"  {result.status.value.upper():<4} {result.layer}: {result.name} ({result.seconds:.2f} s){note}", flush=True
    )


def run(
    target: Target,
    profile: Profile,
    *,
    seed: int,
    report_dir: Path,
    layers: tuple[str, ...] = LAYERS,
    quiet: bool = False,
    strict_assumptions: bool = False,
    read_only: bool = False,
    without: frozenset[str] = frozenset(),
    echo: Callable[[Result], None] = _print_live,
) -> Report:
    """``strict_assumptions``: a broken inferred or assumed statement fails instead of warning.
    ``read_only``: only safe methods (scenarios that write are skipped, the schema layer only
    tests GET/HEAD/OPTIONS operations). ``without``: families of generic invariants left out."""
    started = time.perf_counter()
    options = RunOptions(strict_assumptions=strict_assumptions, read_only=read_only, without=without)
    report = Report(target.api, target.base_url, profile.name)
    pack = find_pack(target.source)
    report_dir.mkdir(parents=True, exist_ok=True)
    with httpx.Client(timeout=30) as client:
        # Scenarios first: fuzzing may use up the resources they need (credit every invoice...).
        if "scenarios" in layers:
            if pack is None:
                print(f"Scenarios: {target.api!r} has no scenario pack; the schema layer still runs.", flush=True)
            else:
                print(f"Scenarios ({len(pack.scenarios)}) against {target.base_url}:", flush=True)
                for scenario in pack.scenarios:
                    result = run_scenario(scenario, target, client, options)
                    report.results.append(result)
                    echo(result)
        if "invariants" in layers:
            print(f"Generic invariants of {target.contract_path.name}:", flush=True)
            for result in run_invariants(target, client, options):
                report.results.append(result)
                echo(result)
        if "schema" in layers:
            discovered: dict[str, dict[str, object]] = {}
            if pack is not None and pack.tuning.discover is not None:
                try:
                    discovered = pack.tuning.discover(Context(target, client, options))
                except (ScenarioFailure, Skip, KeyError, TypeError, ValueError) as exc:
                    print(
                        f"  note: could not discover test data ({exc}); Schemathesis will generate ids", file=sys.stderr
                    )
            print(f"Schema layer: Schemathesis, profile {profile.name}:", flush=True)
            tuning = pack.tuning if pack is not None else SchemaTuning()
            for result in run_schema_layer(
                target, profile, tuning, discovered, seed=seed, report_dir=report_dir, quiet=quiet, read_only=read_only
            ):
                report.results.append(result)
                echo(result)
    report.seconds = time.perf_counter() - started
    report.write_junit(report_dir / "conformance-junit.xml")
    report.write_markdown(report_dir / "conformance-report.md")
    return report
