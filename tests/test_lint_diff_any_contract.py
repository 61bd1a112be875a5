"""`lint` and `diff` on any contract: every document of the peer suites (oasdiff's specs, the
``====spec====`` of each Prism harness case, the real documents, Stripe's 4 MB one included) ends
with exit 0, 1 or 2 and a last line that says why, never a traceback. In-process, each document
under a time limit that grows with its size. Skipped, with the reason, where the peer suites are
not beside the checkout."""

from __future__ import annotations

import contextlib
import io
import signal
from pathlib import Path
from types import FrameType

from conformance.cli import main
from tests.peer_suites import documents, require_peer_suites

_SECONDS_PER_DOCUMENT = 30
_BYTES_PER_EXTRA_SECOND = 20_000  # Stripe's 4 MB: lint ~1 min on a loaded machine


class _TooSlow(Exception):
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _TooSlow


def _run(argv: list[str]) -> tuple[int, str]:
    """Exit code and standard error of one command; an exception escaping main() is a failure."""
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, err.getvalue()


def test_every_peer_document_is_linted_and_diffed_with_a_one_line_reason(tmp_path: Path) -> None:
    require_peer_suites()
    failures: list[str] = []
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        for document in documents(tmp_path):
            seconds = _SECONDS_PER_DOCUMENT + document.stat().st_size // _BYTES_PER_EXTRA_SECOND
            for argv in (["lint", str(document)], ["diff", str(document), str(document)]):
                signal.alarm(seconds)
                try:
                    code, err = _run(argv)
                except _TooSlow:
                    failures.append(f"{' '.join(argv)}: over {seconds} s")
                    continue
                except Exception as exc:  # any escape is the failure we look for
                    failures.append(f"{' '.join(argv)}: {type(exc).__name__}: {exc}")
                    continue
                finally:
                    signal.alarm(0)
                lines = err.strip().splitlines()
                if code not in (0, 1, 2) or "Traceback" in err or not lines:
                    failures.append(f"{' '.join(argv)}: exit {code}: {err[-300:]}")
                elif not lines[-1].startswith("conformance"):
                    failures.append(f"{' '.join(argv)}: last line {lines[-1]!r}")
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert failures == [], "\n".join(failures[:20])
