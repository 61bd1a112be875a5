"""Read the sides of a diff: a file, a folder, or ``git:REV:path`` for a revision of a file; and diff
two sides, matching the contracts of two folders by file name.

Every side goes through the one contract loader (:func:`invoice_contracts.oas.load_contract`):
YAML read as OpenAPI reads it, external ``$ref``s bundled, invalid-but-interpretable parts
repaired. A side that is not strictly valid is still diffed; each repair comes back as a
warning naming its pointer (the CLI prints them). Only a document that cannot be interpreted
at all is a usage error (:class:`DiffError`, one line).

A ``git:REV:path`` side is the file's text at that revision, parsed like a file; its relative
external ``$ref``s are read from the *working tree* folder of ``path`` (git keeps no other
revision of them at hand), which is right whenever the referenced files did not change.

Two folders are compared contract by contract (their ``*.yaml``/``*.yml``/``*.json`` files that
carry an ``openapi`` key; the others are fragments reached through ``$ref``). A folder against a
file means the folder's root document (``openapi.yaml``, or its one file with ``openapi:``).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path

from invoice_contracts.oas import DocumentError, LoadedContract, contract_from_text, load_contract

from ...findings import Finding
from ..changes import Changes
from ..operations import diff_documents
from ..policy import Policy
from .lines import line_finder
from .written import as_written

__all__ = ["DiffError", "DiffResult", "contract_files", "diff_sides"]

_SUFFIXES = (".yaml", ".yml", ".json")


class DiffError(Exception):
    """A side of the diff that cannot be read (usage error, exit code 2)."""


@dataclass
class DiffResult:
    """The findings of a diff, and one line per repair the loader made to either side."""

    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


_OPENAPI_KEY = re.compile(r"""^[{\s]*["']?openapi["']?\s*:""", re.MULTILINE)


def _declares_openapi(path: Path) -> bool:
    return bool(_OPENAPI_KEY.search(path.read_text(encoding="utf-8", errors="replace")))


def contract_files(folder: Path) -> list[Path]:
    """The contracts of a folder (its *.yaml, *.yml and *.json files, not recursing), sorted.

    When some files declare ``openapi`` and others do not, the others are fragments and left out.
    """
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in _SUFFIXES)
    if not files:
        raise DocumentError(f"{folder}: no *.yaml, *.yml or *.json contracts in this folder")
    roots = [p for p in files if _declares_openapi(p)]
    return roots or files


def _git(spec: str) -> LoadedContract:
    _, _, rest = spec.partition(":")
    revision, colon, path = rest.partition(":")
    if not colon or not revision or not path:
        raise DiffError(f"{spec}: expected git:REV:path, e.g. git:origin/main:openapi/solvimon.yaml")
    try:
        completed = subprocess.run(["git", "show", f"{revision}:{path}"], capture_output=True, text=True, check=False)
    except OSError as exc:
        raise DiffError(f"{spec}: cannot run git: {exc.strerror or exc}") from exc
    if completed.returncode != 0:
        reason = completed.stderr.strip().splitlines()[0] if completed.stderr.strip() else "git show failed"
        raise DiffError(f"{spec}: {reason}")
    return contract_from_text(path, completed.stdout, str(Path(path).resolve()))


def _load(spec: str | Path) -> LoadedContract:
    try:
        if isinstance(spec, str) and spec.startswith("git:"):
            return _git(spec)
        return load_contract(spec)
    except DocumentError as exc:
        raise DiffError(" ".join(str(exc).split())) from exc


def _sides(spec: str, folders: bool) -> dict[str, LoadedContract] | LoadedContract:
    path = Path(spec)
    if folders and not spec.startswith("git:") and path.is_dir():
        try:
            return {p.name: _load(p) for p in contract_files(path)}
        except DocumentError as exc:
            raise DiffError(str(exc)) from exc
    return _load(spec)


def _warnings(side: LoadedContract) -> list[str]:
    return [f"{side.source}#{w.pointer}: {w.message} (diffed as repaired)" for w in side.warnings if w.invalid]


def _diff_pair(old: LoadedContract, new: LoadedContract, policy: Policy, result: DiffResult) -> None:
    line = line_finder(new.text)
    try:
        found = diff_documents(as_written(old), as_written(new), new.source, policy)
    except DocumentError as exc:  # a $ref to nowhere, met while comparing
        raise DiffError(f"{old.source} → {new.source}: {exc}") from exc
    result.findings += [replace(f, line=line(f.pointer)) for f in found]
    result.warnings += _warnings(old) + _warnings(new)


def diff_sides(old_spec: str, new_spec: str, policy: Policy | None = None) -> DiffResult:
    """Findings between two files, or two folders (a contract only in the old folder is breaking)."""
    policy = policy or Policy()
    both_folders = all(not s.startswith("git:") and Path(s).is_dir() for s in (old_spec, new_spec))
    old, new = _sides(old_spec, both_folders), _sides(new_spec, both_folders)
    result = DiffResult()
    if isinstance(old, LoadedContract) and isinstance(new, LoadedContract):
        _diff_pair(old, new, policy, result)
        return result
    if not isinstance(old, dict) or not isinstance(new, dict):
        raise DiffError(f"{old_spec}, {new_spec}: compare a file with a file or a folder with a folder")
    for name in sorted(old.keys() | new.keys()):
        if name not in new:
            changes = Changes(old[name].source)
            changes.add("contract-removed", "", f"{name} is not in {new_spec}")
            result.findings += changes.findings
        elif name not in old:
            changes = Changes(new[name].source)
            changes.add("contract-added", "", f"{name} is new in {new_spec}")
            result.findings += changes.findings
        else:
            _diff_pair(old[name], new[name], policy, result)
    return result
