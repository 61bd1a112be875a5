"""A second, independent implementation of the three contracts, to prove the conformance suite.

TODO: list of differences.
"""

from .app import create_app

__all__ = ["create_app"]
