"""Self-fuzzing: Schemathesis' thorough profile against a fresh mock, for every API.

    .venv/bin/python scripts/self_fuzz.py [--seconds-per-api 120] [--seed 1]

Starts the mock (responses validated against the contracts, so any drift is a 500 and a
failure), runs ``conformance run --profile thorough --only schema`` for each API with a time
budget, and prints the cases generated, the failures, and the mock's RSS before and after.
Exit code 1 if any API fails. CI runs the bounded ``ci`` profile instead (tests/test_conformance.py).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from bench.measure import free_port, rss_mb  # noqa: E402
from bench.run import conformance_command  # noqa: E402
from invoice_contracts.credentials import mock_flags  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds-per-api", type=int, default=120)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    mock = subprocess.Popen(
        [sys.executable, "-m", "mock_server", "--port", str(port), "--validate-responses"],
        cwd=ROOT,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                httpx.get(base + "/", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        rss_before = rss_mb(mock.pid)
        rows, failed = [], False
        for api in mock_flags():
            with tempfile.TemporaryDirectory() as reports:
                started = time.perf_counter()
                extra = ("--profile", "thorough", "--only", "schema", "--time-budget", str(args.seconds_per_api))
                command = conformance_command(api, base, *extra, "--seed", str(args.seed), "--report-dir", reports)
                result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
                seconds = time.perf_counter() - started
            generated = sum(int(n) for n in re.findall(r"(\d+) generated", result.stdout))
            failures = sum(1 for line in result.stdout.splitlines() if line.strip().startswith("FAIL"))
            failed |= result.returncode != 0
            rows.append((api, generated, failures, result.returncode, seconds))
            if result.returncode != 0:
                print(result.stdout[-4000:])
        rss_after = rss_mb(mock.pid)
    finally:
        mock.terminate()
        mock.wait(10)
    print(f"{'api':<11} {'cases':>7} {'failures':>8} {'exit':>4} {'seconds':>8}")
    for api, generated, failures, code, seconds in rows:
        print(f"{api:<11} {generated:>7} {failures:>8} {code:>4} {seconds:>8.1f}")
    print(f"total cases: {sum(r[1] for r in rows)}; mock RSS {rss_before:.0f} MB before, {rss_after:.0f} MB after")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
