"""The schema layer: Schemathesis runs every check and phase against the target.

We drive Schemathesis through its documented command line and configuration file, not its
internal engine, so upgrades do not break us: this module writes a ``schemathesis.toml`` from
the target, the profile and the API's tuning, runs ``st run`` (its live progress goes to the
terminal), and turns its JUnit report into one result per operation.

Verdicts are deterministic: the same seed against the same target state gives the same cases.
Hypothesis' example database is off (``generation.database = "none"``): a database would replay
earlier failures and so change later verdicts, and it would land in the user's working
directory. ``st`` runs inside the report directory, so nothing it writes lands elsewhere.

A schema-valid request may still be refused with a documented 4xx where the contract says a
valid-looking value can be refused (``x-refusable-with: ['400']`` on the operation or on one of
its parameters), or where the API's pack names a business rule that refuses it; only there is
that status accepted by ``positive_data_acceptance``.

A read-only run (``read_only``) includes only the safe methods and leaves out what sends other
methods: the ``unsupported_method`` check, the ``Allow`` check that reads its answers, and the
coverage phase's unexpected methods.
"""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from invoice_contracts.oas import iter_operations, merged, resolve_refs, server_base_path

from ..profiles import Profile
from ..report import Result, Status
from ..scenarios.base import SchemaTuning
from ..targets import Target
from . import toml
from .document import for_schemathesis
from .process import refusal_reason, run_st

__all__ = [
    "ALL_PHASES",
    "FAIL_ON_WARNINGS",
    "SAFE_METHODS",
    "fail_on_warnings",
    "refusals",
    "run_schema_layer",
    "sampled_operations",
    "schemathesis_config",
    "silent_on_invalid_input",
]

ALL_PHASES = ("examples", "coverage", "fuzzing", "stateful")
# A green run must not hide missing auth or unusable test data (see docs/conformance.md).
FAIL_ON_WARNINGS = ["missing_auth", "missing_test_data", "validation_mismatch"]
# Schemathesis' default for positive_data_acceptance, to which business refusals are added.
ACCEPTED_FOR_VALID_DATA = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Checks that send methods the operation does not have: not for a read-only run.
UNSAFE_CHECKS = ("unsupported_method", "allow_header_conformance")


def fail_on_warnings(tuning: SchemaTuning) -> list[str]:
    """Warnings that fail the run. ``validation_mismatch`` only for APIs without business refusals:
    once a discovered resource is used up (fully credited, refunded, billed) every further valid
    request is refused by a documented rule, which Schemathesis would read as a mismatch.
    Schemathesis honours ``fail-on`` per run only, not per operation.

    ``missing_test_data`` only where a pack discovers test data (``tuning.discover``): without
    one, an operation on an existing resource (``GET /pets/{id}``) can only meet ids
    Schemathesis makes up, and the 404 a correct target answers them says nothing about the
    document; the warning is still printed in Schemathesis' summary."""
    kept = list(FAIL_ON_WARNINGS)
    if tuning.business_refusals:
        kept.remove("validation_mismatch")
    if tuning.discover is None:
        kept.remove("missing_test_data")
    return kept


def refusals(contract: Mapping[str, Any], tuning: SchemaTuning) -> dict[str, tuple[str, ...]]:
    """Per operationId, the documented statuses with which a schema-valid request may be refused:
    the contract's ``x-refusable-with`` (on the operation or its parameters) and the pack's rules."""
    found: dict[str, set[str]] = {op: set(statuses) for op, statuses in tuning.business_refusals.items()}
    for entry in iter_operations(resolve_refs(dict(contract))):
        operation = entry.operation
        marked = [*operation.get("x-refusable-with", [])]
        for parameter in entry.parameters:
            marked += parameter.get("x-refusable-with", [])
        documented = {str(status) for status in marked if str(status) in operation.get("responses", {})}
        if documented:
            found.setdefault(operation["operationId"], set()).update(documented)
    return {op: tuple(sorted(statuses)) for op, statuses in found.items()}


def silent_on_invalid_input(contract: Mapping[str, Any]) -> set[str]:
    """OperationIds that document no answer to an invalid request: no 400, no 422, no ``4XX``
    range, no ``default`` (401, 404 and the like answer other questions). Schemathesis sends them
    valid data only: for invalid data any answer a correct server gives (400, 422) would be
    undocumented, a gap of the contract, not a fault of the server."""
    silent = set()
    for entry in iter_operations(dict(contract)):
        statuses = {str(status).upper() for status in entry.operation.get("responses", {})}
        if not statuses & {"400", "422", "4XX", "DEFAULT"}:
            silent.add(str(entry.operation.get("operationId")))
    return silent


