"""Scenario packs, one per API: documented behaviour beyond the schema.

A pack is the module ``NAME.py`` beside this file (or ``DIR/scenarios/NAME.py`` in an API
directory) that defines ``PACK``; :func:`find_pack` loads it through the registry.
"""

from invoice_contracts.modules import load_api_object
from invoice_contracts.registry import ApiSource, Registry

from .base import (
    ActionCheck,
    Context,
    Derivation,
    RunOptions,
    Scenario,
    ScenarioFailure,
    ScenarioPack,
    SchemaTuning,
    Skip,
)

__all__ = [
    "ActionCheck",
    "Context",
    "Derivation",
    "RunOptions",
    "Scenario",
    "ScenarioFailure",
    "ScenarioPack",
    "SchemaTuning",
    "Skip",
    "all_packs",
    "find_pack",
]


def find_pack(source: ApiSource | None) -> ScenarioPack | None:
    """The API's scenario pack, or ``None`` when it has none."""
    return None if source is None else load_api_object(source, "scenarios", __name__, "PACK", ScenarioPack)


def all_packs(registry: Registry | None = None) -> dict[str, ScenarioPack]:
    """Every API's pack, by API name (the built-in registry unless given one)."""
    found = {source.name: find_pack(source) for source in registry or Registry.discover()}
    return {name: pack for name, pack in found.items() if pack is not None}
