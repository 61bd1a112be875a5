"""Where the served APIs come from: contracts, fixtures and rules modules, found and loaded.

The one place that reads ``settings.contracts_dir`` and ``settings.fixtures_dir`` and looks
for rules modules, so that how APIs are located can change here alone. Everything else gets
:class:`ApiSource` objects.
"""

from __future__ import annotations

import contextlib
import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import apis
from .contracts import Contract, load_contract
from .rules import ApiRules
from .settings import MockSettings

__all__ = ["ApiSource", "SetupError", "discover_rules", "load_sources", "watched_files"]


class SetupError(Exception):
    """The mock cannot start: a contract, fixture or rules module is missing or broken."""


@dataclass(frozen=True)
class ApiSource:
    """One API as the files describe it: its contract, its rules and its fixtures."""

    contract: Contract
    rules: ApiRules
    fixtures: dict[str, Any]
    fixtures_path: Path

    @property
    def name(self) -> str:
        return self.contract.name


def discover_rules() -> dict[str, ApiRules]:
    """Every rules module in ``mock_server.apis`` that declares ``RULES``, by API name."""
    found: dict[str, ApiRules] = {}
    for module_info in pkgutil.iter_modules(apis.__path__):
        module = importlib.import_module(f"{apis.__name__}.{module_info.name}")
        rules = getattr(module, "RULES", None)
        if isinstance(rules, ApiRules):
            found[rules.name] = rules
    return found


def load_sources(settings: MockSettings) -> dict[str, ApiSource]:
    """Every contract in ``settings.contracts_dir`` with its rules and fixtures, by API name."""
    rules_by_name = discover_rules()
    contract_paths = sorted(settings.contracts_dir.glob("*.yaml"))
    if not contract_paths:
        raise SetupError(f"no contracts (*.yaml) in {settings.contracts_dir}")
    sources: dict[str, ApiSource] = {}
    for path in contract_paths:
        contract = load_contract(path)
        rules = rules_by_name.get(contract.name)
        if rules is None:
            raise SetupError(f"{path}: no rules module in mock_server/apis declares RULES for {contract.name!r}")
        missing = sorted(set(contract.operations) - set(rules.handlers))
        if missing:
            raise SetupError(f"{path}: no handler for operationId {', '.join(missing)}")
        fixtures_path = settings.fixtures_dir / f"{contract.name}.yaml"
        sources[contract.name] = ApiSource(contract, rules, _fixtures(fixtures_path), fixtures_path)
    return sources


def _fixtures(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SetupError(f"{path}: cannot read the fixtures: {exc}") from exc
    if not isinstance(data, dict):
        raise SetupError(f"{path}: fixtures must be a mapping")
    return data


def watched_files(settings: MockSettings) -> tuple[tuple[str, int, int], ...]:
    """Path, modification time and size of every contract and fixture file (for ``--watch``)."""
    paths = [*settings.contracts_dir.glob("*.yaml"), *settings.fixtures_dir.glob("*.yaml")]
    stamps = []
    for path in sorted(paths):
        with contextlib.suppress(OSError):
            stat = path.stat()
            stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)
