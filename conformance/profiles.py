"""Run profiles: how hard the schema layer tries."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PROFILES", "Profile"]


@dataclass(frozen=True)
class Profile:
    """``repeat_for_seconds``: Schemathesis' ``max-time``, which makes fuzzing and stateful
    testing *repeat* until that much time is spent; ``None`` runs each phase once.
    ``max_operations``: a larger contract has the schema layer run on that many of its operations,
    evenly spaced in document order (the same ones every run); ``None`` tests them all."""

    name: str
    max_examples: int
    phases: tuple[str, ...]
    stateful_max_steps: int
    repeat_for_seconds: int | None
    timeout_seconds: int
    max_operations: int | None = None


PROFILES = {
    "quick": Profile("quick", 5, ("examples", "coverage", "fuzzing"), 0, None, 300, max_operations=40),
    "ci": Profile("ci", 20, ("examples", "coverage", "fuzzing", "stateful"), 6, None, 600),
    "thorough": Profile("thorough", 100, ("examples", "coverage", "fuzzing", "stateful"), 12, 600, 1200),
}
