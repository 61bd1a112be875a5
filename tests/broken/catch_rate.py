"""How many broken implementations ``conformance run`` catches: ``python -m tests.broken.catch_rate``.

Each selected breakage (``--only PREFIX``, default the hold-out catalogue) is served by a real
uvicorn process on a free loopback port (``python -m tests.broken NAME``), and the conformance
CLI is run against it as a user would, with the mock's credentials for its API, in the chosen
profile (default ``ci``), without ``--strict-assumptions``. Each result is one of:

- ``CAUGHT``: exit 1 with a failure reported;
- ``WARNING``: exit 0, but a broken inferred or assumed statement was reported as a warning;
- ``MISSED``: exit 0 and nothing reported;
- ``ERROR``: exit 2, a crash, a timeout, or a server that would not start.

At most two breakages run at once (the machine is shared). Stdout gets one line per breakage,
sorted by name, and a summary line; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from invoice_contracts.credentials import mock_flags
from tests.broken import BROKEN
from tests.conftest import run_conformance, start_server, stop_server

__all__ = ["Result", "classify", "main", "measure"]

MAX_JOBS = 2
VERDICTS = ("CAUGHT", "WARNING", "MISSED", "ERROR")
_TIMED = re.compile(r"^(.*?) \(\d+(?:\.\d+)? s\)")


@dataclass(frozen=True)
class Result:
    name: str
    api: str
    verdict: str
    exit_code: int | None
    failures: list[str]
    warnings: list[str]
    seconds: float
    detail: str = ""


def _reported(stdout: str, word: str) -> list[str]:
    """The checks a run reported as ``word`` (FAIL or WARN), from its progress lines."""
    found = []
    for line in stdout.splitlines():
        stripped = line.strip()
        if stripped.startswith(word + " "):
            found.append(stripped[len(word) + 1 :].strip())
    return found


def classify(exit_code: int | None, failures: list[str], warnings: list[str]) -> str:
    if exit_code == 1 and failures:
        return "CAUGHT"
    if exit_code == 0:
        return "WARNING" if warnings else "MISSED"
    return "ERROR"


def measure(name: str, profile: str, timeout: int) -> Result:
    """Serve breakage ``name``, run the conformance suite at it, and classify the outcome."""
    api = BROKEN[name].api
    started = time.monotonic()
    try:
        server = start_server(name, module="tests.broken")
    except RuntimeError as error:
        return Result(name, api, "ERROR", None, [], [], time.monotonic() - started, f"server: {error}"[:500])
    try:
        with tempfile.TemporaryDirectory(prefix="catch-rate-") as reports:
            completed = run_conformance(
                "run",
                "--api",
                api,
                "--base-url",
                server.base_url,
                *mock_flags()[api],
                "--profile",
                profile,
                "--report-dir",
                reports,
                "--quiet",
                timeout=timeout,
            )
    except subprocess.TimeoutExpired:
        return Result(name, api, "ERROR", None, [], [], time.monotonic() - started, f"timed out after {timeout} s")
    finally:
        stop_server(server)
    failures = _reported(completed.stdout, "FAIL")
    warnings = _reported(completed.stdout, "WARN")
    verdict = classify(completed.returncode, failures, warnings)
    detail = ""
    if verdict == "ERROR":
        text = completed.stderr.strip() or completed.stdout.strip()
        detail = text.splitlines()[-1][:300] if text else f"exit {completed.returncode}"
    return Result(name, api, verdict, completed.returncode, failures, warnings, time.monotonic() - started, detail)


def _check_name(reported: str) -> str:
    """``layer: name`` of a reported check, without its timing and detail (those stay in the JSON)."""
    match = _TIMED.match(reported)
    return match[1] if match else reported[:160]


def _line(result: Result) -> str:
    if result.verdict == "CAUGHT":
        why = "; ".join(_check_name(f) for f in result.failures)
    elif result.verdict == "WARNING":
        why = "; ".join(_check_name(w) for w in result.warnings)
    else:
        why = result.detail
    return f"{result.verdict:<8} {result.name} ({result.api}){': ' + why if why else ''}"


def summary(label: str, results: list[Result]) -> str:
    counts = {verdict: sum(r.verdict == verdict for r in results) for verdict in VERDICTS}
    return (
        f"{label}: {counts['CAUGHT']} caught, {counts['WARNING']} warnings, {counts['MISSED']} missed,"
        f" {counts['ERROR']} errors of {len(results)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.broken.catch_rate", description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="holdout_", metavar="PREFIX", help="breakages whose name starts with it")
    parser.add_argument("--profile", default="ci", choices=("ci", "quick", "thorough"))
    parser.add_argument("--jobs", type=int, default=MAX_JOBS, help=f"breakages at once (at most {MAX_JOBS})")
    parser.add_argument("--timeout", type=int, default=600, help="seconds one conformance run may take")
    parser.add_argument("--json-out", type=Path, metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args(argv)
    names = sorted(name for name in BROKEN if name.startswith(args.only))
    if not names:
        parser.error(f"no breakage name starts with {args.only!r}")
    jobs = max(1, min(args.jobs, MAX_JOBS))
    results: list[Result] = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(measure, name, args.profile, args.timeout) for name in names]
        for future in as_completed(futures):
            result = future.result()
            results.append(result)
            progress = f"[{len(results)}/{len(names)}] {_line(result)} ({result.seconds:.0f} s)"
            print(progress, file=sys.stderr, flush=True)
    results.sort(key=lambda r: r.name)
    for result in results:
        print(_line(result))
    label = args.only.rstrip("_-") or "all"
    print(summary(label, results))
    if args.json_out:
        payload = {"profile": args.profile, "summary": summary(label, results), "results": [asdict(r) for r in results]}
        args.json_out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 1 if any(r.verdict == "ERROR" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
