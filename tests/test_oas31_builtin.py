"""Each built-in contract rewritten in OpenAPI 3.1 (tests/oas30to31.py) is served and checked as
the 3.0 one is: the mock serves it with the API's own rules module and fixtures, and
``conformance run --contract`` (scenario pack, generic invariants, Schemathesis) finds it
conforming in the ci profile, with every scenario run. (lint: tests/test_lint_oas31.py.)"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from conformance.scenarios import all_packs
from invoice_contracts.credentials import mock_flags
from invoice_contracts.oas import load_contract
from invoice_contracts.registry import Registry
from mock_server.contracts import load_contract as load_served
from tests.conftest import ROOT, run_conformance, start_server, stop_server
from tests.oas30to31 import document_to_31

CREDENTIALS = mock_flags()
PACKS = all_packs()


def _converted(api: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{api}.yaml"
    document = document_to_31(load_contract(ROOT / "openapi" / f"{api}.yaml").document)
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


@pytest.mark.parametrize("api", Registry.discover().names)
def test_the_3_1_contract_indexes_like_the_3_0_one(api: str, tmp_path: Path) -> None:
    before = load_served(ROOT / "openapi" / f"{api}.yaml")
    after = load_served(_converted(api, tmp_path))
    assert after.version == "3.1"
    assert after.operations == before.operations
    assert after.base_path == before.base_path


@pytest.mark.parametrize("api", Registry.discover().names)
def test_the_mock_conforms_to_the_3_1_contract(api: str, tmp_path: Path) -> None:
    contracts = tmp_path / "openapi"
    contract = _converted(api, contracts)
    server = start_server("--contracts", str(contracts))
    try:
        result = run_conformance(
            *("run", "--api", api, "--contract", str(contract), "--base-url", server.base_url),
            *CREDENTIALS[api],
            *("--profile", "ci", "--report-dir", str(tmp_path / "report"), "--quiet"),
            timeout=600,
        )
    finally:
        stop_server(server)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    suite = ET.parse(tmp_path / "report" / "conformance-junit.xml").getroot().find("testsuite")
    assert suite is not None
    assert int(suite.get("tests", "0")) >= len(PACKS[api].scenarios) + 3
    assert suite.get("failures") == "0"
    assert suite.get("skipped") == "0"
