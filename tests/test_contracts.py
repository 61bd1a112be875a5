"""Contract hygiene: valid OpenAPI, complete operations, seed-documented statuses, valid examples, links."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance.lint import examples_with_schemas, lint_path
from conformance.provenance import PROVENANCE_LEVELS, provenance_entries
from invoice_contracts.oas import iter_operations, load_document, resolve_refs

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = sorted((ROOT / "openapi").glob("*.yaml"))

# What each seed document states about an operation's responses; the contract must keep all of it.
SEED_STATUSES = {
    ("solvimon", "postInvoicesByResourceIdCredit"): {"200", "400", "401", "403", "500"},  # seed 000
    ("solvimon", "postInvoicesByResourceIdRefund"): {"200", "400", "401", "403"},  # seed 001
    ("solvimon", "postInvoicesByResourceIdRefresh"): {"200", "400", "401", "403", "500"},  # seed 003
    ("chargeover", "createInvoice"): {"201", "400", "401"},  # seed 002
    ("keyline", "listReversalInvoices"): {"200", "401"},  # seed 004 + KL-DOCS status list
    ("keyline", "getReversalInvoice"): {"200", "401"},  # seed 004 + KL-DOCS status list
}

# Stateful flows that must be connected by OpenAPI links: (contract, from operation, to operation).
REQUIRED_LINKS = [
    ("solvimon", "getInvoices", "getInvoicesByResourceId"),
    ("solvimon", "getInvoicesByResourceId", "postInvoicesByResourceIdCredit"),
    ("solvimon", "postInvoicesByResourceIdCredit", "postInvoicesByResourceIdRefund"),
    ("chargeover", "createInvoice", "getInvoice"),
    ("keyline", "createCustomerInvoice", "createReversalInvoice"),
    ("keyline", "createReversalInvoice", "getReversalInvoice"),
]


def operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry.operation["operationId"]: entry.operation for entry in iter_operations(document)}


def load(name: str) -> dict[str, Any]:
    return load_document(ROOT / "openapi" / f"{name}.yaml")


def test_there_are_three_contracts() -> None:
    assert [path.stem for path in CONTRACTS] == ["chargeover", "keyline", "solvimon"]


@pytest.mark.parametrize("path", CONTRACTS, ids=lambda p: p.stem)
def test_every_operation_has_id_summary_provenance_and_401(path: Path) -> None:
    document = load_document(path)
    for entry in iter_operations(document):
        operation = entry.operation
        assert operation.get("operationId"), f"{entry.method} {entry.path} without operationId"
        assert operation.get("summary"), operation["operationId"]
        assert operation.get("x-provenance") in {"documented", "inferred", "assumed"}, operation["operationId"]
        assert operation.get("x-source"), operation["operationId"]
        assert "401" in operation["responses"], operation["operationId"]
        if operation.get("x-permission"):
            assert "403" in operation["responses"], operation["operationId"]


@pytest.mark.parametrize(("api", "operation_id"), sorted(SEED_STATUSES))
def test_operation_documents_every_status_of_its_seed(api: str, operation_id: str) -> None:
    documented = set(operations(load(api))[operation_id]["responses"])
    assert SEED_STATUSES[api, operation_id] <= documented


def test_solvimon_permissions_match_the_seeds() -> None:
    by_id = operations(load("solvimon"))
    assert by_id["postInvoicesByResourceIdCredit"]["x-permission"] == "INVOICE.CREDIT.CREATE"
    assert by_id["postInvoicesByResourceIdRefund"]["x-permission"] == "INVOICE.REFUND"
    assert by_id["postInvoicesByResourceIdRefresh"]["x-permission"] == "INVOICE.REFRESH"
    assert by_id["getInvoices"]["x-permission"] == "INVOICE.VIEW"
    assert by_id["getInvoicesByResourceId"]["x-permission"] == "INVOICE.VIEW"


SEED_FIELD = re.compile(r"^([a-z][a-z0-9_]*?)(string|boolean|list|object|enum|datetime)(?= |$)|^([a-z][a-z0-9_]*)$")


def seed_response_fields(seed: str) -> set[str]:
    """Field names of a Solvimon seed's Response section (one field per line, type glued on)."""
    path = next((ROOT.parent / "shared" / "seeds").glob(f"{seed}_*.txt"), None)
    if path is None:
        pytest.skip("the seed documents (../shared/seeds) are not beside this checkout")
    lines = path.read_text().splitlines()
    section = lines[lines.index("Response") + 1 : lines.index("Errors")]
    fields = set()
    for line in section:
        match = SEED_FIELD.match(line)
        if match:
            fields.add(match.group(1) or match.group(3))
    return fields


@pytest.mark.parametrize("seed", ["000", "001", "003"])
def test_solvimon_invoice_has_every_field_of_the_seed(seed: str) -> None:
    fields = seed_response_fields(seed)
    assert len(fields) > 50, "the seed parser found too few fields"
    invoice = load("solvimon")["components"]["schemas"]["Invoice"]["properties"]
    assert fields - set(invoice) == set()


@pytest.mark.parametrize("path", CONTRACTS, ids=lambda p: p.stem)
def test_contract_is_lint_clean(path: Path) -> None:
    """Valid, operationIds, 401/403, valid examples, provenance values, links (see conformance.lint)."""
    assert lint_path(path) == []


