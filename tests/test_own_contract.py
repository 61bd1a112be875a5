"""`conformance run --contract FILE` on any contract: credentials, Schemathesis' config, sampling."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from conformance.invariants.contract import list_operations, operations
from conformance.invariants.filters import detect_filters
from conformance.profiles import PROFILES
from conformance.scenarios.base import SchemaTuning
from conformance.schema import toml
from conformance.schema.layer import lossy_forms, sampled_operations, schemathesis_config, silent_on_invalid_input
from conformance.schema.process import refusal_reason
from conformance.targets import Credentials, Target
from invoice_contracts.oas import load_contract, load_document, needs_credentials
from tests.conftest import ROOT, run_conformance, start_server, stop_server

DATA = ROOT / "tests" / "data" / "realworld"
NONE = Credentials()


def _target(name: str, credentials: Credentials = NONE, **options: Any) -> Target:
    return Target(name, DATA / f"{name}.yaml", "http://127.0.0.1:1", credentials, **options).with_contract()


def _config(target: Target, tmp_path: Path) -> dict[str, Any]:
    config = schemathesis_config(target, PROFILES["quick"], SchemaTuning(), {}, seed=1, report_dir=tmp_path)
    assert tomllib.loads(toml.dumps(config)) == config
    return config


def test_credentials_are_needed_only_where_the_contract_secures_operations() -> None:
    assert not needs_credentials(load_document(DATA / "open_shelf.yaml"))
    # listReports allows anonymous calls ({}), but addReport and listAudits do not.
    assert needs_credentials(load_document(DATA / "many_schemes.yaml"))
    document = load_document(DATA / "many_schemes.yaml")
    for item in document["paths"].values():
        for operation in item.values():
            operation["security"] = [{}]
    assert not needs_credentials(document)


def test_no_auth_section_without_credentials(tmp_path: Path) -> None:
    """An empty [auth.openapi] section made Schemathesis refuse the run (exit 2)."""
    assert "auth" not in _config(_target("open_shelf"), tmp_path)


def test_every_scheme_the_credentials_fill_is_configured(tmp_path: Path) -> None:
    target = _target("many_schemes", Credentials(api_key="k", bearer="t", basic=("u", "p")))
    assert _config(target, tmp_path)["auth"]["openapi"] == {
        "keyInHeader": {"api_key": "k"},
        "keyInQuery": {"api_key": "k"},
        "keyInCookie": {"api_key": "k"},
        "basic": {"username": "u", "password": "p"},
        "oauth": {"bearer": "t"},
        "oidc": {"bearer": "t"},
    }
    assert _target("many_schemes", Credentials(bearer="t")).auth_headers() == {"Authorization": "Bearer t"}
    only_key = _target("many_schemes", Credentials(api_key="k"))
    assert only_key.auth_headers() == {"X-Key": "k"}


def test_a_lenient_target_is_not_sent_invalid_credentials(tmp_path: Path) -> None:
    strict = _config(_target("many_schemes", Credentials(bearer="t")), tmp_path)
    lenient = _config(_target("many_schemes", Credentials(bearer="t"), lenient_auth=True), tmp_path)
    assert "ignored_auth" not in strict["checks"]
    assert lenient["checks"]["ignored_auth"] == {"enabled": False}


def test_operations_without_a_documented_refusal_get_valid_data_only(tmp_path: Path) -> None:
    assert silent_on_invalid_input(load_document(DATA / "open_shelf.yaml")) == {"getBook"}  # 404 only
    assert silent_on_invalid_input(load_document(DATA / "many_schemes.yaml")) == {
        "listReports",
        "addReport",
        "listAudits",
    }
    entries = {e["include-operation-id"]: e for e in _config(_target("many_schemes"), tmp_path)["operations"]}
    assert entries["addReport"]["generation"] == {"max-examples": 5, "mode": "positive", "database": "none"}


def test_quick_samples_a_large_contract_evenly_and_always_the_same() -> None:
    paths = {f"/things{i}": {"get": {"responses": {"200": {"description": "ok"}}}} for i in range(468)}
    document = {"openapi": "3.0.3", "info": {"title": "big", "version": "1"}, "paths": paths}
    picked = sampled_operations(document, PROFILES["quick"])
    assert len(picked) == 40
    assert picked[0] == "GET /things0"
    assert picked[1] == f"GET /things{468 // 40}"
    assert picked == sampled_operations(document, PROFILES["quick"])
    assert sampled_operations(document, PROFILES["ci"]) == []
    assert sampled_operations(load_document(DATA / "open_shelf.yaml"), PROFILES["quick"]) == []


def test_schemathesis_refusal_is_one_line() -> None:
    output = [
        "Schemathesis v4.32.5",
        "━━━━━━━━━━━━━━━━━━━━",
        "",
        "❌  Failed to load configuration file from schemathesis.toml",
        "",
        "The loaded configuration is incorrect",
        "",
        "Error in [auth.openapi] section:",
        "  At least one Open API auth definition is required.",
    ]
    assert refusal_reason(output) == (
        "Failed to load configuration file from schemathesis.toml: The loaded configuration is incorrect:"
        " Error in [auth.openapi] section: At least one Open API auth definition is required"
    )


def test_a_list_that_needs_a_value_the_contract_does_not_give_is_not_walked() -> None:
    found = list_operations(operations(load_document(DATA / "filtered_list.yaml")))
    assert [listop.operation_id for listop in found] == ["listCoupons"]  # its required size has a default


def test_a_contract_without_security_runs_without_credentials_and_conforms(tmp_path: Path) -> None:
    """Our own mock serving a contract, checked against that contract: no credential to give,
    Schemathesis reads the loader's document, and a correct server is not failed."""
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    (contracts / "open_shelf.yaml").write_text((DATA / "open_shelf.yaml").read_text())
    (tmp_path / "no-fixtures").mkdir()
    server = start_server("--contracts", str(contracts), "--fixtures", str(tmp_path / "no-fixtures"))
    try:
        result = run_conformance(
            "run",
            "--contract",
            str(contracts / "open_shelf.yaml"),
            "--base-url",
            server.base_url,
            "--profile",
            "quick",
            "--report-dir",
            str(tmp_path / "report"),
            "--quiet",
        )
    finally:
        stop_server(server)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]
    served = json.loads((tmp_path / "report" / "contract.json").read_text())
    assert served["paths"]["/books"]["get"]["responses"]["200"]["description"] == "every book"
    assert "auth" not in tomllib.loads((tmp_path / "report" / "schemathesis.toml").read_text())


