"""Contracts without a rules module (tests/data/*.yaml) served generically, in a real mock process.

``widgets.yaml`` ties its lifecycle together with a link, has uuid ids, an API key and one
error schema; ``notes.yaml`` has no links (REST convention), integer ids, a bearer token and no
error body (problem+json), with validation errors documented as 422.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_server import MockSettings, apis, create_app
from mock_server.contracts import load_contract
from mock_server.errors import ErrorKind, MockError
from mock_server.generic.error_shape import error_renderer
from mock_server.generic.lifecycle import Role, find_lifecycles
from mock_server.rules import ApiRules
from tests.conftest import ROOT, LiveServer, run_conformance, start_server, stop_server

DATA = ROOT / "tests" / "data"
WIDGETS, NOTES, STATUS = "/widgets-api/widgets", "/notes-api/notes", "/widgets-api/status"
ANY_KEY = {"X-Widget-Key": "whatever-you-like"}
ANY_TOKEN = {"Authorization": "Bearer any-token"}
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """No fixtures files: the default credentials (any non-empty secret)."""
    empty = tmp_path_factory.mktemp("no-fixtures")
    live = start_server("--contracts", str(DATA), "--fixtures", str(empty), "--validate-responses")
    yield live
    stop_server(live)


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@pytest.fixture(scope="module")
def keyed() -> Iterator[LiveServer]:
    """With tests/data/fixtures: only the credentials listed there."""
    live = start_server("--contracts", str(DATA), "--fixtures", str(DATA / "fixtures"), "--validate-responses")
    yield live
    stop_server(live)


def create_widget(http: httpx.Client, **fields: Any) -> httpx.Response:
    response = http.post(WIDGETS, json=fields, headers=ANY_KEY)
    assert response.status_code == 201, response.text
    return response


def test_widget_lifecycle_follows_the_link(server: LiveServer, http: httpx.Client) -> None:
    created = create_widget(http, name="Sprocket", color="red", size=3)
    widget = created.json()
    assert UUID4.match(widget["id"])
    assert created.headers["Location"] == f"{server.base_url}{WIDGETS}/{widget['id']}"
    assert {k: widget[k] for k in ("name", "color", "size")} == {"name": "Sprocket", "color": "red", "size": 3}
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", widget["created_at"])
    item = f"{WIDGETS}/{widget['id']}"

    assert http.get(item, headers=ANY_KEY).json() == widget
    listed = http.get(WIDGETS, headers=ANY_KEY).json()
    assert widget in listed["items"]
    assert listed["count"] == len(listed["items"])

    replaced = http.put(item, json={"name": "Cog"}, headers=ANY_KEY)
    assert replaced.status_code == 200
    assert replaced.json() == {"id": widget["id"], "name": "Cog", "created_at": widget["created_at"]}

    patched = http.patch(item, json={"size": 7}, headers=ANY_KEY)
    assert patched.json() == {**replaced.json(), "size": 7}
    assert http.get(item, headers=ANY_KEY).json() == patched.json()

    deleted = http.delete(item, headers=ANY_KEY)
    assert (deleted.status_code, deleted.content) == (204, b"")
    gone = http.get(item, headers=ANY_KEY)
    assert gone.status_code == 404
    assert gone.json() == {"code": "not_found", "message": gone.json()["message"], "field": None}
    assert widget["id"] in gone.json()["message"]
    for method in ("PUT", "PATCH", "DELETE"):
        assert http.request(method, item, json={"name": "x"}, headers=ANY_KEY).status_code == 404
    assert http.get(f"{item}/quote", headers=ANY_KEY).status_code == 404
    assert widget["id"] not in {w["id"] for w in http.get(WIDGETS, headers=ANY_KEY).json()["items"]}


def test_note_lifecycle_by_rest_convention(http: httpx.Client) -> None:
    first = http.post(NOTES, json={"text": "one"}, headers=ANY_TOKEN)
    second = http.post(NOTES, json={"text": "two", "pinned": False}, headers=ANY_TOKEN)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["id"] == first.json()["id"] + 1
    assert isinstance(first.json()["pinned"], bool)  # required by the record, generated
    assert second.json() == {"id": second.json()["id"], "text": "two", "pinned": False}
    item = f"{NOTES}/{second.json()['id']}"
    assert http.patch(item, json={"pinned": True}, headers=ANY_TOKEN).json()["pinned"] is True
    assert [n["text"] for n in http.get(NOTES, headers=ANY_TOKEN).json()][-2:] == ["one", "two"]
    deleted = http.delete(item, headers=ANY_TOKEN)
    assert deleted.status_code == 200
    assert deleted.json() == {"id": second.json()["id"], "text": "two", "pinned": True}
    gone = http.get(item, headers=ANY_TOKEN)
    assert gone.status_code == 404
    assert gone.headers["Content-Type"] == PROBLEM
    assert gone.json()["status"] == 404
    assert http.get(f"{NOTES}/not-a-number", headers=ANY_TOKEN).status_code in (400, 404)


def test_missing_credentials_are_401_in_the_contract_shape(http: httpx.Client) -> None:
    widget = http.get(WIDGETS)
    assert widget.status_code == 401
    assert widget.json()["code"] == "unauthorized"
    assert set(widget.json()) == {"code", "message", "field"}
    note = http.get(NOTES)
    assert note.status_code == 401
    assert note.headers["Content-Type"] == PROBLEM
    assert note.json()["title"] == "Unauthorized"


def test_fixtures_credentials_replace_the_any_secret_default(keyed: LiveServer) -> None:
    with keyed.client() as client:
        assert client.get(WIDGETS, headers=ANY_KEY).status_code == 401
        assert client.get(WIDGETS, headers={"X-Widget-Key": "wk_test_key"}).status_code == 200
        assert client.get(NOTES, headers=ANY_TOKEN).status_code == 401
        assert client.get(NOTES, headers={"Authorization": "Bearer nt_test_token"}).status_code == 200


def test_validation_errors_fill_the_documented_error_schema(http: httpx.Client) -> None:
    missing = http.post(WIDGETS, json={"color": "red"}, headers=ANY_KEY)
    assert missing.status_code == 400
    assert missing.json()["field"] == "name"
    assert set(missing.json()) == {"code", "message", "field"}
    wrong = http.post(WIDGETS, json={"name": "x", "size": "big"}, headers=ANY_KEY)
    assert (wrong.status_code, wrong.json()["field"], wrong.json()["code"]) == (400, "size", "validation")


def test_validation_is_422_problem_where_the_contract_documents_only_422(http: httpx.Client) -> None:
    response = http.post(NOTES, json={"text": ""}, headers=ANY_TOKEN)
    assert response.status_code == 422
    assert response.headers["Content-Type"] == PROBLEM
    body = response.json()
    assert (body["type"], body["title"], body["status"], body["field"]) == (
        "about:blank",
        "Unprocessable Entity",
        422,
        "text",
    )


def test_stateless_operations_answer_from_examples_and_prefer(http: httpx.Client) -> None:
    assert http.get(STATUS, headers=ANY_KEY).json() == {"state": "healthy", "message": "All systems go"}
    degraded = http.get(STATUS, headers={**ANY_KEY, "Prefer": "example=degraded"})
    assert degraded.json() == {"state": "degraded", "message": "Slow widget factory"}
    down = http.get(STATUS, headers={**ANY_KEY, "Prefer": "code=503"})
    assert (down.status_code, down.json()) == (503, {"state": "down", "message": "Maintenance"})
    dynamic = http.get(STATUS, headers={**ANY_KEY, "Prefer": "dynamic=true"}).json()
    assert dynamic["state"] in ("healthy", "degraded", "down")
    assert isinstance(dynamic["message"], str)
    undocumented = http.get(STATUS, headers={**ANY_KEY, "Prefer": "code=418"})
    assert undocumented.status_code == 400
    assert set(undocumented.json()) == {"code", "message", "field"}


def test_prefer_on_a_lifecycle_operation_does_not_touch_the_state(http: httpx.Client) -> None:
    before = http.get(WIDGETS, headers=ANY_KEY).json()["count"]
    forced = http.post(WIDGETS, json={"name": "x"}, headers={**ANY_KEY, "Prefer": "dynamic=true"})
    assert forced.status_code == 201
    assert http.get(f"{WIDGETS}/{forced.json()['id']}", headers=ANY_KEY).status_code == 404
    assert http.get(WIDGETS, headers=ANY_KEY).json()["count"] == before


def test_generated_answers_are_the_same_on_every_call(http: httpx.Client) -> None:
    widget = create_widget(http, name="Quoted").json()
    quotes = [http.get(f"{WIDGETS}/{widget['id']}/quote", headers=ANY_KEY) for _ in range(3)]
    assert {q.status_code for q in quotes} == {200}
    assert quotes[0].json() == quotes[1].json() == quotes[2].json()
    assert quotes[0].json()["currency"] in ("EUR", "USD")
    assert quotes[0].json()["amount"] >= 0


def _session(seed: str, fixtures: Path) -> list[Any]:
    live = start_server("--contracts", str(DATA), "--fixtures", str(fixtures), "--seed", seed)
    try:
        with live.client() as client:
            widget = client.post(WIDGETS, json={"name": "w"}, headers=ANY_KEY).json()
            note = client.post(NOTES, json={"text": "n"}, headers=ANY_TOKEN).json()
            quote = client.get(f"{WIDGETS}/{widget['id']}/quote", headers=ANY_KEY).json()
            return [widget, note, quote, client.get(WIDGETS, headers=ANY_KEY).json()]
    finally:
        stop_server(live)


def test_same_seed_same_bodies_across_starts(tmp_path: Path) -> None:
    first, again, other = _session("7", tmp_path), _session("7", tmp_path), _session("8", tmp_path)
    assert first == again
    assert first[0]["id"] != other[0]["id"]
    assert first[0]["created_at"] != other[0]["created_at"]


def test_lifecycles_found_in_the_contracts() -> None:
    notes = {op: part.role for op, part in find_lifecycles(load_contract(DATA / "notes.yaml")).items()}
    assert notes == {
        "createNote": Role.CREATE,
        "listNotes": Role.LIST,
        "getNote": Role.READ,
        "updateNote": Role.MERGE,
        "deleteNote": Role.DELETE,
    }
    widgets = find_lifecycles(load_contract(DATA / "widgets.yaml"))
    assert set(widgets) == {
        "createWidget",
        "listWidgets",
        "getWidget",
        "replaceWidget",
        "updateWidget",
        "deleteWidget",
    }
    assert widgets["createWidget"].resource.id_field == "id"
    assert widgets["listWidgets"].list_property == "items"


def test_error_renderer_fills_nested_and_enum_shapes() -> None:
    error_schema = {
        "type": "object",
        "required": ["error", "status"],
        "properties": {
            "status": {"type": "integer"},
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "enum": ["VALIDATION_ERROR", "NOT_FOUND", "UNAUTHORIZED"]},
                    "message": {"type": "string"},
                },
            },
            "trace_id": {"type": "string"},
        },
    }
    spec = {
        "openapi": "3.0.3",
        "paths": {
            "/x": {"get": {"responses": {"default": {"content": {"application/json": {"schema": error_schema}}}}}}
        },
    }
    render = error_renderer(spec)
    rendered = render(MockError(404, "No such x", kind=ErrorKind.NOT_FOUND))
    assert (rendered.status, rendered.body) == (
        404,
        {"status": 404, "error": {"code": "NOT_FOUND", "message": "No such x"}},
    )
    invalid = render(MockError(400, "bad", kind=ErrorKind.VALIDATION, field="a.b"))
    assert invalid.body["error"]["code"] == "VALIDATION_ERROR"
    assert invalid.headers == {"Content-Type": "application/json"}


def test_the_real_contracts_keep_their_rules_modules() -> None:
    mock = create_app(MockSettings())
    declared = [
        getattr(importlib.import_module(f"{apis.__name__}.{info.name}"), "RULES", None)
        for info in pkgutil.iter_modules(apis.__path__)
    ]
    modules = [rules for rules in declared if isinstance(rules, ApiRules)]
    assert modules
    for rules in modules:
        assert mock.apis[rules.name].source.rules is rules


def test_a_real_contract_without_its_rules_module_is_served_generically(tmp_path: Path) -> None:
    """What once stopped the start ("no rules module") now serves: a copy of a real contract."""
    (tmp_path / "contracts").mkdir()
    shutil.copy(ROOT / "openapi" / "keyline.yaml", tmp_path / "contracts" / "ledger.yaml")
    live = start_server("--contracts", str(tmp_path / "contracts"), "--fixtures", str(tmp_path), "--validate-responses")
    try:
        with live.client() as client:
            assert client.get("/", headers={"Accept": "application/json"}).json()["apis"][0]["api"] == "ledger"
            path = "/api/v2/accounting/customer_invoices"
            listed = client.get(path, headers=ANY_TOKEN)
            assert (listed.status_code, listed.json(), listed.headers["X-Keyline-Result-Total"]) == (200, [], "0")
            assert client.get(path).status_code == 401
            body = {"customer_invoice": {"customer_id": 4711, "custom_text": "Thanks"}}
            created = client.post(path, json=body, headers=ANY_TOKEN)
            assert created.status_code == 201
            assert (created.json()["customer_id"], created.json()["custom_text"]) == (4711, "Thanks")  # unwrapped
            assert client.get(f"{path}/{created.json()['id']}", headers=ANY_TOKEN).json() == created.json()
    finally:
        stop_server(live)


def test_conformance_schema_layer_passes_against_the_generic_mock(keyed: LiveServer, tmp_path: Path) -> None:
    result = run_conformance(
        "run",
        "--contract",
        str(DATA / "widgets.yaml"),
        "--base-url",
        keyed.base_url,
        "--api-key",
        "wk_test_key",
        "--report-dir",
        str(tmp_path),
        "--quiet",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "widgets at" in result.stdout
    assert "conforms" in result.stdout
