"""``--state-file``: the state survives restarts, and no acknowledged write is ever lost.

Every commit is appended to ``PATH.journal`` and fsynced *before* the store applies it (so
before the client gets its response). Now and then, and on reset or import, the whole state is
written to ``PATH.tmp``, fsynced and atomically renamed over ``PATH``, and the journal is
emptied. Loading reads the snapshot, then replays the journal. A crash can only leave a torn
*last* journal line, which was never acknowledged and is dropped; anything else that cannot be
read stops the start with a message naming the file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any

from .store import Commit

__all__ = ["PersistenceError", "StateFile"]

FORMAT = "invoice-contracts-state"
VERSION = 1


class PersistenceError(Exception):
    """A state file that cannot be loaded or written."""


class StateFile:
    def __init__(self, path: Path, *, compact_every: int = 5000) -> None:
        self.path = path
        self.journal_path = path.with_name(path.name + ".journal")
        self.compact_every = compact_every
        self._journal: IO[bytes] | None = None
        self._entries = 0

    def load(self) -> list[Commit] | None:
        """The saved state, or ``None`` when there is none yet."""
        if not self.path.exists() and not self.journal_path.exists():
            return None
        commits: list[Commit] = []
        if self.path.exists():
            try:
                document = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                raise PersistenceError(f"{self.path}: not a readable state file: {exc}") from exc
            if not isinstance(document, dict) or document.get("format") != FORMAT:
                raise PersistenceError(f"{self.path}: not an invoice-contracts state file")
            if document.get("version") != VERSION:
                raise PersistenceError(f"{self.path}: state format version {document.get('version')} is not {VERSION}")
            commits.extend(self._commit(entry, f"{self.path}") for entry in document.get("commits", []))
        if self.journal_path.exists():
            raw = self.journal_path.read_bytes()
            lines = raw.split(b"\n")
            # The last element is b"" after a complete line, or a torn, never-acknowledged write.
            for number, line in enumerate(lines[:-1], start=1):
                try:
                    entry = json.loads(line)
                except ValueError as exc:
                    raise PersistenceError(f"{self.journal_path}:{number}: corrupt journal entry: {exc}") from exc
                commits.append(self._commit(entry, f"{self.journal_path}:{number}"))
        return commits

    @staticmethod
    def _commit(entry: Any, where: str) -> Commit:
        try:
            return Commit.from_json(entry)
        except (KeyError, TypeError, ValueError) as exc:
            raise PersistenceError(f"{where}: not a state entry: {exc!r}") from exc

    def append(self, commit: Commit) -> None:
        if self._journal is None:
            self._journal = open(self.journal_path, "ab")  # noqa: SIM115 - kept open for the process's life
        self._journal.write(json.dumps(commit.to_json(), separators=(",", ":")).encode() + b"\n")
        self._journal.flush()
        os.fsync(self._journal.fileno())
        self._entries += 1

    @property
    def wants_compaction(self) -> bool:
        return self._entries >= self.compact_every

    def compact(self, commits: list[Commit]) -> None:
        """Write the whole state atomically and start an empty journal."""
        temporary = self.path.with_name(self.path.name + ".tmp")
        document = {"format": FORMAT, "version": VERSION, "commits": [c.to_json() for c in commits]}
        try:
            with open(temporary, "wb") as handle:
                handle.write(json.dumps(document, separators=(",", ":")).encode())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
            directory = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
            if self._journal is not None:
                self._journal.close()
            self._journal = open(self.journal_path, "wb")  # noqa: SIM115 - truncates the journal
            os.fsync(self._journal.fileno())
        except OSError as exc:
            raise PersistenceError(f"{self.path}: cannot write the state: {exc}") from exc
        self._entries = 0

    def close(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None
