"""invoice_contracts.oas.openapi31: the 3.0 view Connexion routes with, rule by rule."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import OpenAPIV30SpecValidator

from invoice_contracts.oas import load_contract
from invoice_contracts.oas.openapi31 import SOURCE_KEY, routing_view, schema_to_30
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "oas31"


@pytest.mark.parametrize(
    ("schema", "view"),
    [
        ({"type": ["string", "null"]}, {"type": "string", "nullable": True}),
        ({"type": ["integer", "string"]}, {"allOf": [{"anyOf": [{"type": "integer"}, {"type": "string"}]}]}),
        ({"type": "null"}, {"nullable": True, "enum": [None]}),
        ({"const": "x"}, {"enum": ["x"]}),
        ({"examples": [1, 2]}, {"example": 1}),
        ({"exclusiveMinimum": 0}, {"minimum": 0, "exclusiveMinimum": True}),
        ({"exclusiveMinimum": 0, "minimum": 5}, {"minimum": 5}),
        ({"exclusiveMaximum": 9, "maximum": 10}, {"maximum": 9, "exclusiveMaximum": True}),
        ({"type": "string", "contentEncoding": "base64"}, {"type": "string", "format": "byte"}),
        ({"type": "string", "contentMediaType": "image/png"}, {"type": "string", "format": "binary"}),
        (True, {}),
        (False, {"not": {}}),
        (
            {"$defs": {"A": {"const": 1}}, "$ref": "#/x/$defs/A"},
            {"x-$defs": {"A": {"enum": [1]}}, "$ref": "#/x/x-$defs/A"},
        ),
        (
            {"$ref": "#/components/schemas/A", "description": "d"},
            {"$ref": "#/components/schemas/A", "description": "d"},
        ),
        (
            {
                "type": "array",
                "prefixItems": [{}],
                "contains": {},
                "unevaluatedItems": False,
                "items": {"type": "string"},
            },
            {"type": "array", "items": {"type": "string"}},
        ),
        (
            {"type": "object", "if": {}, "then": {}, "dependentRequired": {}, "patternProperties": {}, "required": []},
            {"type": "object"},
        ),
        (
            {"properties": {"a": {"type": ["number", "null"]}}},
            {"properties": {"a": {"type": "number", "nullable": True}}},
        ),
    ],
)
def test_schema_rules(schema: Any, view: dict[str, Any]) -> None:
    assert schema_to_30(schema) == view


@pytest.mark.parametrize("name", sorted(path.stem for path in DATA.glob("*.yaml")))
def test_the_view_is_valid_openapi_3_0(name: str) -> None:
    view = routing_view(load_contract(DATA / f"{name}.yaml").document)
    assert view["openapi"] == "3.0.3"
    OpenAPIV30SpecValidator(view).validate()


def test_document_rules() -> None:
    document = load_contract(DATA / "document.yaml").document
    view = routing_view(document)
    assert "webhooks" not in view
    assert "jsonSchemaDialect" not in view
    assert "summary" not in view["info"]
    assert view["info"]["license"] == {"name": "Apache 2.0"}
    assert "pathItems" not in view["components"]
    ping = view["paths"]["/ping"]["get"]
    assert ping["operationId"] == "ping"
    # Each validated schema names where its original lives (here: inside the component path item).
    assert ping["parameters"][0]["schema"][SOURCE_KEY] == "/components/pathItems/Ping/get/parameters/0/schema"
    media = ping["responses"]["200"]["content"]["application/json"]
    assert (
        media["schema"][SOURCE_KEY] == "/components/pathItems/Ping/get/responses/200/content/application~1json/schema"
    )
    assert document["openapi"] == "3.1.0"  # the original is left as it was


def test_mutual_tls_is_dropped_with_its_requirements() -> None:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "security": [{"cert": []}, {"key": []}],
        "paths": {},
        "components": {
            "securitySchemes": {
                "cert": {"type": "mutualTLS"},
                "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
            }
        },
    }
    view = routing_view(document)
    assert view["security"] == [{"key": []}]
    assert list(view["components"]["securitySchemes"]) == ["key"]
    OpenAPIV30SpecValidator(view).validate()


def test_parameter_schemas_get_the_type_connexion_reads() -> None:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/x": {
                "get": {
                    "parameters": [
                        {"name": "currency", "in": "query", "schema": {"allOf": [{"$ref": "#/components/schemas/C"}]}},
                        {"name": "ids", "in": "query", "schema": {"type": "array", "items": {"format": "uuid"}}},
                        {"name": "any", "in": "query", "schema": {}},
                    ],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
        "components": {"schemas": {"C": {"enum": ["EUR", "USD"]}}},
    }
    currency, ids, anything = routing_view(document)["paths"]["/x"]["get"]["parameters"]
    assert currency["schema"]["type"] == "string"
    assert ids["schema"]["items"]["type"] == "string"
    assert anything["schema"]["type"] == "string"
