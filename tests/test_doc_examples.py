"""Every curl example in docs/mock-server.md and docs/frontend.md works when pasted against a running mock.

The examples are run in the order the docs give them (one doc after the other, each against a
freshly reset mock), with the port replaced by the test server's. An admin example must answer
below 400 unless its comment says what error it shows (``# → 403``); an API example must not
fail at the transport level unless it asks for a connection fault.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, LiveServer, start_server, stop_server

DOCS = ("docs/mock-server.md", "docs/frontend.md")
CONNECTION_FAULTS = ("fault=connection_reset", "fault=empty_response", "fault=malformed_chunk")


def curl_examples(doc: str) -> list[tuple[str, str]]:
    """(command, comment) for each curl command in the doc's ``sh`` blocks aimed at the mock."""
    found = []
    for block in re.findall(r"```sh\n(.*?)```", (ROOT / doc).read_text(), re.S):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            command, _, comment = line.partition("  #")
            if command.startswith("curl ") and "127.0.0.1:4010" in command:
                found.append((command.strip(), comment.strip()))
    return found


@pytest.fixture(scope="module")
def mock() -> Iterator[LiveServer]:
    server = start_server()
    yield server
    stop_server(server)


@pytest.mark.parametrize("doc", DOCS)
def test_every_curl_example_works(doc: str, mock: LiveServer, tmp_path: Path) -> None:
    examples = curl_examples(doc)
    assert len(examples) >= 10, "the doc lost its examples"
    port = mock.base_url.rsplit(":", 1)[1]
    assert httpx.post(mock.base_url + "/__mock/reset").status_code == 204
    for command, comment in examples:
        pasted = command.replace("127.0.0.1:4010", f"127.0.0.1:{port}").replace(":4010'", f":{port}'")
        writes_file = ">" in pasted.split("'")[-1]
        run = pasted if writes_file else pasted.replace("curl ", "curl -sS -o /dev/null -w '%{http_code}' ", 1)
        result = subprocess.run(["bash", "-c", run], cwd=tmp_path, capture_output=True, text=True, timeout=30)
        if any(fault in command for fault in CONNECTION_FAULTS):
            assert result.returncode != 0, command
            continue
        assert result.returncode == 0, f"{command}\n{result.stderr}"
        if writes_file:
            continue
        status = int(result.stdout[-3:])
        expected = re.search(r"→ (\d{3})", comment)
        if expected:
            assert status == int(expected.group(1)), command
        elif "/__mock/" in command:
            assert status < 400, f"{command} → {status}"
        else:
            assert status < 600, command
