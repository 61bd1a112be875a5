"""Fake data generated from a contract's schemas: deterministic under a seed, valid against them.

``walker`` walks an OpenAPI 3.0 schema (``keywords2020`` the 2020-12 keywords of 3.1);
``fitting`` decides whether a document's own value (an example, a default) fits its schema;
``patterns`` makes a string that matches a ``pattern``.
"""

from .fitting import fitting_for
from .walker import SHALLOW, SchemaFaker, fits_type, make_faker, merge_all_of

__all__ = ["SHALLOW", "SchemaFaker", "fits_type", "fitting_for", "make_faker", "merge_all_of"]
