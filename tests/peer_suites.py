"""Where the peer suites are (``../shared/peer-suites`` beside the checkout, or
``$INVOICE_CONTRACTS_PEER_SUITES``) and their documents unpacked into a test's temporary folder.

The suites are public test data kept outside the project (their README): tests read them where
they are and copy nothing into the repository."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

__all__ = ["PEER_SUITES", "documents", "oasdiff_index", "require_peer_suites", "unpack_oasdiff"]

PEER_SUITES = Path(os.environ.get("INVOICE_CONTRACTS_PEER_SUITES", ROOT.parent / "shared" / "peer-suites"))


def require_peer_suites() -> None:
    if not (PEER_SUITES / "oasdiff" / "index.json").is_file():
        pytest.skip(f"the peer suites are not at {PEER_SUITES} (set INVOICE_CONTRACTS_PEER_SUITES)")


def oasdiff_index() -> dict[str, Any]:
    index: dict[str, Any] = json.loads((PEER_SUITES / "oasdiff" / "index.json").read_text(encoding="utf-8"))
    return index


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.suffix == ".gz" and target.suffix != ".gz":
        target.write_bytes(gzip.decompress(source.read_bytes()))
    else:
        target.write_bytes(source.read_bytes())


def unpack_oasdiff(work: Path) -> list[Path]:
    """oasdiff's spec files, laid out as its tests name them (relative ``$ref``s keep working)."""
    files: dict[str, str] = oasdiff_index()["files"]
    for relative, stored in files.items():
        _copy(PEER_SUITES / "oasdiff" / "data" / stored, work / relative)
    return [work / relative for relative in sorted(files)]


def _prism_specs(work: Path) -> Iterator[Path]:
    """The ``====spec====`` section of each Prism harness case, as a file of its own."""
    for case in sorted((PEER_SUITES / "prism-harness" / "specs").rglob("*.txt")):
        text = case.read_text(encoding="utf-8")
        if "====spec====" not in text:
            continue
        spec = text.split("====spec====", 1)[1].split("\n====", 1)[0]
        target = work / "prism" / case.relative_to(PEER_SUITES / "prism-harness" / "specs").with_suffix(".yaml")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(spec, encoding="utf-8")
        yield target


def documents(work: Path) -> list[Path]:
    """Every document of the three suites, unpacked under ``work``."""
    found = unpack_oasdiff(work / "oasdiff")
    found += list(_prism_specs(work))
    for stored in sorted((PEER_SUITES / "real-specs" / "specs").glob("*")):
        target = work / "real" / stored.name.removesuffix(".gz")
        _copy(stored, target)
        found.append(target)
    return found
