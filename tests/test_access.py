"""The permission check does not depend on Connexion's private scope keys, and fails closed.

Tenant and principal travel in scope keys of our own (``auth.PRINCIPAL_SCOPE_KEY``,
``access.CALLER_SCOPE_KEY``). These tests imitate a Connexion upgrade that renamed its request
context, or stopped handing the request to our security checks, and show that the first
changes nothing and the second refuses the request instead of skipping the check.
"""

from __future__ import annotations

from typing import Any

import connexion.lifecycle
import connexion.security
import pytest

from mock_server import MockSettings, create_app

from starlette.testclient import TestClient  # isort: skip  (after mock_server, which silences its warning)

CREDIT = "/v1/invoices/inv_alpha_0009/credit"
VIEW_ONLY = {"X-API-KEY": "sk_test_view"}
ALL = {"X-API-KEY": "sk_test_all"}


def _client() -> TestClient:
    return TestClient(create_app(MockSettings()), raise_server_exceptions=False)


@pytest.fixture
def context_renamed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Connexion's request context (``connexion_context``: token_info, ...) goes nowhere."""

    def elsewhere(self: Any) -> dict[str, Any]:
        return {}

    monkeypatch.setattr(connexion.lifecycle.ConnexionRequest, "context", property(elsewhere))


def test_without_connexions_context_the_permission_check_still_holds(context_renamed: None) -> None:
    with _client() as client:
        assert client.get("/v1/invoices/inv_alpha_0001", headers=VIEW_ONLY).status_code == 200
        refused = client.post(CREDIT, headers=VIEW_ONLY)
        assert refused.status_code == 403
        assert refused.json()["code"] == "USER_NOT_ALLOWED"
        assert client.get("/v1/invoices", headers={**ALL, "x-platform-id": "plat_gamma"}).status_code == 403
        assert client.post(CREDIT, headers=ALL).status_code == 200


def test_a_check_that_gets_no_request_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    # As if Connexion renamed the keyword it hands the request to a check function by.
    monkeypatch.setattr(connexion.security.AbstractSecurityHandler, "request_kw", "renamed_request")
    with _client() as client:
        for headers in (VIEW_ONLY, ALL):
            response = client.post(CREDIT, headers=headers)
            assert response.status_code == 500, response.text
            assert response.json()["code"] == "INTERNAL_ERROR"
        assert client.get("/v1/invoices", headers=ALL).status_code == 500
        assert client.get("/v1/invoices").status_code == 401, "no credentials is still 401"


def test_a_path_connexion_does_not_route_is_404_not_a_refusal(in_process: TestClient) -> None:
    # The contract's path pattern matches "null,null" where Starlette's int converter does not:
    # no operation runs, so no access verdict is needed and the answer is the API's 404.
    response = in_process.get(
        "/api/v2/accounting/reversal_invoices/null,null", headers={"Authorization": "Bearer kl_test_token"}
    )
    assert response.status_code == 404
    assert set(response.json()) == {"error"}