def test_an_object_query_parameter_is_not_an_equality_filter() -> None:
    """Stripe's `created[gte]=` (deepObject) was sent as `created=1000000000` and refused."""
    [charges] = list_operations(operations(load_document(DATA / "charge_refunds.yaml")))
    assert [found.name for found in detect_filters(charges)] == ["currency"]


def test_a_form_body_with_arrays_or_objects_is_not_required_to_refuse_invalid_data(tmp_path: Path) -> None:
    """Schemathesis sends `expand=a` as a valid one-item array and as an invalid string, and an
    empty nested object as valid and an absent one as invalid: the same bytes each time."""
    forms = ROOT / "tests" / "data" / "generic" / "forms" / "forms.yaml"
    document = load_contract(forms).document
    lossy = lossy_forms(document)
    assert len(lossy) == 4  # /deep, /implicit, /form-style, /multipart: all hold arrays and objects
    assert not lossy_forms(load_document(DATA / "many_schemes.yaml"))  # JSON bodies only
    target = Target("forms", forms, "http://127.0.0.1:1", NONE).with_contract()
    entries = {e["include-operation-id"]: e for e in _config(target, tmp_path)["operations"]}
    assert {op for op, e in entries.items() if e.get("checks", {}).get("negative_data_rejection")} == lossy
    assert all(entries[op]["checks"]["negative_data_rejection"] == {"enabled": False} for op in lossy)
