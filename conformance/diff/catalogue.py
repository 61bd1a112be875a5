"""The rule catalogue of ``conformance diff``: every rule id, its level and an example.

Levels: ``breaking`` (existing clients fail), ``warning`` (clients may fail, or generated SDKs
change), ``info`` (a harmless change, listed in the changelog). Request rules follow "a request
may only widen", response rules "a response may only narrow". docs/ci.md lists the same table and
tests/test_diff_docs.py keeps the two in step; :mod:`.oasdiff` maps each id to oasdiff's checks.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BREAKING", "INFO", "RULES", "WARNING", "Rule"]

BREAKING, WARNING, INFO = "breaking", "warning", "info"


@dataclass(frozen=True)
class Rule:
    level: str
    example: str


RULES: dict[str, Rule] = {
    # --- contracts, paths, operations
    "contract-removed": Rule(BREAKING, "a contract file of the old folder is missing from the new one"),
    "contract-added": Rule(INFO, "a contract file only in the new folder"),
    "path-removed": Rule(BREAKING, "`/things/{id}` removed"),
    "operation-removed": Rule(BREAKING, "`POST /things` removed"),
    "operation-added": Rule(INFO, "`DELETE /things/{id}` added"),
    "webhook-removed": Rule(BREAKING, "3.1 webhook `orderCreated` removed (subscribers stop receiving it)"),
    "webhook-added": Rule(INFO, "3.1 webhook `orderShipped` added"),
    "operation-deprecated": Rule(WARNING, "`deprecated: true` on an operation"),
    "operation-reactivated": Rule(INFO, "`deprecated: true` removed"),
    "operation-id-changed": Rule(WARNING, "operationId `listThings` → `getThings` (generated SDK methods rename)"),
    "operation-id-added": Rule(INFO, "an operation gets its first operationId"),
    "tag-removed": Rule(WARNING, "tag `things` removed from an operation (SDKs group by tag)"),
    "tag-added": Rule(INFO, "tag `things` added to an operation"),
    "description-changed": Rule(INFO, "an operation's summary or description edited"),
    "server-removed": Rule(WARNING, "server `https://api.example.com/v1` no longer listed"),
    "server-added": Rule(INFO, "a server URL added"),
    # --- lifecycle: x-stability-level, deprecation, x-sunset (operations, parameters, properties)
    "stability-level-invalid": Rule(BREAKING, "`x-stability-level: experimental` (not draft, alpha, beta or stable)"),
    "stability-decreased": Rule(BREAKING, "`x-stability-level` stable → beta on an operation or a property"),
    "stability-increased": Rule(INFO, "`x-stability-level` beta → stable"),
    "unstable-breaking-change": Rule(INFO, "a breaking change to a draft or alpha operation (allowed at that level)"),
    "sunset-invalid": Rule(BREAKING, "`x-sunset: next spring` on a deprecated element (not an RFC 3339 date)"),
    "sunset-missing": Rule(BREAKING, "deprecated without `x-sunset` under `--deprecation-days-stable 180`"),
    "sunset-too-soon": Rule(BREAKING, "deprecated with an `x-sunset` closer than the policy's days"),
    "sunset-removed": Rule(BREAKING, "`x-sunset` deleted from a deprecated element"),
    "sunset-moved-earlier": Rule(BREAKING, "`x-sunset` moved earlier, closer than the policy's days"),
    "removed-before-sunset": Rule(BREAKING, "a deprecated operation or parameter removed before its `x-sunset`"),
    "deprecated-removed": Rule(INFO, "a deprecated operation removed after its `x-sunset` (or it named none)"),
    "property-deprecated": Rule(INFO, "`deprecated: true` on a property"),
    "property-reactivated": Rule(INFO, "`deprecated: true` removed from a property"),
    # --- parameters
    "request-parameter-required-added": Rule(BREAKING, "new required query parameter `q`"),
    "request-parameter-became-required": Rule(BREAKING, "query parameter `limit` made required"),
    "request-parameter-became-optional": Rule(INFO, "required header `tenant` made optional"),
    "request-parameter-added": Rule(INFO, "new optional query parameter `sort`"),
    "request-parameter-removed": Rule(
        WARNING, "query parameter `limit` removed (clients still sending it may be refused)"
    ),
    "request-parameter-deprecated": Rule(INFO, "`deprecated: true` on a parameter"),
    "request-parameter-reactivated": Rule(INFO, "`deprecated: true` removed from a parameter"),
    "parameter-location-changed": Rule(BREAKING, "`limit` moved from query to header"),
    "request-parameter-serialization-changed": Rule(
        BREAKING, "query array `ids` changes `style` form → pipeDelimited or `explode` true → false"
    ),
    "request-parameter-empty-value-disallowed": Rule(BREAKING, "`allowEmptyValue: true` removed from `?flag=`"),
    # --- request bodies and media types
    "request-body-required-added": Rule(BREAKING, "a required request body added"),
    "request-body-added": Rule(INFO, "an optional request body added"),
    "request-body-removed": Rule(BREAKING, "the request body removed (clients still sending it are refused)"),
    "request-body-became-required": Rule(BREAKING, "`required: true` on the request body"),
    "request-body-became-optional": Rule(INFO, "`required: true` removed from the body"),
    "request-media-type-removed": Rule(BREAKING, "request `application/json` → `application/xml`"),
    "request-media-type-added": Rule(INFO, "request body also accepts `text/csv`"),
    # --- request schemas: a request may only widen
    "request-property-required-added": Rule(BREAKING, "new required property `extra`"),
    "request-property-became-required": Rule(BREAKING, "`note` added to `required`"),
    "request-property-became-optional": Rule(INFO, "`kind` removed from `required`"),
    "request-property-added": Rule(INFO, "new optional property `memo`"),
    "request-property-removed": Rule(WARNING, "property `code` removed"),
    "request-property-became-read-only": Rule(BREAKING, "`readOnly: true` on `code` (clients can no longer set it)"),
    "request-type-changed": Rule(BREAKING, "`count` integer → string (or number → integer)"),
    "request-type-widened": Rule(INFO, "query `limit` integer → number"),
    "request-format-changed": Rule(BREAKING, "`code` gets `format: uuid`"),
    "request-enum-narrowed": Rule(BREAKING, "`kind` enum [A, B] → [A], or an enum/const added"),
    "request-enum-widened": Rule(INFO, "`kind` enum [A, B] → [A, B, C]"),
    "request-extensible-enum-value-removed": Rule(BREAKING, "`kind` x-extensible-enum [A, B] → [A]"),
    "request-nullable-removed": Rule(BREAKING, "`nullable: true` removed from `note`"),
    "request-max-length-decreased": Rule(BREAKING, "`note` maxLength 100 → 10"),
    "request-min-length-increased": Rule(BREAKING, "`code` gets minLength 3"),
    "request-maximum-decreased": Rule(BREAKING, "`count` maximum 50 → 10"),
    "request-minimum-increased": Rule(BREAKING, "`count` minimum 1 → 5"),
    "request-max-items-decreased": Rule(BREAKING, "`tags` gets maxItems 2"),
    "request-min-items-increased": Rule(BREAKING, "`tags` gets minItems 1"),
    "request-max-properties-decreased": Rule(BREAKING, "`meta` gets maxProperties 5"),
    "request-min-properties-increased": Rule(BREAKING, "`meta` gets minProperties 1"),
    "request-multiple-of-changed": Rule(BREAKING, "`step` multipleOf 5 → 10 (15 is no longer accepted)"),
    "request-exclusive-bound-added": Rule(BREAKING, "`count` gets `exclusiveMaximum: true` (50 no longer accepted)"),
    "request-unique-items-added": Rule(BREAKING, "`tags` gets `uniqueItems: true`"),
    "request-pattern-changed": Rule(BREAKING, "`code` gets pattern `^[A-Z]+$`"),
    "request-default-changed": Rule(BREAKING, "`count` default 1 → 2 (clients that omit it get other behaviour)"),
    "request-not-changed": Rule(BREAKING, "`code` gets `not: {enum: [X]}`"),
    "request-additional-properties-narrowed": Rule(BREAKING, "`meta` additionalProperties true → false"),
    "request-all-of-part-added": Rule(BREAKING, "`body` allOf [A, B] → [A, B, C] (a request must also satisfy C)"),
    "request-wrapped-in-one-of": Rule(
        BREAKING, "the body object → oneOf [object, object] (a value matching both members is refused)"
    ),
    "request-keyword-narrowed": Rule(
        BREAKING, "2020-12: `tags` gets `contains`, `meta` gets `propertyNames`, a `prefixItems` position removed"
    ),
    "content-encoding-changed": Rule(BREAKING, "`data` contentEncoding base64 → quoted-printable, or contentMediaType"),
    "request-composition-member-removed": Rule(BREAKING, "`value` oneOf [string, integer] → [string]"),
    "request-composition-member-added": Rule(INFO, "`value` oneOf [string, integer] → [string, integer, boolean]"),
    "request-discriminator-mapping-removed": Rule(WARNING, "mapping key `b` removed from the request discriminator"),
    "request-constraint-relaxed": Rule(
        INFO, "`note` maxLength 100 → 1000, a pattern or `format` removed, `nullable` added"
    ),
    # --- response schemas: a response may only narrow
    "response-type-changed": Rule(BREAKING, "`id` string → integer (or integer → number)"),
    "response-type-narrowed": Rule(INFO, "`amount` number → integer"),
    "response-format-changed": Rule(BREAKING, "`amount` format decimal → double"),
    "response-enum-widened": Rule(BREAKING, "`kind` enum [A, B] → [A, B, C] (clients meet a value they do not know)"),
    "response-enum-narrowed": Rule(INFO, "`kind` enum [A, B] → [A]"),
    "response-extensible-enum-value-added": Rule(
        INFO, "`kind` x-extensible-enum [A] → [A, B] (clients of an extensible enum accept new values)"
    ),
    "response-property-removed": Rule(BREAKING, "property `note` removed"),
    "response-property-became-optional": Rule(BREAKING, "`kind` removed from `required`"),
    "response-property-became-required": Rule(INFO, "`note` added to `required`"),
    "response-property-became-nullable": Rule(BREAKING, "`nullable: true` on `note`"),
    "response-property-became-write-only": Rule(BREAKING, "`writeOnly: true` on `note` (no longer returned)"),
    "response-property-added": Rule(INFO, "property `created_at` added"),
    "response-max-length-increased": Rule(BREAKING, "`id` maxLength 36 → 64"),
    "response-min-length-decreased": Rule(BREAKING, "`id` minLength 1 → 0"),
    "response-maximum-increased": Rule(BREAKING, "`score` maximum 10 → 100"),
    "response-minimum-decreased": Rule(BREAKING, "`score` minimum 0 removed"),
    "response-max-items-increased": Rule(BREAKING, "`labels` maxItems 3 → 10"),
    "response-min-items-decreased": Rule(BREAKING, "`labels` minItems 1 → 0"),
    "response-max-properties-increased": Rule(BREAKING, "`meta` maxProperties 5 → 10"),
    "response-min-properties-decreased": Rule(BREAKING, "`meta` minProperties 1 removed"),
    "response-multiple-of-changed": Rule(BREAKING, "`score` multipleOf 10 → 5"),
    "response-exclusive-bound-removed": Rule(BREAKING, "`score` loses `exclusiveMaximum: true`"),
    "response-unique-items-removed": Rule(BREAKING, "`labels` loses `uniqueItems: true`"),
    "response-pattern-changed": Rule(
        WARNING, "pattern on `id` changed or removed (clients that validate responses by it may refuse values)"
    ),
    "response-default-changed": Rule(INFO, "`kind` default A → B"),
    "response-not-changed": Rule(BREAKING, "`not` removed from or changed on `id`"),
    "response-additional-properties-widened": Rule(BREAKING, "`meta` additionalProperties false → true"),
    "response-keyword-widened": Rule(
        BREAKING, "2020-12: `contains`, `dependentRequired` or `unevaluatedProperties: false` removed from a response"
    ),
    "response-composition-member-added": Rule(BREAKING, "`flag` boolean → oneOf [boolean, string]"),
    "response-composition-member-removed": Rule(INFO, "`value` oneOf [string, integer] → [string]"),
    "response-discriminator-mapping-added": Rule(WARNING, "mapping key `c` added to the response discriminator"),
    "response-constraint-tightened": Rule(INFO, "`id` gets maxLength 36, `uniqueItems` or a pattern added"),
    "discriminator-changed": Rule(
        WARNING,
        "discriminator propertyName `type` → `kind`, a discriminator added or removed, a mapping target changed",
    ),
    # --- responses, headers, links
    "success-status-removed": Rule(BREAKING, "201 removed from `POST /things`"),
    "error-status-removed": Rule(BREAKING, "400 removed from `POST /things`"),
    "response-status-added": Rule(INFO, "429 added to `GET /things`"),
    "response-media-type-removed": Rule(BREAKING, "response `application/json` → `application/xml`"),
    "response-media-type-added": Rule(INFO, "the response also offers `text/csv`"),
    "response-header-removed": Rule(BREAKING, "`Location` header removed from 201"),
    "response-header-became-optional": Rule(BREAKING, "`required: true` removed from `X-Rate-Limit`"),
    "response-header-added": Rule(INFO, "`X-Request-Id` header added"),
    "link-removed": Rule(WARNING, "link `GetThing` removed from 201 (stateful clients lose the next step)"),
    "link-changed": Rule(WARNING, "link `GetThing` points at another operation or passes other parameters"),
    "link-added": Rule(INFO, "link `DeleteThing` added to 201"),
    # --- security
    "security-requirement-added": Rule(BREAKING, "an open operation now needs credentials"),
    "security-tightened": Rule(BREAKING, "scheme `bearer` no longer accepted, a scope or `x-permission` added"),
    "security-relaxed": Rule(INFO, "another scheme accepted, a scope dropped"),
    "security-scheme-removed": Rule(BREAKING, "scheme `key` no longer defined"),
    "security-scheme-unused-removed": Rule(INFO, "scheme `basic`, which no security requirement names, removed"),
    "security-scheme-added": Rule(INFO, "scheme `oauth` defined"),
    "security-scheme-type-changed": Rule(BREAKING, "scheme `key` apiKey → http"),
    "security-scheme-parameter-changed": Rule(BREAKING, "API key header `X-KEY` → `X-API-KEY`, or `in` header → query"),
    "security-scheme-http-changed": Rule(BREAKING, "http scheme `bearer` → `basic`"),
    "security-scheme-bearer-format-changed": Rule(WARNING, "bearerFormat `JWT` → `opaque`"),
    "security-scheme-url-changed": Rule(BREAKING, "OAuth tokenUrl or authorizationUrl, or openIdConnectUrl, changed"),
    "security-scheme-flow-removed": Rule(BREAKING, "OAuth `clientCredentials` flow removed"),
    "security-scheme-flow-added": Rule(INFO, "OAuth `authorizationCode` flow added"),
    "security-scheme-scope-removed": Rule(BREAKING, "OAuth scope `things:read` removed"),
    "security-scheme-scope-added": Rule(INFO, "OAuth scope `things:write` added"),
}
