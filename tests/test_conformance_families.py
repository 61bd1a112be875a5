"""Each family of the checks that follow from every response is needed: its broken implementation
(``tests/broken/derived.py``) is caught with it (``test_conformance.py``) and missed without it;
and the checks raise no false alarm on the mock whatever its seed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from invoice_contracts.credentials import mock_flags
from invoice_contracts.registry import Registry
from tests.broken import BROKEN
from tests.broken.derived import FAMILY
from tests.conftest import run_conformance, start_server, stop_server

pytestmark = pytest.mark.slow

CREDENTIALS = mock_flags()


@pytest.mark.parametrize("name", sorted(FAMILY))
def test_each_family_alone_catches_its_broken_implementation(name: str, tmp_path: Path) -> None:
    breakage = BROKEN[name]
    server = start_server(name, module="tests.broken")
    try:
        result = run_conformance(
            "run",
            "--api",
            breakage.api,
            "--base-url",
            server.base_url,
            *CREDENTIALS[breakage.api],
            "--only",
            "scenarios",
            "--only",
            "invariants",
            "--without",
            FAMILY[name],
            "--report-dir",
            str(tmp_path),
            "--quiet",
            *(["--strict-assumptions"] if breakage.strict else []),
        )
    finally:
        stop_server(server)
    assert result.returncode == 0, f"{breakage.description}: caught without {FAMILY[name]}:\n{result.stdout[-3000:]}"


@pytest.mark.parametrize("seed", [2, 17, 404])
@pytest.mark.parametrize("api", Registry.discover().names)
def test_no_false_alarm_whatever_the_mock_seed(api: str, seed: int, tmp_path: Path) -> None:
    server = start_server("--seed", str(seed))
    try:
        result = run_conformance(
            "run",
            "--api",
            api,
            "--base-url",
            server.base_url,
            *CREDENTIALS[api],
            "--only",
            "scenarios",
            "--only",
            "invariants",
            "--strict-assumptions",
            "--report-dir",
            str(tmp_path),
            "--quiet",
        )
    finally:
        stop_server(server)
    assert result.returncode == 0, result.stdout[-4000:]
    assert " 0 skipped" in result.stdout.splitlines()[-1], result.stdout[-4000:]
