"""Every security scheme type of OpenAPI, served generically (tests/data/generic/security/).

Each test also pins a Connexion limitation that ``mock_server/serving/requests/security.py`` works around:
schemes keyed by type (two API keys), no handler for oauth2 without ``x-tokenInfoFunc``, for
openIdConnect or for HTTP schemes other than basic/bearer, and no ``WWW-Authenticate``.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest

from mock_server.serving.requests.auth import presenting_headers
from mock_server.serving.requests.security import challenges
from tests.conftest import ROOT, generic_mock

DATA = ROOT / "tests" / "data" / "generic" / "security"
BASIC = {"Authorization": "Basic " + base64.b64encode(b"anyone:anything").decode()}


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with generic_mock(DATA) as client:
        yield client


def status(http: httpx.Client, path: str, **kwargs: object) -> int:
    return http.get(path, **kwargs).status_code  # type: ignore[arg-type]


def test_api_keys_in_header_query_and_cookie(http: httpx.Client) -> None:
    assert status(http, "/header-key", headers={"X-Key": "k"}) == 200
    assert status(http, "/query-key", params={"key": "k"}) == 200
    assert status(http, "/cookie-key", headers={"Cookie": "session=k"}) == 200
    assert status(http, "/header-key", params={"key": "k"}) == 401
    assert status(http, "/cookie-key", headers={"Cookie": "other=k"}) == 401


def test_two_api_keys_are_both_required_when_and_ed(http: httpx.Client) -> None:
    """Two schemes of one type (Connexion keys its handlers by type)."""
    assert status(http, "/both-keys", headers={"X-Key": "a"}, params={"key": "b"}) == 200
    assert status(http, "/both-keys", params={"key": "b"}) == 401
    assert status(http, "/both-keys", headers={"X-Key": "a"}) == 401


def test_either_requirement_passes_when_or_ed(http: httpx.Client) -> None:
    assert status(http, "/basic-or-key", headers=BASIC) == 200
    assert status(http, "/basic-or-key", headers={"X-Key": "k"}) == 200
    refused = http.get("/basic-or-key")
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"] == 'Basic realm="*"'  # the API key has no challenge


def test_http_scheme_names_are_case_insensitive(http: httpx.Client) -> None:
    """The contract says ``BASIC`` and ``Digest``; clients send any case."""
    assert (
        status(http, "/basic-or-key", headers={"Authorization": BASIC["Authorization"].replace("Basic", "bAsIc")})
        == 200
    )
    assert status(http, "/digest", headers={"Authorization": 'DIGEST username="u", response="r"'}) == 200


def test_malformed_basic_is_401(http: httpx.Client) -> None:
    assert status(http, "/basic-or-key", headers={"Authorization": "Basic not-base64-user-pass"}) == 401


def test_bearer_digest_oauth2_and_openidconnect_take_their_own_credentials(http: httpx.Client) -> None:
    """oauth2 without x-tokenInfoFunc, openIdConnect and digest have no Connexion handler."""
    assert status(http, "/bearer", headers={"Authorization": "Bearer t"}) == 200
    assert status(http, "/digest", headers={"Authorization": 'Digest username="", nonce=""'}) == 200
    assert status(http, "/oauth", headers={"Authorization": "Bearer t"}) == 200
    assert status(http, "/oidc", headers={"Authorization": "Bearer t"}) == 200
    assert status(http, "/oauth", headers=BASIC) == 401
    assert status(http, "/digest", headers={"Authorization": "Bearer t"}) == 401


def test_www_authenticate_names_every_failed_scheme(http: httpx.Client) -> None:
    """Connexion sends no WWW-Authenticate; the generic mock sends Prism's."""
    expected = {
        "/bearer": "Bearer",
        "/digest": 'Digest realm="*", nonce="abc123"',
        "/oauth": "OAuth2",
        "/oidc": "OpenID",
        "/oauth-and-basic": 'OAuth2,Basic realm="*"',
    }
    for path, challenge in expected.items():
        refused = http.get(path)
        assert (refused.status_code, refused.headers.get("WWW-Authenticate")) == (401, challenge), path
    assert "WWW-Authenticate" not in http.get("/header-key").headers


def test_operation_security_overrides_the_document_and_can_be_empty(http: httpx.Client) -> None:
    assert status(http, "/open") == 200
    assert status(http, "/bearer", headers={"X-Key": "k"}) == 401  # the document's key is not enough


def test_the_documented_401_example_is_answered(http: httpx.Client) -> None:
    refused = http.get("/documented-401")
    assert (refused.status_code, refused.json()) == (401, {"reason": "sign in first"})
    assert refused.headers["content-type"] == "application/json"


def test_challenges_and_presenting_headers_follow_the_scheme() -> None:
    schemes = {"k": {"type": "apiKey", "in": "cookie", "name": "s"}, "h": {"type": "http", "scheme": "HOBA"}}
    assert challenges([{"k": []}], schemes) is None
    assert challenges([{"h": []}, {"k": []}], schemes) == "Hoba"
    assert presenting_headers(schemes["k"], "x") == {"Cookie": "s=x"}
    assert presenting_headers(schemes["h"], "x") == {"Authorization": "Hoba x"}
    assert presenting_headers({"type": "apiKey", "in": "query", "name": "q"}, "x") == {}
