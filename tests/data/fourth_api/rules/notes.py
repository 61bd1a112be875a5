"""Rules of the fourth-API test's Notes API: a note's ``words`` counts the words of its text."""

from __future__ import annotations

from mock_server.errors import ErrorKind, MockError, RenderedError
from mock_server.rules import ApiRules, Call, Handlers, Reply, SeedContext

handlers = Handlers()


def render_error(error: MockError) -> RenderedError:
    return RenderedError(error.status, {"problem": error.message, "field": error.field})


def _note(note_id: int, text: str) -> dict[str, object]:
    return {"id": note_id, "text": text, "words": len(text.split())}


@handlers.operation("listNotes")
def list_notes(call: Call) -> Reply:
    return Reply(200, call.tx.values("notes"))


@handlers.operation("createNote")
def create_note(call: Call) -> Reply:
    note = _note(call.tx.next_id("notes"), call.body["text"])
    call.tx.put("notes", note["id"], note)
    return Reply(201, note, {"Location": f"{call.base_url}/notes-api/notes/{note['id']}"})


@handlers.operation("getNote")
def get_note(call: Call) -> Reply:
    note = call.tx.get("notes", call.params["id"])
    if note is None:
        raise MockError(404, "No such note", kind=ErrorKind.NOT_FOUND)
    return Reply(200, note)


def seed(context: SeedContext) -> None:
    for workspace, texts in context.fixtures["notes"].items():
        with context.store.transaction(context.api, workspace) as tx:
            for text in texts:
                note = _note(tx.next_id("notes"), text)
                tx.put("notes", note["id"], note)


RULES = ApiRules(name="notes", render_error=render_error, handlers=handlers, seed=seed)
