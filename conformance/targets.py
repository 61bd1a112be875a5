"""Where to point a run and with which credentials: command-line flags or a targets file.

A targets file keeps QA's settings in one place; every ``${NAME}`` in it is replaced by the
environment variable ``NAME`` so secrets never live in the file:

    targets:
      staging-solvimon:
        api: solvimon
        base_url: https://billing.staging.example.com
        api_key: ${SOLVIMON_STAGING_KEY}
        tenant: plat_staging
        restricted_api_key: ${SOLVIMON_STAGING_VIEW_KEY}

The tenant travels in the header the contract marks with ``x-tenant: true`` (if any).
"""

from __future__ import annotations

import base64
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from invoice_contracts.oas import DocumentError, load_document, secret_headers, tenant_header
from invoice_contracts.registry import ApiSource

__all__ = ["Credentials", "Target", "TargetError", "load_target_file"]

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class TargetError(Exception):
    """A target that cannot be used (usage error, exit code 2)."""


@dataclass(frozen=True)
class Credentials:
    api_key: str | None = None
    bearer: str | None = None
    basic: tuple[str, str] | None = None

    def __bool__(self) -> bool:
        return bool(self.api_key or self.bearer or self.basic)

    def headers(self, security_schemes: dict[str, Any]) -> dict[str, str]:
        """Request headers for the first scheme of the contract these credentials can fill."""
        for scheme in security_schemes.values():
            kind = scheme.get("type")
            http_scheme = str(scheme.get("scheme", "")).lower()
            if kind == "apiKey" and scheme.get("in") in ("header", "cookie") and self.api_key:
                if scheme["in"] == "cookie":
                    return {"Cookie": f"{scheme['name']}={self.api_key}"}
                return {str(scheme["name"]): self.api_key}
            if _is_bearer(kind, http_scheme) and self.bearer:
                return {"Authorization": f"Bearer {self.bearer}"}
            if kind == "http" and http_scheme == "basic" and self.basic:
                token = base64.b64encode(f"{self.basic[0]}:{self.basic[1]}".encode()).decode()
                return {"Authorization": f"Basic {token}"}
        return {}

    def scheme_auth(self, security_schemes: dict[str, Any]) -> dict[str, dict[str, str]]:
        """Schemathesis ``[auth.openapi]`` settings for every scheme these credentials fill.

        Schemathesis applies the first security requirement all of whose schemes are configured,
        so an operation that needs two schemes at once (two API keys) gets both, and it never
        invents a value for a scheme given here."""
        found: dict[str, dict[str, str]] = {}
        for name, scheme in security_schemes.items():
            kind = scheme.get("type")
            http_scheme = str(scheme.get("scheme", "")).lower()
            if kind == "apiKey" and self.api_key:
                found[name] = {"api_key": self.api_key}
            elif _is_bearer(kind, http_scheme) and self.bearer:
                found[name] = {"bearer": self.bearer}
            elif kind == "http" and http_scheme == "basic" and self.basic:
                found[name] = {"username": self.basic[0], "password": self.basic[1]}
        return found


def _is_bearer(kind: object, http_scheme: str) -> bool:
    """Schemes whose secret is a bearer token: http bearer, OAuth2 and OpenID Connect."""
    return (kind == "http" and http_scheme == "bearer") or kind in ("oauth2", "openIdConnect")


@dataclass(frozen=True)
class Target:
    api: str
    contract_path: Path
    base_url: str
    credentials: Credentials
    tenant: str | None = None
    restricted: Credentials = field(default_factory=Credentials)
    other_tenant: Credentials = field(default_factory=Credentials)
    source: ApiSource | None = None
    # The target accepts any non-empty credential (our mock without a fixtures file, a sandbox):
    # the checks that send an invalid one would only report that choice.
    lenient_auth: bool = False
    contract: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def security_schemes(self) -> dict[str, Any]:
        return dict(self.contract.get("components", {}).get("securitySchemes", {}))

    @property
    def tenant_headers(self) -> dict[str, str]:
        """The chosen tenant in the contract's tenant header (empty without either)."""
        header = tenant_header(self.contract)
        return {header: self.tenant} if header and self.tenant else {}

    @property
    def secret_headers(self) -> frozenset[str]:
        """Headers whose values reports must never show (from the contract's security schemes)."""
        return secret_headers(self.contract)

    def auth_headers(self, credentials: Credentials | None = None) -> dict[str, str]:
        """Headers for the default credentials (with the tenant, if any) or for ``credentials``."""
        if credentials is not None:
            return credentials.headers(self.security_schemes)
        return {**self.credentials.headers(self.security_schemes), **self.tenant_headers}

    def with_contract(self) -> Target:
        try:
            document = load_document(self.contract_path)
        except DocumentError as exc:
            raise TargetError(str(exc)) from exc
        return replace(self, contract=document)


def parse_basic(value: str | None) -> tuple[str, str] | None:
    if value is None:
        return None
    user, colon, password = value.partition(":")
    if not colon:
        raise TargetError("--basic takes USER:PASS")
    return user, password


def _expand(value: Any, where: str) -> Any:
    if isinstance(value, str):

        def lookup(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in os.environ:
                raise TargetError(f"{where}: environment variable {name} is not set")
            return os.environ[name]

        return _ENV.sub(lookup, value)
    return value


def load_target_file(path: Path, name: str) -> dict[str, Any]:
    """The settings of target ``name`` from a targets file, with ``${VAR}`` expanded."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TargetError(f"{path}: cannot read the targets file: {exc}") from exc
    targets = document.get("targets") if isinstance(document, dict) else None
    if not isinstance(targets, dict) or name not in targets:
        known = ", ".join(sorted(targets)) if isinstance(targets, dict) else "none"
        raise TargetError(f"{path}: no target {name!r} (known: {known})")
    settings = targets[name]
    if not isinstance(settings, dict):
        raise TargetError(f"{path}: target {name!r} must be a mapping")
    return {key: _expand(value, f"{path}: {name}.{key}") for key, value in settings.items()}
