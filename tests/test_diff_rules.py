"""`conformance diff` rules: one old/new pair per rule id with its expected level; a rule id of the
catalogue without a pair fails the suite."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest
from openapi_spec_validator import validate

from conformance.diff import RULES, diff_documents
from conformance.findings import Finding
from tests.diff_contract import (
    Doc,
    base,
    create,
    created,
    flow,
    listing,
    params,
    post,
    props,
    rename,
    schemas,
    scheme,
    thing,
)

Edit = Callable[[Doc], object]

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
    "request-body-removed": ("breaking", lambda d: post(d).pop("requestBody")),
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
        "warning",
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
    "response-pattern-changed": ("warning", lambda d: thing(d)["id"].update(pattern="^[a-z]+$")),
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
        "warning",
        lambda d: schemas(d)["Pet"]["discriminator"]["mapping"].update(fox="#/components/schemas/Dog"),
    ),
    "response-constraint-tightened": ("info", lambda d: thing(d)["note"].update(maxLength=500)),
    "discriminator-changed": ("warning", lambda d: schemas(d)["Pet"]["discriminator"].update(propertyName="kind")),
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
    # lifecycle
    "stability-level-invalid": ("breaking", lambda d: listing(d).update({"x-stability-level": "experimental"})),
    "stability-decreased": ("breaking", lambda d: listing(d).update({"x-stability-level": "beta"})),
    "stability-increased": ("info", None),
    "sunset-invalid": ("breaking", lambda d: listing(d).update({"deprecated": True, "x-sunset": "next spring"})),
    "property-deprecated": ("info", lambda d: props(d)["note"].update(deprecated=True)),
    "property-reactivated": ("info", None),
    "request-parameter-reactivated": ("info", None),
    "request-wrapped-in-one-of": (
        "breaking",
        lambda d: props(d).update(code={"oneOf": [{"type": "string"}, {"type": "string", "format": "uuid"}]}),
    ),
    "security-scheme-unused-removed": ("info", None),
}

# Rules whose case is the reverse edit of another rule's (the old side is the edited one).
REVERSED = {
    "operation-reactivated": "operation-deprecated",
    "operation-id-added": "operation-id-changed",
    "stability-increased": "stability-decreased",
    "property-reactivated": "property-deprecated",
    "request-parameter-reactivated": "request-parameter-deprecated",
    "security-scheme-unused-removed": "security-scheme-added",
}
# Rules only a folder diff reports: tested in tests/test_diff.py.
FOLDER_RULES = {"contract-removed", "contract-added"}
# Rules whose old side needs more than this contract (a sunset, a policy, an extension, OpenAPI
# 3.1): tested with the spec pairs of tests/data/diff/ in tests/test_diff_specs.py.
SPEC_RULES = {
    "unstable-breaking-change",
    "sunset-missing",
    "sunset-too-soon",
    "sunset-removed",
    "sunset-moved-earlier",
    "removed-before-sunset",
    "deprecated-removed",
    "request-extensible-enum-value-removed",
    "response-extensible-enum-value-added",
    "request-all-of-part-added",
    "request-keyword-narrowed",
    "response-keyword-widened",
    "content-encoding-changed",
    "webhook-removed",
    "webhook-added",
}


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
    assert set(CASES) | FOLDER_RULES | SPEC_RULES == set(RULES)


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


def test_identical_documents_have_no_findings_and_the_base_is_valid() -> None:
    validate(base())
    assert diff_documents(base(), copy.deepcopy(base())) == []
