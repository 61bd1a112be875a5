"""Our rule ids against oasdiff's documented checks (its ``checker/localizations_src/en/messages.yaml``).

oasdiff names the spot in the id (``request-body-``, ``request-property-``, ``request-parameter-``
variants of one check); we name it by JSON pointer, so one of ours maps to several of theirs.
:data:`NOT_COVERED` lists the oasdiff check families we leave out, with the reason; docs/ci.md
renders both, and tests/test_diff_docs.py keeps docs and code in step.
"""

from __future__ import annotations

from .oasdiff_more import OASDIFF_MORE

__all__ = ["NOT_COVERED", "OASDIFF"]

_CORE: dict[str, tuple[str, ...]] = {
    "path-removed": ("api-path-removed-without-deprecation",),
    "operation-removed": ("api-removed-without-deprecation",),
    "operation-added": ("endpoint-added",),
    "operation-deprecated": ("endpoint-deprecated",),
    "operation-reactivated": ("endpoint-reactivated",),
    "operation-id-changed": ("api-operation-id-removed",),
    "operation-id-added": ("api-operation-id-added",),
    "tag-removed": ("api-tag-removed",),
    "tag-added": ("api-tag-added",),
    "request-parameter-required-added": ("new-required-request-parameter", "new-request-path-parameter"),
    "request-parameter-became-required": ("request-parameter-became-required",),
    "request-parameter-became-optional": ("request-parameter-became-optional",),
    "request-parameter-added": ("new-optional-request-parameter",),
    "request-parameter-removed": ("request-parameter-removed",),
    "request-parameter-deprecated": ("request-parameter-deprecated",),
    "request-body-required-added": ("request-body-added-required",),
    "request-body-added": ("request-body-added-optional",),
    "request-body-became-required": ("request-body-became-required",),
    "request-body-became-optional": ("request-body-became-optional",),
    "request-media-type-removed": ("request-body-media-type-removed",),
    "request-media-type-added": ("request-body-media-type-added",),
    "request-property-required-added": (
        "new-required-request-property",
        "new-required-request-header-property",
        "new-required-request-property-with-default",
        "request-required-property-became-not-read-only",
    ),
    "request-property-became-required": (
        "request-property-became-required",
        "request-header-property-became-required",
        "request-property-became-required-with-default",
    ),
    "request-property-became-optional": ("request-property-became-optional",),
    "request-property-added": ("new-optional-request-property", "request-optional-property-became-not-read-only"),
    "request-property-removed": ("request-property-removed",),
    "request-property-became-read-only": (
        "request-optional-property-became-read-only",
        "request-required-property-became-read-only",
    ),
    "request-type-changed": (
        "request-body-type-changed",
        "request-property-type-changed",
        "request-parameter-type-changed",
        "request-parameter-property-type-changed",
        "request-parameter-property-type-specialized",
    ),
    "request-type-widened": (
        "request-body-type-generalized",
        "request-property-type-generalized",
        "request-parameter-type-generalized",
        "request-parameter-property-type-generalized",
    ),
    "request-format-changed": ("request-property-type-changed",),
    "request-enum-narrowed": (
        "request-property-enum-value-removed",
        "request-parameter-enum-value-removed",
        "request-body-enum-value-removed",
        "request-property-became-enum",
        "request-parameter-became-enum",
        "request-body-became-enum",
        "request-header-property-became-enum",
    ),
    "request-enum-widened": ("request-property-enum-value-added", "request-parameter-enum-value-added"),
    "request-nullable-removed": ("request-property-became-not-nullable", "request-body-became-not-nullable"),
    "request-max-length-decreased": (
        "request-property-max-length-decreased",
        "request-parameter-max-length-decreased",
        "request-body-max-length-decreased",
        "request-property-max-length-set",
        "request-parameter-max-length-set",
        "request-body-max-length-set",
    ),
    "request-min-length-increased": (
        "request-property-min-length-increased",
        "request-parameter-min-length-increased",
        "request-body-min-length-increased",
    ),
    "request-maximum-decreased": (
        "request-property-max-decreased",
        "request-parameter-max-decreased",
        "request-body-max-decreased",
        "request-property-max-set",
        "request-parameter-max-set",
        "request-body-max-set",
    ),
    "request-minimum-increased": (
        "request-property-min-increased",
        "request-parameter-min-increased",
        "request-body-min-increased",
        "request-property-min-set",
        "request-parameter-min-set",
        "request-body-min-set",
    ),
    "request-max-items-decreased": ("request-parameter-max-items-decreased",),
    "request-min-items-increased": (
        "request-property-min-items-increased",
        "request-parameter-min-items-increased",
        "request-body-min-items-increased",
        "request-property-min-items-set",
        "request-parameter-min-items-set",
        "request-body-min-items-set",
    ),
    "request-pattern-changed": (
        "request-property-pattern-added",
        "request-property-pattern-changed",
        "request-parameter-pattern-added",
        "request-parameter-pattern-changed",
    ),
    "request-default-changed": (
        "request-property-default-value-changed",
        "request-property-default-value-added",
        "request-property-default-value-removed",
        "request-parameter-default-value-changed",
        "request-parameter-default-value-added",
        "request-parameter-default-value-removed",
        "request-body-default-value-changed",
        "request-body-default-value-added",
        "request-body-default-value-removed",
    ),
    "request-composition-member-removed": (
        "request-body-one-of-removed",
        "request-property-one-of-removed",
        "request-body-any-of-removed",
        "request-property-any-of-removed",
    ),
    "request-composition-member-added": (
        "request-body-one-of-added",
        "request-property-one-of-added",
        "request-body-any-of-added",
        "request-property-any-of-added",
    ),
    "request-discriminator-mapping-removed": (
        "request-body-discriminator-mapping-deleted",
        "request-property-discriminator-mapping-deleted",
    ),
    "request-constraint-relaxed": (
        "request-property-max-length-increased",
        "request-parameter-max-length-increased",
        "request-body-max-length-increased",
        "request-property-min-length-decreased",
        "request-parameter-min-length-decreased",
        "request-body-min-length-decreased",
        "request-property-max-increased",
        "request-parameter-max-increased",
        "request-body-max-increased",
        "request-property-min-decreased",
        "request-parameter-min-decreased",
        "request-body-min-decreased",
        "request-parameter-max-items-increased",
        "request-property-min-items-decreased",
        "request-parameter-min-items-decreased",
        "request-body-min-items-decreased",
        "request-property-pattern-removed",
        "request-parameter-pattern-removed",
        "request-property-pattern-generalized",
        "request-parameter-pattern-generalized",
        "request-property-became-nullable",
        "request-body-became-nullable",
        "request-body-discriminator-mapping-added",
        "request-property-discriminator-mapping-added",
    ),
    "response-type-changed": ("response-body-type-changed", "response-property-type-changed"),
    "response-format-changed": ("response-property-type-changed",),
    "response-enum-widened": ("response-property-enum-value-added",),
    "response-enum-narrowed": ("response-property-enum-value-removed", "response-mediatype-enum-value-removed"),
    "response-property-removed": ("response-required-property-removed", "response-optional-property-removed"),
    "response-property-became-optional": ("response-property-became-optional",),
    "response-property-became-required": ("response-property-became-required",),
    "response-property-became-nullable": ("response-property-became-nullable", "response-body-became-nullable"),
    "response-property-became-write-only": (
        "response-required-property-became-write-only",
        "response-optional-property-became-write-only",
    ),
    "response-property-added": (
        "response-optional-property-added",
        "response-required-property-added",
        "response-required-property-became-not-write-only",
        "response-optional-property-became-not-write-only",
    ),
    "response-max-length-increased": (
        "response-property-max-length-increased",
        "response-body-max-length-increased",
        "response-property-max-length-unset",
        "response-body-max-length-unset",
    ),
    "response-min-length-decreased": ("response-property-min-length-decreased", "response-body-min-length-decreased"),
    "response-maximum-increased": ("response-property-max-increased", "response-body-max-increased"),
    "response-minimum-decreased": ("response-property-min-decreased", "response-body-min-decreased"),
    "response-min-items-decreased": (
        "response-property-min-items-decreased",
        "response-body-min-items-decreased",
        "response-property-min-items-unset",
        "response-body-min-items-unset",
    ),
    "response-pattern-changed": ("response-property-pattern-changed", "response-property-pattern-removed"),
    "response-default-changed": (
        "response-property-default-value-added",
        "response-property-default-value-changed",
        "response-property-default-value-removed",
        "response-body-default-value-added",
        "response-body-default-value-changed",
        "response-body-default-value-removed",
    ),
    "response-composition-member-added": (
        "response-body-one-of-added",
        "response-property-one-of-added",
        "response-body-any-of-added",
        "response-property-any-of-added",
    ),
    "response-composition-member-removed": (
        "response-body-one-of-removed",
        "response-property-one-of-removed",
        "response-body-any-of-removed",
        "response-property-any-of-removed",
    ),
    "response-discriminator-mapping-added": (
        "response-body-discriminator-mapping-added",
        "response-property-discriminator-mapping-added",
    ),
    "response-constraint-tightened": (
        "response-property-pattern-added",
        "response-body-discriminator-mapping-deleted",
        "response-property-discriminator-mapping-deleted",
    ),
    "discriminator-changed": (
        "request-body-discriminator-added",
        "request-property-discriminator-added",
        "request-body-discriminator-removed",
        "request-property-discriminator-removed",
        "request-body-discriminator-property-name-changed",
        "request-property-discriminator-property-name-changed",
        "request-body-discriminator-mapping-changed",
        "request-property-discriminator-mapping-changed",
        "response-body-discriminator-added",
        "response-property-discriminator-added",
        "response-body-discriminator-removed",
        "response-property-discriminator-removed",
        "response-body-discriminator-property-name-changed",
        "response-property-discriminator-property-name-changed",
        "response-body-discriminator-mapping-changed",
        "response-property-discriminator-mapping-changed",
    ),
    "success-status-removed": ("response-success-status-removed",),
    "error-status-removed": ("response-non-success-status-removed",),
    "response-status-added": ("response-success-status-added", "response-non-success-status-added"),
    "response-media-type-removed": ("response-media-type-removed",),
    "response-media-type-added": ("response-media-type-added",),
    "response-header-removed": ("required-response-header-removed", "optional-response-header-removed"),
    "response-header-became-optional": ("response-header-became-optional",),
    "security-requirement-added": ("api-security-added", "api-global-security-added"),
    "security-tightened": (
        "api-security-removed",
        "api-global-security-removed",
        "api-security-scope-added",
        "api-global-security-scope-added",
        "api-security-updated",
    ),
    "security-relaxed": ("api-security-scope-removed", "api-global-security-scope-removed"),
    "security-scheme-added": ("api-security-component-added",),
    "security-scheme-type-changed": ("api-security-component-type-changed",),
    "security-scheme-url-changed": (
        "api-security-component-oauth-url-changed",
        "api-security-component-oauth-token-url-changed",
    ),
    "security-scheme-scope-removed": ("api-security-component-oauth-scope-removed",),
    "security-scheme-scope-added": ("api-security-component-oauth-scope-added",),
}


