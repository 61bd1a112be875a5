"""``conformance diff OLD NEW`` and ``conformance changelog OLD NEW``: which changes between two
versions of a contract break clients, and which are harmless.

oasdiff is the reference tool but is a Go binary we cannot install from our registries, and no
maintained Python library classifies OpenAPI changes; so this package implements the rules we
need (catalogue in :mod:`.catalogue`, compared with oasdiff's in docs/ci.md). ``$ref``s are
followed (:mod:`.refs`), so a change inside a shared component is reported at every operation
that uses it.
"""

from .catalogue import RULES, Rule
from .operations import diff_documents
from .policy import Policy
from .sides.load import DiffError, DiffResult, contract_files, diff_sides

__all__ = [
    "RULES",
    "DiffError",
    "DiffResult",
    "Policy",
    "Rule",
    "contract_files",
    "diff_documents",
    "diff_sides",
]
