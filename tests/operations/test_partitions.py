"""Position tables partitioned by month on PostgreSQL: the migration keeps rows both ways, upkeep creates
months ahead and empties the default of them, retention drops only months the ledger is done with."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, select, text

from harbourlink import ledger, operations, vessels
from harbourlink.kernel import Database, create_database
from harbourlink.kernel.partitions import Month, create_month
from harbourlink.ledger.models import LedgerEvent
from harbourlink.operations.partitions import LOCK, NOT_LOGGED
from harbourlink.schema import alembic_config, upgrade
from tests.conftest import _drop_postgres_database, _postgres_database
from tests.ledger.conftest import ORIGIN, SEED

BEFORE, PARTITIONED = "0028", "0030"
"""The revision before the positions were partitioned, and the one that partitions them."""

TRUCK = (
    "INSERT INTO truck_positions (track, at, org_id, source, latitude, longitude, report_id, received_at) "
    "VALUES (:track, :at, 'o-1', 'osmand', 22.3, 114.1, 'r-1', :at)"
)
SHIP = "INSERT INTO vessel_positions (mmsi, at, latitude, longitude) VALUES (:mmsi, :at, 22.3, 114.1)"
WHERE = "SELECT tableoid::regclass::text, seq FROM {table} ORDER BY seq"


def _at(year: int, month: int, day: int = 10) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[str]:
    """A PostgreSQL database of this test's own: upkeep and retention change the partitions, which
    the shared test database's other tests must not see."""
    name = f"harbourlink_parts_{tmp_path.name[-20:]}".replace("-", "_")
    url = _postgres_database(name)
    try:
        yield url
    finally:
        _drop_postgres_database(name)


@pytest.fixture
def fresh_db(fresh: str) -> Iterator[Database]:
    upgrade(fresh)
    database = create_database(fresh)
    yield database
    database.engine.dispose()


@pytest.mark.postgres
def test_the_migration_moves_rows_into_months_and_back(fresh: str) -> None:
    upgrade(fresh, BEFORE)
    engine = create_engine(fresh)
    rows = [("211000001", _at(2026, 10)), ("211000001", _at(1970, 1, 1)), ("211000002", _at(2026, 11))]
    with engine.begin() as connection:
        for mmsi, at in rows:
            connection.execute(text(SHIP), {"mmsi": mmsi, "at": at})
            connection.execute(text(TRUCK), {"track": mmsi, "at": at})
    upgrade(fresh, PARTITIONED)
    with engine.begin() as connection:
        for table in ("vessel_positions", "truck_positions"):
            placed = [tuple(r) for r in connection.execute(text(WHERE.format(table=table)))]
            assert placed == [(f"{table}_p202610", 1), (f"{table}_default", 2), (f"{table}_p202611", 3)]
        connection.execute(text(SHIP), {"mmsi": "211000003", "at": _at(2026, 11, 20)})
        assert connection.scalar(text("SELECT max(seq) FROM vessel_positions")) == 4, "the sequence was kept"
    database = create_database(fresh)
    with database.transaction() as session:  # the store's ON CONFLICT still tells a duplicate
        again = vessels.PositionReport("211000001", _at(2026, 10), 22.3, 114.1)
        assert vessels.record_positions(session, [again], message_id=None) == ([], 1)
    database.engine.dispose()
    command.downgrade(alembic_config(fresh), BEFORE)
    with engine.begin() as connection:
        placed = [tuple(r) for r in connection.execute(text(WHERE.format(table="vessel_positions")))]
        assert placed == [("vessel_positions", seq) for seq in (1, 2, 3, 4)]
        kinds = connection.execute(
            text("SELECT relname, relkind FROM pg_class WHERE relname IN ('vessel_positions', 'truck_positions')")
        )
        assert {tuple(r) for r in kinds} == {("vessel_positions", "r"), ("truck_positions", "r")}
    engine.dispose()
    upgrade(fresh)


@pytest.mark.postgres
def test_upkeep_creates_months_ahead_and_moves_their_rows_out_of_the_default(fresh_db: Database) -> None:
    now = _at(2031, 5)
    with fresh_db.transaction() as session:
        session.execute(text(SHIP), {"mmsi": "211000001", "at": _at(2031, 6)})  # a month with no partition yet
        session.execute(text(SHIP), {"mmsi": "211000001", "at": _at(2035, 1)})  # a wild timestamp
    with fresh_db.transaction() as session:
        done = operations.position_upkeep(session, now=now, ahead=2, keep_months=None)
    assert done.created["vessel_positions"] == [(Month(2031, 5), 0), (Month(2031, 6), 1), (Month(2031, 7), 0)]
    assert [month for month, _ in done.created["truck_positions"]] == [Month(2031, 5), Month(2031, 6), Month(2031, 7)]
    assert set(done.analysed) >= {"vessel_positions", "truck_positions"}  # autovacuum never analyses them
    with fresh_db.transaction() as session:
        placed = [tuple(r) for r in session.execute(text(WHERE.format(table="vessel_positions")))]
        assert placed == [("vessel_positions_p203106", 1), ("vessel_positions_default", 2)]
        report = operations.partition_report(session)
        assert [p.name for p in report["vessel_positions"]][-4:] == [
            "vessel_positions_p203105",
            "vessel_positions_p203106",
            "vessel_positions_p203107",
            "vessel_positions_default",
        ]
    with fresh_db.transaction() as session:
        again = operations.position_upkeep(session, now=now, ahead=2, keep_months=None)
    assert not again.changed()
    assert again.analysed == [], "analysed once, and again only when a partition is added"


@pytest.mark.postgres
def test_a_second_upkeep_at_the_same_moment_leaves_the_work_to_the_first(fresh_db: Database) -> None:
    with fresh_db.transaction() as first, fresh_db.transaction() as second:
        first.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK})
        assert not operations.position_upkeep(second, now=_at(2031, 5), ahead=2, keep_months=None).changed()
    with fresh_db.transaction() as session:
        assert operations.position_upkeep(session, now=_at(2031, 5), ahead=2, keep_months=None).changed()


@pytest.mark.postgres
def test_retention_drops_only_months_the_ledger_has_committed_to(fresh_db: Database) -> None:
    test_ledger = ledger.Ledger.configure(origin=ORIGIN, seed=SEED)
    with fresh_db.transaction() as session:
        for month in (Month(2032, 2), Month(2032, 3)):
            create_month(session, "vessel_positions", "at", month)
            create_month(session, "truck_positions", "at", month)
        logged, _ = vessels.record_positions(
            session, [vessels.PositionReport("211000001", _at(2032, 2), 22.3, 114.1)], message_id=None
        )
        vessels.record_positions(
            session, [vessels.PositionReport("211000001", _at(2032, 3), 22.3, 114.1)], message_id=None
        )
        ledger.enqueue_positions(session, logged, owner_org_id="o-1", received_at=_at(2032, 2))
        session.execute(text(TRUCK), {"track": "t-1", "at": _at(2032, 2)})
        ledger.do_sequence(session, test_ledger)
    with fresh_db.transaction() as session:
        done = operations.position_upkeep(session, now=_at(2032, 5), ahead=2, keep_months=1)
    assert Month(2032, 2) in done.dropped["vessel_positions"]
    assert done.held_back["vessel_positions"] == [(Month(2032, 3), NOT_LOGGED)]
    assert {Month(2032, 2), Month(2032, 3)} <= set(done.dropped["truck_positions"])
    with fresh_db.transaction() as session:
        months = {p.month for p in operations.partition_report(session)["vessel_positions"]}
        assert Month(2032, 2) not in months and Month(2032, 3) in months
        assert (
            session.scalar(select(LedgerEvent.salt).where(LedgerEvent.event_id == f"position:{logged[0][0]}")) is None
        )
        problem, audit = ledger.verify_log(session, ledger.open_log(session, test_ledger))
        assert problem is None, str(problem)
        assert audit.entries == 1


def test_sqlite_keeps_plain_tables_and_upkeep_does_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'plain.db'}"
    upgrade(url)
    database = create_database(url)
    with database.transaction() as session:
        done = operations.position_upkeep(session, now=_at(2031, 5), ahead=2, keep_months=1)
        assert not done.changed() and operations.partition_report(session) == {}
    database.engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_command_keeps_months_ahead_and_lists_the_partitions(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}" if backend == "sqlite" else request.getfixturevalue("fresh")
    upgrade(url)
    env = {**os.environ, "HARBOURLINK_DATABASE_URL": url, "HARBOURLINK_DATA_DIR": str(tmp_path), "COLUMNS": "200"}
    shown = subprocess.run(
        [sys.executable, "-m", "harbourlink", "db", "partitions"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    if backend == "sqlite":
        assert "no partitioned tables" in shown
        return
    ahead = Month.of(datetime.now(UTC)).plus(2)
    assert f"vessel_positions_{ahead.suffix}" in shown and "truck_positions_default" in shown
