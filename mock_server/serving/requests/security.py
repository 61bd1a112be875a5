"""Connexion security handlers bound to the mock's credentials, for every scheme type OpenAPI has.

Connexion finds a scheme's check function by a dotted name in the contract
(``x-apikeyInfoFunc`` ...); the contracts are vendor documents and must not name our code, so
:func:`security_map` hands Connexion handler classes whose check function is bound to this
process's :class:`~mock_server.serving.requests.auth.CredentialRegistry` instead.

Connexion limitations worked around here (each has a test in tests/test_mock_security.py):

- Handlers are keyed by scheme *type* (``apiKey``, ``basic`` ...) and the check function gets
  no scheme *name*, so two schemes of one type (an API key in a header AND one in the query)
  could not have their own credentials. The check is resolved from the scheme definition
  Connexion passes, matched to its name in the contract.
- ``oauth2`` needs an ``x-tokenInfoFunc``/``x-tokenInfoUrl`` in the contract, ``openIdConnect``
  and HTTP schemes other than basic/bearer (``digest`` ...) have no handler at all: Connexion
  drops such a requirement, so the operation answered 401 to every request. Each gets a
  handler here: a bearer token for oauth2 and openIdConnect, ``Authorization: <Scheme> …`` for
  any other HTTP scheme (names compared case-insensitively, as RFC 7235 says).
- A 401 carries no ``WWW-Authenticate``; :func:`challenges` gives the value Prism sends for an
  operation's requirements (used by the generic rules, ``mock_server.generic.error_shape``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from connexion.security import (
    NO_VALUE,
    AbstractSecurityHandler,
    ApiKeySecurityHandler,
    BasicSecurityHandler,
    BearerSecurityHandler,
    OAuthSecurityHandler,
)

from .auth import CredentialRegistry, Principal, record_principal

__all__ = ["challenges", "scheme_kind", "security_map"]

Check = Callable[..., dict[str, Any] | None]
_BUILT_IN = {"apiKey", "basic", "bearer", "oauth2", "openIdConnect"}


def scheme_kind(scheme: Mapping[str, Any]) -> str:
    """``apiKey``, ``oauth2``, ``openIdConnect`` or the lower-cased HTTP scheme (``basic`` ...)."""
    kind = str(scheme.get("type", ""))
    return str(scheme.get("scheme", "")).lower() if kind == "http" else kind


class _HttpSchemeHandler(AbstractSecurityHandler):
    """``Authorization: <Scheme> <anything non-empty>`` for an HTTP scheme Connexion lacks."""

    scheme_word = ""

    def _get_verify_func(self, function: Check) -> Callable[..., Any]:
        check = self._generic_check(function, "Provided authorization is not valid")
        word = self.scheme_word

        def wrapper(request: Any) -> Any:
            auth_type, value = self.get_auth_header_value(request)
            if auth_type != word:
                return NO_VALUE
            return check(request, value)

        return wrapper


class _OAuthHandler(OAuthSecurityHandler):
    """OAuth2 with the token checked by the mock; every required scope is granted."""

    def get_fn(self, security_scheme: dict[str, Any], required_scopes: Sequence[str]) -> Any:
        check = self._resolve_func(security_scheme)
        return self._get_verify_func(check, lambda required, granted: True, required_scopes)

    def get_tokeninfo_func(self, security_definition: dict[str, Any]) -> Any:
        return self._resolve_func(security_definition)


class _SchemeNames:
    """The contract's scheme names by definition: Connexion hands a check the definition only."""

    def __init__(self, schemes: Mapping[str, Any]) -> None:
        self._schemes = dict(schemes)

    def of(self, definition: Mapping[str, Any]) -> list[str]:
        return [name for name, scheme in self._schemes.items() if scheme == definition] or list(self._schemes)


def _bound(base: type, make_check: Callable[[list[str]], Check], names: _SchemeNames, **attributes: Any) -> type:
    def resolve(self: object, security_scheme: dict[str, Any]) -> Check:
        return make_check(names.of(security_scheme))

    return type(f"Mock{base.__name__}", (base,), {"_resolve_func": resolve, **attributes})


def security_map(api: str, registry: CredentialRegistry, schemes: Mapping[str, Any]) -> dict[str, type]:
    """Connexion ``security_map`` that checks every scheme of the contract against ``registry``."""
    names = _SchemeNames(schemes)

    def principal(candidates: list[str], secret: str) -> Principal | None:
        for name in candidates:
            found = registry.authenticate(api, name, secret)
            if found is not None:
                return found
        return None

    def secret_check(candidates: list[str]) -> Check:
        def check(secret: str, required_scopes: object = None, request: Any = None) -> dict[str, Any] | None:
            return record_principal(principal(candidates, secret), request)

        return check

    def basic_check(candidates: list[str]) -> Check:
        def check(username: str, password: str, request: Any = None) -> dict[str, Any] | None:
            return record_principal(principal(candidates, f"{username}:{password}"), request)

        return check

    handlers: dict[str, type] = {
        "apiKey": _bound(ApiKeySecurityHandler, secret_check, names),
        "basic": _bound(BasicSecurityHandler, basic_check, names),
        "bearer": _bound(BearerSecurityHandler, secret_check, names),
        "oauth2": _bound(_OAuthHandler, secret_check, names),
        "openIdConnect": _bound(_OAuthHandler, secret_check, names),
    }
    for scheme in schemes.values():
        kind = scheme_kind(scheme)
        if scheme.get("type") == "http" and kind and kind not in _BUILT_IN:
            handlers[kind] = _bound(_HttpSchemeHandler, secret_check, names, scheme_word=kind)
    return handlers


def _challenge(scheme: Mapping[str, Any]) -> str | None:
    """Prism's ``WWW-Authenticate`` challenge for one scheme (an API key has none)."""
    kind = scheme_kind(scheme)
    if kind == "basic":
        return 'Basic realm="*"'
    if kind == "digest":
        return 'Digest realm="*", nonce="abc123"'
    if kind == "oauth2":
        return "OAuth2"
    if kind == "openIdConnect":
        return "OpenID"
    if kind == "apiKey" or not kind:
        return None
    return kind.capitalize()


def challenges(requirements: Sequence[Mapping[str, Any]], schemes: Mapping[str, Any]) -> str | None:
    """``WWW-Authenticate`` for a request that met none of ``requirements``: every scheme's
    challenge, in order, once each, comma-separated (Prism's format)."""
    found: list[str] = []
    for requirement in requirements:
        for name in requirement:
            challenge = _challenge(schemes.get(name) or {})
            if challenge is not None and challenge not in found:
                found.append(challenge)
    return ",".join(found) or None
