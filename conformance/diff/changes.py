"""The collector every rule module reports into: a finding gets its level from the catalogue."""

from __future__ import annotations

from dataclasses import replace

from ..findings import Finding
from .catalogue import INFO, RULES
from .lifecycle import Lifecycle
from .policy import Policy

__all__ = ["Changes"]


class Changes:
    """Findings of one diff; ``file`` names the new contract (for annotations), ``operation`` the context."""

    def __init__(self, file: str = "", policy: Policy | None = None) -> None:
        self.file = file
        self.findings: list[Finding] = []
        self.lifecycle = Lifecycle(policy or Policy())  # the operation being compared sets its stability

    def add(self, rule: str, pointer: str, message: str, operation: str = "") -> None:
        self.findings.append(Finding(pointer, rule, RULES[rule].level, message, operation, self.file))

    def allow_breaking(self, start: int, reason: str) -> None:
        """Findings from index ``start`` on become ``unstable-breaking-change`` (info), naming the rule they were."""
        for index in range(start, len(self.findings)):
            finding = self.findings[index]
            if finding.level != INFO and not finding.rule.startswith("stability-"):
                message = f"{finding.rule}: {finding.message} ({reason})"
                self.findings[index] = replace(finding, rule="unstable-breaking-change", level=INFO, message=message)
