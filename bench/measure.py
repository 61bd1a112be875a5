"""Measurements of our mock alone: processes, load with wrk, startup, memory per invoice.

Used by ``bench/run.py``; every load is bounded by its duration and every wait by a timeout.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
KEY = "sk_test_all"
BENCH_INVOICES = 2000  # FINAL invoices the GET and credit loads spread over

__all__ = [
    "BENCH_INVOICES",
    "KEY",
    "ROOT",
    "Load",
    "free_port",
    "memory_per_invoice",
    "start_mock",
    "startup_seconds",
    "stop",
    "wait_ready",
    "wrk",
]


@dataclass
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    cpu_ms_per_request: float  # the server process's CPU time per request (robust on a busy machine)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, headers: dict[str, str], timeout: float = 60) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            if httpx.get(url, headers=headers, timeout=1).status_code == 200:
                return time.perf_counter() - started
        except httpx.TransportError:
            pass
        time.sleep(0.01)
    raise RuntimeError(f"{url} did not answer 200 within {timeout} s")


def start_mock(fixtures: Path, *extra: str) -> tuple[subprocess.Popen[bytes], str, float]:
    """Our mock on a free port; returns the process, its base URL and the seconds to its first 200."""
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


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


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
  io.write(string.format(
    "JSON {{\\"rps\\": %f, \\"p50\\": %f, \\"p99\\": %f, \\"requests\\": %d, \\"non2xx\\": %d}}\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout))
end
"""


def wrk(base: str, pid: int, request: tuple[str, str, str], duration: int, connections: int, warmup: int = 2) -> Load:
    """``wrk -t2`` against ``base`` for ``duration`` seconds after a short warm-up run."""
    method, path, body = request
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT.format(method=method, key=KEY, body=body, path=path, count=BENCH_INVOICES))

    def run(seconds: int) -> dict[str, float]:
        output = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name, base],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        ).stdout
        found = re.search(r"JSON (\{.*\})", output)
        if found is None:
            raise RuntimeError(f"wrk printed no summary:\n{output}")
        data: dict[str, float] = json.loads(found.group(1))
        return data

    try:
        if warmup:
            run(warmup)
        cpu_before = cpu_seconds(pid)
        data = run(duration)
        cpu = cpu_seconds(pid) - cpu_before
    finally:
        os.unlink(script.name)
    return Load(data["rps"], data["p50"], data["p99"], int(data["non2xx"]), 1000 * cpu / max(data["requests"], 1))


def startup_seconds(runs: int = 3) -> list[float]:
    """Seconds from process start to the first 200, with the project's fixtures."""
    timings = []
    for _ in range(runs):
        process, _, seconds = start_mock(ROOT / "fixtures")
        timings.append(seconds)
        stop(process)
    return timings


def _import_body(base: str, invoices: int) -> bytes:
    """The mock's state export plus ``invoices`` copies of a fixture invoice, as JSON bytes.

    Built as bytes from one encoded template, so the bench itself stays small.
    """
    state = httpx.get(base + "/__mock/state", timeout=60).json()
    alpha = next(c for c in state["commits"] if c["api"] == "solvimon" and c["tenant"] == "plat_alpha")
    template = next(
        record for collection, key, record in alpha["records"] if collection == "invoices" and key == "inv_alpha_0001"
    )
    encoded = json.dumps(dict(template, id="@ID@", invoice_number="@NUMBER@"), separators=(",", ":")).encode()
    records = [
        b'["invoices","inv_load_%06d",' % n
        + encoded.replace(b"@ID@", b"inv_load_%06d" % n).replace(b"@NUMBER@", b"LOAD-%06d" % n)
        + b"]"
        for n in range(invoices)
    ]
    alpha["records"].append("@LOADED@")
    document = json.dumps(state, separators=(",", ":")).encode()
    return document.replace(b'"@LOADED@"', b",".join(records))


def memory_per_invoice(invoices: int) -> tuple[float, float]:
    """RSS in MB of the mock with the fixtures, and after importing ``invoices`` more invoices
    through the admin API (once the mock has handed the import's freed memory back, ≤ 20 s)."""
    process, base, _ = start_mock(ROOT / "fixtures")
    try:
        before = rss_mb(process.pid)
        body = _import_body(base, invoices)
        httpx.put(
            base + "/__mock/state", content=body, headers={"Content-Type": "application/json"}, timeout=1800
        ).raise_for_status()
        del body
        # The mock hands the import's freed heap back 3 s after it (mock_server/process/heap.py).
        time.sleep(4)
        after = rss_mb(process.pid)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            time.sleep(1)
            now = rss_mb(process.pid)
            settled = now > after - 1
            after = min(after, now)
            if settled:
                break
        response = httpx.get(base + f"/v1/invoices/inv_load_{invoices - 1:06d}", headers={"X-API-KEY": KEY})
        response.raise_for_status()
        return before, after
    finally:
        stop(process)
