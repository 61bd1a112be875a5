"""Start-up of the mock on one contract: seconds to the first HTTP answer and peak RSS.

    .venv/bin/python bench/startup.py CONTRACT [--runs 3] [--profile OUT.prof]

Serves CONTRACT alone (``--contracts`` holding a copy of it, no fixtures), polls a GET of its
first operation without path parameters (else ``/``) until any HTTP answer arrives, reads the
server's peak RSS (``VmHWM``) and stops it. ``--profile`` instead builds the app in-process
under cProfile and writes the profile (``python -m pstats OUT.prof``). Run by hand; nothing here
asserts a time (issue 22: Stripe's 4 MB document in <= 15 s and <= 500 MB).
"""

from __future__ import annotations

import argparse
import cProfile
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measure import free_port
from invoice_contracts.oas import iter_operations, load_document, server_base_path

ROOT = Path(__file__).resolve().parent.parent
MOCK = ROOT / ".venv" / "bin" / "mock-server"


def probe_path(document: dict[str, Any]) -> str:
    """The first GET without path parameters, else the root, under the server's base path."""
    for entry in iter_operations(document):
        if entry.method == "get" and "{" not in entry.path:
            return server_base_path(document) + entry.path
    return "/"


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def one_start(folder: Path, probe: str, timeout: float) -> tuple[float, float]:
    port = free_port()
    command = [str(MOCK), "--contracts", str(folder), "--fixtures", str(folder / "none"), "--port", str(port)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        while True:
            elapsed = time.perf_counter() - started
            try:
                httpx.get(f"http://127.0.0.1:{port}{probe}", timeout=max(1.0, timeout - elapsed))
                return elapsed, peak_rss_mb(process.pid)
            except httpx.HTTPError:
                pass
            if process.poll() is not None:
                raise SystemExit(f"the mock exited with {process.returncode}: {process.communicate()[1][-400:]}")
            if elapsed > timeout:
                raise SystemExit(f"no answer within {timeout:.0f} s")
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def profile_in_process(folder: Path, out: Path) -> None:
    from mock_server.app import create_app
    from mock_server.settings import MockSettings

    settings = MockSettings(contracts_dir=folder, fixtures_dir=folder / "none")
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.runcall(create_app, settings)
    profiler.dump_stats(out)
    print(f"create_app: {time.perf_counter() - started:.2f} s under cProfile; profile in {out}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("contract", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=180)
    parser.add_argument("--profile", type=Path, help="profile create_app in-process instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="startup-") as tmp:
        folder = Path(tmp)
        shutil.copy(args.contract, folder / args.contract.name)
        (folder / "none").mkdir()
        if args.profile:
            profile_in_process(folder, args.profile)
            return 0
        probe = probe_path(load_document(args.contract))
        for run in range(1, args.runs + 1):
            seconds, rss = one_start(folder, probe, args.timeout)
            name = args.contract.name
            print(f"{name} run {run}: first answer after {seconds:.2f} s, peak RSS {rss:.0f} MB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
