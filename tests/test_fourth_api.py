"""An API is its files: a fourth API dropped into a temporary folder is served, checked and diffed.

No file of the project is edited: the folder holds ``openapi/notes.yaml``, ``fixtures/notes.yaml``,
``rules/notes.py`` and ``scenarios/notes.py`` (copied from tests/data/fourth_api), and the mock and
the conformance CLI are pointed at it with ``--api-dir`` (or the environment variable).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from conformance.targets import Credentials, Target
from invoice_contracts.registry import API_DIRS_ENV
from tests.conftest import ROOT, LiveServer, run_conformance, start_server, stop_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def api_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fourth") / "apis"
    shutil.copytree(ROOT / "tests" / "data" / "fourth_api", folder)
    return folder


@pytest.fixture(scope="module")
def server(api_dir: Path) -> Iterator[LiveServer]:
    live = start_server("--api-dir", str(api_dir))
    yield live
    stop_server(live)


def test_the_registry_lists_it_with_credentials_from_its_fixtures(api_dir: Path) -> None:
    listed = run_conformance("apis", "--api-dir", str(api_dir), "--format", "json")
    assert listed.returncode == 0, listed.stderr
    by_name = {entry["api"]: entry for entry in json.loads(listed.stdout)}
    assert {"solvimon", "chargeover", "keyline", "notes"} <= set(by_name)
    assert by_name["notes"]["mock_credentials"] == [
        "--api-key",
        "nk_test_all",
        "--restricted-api-key",
        "nk_test_read",
        "--other-tenant-api-key",
        "nk_test_b",
    ]


def test_the_mock_serves_it_with_its_rules_tenants_and_errors(server: LiveServer) -> None:
    with server.client() as client:
        index = client.get("/", headers={"Accept": "application/json"}).json()["apis"]
        assert "notes" in {entry["api"] for entry in index}
        created = client.post("/notes-api/notes", headers={"X-Notes-Key": "nk_test_all"}, json={"text": "a b c d"})
        assert created.status_code == 201
        assert created.json()["words"] == 4
        assert created.headers["location"].endswith(f"/notes-api/notes/{created.json()['id']}")
        other = client.get(f"/notes-api/notes/{created.json()['id']}", headers={"X-Notes-Key": "nk_test_b"})
        assert other.status_code == 404
        assert other.json() == {"problem": "No such note", "field": None}
        forbidden = client.post("/notes-api/notes", headers={"X-Notes-Key": "nk_test_read"}, json={"text": "x"})
        assert forbidden.status_code == 403
        assert set(forbidden.json()) == {"problem", "field"}


def test_conformance_runs_its_pack_and_the_schema_layer(server: LiveServer, api_dir: Path, tmp_path: Path) -> None:
    flags = json.loads(run_conformance("apis", "--api-dir", str(api_dir), "--format", "json").stdout)
    notes = next(entry for entry in flags if entry["api"] == "notes")
    result = run_conformance(
        "run",
        "--api",
        "notes",
        "--api-dir",
        str(api_dir),
        "--base-url",
        server.base_url,
        *notes["mock_credentials"],
        "--profile",
        "quick",
        "--report-dir",
        str(tmp_path),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert "a note's words count the words of its text" in result.stdout
    assert "another workspace's note is invisible" in result.stdout
    assert "Schema layer" in result.stdout


def test_its_secret_header_is_redacted_in_recorded_exchanges(server: LiveServer, api_dir: Path) -> None:
    from conformance.scenarios import Context

    target = Target(
        "notes", api_dir / "openapi" / "notes.yaml", server.base_url, Credentials(api_key="nk_test_all"), tenant="ws_a"
    ).with_contract()
    with httpx.Client() as client:
        context = Context(target, client)
        context.get("/notes")
    sent = {name.lower(): value for name, value in context.exchanges[0].request_headers.items()}
    assert sent["x-notes-key"] == "<redacted>"
    assert sent["x-workspace"] == "ws_a"
    assert "nk_test_all" not in context.exchanges[0].curl()


def test_diff_judges_its_contract(api_dir: Path, tmp_path: Path) -> None:
    contract = api_dir / "openapi" / "notes.yaml"
    assert run_conformance("diff", str(contract), str(contract)).returncode == 0
    changed = yaml.safe_load(contract.read_text(encoding="utf-8"))
    del changed["paths"]["/notes/{id}"]
    edited = tmp_path / "notes.yaml"
    edited.write_text(yaml.safe_dump(changed), encoding="utf-8")
    result = run_conformance("diff", str(contract), str(edited))
    assert result.returncode == 1
    assert "getNote" in result.stdout or "/notes/{id}" in result.stdout


def test_the_environment_variable_adds_it_too(api_dir: Path) -> None:
    server = start_server(env={API_DIRS_ENV: str(api_dir)})
    try:
        response = httpx.get(server.base_url + "/notes-api/notes", headers={"X-Notes-Key": "nk_test_read"})
        assert response.status_code == 200
        assert [note["text"] for note in response.json()] == ["buy milk", "call the bank today"]
    finally:
        stop_server(server)
