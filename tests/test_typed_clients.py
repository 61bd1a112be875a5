"""Typed clients: generate TypeScript types from each contract, compile the main flows with
`tsc --strict`, and run them with node against a live mock (tests/clients/)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from invoice_contracts.registry import Registry
from tests.conftest import ROOT, LiveServer, start_server, stop_server

CLIENTS = ROOT / "tests" / "clients"
NODE_MISSING = "node and npm are not installed: the typed-client check (tests/clients) cannot run here"


def npm(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["npm", *args],
        cwd=CLIENTS,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        check=False,
    )


@pytest.fixture(scope="module")
def toolchain() -> None:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip(NODE_MISSING)
    if not (CLIENTS / "node_modules" / ".bin" / "tsc").exists():
        installed = npm("ci", "--no-audit", "--no-fund")
        assert installed.returncode == 0, installed.stderr[-2000:]


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    live = start_server("--validate-responses")
    yield live
    stop_server(live)


def test_generation_compilation_and_the_flows_run(toolchain: None, server: LiveServer) -> None:
    for generated in (CLIENTS / "src" / "generated").glob("*.ts"):
        generated.unlink()
    generated = npm("run", "-s", "generate")
    assert generated.returncode == 0, generated.stderr[-2000:]
    assert "error" not in generated.stderr.lower().replace("nodedir", ""), generated.stderr
    assert {p.stem for p in (CLIENTS / "src" / "generated").glob("*.ts")} == {*Registry.discover().names, "admin"}
    compiled = npm("run", "-s", "build")
    assert compiled.returncode == 0, f"tsc --strict reported errors:\n{compiled.stdout[-3000:]}"
    ran = npm("run", "-s", "flows", env={"MOCK_URL": server.base_url})
    assert ran.returncode == 0, ran.stderr[-3000:]
    lines = ran.stdout.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == ["solvimon", "chargeover", "keyline"]
    admin = npm("run", "-s", "admin-flow", env={"MOCK_URL": server.base_url})  # the admin helper, mockAdmin.ts
    assert admin.returncode == 0, admin.stderr[-3000:]
    assert admin.stdout.strip() == "admin: ok"


def test_a_contract_change_that_breaks_the_types_is_caught(toolchain: None, tmp_path: Path) -> None:
    """The check can fail: renaming a field the flow uses makes tsc reject the program."""
    assert npm("run", "-s", "generate").returncode == 0
    broken = (
        (ROOT / "openapi" / "solvimon.yaml")
        .read_text()
        .replace("original_invoice_id: {type: string}", "original_invoice: {type: string}")
    )
    contract = tmp_path / "solvimon.yaml"
    contract.write_text(broken)
    out = CLIENTS / "src" / "generated" / "solvimon.ts"
    try:
        generated = subprocess.run(
            ["npx", "openapi-typescript", str(contract), "--default-non-nullable", "false", "-o", str(out)],
            cwd=CLIENTS,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert generated.returncode == 0, generated.stderr
        compiled = npm("run", "-s", "build")
        assert compiled.returncode != 0
        assert "original_invoice_id" in compiled.stdout
    finally:
        assert npm("run", "-s", "generate").returncode == 0


def test_swagger_ui_authorises_and_tries_a_get_in_a_real_browser(
    toolchain: None, server: LiveServer, tmp_path: Path
) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed: run scripts/check-swagger-ui (the release check installs it)")
    ran = subprocess.run(
        ["node", "swagger-ui.mjs"],
        cwd=CLIENTS,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, "MOCK_URL": server.base_url, "CHROMIUM": chromium, "SCREENSHOT_DIR": str(tmp_path)},
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert ran.stdout.count("got 200") == 3
    assert {p.name for p in tmp_path.glob("*.png")} == {
        f"swagger-ui-{api}.png" for api in ("solvimon", "chargeover", "keyline")
    }
