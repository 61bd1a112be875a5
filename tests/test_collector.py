"""Full garbage collections wait for a pause in the requests (mock_server/process/collector.py)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from typing import Any

import pytest

from mock_server.process.collector import IdleCollector


async def _app(scope: Any, receive: Any, send: Any) -> None:
    return None


@pytest.fixture(autouse=True)
def gc_settings() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.set_threshold(*thresholds)


async def _receive() -> Any:
    return {}


async def _send(message: Any) -> None:
    return None


def _collections_over(seconds: int, *, request_at: set[int], promote: bool) -> list[int]:
    """The seconds (of a fake clock) at which the collector ran a full collection, checking once
    a second, with a request arriving at the seconds in ``request_at``."""
    now = [0.0]
    # No idle check of its own within the test: the test calls collect_if_due itself.
    collector = IdleCollector(_app, idle_seconds=3600, forced_seconds=30, clock=lambda: now[0])
    ran = []

    async def scenario() -> None:
        await collector({"type": "lifespan"}, _receive, _send)
        gc.collect()
        for second in range(1, seconds + 1):
            now[0] = second
            if promote:
                gc.collect(1)  # a middle collection: something may have reached the oldest generation
            if second in request_at:
                await collector({"type": "http"}, _receive, _send)
            if collector.collect_if_due():
                ran.append(second)

    asyncio.run(scenario())
    return ran


def test_a_full_collection_waits_while_requests_keep_arriving_then_runs_when_they_pause() -> None:
    assert _collections_over(25, request_at=set(range(1, 20)), promote=True) == [20, 21, 22, 23, 24, 25]


def test_nothing_promoted_means_no_full_collection() -> None:
    collector = IdleCollector(_app)
    gc.collect()
    assert gc.get_count()[2] == 0
    assert not collector.collect_if_due()


def test_under_load_that_never_pauses_a_full_collection_is_forced() -> None:
    assert _collections_over(65, request_at=set(range(1, 66)), promote=True) == [30, 60]


def test_started_it_switches_automatic_full_collections_off_and_collects_once_requests_pause() -> None:
    full: list[int] = []

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 2:
            full.append(1)

    async def scenario() -> None:
        collector = IdleCollector(_app, idle_seconds=0.01)
        await collector({"type": "lifespan"}, _receive, _send)
        assert gc.get_threshold()[2] > 1_000_000  # automatic full collections are off
        gc.collect(1)
        await collector({"type": "http"}, _receive, _send)  # schedules the checks
        gc.callbacks.append(watch)
        try:
            for _ in range(500):  # at most 5 s; a check comes every 10 ms
                if full:
                    break
                await asyncio.sleep(0.01)
            assert full
            # Idle now: no check is pending, so nothing runs however long it stays idle.
            gc.collect(1)
            await asyncio.sleep(0.2)
            assert len(full) == 1
        finally:
            gc.callbacks.remove(watch)

    asyncio.run(scenario())
