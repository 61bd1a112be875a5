"""An API's default credentials, read from its fixtures file, as the roles a test run needs.

The mock accepts the credentials listed under ``credentials:`` in ``fixtures/NAME.yaml``; each
names a security scheme of the contract, a secret, and optionally permissions and tenants.
From them this module picks the three roles ``conformance run`` takes (the first credential is
the default one; the first without every permission is the restricted one; the first that
cannot use the default one's first tenant is the other tenant's) and spells them as command-line
flags, so scripts, tests and CI never list credentials per API.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from .oas import load_document
from .registry import ApiSource, Registry

__all__ = ["ALL_PERMISSIONS", "FixtureCredential", "conformance_flags", "fixture_credentials", "mock_flags"]

ALL_PERMISSIONS = "*"


@dataclass(frozen=True)
class FixtureCredential:
    name: str
    kind: str  # api-key | bearer | basic: which conformance flag carries it
    secret: str
    permissions: frozenset[str]
    tenants: tuple[str, ...]


def _kind(scheme: Mapping[str, Any]) -> str | None:
    if scheme.get("type") == "apiKey":
        return "api-key"
    if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() in ("bearer", "basic"):
        return str(scheme["scheme"]).lower()
    return None


def fixture_credentials(source: ApiSource) -> list[FixtureCredential]:
    """The fixtures' credentials whose scheme the contract declares in a form a flag can carry."""
    if source.fixtures is None:
        return []
    fixtures = yaml.safe_load(source.fixtures.read_text(encoding="utf-8")) or {}
    schemes = load_document(source.contract).get("components", {}).get("securitySchemes", {})
    found = []
    for entry in fixtures.get("credentials", []):
        kind = _kind(schemes.get(entry.get("scheme"), {}))
        if kind is None:
            continue
        found.append(
            FixtureCredential(
                name=str(entry.get("name", entry["scheme"])),
                kind=kind,
                secret=str(entry["secret"]),
                permissions=frozenset(str(p) for p in entry.get("permissions", [ALL_PERMISSIONS])),
                tenants=tuple(str(t) for t in entry.get("tenants", ())),
            )
        )
    return found


def conformance_flags(source: ApiSource) -> list[str]:
    """``conformance run`` credential flags for the mock's default credentials of ``source``."""
    credentials = fixture_credentials(source)
    if not credentials:
        return []
    default = credentials[0]
    flags = [f"--{default.kind}", default.secret]
    restricted = next((c for c in credentials if ALL_PERMISSIONS not in c.permissions), None)
    if restricted is not None:
        flags += [f"--restricted-{restricted.kind}", restricted.secret]
    if default.tenants:
        other = next((c for c in credentials if default.tenants[0] not in c.tenants), None)
        if other is not None:
            flags += [f"--other-tenant-{other.kind}", other.secret]
    return flags


def mock_flags(registry: Registry | None = None) -> dict[str, list[str]]:
    """Every API's default-credential flags, by name (the built-in registry unless given one)."""
    return {source.name: conformance_flags(source) for source in registry or Registry.discover()}
