"""Run the ``st`` command line: its output shown live (unless quiet), its last lines kept.

Schemathesis says why it refused to run (a bad configuration, an unloadable document) on its
standard output and exits 2; :func:`refusal_reason` turns that output into one line, so a run
that fails as a whole says why even when the live output was hidden.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Completed", "refusal_reason", "run_st"]

KEPT_LINES = 200
_DECORATION = ("━", "─", "=")


@dataclass(frozen=True)
class Completed:
    returncode: int | None  # None: stopped at the timeout
    lines: tuple[str, ...]
    seconds: float


def run_st(command: list[str], *, cwd: Path, quiet: bool, timeout: float) -> Completed:
    """Run ``command``; echo each line unless ``quiet``; stop it after ``timeout`` seconds."""
    started = time.perf_counter()
    kept: deque[str] = deque(maxlen=KEPT_LINES)
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
        errors="replace",
    )

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            kept.append(line.rstrip("\n"))
            if not quiet:
                sys.stdout.write(line)
                sys.stdout.flush()

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        returncode: int | None = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        returncode = None
    reader.join(timeout=5)
    return Completed(returncode, tuple(kept), time.perf_counter() - started)


def refusal_reason(lines: tuple[str, ...] | list[str], limit: int = 400) -> str:
    """Schemathesis' own reason, in one line: the text after its banner, decoration left out."""
    text: list[str] = []
    for line in lines:
        stripped = line.strip().lstrip("❌✅⚠️ ").strip()
        if not stripped or stripped.startswith("Schemathesis v") or stripped[0] in _DECORATION:
            continue
        if stripped.startswith(("Need more help?", "For more information", "Tip:")):
            break
        text.append(stripped.rstrip(":.") if not stripped.endswith("?") else stripped)
    reason = ": ".join(text) or "no output"
    return reason if len(reason) <= limit else reason[: limit - 1] + "…"
