"""Solvimon scenarios about access: credentials, permissions, platforms, versions, bad requests."""

from __future__ import annotations

from .base import Context, Skip
from .solvimon_support import (
    API_ERROR_CODE,
    API_ERROR_FIELD,
    CREDIT,
    CREDIT_PERMISSION,
    GET,
    LIST,
    NOT_FOUND,
    PACK,
    PLATFORM,
    SERVED_VERSIONS,
    UNAUTHORISED,
    candidates,
    expect_api_error,
    fetch,
    invoices,
    operation_calls,
)

__all__: list[str] = []


@PACK.scenario(
    "every operation without credentials is 401 ApiError",
    source="seeds 000/001/003 (401); contract",
    writes=False,
)
def unauthenticated(ctx: Context) -> None:
    for operation_id, method, path in operation_calls(ctx):
        response = ctx.request(method, path, anonymous=True)
        expect_api_error(ctx, response, operation_id, 401, "UNAUTHORISED", rests_on=UNAUTHORISED)
        wrong = ctx.request(method, path, anonymous=True, headers={"X-API-KEY": "conformance-wrong-key"})
        expect_api_error(ctx, wrong, operation_id, 401, "UNAUTHORISED", rests_on=UNAUTHORISED)


@PACK.scenario(
    "every action without its permission is 403 ApiError",
    source="seeds 000/001/003 (permission lines, 403); contract x-permission",
    writes=True,
)
def forbidden(ctx: Context) -> None:
    if not ctx.target.restricted:
        raise Skip("no restricted credential given (--restricted-api-key: a key with only INVOICE.VIEW)")
    checked = 0
    for operation_id, method, path in operation_calls(ctx):
        permission = ctx.operation(operation_id)[2].get("x-permission")
        if permission == "INVOICE.VIEW":
            allowed = ctx.request(method, path, credentials=ctx.target.restricted)
            ctx.expect_status(allowed, 200, rests_on=ctx.pointer(operation_id, "x-permission"))
            continue
        if not permission:
            continue
        response = ctx.request(method, path, credentials=ctx.target.restricted)
        expect_api_error(
            ctx, response, operation_id, 403, "USER_NOT_ALLOWED", rests_on=ctx.pointer(operation_id, "x-permission")
        )
        checked += 1
    ctx.expect(checked, "the contract names no permission to check", rests_on=CREDIT_PERMISSION)


@PACK.scenario(
    "another platform's invoice is invisible",
    source="contract (x-platform-id, 404 RESOURCE_NOT_FOUND)",
    writes=True,
)
def other_platform(ctx: Context) -> None:
    if not ctx.target.other_tenant:
        raise Skip("no credential of another platform given (--other-platform-api-key)")
    everything = invoices(ctx)
    if not everything:
        raise Skip("the target has no invoice")
    mine = everything[0]
    other = ctx.target.other_tenant
    for invoice in everything:
        response = ctx.request("GET", f"/v1/invoices/{invoice['id']}", credentials=other)
        ctx.expect(
            response.status_code in (403, 404),
            f"another platform's credential read invoice {invoice['id']}: {response.status_code}",
            rests_on=PLATFORM,
        )
    credit = ctx.request("POST", f"/v1/invoices/{mine['id']}/credit", credentials=other, json={})
    ctx.expect(
        credit.status_code in (403, 404),
        f"another platform's credential credited invoice {mine['id']}: {credit.status_code}",
        rests_on=PLATFORM,
    )
    leaked = {i["id"] for i in everything} & {i["id"] for i in invoices(ctx, credentials=other)}
    ctx.expect(not leaked, f"invoices {sorted(leaked)} are listed for another platform", rests_on=PLATFORM)


