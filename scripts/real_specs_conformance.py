"""Our conformance run against our mock, on every document of the real-specs peer suite.

For each public document of ``../shared/peer-suites/real-specs`` (or
``$INVOICE_CONTRACTS_PEER_SUITES/real-specs``): serve it with ``mock-server DOC`` (no fixtures:
any non-empty credential), run ``conformance run --contract DOC --profile quick`` against it
with a dummy credential of the form the suite gives (a bearer token where it gives none) and
``--lenient-auth``, and print the run's last line. Exits 1 when any run does not conform.

``make test`` runs it on every document but Stripe, one at a time (``tests/test_real_specs_conform.py``):
Stripe's run takes 100 s alone and five minutes beside the rest of the suite. Run by hand:

    .venv/bin/python scripts/real_specs_conformance.py [NAME ...]
"""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SUITE = Path(os.environ.get("INVOICE_CONTRACTS_PEER_SUITES", ROOT.parent / "shared" / "peer-suites")) / "real-specs"
BIN = Path(sys.executable).parent


def credentials(auth_headers: dict[str, str] | None) -> list[str]:
    """Dummy credentials in the form the suite gives for a document (a bearer token without one)."""
    if auth_headers is None:
        return ["--bearer", "dummy-token"]
    flags: list[str] = []
    for name, value in auth_headers.items():
        if name.lower() == "authorization" and value.lower().startswith("bearer "):
            flags += ["--bearer", value.split(" ", 1)[1]]
        else:
            flags += ["--api-key", value]
    return flags


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(port: int, mock: subprocess.Popen[bytes], seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and mock.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.2)
    return False


def run_one(spec: dict[str, Any], work: Path) -> tuple[bool, str]:
    document = work / f"{spec['name']}.yaml"
    document.write_bytes(gzip.decompress((SUITE / "specs" / spec["file"]).read_bytes()))
    empty = work / "no-fixtures"
    empty.mkdir(exist_ok=True)
    port = _free_port()
    mock = subprocess.Popen(
        [str(BIN / "mock-server"), str(document), "--fixtures", str(empty), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        if not _wait(port, mock):
            return False, f"{spec['name']}: the mock did not start"
        result = subprocess.run(
            [
                *(str(BIN / "conformance"), "run", "--contract", str(document)),
                *("--base-url", f"http://127.0.0.1:{port}", "--profile", "quick", "--quiet"),
                *("--report-dir", str(work / f"report-{spec['name']}"), "--lenient-auth"),
                *credentials(spec.get("auth_headers")),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        mock.terminate()
        mock.wait(10)
    lines = result.stdout.strip().splitlines() or result.stderr.strip().splitlines() or ["no output"]
    if result.returncode != 0:
        report = work / f"report-{spec['name']}" / "conformance-report.md"
        failures = report.read_text(encoding="utf-8").partition("## Failures")[2] if report.is_file() else ""
        return False, lines[-1] + ("\n" + failures[:3000] if failures else "")
    return True, lines[-1]


def main(names: list[str]) -> int:
    if not (SUITE / "index.json").is_file():
        print(f"real-specs-conformance: the peer suite is not at {SUITE}", file=sys.stderr)
        return 2
    specs: list[dict[str, Any]] = json.loads((SUITE / "index.json").read_text(encoding="utf-8"))["specs"]
    chosen = [spec for spec in specs if not names or spec["name"] in names]
    passed = 0
    with tempfile.TemporaryDirectory(prefix="real-specs-conformance-") as folder:
        for spec in chosen:
            started = time.perf_counter()
            ok, line = run_one(spec, Path(folder))
            passed += ok
            print(f"{spec['name']}: exit {0 if ok else 1} in {time.perf_counter() - started:.0f} s: {line}", flush=True)
    print(f"real-specs conformance: {passed}/{len(chosen)} documents conform against the mock serving them")
    return 0 if passed == len(chosen) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
