"""``--watch``: rebuild the mock when a contract or fixture file changes.

Files are polled (every second; no dependency on inotify). A new mock is built and started
beside the running one and swapped in only when it starts cleanly; a broken edit keeps the
last good version serving and logs why. Without ``--state-file`` a reload starts from the
fixtures again, as a restart would; with it, the saved state carries over.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from starlette.types import Receive, Scope, Send

from ..app import MockApp, create_app
from ..contracts import ContractError
from ..discovery import SetupError, watched_files
from ..settings import MockSettings

__all__ = ["ReloadingApp"]

logger = logging.getLogger("mock_server.process.reload")


class ReloadingApp:
    def __init__(self, settings: MockSettings, *, interval: float = 1.0) -> None:
        self.settings = settings
        self.interval = interval
        self.current: MockApp = create_app(settings)
        self._fingerprint = watched_files(settings)
        self._watcher: asyncio.Task[None] | None = None

    def index(self) -> list[dict[str, str]]:
        return self.current.index()

    async def reload_if_changed(self) -> bool:
        fingerprint = watched_files(self.settings)
        if fingerprint == self._fingerprint:
            return False
        self._fingerprint = fingerprint
        self.current.state.detach_state_file()  # the new mock takes the state file over
        try:
            candidate = create_app(self.settings)
            await candidate.startup()
        except (SetupError, ContractError, OSError) as exc:
            logger.error("mock-server: reload failed, still serving the last good version: %s", exc)
            print(f"mock-server: reload failed, still serving the last good version: {exc}", flush=True)
            self.current.state.attach_state_file()
            return False
        previous, self.current = self.current, candidate
        await previous.shutdown()
        print(f"mock-server: reloaded ({_changed(fingerprint)})", flush=True)
        return True

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            await self.reload_if_changed()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.current(scope, receive, send)
            return
        await receive()
        try:
            await self.current.startup()
        except Exception as exc:  # reported to the server, which refuses to start
            await send({"type": "lifespan.startup.failed", "message": str(exc)})
            return
        self._watcher = asyncio.create_task(self._watch())
        await send({"type": "lifespan.startup.complete"})
        message: Any = await receive()
        if message["type"] == "lifespan.shutdown":
            self._watcher.cancel()
            await self.current.shutdown()
            await send({"type": "lifespan.shutdown.complete"})


def _changed(fingerprint: tuple[tuple[str, int, int], ...]) -> str:
    return f"{len(fingerprint)} files watched, newest {max(fingerprint, key=lambda f: f[1])[0] if fingerprint else '-'}"
