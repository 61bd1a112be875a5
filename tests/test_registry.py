"""The registry is the one list of APIs: what it finds, what it refuses, and that the docs keep up."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from invoice_contracts.credentials import conformance_flags
from invoice_contracts.oas import load_document, server_base_path
from invoice_contracts.registry import API_DIRS_ENV, Registry, RegistryError
from tests.conftest import ROOT

FOURTH = ROOT / "tests" / "data" / "fourth_api"


def test_the_built_in_apis_are_the_contracts_of_openapi() -> None:
    registry = Registry.discover(use_environment=False)
    assert registry.names == sorted(p.stem for p in (ROOT / "openapi").glob("*.yaml"))
    for source in registry:
        assert source.fixtures == ROOT / "fixtures" / f"{source.name}.yaml"
        assert source.api_dir is None
        assert source.module_file("rules") is None


def test_an_api_directory_adds_apis_and_replaces_one_of_the_same_name(tmp_path: Path) -> None:
    shutil.copytree(FOURTH, tmp_path / "apis")
    shutil.copy(ROOT / "openapi" / "keyline.yaml", tmp_path / "apis" / "openapi" / "keyline.yaml")
    registry = Registry.discover(api_dirs=[tmp_path / "apis"], use_environment=False)
    assert "notes" in registry
    assert registry.get("keyline").api_dir == tmp_path / "apis"
    assert registry.get("keyline").fixtures is None  # the directory has no fixtures/keyline.yaml
    assert registry.get("notes").module_file("rules") == tmp_path / "apis" / "rules" / "notes.py"
    assert registry.get("notes").module_file("scenarios") == tmp_path / "apis" / "scenarios" / "notes.py"


def test_the_environment_variable_names_api_directories(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(API_DIRS_ENV, str(FOURTH))
    assert "notes" in Registry.discover()
    assert "notes" not in Registry.discover(use_environment=False)


@pytest.mark.parametrize("layout", ["missing", "no-openapi-folder"])
def test_an_unusable_api_directory_is_refused_with_its_name(tmp_path: Path, layout: str) -> None:
    folder = tmp_path / "apis"
    if layout == "no-openapi-folder":
        folder.mkdir()
    with pytest.raises(RegistryError, match="needs an openapi/ folder"):
        Registry.discover(api_dirs=[folder], use_environment=False)
    with pytest.raises(RegistryError, match="no API named 'nope'"):
        Registry.discover(use_environment=False).get("nope")


def test_default_credentials_come_from_the_fixtures() -> None:
    registry = Registry.discover(api_dirs=[FOURTH], use_environment=False)
    assert conformance_flags(registry.get("chargeover")) == ["--basic", "co_test_user:co_test_pass"]
    assert conformance_flags(registry.get("solvimon")) == [
        "--api-key",
        "sk_test_all",
        "--restricted-api-key",
        "sk_test_view",
        "--other-tenant-api-key",
        "sk_test_beta",
    ]


def test_the_readme_and_frontend_guide_list_every_built_in_api() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    frontend = (ROOT / "docs" / "frontend.md").read_text(encoding="utf-8")
    for source in Registry.discover(use_environment=False):
        base_path = server_base_path(load_document(source.contract))
        served = f"http://127.0.0.1:4010{base_path}/openapi.json"
        assert served in readme, f"README's table lacks {source.name} ({served})"
        assert source.name.lower() in frontend.lower(), f"docs/frontend.md does not mention {source.name}"
