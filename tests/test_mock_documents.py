"""``mock-server FILE_OR_URL ...``: the contracts given are served, as ``prism mock FILE`` does."""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from invoice_contracts.registry import Registry, RegistryError
from tests.conftest import ROOT, start_server, stop_server

GENERIC = ROOT / "tests" / "data" / "generic"
ROUTING = GENERIC / "routing" / "routing.yaml"
SECURITY = GENERIC / "security" / "security.yaml"


@pytest.fixture
def served_folder() -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(GENERIC))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_files_and_urls_are_served_instead_of_the_shipped_contracts(served_folder: str, tmp_path: Path) -> None:
    live = start_server(
        str(ROUTING.relative_to(ROOT)), f"{served_folder}/security/security.yaml", "--fixtures", str(tmp_path)
    )
    try:
        with live.client() as client:
            apis = [
                entry["api"] for entry in client.get("/__mock/", headers={"Accept": "application/json"}).json()["apis"]
            ]
            assert apis == ["routing", "security", "admin"]
            assert client.get("/users/me").json() == {"route": "/users/me"}
            assert client.get("/open").status_code == 200
    finally:
        stop_server(live)


def test_documents_beside_a_contracts_folder_and_their_names() -> None:
    found = Registry.discover(contracts_dir=ROOT / "tests" / "data", documents=[str(ROUTING)], use_environment=False)
    assert found.names == ["notes", "widgets", "routing"]
    with pytest.raises(RegistryError, match="another contract is named 'widgets'"):
        Registry.discover(
            contracts_dir=ROOT / "tests" / "data",
            documents=[str(ROOT / "tests/data/widgets.yaml")],
            use_environment=False,
        )


def test_a_missing_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mock_server", str(tmp_path / "nope.yaml"), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"mock-server: {tmp_path / 'nope.yaml'}: no such contract file"]