_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def lossy_forms(contract: Mapping[str, Any]) -> set[str]:
    """OperationIds whose request body may be a form with an array or object property. A form
    cannot tell a scalar from a one-item array (``expand=a``), nor an empty object or array from
    an absent one (``shipping[address]`` with nothing inside sends no key), yet Schemathesis
    generates both sides of each pair, one as valid and one as invalid data, to the same bytes: a
    server accepting the one is failed for accepting the other. Invalid data is still sent to
    them (every answer is checked against the contract), but not required to be refused."""
    lossy = set()
    for entry in iter_operations(resolve_refs(dict(contract))):
        content = (entry.operation.get("requestBody") or {}).get("content") or {}
        for media_type, media in content.items():
            if str(media_type).split(";")[0].strip().lower() not in _FORMS or not isinstance(media, Mapping):
                continue
            properties = merged(media.get("schema")).get("properties") or {}
            if any(_container(merged(sub)) for sub in properties.values()):
                lossy.add(str(entry.operation.get("operationId")))
    return lossy


def _container(schema: Mapping[str, Any]) -> bool:
    """An array or object schema, or a union with one among its members."""
    if schema.get("type") in ("array", "object") or "properties" in schema or "items" in schema:
        return True
    return any(_container(merged(member)) for key in ("anyOf", "oneOf") for member in schema.get(key) or ())


