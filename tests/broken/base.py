"""What every broken implementation is made of: the ``Breakage`` record and a response rewriter."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server import MockApp
from mock_server.rules import Call, Handler, Reply

__all__ = ["APP", "Breakage", "Rewrite", "RewriteResponses", "Wrap", "after", "json_rewrite"]

Rewrite = Callable[[str, str, int, dict[str, str], bytes], tuple[int, dict[str, str], bytes]]
Wrap = Callable[[Handler], Handler]


def after(change: Callable[[Call, Reply], Reply]) -> Wrap:
    """Run the real handler, then ``change`` what it did (its reply or the state it left)."""

    def wrap(original: Handler) -> Handler:
        def handler(call: Call) -> Reply:
            return change(call, original(call))

        return handler

    return wrap


@dataclass(frozen=True)
class Breakage:
    api: str
    description: str
    layer: str  # which layer must catch it: "scenarios" or "schema"
    expected: str  # a piece of the failing check's name
    handlers: dict[str, Callable[[Handler], Handler]] | None = None
    rewrite: Rewrite | None = None
    patch_app: Callable[[MockApp], None] | None = None
    # The rule broken is one the contract only infers: caught under --strict-assumptions
    # (a default run lists it as a warning).
    strict: bool = False


class RewriteResponses:
    """Buffers each response and lets ``rewrite`` change its status, headers and body."""

    def __init__(self, app: ASGIApp, rewrite: Rewrite) -> None:
        self.app = app
        self.rewrite = rewrite

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            else:
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in start["headers"]}
        status, headers, body = self.rewrite(scope["method"], scope["path"], start["status"], headers, b"".join(chunks))
        headers["content-length"] = str(len(body))
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
            }
        )
        await send({"type": "http.response.body", "body": body})


def json_rewrite(match: Callable[[str, str, int], bool], change: Callable[[Any], Any]) -> Rewrite:
    def rewrite(
        method: str, path: str, status: int, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        if not match(method, path, status):
            return status, headers, body
        return status, headers, json.dumps(change(json.loads(body))).encode()

    return rewrite


# The app being served, for breakages that read another tenant's records.
APP: list[MockApp] = []
