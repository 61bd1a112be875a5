"""Serving a contract that has no rules module, the way Prism serves any contract.

:func:`generic_rules` builds the :class:`~mock_server.rules.ApiRules` the engine uses for it:
errors in the shape the contract documents (``error_shape``), stored records where the
contract makes a create → read → update → delete lifecycle clear (``lifecycle``) or lists and
reads records it never creates (filled with the items the list documents, ``listed``), and the
contract's examples or generated data for every other operation (``handlers``). Request
validation, authentication and ``Prefer`` are the engine's, as for every contract.
:func:`default_fixtures` gives such a contract without a fixtures file one credential per
security scheme that accepts any non-empty secret.
"""

from __future__ import annotations

from typing import Any

from invoice_contracts.oas import id_candidates

from ..contracts import Contract
from ..rules import ApiRules, Handlers
from ..serving.responses.examples import warn_invalid_examples
from .error_shape import error_renderer
from .handlers import Generator, lifecycle_handler, stateless_handler, under_records
from .lifecycle import Role, find_lifecycles, success_of
from .listed import InitialRecords
from .listing import Listing, listing_of, parameters_of

__all__ = ["default_fixtures", "generic_rules"]


def generic_rules(contract: Contract) -> ApiRules:
    """The rules of a contract without a rules module."""
    generator = Generator(contract.spec)
    render_error = error_renderer(contract.spec)
    warn_invalid_examples(contract.spec)
    parts = find_lifecycles(contract)
    resources = sorted({part.resource for part in parts.values()}, key=lambda r: r.item_path)
    initial = {
        part.resource: InitialRecords(
            contract, contract.operations[operation_id], part.resource, generator, render_error
        )
        for operation_id, part in parts.items()
        if part.resource.listed and part.role is Role.LIST
    }
    handlers = Handlers()
    for operation_id, operation in contract.operations.items():
        part = parts.get(operation_id)
        listing = _listing(contract, operation.path, operation.method)
        stateless = stateless_handler(contract, operation, generator, render_error, listing)
        handler = (
            lifecycle_handler(
                part, generator, contract.base_path, operation, stateless, listing, initial.get(part.resource)
            )
            if part is not None
            else stateless
        )
        # A listed resource's item path answers any id (as Prism does): no 404 below it either.
        parents = [r for r in resources if not r.listed and operation.path.startswith(r.item_path + "/")]
        handlers[operation_id] = under_records(parents, handler, operation, stateless)
    return ApiRules(
        name=contract.name,
        render_error=render_error,
        handlers=handlers,
        seed=generator.reseed,
        prism_compatible=True,
    )


def _listing(contract: Contract, path: str, method: str) -> Listing | None:
    """How a GET whose lowest 2xx answer is a list pages and filters; None for any other (and
    for a read of one record: a path that ends in a parameter)."""
    if method != "get" or path.rstrip("/").endswith("}"):
        return None
    success = success_of(contract.spec, contract.spec["paths"][path][method])
    if success is None or success.status != 200:
        return None
    below = [other[len(path) + 2 : -1] for other in contract.spec["paths"] if other.startswith(path.rstrip("/") + "/{")]
    ids = id_candidates(path, tuple(name for name in below if "/" not in name and "{" not in name))
    return listing_of(parameters_of(contract.spec, path, method), success.schema, ids)


def default_fixtures(contract: Contract) -> dict[str, Any]:
    """Fixtures for a contract without a fixtures file: any non-empty key, token or Basic
    user:password is accepted for each of its security schemes, with every permission."""
    schemes = contract.spec.get("components", {}).get("securitySchemes", {})
    return {"credentials": [{"name": f"any {name} credential", "scheme": name, "any_secret": True} for name in schemes]}
