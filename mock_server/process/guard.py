"""What keeps web pages out: the ``Host`` check (DNS rebinding) and the admin API's ``Origin`` check.

A page on another site can make the browser send requests to ``127.0.0.1``: directly (CORS
only hides the answer; a simple ``POST`` is still sent), or through a DNS name it rebinds to
``127.0.0.1`` (then the browser considers the mock same-origin with the attacker). So, as dev
servers do (webpack's ``allowedHosts``, Vite's ``server.allowedHosts``):

- a request whose ``Host`` is a name other than ``localhost`` (or ``*.localhost``), the bound
  host or one of ``--allowed-hosts`` is refused; IP addresses are always accepted (rebinding
  needs a name), and ``--allowed-hosts '*'`` turns the check off;
- an admin request that carries an ``Origin`` other than its own (the Swagger UI at
  ``/__mock/ui/``) or one of ``--admin-cors-origins`` is refused, and so is one a browser marks
  ``Sec-Fetch-Site: cross-site``. Tools such as curl send neither header.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from urllib.parse import urlsplit

__all__ = ["admin_origin_refusal", "host_refusal"]


def _host_name(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):  # [::1]:4010
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def host_refusal(headers: Mapping[str, str], bound_host: str, allowed: tuple[str, ...] | None) -> str | None:
    """Why this request's ``Host`` is refused, or ``None`` when it is fine."""
    if allowed is None or "*" in allowed:
        return None
    raw = headers.get("host")
    if raw is None:
        return None  # HTTP/1.0 without Host: no browser sends that
    name = _host_name(raw)
    accepted = {_host_name(bound_host), "localhost", *(_host_name(a) for a in allowed)}
    if name in accepted or name.endswith(".localhost") or _is_ip(name):
        return None
    for pattern in allowed:
        if pattern.startswith(".") and name.endswith(pattern):  # ".example.test": the domain and its subdomains
            return None
    return f"Host {raw!r} is not allowed (DNS rebinding guard); start the mock with --allowed-hosts {name}"


def admin_origin_refusal(headers: Mapping[str, str], allowed_origins: tuple[str, ...]) -> str | None:
    """Why a web page may not drive the admin API with this request, or ``None``."""
    origin = headers.get("origin")
    if origin is not None and origin != "null":
        if origin in allowed_origins or "*" in allowed_origins:
            return None
        if urlsplit(origin).netloc.lower() == headers.get("host", "").lower():
            return None
        return f"the admin API does not answer pages from {origin} (allow it with --admin-cors-origins)"
    if origin == "null" or headers.get("sec-fetch-site") == "cross-site":
        return "the admin API does not answer cross-site pages (allow an origin with --admin-cors-origins)"
    return None