@PACK.scenario(
    "an unsupported API version is 400 UNSUPPORTED_VERSION",
    source="contract (ApiError code UNSUPPORTED_VERSION; rule inferred)",
    writes=False,
)
def unsupported_version(ctx: Context) -> None:
    response = ctx.get("/v99/invoices")
    expect_api_error(ctx, response, LIST, 400, "UNSUPPORTED_VERSION", rests_on=SERVED_VERSIONS)
    any_invoice = next(iter(invoices(ctx)), None)
    if any_invoice is not None:
        one = ctx.get(f"/v99/invoices/{any_invoice['id']}")
        expect_api_error(ctx, one, GET, 400, "UNSUPPORTED_VERSION", rests_on=SERVED_VERSIONS)


@PACK.scenario(
    "an invalid body is 400 ApiError naming the field",
    source="contract ApiError (type INVALID_REQUEST, field)",
    writes=True,
)
def invalid_body(ctx: Context) -> None:
    target = next(candidates(ctx), None) or next(iter(invoices(ctx)), None)
    if target is None:
        raise Skip("the target has no invoice")
    periods = target.get("periods") or fetch(ctx, target["id"]).get("periods") or [{"period_order": 0}]
    # One problem only (a quantity that is not a decimal), so that any validation order names it.
    bad = {
        "periods": [
            {
                "period_order": periods[0]["period_order"],
                "amount": {"quantity": "ten", "currency": target.get("billing_currency") or "EUR"},
            }
        ]
    }
    body = expect_api_error(
        ctx,
        ctx.post(f"/v1/invoices/{target['id']}/credit", json=bad),
        CREDIT,
        400,
        "INVALID_FIELD",
        "BAD_REQUEST",
        "INVALID_REQUEST",
        rests_on=API_ERROR_CODE,
    )
    ctx.expect(
        body.get("type") == "INVALID_REQUEST",
        f"ApiError type is {body.get('type')}, not INVALID_REQUEST",
        rests_on="#/components/responses/BadRequest/content/application~1json/examples/invalidField",
    )
    ctx.expect(
        body.get("field") and "quantity" in body["field"],
        f"ApiError.field does not name the bad field: {body.get('field')}",
        rests_on=API_ERROR_FIELD,
    )


@PACK.scenario(
    "an unknown invoice is 404 RESOURCE_NOT_FOUND on every operation",
    source="contract (NotFound, ApiError code RESOURCE_NOT_FOUND; inferred)",
    writes=True,
)
def unknown_invoice(ctx: Context) -> None:
    for operation_id, method, path, _ in ctx.operations():
        if "{resourceId}" not in path:
            continue
        concrete = path.replace("{version}", "1").replace("{resourceId}", "conformance-no-such-invoice")
        response = ctx.request(method, concrete)
        expect_api_error(ctx, response, operation_id, 404, "RESOURCE_NOT_FOUND", rests_on=NOT_FOUND)


@PACK.scenario(
    "a platform the credential may not use is 403",
    source="contract (x-platform-id: the credential's platforms; Forbidden)",
    writes=False,
)
def foreign_platform(ctx: Context) -> None:
    if not (ctx.target.restricted and ctx.target.other_tenant):
        raise Skip("needs --restricted-api-key and --other-platform-api-key (a platform the first may not use)")
    theirs = next(iter(invoices(ctx, credentials=ctx.target.other_tenant)), None)
    mine = next(iter(invoices(ctx)), None)
    if theirs is None or mine is None or not theirs.get("platform_id"):
        raise Skip("the other platform has no invoice that names its platform")
    if theirs["platform_id"] == mine.get("platform_id"):
        raise Skip("the two credentials share a platform")
    platform = {"x-platform-id": theirs["platform_id"]}
    restricted = ctx.target.restricted
    for operation_id, path in ((LIST, "/v1/invoices"), (GET, f"/v1/invoices/{mine['id']}")):
        response = ctx.request("GET", path, credentials=restricted, headers=platform)
        expect_api_error(ctx, response, operation_id, 403, "USER_NOT_ALLOWED", "PLATFORM_NOT_FOUND", rests_on=PLATFORM)
