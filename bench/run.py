"""Side-by-side benchmark: our mock against Stoplight Prism on openapi/solvimon.yaml.

    .venv/bin/python bench/run.py [--duration 10] [--connections 32] [--skip-prism]

Installs what it needs: wrk from Debian (apt-get) if missing, Prism at a pinned version into
bench/.prism with npm. Loopback only; every load is bounded by --duration. Prints requests/s,
p50 and p99 for each request on both servers and our/Prism ratios, then for our mock only:
time from process start to the first 200, RSS with the fixtures and after 100,000 stored
invoices, and the `conformance run --profile ci` time per API. Writes the table as Markdown
to bench/results.md. docs/performance.md explains how to read it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from invoice_contracts.credentials import mock_flags  # noqa: E402

PRISM_VERSION = "5.16.0"
PRISM_DIR = ROOT / "bench" / ".prism"
PRISM_BIN = PRISM_DIR / "node_modules" / ".bin" / "prism"
KEY = "sk_test_all"
BENCH_INVOICES = 2000  # FINAL invoices the credit load spreads over


@dataclass
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_tools(skip_prism: bool) -> None:
    if shutil.which("wrk") is None:
        print("installing wrk from Debian…", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    if not skip_prism and not PRISM_BIN.exists():
        print(f"installing Prism {PRISM_VERSION} into {PRISM_DIR}…", flush=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(PRISM_DIR),
                "--no-audit",
                "--no-fund",
                f"@stoplight/prism-cli@{PRISM_VERSION}",
            ],
            check=True,
        )


def wait_ready(url: str, headers: dict[str, str], timeout: float = 60) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            if httpx.get(url, headers=headers, timeout=1).status_code == 200:
                return time.perf_counter() - started
        except httpx.TransportError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{url} did not answer 200 within {timeout} s")


def bench_fixtures(directory: Path) -> None:
    """The project's fixtures plus BENCH_INVOICES FINAL invoices on plat_alpha for the credit load."""
    shutil.copytree(ROOT / "fixtures", directory)
    solvimon = yaml.safe_load((directory / "solvimon.yaml").read_text())
    invoices = solvimon["platforms"]["plat_alpha"]["invoices"]
    for number in range(BENCH_INVOICES):
        invoices.append(
            {
                "id": f"inv_bench_{number:05d}",
                "number": f"BENCH-{number:05d}",
                "type": "STANDARD",
                "status": "FINAL",
                "paid": True,
                "customer": "cust_alpha_acme",
                "lines": ["1000.00"],
            }
        )
    (directory / "solvimon.yaml").write_text(yaml.safe_dump(solvimon))


WRK_SCRIPT = """
math.randomseed(7)
local method, key, body = "{method}", "{key}", '{body}'
request = function()
  local path = "{path}"
  if string.find(path, "RANDOM") then
    path = string.gsub(path, "RANDOM", string.format("%05d", math.random(0, {count} - 1)))
  end
  local headers = {{}}
  headers["X-API-KEY"] = key
  if body ~= "" then headers["Content-Type"] = "application/json" end
  return wrk.format(method, path, headers, body ~= "" and body or nil)
end
done = function(summary, latency, requests)
  io.write(string.format("JSON {{\\"rps\\": %f, \\"p50\\": %f, \\"p99\\": %f, \\"non2xx\\": %d}}\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout))
end
"""


def wrk(base: str, method: str, path: str, body: str, duration: int, connections: int) -> Load:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT.format(method=method, key=KEY, body=body, path=path, count=BENCH_INVOICES))
    try:
        output = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", script.name, base],
            capture_output=True,
            text=True,
            check=True,
            timeout=duration + 60,
        ).stdout
    finally:
        os.unlink(script.name)
    data = json.loads(re.search(r"JSON (\{.*\})", output).group(1))  # type: ignore[union-attr]
    return Load(data["rps"], data["p50"], data["p99"], data["non2xx"])


REQUESTS = [
    ("GET /v1/invoices/{id}", "GET", "/v1/invoices/inv_bench_RANDOM", ""),
    ("GET /v1/invoices?limit=50", "GET", "/v1/invoices?limit=50", ""),
    (
        "POST /v1/invoices/{id}/credit",
        "POST",
        "/v1/invoices/inv_bench_RANDOM/credit",
        '{"periods": [{"period_order": 0, "amount": {"quantity": "0.01", "currency": "EUR"}}]}',
    ),
]


def start_mock(fixtures: Path, *extra: str) -> tuple[subprocess.Popen[bytes], str, float]:
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "mock_server", "--port", str(port), "--fixtures", str(fixtures), *extra],
        cwd=ROOT,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_ready(base + "/v1/invoices/inv_alpha_0001", {"X-API-KEY": KEY})
    return process, base, time.perf_counter() - started


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


