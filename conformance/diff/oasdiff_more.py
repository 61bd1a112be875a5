"""Our rule ids against oasdiff's checks, second half: the lifecycle extensions (``x-stability-level``,
``x-sunset``, deprecation), ``x-extensible-enum``, the JSON Schema 2020-12 keywords of OpenAPI 3.1
and the structural checks (``allOf`` parts, ``oneOf`` wrapping, media-type schemas, loose typing).
:mod:`.oasdiff` merges it into :data:`~.oasdiff.OASDIFF`; kept apart so each file stays readable."""

from __future__ import annotations

__all__ = ["OASDIFF_MORE"]


def _both(*families: str) -> tuple[str, ...]:
    """``request-body-X`` and ``request-property-X`` (or ``response-...``) for each ``X`` given as
    ``request-X``/``response-X``."""
    ids = []
    for family in families:
        side, _, rest = family.partition("-")
        ids += [f"{side}-body-{rest}", f"{side}-property-{rest}"]
    return tuple(ids)


OASDIFF_MORE: dict[str, tuple[str, ...]] = {
    "operation-deprecated": ("endpoint-deprecated-with-sunset",),
    "stability-level-invalid": ("api-invalid-stability-level",),
    "stability-decreased": (
        "api-stability-decreased",
        "request-property-stability-decreased",
        "response-property-stability-decreased",
    ),
    "stability-increased": (
        "api-stability-increased",
        "request-property-stability-increased",
        "response-property-stability-increased",
    ),
    "sunset-invalid": (
        "api-deprecated-sunset-parse",
        "api-path-sunset-parse",
        "request-parameter-sunset-parse",
        "request-property-deprecated-sunset-invalid",
        "response-property-deprecated-sunset-invalid",
    ),
    "sunset-missing": (
        "api-deprecated-sunset-missing",
        "request-parameter-deprecated-sunset-missing",
        "request-property-deprecated-sunset-missing",
        "response-property-deprecated-sunset-missing",
    ),
    "sunset-too-soon": (
        "api-sunset-date-too-small",
        "request-parameter-sunset-date-too-small",
        "request-property-sunset-date-too-small",
        "response-property-sunset-date-too-small",
    ),
    "sunset-removed": ("sunset-deleted", "request-parameter-sunset-deleted"),
    "sunset-moved-earlier": ("api-sunset-date-changed-too-small", "request-parameter-sunset-date-changed-too-small"),
    "removed-before-sunset": (
        "api-removed-before-sunset",
        "api-path-removed-before-sunset",
        "request-parameter-removed-before-sunset",
    ),
    "deprecated-removed": (
        "api-removed-with-deprecation",
        "api-path-removed-with-deprecation",
        "request-parameter-removed-with-deprecation",
    ),
    "property-deprecated": (
        "request-property-deprecated",
        "request-property-deprecated-with-sunset",
        "response-property-deprecated",
        "response-property-deprecated-with-sunset",
    ),
    "property-reactivated": ("request-property-reactivated", "response-property-reactivated"),
    "request-parameter-reactivated": ("request-parameter-reactivated",),
    "request-extensible-enum-value-removed": (
        "request-parameter-x-extensible-enum-value-removed",
        "request-property-x-extensible-enum-value-removed",
    ),
    "request-all-of-part-added": _both("request-all-of-added"),
    "request-wrapped-in-one-of": ("request-body-wrapped-in-one-of",),
    "request-type-changed": (
        "request-body-media-type-schema-added",
        *_both("request-list-of-types-narrowed"),
        "request-parameter-list-of-types-narrowed",
        "request-parameter-property-list-of-types-narrowed",
    ),
    "request-type-widened": (
        *_both("request-type-compatible"),
        *_both("request-list-of-types-widened"),
        "request-parameter-list-of-types-widened",
        "request-parameter-property-list-of-types-widened",
    ),
    "request-enum-narrowed": _both("request-const-added", "request-const-changed"),
    "request-enum-widened": _both("request-const-removed"),
    "request-keyword-narrowed": _both(
        "request-prefix-items-removed",
        "request-contains-added",
        "request-min-contains-increased",
        "request-max-contains-decreased",
        "request-if-added",
        "request-then-added",
        "request-else-added",
        "request-dependent-required-added",
        "request-dependent-required-changed",
        "request-dependent-schema-added",
        "request-pattern-property-added",
        "request-property-names-added",
        "request-unevaluated-items-added",
        "request-unevaluated-properties-added",
        "request-content-schema-added",
    ),
    "request-constraint-relaxed": (
        "request-body-media-type-schema-removed",
        *_both(
            "request-prefix-items-added",
            "request-contains-removed",
            "request-if-removed",
            "request-dependent-required-removed",
            "request-pattern-property-removed",
            "request-property-names-removed",
            "request-unevaluated-properties-removed",
            "request-content-schema-removed",
        ),
    ),
    "response-type-changed": (
        "response-body-media-type-schema-removed",
        *_both("response-list-of-types-widened"),
    ),
    "response-type-narrowed": (
        "response-body-media-type-schema-added",
        *_both("response-type-compatible"),
        *_both("response-list-of-types-narrowed"),
    ),
    "response-enum-widened": _both("response-const-removed", "response-const-changed"),
    "response-enum-narrowed": _both("response-const-added"),
    "response-keyword-widened": _both(
        "response-prefix-items-added",
        "response-contains-removed",
        "response-min-contains-decreased",
        "response-max-contains-increased",
        "response-if-removed",
        "response-then-removed",
        "response-else-removed",
        "response-dependent-required-removed",
        "response-dependent-required-changed",
        "response-dependent-schema-removed",
        "response-pattern-property-removed",
        "response-property-names-removed",
        "response-unevaluated-items-removed",
        "response-unevaluated-properties-removed",
        "response-content-schema-removed",
    ),
    "response-constraint-tightened": _both(
        "response-prefix-items-removed",
        "response-contains-added",
        "response-if-added",
        "response-dependent-required-added",
        "response-pattern-property-added",
        "response-property-names-added",
        "response-unevaluated-properties-added",
        "response-content-schema-added",
    ),
    "security-scheme-unused-removed": ("api-security-component-removed",),
    "webhook-removed": ("webhook-removed",),
    "webhook-added": ("webhook-added",),
    "content-encoding-changed": _both(
        "request-content-encoding-changed",
        "request-content-media-type-changed",
        "response-content-encoding-changed",
        "response-content-media-type-changed",
    ),
}
