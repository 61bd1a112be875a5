"""`conformance diff` judges by direction: the five cases of issue 16 and the same edit on a request
and on a response."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance.diff import diff_documents
from tests.diff_contract import Doc, base, create, created, params, post, props, rename, scheme, thing

Edit = Callable[[Doc], object]


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


def test_header_names_are_case_insensitive_and_query_names_are_not() -> None:
    assert only(lambda d: params(d)[1].update(name="TENANT")) == set()
    assert ("request-parameter-removed", "warning") in only(lambda d: params(d)[0].update(name="Limit"))
