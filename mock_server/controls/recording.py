"""``mock-server proxy --record DIR``: what the proxy sees, written as stubs the mock loads.

Each answered exchange of a contract operation becomes one JSON stub file (``stubs.py``'s
format) in ``DIR``: its matcher names the API, method, exact path, query and the JSON request
body; its response is the upstream's status, body and the headers worth replaying
(``Location``, ``Content-Type`` and those the operation documents). Secrets never reach the
files: matchers name no header, the query parameters a security scheme carries are left out
and any secret header is redacted. When the same request got different answers (a read
before and after a write), the earlier answers are stubs with ``times: 1`` in the order they
came, and the last one answers for ever, so replaying the session gives the same answers.
``mock-server --stubs DIR`` loads them.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from invoice_contracts.oas import resolve_refs

from ..contracts import Contract
from ..serving.requests.auth import SecretCarriers

__all__ = ["Recorder", "load_stub_files"]

_REPLAYED_HEADERS = {"location", "content-type"}


class Recorder:
    def __init__(self, directory: Path, contract: Contract) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.contract = contract
        self.secrets = SecretCarriers.of(contract.spec.get("components", {}).get("securitySchemes", {}))
        self._groups: dict[str, tuple[int, list[dict[str, Any]]]] = {}

    def record(
        self,
        method: str,
        path: str,
        query: str,
        body: bytes,
        status: int,
        headers: Mapping[str, str],
        response_body: bytes,
        conforms: bool,
    ) -> None:
        operation = self.contract.match(method, path)
        if operation is None:
            return
        request: dict[str, Any] = {"api": self.contract.name, "method": method.upper(), "path": path}
        params = {k: v for k, v in parse_qsl(query, keep_blank_values=True) if k not in self.secrets.query}
        if params:
            request["query"] = params
        if body:
            with contextlib.suppress(ValueError):  # a body that is not JSON is not matched on
                request["body"] = json.loads(body)
        documented = {h.lower() for h in self._documented_headers(operation.path, operation.method, status)}
        replayed = {
            name: self.secrets.header_value(name, value)
            for name, value in headers.items()
            if name in _REPLAYED_HEADERS | documented
        }
        response: dict[str, Any] = {"status": status, "headers": replayed, "validate": conforms}
        if response_body:
            try:
                response["body"] = json.loads(response_body)
            except ValueError:
                response["body"] = response_body.decode("utf-8", "replace")
                response["validate"] = False
        key = json.dumps(request, sort_keys=True)
        number, answers = self._groups.setdefault(key, (len(self._groups) + 1, []))
        answers.append({"request": request, "response": response})
        for position, answer in enumerate(answers, start=1):
            last = position == len(answers)
            stub = {
                "id": f"rec-{number:04d}-{operation.operation_id}-{position}",
                "priority": min(position, 100),
                "times": None if last else 1,
                **answer,
            }
            target = self.directory / f"{stub['id']}.json"
            target.write_text(json.dumps(stub, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    def _documented_headers(self, template: str, method: str, status: int) -> list[str]:
        responses = self.contract.spec["paths"][template][method].get("responses", {})
        documented = resolve_refs(self.contract.spec, responses.get(str(status)) or responses.get("default") or {})
        return list((documented.get("headers") or {}).keys())


def load_stub_files(path: Path) -> list[tuple[Path, Any]]:
    """Stub definitions, each with its file, from a JSON file (a stub or a list) or a directory's ``*.json``.

    Raises ``OSError`` or ``ValueError`` naming the file that cannot be read.
    """
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    found: list[tuple[Path, Any]] = []
    for file in files:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise ValueError(f"{file}: not JSON: {exc}") from exc
        found.extend((file, item) for item in (data if isinstance(data, list) else [data]))
    return found
