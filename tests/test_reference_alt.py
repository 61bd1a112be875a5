"""The conformance suite against a third implementation of the contracts, ``tests/reference_alt/``.

It makes the open choices differently from both the mock and ``tests/reference/`` (see its
docstring). A check that fails here while the two others pass demands more than the contract
says; such false alarms are listed in ``tests/reference_alt/FALSE_ALARMS.md``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.scenarios import all_packs
from tests.conftest import conforms_in_the_ci_profile
from tests.reference_alt import CONFORMANCE_FLAGS

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("api", ["solvimon", "chargeover", "keyline"])
def test_the_alternative_reference_conforms_in_the_ci_profile(api: str, tmp_path: Path) -> None:
    scenarios = len(all_packs()[api].scenarios)
    print(conforms_in_the_ci_profile("tests.reference_alt", api, CONFORMANCE_FLAGS[api], tmp_path, scenarios))