def sampled_operations(contract: Mapping[str, Any], profile: Profile) -> list[str]:
    """Schemathesis operation names (``METHOD /path``) to include when the profile caps how many
    operations it tests: evenly spaced in document order; empty when every operation is tested."""
    names = [f"{entry.method.upper()} {entry.path}" for entry in iter_operations(dict(contract))]
    cap = profile.max_operations
    if cap is None or len(names) <= cap:
        return []
    return [names[index * len(names) // cap] for index in range(cap)]


def schemathesis_config(
    target: Target,
    profile: Profile,
    tuning: SchemaTuning,
    discovered: Mapping[str, Mapping[str, Any]],
    *,
    seed: int,
    report_dir: Path,
    read_only: bool = False,
) -> dict[str, Any]:
    checks: dict[str, Any] = {"enabled": True}
    if read_only:
        checks.update({check: {"enabled": False} for check in UNSAFE_CHECKS})
    if target.lenient_auth:
        checks["ignored_auth"] = {"enabled": False}
    config: dict[str, Any] = {
        "seed": seed,
        "base-url": target.base_url.rstrip("/") + server_base_path(target.contract),
        "generation": {"max-examples": profile.max_examples, "mode": "all", "database": "none"},
        "checks": checks,
        "warnings": {"fail-on": fail_on_warnings(tuning)},
        "reports": {
            "directory": str(report_dir),
            "junit": {"enabled": True, "path": str(report_dir / "schemathesis-junit.xml")},
        },
        "phases": {phase: {"enabled": phase in profile.phases} for phase in ALL_PHASES},
    }
    auth = target.credentials.scheme_auth(target.security_schemes)
    if auth:
        # An empty [auth.openapi] section is refused by Schemathesis: none without credentials.
        config["auth"] = {"openapi": auth}
    if profile.repeat_for_seconds:
        config["max-time"] = profile.repeat_for_seconds
    if read_only:
        # The coverage phase otherwise sends every method a path lacks (PUT, DELETE, TRACE...).
        config["phases"]["coverage"]["unexpected-methods"] = []
    if profile.stateful_max_steps:
        config["phases"]["stateful"]["max-steps"] = profile.stateful_max_steps
    if target.tenant_headers:
        config["headers"] = target.tenant_headers
    if tuning.fixed_parameters:
        config["parameters"] = dict(tuning.fixed_parameters)
    operations = []
    refused = refusals(target.contract, tuning)
    silent = silent_on_invalid_input(target.contract)
    lossy = lossy_forms(target.contract)
    for operation_id in sorted(set(refused) | set(discovered) | silent | lossy):
        entry: dict[str, Any] = {"include-operation-id": operation_id}
        if operation_id in silent:
            # Whatever a correct server answers to invalid input here is undocumented.
            entry["generation"] = {**config["generation"], "mode": "positive"}
        if operation_id in refused:
            statuses = ACCEPTED_FOR_VALID_DATA + list(refused[operation_id])
            entry.setdefault("checks", {})["positive_data_acceptance"] = {"expected-statuses": statuses}
        if operation_id in lossy:
            entry.setdefault("checks", {})["negative_data_rejection"] = {"enabled": False}
        if operation_id in discovered:
            parameters: dict[str, Any] = dict(tuning.fixed_parameters)
            for name, value in discovered[operation_id].items():
                if isinstance(value, list):
                    # Several existing ids: Schemathesis draws from them (a dictionary), so a
                    # long run does not exhaust one resource or one input.
                    dictionary = re.sub(r"[^A-Za-z0-9]+", "-", f"{operation_id}-{name}")
                    config.setdefault("dictionaries", {})[dictionary] = {"values": value}
                    parameters[name] = {"dictionary": dictionary}
                else:
                    parameters[name] = value
            entry["parameters"] = parameters
        operations.append(entry)
    if operations:
        config["operations"] = operations
    return config


def _results_from_junit(path: Path) -> list[Result]:
    results: list[Result] = []
    for case in ET.parse(path).getroot().iter("testcase"):
        name = case.get("name", "?")
        seconds = float(case.get("time", "0") or 0)
        problems = [*case.findall("failure"), *case.findall("error")]
        skipped = case.find("skipped")
        if problems:
            message = "\n\n".join((p.text or p.get("message") or "").strip() for p in problems)
            results.append(Result("schema", name, Status.FAIL, message, "contract (Schemathesis)", seconds))
        elif skipped is not None:
            results.append(
                Result(
                    "schema",
                    name,
                    Status.SKIP,
                    skipped.get("message", "") or (skipped.text or ""),
                    "contract (Schemathesis)",
                    seconds,
                )
            )
        else:
            results.append(Result("schema", name, Status.PASS, "", "contract (Schemathesis)", seconds))
    return results


def run_schema_layer(
    target: Target,
    profile: Profile,
    tuning: SchemaTuning,
    discovered: Mapping[str, Mapping[str, Any]],
    *,
    seed: int,
    report_dir: Path,
    quiet: bool,
    read_only: bool = False,
) -> list[Result]:
    """Run Schemathesis; one result per operation, plus one for the run when it fails as a whole."""
    report_dir = report_dir.resolve()
    report_dir.mkdir(parents=True, exist_ok=True)
    config_path = report_dir / "schemathesis.toml"
    config_path.write_text(
        toml.dumps(
            schemathesis_config(
                target, profile, tuning, discovered, seed=seed, report_dir=report_dir, read_only=read_only
            )
        )
    )
    junit = report_dir / "schemathesis-junit.xml"
    junit.unlink(missing_ok=True)
    # Schemathesis reads the document every other tool reads: the loader's normalised one
    # (string keys, external $refs bundled, repairs made), not the file as written; a nullable
    # enum lists null (conformance/schema/document.py).
    document_path = report_dir / "contract.json"
    document_path.write_text(json.dumps(for_schemathesis(target.contract), default=str), encoding="utf-8")
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config_path), "run", str(document_path)]
    if read_only:
        command += [arg for method in SAFE_METHODS for arg in ("--include-method", method)]
    command += [arg for name in sampled_operations(target.contract, profile) for arg in ("--include-name", name)]
    (report_dir / "schemathesis-command.txt").write_text(" ".join(command) + "\n")
    completed = run_st(command, cwd=report_dir, quiet=quiet, timeout=profile.timeout_seconds)
    if completed.returncode is None:
        message = f"Schemathesis did not finish within {profile.timeout_seconds} s and was stopped"
        return [
            Result(
                "schema", "Schemathesis run", Status.FAIL, message, "contract (Schemathesis)", profile.timeout_seconds
            )
        ]
    results = _results_from_junit(junit) if junit.exists() else []
    failed_operations = any(r.status is Status.FAIL for r in results)
    if completed.returncode != 0 and not failed_operations:
        if completed.returncode == 2:
            detail = refusal_reason(completed.lines)
        else:
            detail = "\n".join(line for line in completed.lines[-25:] if line.strip())
        results.append(
            Result(
                "schema",
                "Schemathesis run",
                Status.FAIL,
                f"st exited with {completed.returncode}: {detail}",
                "contract (Schemathesis)",
                completed.seconds,
            )
        )
    return results
