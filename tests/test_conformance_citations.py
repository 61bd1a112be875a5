"""Every scenario assertion rests on a statement of the contract, and its strength follows that
statement's provenance: a broken documented statement fails, an inferred or assumed one warns
(fails only with --strict-assumptions). Also: refusals derived from the contract, --read-only,
and where Hypothesis keeps its data."""

from __future__ import annotations

import ast
import inspect
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from conformance.report import Report, Status
from conformance.scenarios import (
    RunOptions,
    Scenario,
    all_packs,
    chargeover,
    keyline,
    solvimon_access,
    solvimon_credits,
    solvimon_support,
)
from conformance.scenarios.base import Context, run_scenario
from conformance.scenarios.citations import CitationError, Citations
from conformance.schema.layer import refusals
from conformance.targets import Credentials, Target
from invoice_contracts.credentials import mock_flags
from invoice_contracts.oas import load_document
from tests.conftest import ROOT, run_conformance, start_server, stop_server

PACKS = all_packs()
CONFORMANCE_FLAGS = mock_flags()

MODULES: dict[str, ModuleType] = {
    "solvimon_support": solvimon_support,
    "solvimon_credits": solvimon_credits,
    "solvimon_access": solvimon_access,
    "chargeover": chargeover,
    "keyline": keyline,
}
EXPECTATIONS = {"expect", "expect_status", "expect_api_error", "expect_error_envelope"}


def citations(api: str) -> Citations:
    return Citations(load_document(ROOT / f"openapi/{api.split('_', maxsplit=1)[0]}.yaml"))


@pytest.mark.parametrize("api", sorted(MODULES))
def test_every_assertion_names_the_statement_it_rests_on(api: str) -> None:
    tree = ast.parse(inspect.getsource(MODULES[api]))
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (getattr(node.func, "attr", None) or getattr(node.func, "id", None)) in EXPECTATIONS
    ]
    assert calls, "the pack makes no assertion"
    unnamed = [node.lineno for node in calls if not any(k.arg == "rests_on" for k in node.keywords)]
    assert not unnamed, f"{api} pack: assertions on lines {unnamed} name no contract statement (rests_on=)"
    assert "def expect(self, condition: object, message: str, *, rests_on: str, inferred: bool = False)" in (
        inspect.getsource(Context)
    )


@pytest.mark.parametrize("api", sorted(MODULES))
def test_every_statement_a_pack_names_exists_in_its_contract(api: str) -> None:
    cite = citations(api)
    named = [v for v in vars(MODULES[api]).values() if isinstance(v, str) and v.startswith(("#/", "seed "))]
    literal = [
        node.value
        for node in ast.walk(ast.parse(inspect.getsource(MODULES[api])))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("#/")
    ]
    assert named
    for statement in named + literal:
        assert cite.cite(statement).level in ("documented", "inferred", "assumed"), statement


def test_strength_follows_the_contracts_provenance() -> None:
    cite = citations("solvimon")
    get = "#/paths/~1v{version}~1invoices~1{resourceId}/get"
    assert cite.cite(f"{get}/responses/200").level == "documented"
    # The 404 response is shared and marked inferred: following the $ref keeps it inferred.
    assert cite.cite(f"{get}/responses/404").level == "inferred"
    assert cite.cite("#/components/schemas/LinkedInvoiceDetail/properties/link_type").level == "assumed"
    # Prose that says its rules are inferred is inferred, whatever its operation says.
    assert cite.cite(solvimon_support.CREDIT_RULES).level == "inferred"
    # A quote takes the marker of its own sentence: refresh moves updated_at (documented), but
    # "a FINAL invoice cannot be refreshed [inferred]".
    assert cite.cite(f"{solvimon_support.REFRESH_RULES} § moves `updated_at`").level == "documented"
    assert cite.cite(f"{solvimon_support.REFRESH_RULES} § cannot be refreshed").level == "inferred"
    assert cite.cite("seed 000").level == "documented"
    assert citations("keyline").cite(keyline.NEGATED).level == "documented"


@pytest.mark.parametrize(
    "statement",
    ["", "the contract", "#/paths/~1nowhere/get", f"{solvimon_support.REFRESH_RULES} § words it never says"],
)
def test_a_statement_the_contract_lacks_is_refused(statement: str) -> None:
    with pytest.raises(CitationError):
        citations("solvimon").cite(statement)


def _target() -> Target:
    return Target(
        "solvimon", ROOT / "openapi/solvimon.yaml", "http://127.0.0.1:1", Credentials(api_key="k")
    ).with_contract()


def _scenario(rests_on: str, *, writes: bool = False) -> Scenario:
    def check(ctx: Context) -> None:
        ctx.expect(False, "the target broke it", rests_on=rests_on)

    return Scenario("a check", "test", check, writes)


