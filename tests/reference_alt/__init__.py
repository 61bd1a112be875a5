"""A third implementation of the three contracts (docstring to be completed)."""

from .app import CONFORMANCE_FLAGS, create_app

__all__ = ["CONFORMANCE_FLAGS", "create_app"]
