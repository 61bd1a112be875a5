"""Acceptance: pointed at a public document and at our mock serving it, ``conformance run
--contract DOC --profile quick`` exits 0 (issue #22: the tool pointed at a team's own contract
must not false-alarm on a correct server), for every document of the real-specs peer suite
(../shared/peer-suites/real-specs; skipped, with the reason, when it is not beside the checkout).

The mock runs without a fixtures file, so it accepts any non-empty credential: the run is given
a dummy one in the form the document asks for (the suite's ``auth_headers``; a bearer token
where the suite gives none) and ``--lenient-auth``.
"""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_conformance, start_server, stop_server
from tests.peer_suites import PEER_SUITES

SUITE = PEER_SUITES / "real-specs"

pytestmark = pytest.mark.slow


def _specs() -> list[dict[str, Any]]:
    if not (SUITE / "index.json").is_file():
        return []
    specs: list[dict[str, Any]] = json.loads((SUITE / "index.json").read_text(encoding="utf-8"))["specs"]
    return specs


def _credentials(auth_headers: dict[str, str] | None) -> list[str]:
    if not auth_headers:
        return ["--bearer", "dummy-token"] if auth_headers is None else []
    flags = []
    for name, value in auth_headers.items():
        if name.lower() == "authorization" and value.lower().startswith("bearer "):
            flags += ["--bearer", value.split(" ", 1)[1]]
        else:
            flags += ["--api-key", value]
    return flags


@pytest.mark.parametrize("spec", _specs() or [None], ids=lambda spec: spec["name"] if spec else "missing")
def test_our_conformance_run_passes_our_mock_serving_the_document(spec: dict[str, Any] | None, tmp_path: Path) -> None:
    if spec is None:
        pytest.skip(f"the real-specs peer suite is not beside this checkout ({SUITE})")
    document = tmp_path / f"{spec['name']}.yaml"
    document.write_bytes(gzip.decompress((SUITE / "specs" / spec["file"]).read_bytes()))
    with tempfile.TemporaryDirectory(prefix="no-fixtures-") as empty:
        server = start_server(str(document), "--fixtures", empty)
        try:
            result = run_conformance(
                "run",
                "--contract",
                str(document),
                "--base-url",
                server.base_url,
                "--profile",
                "quick",
                "--quiet",
                "--report-dir",
                str(tmp_path / "report"),
                "--lenient-auth",
                *_credentials(spec.get("auth_headers")),
                timeout=900,
            )
        finally:
            stop_server(server)
    failures = (tmp_path / "report" / "conformance-report.md").read_text(encoding="utf-8").partition("## Failures")[2]
    assert result.returncode == 0, [*result.stdout.strip().splitlines()[-1:], failures[:4000]]
