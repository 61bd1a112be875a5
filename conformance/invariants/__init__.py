"""Generic invariants derived from a contract alone: lists as sets, tenants as sets, write then read.

They run for every API, with or without a scenario pack; see docs/conformance.md.
"""

from .layer import generate, run_invariants
from .session import Session, other_tenant

__all__ = ["Session", "generate", "other_tenant", "run_invariants"]
