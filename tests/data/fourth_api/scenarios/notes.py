"""Scenarios of the fourth-API test's Notes API."""

from __future__ import annotations

from conformance.scenarios import Context, ScenarioPack, Skip

PACK = ScenarioPack(api="notes")

CREATED = "#/paths/~1notes/post/responses/201"
WORKSPACE = "#/components/parameters/Workspace"


@PACK.scenario("a note's words count the words of its text", source="contract (info.description)", writes=True)
def words_are_counted(ctx: Context) -> None:
    created = ctx.post("/notes", json={"text": "three little words"})
    ctx.expect_status(created, 201, rests_on=CREATED)
    note = ctx.expect_documented(created, "createNote")
    ctx.expect(
        note["words"] == 3,
        f"words is {note['words']} for three words",
        rests_on="#/info/description § the number of whitespace-separated words",
    )
    read = ctx.get(f"/notes/{note['id']}")
    ctx.expect_status(read, 200, rests_on="#/paths/~1notes~1{id}/get/responses/200")
    ctx.expect(ctx.expect_documented(read, "getNote") == note, "the note reads back changed", rests_on=CREATED)


@PACK.scenario("another workspace's note is invisible", source="contract (X-Workspace, x-tenant)", writes=True)
def other_workspace(ctx: Context) -> None:
    if not ctx.target.other_tenant:
        raise Skip("no credential of another workspace given (--other-tenant-api-key)")
    created = ctx.post("/notes", json={"text": "private"})
    ctx.expect_status(created, 201, rests_on=CREATED)
    mine = ctx.expect_documented(created, "createNote")
    response = ctx.get(f"/notes/{mine['id']}", credentials=ctx.target.other_tenant)
    ctx.expect(
        response.status_code in (403, 404),
        f"another workspace read note {mine['id']}: {response.status_code}",
        rests_on=WORKSPACE,
    )
