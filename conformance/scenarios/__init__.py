"""Scenario packs, one per API: documented behaviour beyond the schema.

A pack is the module ``NAME.py`` beside this file (or ``DIR/scenarios/NAME.py`` in an API
directory) that defines ``PACK``; :func:`find_pack` loads it through the registry.
"""

from invoice_contracts.modules import ModuleLoadError, load_api_module
from invoice_contracts.registry import ApiSource

from .base import Context, Scenario, ScenarioFailure, ScenarioPack, SchemaTuning, Skip

__all__ = ["Context", "Scenario", "ScenarioFailure", "ScenarioPack", "SchemaTuning", "Skip", "find_pack"]


def find_pack(source: ApiSource | None) -> ScenarioPack | None:
    """The API's scenario pack, or ``None`` when it has none."""
    if source is None:
        return None
    module = load_api_module(source, "scenarios", __name__)
    if module is None:
        return None
    pack = getattr(module, "PACK", None)
    if not isinstance(pack, ScenarioPack):
        raise ModuleLoadError(f"{module.__name__}: defines no PACK (a ScenarioPack)")
    return pack
