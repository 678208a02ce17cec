"""A message of 70,000 events is stored in one go on both databases, past PostgreSQL's 65,535 bind parameters."""

from __future__ import annotations

from sqlalchemy import select

from harbourlink import events, identity
from harbourlink.integrations.csv_template import CsvTemplateAdapter
from harbourlink.kernel import Database

COUNT = 70_000


def _csv() -> bytes:
    rows = (f"E{n},EQUIPMENT,GTIN,2026-11-23T10:00:00+08:00,MSCU1234566,PONU{n:07d}" for n in range(COUNT))
    return ("event_id,event_type,event_code,event_time,container,mbl\n" + "\n".join(rows) + "\n").encode()


def test_seventy_thousand_events_from_one_csv(db: Database) -> None:
    parsed = CsvTemplateAdapter().parse(_csv())
    assert (len(parsed.events), parsed.errors) == (COUNT, [])
    assert all(events.check_event(draft) is None for draft in parsed.events)
    with db.transaction() as session:
        org = identity.create_organisation(
            session, identity.SYSTEM_ACTOR, name="Bulk Line", types=["shipping_line"], status=identity.OrgStatus.ACTIVE
        )
        stored = events.append_events(session, owner_org_id=org.id, message_id=None, drafts=parsed.events)
        assert (len(stored.accepted), len(stored.event_ids), stored.duplicates) == (COUNT, COUNT, 0)
        again = events.append_events(session, owner_org_id=org.id, message_id=None, drafts=parsed.events)
        assert (again.accepted, again.duplicates) == ([], COUNT)
        seqs = list(session.scalars(select(events.Event.seq)))
        references = events.references_of(session, seqs)
        assert len(references) == COUNT and all(len(found) == 2 for found in references.values())
