"""The pytest plugin, used as a project's own tests would use it: installed, found by its entry point."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

USER_TESTS = """
import httpx

REFUND = "/v1/invoices/inv_alpha_0008/refund"


def test_a_stub_and_its_verification(mock_server):
    assert set(mock_server.apis) == {"solvimon", "chargeover", "keyline"}
    mock_server.stub({"request": {"api": "solvimon", "operationId": "postInvoicesByResourceIdRefund"},
                      "fault": "error_503", "times": 1})
    url = mock_server.url("solvimon") + REFUND
    assert httpx.post(url, headers=mock_server.headers("solvimon")).status_code == 503
    assert mock_server.count({"operationId": "postInvoicesByResourceIdRefund"}) == 1
    assert mock_server.find({"method": "POST"})[0]["stub"]
    items = httpx.get(mock_server.url("chargeover") + "/item", headers=mock_server.headers("chargeover"))
    assert items.status_code == 200
    view_only = mock_server.headers("solvimon", name="view-only key")
    assert httpx.post(url, headers=view_only).status_code == 403


def test_the_next_test_starts_clean(mock_server):
    assert mock_server.stubs == []
    assert mock_server.count() == 0
    assert mock_server.near_misses({"method": "DELETE"}) == []
    minted = mock_server.mint("keyline")
    assert httpx.get(mock_server.url("keyline") + "/accounting/reversal_invoices",
                     headers=minted["headers"]).status_code == 200
"""


def test_the_plugin_is_registered_by_its_entry_point() -> None:
    names = {entry.value for entry in entry_points(group="pytest11")}
    assert "mock_server.pytest_plugin" in names, "reinstall the project (make .venv/.installed)"


def test_a_user_test_suite_runs_with_the_fixture(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(USER_TESTS)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path / "test_user.py")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout
