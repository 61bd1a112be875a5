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
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CREDENTIALS = {
    "solvimon": [
        "--api-key",
        "sk_test_all",
        "--restricted-api-key",
        "sk_test_view",
        "--other-platform-api-key",
        "sk_test_beta",
    ],
    "chargeover": ["--basic", "co_test_user:co_test_pass"],
    "keyline": ["--bearer", "kl_test_token"],
}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds-per-api", type=int, default=120)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
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
        for api, credentials in CREDENTIALS.items():
            with tempfile.TemporaryDirectory() as reports:
                started = time.perf_counter()
                result = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "conformance",
                        "run",
                        "--api",
                        api,
                        "--base-url",
                        base,
                        *credentials,
                        "--profile",
                        "thorough",
                        "--only",
                        "schema",
                        "--time-budget",
                        str(args.seconds_per_api),
                        "--seed",
                        str(args.seed),
                        "--report-dir",
                        reports,
                    ],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    check=False,
                )
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