@pytest.mark.parametrize("path", CONTRACTS, ids=lambda p: p.stem)
def test_contract_has_examples(path: Path) -> None:
    document = resolve_refs(load_document(path))
    assert list(examples_with_schemas(document["paths"])), (
        "a contract without examples gives Swagger UI nothing to show"
    )


@pytest.mark.parametrize(("api", "source", "target"), REQUIRED_LINKS)
def test_stateful_flow_is_linked(api: str, source: str, target: str) -> None:
    operation = operations(load(api))[source]
    targets = {
        link["operationId"]
        for response in operation["responses"].values()
        for link in (response.get("links") or {}).values()
    }
    assert target in targets


@pytest.mark.parametrize("path", CONTRACTS, ids=lambda p: p.stem)
def test_links_point_at_existing_operations(path: Path) -> None:
    document = load_document(path)
    known = set(operations(document))
    for operation in operations(document).values():
        for response in operation["responses"].values():
            for link in (response.get("links") or {}).values():
                assert link["operationId"] in known


def test_keyline_reversal_invoices_are_read_only() -> None:
    paths = load("keyline")["paths"]
    for path, item in paths.items():
        if path.startswith("/accounting/reversal_invoices"):
            assert set(item) <= {"get", "parameters"}, path


def test_chargeover_create_requires_a_line_item() -> None:
    schema = load("chargeover")["components"]["schemas"]["InvoiceCreate"]
    assert "line_items" in schema["required"]
    assert schema["properties"]["line_items"]["minItems"] == 1


@pytest.mark.parametrize("path", CONTRACTS, ids=lambda p: p.stem)
def test_docs_list_every_inferred_or_assumed_element(path: Path) -> None:
    docs = (ROOT / "docs" / "contracts.md").read_text()
    entries = provenance_entries(load_document(path))
    assert entries
    missing = [entry.pointer for entry in entries if f"`{entry.pointer}`" not in docs]
    assert not missing, f"docs/contracts.md lacks {missing}"


@pytest.mark.parametrize("path", CONTRACTS, ids=lambda p: p.stem)
def test_every_provenance_value_is_allowed(path: Path) -> None:
    entries = provenance_entries(load_document(path), include_documented=True)
    assert {entry.level for entry in entries} <= set(PROVENANCE_LEVELS)


# What the vendors publish about types, enums and nullability (with sources): tests/vendor_facts.yaml.
VENDOR_FACTS: dict[str, Any] = yaml.safe_load((ROOT / "tests" / "vendor_facts.yaml").read_text())


def accepted(schema: dict[str, Any]) -> tuple[set[str], set[str] | None, bool]:
    """(types, enum values or None when free, accepts null) of a resolved property schema; arrays by their items."""
    if schema.get("type") == "array":
        return accepted(schema.get("items", {}))
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            parts = [accepted(branch) for branch in schema[key]]
            types = set().union(*(p[0] for p in parts))
            enums = [p[1] for p in parts if not (p[0] <= set() and p[1] is None)]
            free = key != "allOf" and any(e is None for e in enums)
            values = (
                None if free or not any(e is not None for e in enums) else set().union(*(e or set() for e in enums))
            )
            nullable = any(p[2] for p in parts) if key != "allOf" else schema.get("nullable") is True
            return types, values, nullable
    types = {str(schema["type"])} if "type" in schema else set()
    enum = {str(v) for v in schema["enum"] if v is not None} if "enum" in schema else None
    return types, enum, schema.get("nullable") is True


def narrower_than_vendor(document: dict[str, Any], facts: list[dict[str, Any]]) -> list[str]:
    schemas = resolve_refs(document)["components"]["schemas"]
    problems = []
    for fact in facts:
        where = f"{fact['schema']}.{fact['property']} ({fact['source']})"
        prop = schemas.get(fact["schema"], {}).get("properties", {}).get(fact["property"])
        if prop is None:
            problems.append(f"{where}: the contract does not declare it")
            continue
        types, enum, nullable = accepted(prop)
        if "enum" in fact and enum is not None and not set(fact["enum"]) <= enum:
            problems.append(f"{where}: lacks {sorted(set(fact['enum']) - enum)}")
        if fact.get("nullable") and not nullable:
            problems.append(f"{where}: the vendor allows null, the contract does not")
        if (
            "type" in fact
            and types
            and fact["type"] not in types
            and not (fact["type"] == "integer" and "number" in types)
        ):
            problems.append(f"{where}: vendor type {fact['type']}, contract {sorted(types)}")
    return problems


@pytest.mark.parametrize("api", sorted(VENDOR_FACTS))
def test_contract_is_never_narrower_than_the_vendor(api: str) -> None:
    assert narrower_than_vendor(load(api), VENDOR_FACTS[api]["facts"]) == []


def test_the_vendor_comparison_catches_a_narrowed_contract() -> None:
    document = load("solvimon")
    resource_type = document["components"]["schemas"]["ResourceType"]
    resource_type["enum"].remove("WALLET")
    acceptor = document["components"]["schemas"]["PaymentAcceptor"]["properties"]["type"]
    acceptor.pop("nullable")
    problems = narrower_than_vendor(document, VENDOR_FACTS["solvimon"]["facts"])
    assert len(problems) == 2, problems
    assert "lacks ['WALLET']" in problems[0]
    assert "allows null" in problems[1]
