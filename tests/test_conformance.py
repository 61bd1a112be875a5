"""The conformance suite: its CLI as a user runs it, against the mock and against broken implementations."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from conformance.profiles import PROFILES
from conformance.scenarios import all_packs
from conformance.schema import toml
from conformance.schema.layer import schemathesis_config
from conformance.targets import Credentials, Target, TargetError, load_target_file
from invoice_contracts.credentials import mock_flags
from invoice_contracts.registry import Registry
from tests.broken import BROKEN
from tests.broken.holdout import CAUGHT_HOLDOUT, HOLDOUT
from tests.conftest import ROOT, conforms_in_the_ci_profile, free_port, run_conformance, start_server, stop_server

CREDENTIALS = mock_flags()
PACKS = all_packs()


def test_toml_writer_round_trips() -> None:
    document = {
        "seed": 1,
        "base-url": "http://x",
        "generation": {"max-examples": 5, "mode": "all"},
        "auth": {"openapi": {"API-Key": {"api_key": 'a"b'}}},
        "parameters": {"path.version": "1"},
        "operations": [{"include-operation-id": "op", "checks": {"c": {"expected-statuses": ["2xx", "400"]}}}],
    }
    assert tomllib.loads(toml.dumps(document)) == document


def test_credentials_fill_the_contracts_schemes() -> None:
    solvimon = Target("solvimon", ROOT / "openapi/solvimon.yaml", "http://x", Credentials(api_key="k")).with_contract()
    assert solvimon.auth_headers() == {"X-API-KEY": "k"}
    chargeover = Target(
        "chargeover", ROOT / "openapi/chargeover.yaml", "http://x", Credentials(basic=("u", "p"))
    ).with_contract()
    assert chargeover.auth_headers() == {"Authorization": "Basic dTpw"}
    assert chargeover.credentials.scheme_auth(chargeover.security_schemes) == {
        "basic": {"username": "u", "password": "p"}
    }


def test_config_pins_business_refusals_and_discovered_ids(tmp_path: Path) -> None:
    target = Target(
        "solvimon",
        ROOT / "openapi/solvimon.yaml",
        "http://127.0.0.1:1",
        Credentials(api_key="k"),
        tenant="plat_alpha",
    ).with_contract()
    config = schemathesis_config(
        target,
        PROFILES["ci"],
        PACKS["solvimon"].tuning,
        {
            "getInvoicesByResourceId": {"path.resourceId": "inv_1"},
            "postInvoicesByResourceIdRefund": {"path.resourceId": ["a", "b"]},
        },
        seed=3,
        report_dir=tmp_path,
    )
    by_id = {entry["include-operation-id"]: entry for entry in config["operations"]}
    assert "400" in by_id["postInvoicesByResourceIdCredit"]["checks"]["positive_data_acceptance"]["expected-statuses"]
    assert by_id["getInvoicesByResourceId"]["parameters"] == {"path.version": "1", "path.resourceId": "inv_1"}
    binding = by_id["postInvoicesByResourceIdRefund"]["parameters"]["path.resourceId"]
    assert config["dictionaries"][binding["dictionary"]] == {"values": ["a", "b"]}
    assert tomllib.loads(toml.dumps(config))["dictionaries"] == config["dictionaries"]
    assert "checks" not in by_id["getInvoicesByResourceId"]
    assert config["headers"] == {"x-platform-id": "plat_alpha"}
    assert config["phases"]["stateful"]["enabled"] is True
    assert "missing_auth" in config["warnings"]["fail-on"]


def test_targets_file_takes_secrets_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "targets.yaml"
    path.write_text(
        "targets:\n  staging:\n    api: solvimon\n    base_url: http://staging\n    api_key: ${STAGING_KEY}\n"
    )
    monkeypatch.setenv("STAGING_KEY", "s3cret")
    assert load_target_file(path, "staging")["api_key"] == "s3cret"
    monkeypatch.delenv("STAGING_KEY")
    with pytest.raises(TargetError, match="STAGING_KEY is not set"):
        load_target_file(path, "staging")
    with pytest.raises(TargetError, match="no target 'prod'"):
        load_target_file(path, "prod")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "--api", "solvimon", "--api-key", "k"], "--base-url"),
        (["run", "--api", "solvimon", "--base-url", "http://127.0.0.1:9"], "credentials"),
        (["run", "--api", "nope", "--base-url", "http://x"], "no API named 'nope'"),
        (["run", "--contract", "missing.yaml", "--base-url", "http://x", "--api-key", "k"], "missing.yaml"),
        (["run", "--targets", "missing.yaml", "--target", "x"], "missing.yaml"),
        (["run", "--api", "keyline", "--base-url", "http://127.0.0.1:{port}", "--bearer", "t"], "cannot reach"),
    ],
)
def test_usage_problems_exit_2_with_one_line(args: list[str], expected: str) -> None:
    result = run_conformance(*(arg.replace("{port}", str(free_port())) for arg in args))
    assert result.returncode == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("api", Registry.discover().names)
def test_the_mock_conforms_in_the_ci_profile(api: str, tmp_path: Path) -> None:
    print(conforms_in_the_ci_profile("mock_server", api, CREDENTIALS[api], tmp_path, len(PACKS[api].scenarios)))
    markdown = (tmp_path / "conformance-report.md").read_text()
    assert "conforms" in markdown
    assert (tmp_path / "schemathesis-junit.xml").exists()


# The hold-out catalogue joins with the check that caught each of its breakages (tests/broken/holdout.py).
CAUGHT = {**{name: BROKEN[name] for name in set(BROKEN) - set(HOLDOUT)}, **CAUGHT_HOLDOUT}


@pytest.mark.parametrize("name", sorted(CAUGHT))
def test_each_broken_implementation_is_caught(name: str, tmp_path: Path) -> None:
    breakage = CAUGHT[name]
    server = start_server(name, module="tests.broken")
    try:
        result = run_conformance(
            "run",
            "--api",
            breakage.api,
            "--base-url",
            server.base_url,
            *CREDENTIALS[breakage.api],
            "--profile",
            "quick",
            "--only",
            breakage.layer,
            "--report-dir",
            str(tmp_path),
            "--quiet",
            *(["--strict-assumptions"] if breakage.strict else []),
        )
    finally:
        stop_server(server)
    assert result.returncode == 1, result.stdout[-2000:]
    failed = [line for line in result.stdout.splitlines() if line.strip().startswith("FAIL")]
    assert any(breakage.expected in line for line in failed), f"{breakage.description}: failures were {failed}"
    report = (tmp_path / "conformance-report.md").read_text()
    assert "## Failures" in report
    assert "curl" in report
