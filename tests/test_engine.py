"""The engine in-process: store transactions, credentials, schema translation, error routing, index."""

from __future__ import annotations

import pytest
from jsonschema import Draft4Validator
from starlette.testclient import TestClient

from invoice_contracts.oas import to_json_schema
from invoice_contracts.registry import Registry
from mock_server import MockSettings, create_app
from mock_server.apis import solvimon
from mock_server.rules import Reply
from mock_server.serving.requests.auth import Credential, CredentialRegistry, Principal
from mock_server.state.idempotency import IdempotencyCache
from mock_server.state.store import Store, StoreFull
from tests.conftest import SOLVIMON_ALL


def test_transaction_commits_only_on_success() -> None:
    store = Store()
    with store.transaction("api", "t1") as tx:
        tx.put("things", 1, {"n": 1})
    with pytest.raises(RuntimeError), store.transaction("api", "t1") as tx:
        tx.put("things", 1, {"n": 2})
        tx.put("things", 2, {"n": 3})
        assert tx.get("things", 1) == {"n": 2}
        raise RuntimeError("rule failed half-way")
    with store.transaction("api", "t1") as tx:
        assert tx.values("things") == [{"n": 1}]
        assert tx.next_id("things") == 1
    assert store.record_count == 1


def test_tenants_are_separate_namespaces() -> None:
    store = Store()
    with store.transaction("api", "a") as tx:
        tx.put("things", 1, {"owner": "a"})
    with store.transaction("api", "b") as tx:
        assert tx.get("things", 1) is None


def test_get_for_update_is_a_private_copy() -> None:
    store = Store()
    with store.transaction("api", "t") as tx:
        tx.put("things", 1, {"nested": {"n": 1}})
    with store.transaction("api", "t") as tx:
        copy = tx.get_for_update("things", 1)
        assert copy is not None
        copy["nested"]["n"] = 99
        assert tx.get("things", 1) == {"nested": {"n": 1}}


def test_store_cap_refuses_the_whole_transaction() -> None:
    store = Store(max_records=2)
    with pytest.raises(StoreFull), store.transaction("api", "t") as tx:
        for key in range(3):
            tx.put("things", key, {})
    assert store.record_count == 0


def test_credentials_match_scheme_api_and_secret() -> None:
    principal = Principal("p", frozenset({"X"}), ("t",))
    registry = CredentialRegistry([Credential("a", "key", "s3cret", principal)])
    assert registry.authenticate("a", "key", "s3cret") == principal
    assert registry.authenticate("a", "key", "s3cre") is None
    assert registry.authenticate("a", "bearer", "s3cret") is None
    assert registry.authenticate("b", "key", "s3cret") is None
    assert registry.authenticate("a", "key", "\udcff") is None


def test_principal_permissions() -> None:
    assert Principal("all", frozenset({"*"})).may("INVOICE.REFUND")
    assert not Principal("view", frozenset({"INVOICE.VIEW"})).may("INVOICE.REFUND")


def test_idempotency_cache_is_bounded() -> None:
    cache = IdempotencyCache(capacity=2)
    for key in ("a", "b", "c"):
        cache.remember((key,), "f", Reply(200))
    assert cache.lookup(("a",)) is None
    assert cache.lookup(("c",)) is not None


@pytest.mark.parametrize(
    ("schema", "valid", "invalid"),
    [
        ({"type": "string", "nullable": True}, [None, "x"], [1]),
        ({"allOf": [{"type": "object", "required": ["a"]}], "nullable": True}, [None, {"a": 1}], [{}]),
        ({"type": "string", "enum": ["A"], "nullable": True}, [None, "A"], ["B"]),
        ({"type": "object", "properties": {"p": {"type": "integer", "nullable": True}}}, [{"p": None}], [{"p": "1"}]),
    ],
)
def test_nullable_translation(schema: dict[str, object], valid: list[object], invalid: list[object]) -> None:
    validator = Draft4Validator(to_json_schema(schema))
    assert all(validator.is_valid(v) for v in valid)
    assert not any(validator.is_valid(v) for v in invalid)


def test_index_lists_every_contract(in_process: TestClient) -> None:
    listing = in_process.get("/", headers={"Accept": "application/json"}).json()["apis"]
    assert {entry["api"] for entry in listing} == {*Registry.discover().names, "admin"}
    page = in_process.get("/")
    assert page.headers["content-type"].startswith("text/html")
    for entry in listing:
        assert entry["swagger_ui"] in page.text
        spec = in_process.get(entry["openapi_json"])
        assert spec.status_code == 200
        assert spec.json()["info"]["title"] == entry["title"]
        assert in_process.get(entry["swagger_ui"]).status_code == 200


def test_unknown_routes_use_the_apis_error_shape(in_process: TestClient) -> None:
    assert in_process.get("/nowhere").json()["code"] == "RESOURCE_NOT_FOUND"
    assert in_process.get("/api/v3/nowhere").json()["response"] is False
    assert set(in_process.get("/api/v2/nowhere").json()) == {"error"}


def test_response_validation_turns_a_broken_reply_into_a_documented_500(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(call: object) -> Reply:
        return Reply(200, {"id": 5})

    monkeypatch.setitem(solvimon.handlers, "getInvoicesByResourceId", broken)
    with TestClient(create_app(MockSettings(validate_responses=True)), raise_server_exceptions=False) as client:
        response = client.get("/v1/invoices/inv_alpha_0001", headers=SOLVIMON_ALL)
    assert response.status_code == 500
    assert response.json()["code"] == "INTERNAL_ERROR"
