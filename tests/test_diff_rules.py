"""`conformance diff` rules: one old/new pair per rule id with its expected level, the five cases of
issue 16, and the rule table of docs/ci.md kept in step with the catalogue."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import pytest
from openapi_spec_validator import validate

from conformance.diff import RULES, diff_documents
from conformance.diff.oasdiff import NOT_COVERED, OASDIFF
from conformance.findings import Finding
from tests.conftest import ROOT

Doc = dict[str, Any]
Edit = Callable[[Doc], object]


def base() -> Doc:
    """One small contract that has every construct the rules look at."""
    pet = {"$ref": "#/components/schemas/Pet"}
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "https://api.example.com/v1"}],
        "security": [{"key": []}, {"bearer": []}],
        "components": {
            "securitySchemes": {
                "key": {"type": "apiKey", "in": "header", "name": "X-KEY"},
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                "oauth": {
                    "type": "oauth2",
                    "flows": {
                        "clientCredentials": {
                            "tokenUrl": "https://auth.example.com/token",
                            "scopes": {"things:read": "read", "things:write": "write"},
                        }
                    },
                },
            },
            "schemas": {
                "Cat": {"type": "object", "properties": {"type": {"type": "string"}, "purrs": {"type": "boolean"}}},
                "Dog": {"type": "object", "properties": {"type": {"type": "string"}, "barks": {"type": "boolean"}}},
                "Pet": {
                    "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                    "discriminator": {
                        "propertyName": "type",
                        "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"},
                    },
                },
                "Thing": {
                    "type": "object",
                    "required": ["id", "kind"],
                    "properties": {
                        "id": {"type": "string", "maxLength": 36, "minLength": 1, "pattern": "^[a-z0-9-]+$"},
                        "kind": {"type": "string", "enum": ["A", "B"], "default": "A"},
                        "amount": {"type": "number", "format": "double"},
                        "note": {"type": "string"},
                        "flag": {"type": "boolean"},
                        "score": {
                            "type": "number",
                            "minimum": 0,
                            "maximum": 100,
                            "exclusiveMaximum": True,
                            "multipleOf": 10,
                        },
                        "labels": {
                            "type": "array",
                            "items": {"type": "string"},
                            "minItems": 1,
                            "maxItems": 3,
                            "uniqueItems": True,
                        },
                        "meta": {
                            "type": "object",
                            "additionalProperties": False,
                            "minProperties": 1,
                            "maxProperties": 5,
                        },
                        "value": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                        "ref": {"type": "string", "not": {"enum": ["none"]}},
                        "pet": pet,
                    },
                },
                "ThingCreate": {
                    "type": "object",
                    "required": ["kind"],
                    "properties": {
                        "kind": {"type": "string", "enum": ["A", "B"]},
                        "note": {"type": "string", "maxLength": 100, "nullable": True},
                        "count": {"type": "integer", "maximum": 50, "minimum": 1, "default": 1},
                        "step": {"type": "integer", "multipleOf": 5},
                        "code": {"type": "string"},
                        "tags": {"type": "array", "items": {"type": "string"}},
                        "meta": {"type": "object"},
                        "value": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                        "pet": pet,
                    },
                },
            },
        },
        "paths": {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "tags": ["things"],
                    "summary": "List",
                    "parameters": [
                        {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                        {"name": "tenant", "in": "header", "required": True, "schema": {"type": "string"}},
                        {"name": "ids", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
                        {"name": "flag", "in": "query", "allowEmptyValue": True, "schema": {"type": "boolean"}},
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}
                                }
                            },
                        },
                        "401": {"description": "no"},
                    },
                },
                "post": {
                    "operationId": "createThing",
                    "x-permission": "THING.CREATE",
                    "requestBody": {
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingCreate"}}}
                    },
                    "responses": {
                        "201": {
                            "description": "created",
                            "headers": {
                                "Location": {"schema": {"type": "string"}},
                                "X-Rate-Limit": {"required": True, "schema": {"type": "integer"}},
                            },
                            "links": {
                                "GetThing": {"operationId": "getThing", "parameters": {"id": "$response.body#/id"}}
                            },
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
                        },
                        "400": {"description": "bad"},
                    },
                },
            },
            "/things/{id}": {
                "get": {
                    "operationId": "getThing",
                    "security": [],
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
                        }
                    },
                },
                "put": {
                    "operationId": "replaceThing",
                    "security": [{"oauth": ["things:write"]}],
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingCreate"}}},
                    },
                    "responses": {"204": {"description": "replaced"}},
                },
            },
        },
    }


def schemas(d: Doc) -> Doc:
    return d["components"]["schemas"]


def thing(d: Doc) -> Doc:
    return schemas(d)["Thing"]["properties"]


def create(d: Doc) -> Doc:
    return schemas(d)["ThingCreate"]


def props(d: Doc) -> Doc:
    return create(d)["properties"]


def listing(d: Doc) -> Doc:
    return d["paths"]["/things"]["get"]


def params(d: Doc) -> list[Doc]:
    return listing(d)["parameters"]


def post(d: Doc) -> Doc:
    return d["paths"]["/things"]["post"]


def created(d: Doc) -> Doc:
    return post(d)["responses"]["201"]


def scheme(d: Doc, name: str) -> Doc:
    return d["components"]["securitySchemes"][name]


def flow(d: Doc) -> Doc:
    return scheme(d, "oauth")["flows"]["clientCredentials"]


def rename(d: Doc, key: str, old: str, new: str) -> None:
    mapping = d[key] if key else d
    mapping[new] = mapping.pop(old)


# rule id -> (expected level, the edit that makes the new contract)
CASES: dict[str, tuple[str, Edit | None]] = {
    # operations
    "path-removed": ("breaking", lambda d: d["paths"].pop("/things/{id}")),
    "operation-removed": ("breaking", lambda d: d["paths"]["/things"].pop("post")),
    "operation-added": (
        "info",
        lambda d: d["paths"]["/things/{id}"].update(
            delete={
                "operationId": "deleteThing",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"204": {"description": "gone"}},
            }
        ),
    ),
    "operation-deprecated": ("warning", lambda d: listing(d).update(deprecated=True)),
    "operation-reactivated": ("info", None),  # the reverse of operation-deprecated, see REVERSED
    "operation-id-changed": ("warning", lambda d: listing(d).update(operationId="getThings")),
    "operation-id-added": ("info", None),  # an operationId given where there was none
    "tag-removed": ("warning", lambda d: listing(d).pop("tags")),
    "tag-added": ("info", lambda d: post(d).update(tags=["things"])),
    "description-changed": ("info", lambda d: listing(d).update(summary="List all things")),
    "server-removed": ("warning", lambda d: d.update(servers=[{"url": "https://api.example.com/v2"}])),
    "server-added": ("info", lambda d: d["servers"].append({"url": "https://eu.example.com/v1"})),
    # parameters
    "request-parameter-required-added": (
        "breaking",
        lambda d: params(d).append({"name": "q", "in": "query", "required": True, "schema": {"type": "string"}}),
    ),
    "request-parameter-became-required": ("breaking", lambda d: params(d)[0].update(required=True)),
    "request-parameter-became-optional": ("info", lambda d: params(d)[1].pop("required")),
    "request-parameter-added": (
        "info",
        lambda d: params(d).append({"name": "sort", "in": "query", "schema": {"type": "string"}}),
    ),
    "request-parameter-removed": ("warning", lambda d: params(d).pop(0)),
    "request-parameter-deprecated": ("info", lambda d: params(d)[0].update(deprecated=True)),
    "parameter-location-changed": ("breaking", lambda d: params(d)[0].update({"in": "header"})),
    "request-parameter-serialization-changed": ("breaking", lambda d: params(d)[2].update(explode=False)),
    "request-parameter-empty-value-disallowed": ("breaking", lambda d: params(d)[3].pop("allowEmptyValue")),
    # request bodies
    "request-body-required-added": (
        "breaking",
        lambda d: d["paths"]["/things/{id}"]["get"].update(
            requestBody={"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}
        ),
    ),
    "request-body-added": (
        "info",
        lambda d: d["paths"]["/things/{id}"]["get"].update(
            requestBody={"content": {"application/json": {"schema": {"type": "object"}}}}
        ),
    ),
    "request-body-removed": ("warning", lambda d: post(d).pop("requestBody")),
    "request-body-became-required": ("breaking", lambda d: post(d)["requestBody"].update(required=True)),
    "request-body-became-optional": (
        "info",
        lambda d: d["paths"]["/things/{id}"]["put"]["requestBody"].pop("required"),
    ),
    "request-media-type-removed": (
        "breaking",
        lambda d: rename(post(d)["requestBody"], "content", "application/json", "application/xml"),
    ),
    "request-media-type-added": (
        "info",
        lambda d: post(d)["requestBody"]["content"].update({"text/csv": {"schema": {"type": "string"}}}),
    ),
    # request schemas
    "request-property-required-added": (
        "breaking",
        lambda d: (props(d).update(extra={"type": "string"}), create(d)["required"].append("extra")),
    ),
    "request-property-became-required": ("breaking", lambda d: create(d)["required"].append("note")),
    "request-property-became-optional": ("info", lambda d: create(d).pop("required")),
    "request-property-added": ("info", lambda d: props(d).update(memo={"type": "string"})),
    "request-property-removed": ("warning", lambda d: props(d).pop("code")),
    "request-property-became-read-only": ("breaking", lambda d: props(d)["code"].update(readOnly=True)),
    "request-type-changed": ("breaking", lambda d: props(d)["code"].update(type="integer")),
    "request-type-widened": ("info", lambda d: params(d)[0]["schema"].update(type="number")),
    "request-format-changed": ("breaking", lambda d: props(d)["code"].update(format="uuid")),
    "request-enum-narrowed": ("breaking", lambda d: props(d)["kind"].update(enum=["A"])),
    "request-enum-widened": ("info", lambda d: props(d)["kind"].update(enum=["A", "B", "C"])),
    "request-nullable-removed": ("breaking", lambda d: props(d)["note"].pop("nullable")),
    "request-max-length-decreased": ("breaking", lambda d: props(d)["note"].update(maxLength=10)),
    "request-min-length-increased": ("breaking", lambda d: props(d)["code"].update(minLength=3)),
    "request-maximum-decreased": ("breaking", lambda d: props(d)["count"].update(maximum=10)),
    "request-minimum-increased": ("breaking", lambda d: props(d)["step"].update(minimum=5)),
    "request-max-items-decreased": ("breaking", lambda d: props(d)["tags"].update(maxItems=2)),
    "request-min-items-increased": ("breaking", lambda d: props(d)["tags"].update(minItems=1)),
    "request-max-properties-decreased": ("breaking", lambda d: props(d)["meta"].update(maxProperties=5)),
    "request-min-properties-increased": ("breaking", lambda d: props(d)["meta"].update(minProperties=1)),
    "request-multiple-of-changed": ("breaking", lambda d: props(d)["step"].update(multipleOf=10)),
    "request-exclusive-bound-added": ("breaking", lambda d: props(d)["count"].update(exclusiveMaximum=True)),
    "request-unique-items-added": ("breaking", lambda d: props(d)["tags"].update(uniqueItems=True)),
    "request-pattern-changed": ("breaking", lambda d: props(d)["code"].update(pattern="^[A-Z]+$")),
    "request-default-changed": ("breaking", lambda d: props(d)["count"].update(default=2)),
    "request-not-changed": ("breaking", lambda d: props(d)["code"].update({"not": {"enum": ["X"]}})),
    "request-additional-properties-narrowed": (
        "breaking",
        lambda d: props(d)["meta"].update(additionalProperties=False),
    ),
    "request-composition-member-removed": ("breaking", lambda d: props(d)["value"]["oneOf"].pop()),
    "request-composition-member-added": (
        "info",
        lambda d: props(d)["value"]["oneOf"].append({"type": "boolean"}),
    ),
    "request-discriminator-mapping-removed": (
        "breaking",
        lambda d: schemas(d)["Pet"]["discriminator"]["mapping"].pop("dog"),
    ),
    "request-constraint-relaxed": ("info", lambda d: props(d)["note"].update(maxLength=1000)),
    # response schemas
    "response-type-changed": ("breaking", lambda d: thing(d)["id"].update(type="integer")),
    "response-type-narrowed": ("info", lambda d: thing(d)["amount"].update(type="integer", format="int64")),
    "response-format-changed": ("breaking", lambda d: thing(d)["amount"].update(format="decimal")),
    "response-enum-widened": ("breaking", lambda d: thing(d)["kind"].update(enum=["A", "B", "C"])),
    "response-enum-narrowed": ("info", lambda d: thing(d)["kind"].update(enum=["A"])),
    "response-property-removed": ("breaking", lambda d: thing(d).pop("note")),
    "response-property-became-optional": ("breaking", lambda d: schemas(d)["Thing"]["required"].remove("kind")),
    "response-property-became-required": ("info", lambda d: schemas(d)["Thing"]["required"].append("note")),
    "response-property-became-nullable": ("breaking", lambda d: thing(d)["note"].update(nullable=True)),
    "response-property-became-write-only": ("breaking", lambda d: thing(d)["note"].update(writeOnly=True)),
    "response-property-added": ("info", lambda d: thing(d).update(created_at={"type": "string"})),
    "response-max-length-increased": ("breaking", lambda d: thing(d)["id"].update(maxLength=64)),
    "response-min-length-decreased": ("breaking", lambda d: thing(d)["id"].update(minLength=0)),
    "response-maximum-increased": ("breaking", lambda d: thing(d)["score"].update(maximum=1000)),
    "response-minimum-decreased": ("breaking", lambda d: thing(d)["score"].pop("minimum")),
    "response-max-items-increased": ("breaking", lambda d: thing(d)["labels"].update(maxItems=10)),
    "response-min-items-decreased": ("breaking", lambda d: thing(d)["labels"].update(minItems=0)),
    "response-max-properties-increased": ("breaking", lambda d: thing(d)["meta"].update(maxProperties=10)),
    "response-min-properties-decreased": ("breaking", lambda d: thing(d)["meta"].pop("minProperties")),
    "response-multiple-of-changed": ("breaking", lambda d: thing(d)["score"].update(multipleOf=5)),
    "response-exclusive-bound-removed": ("breaking", lambda d: thing(d)["score"].pop("exclusiveMaximum")),
    "response-unique-items-removed": ("breaking", lambda d: thing(d)["labels"].pop("uniqueItems")),
    "response-pattern-changed": ("breaking", lambda d: thing(d)["id"].update(pattern="^[a-z]+$")),
    "response-default-changed": ("info", lambda d: thing(d)["kind"].update(default="B")),
    "response-not-changed": ("breaking", lambda d: thing(d)["ref"].pop("not")),
    "response-additional-properties-widened": (
        "breaking",
        lambda d: thing(d)["meta"].update(additionalProperties=True),
    ),
    "response-composition-member-added": (
        "breaking",
        lambda d: thing(d).update(flag={"oneOf": [{"type": "boolean"}, {"type": "string"}]}),
    ),
    "response-composition-member-removed": ("info", lambda d: thing(d)["value"]["oneOf"].pop()),
    "response-discriminator-mapping-added": (
        "breaking",
        lambda d: schemas(d)["Pet"]["discriminator"]["mapping"].update(fox="#/components/schemas/Dog"),
    ),
    "response-constraint-tightened": ("info", lambda d: thing(d)["note"].update(maxLength=500)),
    "discriminator-changed": ("breaking", lambda d: schemas(d)["Pet"]["discriminator"].update(propertyName="kind")),
    # responses
    "success-status-removed": ("breaking", lambda d: post(d)["responses"].pop("201")),
    "error-status-removed": ("breaking", lambda d: post(d)["responses"].pop("400")),
    "response-status-added": ("info", lambda d: listing(d)["responses"].update({"429": {"description": "slow"}})),
    "response-media-type-removed": (
        "breaking",
        lambda d: rename(created(d), "content", "application/json", "application/xml"),
    ),
    "response-media-type-added": (
        "info",
        lambda d: created(d)["content"].update({"text/csv": {"schema": {"type": "string"}}}),
    ),
    "response-header-removed": ("breaking", lambda d: created(d)["headers"].pop("Location")),
    "response-header-became-optional": ("breaking", lambda d: created(d)["headers"]["X-Rate-Limit"].pop("required")),
    "response-header-added": (
        "info",
        lambda d: created(d)["headers"].update({"X-Request-Id": {"schema": {"type": "string"}}}),
    ),
    "link-removed": ("warning", lambda d: created(d).pop("links")),
    "link-changed": ("warning", lambda d: created(d)["links"]["GetThing"].update(operationId="listThings")),
    "link-added": (
        "info",
        lambda d: created(d)["links"].update(Again={"operationId": "listThings"}),
    ),
    # security
    "security-requirement-added": ("breaking", lambda d: d["paths"]["/things/{id}"]["get"].pop("security")),
    "security-tightened": ("breaking", lambda d: d.update(security=[{"key": []}])),
    "security-relaxed": ("info", lambda d: d["security"].append({"oauth": ["things:read"]})),
    "security-scheme-removed": (
        "breaking",
        lambda d: (
            d["components"]["securitySchemes"].pop("oauth"),
            d["paths"]["/things/{id}"]["put"].update(security=[{"key": []}]),
        ),
    ),
    "security-scheme-added": (
        "info",
        lambda d: d["components"]["securitySchemes"].update(basic={"type": "http", "scheme": "basic"}),
    ),
    "security-scheme-type-changed": (
        "breaking",
        lambda d: d["components"]["securitySchemes"].update(key={"type": "http", "scheme": "basic"}),
    ),
    "security-scheme-parameter-changed": ("breaking", lambda d: scheme(d, "key").update(name="X-API-KEY")),
    "security-scheme-http-changed": (
        "breaking",
        lambda d: d["components"]["securitySchemes"].update(bearer={"type": "http", "scheme": "basic"}),
    ),
    "security-scheme-bearer-format-changed": ("warning", lambda d: scheme(d, "bearer").update(bearerFormat="opaque")),
    "security-scheme-url-changed": ("breaking", lambda d: flow(d).update(tokenUrl="https://auth.example.com/v2/token")),
    "security-scheme-flow-removed": (
        "breaking",
        lambda d: rename(scheme(d, "oauth"), "flows", "clientCredentials", "password"),
    ),
    "security-scheme-flow-added": (
        "info",
        lambda d: scheme(d, "oauth")["flows"].update(
            password={"tokenUrl": "https://auth.example.com/token", "scopes": {}}
        ),
    ),
    "security-scheme-scope-removed": ("breaking", lambda d: flow(d)["scopes"].pop("things:read")),
    "security-scheme-scope-added": ("info", lambda d: flow(d)["scopes"].update({"things:admin": "admin"})),
}

# Rules whose case is the reverse edit of another rule's (the old side is the edited one).
REVERSED = {"operation-reactivated": "operation-deprecated", "operation-id-added": "operation-id-changed"}
# Rules only a folder diff reports: tested in tests/test_diff.py.
FOLDER_RULES = {"contract-removed", "contract-added"}


def sides(rule: str) -> tuple[Doc, Doc]:
    old, new = base(), base()
    if rule in REVERSED:
        if rule == "operation-id-added":
            listing(old).pop("operationId")
        else:
            CASES[REVERSED[rule]][1](old)
        return old, new
    edit = CASES[rule][1]
    assert edit is not None
    edit(new)
    return old, new


@pytest.mark.parametrize("rule", sorted(CASES))
def test_both_sides_of_every_case_are_valid_openapi(rule: str) -> None:
    for side in sides(rule):
        validate(side)


def findings_for(rule: str) -> list[Finding]:
    old, new = sides(rule)
    return diff_documents(old, new)


def test_every_rule_in_the_catalogue_has_a_case_and_no_case_is_unknown() -> None:
    assert set(CASES) | FOLDER_RULES == set(RULES)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_the_case_is_reported_with_its_rule_id_and_level(rule: str) -> None:
    level = CASES[rule][0]
    findings = findings_for(rule)
    matching = [f for f in findings if f.rule == rule]
    assert matching, f"{rule} not reported; got {sorted({f.rule for f in findings})}"
    assert {f.level for f in matching} == {level}
    assert RULES[rule].level == level
    if level != "breaking":
        assert [f for f in findings if f.level == "breaking"] == [], f"a harmless edit broke: {findings}"


def only(edit: Edit) -> set[tuple[str, str]]:
    new = base()
    edit(new)
    return {(f.rule, f.level) for f in diff_documents(base(), new)}


def test_issue_16_media_type_changed_is_breaking_on_both_sides() -> None:
    def edit(d: Doc) -> None:
        rename(post(d)["requestBody"], "content", "application/json", "application/xml")
        rename(created(d), "content", "application/json", "application/xml")

    assert only(edit) == {
        ("request-media-type-removed", "breaking"),
        ("request-media-type-added", "info"),
        ("response-media-type-removed", "breaking"),
        ("response-media-type-added", "info"),
    }


def test_issue_16_response_property_widened_through_one_of_or_any_of() -> None:
    for keyword in ("oneOf", "anyOf"):
        found = only(lambda d, k=keyword: thing(d).update(flag={k: [{"type": "boolean"}, {"type": "string"}]}))
        assert found == {("response-composition-member-added", "breaking")}


def test_issue_16_min_items_added_to_a_request_array() -> None:
    assert only(lambda d: props(d)["tags"].update(minItems=1)) == {("request-min-items-increased", "breaking")}


def test_issue_16_security_scheme_header_renamed_under_the_same_requirement_name() -> None:
    assert only(lambda d: scheme(d, "key").update(name="X-API-KEY")) == {
        ("security-scheme-parameter-changed", "breaking")
    }


def test_issue_16_request_query_parameter_integer_to_number_is_not_breaking() -> None:
    assert only(lambda d: params(d)[0]["schema"].update(type="number")) == {("request-type-widened", "info")}


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        # the same change is judged by direction: a request may widen, a response may narrow
        (lambda d: thing(d)["amount"].update(type="integer", format="int64"), "response-type-narrowed"),
        (lambda d: thing(d)["flag"].update(type="string"), "response-type-changed"),
        (lambda d: props(d)["count"].update(type="number"), "request-type-widened"),
        (lambda d: props(d)["count"].update(format="int32"), "request-format-changed"),
        (lambda d: props(d)["count"].update(maximum=100), "request-constraint-relaxed"),
        (lambda d: props(d)["step"].update(multipleOf=1), "request-constraint-relaxed"),
        (lambda d: thing(d)["score"].update(multipleOf=20), "response-constraint-tightened"),
        (
            lambda d: thing(d)["meta"].update(additionalProperties={"type": "string"}),
            "response-additional-properties-widened",
        ),
        (
            lambda d: props(d)["meta"].update(additionalProperties={"type": "string"}),
            "request-additional-properties-narrowed",
        ),
        (lambda d: props(d)["value"].update(oneOf=[{"type": "string"}]), "request-composition-member-removed"),
        (lambda d: props(d)["code"].update(const="X"), "request-enum-narrowed"),
        (lambda d: thing(d)["id"].pop("pattern"), "response-pattern-changed"),
        (lambda d: props(d)["note"].pop("maxLength"), "request-constraint-relaxed"),
    ],
)
def test_direction_decides(edit: Edit, expected: str) -> None:
    assert expected in {rule for rule, _ in only(edit)}


def test_a_readonly_property_that_becomes_writable_and_required_must_now_be_sent() -> None:
    old, new = base(), base()
    props(old)["code"]["readOnly"] = True
    create(old)["required"].append("code")
    create(new)["required"].append("code")
    assert {f.rule for f in diff_documents(old, new)} == {"request-property-required-added"}


def test_scope_dropped_from_a_requirement_relaxes_security() -> None:
    old, new = base(), base()
    d_put = new["paths"]["/things/{id}"]["put"]
    old["paths"]["/things/{id}"]["put"]["security"] = [{"oauth": ["things:read", "things:write"]}]
    d_put["security"] = [{"oauth": ["things:write"]}]
    assert {(f.rule, f.level) for f in diff_documents(old, new)} == {("security-relaxed", "info")}


def test_identical_documents_have_no_findings_and_the_base_is_valid() -> None:
    validate(base())
    assert diff_documents(base(), copy.deepcopy(base())) == []


# --- docs/ci.md keeps the table of every rule and the comparison with oasdiff ------------------

_ROW = re.compile(r"^\| `([a-z0-9-]+)` \| (breaking|warning|info) \| (.+?) \| (.*) \|$")


def _doc_rows() -> dict[str, tuple[str, str, str]]:
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    section = text.split("### Rules of `conformance diff`", 1)[1].split("\n### ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = _ROW.match(line)
        if match:
            rows[match[1]] = (match[2], match[3], match[4])
    return rows


def test_docs_rule_table_lists_every_rule_with_its_level_example_and_oasdiff_ids() -> None:
    rows = _doc_rows()
    assert set(rows) == set(RULES)
    for rule, (level, example, oasdiff) in rows.items():
        assert level == RULES[rule].level, rule
        assert example == RULES[rule].example.replace("|", "/"), rule
        documented = [item.strip(" `") for item in oasdiff.split(",") if item.strip(" `—")]
        assert documented == list(OASDIFF.get(rule, ())), rule


def test_docs_list_the_oasdiff_checks_we_leave_out_with_the_reason() -> None:
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    for ids, reason in NOT_COVERED:
        assert f"| {ids} | {reason} |" in text


def test_oasdiff_mapping_names_only_our_rules_and_no_oasdiff_id_twice_across_tables() -> None:
    assert set(OASDIFF) <= set(RULES)
    mapped = {oasdiff_id for ids in OASDIFF.values() for oasdiff_id in ids}
    left_out = {item.strip() for ids, _ in NOT_COVERED for item in ids.split(",")}
    assert mapped.isdisjoint(left_out)
