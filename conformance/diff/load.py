"""Read the sides of a diff: a file, a folder of contracts, or ``git:REV:path`` for a revision of a
file; and diff two sides, matching the contracts of two folders by file name."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from invoice_contracts.oas import DocumentError, load_document

from ..findings import Finding
from .changes import Changes
from .lines import line_finder
from .operations import diff_documents

__all__ = ["DiffError", "contract_files", "diff_sides"]

_SUFFIXES = (".yaml", ".yml", ".json")


class DiffError(Exception):
    """A side of the diff that cannot be read (usage error, exit code 2)."""


def contract_files(folder: Path) -> list[Path]:
    """The contracts of a folder (its *.yaml, *.yml and *.json files, not recursing), sorted."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in _SUFFIXES)
    if not files:
        raise DocumentError(f"{folder}: no *.yaml, *.yml or *.json contracts in this folder")
    return files


@dataclass(frozen=True)
class _Side:
    label: str
    document: dict[str, Any]
    text: str

    def __post_init__(self) -> None:
        """The rules read documents openapi-spec-validator accepts; anything else is a usage error."""
        try:
            validate(self.document)
        except OpenAPIValidationError as exc:
            where = "/".join(str(part) for part in exc.absolute_path)
            message = str(exc.message).splitlines()[0]
            raise DiffError(f"{self.label}: not a valid OpenAPI document at /{where}: {message}") from exc


def _git(spec: str) -> _Side:
    _, _, rest = spec.partition(":")
    revision, colon, path = rest.partition(":")
    if not colon or not revision or not path:
        raise DiffError(f"{spec}: expected git:REV:path, e.g. git:origin/main:openapi/solvimon.yaml")
    completed = subprocess.run(["git", "show", f"{revision}:{path}"], capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise DiffError(
            f"{spec}: {completed.stderr.strip().splitlines()[0] if completed.stderr.strip() else 'git show failed'}"
        )
    try:
        document = yaml.safe_load(completed.stdout)
    except yaml.YAMLError as exc:
        raise DiffError(f"{spec}: not YAML: {str(exc).splitlines()[0]}") from exc
    if not isinstance(document, dict) or not str(document.get("openapi", "")).startswith("3."):
        raise DiffError(f"{spec}: not an OpenAPI 3 document")
    return _Side(path, document, completed.stdout)


def _file(path: Path) -> _Side:
    try:
        return _Side(str(path), load_document(path), path.read_text(encoding="utf-8"))
    except DocumentError as exc:
        raise DiffError(str(exc).splitlines()[0]) from exc


def _sides(spec: str) -> dict[str, _Side] | _Side:
    if spec.startswith("git:"):
        return _git(spec)
    path = Path(spec)
    if path.is_dir():
        try:
            return {p.name: _file(p) for p in contract_files(path)}
        except DocumentError as exc:
            raise DiffError(str(exc)) from exc
    return _file(path)


def _diff_pair(old: _Side, new: _Side) -> list[Finding]:
    line = line_finder(new.text)
    return [replace(f, line=line(f.pointer)) for f in diff_documents(old.document, new.document, new.label)]


def diff_sides(old_spec: str, new_spec: str) -> list[Finding]:
    """Findings between two files, or two folders (a contract only in the old folder is breaking)."""
    old, new = _sides(old_spec), _sides(new_spec)
    if isinstance(old, _Side) and isinstance(new, _Side):
        return _diff_pair(old, new)
    if isinstance(old, _Side) or isinstance(new, _Side):
        raise DiffError(f"{old_spec}, {new_spec}: compare a file with a file or a folder with a folder")
    findings: list[Finding] = []
    for name in sorted(old.keys() | new.keys()):
        if name not in new:
            changes = Changes(old[name].label)
            changes.add("contract-removed", "", f"{name} is not in {new_spec}")
            findings += changes.findings
        elif name not in old:
            changes = Changes(new[name].label)
            changes.add("contract-added", "", f"{name} is new in {new_spec}")
            findings += changes.findings
        else:
            findings += _diff_pair(old[name], new[name])
    return findings
