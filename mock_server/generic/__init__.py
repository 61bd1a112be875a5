"""Serving a contract that has no rules module, the way Prism serves any contract.

:func:`generic_rules` builds the :class:`~mock_server.rules.ApiRules` the engine uses for it:
errors in the shape the contract documents (``error_shape``), stored records where the
contract makes a create → read → update → delete lifecycle clear (``lifecycle``), and the
contract's examples or generated data for every other operation (``handlers``). Request
validation, authentication and ``Prefer`` are the engine's, as for every contract.
:func:`default_fixtures` gives such a contract without a fixtures file one credential per
security scheme that accepts any non-empty secret.
"""

from __future__ import annotations

from typing import Any

from ..contracts import Contract
from ..rules import ApiRules, Handlers
from .error_shape import error_renderer
from .handlers import Generator, lifecycle_handler, stateless_handler, under_records
from .lifecycle import find_lifecycles

__all__ = ["default_fixtures", "generic_rules"]


def generic_rules(contract: Contract) -> ApiRules:
    """The rules of a contract without a rules module."""
    generator = Generator(contract.spec)
    render_error = error_renderer(contract.spec)
    parts = find_lifecycles(contract)
    resources = sorted({part.resource for part in parts.values()}, key=lambda r: r.item_path)
    handlers = Handlers()
    for operation_id, operation in contract.operations.items():
        part = parts.get(operation_id)
        handler = (
            lifecycle_handler(part, generator, contract.base_path)
            if part is not None
            else stateless_handler(contract, operation, generator, render_error)
        )
        parents = [r for r in resources if operation.path.startswith(r.item_path + "/")]
        handlers[operation_id] = under_records(parents, handler)
    return ApiRules(
        name=contract.name,
        render_error=render_error,
        handlers=handlers,
        seed=generator.reseed,
        refuse_undocumented_bodies=True,
    )


def default_fixtures(contract: Contract) -> dict[str, Any]:
    """Fixtures for a contract without a fixtures file: any non-empty key, token or Basic
    user:password is accepted for each of its security schemes, with every permission."""
    schemes = contract.spec.get("components", {}).get("securitySchemes", {})
    return {"credentials": [{"name": f"any {name} credential", "scheme": name, "any_secret": True} for name in schemes]}