def load_100k_invoices(base: str) -> None:
    state = httpx.get(base + "/__mock/state", timeout=60).json()
    alpha = next(c for c in state["commits"] if c["api"] == "solvimon" and c["tenant"] == "plat_alpha")
    template = next(
        record for collection, key, record in alpha["records"] if collection == "invoices" and key == "inv_alpha_0001"
    )
    for number in range(100_000):
        invoice = dict(template, id=f"inv_load_{number:06d}", invoice_number=f"LOAD-{number:06d}")
        alpha["records"].append(["invoices", invoice["id"], invoice])
    httpx.put(base + "/__mock/state", json=state, timeout=300).raise_for_status()


def conformance_command(api: str, base: str, *extra: str) -> list[str]:
    """``conformance run`` against the mock at ``base`` with its default credentials."""
    return [
        sys.executable,
        "-m",
        "conformance",
        "run",
        "--api",
        api,
        "--base-url",
        base,
        *mock_flags()[api],
        *extra,
    ]


def conformance_seconds(base: str) -> dict[str, float]:
    timings = {}
    for api in mock_flags():
        with tempfile.TemporaryDirectory() as reports:
            started = time.perf_counter()
            command = conformance_command(api, base, "--profile", "ci", "--quiet", "--report-dir", reports)
            result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
            timings[api] = time.perf_counter() - started
            if result.returncode != 0:
                print(f"warning: conformance {api} exited {result.returncode}", flush=True)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--skip-prism", action="store_true")
    args = parser.parse_args()
    ensure_tools(args.skip_prism)
    rows: list[tuple[str, str, Load]] = []
    with tempfile.TemporaryDirectory() as workdir:
        fixtures = Path(workdir) / "fixtures"
        bench_fixtures(fixtures)
        state_file = str(Path(workdir) / "state.json")
        variants: list[tuple[str, tuple[str, ...], list[tuple[str, str, str, str]]]] = [
            ("mock", (), REQUESTS),
            ("mock + response validation", ("--validate-responses",), REQUESTS),
            ("mock + --state-file (fsync per write)", ("--state-file", state_file), REQUESTS[2:]),
        ]
        for label, extra, requests in variants:
            process, base, _ = start_mock(fixtures, *extra)
            try:
                for name, method, path, body in requests:
                    rows.append((label, name, wrk(base, method, path, body, args.duration, args.connections)))
                    print(f"{label:<28} {name:<32} {rows[-1][2]}", flush=True)
            finally:
                stop(process)
        if not args.skip_prism:
            port = free_port()
            prism = subprocess.Popen(
                [
                    str(PRISM_BIN),
                    "mock",
                    str(ROOT / "openapi" / "solvimon.yaml"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "--errors",
                    "false",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                base = f"http://127.0.0.1:{port}"
                wait_ready(base + "/v1/invoices/x", {"X-API-KEY": KEY})
                for name, method, path, body in REQUESTS:
                    rows.append(
                        ("Prism " + PRISM_VERSION, name, wrk(base, method, path, body, args.duration, args.connections))
                    )
                    print(f"{'Prism':<28} {name:<32} {rows[-1][2]}", flush=True)
            finally:
                stop(prism)
        # Our mock only: startup, memory, conformance time.
        startups = []
        for _ in range(3):
            process, base, seconds = start_mock(ROOT / "fixtures")
            startups.append(seconds)
            stop(process)
        process, base, _ = start_mock(ROOT / "fixtures")
        try:
            rss_fixtures = rss_mb(process.pid)
            load_100k_invoices(base)
            rss_100k = rss_mb(process.pid)
        finally:
            stop(process)
        process, base, _ = start_mock(ROOT / "fixtures")
        try:
            conformance = conformance_seconds(base)
        finally:
            stop(process)
    lines = [
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores,"
        f" Python {platform.python_version()};"
        f" wrk -t2 -c{args.connections} -d{args.duration}s on loopback; load generator and server share the machine.",
        "",
        "| server | request | requests/s | p50 ms | p99 ms | non-2xx | ours / Prism |",
        "|---|---|---|---|---|---|---|",
    ]
    prism = {name: load for label, name, load in rows if label.startswith("Prism")}
    for label, name, load in rows:
        ratio = (
            f"{load.requests_per_second / prism[name].requests_per_second:.2f}×"
            if name in prism and not label.startswith("Prism")
            else ""
        )
        cells = f"{load.requests_per_second:,.0f} | {load.p50_ms:.1f} | {load.p99_ms:.1f} | {load.non_2xx}"
        lines.append(f"| {label} | `{name}` | {cells} | {ratio} |")
    lines += [
        "",
        f"Startup to first 200 (3 runs): {', '.join(f'{s:.2f} s' for s in startups)}",
        f"RSS with the fixtures: {rss_fixtures:.0f} MB; after 100,000 more stored invoices: {rss_100k:.0f} MB",
        "`conformance run --profile ci` against the mock: "
        + ", ".join(f"{api} {s:.1f} s" for api, s in conformance.items()),
    ]
    report = "\n".join(lines) + "\n"
    print("\n" + report)
    (ROOT / "bench" / "results.md").write_text(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
