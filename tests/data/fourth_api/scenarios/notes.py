"""Scenarios of the fourth-API test's Notes API."""

from __future__ import annotations

from conformance.scenarios import Context, ScenarioPack

PACK = ScenarioPack(api="notes")


@PACK.scenario("a note's words count the words of its text", source="contract (info.description)")
def words_are_counted(ctx: Context) -> None:
    created = ctx.post("/notes", json={"text": "three little words"})
    ctx.expect_status(created, 201)
    note = ctx.expect_documented(created, "createNote")
    ctx.expect(note["words"] == 3, f"words is {note['words']} for three words")
    read = ctx.get(f"/notes/{note['id']}")
    ctx.expect_status(read, 200)
    ctx.expect(ctx.expect_documented(read, "getNote") == note, "the note reads back changed")


@PACK.scenario("another workspace's note is invisible", source="contract (X-Workspace, x-tenant)")
def other_workspace(ctx: Context) -> None:
    mine = ctx.expect_documented(ctx.post("/notes", json={"text": "private"}), "createNote")
    response = ctx.get(f"/notes/{mine['id']}", credentials=ctx.target.other_tenant)
    ctx.expect(response.status_code in (403, 404), f"another workspace read note {mine['id']}: {response.status_code}")
