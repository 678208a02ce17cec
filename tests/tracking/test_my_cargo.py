"""My cargo: the numbers a company holds or was shared, newest news first, one statement a page."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from harbourlink import tracking
from harbourlink.kernel import Actor, Database, create_database
from harbourlink.schema import upgrade
from harbourlink.tracking.cargo import record_holdings
from tests.conftest import _drop_postgres_database, _postgres_database, make_company
from tests.port import CARRIER_HEADER, CONTAINER, DECLARATION, HBL, MBL, Port, grant, open_port, send
from tests.statements import counted, plan_run, rows_read, sent_with_parameters


def _numbers(client: TestClient, company_auth: dict[str, str], **params: str) -> list[tuple[str, str]]:
    page = client.get("/api/v1/cargo", headers=company_auth, params=params)
    assert page.status_code == 200, page.text
    return [(item["kind"], item["value"]) for item in page.json()["items"]]


def _port(client: TestClient, db: Database) -> Port:
    port = open_port(client, db)
    assert (
        client.post(
            "/api/v1/bl-links", headers=port.forwarder.auth, json={"master_bl": MBL, "house_bl": HBL}
        ).status_code
        == 201
    )
    grant(client, port.forwarder, "HBL", HBL, port.sme)
    return port


def test_each_company_lists_what_it_holds_or_was_shared(client: TestClient, db: Database) -> None:
    port = _port(client, db)
    sme = client.get("/api/v1/cargo", headers=port.sme.auth).json()
    by_number = {item["value"]: item for item in sme["items"]}
    assert set(by_number) == {HBL, DECLARATION}  # not the terminal's box, shared with anyone holding it
    assert by_number[HBL]["linked"] is True and by_number[HBL]["shared_by"] == "Victoria Freight"
    assert by_number[DECLARATION]["status"]["event_code"] == "CUSR"  # its newest news: released
    assert sme["next_cursor"] is None
    # The forwarder: the Master B/L the carrier shares by name and its own House B/L. The Master B/L's status is
    # its latest actual move, the departure, though the carrier sent the loading after it and estimates later.
    forwarder = {
        item["value"]: item for item in client.get("/api/v1/cargo", headers=port.forwarder.auth).json()["items"]
    }
    assert set(forwarder) == {MBL, HBL}
    assert forwarder[MBL]["status"]["event_code"] == "DEPA" and forwarder[MBL]["shared_by"] == "Pearl Ocean Lines"
    assert forwarder[HBL]["shared_by"] is None and forwarder[HBL]["linked"] is True
    # The carrier's own numbers, from its own events; a stranger holds nothing.
    assert set(_numbers(client, port.carrier.auth)) == {("MBL", MBL), ("CONTAINER", CONTAINER)}
    assert _numbers(client, port.stranger.auth) == []


def test_news_and_new_shares_come_first_and_ended_shares_go(client: TestClient, db: Database) -> None:
    port = _port(client, db)
    assert _numbers(client, port.sme.auth)[0] == ("HBL", HBL)  # shared after the declaration's last news
    send(
        client,
        port.customs,
        "csv",
        b"event_id,event_type,event_code,event_time,declaration\n"
        b"D3,CUSTOMS,CUSI,2026-11-24T08:00:00+08:00,CN2026112300042\n",
    )
    assert _numbers(client, port.sme.auth)[0] == ("DECLARATION", DECLARATION)
    received = client.get("/api/v1/grants", headers=port.sme.auth, params={"direction": "received"}).json()
    given = next(g for g in received if g["reference"] == DECLARATION)
    client.delete(f"/api/v1/grants/{given['id']}", headers=port.customs.auth)
    assert _numbers(client, port.sme.auth) == [("HBL", HBL)]


def test_a_party_named_under_the_standing_rule_holds_the_number(client: TestClient, db: Database) -> None:
    port = _port(client, db)
    client.post(
        "/api/v1/parties",
        headers=port.carrier.auth,
        json={
            "reference_type": "MBL",
            "reference": MBL,
            "party_org_id": port.stranger.org_id,
            "party_role": "consignee",
        },
    )
    assert _numbers(client, port.stranger.auth) == []  # named, but the carrier has no standing rule yet
    client.post("/api/v1/grants", headers=port.carrier.auth, json={"rule": "named_parties"})
    assert _numbers(client, port.stranger.auth) == [("MBL", MBL)]


def test_pages_follow_a_cursor_in_one_statement_each(client: TestClient, db: Database) -> None:
    carrier = make_company(db, "Many Boxes Line", "shipping_line")
    rows = "".join(
        f"E{n},EQUIPMENT,GTIN,ACT,2026-11-20T10:{n % 60:02d}:00+08:00,,MBX{n:05d},HKHKG,HITHK,,,,\n" for n in range(45)
    )
    send(client, carrier, "csv", (CARRIER_HEADER + rows).encode())
    seen: list[str] = []
    cursor: str | None = None
    while True:
        with counted(db) as statements, db.transaction() as session:
            page = tracking.list_cargo(session, Actor(org_id=carrier.org_id), cursor=cursor, limit=20)
        assert len(statements) == 1, statements  # its own numbers: nothing for the access log
        seen += [item.value for item in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert sorted(seen) == [f"MBX{n:05d}" for n in range(45)] and len(seen) == 45


def test_a_shared_numbers_status_is_logged_for_its_owner_once_a_window(client: TestClient, db: Database) -> None:
    port = _port(client, db)
    for writes in (1, 0):
        with counted(db) as statements, db.transaction() as session:
            tracking.list_cargo(session, Actor(org_id=port.forwarder.org_id))
        inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
        assert (len(statements) - len(inserts), len(inserts)) == (1, writes), statements
    log = client.get("/api/v1/access-log", headers=port.carrier.auth).json()
    assert [(e["reference"], e["channel"]) for e in log if e["viewer_org_id"] == port.forwarder.org_id] == [
        (MBL, "cargo")
    ]


def test_searching_my_cargo_by_the_start_of_a_number_or_a_near_miss(client: TestClient, db: Database) -> None:
    port = _port(client, db)
    assert _numbers(client, port.sme.auth, q="vff-hkg") == [("HBL", HBL)]
    missed = client.get("/api/v1/cargo", headers=port.sme.auth, params={"q": "VFFHKG00l"}).json()  # l for 1
    assert missed["items"] == [] and missed["suggestions"] == [HBL]
    # The tracking search's "did you mean" offers the House B/L too.
    typo = client.get("/api/v1/track/VFFHKG0O1", headers=port.sme.auth).json()
    assert typo["data"]["suggestions"] == [HBL]
    assert (
        client.get("/api/v1/cargo", headers=port.stranger.auth, params={"q": "VFFHKG00l"}).json()["suggestions"] == []
    )


def test_a_cursor_from_elsewhere_is_refused_by_name(client: TestClient, db: Database) -> None:
    company = make_company(db, "Curious Trading", "cargo_owner")
    answer = client.get("/api/v1/cargo", headers=company.auth, params={"cursor": "not-a-cursor"})
    assert answer.status_code == 422
    assert answer.json()["error"] == "invalid_cursor" and answer.json()["data"]["field"] == "cursor"


ORG = (
    "INSERT INTO organisations (id, name, account_kind, status, created_at) "
    "VALUES ('o-1', 'Old Line', 'company', 'active', CURRENT_TIMESTAMP)"
)
EVENT = (
    "INSERT INTO events (seq, id, owner_org_id, message_id, source_key, event_type, event_code, classifier, "
    "event_time, received_at, details) VALUES (:seq, :id, 'o-1', 'm-1', :id, :type, :code, :classifier, :at, "
    ":at, '{}')"
)
REFERENCE = "INSERT INTO event_references (kind, value, event_seq) VALUES (:kind, :value, :seq)"
# Loaded (actual), then a later temperature reading and an earlier-arriving estimate: the move is the status.
OLD_EVENTS = [
    (1, "EQUIPMENT", "LOAD", "ACT", "2026-11-20 10:00:00"),
    (2, "REEFER", "MEAS", "ACT", "2026-11-21 10:00:00"),
    (3, "TRANSPORT", "ARRI", "EST", "2026-11-23 06:00:00"),
]


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_upgrade_lists_the_numbers_stored_before_it_as_the_consumer_would(backend: str, tmp_path: Path) -> None:
    name = f"harbourlink_cargo_{tmp_path.name[-20:]}".replace("-", "_")
    url = f"sqlite:///{tmp_path / 'old.db'}" if backend == "sqlite" else _postgres_database(name)
    try:
        upgrade(url, "0011")
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text(ORG))
            for seq, kind, code, classifier, at in OLD_EVENTS:
                connection.execute(
                    text(EVENT),
                    {"seq": seq, "id": f"e-{seq}", "type": kind, "code": code, "classifier": classifier, "at": at},
                )
                connection.execute(text(REFERENCE), {"kind": "CONTAINER", "value": "OLDU1234565", "seq": seq})
            connection.execute(text(REFERENCE), {"kind": "MBL", "value": "OLDL0001", "seq": 3})
        engine.dispose()
        upgrade(url)
        db = create_database(url)
        select_all = text("SELECT org_id, kind, value, status_seq, status_act FROM cargo_holdings ORDER BY kind")
        with db.transaction() as session:
            backfilled = [tuple(row) for row in session.execute(select_all)]
            session.execute(text("DELETE FROM cargo_holdings"))
            record_holdings(session, "m-1")
            recorded = [tuple(row) for row in session.execute(select_all)]
        db.engine.dispose()
        assert [(kind, value, seq, bool(act)) for _, kind, value, seq, act in backfilled] == [
            ("CONTAINER", "OLDU1234565", 1, True),
            ("MBL", "OLDL0001", 3, False),
        ]
        assert recorded == backfilled
    finally:
        if backend == "postgres":
            _drop_postgres_database(name)


@pytest.mark.postgres
def test_a_messages_numbers_are_read_through_their_events_however_stale_the_statistics(tmp_path: Path) -> None:
    """The migrations analyse the references while the table is empty; a large message then fills it before
    autovacuum analyses it again. Planned on those statistics, recording a small message's holdings had read
    every reference of the wanted kinds to join the message's few."""
    name = f"harbourlink_stale_{tmp_path.name[-20:]}".replace("-", "_")
    url = _postgres_database(name)
    try:
        upgrade(url)
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text(ORG))
            connection.execute(text(LARGE_MESSAGE))
            for kind in ("CONTAINER", "MBL"):
                connection.execute(text(LARGE_REFERENCES), {"kind": kind})
            for seq, kind, code, classifier, at in OLD_EVENTS:
                connection.execute(
                    text(EVENT),
                    {"seq": seq, "id": f"e-{seq}", "type": kind, "code": code, "classifier": classifier, "at": at},
                )
                connection.execute(text(REFERENCE), {"kind": "CONTAINER", "value": "OLDU1234565", "seq": seq})
        engine.dispose()
        db = create_database(url)
        with sent_with_parameters(db) as sent, db.transaction() as session:
            record_holdings(session, "m-1")
        (statement, parameters) = next((sql, params) for sql, params in sent if "cargo_holdings" in sql)
        plan = plan_run(db, statement, parameters)
        with db.transaction() as session:
            held = session.execute(text("SELECT kind, value, status_seq FROM cargo_holdings")).all()
        db.engine.dispose()
        assert [tuple(row) for row in held] == [("CONTAINER", "OLDU1234565", 1)]
        assert rows_read(plan, "event_references") == 3  # the message's own three, not the 200,000 beside them
    finally:
        _drop_postgres_database(name)


LARGE_MESSAGE = (
    "INSERT INTO events (seq, id, owner_org_id, message_id, source_key, event_type, event_code, classifier, "
    "event_time, received_at, details) SELECT 1000 + n, 'e-large-' || n, 'o-1', 'm-large', 'large-' || n, "
    "'EQUIPMENT', 'LOAD', 'ACT', '2026-11-19 10:00:00', '2026-11-19 10:00:00', '{}' FROM generate_series(1, 100000) n"
)
LARGE_REFERENCES = (
    "INSERT INTO event_references (kind, value, event_seq) "
    "SELECT :kind, 'BIGU' || lpad(n::text, 7, '0'), 1000 + n FROM generate_series(1, 100000) n"
)
