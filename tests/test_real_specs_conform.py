"""Acceptance: pointed at a public document and at our mock serving it, ``conformance run
--contract DOC --profile quick`` exits 0 (issue #22: the tool pointed at a team's own contract
must not false-alarm on a correct server), for every document of the real-specs peer suite
(../shared/peer-suites/real-specs; skipped, with the reason, when it is not beside the checkout)
but Stripe: its run takes 100 s alone and five minutes beside the rest of ``make test``, so it is
run by hand with the others by the same script, ``scripts/real_specs_conformance.py``, which each
test here runs on one document as a user would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.peer_suites import PEER_SUITES

SUITE = PEER_SUITES / "real-specs"
BY_HAND = ("stripe",)

pytestmark = pytest.mark.slow


def _names() -> list[str]:
    if not (SUITE / "index.json").is_file():
        return []
    specs: list[dict[str, Any]] = json.loads((SUITE / "index.json").read_text(encoding="utf-8"))["specs"]
    return [spec["name"] for spec in specs if spec["name"] not in BY_HAND]


@pytest.mark.parametrize("name", _names() or [None])
def test_our_conformance_run_passes_our_mock_serving_the_document(name: str | None) -> None:
    if name is None:
        pytest.skip(f"the real-specs peer suite is not beside this checkout ({SUITE})")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "real_specs_conformance.py"), name],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env={**os.environ, "INVOICE_CONTRACTS_PEER_SUITES": str(PEER_SUITES)},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1].endswith("1/1 documents conform against the mock serving them")
