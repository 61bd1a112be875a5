"""Read one side of a diff: a file path, or ``git:REV:path`` for a revision of a file."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import yaml

from invoice_contracts.oas import DocumentError, load_document

__all__ = ["DiffError", "load_revision"]


class DiffError(Exception):
    """A side of the diff that cannot be read (usage error, exit code 2)."""


def load_revision(spec: str) -> dict[str, Any]:
    if spec.startswith("git:"):
        _, _, rest = spec.partition(":")
        revision, colon, path = rest.partition(":")
        if not colon or not revision or not path:
            raise DiffError(f"{spec}: expected git:REV:path, e.g. git:origin/main:openapi/solvimon.yaml")
        completed = subprocess.run(["git", "show", f"{revision}:{path}"], capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            raise DiffError(f"{spec}: {completed.stderr.strip() or 'git show failed'}")
        try:
            document = yaml.safe_load(completed.stdout)
        except yaml.YAMLError as exc:
            raise DiffError(f"{spec}: not YAML: {exc}") from exc
        if not isinstance(document, dict) or not str(document.get("openapi", "")).startswith("3."):
            raise DiffError(f"{spec}: not an OpenAPI 3 document")
        return document
    try:
        return load_document(Path(spec))
    except DocumentError as exc:
        raise DiffError(str(exc)) from exc
