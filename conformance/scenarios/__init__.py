"""Scenario packs, one per API: documented behaviour beyond the schema.

A pack is the module ``NAME.py`` beside this file (or ``DIR/scenarios/NAME.py`` in an API
directory) that defines ``PACK``; :func:`find_pack` loads it through the registry.
"""

from invoice_contracts.modules import load_api_object
from invoice_contracts.registry import ApiSource

from .base import Context, Scenario, ScenarioFailure, ScenarioPack, SchemaTuning, Skip

__all__ = ["Context", "Scenario", "ScenarioFailure", "ScenarioPack", "SchemaTuning", "Skip", "find_pack"]


def find_pack(source: ApiSource | None) -> ScenarioPack | None:
    """The API's scenario pack, or ``None`` when it has none."""
    return None if source is None else load_api_object(source, "scenarios", __name__, "PACK", ScenarioPack)
