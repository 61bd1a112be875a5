"""The one contract loader every tool uses: the mock, ``lint``, ``diff`` and ``conformance run``.

``load_contract(source)`` takes a file, a folder holding one root document, or an http(s) URL,
in JSON or YAML, OpenAPI 3.0 or 3.1, and returns a :class:`LoadedContract`:

- the text read as OpenAPI reads it (:mod:`.reading`: string keys, dates stay strings);
- relative external ``$ref``s (``./schemas/pet.yaml#/Pet``) bundled into the document
  (:mod:`.bundling`), so every later step sees one document with local references only;
- what is invalid but interpretable repaired, each repair a :class:`LoadWarning` naming its JSON
  pointer (:mod:`.repairs`): tools serve, diff and check such a document, ``lint`` reports the
  warnings as errors;
- only what cannot be interpreted raises :class:`DocumentError`, whose message is one line naming
  the file (and the pointer where there is one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from .bundling import bundle_external_refs
from .document import DocumentError
from .reading import ReadError, parse_text
from .refs import unchanging
from .repairs import LoadWarning, repair

__all__ = [
    "CONTRACT_SUFFIXES",
    "LoadWarning",
    "LoadedContract",
    "contract_from_text",
    "load_contract",
    "read_source",
]

CONTRACT_SUFFIXES = (".yaml", ".yml", ".json")
_ROOT_NAMES = ("openapi.yaml", "openapi.yml", "openapi.json")


@dataclass(frozen=True)
class LoadedContract:
    """A contract as every tool sees it: one normalised document, and what was repaired in it."""

    source: str
    document: dict[str, Any]
    text: str
    warnings: tuple[LoadWarning, ...] = field(default=())

    @property
    def version(self) -> str:
        """``"3.0"`` or ``"3.1"``."""
        return str(self.document["openapi"])[:3]

    @property
    def stem(self) -> str:
        """The name the contract goes by: its file's stem (the URL's last segment for a URL)."""
        name = urlparse(self.source).path if _is_url(self.source) else self.source
        return Path(name).stem or "contract"


def _is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def read_source(source: str | Path) -> tuple[str, str]:
    """The (label, text) of a file, of a folder's root document, or of a URL."""
    label = str(source)
    if isinstance(source, str) and _is_url(source):
        return label, _fetch(source)
    path = Path(source)
    if path.is_dir():
        path = _root_document(path)
        label = str(path)
    try:
        return label, path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise DocumentError(f"{label}: cannot read the contract: {reason}") from exc


def _fetch(url: str) -> str:
    import httpx

    try:
        response = httpx.get(url, follow_redirects=True, timeout=30)
    except httpx.HTTPError as exc:
        raise DocumentError(f"{url}: cannot fetch the contract: {exc}") from exc
    if response.status_code != 200:
        raise DocumentError(f"{url}: cannot fetch the contract: HTTP {response.status_code}")
    return response.text


def _root_document(folder: Path) -> Path:
    """A folder's root document: ``openapi.yaml|yml|json``, else its one file with an ``openapi`` key."""
    for name in _ROOT_NAMES:
        if (folder / name).is_file():
            return folder / name
    roots = []
    for candidate in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in CONTRACT_SUFFIXES):
        head = candidate.read_text(encoding="utf-8", errors="replace")[:4096]
        if any(line.lstrip("{ \"'").startswith("openapi") for line in head.splitlines()[:40]):
            roots.append(candidate)
    if len(roots) != 1:
        found = "no file" if not roots else f"{len(roots)} files ({', '.join(p.name for p in roots)})"
        raise DocumentError(
            f"{folder}: expected one root document (openapi.yaml, or one file with `openapi:`), found {found}"
        )
    return roots[0]


def load_contract(source: str | Path) -> LoadedContract:
    """Read, bundle and repair one contract; :class:`DocumentError` (one line) when it cannot be used."""
    label, text = read_source(source)
    base = label if _is_url(label) else str(Path(label).resolve())
    return contract_from_text(label, text, base)


def contract_from_text(label: str, text: str, base: str) -> LoadedContract:
    """:func:`load_contract` for text read elsewhere (``git show``); relative ``$ref``s resolve from ``base``."""
    try:
        document = parse_text(text)
    except ReadError as exc:
        raise DocumentError(f"{label}: cannot read the contract: {exc}") from exc
    if not isinstance(document, dict):
        raise DocumentError(f"{label}: not an OpenAPI document (the top level is not a mapping)")
    if "swagger" in document and "openapi" not in document:
        raise DocumentError(
            f"{label}: Swagger {document['swagger']} is not supported: convert it to OpenAPI 3 "
            "(for example with swagger2openapi)"
        )
    version = str(document.get("openapi", ""))
    if not version.startswith(("3.0", "3.1")):
        raise DocumentError(f"{label}: not an OpenAPI 3.0 or 3.1 document (openapi: {version or 'missing'})")
    document = bundle_external_refs(document, base)
    warnings = repair(document, fallback_title=Path(urlparse(label).path).stem or "contract")
    # Never changed from here on, so resolve_refs keeps what it inlines between calls.
    return LoadedContract(label, unchanging(document), text, tuple(warnings))
