"""The tool in a user's hands: the wheel, installed into a fresh venv outside this checkout.

Builds the wheel with ``python -m build``, installs it (with the tested versions of
constraints.txt) into a new virtual environment in a temporary folder, and from there, with
no access to the checkout, starts ``mock-server``, runs ``conformance run`` against it, and
runs ``conformance diff`` and ``lint`` on the contracts the wheel carries.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest
import yaml

from tests.conftest import ROOT, free_port

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a fresh venv holding only the wheel and its dependencies."""
    folder = tmp_path_factory.mktemp("distribution")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(folder / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheels = list((folder / "dist").glob("invoice_contracts-*.whl"))
    assert len(wheels) == 1
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    started = time.perf_counter()
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", "-c", str(ROOT / "constraints.txt"), str(wheels[0])],
        check=True,
        capture_output=True,
    )
    print(f"wheel {wheels[0].stat().st_size} bytes, installed in {time.perf_counter() - started:.1f} s")
    return venv / "bin"


def run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(bin_dir / args[0]), *args[1:]], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_the_wheel_carries_the_contracts_fixtures_and_admin_contract(tmp_path: Path) -> None:
    wheel = next((ROOT / "dist").glob("*.whl"), None) if (ROOT / "dist").is_dir() else None
    if wheel is None:
        subprocess.run(
            [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path), str(ROOT)],
            check=True,
            capture_output=True,
        )
        wheel = next(tmp_path.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for stem in ("solvimon", "chargeover", "keyline"):
        assert f"invoice_contracts/openapi/{stem}.yaml" in names
        assert f"invoice_contracts/fixtures/{stem}.yaml" in names
    assert "mock_server/controls/admin.yaml" in names
    assert not any(name.startswith(("tests/", "oas/", "openapi/", "fixtures/")) for name in names)


def test_mock_and_conformance_work_from_any_directory(installed: Path, tmp_path: Path) -> None:
    listed = run(installed, "conformance", "apis", "--format", "json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    apis = {entry["api"]: entry for entry in json.loads(listed.stdout)}
    assert {"solvimon", "chargeover", "keyline"} <= set(apis)
    assert all("site-packages" in entry["contract"] for entry in apis.values())

    port = free_port()
    server = subprocess.Popen(
        [str(installed / "mock-server"), "--port", str(port)], cwd=tmp_path, stderr=subprocess.PIPE, text=True
    )
    try:
        base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            try:
                if httpx.get(base_url + "/", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        served = httpx.get(
            base_url + "/api/v2/accounting/reversal_invoices", headers={"Authorization": "Bearer kl_test_token"}
        )
        assert served.status_code == 200
        assert len(served.json()) > 0
        result = run(
            installed,
            "conformance",
            "run",
            "--api",
            "keyline",
            "--base-url",
            base_url,
            *apis["keyline"]["mock_credentials"],
            "--profile",
            "quick",
            "--report-dir",
            str(tmp_path / "reports"),
            cwd=tmp_path,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr
        assert (tmp_path / "reports" / "conformance-report.md").is_file()
    finally:
        server.terminate()
        server.wait(10)


def test_diff_and_lint_on_the_installed_contracts(installed: Path, tmp_path: Path) -> None:
    listed = json.loads(run(installed, "conformance", "apis", "--format", "json", cwd=tmp_path).stdout)
    contract = Path(next(entry["contract"] for entry in listed if entry["api"] == "solvimon"))
    assert run(installed, "conformance", "lint", str(contract), cwd=tmp_path).returncode == 0
    changed = yaml.safe_load(contract.read_text(encoding="utf-8"))
    changed["paths"].pop(next(iter(changed["paths"])))
    edited = tmp_path / "solvimon.yaml"
    edited.write_text(yaml.safe_dump(changed), encoding="utf-8")
    result = run(installed, "conformance", "diff", str(contract), str(edited), cwd=tmp_path)
    assert result.returncode == 1
    assert "breaking" in result.stderr


def test_start_errors_are_one_line_and_exit_2(installed: Path, tmp_path: Path) -> None:
    broken = tmp_path / "contracts"
    broken.mkdir()
    (broken / "bad.yaml").write_text("openapi: 3.0.3\npaths: [\n", encoding="utf-8")
    for args in (
        ["--contracts", str(broken)],
        ["--contracts", str(tmp_path / "missing")],
        ["--api-dir", str(tmp_path)],
    ):
        result = run(installed, "mock-server", *args, "--port", str(free_port()), cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr
