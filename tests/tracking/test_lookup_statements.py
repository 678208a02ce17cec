"""A tracking lookup is one statement to read (and one to write the access log), whatever it follows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from harbourlink import access, tracking, vessels
from harbourlink.kernel import Actor, Database, NotFound, utcnow
from harbourlink.tracking import lookup
from tests.port import CONTAINER, HBL, MBL, VOYAGE, Port, grant, open_port
from tests.statements import counted, in_transaction_or_not

SHIP_MMSI = "477123400"


@pytest.fixture
def port(client: TestClient, db: Database) -> Port:
    port = open_port(client, db)
    assert (
        client.post(
            "/api/v1/bl-links", headers=port.forwarder.auth, json={"master_bl": MBL, "house_bl": HBL}
        ).status_code
        == 201
    )
    grant(client, port.forwarder, "HBL", HBL, port.sme)
    grant(client, port.carrier, "MBL", MBL, None)
    return port


def _lookup(db: Database, org_id: str, reference: str) -> tuple[tracking.TrackingView, list[str]]:
    with counted(db) as statements, db.transaction() as session:
        view = tracking.build_view(session, tracking.find(session, Actor(org_id=org_id), query=reference))
    return view, statements


def _reads_and_writes(statements: list[str]) -> tuple[int, int]:
    writes = sum(1 for s in statements if s.lstrip().upper().startswith("INSERT"))
    return len(statements) - writes, writes


@pytest.mark.parametrize("who", ["forwarder", "sme"])
def test_one_read_and_one_write_per_lookup_then_one_read(db: Database, port: Port, who: str) -> None:
    viewer = getattr(port, who)
    reference = MBL if who == "forwarder" else HBL  # the SME's follows a link, then the container
    view, statements = _lookup(db, viewer.org_id, reference)
    assert view.containers and view.containers[0].number == CONTAINER
    assert view.events and view.vessel is not None
    assert _reads_and_writes(statements) == (1, 1), statements  # the access log: first view
    _, statements = _lookup(db, viewer.org_id, reference)
    assert _reads_and_writes(statements) == (1, 0), statements  # viewed within the window: nothing to log


def test_a_ship_known_to_ais_adds_one_read(db: Database, port: Port) -> None:
    now = utcnow()
    with db.transaction() as session:
        vessels.record_statics(
            session,
            [
                vessels.VesselStatic(
                    mmsi=SHIP_MMSI,
                    imo="9706906",
                    name="PEARL HARMONY",
                    destination="HKHKG",
                    eta=now + timedelta(hours=3),
                )
            ],
        )
        vessels.record_positions(
            session,
            [
                vessels.PositionReport(
                    mmsi=SHIP_MMSI,
                    at=now - timedelta(minutes=10 - n),
                    latitude=22.2 + n / 100,
                    longitude=113.9,
                    speed_knots=12.0,
                    course=45.0,
                )
                for n in range(5)
            ],
            message_id=None,
        )
    view, statements = _lookup(db, port.forwarder.org_id, MBL)
    assert view.vessel is not None and view.vessel.mmsi == SHIP_MMSI and len(view.vessel.track) == 5
    assert view.vessel.position is not None and view.vessel.position.latitude == pytest.approx(22.24)
    assert any(e.from_ais for entry in view.schedule for e in entry.estimates)
    assert _reads_and_writes(statements) == (2, 1), statements


def test_every_lookup_runs_the_same_statement_text(db: Database, port: Port) -> None:
    """One shape for every caller and number: compiled once, and prepared once by PostgreSQL."""
    _, by_mbl = _lookup(db, port.forwarder.org_id, MBL)
    _, by_hbl = _lookup(db, port.sme.org_id, HBL)
    _, by_box = _lookup(db, port.stranger.org_id, CONTAINER)
    assert by_mbl[0] == by_hbl[0] == by_box[0]


def test_nothing_shared_still_answers_not_found(db: Database, port: Port) -> None:
    with db.transaction() as session, pytest.raises(NotFound) as raised:
        tracking.find(session, Actor(org_id=port.stranger.org_id), query=MBL + "X")
    assert raised.value.code == "reference_not_found"


def test_a_box_shared_with_another_bill_shows_only_what_is_shared(client: TestClient, db: Database) -> None:
    """Following a B/L's container finds that box's other events, but only those shared with the caller."""
    other = (
        "C9,EQUIPMENT,DISC,ACT,2026-11-24T09:40:00+08:00,MSCU1234566,PONU0999999,HKHKG,HITHK,9706906,"
        "PEARL HARMONY,027E,VESSEL\n"
    )
    port = open_port(client, db, carrier_csv=VOYAGE + other)
    view, _ = _lookup(db, port.forwarder.org_id, MBL)
    assert {e.voyage for e in view.events if e.source == "Pearl Ocean Lines"} == {"026E"}
    grant(client, port.carrier, "MBL", "PONU0999999", port.forwarder)
    view, _ = _lookup(db, port.forwarder.org_id, MBL)
    assert {e.voyage for e in view.events if e.source == "Pearl Ocean Lines"} == {"026E", "027E"}


def test_on_postgresql_the_lookup_is_not_compiled_to_machine_code(db: Database, port: Port) -> None:
    """A fresh database's partitioned ``events`` has no statistics, so the planner's cost estimate for the
    lookup can be huge; PostgreSQL's JIT then spent seconds compiling what runs in milliseconds. Here any
    cost would do, yet the application's connections do not compile."""
    if db.is_sqlite:
        pytest.skip("PostgreSQL's JIT compiler")
    with db.transaction() as session:
        session.execute(text("SET LOCAL jit_above_cost = 0"))
        scope = access.scope_for(Actor(org_id=port.forwarder.org_id))
        compiled = lookup.statement(lateral=False).compile(db.engine)
        parameters = {**compiled.params, **lookup.parameters(scope, MBL, now=utcnow())}
        plan = [row[0] for row in session.connection().exec_driver_sql(f"EXPLAIN (ANALYZE) {compiled}", parameters)]
    assert any(line.startswith("Execution Time") for line in plan)
    assert not any(line.startswith("JIT") for line in plan), plan[-6:]


def test_on_postgresql_the_driver_converts_the_lookup_statement_once(db: Database, port: Port) -> None:
    """psycopg caches a statement's conversion to ``$n`` placeholders only up to a length and a number of
    parameters, both of which the lookup passes; converting its 17 KB again cost every lookup."""
    if db.is_sqlite:
        pytest.skip("psycopg's statement cache")
    from psycopg import _queries

    _lookup(db, port.forwarder.org_id, MBL)  # the first view also writes the access log
    before = _queries._query2pg.cache_info()
    for _ in range(3):
        _, statements = _lookup(db, port.forwarder.org_id, MBL)
        assert len(statements) == 1
    after = _queries._query2pg.cache_info()
    assert (after.hits - before.hits, after.misses - before.misses) == (3, 0)


@contextmanager
def _transactions_around_statements(client: TestClient) -> Iterator[list[tuple[str, bool]]]:
    """Each statement the app sends inside the block: its first word, and whether it ran inside a transaction."""
    engine = client.app.state.runtime.db.engine  # type: ignore[attr-defined]
    first_words: list[tuple[str, bool]] = []
    with in_transaction_or_not(engine) as seen:
        yield first_words
    first_words.extend((statement.split(maxsplit=1)[0].upper(), inside) for statement, inside in seen)


def test_an_api_lookup_commits_each_statement_by_itself_and_still_logs_the_view(
    client: TestClient, db: Database, port: Port
) -> None:
    """No BEGIN and COMMIT round trips around a lookup (nor the caller's key check), and the line noting
    that the SME viewed the forwarder's House B/L is written all the same."""
    with _transactions_around_statements(client) as seen:
        answer = client.get(f"/api/v1/track/{HBL}", headers=port.sme.auth)
    assert answer.status_code == 200 and answer.json()["events"]
    assert ("INSERT", False) in seen, seen  # the access log's line
    assert seen and not any(in_transaction for _, in_transaction in seen), seen
    log = client.get("/api/v1/access-log", headers=port.forwarder.auth).json()
    assert [e["reference"] for e in log if e["viewer_org_id"] == port.sme.org_id] == [HBL]


def test_a_lookup_ending_with_its_view_unwritten_writes_it_at_the_end(client: TestClient, db: Database) -> None:
    """A view with no events reads no ledger marks, so nothing flushed the access log's line before the handler
    returned: the request's end writes it."""
    port = open_port(client, db)
    client.post("/api/v1/bl-links", headers=port.forwarder.auth, json={"master_bl": MBL, "house_bl": HBL})
    grant(client, port.forwarder, "HBL", HBL, port.sme)  # the carrier shares nothing: only the vessel call shows
    with _transactions_around_statements(client) as seen:
        view = client.get(f"/api/v1/track/{HBL}", headers=port.sme.auth).json()
    assert view["events"] == [] and view["vessel"] is not None
    assert seen[-1] == ("INSERT", False), seen
    log = client.get("/api/v1/access-log", headers=port.forwarder.auth).json()
    assert [e["reference"] for e in log if e["viewer_org_id"] == port.sme.org_id] == [HBL]
