"""``conformance diff OLD NEW``: which changes between two versions of a contract break clients.

oasdiff is the reference tool but is a Go binary we cannot install from our registries, and no
maintained Python library classifies OpenAPI changes; so this package implements the rules we
need, each a small function with a stable rule id (see :mod:`.rules`). ``$ref``s are inlined
first, so a change inside a shared component is reported at every operation that uses it.
"""

from .load import DiffError, load_revision
from .rules import RULES, diff_documents

__all__ = ["RULES", "DiffError", "diff_documents", "load_revision"]
