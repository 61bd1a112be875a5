"""Which APIs the mock serves: the registry's APIs, each with its contract, fixtures and rules.

The one place the mock turns settings into APIs; the app, the validation proxy and hot reload
all ask here. An API without a rules module has ``rules = None`` (served generically where the
engine supports it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from invoice_contracts.modules import ModuleLoadError, load_api_module
from invoice_contracts.registry import ApiSource, Registry, RegistryError

from . import apis
from .contracts import Contract, ContractError, load_contract
from .rules import ApiRules
from .settings import MockSettings

__all__ = ["DiscoveredApi", "SetupError", "discover", "registry", "watched_files"]


class SetupError(Exception):
    """The mock cannot start: a contract, fixture or rules module is missing or broken."""


@dataclass(frozen=True)
class DiscoveredApi:
    source: ApiSource
    contract: Contract
    rules: ApiRules | None
    fixtures: dict[str, Any]


def registry(settings: MockSettings) -> Registry:
    try:
        found = Registry.discover(
            contracts_dir=settings.contracts_dir, fixtures_dir=settings.fixtures_dir, api_dirs=settings.api_dirs
        )
    except RegistryError as exc:
        raise SetupError(str(exc)) from exc
    if not len(found):
        where = settings.contracts_dir or "the installed package"
        raise SetupError(f"no contracts (*.yaml) in {where}")
    return found


def rules_of(source: ApiSource) -> ApiRules | None:
    """The API's rules module's ``RULES``, or ``None`` when it has no rules module."""
    try:
        module = load_api_module(source, "rules", apis.__name__)
    except ModuleLoadError as exc:
        raise SetupError(str(exc)) from exc
    if module is None:
        return None
    rules = getattr(module, "RULES", None)
    if not isinstance(rules, ApiRules):
        raise SetupError(f"{module.__name__}: defines no RULES (an ApiRules)")
    return rules


def _fixtures(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SetupError(f"{path}: cannot read the fixtures: {exc}") from exc
    if not isinstance(data, dict):
        raise SetupError(f"{path}: fixtures must be a mapping")
    return data


def discover(settings: MockSettings) -> list[DiscoveredApi]:
    """Every API to serve, loaded and checked: a broken one stops the start with a one-line reason."""
    found = []
    for source in registry(settings):
        try:
            contract = load_contract(source.contract)
        except ContractError as exc:
            raise SetupError(str(exc)) from exc
        rules = rules_of(source)
        if rules is not None:
            missing = sorted(set(contract.operations) - set(rules.handlers))
            if missing:
                raise SetupError(f"{source.contract}: no handler for operationId {', '.join(missing)}")
        found.append(DiscoveredApi(source, contract, rules, _fixtures(source.fixtures)))
    return found


def watched_files(settings: MockSettings) -> list[Path]:
    """The files whose change should reload the mock (contracts, fixtures, rules modules)."""
    paths: list[Path] = []
    for source in registry(settings):
        paths.append(source.contract)
        if source.fixtures is not None:
            paths.append(source.fixtures)
        rules_file = source.module_file("rules")
        if rules_file is not None:
            paths.append(rules_file)
    return paths
