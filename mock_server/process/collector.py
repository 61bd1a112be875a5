"""Full garbage collections moved to the moments the mock is idle.

A full collection walks every tracked object that is not frozen, the cache of decoded records
(``records.py``) included, while every request in flight waits: under a credit load with the
cache full, Python's default thresholds ran 7 of them in 12 s, of 20 to 106 ms each, and the
credit p99 was 118 ms (docs/performance.md, "The tail"). Young and
middle collections stay automatic and cheap; automatic full collections are switched off, and
:class:`IdleCollector` runs them instead once no request has arrived for ``idle_seconds``, or,
under load that never pauses, at the latest every ``forced_seconds``, so cyclic garbage that
reaches the oldest generation is still freed. The checks run only while requests arrive: an
idle mock is not woken up.

Why by hand: Python offers thresholds and ``gc.freeze``, not "collect when idle"; this is the
ASGI wrapper that knows when requests arrive.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["IdleCollector"]

# A full collection is never due by count: only by this module.
_NEVER = 2**31 - 1
# A middle collection after every 2 young ones instead of 10: under writes the decoded cache's new
# entries survive young collections, and a middle collection over 10 of them took 10 to 13 ms;
# over 2, the collector's p99 pause went from 5.4-6.0 to 2.3-2.8 ms for the same total.
_MIDDLE = 2


class IdleCollector:
    """ASGI wrapper that counts requests and runs full collections when they pause."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        idle_seconds: float = 0.5,
        forced_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.idle_seconds = idle_seconds
        self.forced_seconds = forced_seconds
        self.requests = 0
        self._clock = clock
        self._requests_seen = 0
        self._last_full = clock()
        self._started = False
        self._check_pending = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._started:
            self.start()
        if scope["type"] == "http":
            self.requests += 1
            if not self._check_pending:
                self._schedule_check()
        await self.app(scope, receive, send)

    def start(self) -> None:
        """Switch automatic full collections off (requests schedule the checks that replace them)."""
        self._started = True
        gc.set_threshold(gc.get_threshold()[0], _MIDDLE, _NEVER)

    def _schedule_check(self) -> None:
        self._check_pending = True
        asyncio.get_running_loop().call_later(self.idle_seconds, self._check)

    def _check(self) -> None:
        # An idle mock is not woken up: checks continue only while requests keep arriving.
        # (Measured: a timer firing every 0.5 s kept glibc from handing an import's freed heap
        # back, 6.4 instead of 1.6 KB of RSS per imported invoice.)
        self._check_pending = False
        busy = self.requests != self._requests_seen
        self.collect_if_due()
        if busy:
            self._schedule_check()

    def collect_if_due(self) -> bool:
        """Run a full collection if objects were promoted since the last one and either no request
        arrived since the previous check or the last one is ``forced_seconds`` old; ``True`` if it ran."""
        idle = self.requests == self._requests_seen
        self._requests_seen = self.requests
        promoted = gc.get_count()[2] > 0  # middle collections since the last full one
        if not promoted or not (idle or self._clock() - self._last_full >= self.forced_seconds):
            return False
        gc.collect()
        self._last_full = self._clock()
        return True
