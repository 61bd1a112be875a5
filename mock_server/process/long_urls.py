"""uvicorn's httptools protocol, taking request targets longer than 64 KB.

httptools' URL parser keeps 16-bit offsets, so uvicorn answered any request line past about
65,530 bytes with its own ``400 Invalid HTTP request received.`` in ``text/plain``, before the
app saw it: a schema-valid request with a few long query values (a ``maxLength: 5000`` string of
4-byte characters is 60 KB percent-encoded) got an answer the contract does not document. Here
the query of such a target is split off before httptools parses the rest, and put back in the
request's scope; a path that is itself that long still gets uvicorn's 400. Subclassed rather than
patched: uvicorn takes the protocol class as ``Config(http=...)``.
"""

from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["LongUrlProtocol"]

# Below httptools' 16-bit offsets (65,535), with room for the scheme and authority of an absolute form.
_PARSABLE = 60_000


class LongUrlProtocol(HttpToolsProtocol):
    def on_headers_complete(self) -> None:
        if len(self.url) <= _PARSABLE or b"?" not in self.url:
            super().on_headers_complete()
            return
        target, _, query = self.url.partition(b"?")
        self.url = target
        super().on_headers_complete()
        # The ASGI task has been created but not yet run: it reads the scope from here on.
        self.scope["query_string"] = query.partition(b"#")[0]
