"""Changing, deleting or reordering anything stored is found by ``verify_log``, which names it."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from harbourlink import ledger
from harbourlink.kernel import Database
from harbourlink.ledger.models import LedgerEntry
from harbourlink_verify import ENTRY_HEADER
from tests.conftest import Company
from tests.ledger.conftest import ingest_csv, sequence_all

MORE = (
    "event_id,event_type,event_code,classifier,event_time,container,mbl\n"
    + "".join(f"X-{i},EQUIPMENT,GTOT,ACT,2026-11-24T0{i}:00:00Z,MSCU1234566,PONU0123456\n" for i in range(7))
).encode()


def _event(session: Session, idx: int) -> str:
    entry = session.get(LedgerEntry, (1, idx)) or session.query(LedgerEntry).filter_by(idx=idx).one()
    return str(json.loads(entry.entry[len(ENTRY_HEADER) :])["items"][0]["event_id"])


def _swap(session: Session, table: str, key: str, a: str, b: str, where: str = "") -> None:
    # Through a free value, since the key is unique; the table and column names are the test's own.
    session.execute(text(f"UPDATE {table} SET {key} = :t WHERE {key} = :a {where}"), {"t": "-1", "a": a})  # noqa: S608
    session.execute(text(f"UPDATE {table} SET {key} = :a WHERE {key} = :b {where}"), {"a": a, "b": b})  # noqa: S608
    session.execute(text(f"UPDATE {table} SET {key} = :b WHERE {key} = :t {where}"), {"b": b, "t": "-1"})  # noqa: S608


Tamper = Callable[[Session], str]  # does the damage; returns the name verify must give


def _change_event(s: Session) -> str:
    event = _event(s, 3)
    s.execute(
        text("UPDATE events SET event_time = event_time + interval '1 minute' WHERE id = :e")
        if s.get_bind().dialect.name == "postgresql"
        else text("UPDATE events SET event_code = 'HOLD' WHERE id = :e"),
        {"e": event},
    )
    return f"event {event} (entry 3)"


def _delete_event(s: Session) -> str:
    event = _event(s, 2)
    s.execute(text("DELETE FROM events WHERE id = :e"), {"e": event})
    return f"event {event} (entry 2)"


def _reorder_events(s: Session) -> str:
    first, second = _event(s, 6), _event(s, 7)
    _swap(s, "events", "id", first, second)
    return f"event {first} (entry 6)"


def _change_entry(s: Session) -> str:
    s.execute(text("UPDATE ledger_entries SET entry = :e WHERE idx = 4"), {"e": ENTRY_HEADER + b"{}"})
    return "entry 4"


def _change_leaf(s: Session) -> str:
    s.execute(text("UPDATE ledger_entries SET leaf_hash = :h WHERE idx = 9"), {"h": bytes(32)})
    return "entry 9"


def _delete_entry(s: Session) -> str:
    s.execute(text("DELETE FROM ledger_entries WHERE idx = 8"))
    return "entry 8"


def _delete_last_entry(s: Session) -> str:
    s.execute(text("DELETE FROM ledger_entries WHERE idx = 11"))
    return "entry 11"


def _reorder_entries(s: Session) -> str:
    _swap(s, "ledger_entries", "idx", "2", "3")
    return "node (1, 1)"  # the parent of entries 2–3 no longer matches: "over entries 2–3"


def _change_node(s: Session) -> str:
    s.execute(text("UPDATE ledger_nodes SET hash = :h WHERE level = 2 AND idx = 1"), {"h": bytes(32)})
    return "node (2, 1)"


def _delete_node(s: Session) -> str:
    s.execute(text("DELETE FROM ledger_nodes WHERE level = 1 AND idx = 5"))
    return "node (1, 5)"


def _change_checkpoint(s: Session) -> str:
    s.execute(text("UPDATE ledger_checkpoints SET root_hash = :h WHERE size = 5"), {"h": bytes(32)})
    return "checkpoint 5"


def _change_note(s: Session) -> str:
    s.execute(
        text("UPDATE ledger_checkpoints SET signed_note = replace(signed_note, '\n12\n', '\n13\n') WHERE size = 12")
    )
    return "checkpoint 12"


def _change_salt(s: Session) -> str:
    event = _event(s, 0)
    s.execute(text("UPDATE ledger_events SET salt = :s WHERE event_id = :e"), {"s": bytes(32), "e": event})
    return f"event {event} (entry 0)"


TAMPERING: dict[str, Tamper] = {
    f.__name__[1:]: f
    for f in (
        _change_event,
        _delete_event,
        _reorder_events,
        _change_entry,
        _change_leaf,
        _delete_entry,
        _delete_last_entry,
        _reorder_entries,
        _change_node,
        _delete_node,
        _change_checkpoint,
        _change_note,
        _change_salt,
    )
}


@pytest.fixture
def logged(db: Database, company_a: Company, test_ledger: ledger.Ledger) -> ledger.Ledger:
    ingest_csv(db, company_a.org_id)
    assert sequence_all(db, test_ledger) == 5
    ingest_csv(db, company_a.org_id, MORE)
    assert sequence_all(db, test_ledger) == 12
    return test_ledger


def test_an_untouched_log_verifies(db: Database, logged: ledger.Ledger) -> None:
    with db.transaction() as session:
        problem, audit = ledger.verify_log(session, ledger.open_log(session, logged))
    assert problem is None
    assert (audit.entries, audit.events) == (12, 12)


@pytest.mark.parametrize("damage", sorted(TAMPERING))
def test_tampering_is_found_and_named(db: Database, logged: ledger.Ledger, damage: str) -> None:
    with db.transaction() as session:
        expected = TAMPERING[damage](session)
    with db.transaction() as session:
        problem, _ = ledger.verify_log(session, ledger.open_log(session, logged))
    assert problem is not None, damage
    assert problem.where == expected, str(problem)
