"""Which APIs the mock serves: the registry's APIs, each with its contract, fixtures and rules.

The one place the mock turns settings into APIs (``invoice_contracts.registry`` finds the
files; this module loads them); the app, the validation proxy and hot reload all ask here, so
how APIs are located can change here alone.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from invoice_contracts import registry as files
from invoice_contracts.modules import ModuleLoadError, load_api_object

from . import apis
from .contracts import Contract, ContractError, load_contract
from .generic import default_fixtures, generic_rules
from .rules import ApiRules
from .settings import MockSettings

__all__ = ["ApiSource", "SetupError", "load_source", "load_sources", "registry", "rules_of", "watched_files"]


class SetupError(Exception):
    """The mock cannot start: a contract, fixture or rules module is missing or broken."""


@dataclass(frozen=True)
class ApiSource:
    """One API as the mock serves it: its contract, rules and fixtures, loaded."""

    contract: Contract
    rules: ApiRules
    fixtures: dict[str, Any]
    files: files.ApiSource

    @property
    def name(self) -> str:
        return self.files.name

    @property
    def fixtures_path(self) -> Path | str:
        """Where the fixtures came from (the contract when the API has no fixtures file)."""
        return self.files.fixtures or self.files.contract


def registry(settings: MockSettings) -> files.Registry:
    try:
        found = files.Registry.discover(
            contracts_dir=settings.contracts_dir,
            fixtures_dir=settings.fixtures_dir,
            api_dirs=settings.api_dirs,
            documents=settings.documents,
        )
    except files.RegistryError as exc:
        raise SetupError(str(exc)) from exc
    if not len(found):
        where = settings.contracts_dir or "the installed package"
        raise SetupError(f"no contracts (*.yaml) in {where}")
    return found


def rules_of(source: files.ApiSource) -> ApiRules | None:
    """The API's rules module's ``RULES``, or ``None`` when it has no rules module."""
    try:
        return load_api_object(source, "rules", apis.__name__, "RULES", ApiRules)
    except ModuleLoadError as exc:
        raise SetupError(str(exc)) from exc


def _fixtures(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SetupError(f"{path}: cannot read the fixtures: {' '.join(str(exc).split())}") from exc
    if not isinstance(data, dict):
        raise SetupError(f"{path}: fixtures must be a mapping")
    return data


def load_source(found: files.ApiSource) -> ApiSource:
    """One API loaded and checked: a broken one stops the start with a one-line reason."""
    try:
        contract = load_contract(found.contract)
    except ContractError as exc:
        raise SetupError(str(exc)) from exc
    rules = rules_of(found)
    if rules is None:
        # No rules module: served from the contract alone (see mock_server.generic).
        fixtures = _fixtures(found.fixtures) if found.fixtures else default_fixtures(contract)
        return ApiSource(contract, generic_rules(contract), fixtures, found)
    missing = sorted(set(contract.operations) - set(rules.handlers))
    if missing:
        raise SetupError(f"{found.contract}: no handler for operationId {', '.join(missing)}")
    return ApiSource(contract, rules, _fixtures(found.fixtures), found)


def load_sources(settings: MockSettings) -> dict[str, ApiSource]:
    """Every API of the registry, loaded, by name."""
    return {found.name: load_source(found) for found in registry(settings)}


def watched_files(settings: MockSettings) -> tuple[tuple[str, int, int], ...]:
    """Path, modification time and size of every contract, fixture and API-directory rules file."""
    try:
        found = list(registry(settings))
    except SetupError:
        return ()  # a folder that vanished mid-edit: the next look will tell
    paths = [
        p
        for source in found
        for p in (source.contract, source.fixtures, source.module_file("rules"))
        if isinstance(p, Path)  # a URL is not watched
    ]
    stamps = []
    for path in sorted(paths):
        with contextlib.suppress(OSError):
            stat = path.stat()
            stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)
