"""The example's API: only companies that opted in reach it; a note is metered as one use."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel, Field
from sqlalchemy import select

from harbourlink import metering
from harbourlink.api.context import CurrentActor, DbSession
from harbourlink.api.services import opted_in

from . import PLUGIN
from .models import ExampleNote

router = APIRouter(prefix="/api/v1/example-notes", tags=["example notes"], dependencies=[opted_in(PLUGIN.name)])


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=200)


class NoteRead(BaseModel):
    id: int
    text: str


@router.get("", response_model=list[NoteRead])
def list_notes(actor: CurrentActor, session: DbSession) -> list[NoteRead]:
    rows = session.scalars(select(ExampleNote).where(ExampleNote.org_id == actor.org_id).order_by(ExampleNote.id))
    return [NoteRead(id=row.id, text=row.text) for row in rows]


@router.post("", response_model=NoteRead, status_code=status.HTTP_201_CREATED)
def add_note(body: NoteIn, actor: CurrentActor, session: DbSession) -> NoteRead:
    PLUGIN.check_permitted(actor, "write")
    note = ExampleNote(org_id=actor.org_id, text=body.text)
    session.add(note)
    session.flush()
    metering.record_use(session, org_id=actor.org_id, service=PLUGIN.name, key=f"note:{note.id}")
    return NoteRead(id=note.id, text=note.text)