def _merged(*tables: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    merged: dict[str, tuple[str, ...]] = {}
    for table in tables:
        for rule, ids in table.items():
            merged[rule] = merged.get(rule, ()) + ids
    return merged


OASDIFF = _merged(_CORE, OASDIFF_MORE)

# oasdiff check families we do not implement: (its ids, why not)
NOT_COVERED: tuple[tuple[str, str], ...] = (
    (
        "api-schema-removed",
        "a component schema nobody references changes nothing on the wire; one that is referenced is compared "
        "where it is used ($refs are followed)",
    ),
    (
        "new-required-request-default-parameter-to-existing-path, "
        "new-optional-request-default-parameter-to-existing-path",
        "path-level parameters are merged into every operation first, so they are reported per operation as "
        "`request-parameter-required-added` / `request-parameter-added`",
    ),
    (
        "request-body-all-of-removed, request-property-all-of-removed, response-body-all-of-added, "
        "response-body-all-of-removed, response-property-all-of-added, response-property-all-of-removed",
        "`allOf` parts are merged before comparing, so what a part removes, or adds to a response, is reported "
        "by meaning (a required property, a bound, a type) instead of as a list edit; a part added to a request "
        "is `request-all-of-part-added`",
    ),
    (
        "response-optional-write-only-property-added, response-optional-write-only-property-removed, "
        "response-required-write-only-property-added, response-required-write-only-property-removed, "
        "response-write-only-property-became-optional, response-write-only-property-became-required, "
        "response-write-only-property-enum-value-added, request-read-only-property-enum-value-removed, "
        "request-read-only-property-max-decreased, request-read-only-property-max-length-decreased, "
        "request-read-only-property-min-increased",
        "writeOnly properties are not part of responses and readOnly ones not part of requests, so changes to "
        "them are no change in that direction",
    ),
    (
        "response-required-property-became-read-only, response-optional-property-became-read-only, "
        "response-required-property-became-not-read-only, response-optional-property-became-not-read-only, "
        "request-required-property-became-write-only, request-optional-property-became-write-only, "
        "request-required-property-became-not-write-only, request-optional-property-became-not-write-only",
        "readOnly only matters in requests and writeOnly only in responses; the other flips change nothing",
    ),
    (
        "api-security-component-oauth-scope-changed",
        "a scope's description is documentation; scopes added or removed are covered",
    ),
)
