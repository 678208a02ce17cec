"""SQLite transactions under concurrent writers: a savepoint that reads before it writes."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import text

from harbourlink.kernel import create_database


def test_a_savepoint_that_reads_then_writes_survives_a_commit_from_another_connection(tmp_path: Path) -> None:
    """Without the write lock at the savepoint, the write fails at once with "database is locked"."""
    db = create_database(f"sqlite:///{tmp_path / 'port.db'}")
    with db.transaction() as session:
        session.execute(text("CREATE TABLE bl_links (master TEXT, house TEXT)"))
        session.execute(text("INSERT INTO bl_links VALUES ('M0', 'H0')"))
    other_committed = threading.Event()
    failures: list[BaseException] = []

    def other_writer() -> None:
        try:
            with db.transaction() as session:
                session.execute(text("INSERT INTO bl_links VALUES ('M2', 'H2')"))
        except BaseException as exc:  # the main thread asserts there were none
            failures.append(exc)
        other_committed.set()

    with db.transaction() as session, session.begin_nested():
        assert session.execute(text("SELECT count(*) FROM bl_links")).scalar_one() == 1
        writer = threading.Thread(target=other_writer)
        writer.start()
        # A deferred savepoint lets the other writer commit here, and the insert below then fails.
        other_committed.wait(0.3)
        session.execute(text("INSERT INTO bl_links VALUES ('M1', 'H1')"))
    writer.join(timeout=15)
    assert failures == []
    with db.transaction() as session:
        assert session.execute(text("SELECT house FROM bl_links ORDER BY house")).scalars().all() == ["H0", "H1", "H2"]
    db.engine.dispose()
