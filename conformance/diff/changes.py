"""The collector every rule module reports into: a finding gets its level from the catalogue."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..findings import Finding
from .catalogue import INFO, RULES
from .lifecycle import Lifecycle
from .policy import Policy
from .schemas.refs import Resolver

__all__ = ["Changes"]


class Changes:
    """Findings of one diff; ``file`` names the new contract (for annotations), ``operation`` the context;
    and what the rule modules share while walking it: the lifecycle, the ``$ref`` resolvers, the memo."""

    def __init__(self, file: str = "", policy: Policy | None = None) -> None:
        self.file = file
        self.findings: list[Finding] = []
        self.lifecycle = Lifecycle(policy or Policy())  # the operation being compared sets its stability
        self.refs = (Resolver({}), Resolver({}))  # the old and the new document's, set by the walk
        self.memo: dict[tuple[Any, ...], Any] = {}  # schema pairs compared once (see .schema)

    def add(self, rule: str, pointer: str, message: str, operation: str = "") -> None:
        self.findings.append(Finding(pointer, rule, RULES[rule].level, message, operation, self.file))

    def allow_breaking(self, start: int, reason: str) -> None:
        """Findings from index ``start`` on become ``unstable-breaking-change`` (info), naming the rule they were."""
        for index in range(start, len(self.findings)):
            finding = self.findings[index]
            if finding.level != INFO and not finding.rule.startswith("stability-"):
                message = f"{finding.rule}: {finding.message} ({reason})"
                self.findings[index] = replace(finding, rule="unstable-breaking-change", level=INFO, message=message)
