"""Credentials and principals: who may call, with which secret (compared in constant time).

The Connexion security handlers that check them are in ``security.py``.

The principal a check finds is also written into the request's ASGI scope under
:data:`PRINCIPAL_SCOPE_KEY`, our own key, so that what runs after authentication
(``access.py``) never reads Connexion's private context (``connexion_context`` /
``token_info``), whose names a Connexion upgrade may change.
"""

from __future__ import annotations

import base64
import hmac
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ALL_PERMISSIONS",
    "PRINCIPAL_SCOPE_KEY",
    "REDACTED",
    "Credential",
    "CredentialRegistry",
    "Principal",
    "SecretCarriers",
    "presenting_headers",
    "record_principal",
]

ALL_PERMISSIONS = "*"
PRINCIPAL_SCOPE_KEY = "mock_server.principal"
REDACTED = "[REDACTED]"


@dataclass(frozen=True)
class Principal:
    """Who is calling: what they may do, and on which tenants (first one is the default)."""

    name: str
    permissions: frozenset[str]
    tenants: tuple[str, ...] = ()

    def may(self, permission: str) -> bool:
        return ALL_PERMISSIONS in self.permissions or permission in self.permissions


@dataclass(frozen=True)
class Credential:
    """A secret accepted for one security scheme of one API's contract (``any_secret``: any
    non-empty one, as Prism accepts; the default of a contract without a fixtures file)."""

    api: str
    scheme: str
    secret: str
    principal: Principal = field(compare=False)
    any_secret: bool = False

    @classmethod
    def from_fixture(cls, api: str, entry: Mapping[str, Any]) -> Credential:
        any_secret = bool(entry.get("any_secret", False))
        return cls(
            api=api,
            scheme=str(entry["scheme"]),
            secret="" if any_secret else str(entry["secret"]),
            principal=Principal(
                name=str(entry.get("name", entry["scheme"])),
                permissions=frozenset(str(p) for p in entry.get("permissions", [ALL_PERMISSIONS])),
                tenants=tuple(str(t) for t in entry.get("tenants", ())),
            ),
            any_secret=any_secret,
        )


class CredentialRegistry:
    """Every credential the mock accepts, per API and scheme."""

    def __init__(self, credentials: Iterable[Credential] = ()) -> None:
        self._lock = threading.Lock()
        self._by_scheme: dict[tuple[str, str], list[Credential]] = {}
        for credential in credentials:
            self.add(credential)

    def add(self, credential: Credential) -> None:
        with self._lock:
            self._by_scheme.setdefault((credential.api, credential.scheme), []).append(credential)

    def replace_all(self, credentials: Iterable[Credential]) -> None:
        fresh: dict[tuple[str, str], list[Credential]] = {}
        for credential in credentials:
            fresh.setdefault((credential.api, credential.scheme), []).append(credential)
        with self._lock:
            self._by_scheme = fresh

    def all(self) -> list[Credential]:
        with self._lock:
            return [c for group in self._by_scheme.values() for c in group]

    def authenticate(self, api: str, scheme: str, secret: str) -> Principal | None:
        """The principal whose secret matches, comparing every candidate in constant time."""
        with self._lock:
            candidates = list(self._by_scheme.get((api, scheme), ()))
        given = secret.encode("utf-8", "surrogateescape")
        found: Principal | None = None
        for credential in candidates:
            if hmac.compare_digest(credential.secret.encode("utf-8"), given) or (
                credential.any_secret and given.strip(b":")
            ):
                found = credential.principal
        return found


@dataclass(frozen=True)
class SecretCarriers:
    """Where a contract's security schemes carry secrets: header and query parameter names."""

    headers: frozenset[str] = frozenset()
    query: frozenset[str] = frozenset()

    @classmethod
    def of(cls, schemes: Mapping[str, Any]) -> SecretCarriers:
        headers: set[str] = set()
        query: set[str] = set()
        for scheme in schemes.values():
            if scheme.get("type") == "apiKey":
                where = scheme.get("in")
                if where == "header":
                    headers.add(str(scheme["name"]).lower())
                elif where == "query":
                    query.add(str(scheme["name"]))
                elif where == "cookie":
                    headers.add("cookie")
            else:  # http (basic, bearer, ...), oauth2, openIdConnect: the Authorization header
                headers.add("authorization")
        return cls(frozenset(headers), frozenset(query))

    def header_value(self, name: str, value: str) -> str:
        """``value`` with the secret replaced (an ``Authorization`` header keeps its scheme word)."""
        if name.lower() not in self.headers:
            return value
        if name.lower() == "authorization" and " " in value.strip():
            return f"{value.strip().split(' ', 1)[0]} {REDACTED}"
        return REDACTED


def presenting_headers(scheme: Mapping[str, Any], secret: str) -> dict[str, str]:
    """The request headers that present ``secret`` for a security scheme (``user:password`` for
    Basic); none for an API key in the query, which no header carries."""
    if scheme.get("type") == "apiKey":
        where, name = scheme.get("in"), str(scheme.get("name", ""))
        return {name: secret} if where == "header" else {"Cookie": f"{name}={secret}"} if where == "cookie" else {}
    word = str(scheme.get("scheme", "")).lower() if scheme.get("type") == "http" else "bearer"
    if word == "basic":
        return {"Authorization": "Basic " + base64.b64encode(secret.encode()).decode()}
    return {"Authorization": f"{word.capitalize()} {secret}"}


def record_principal(principal: Principal | None, request: Any) -> dict[str, Any] | None:
    """Connexion's answer for a check, with the principal recorded in the request's scope.

    Connexion passes the request to a check function that takes a ``request`` argument; if a
    Connexion version stopped doing so, no principal is recorded and the access check refuses
    the request (it fails closed).
    """
    if principal is None:
        return None
    scope = getattr(request, "scope", None)
    if isinstance(scope, dict):
        scope[PRINCIPAL_SCOPE_KEY] = principal
    return {"sub": principal.name}