@pytest.mark.parametrize(
    ("rests_on", "strict", "expected"),
    [
        (solvimon_support.CREDIT_RULES, False, Status.WARN),
        (solvimon_support.CREDIT_RULES, True, Status.FAIL),
        (solvimon_support.CREDIT_OK, False, Status.FAIL),
        ("#/components/schemas/Nope", False, Status.FAIL),
    ],
)
def test_a_broken_inferred_statement_warns_unless_strict(
    rests_on: str, strict: bool, expected: Status, tmp_path: Path
) -> None:
    with httpx.Client() as client:
        result = run_scenario(_scenario(rests_on), _target(), client, RunOptions(strict_assumptions=strict))
    assert result.status is expected
    report = Report("solvimon", "http://x", "ci", [result])
    assert report.failed is (expected is Status.FAIL)
    if expected is Status.WARN:
        assert rests_on in result.message
        assert "[inferred]" in result.message
        assert result.rests_on == [f"{rests_on} [inferred]"]
        assert "Warnings" in report.table()
        assert "[rests on 1 inferred/assumed]" in report.table()
        report.write_markdown(tmp_path / "r.md")
        assert "## Warnings" in (tmp_path / "r.md").read_text()
        report.write_junit(tmp_path / "r.xml")
        case = ET.parse(tmp_path / "r.xml").getroot().find("testsuite/testcase")
        assert case is not None
        assert case.find("failure") is None
        assert case.find("properties/property").get("value") == f"{rests_on} [inferred]"  # type: ignore[union-attr]


def test_a_writing_scenario_is_skipped_in_a_read_only_run() -> None:
    with httpx.Client() as client:
        result = run_scenario(
            _scenario(solvimon_support.CREDIT_OK, writes=True), _target(), client, RunOptions(read_only=True)
        )
    assert result.status is Status.SKIP
    assert "read-only" in result.message
    assert all(isinstance(s.writes, bool) for pack in PACKS.values() for s in pack.scenarios)


def test_refusals_of_schema_valid_requests_come_from_the_contract() -> None:
    target = _target()
    found = refusals(target.contract, PACKS["solvimon"].tuning)
    # order_by and invoice_date carry x-refusable-with in the contract; the pack adds nothing for the list.
    assert "getInvoices" not in PACKS["solvimon"].tuning.business_refusals
    assert found["getInvoices"] == ("400",)
    assert "getInvoicesByResourceId" not in found


def test_read_only_run_sends_only_safe_methods_and_keeps_hypothesis_out_of_the_cwd(tmp_path: Path) -> None:
    server = start_server()
    reports = tmp_path / "reports"
    try:
        httpx.delete(f"{server.base_url}/__mock/journal")
        result = run_conformance(
            "run",
            "--api",
            "solvimon",
            "--base-url",
            server.base_url,
            *CONFORMANCE_FLAGS["solvimon"],
            "--profile",
            "quick",
            "--read-only",
            "--report-dir",
            str(reports),
            "--quiet",
            cwd=tmp_path,
        )
        journal = httpx.get(f"{server.base_url}/__mock/journal", params={"limit": 1000}).json()["entries"]
    finally:
        stop_server(server)
    assert result.returncode == 0, result.stdout[-3000:]
    methods = {entry["method"] for entry in journal if not entry["path"].startswith("/__mock")}
    assert methods
    assert methods <= {"GET", "HEAD", "OPTIONS"}, methods
    skipped = [line for line in result.stdout.splitlines() if line.strip().startswith("SKIP")]
    assert any("writes; skipped in a read-only run" in line for line in skipped)
    assert any(line.strip().startswith("PASS scenario") for line in result.stdout.splitlines())
    assert not (tmp_path / ".hypothesis").exists(), "Hypothesis wrote into the working directory"
    assert 'database = "none"' in (reports / "schemathesis.toml").read_text()


def test_a_broken_inferred_rule_is_a_warning_by_default(tmp_path: Path) -> None:
    """The same break `--strict-assumptions` fails (tests/broken, strict=True) only warns by default."""
    server = start_server("solvimon-refund-not-recorded", module="tests.broken")
    try:
        result = run_conformance(
            "run",
            "--api",
            "solvimon",
            "--base-url",
            server.base_url,
            *CONFORMANCE_FLAGS["solvimon"],
            "--only",
            "scenarios",
            "--report-dir",
            str(tmp_path),
            "--quiet",
        )
    finally:
        stop_server(server)
    assert result.returncode == 0, result.stdout[-2000:]
    warned = [line for line in result.stdout.splitlines() if line.strip().startswith("WARN")]
    assert any("refund a credit invoice exactly once" in line for line in warned), result.stdout[-2000:]
    assert "[inferred]" in (tmp_path / "conformance-report.md").read_text()


@pytest.mark.parametrize("api", sorted(PACKS))
def test_every_derivation_and_action_check_rests_on_a_statement_the_contract_has(api: str) -> None:
    """They are cited only when broken; a wrong pointer must not wait for a broken target."""
    citations = Citations(load_document(ROOT / f"openapi/{api}.yaml"))
    pack = PACKS[api]
    for rests_on in [d.rests_on for d in pack.derivations] + [a.rests_on for a in pack.actions]:
        citations.cite(rests_on)
