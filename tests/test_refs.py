"""resolve_refs on documents as large APIs write them: a DAG of references, cycles of schemas."""

from __future__ import annotations

import copy
import json
import time
from typing import Any

from invoice_contracts.oas import load_document, resolve_refs
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "realworld"
ACCOUNT, CHARGE = (f"#/components/schemas/{name}" for name in ("Account", "Charge"))


def _response_schema(document: dict[str, Any]) -> Any:
    return document["paths"]["/accounts/{id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]


def test_a_dag_of_references_is_inlined_once_and_shared() -> None:
    """Each level uses the next twice: as a tree, 2**40 copies of the last schema."""
    schemas: dict[str, Any] = {"S40": {"type": "string"}}
    for level in range(40):
        ref = {"$ref": f"#/components/schemas/S{level + 1}"}
        schemas[f"S{level}"] = {"type": "object", "properties": {"a": ref, "b": dict(ref)}}
    document = {"openapi": "3.0.3", "info": {"title": "dag", "version": "1"}, "paths": {}}
    document["components"] = {"schemas": schemas}
    started = time.perf_counter()
    resolved = resolve_refs(document, {"$ref": "#/components/schemas/S0"})
    assert time.perf_counter() - started < 5  # seconds, not the age of the universe
    assert resolved["properties"]["a"] is resolved["properties"]["b"]
    deepest = resolved
    for _ in range(40):
        deepest = deepest["properties"]["a"]
    assert deepest == {"type": "string"}


def test_a_cycle_of_schemas_is_inlined_to_a_bounded_depth() -> None:
    document = load_document(DATA / "account_web.yaml")
    account = resolve_refs(document, _response_schema(document))
    assert account["properties"]["parent"] == {"$ref": ACCOUNT}  # recurs on its own path
    invoice = account["properties"]["latest_invoice"]["anyOf"][1]
    assert invoice["properties"]["charge"] == {"$ref": CHARGE}  # two recursive schemas deep
    assert invoice["properties"]["address"] is account["properties"]["address"]  # shared, not copied
    assert account["properties"]["address"]["properties"]["line1"] == {"type": "string"}


def test_a_schema_read_in_place_is_inlined_one_level_below_itself() -> None:
    document = load_document(DATA / "account_web.yaml")
    account = resolve_refs(document)["components"]["schemas"]["Account"]
    parent = account["properties"]["parent"]
    assert parent["required"] == ["id"]
    assert parent["properties"]["parent"] == {"$ref": ACCOUNT}
    invoice = parent["properties"]["latest_invoice"]["anyOf"][1]
    assert invoice["properties"]["charge"] == {"$ref": CHARGE}  # Account and Invoice: two deep


def test_results_do_not_depend_on_what_was_resolved_before() -> None:
    first = load_document(DATA / "account_web.yaml")
    second = copy.deepcopy(first)
    whole_first = json.dumps(resolve_refs(first), sort_keys=True)
    one_first = json.dumps(resolve_refs(first, _response_schema(first)), sort_keys=True)
    one_second = json.dumps(resolve_refs(second, _response_schema(second)), sort_keys=True)
    whole_second = json.dumps(resolve_refs(second), sort_keys=True)
    assert (whole_first, one_first) == (whole_second, one_second)


def test_a_result_may_have_its_own_keys_changed_without_touching_the_next() -> None:
    document = load_document(DATA / "account_web.yaml")
    schema = _response_schema(document)
    resolve_refs(document, schema)["properties"] = {}
    assert "id" in resolve_refs(document, schema)["properties"]
    assert resolve_refs(document, schema) is not resolve_refs(document, schema)
