"""Tail latency of a saturated uvicorn under each event loop: why the mock runs on asyncio's.

    .venv/bin/python bench/event_loops.py [--work-ms 1.0] [--duration 6] [--connections 32]

Starts a bare ASGI app (no mock, no Connexion) that burns ``--work-ms`` of CPU per request, once
per event loop (uvloop, asyncio) and HTTP parser (httptools, h11), drives each with
``wrk -t2`` for a bounded time and prints requests/s and the latency percentiles. On this
2-core machine uvloop's p99 was 7 x its median and asyncio's 1.04 x, at the same throughput
(docs/performance.md, "The tail"). Loopback only; wrk must be installed (``bench/run.py``
installs it).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from bench.measure import free_port, stop, wait_ready

PERCENTILES = (50, 90, 97, 98, 99, 99.9)
COMBINATIONS = (("uvloop", "httptools"), ("asyncio", "httptools"), ("uvloop", "h11"), ("asyncio", "h11"))

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %f", summary.requests / (summary.duration / 1e6)))
  for _, p in ipairs({{{percentiles}}}) do io.write(string.format(" %f", latency:percentile(p) / 1000)) end
  io.write("\\n")
end
"""


def serve(port: int, work_ms: float, loop: str, http: str) -> None:
    """The burning app, run in a child process (``--serve``)."""
    import uvicorn

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await receive()
        until = time.perf_counter() + work_ms / 1000
        while time.perf_counter() < until:
            pass
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"x" * 1000})

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, loop=loop, http=http)


def measure(work_ms: float, loop: str, http: str, duration: int, connections: int) -> list[float]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port), "--work-ms", str(work_ms), "--loop", loop, "--http", http]
    )
    try:
        wait_ready(f"http://127.0.0.1:{port}/", {})
        with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
            script.write(WRK_SCRIPT.format(percentiles=", ".join(str(p) for p in PERCENTILES)))
            script.flush()
            output = subprocess.run(
                ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-s", script.name, f"http://127.0.0.1:{port}/"],
                capture_output=True,
                text=True,
                check=True,
                timeout=duration + 60,
            ).stdout
        line = next(line for line in output.splitlines() if line.startswith("RESULT "))
        return [float(value) for value in line.split()[1:]]
    finally:
        stop(server)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work-ms", type=float, default=1.0, help="CPU burnt per request (default %(default)s)")
    parser.add_argument("--duration", type=int, default=6, help="seconds per load (default %(default)s)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default %(default)s)")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--loop", default="asyncio", help=argparse.SUPPRESS)
    parser.add_argument("--http", default="httptools", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.work_ms, args.loop, args.http)
        return 0
    print(f"| loop | parser | requests/s | {' | '.join(f'p{p:g} ms' for p in PERCENTILES)} |")
    print(f"|---|---|---|{'---|' * len(PERCENTILES)}")
    for loop, http in COMBINATIONS:
        rate, *latencies = measure(args.work_ms, loop, http, args.duration, args.connections)
        print(f"| {loop} | {http} | {rate:,.0f} | {' | '.join(f'{ms:.1f}' for ms in latencies)} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
