"""The collector every rule module reports into: a finding gets its level from the catalogue."""

from __future__ import annotations

from ..findings import Finding
from .catalogue import RULES

__all__ = ["Changes"]


class Changes:
    """Findings of one diff; ``file`` names the new contract (for annotations), ``operation`` the context."""

    def __init__(self, file: str = "") -> None:
        self.file = file
        self.findings: list[Finding] = []

    def add(self, rule: str, pointer: str, message: str, operation: str = "") -> None:
        self.findings.append(Finding(pointer, rule, RULES[rule].level, message, operation, self.file))
