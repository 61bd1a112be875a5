"""Acceptance: Prism's own test-harness cases (../shared/peer-suites/prism-harness) against the
mock, as written, through the suite's driver: every semantics case passes (106 of them, OpenAPI
3.0 and 3.1) and none answers another 4xx where Prism answers 422.

Skipped, with the reason, where the suites are not checked out beside the project.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.peer_suites import PEER_SUITES

DRIVER = PEER_SUITES / "prism-harness" / "driver.py"


@pytest.mark.skipif(not DRIVER.is_file(), reason=f"the peer suites are not checked out ({DRIVER} is missing)")
def test_prism_harness_semantics_cases_pass(tmp_path: Path) -> None:
    report = tmp_path / "harness.json"
    mock = Path(sys.executable).parent / "mock-server"
    result = subprocess.run(
        [sys.executable, str(DRIVER), "--mock", str(mock), "--workers", "2", "--json-out", str(report)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert report.is_file(), result.stdout[-3000:] + result.stderr[-3000:]
    rows = json.loads(report.read_text())["rows"]
    semantics = [row for row in rows if row["class"] == "semantics"]
    assert len(semantics) == 106, f"{len(semantics)} semantics cases ran"
    failed = [f"{row['case']}: {row['mock']}" for row in semantics if row["mock"] != "pass"]
    assert not failed, "\n".join(failed) + "\n" + result.stdout.strip().splitlines()[-1]
