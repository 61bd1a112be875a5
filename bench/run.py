"""Side-by-side benchmark: our mock against Stoplight Prism on openapi/solvimon.yaml, with targets.

    .venv/bin/python bench/run.py [--duration 10] [--connections 32] [--invoices 100000]
                                  [--skip-prism] [--skip-conformance]

Installs what it needs: wrk from Debian (apt-get) if missing, Prism at a pinned version into
bench/.prism with npm. Loopback only; every load is bounded by --duration (after a 2 s warm-up).
Prints requests/s, p50, p99 and the server's CPU time per request for each request on both
servers, then for our mock only: time from process start to the first 200, RSS with the
fixtures and after --invoices more stored invoices (imported through the admin API), and the
`conformance run --profile ci` time per API. Ends with each target of issue 17 and whether it is
met. Writes it all as Markdown to bench/results.md; docs/performance.md explains how to read it.
About 5 minutes on 2 quiet cores (plus the first Prism install).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from bench.measure import (
    BENCH_INVOICES,
    KEY,
    ROOT,
    Load,
    free_port,
    memory_per_invoice,
    start_mock,
    startup_seconds,
    stop,
    wait_ready,
    wrk,
)
from invoice_contracts.credentials import mock_flags

PRISM_VERSION = "5.16.0"
PRISM_DIR = ROOT / "bench" / ".prism"
PRISM_BIN = PRISM_DIR / "node_modules" / ".bin" / "prism"


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


REQUESTS: list[tuple[str, tuple[str, str, str]]] = [
    ("GET /v1/invoices/{id}", ("GET", "/v1/invoices/inv_bench_RANDOM", "")),
    ("GET /v1/invoices?limit=50", ("GET", "/v1/invoices?limit=50", "")),
    (
        "POST /v1/invoices/{id}/credit",
        (
            "POST",
            "/v1/invoices/inv_bench_RANDOM/credit",
            '{"periods": [{"period_order": 0, "amount": {"quantity": "0.01", "currency": "EUR"}}]}',
        ),
    ),
]
# Issue 17: requests/s each request must reach with request validation on.
THROUGHPUT_TARGETS = {
    "GET /v1/invoices/{id}": 2000,
    "GET /v1/invoices?limit=50": 1000,
    "POST /v1/invoices/{id}/credit": 1500,
}
TAIL_RATIO, TAIL_MS = 4.0, 50.0  # p99 <= 4 x p50 and <= 50 ms
KB_PER_INVOICE = 3.0
STARTUP_SECONDS = 1.0


@dataclass
class Row:
    server: str
    request: str
    load: Load


def load_mock(fixtures: Path, workdir: Path, duration: int, connections: int) -> list[Row]:
    rows = []
    variants: list[tuple[str, tuple[str, ...], list[tuple[str, tuple[str, str, str]]]]] = [
        ("mock", (), REQUESTS),
        ("mock + response validation", ("--validate-responses",), REQUESTS),
        ("mock + --state-file (fsync per write)", ("--state-file", str(workdir / "state.json")), REQUESTS[2:]),
    ]
    for label, extra, requests in variants:
        process, base, _ = start_mock(fixtures, *extra)
        try:
            for name, request in requests:
                rows.append(Row(label, name, wrk(base, process.pid, request, duration, connections)))
                print(f"{label:<38} {name:<32} {rows[-1].load}", flush=True)
        finally:
            stop(process)
    return rows


def load_prism(duration: int, connections: int) -> list[Row]:
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
    rows = []
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base + "/v1/invoices/x", {"X-API-KEY": KEY})
        for name, request in REQUESTS:
            rows.append(Row("Prism " + PRISM_VERSION, name, wrk(base, prism.pid, request, duration, connections)))
            print(f"{'Prism':<38} {name:<32} {rows[-1].load}", flush=True)
    finally:
        stop(prism)
    return rows


def verdict(met: bool) -> str:
    return "met" if met else "**not met**"


def targets(
    rows: list[Row], startups: list[float], rss: tuple[float, float] | None, invoices: int, connections: int
) -> list[str]:
    mock = {row.request: row.load for row in rows if row.server == "mock"}
    lines = ["| Target | Result | |", "|---|---|---|"]
    for name, wanted in THROUGHPUT_TARGETS.items():
        got = mock[name].requests_per_second
        lines.append(
            f"| `{name}` ≥ {wanted:,} requests/s, request validation on | {got:,.0f} | {verdict(got >= wanted)} |"
        )
    for name, load in mock.items():
        ok = load.p99_ms <= TAIL_RATIO * load.p50_ms and load.p99_ms <= TAIL_MS
        lines.append(
            f"| `{name}` at {connections} connections: p99 ≤ {TAIL_RATIO:g} × p50 and ≤ {TAIL_MS:g} ms"
            f" | p50 {load.p50_ms:.1f} ms, p99 {load.p99_ms:.1f} ms ({load.p99_ms / load.p50_ms:.1f}×)"
            f" | {verdict(ok)} |"
        )
    if rss is not None:
        per_invoice = (rss[1] - rss[0]) * 1024 / invoices
        lines.append(
            f"| ≤ {KB_PER_INVOICE:g} KB of RSS per stored invoice | {per_invoice:.2f} KB"
            f" ({rss[1] - rss[0]:,.0f} MB above the mock with its fixtures for {invoices:,}) |"
            f" {verdict(per_invoice <= KB_PER_INVOICE)} |"
        )
    median = sorted(startups)[len(startups) // 2]
    lines.append(
        f"| Startup ≤ {STARTUP_SECONDS:g} s to the first 200 (median of {len(startups)}) | {median:.2f} s"
        f" | {verdict(median <= STARTUP_SECONDS)} |"
    )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per load (default %(default)s)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default %(default)s)")
    parser.add_argument("--invoices", type=int, default=100_000, help="invoices imported for the memory measure")
    parser.add_argument("--skip-prism", action="store_true")
    parser.add_argument("--skip-conformance", action="store_true")
    args = parser.parse_args()
    ensure_tools(args.skip_prism)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as workdir:
        fixtures = Path(workdir) / "fixtures"
        bench_fixtures(fixtures)
        rows = load_mock(fixtures, Path(workdir), args.duration, args.connections)
    if not args.skip_prism:
        rows += load_prism(args.duration, args.connections)
    startups = startup_seconds()
    print("startup to the first 200:", ", ".join(f"{s:.2f} s" for s in startups), flush=True)
    rss = memory_per_invoice(args.invoices) if args.invoices else None
    print(f"RSS with the fixtures, after {args.invoices:,} more invoices: {rss}", flush=True)
    conformance: dict[str, float] = {}
    if not args.skip_conformance:
        process, base, _ = start_mock(ROOT / "fixtures")
        try:
            conformance = conformance_seconds(base)
        finally:
            stop(process)
    lines = [
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores,"
        f" Python {platform.python_version()}; wrk -t2 -c{args.connections} -d{args.duration}s on loopback;"
        f" load generator and server share the machine; run took {time.monotonic() - started:.0f} s.",
        "",
        "| server | request | requests/s | p50 ms | p99 ms | server CPU ms/request | non-2xx | ours / Prism |",
        "|---|---|---|---|---|---|---|---|",
    ]
    prism = {row.request: row.load for row in rows if row.server.startswith("Prism")}
    for row in rows:
        load = row.load
        ratio = (
            f"{load.requests_per_second / prism[row.request].requests_per_second:.2f}×"
            if row.request in prism and not row.server.startswith("Prism")
            else ""
        )
        cells = (
            f"{load.requests_per_second:,.0f} | {load.p50_ms:.1f} | {load.p99_ms:.1f}"
            f" | {load.cpu_ms_per_request:.2f} | {load.non_2xx}"
        )
        lines.append(f"| {row.server} | `{row.request}` | {cells} | {ratio} |")
    lines += ["", f"Startup to first 200 ({len(startups)} runs): {', '.join(f'{s:.2f} s' for s in startups)}"]
    if rss is not None:
        lines.append(
            f"RSS with the fixtures: {rss[0]:.0f} MB; after {args.invoices:,} more stored invoices: {rss[1]:.0f} MB"
        )
    if conformance:
        lines.append(
            "`conformance run --profile ci` against the mock: "
            + ", ".join(f"{api} {s:.1f} s" for api, s in conformance.items())
        )
    lines += ["", "## Targets (issue 17)", "", *targets(rows, startups, rss, args.invoices, args.connections)]
    report = "\n".join(lines) + "\n"
    print("\n" + report)
    (ROOT / "bench" / "results.md").write_text(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
