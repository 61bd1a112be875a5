"""Scenario packs, one per API: documented behaviour beyond the schema."""

from .base import Context, RunOptions, Scenario, ScenarioFailure, ScenarioPack, SchemaTuning, Skip
from .chargeover import PACK as CHARGEOVER
from .keyline import PACK as KEYLINE
from .solvimon import PACK as SOLVIMON

PACKS = {pack.api: pack for pack in (SOLVIMON, CHARGEOVER, KEYLINE)}

__all__ = ["PACKS", "Context", "RunOptions", "Scenario", "ScenarioFailure", "ScenarioPack", "SchemaTuning", "Skip"]
