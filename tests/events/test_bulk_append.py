"""A message of 70,000 events is stored in one go on both databases, past PostgreSQL's 65,535 bind parameters;
on PostgreSQL the staging table it passes through is left empty at each commit."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from harbourlink import events, identity
from harbourlink.events.store import ROW_COLUMNS
from harbourlink.integrations.csv_template import CsvTemplateAdapter
from harbourlink.kernel import Database
from harbourlink.kernel.bulk import staging_table
from tests.conftest import make_company

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


def test_on_postgresql_the_staging_table_is_empty_once_the_transaction_commits(db: Database) -> None:
    """A connection lives as long as its process, so a message's rows must not stay behind in its staging
    table; the server empties it in place at the commit, with no TRUNCATE giving it a new file each time."""
    if db.is_sqlite:
        pytest.skip("PostgreSQL stages events through COPY; SQLite inserts them directly")
    org_id = make_company(db, "Staging Line", "shipping_line").org_id
    drafts = CsvTemplateAdapter().parse(_csv()[:2000]).events
    staging = staging_table("events", ROW_COLUMNS)
    with db.engine.connect() as connection:
        with Session(connection) as session:
            first = events.append_events(session, owner_org_id=org_id, message_id=None, drafts=drafts[:10])
            second = events.append_events(session, owner_org_id=org_id, message_id=None, drafts=drafts[10:20])
            assert (len(first.accepted), len(second.accepted)) == (10, 10)
            assert session.execute(text(f"SELECT count(*) FROM {staging}")).scalar_one() == 10  # noqa: S608
            session.commit()
        left = connection.execute(text(f"SELECT count(*), pg_relation_size('{staging}') FROM {staging}"))  # noqa: S608
        assert tuple(left.one()) == (0, 0)
        relfilenode = text(f"SELECT relfilenode FROM pg_class WHERE oid = '{staging}'::regclass")  # noqa: S608
        before = connection.execute(relfilenode).scalar_one()
        connection.commit()
        with Session(connection) as session:
            events.append_events(session, owner_org_id=org_id, message_id=None, drafts=drafts[20:30])
            session.commit()
        assert connection.execute(relfilenode).scalar_one() == before
