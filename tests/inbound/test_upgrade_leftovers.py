"""Upgrading an installation queues the messages a crash had left unread, so the next worker reads them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from harbourlink.schema import upgrade
from tests.conftest import _drop_postgres_database, _postgres_database

ORG = "INSERT INTO organisations (id, name, account_kind, status, created_at) VALUES ('o-1', 'Old Co', 'company', 'active', CURRENT_TIMESTAMP)"
MESSAGE = (
    "INSERT INTO inbound_messages (id, sender_org_id, format, channel, received_at, size, sha256, raw, status, "
    "accepted, duplicates, errors) VALUES (:id, 'o-1', 'csv', 'api', CURRENT_TIMESTAMP, 1, 'x', :raw, :status, "
    "0, 0, '[]')"
)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_messages_left_received_are_queued_by_the_upgrade(backend: str, tmp_path: Path) -> None:
    name = f"harbourlink_upgrade_{tmp_path.name[-20:]}".replace("-", "_")
    url = f"sqlite:///{tmp_path / 'old.db'}" if backend == "sqlite" else _postgres_database(name)
    try:
        upgrade(url, "0006")
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text(ORG))
            connection.execute(text(MESSAGE), {"id": "m-left", "raw": b"x", "status": "received"})
            connection.execute(text(MESSAGE), {"id": "m-done", "raw": b"x", "status": "accepted"})
        upgrade(url)
        with engine.begin() as connection:
            queued = connection.execute(text("SELECT queue, key, status FROM work_items")).all()
        engine.dispose()
        assert [tuple(row) for row in queued] == [("inbound.process", "inbound.process:m-left", "pending")]
    finally:
        if backend == "postgres":
            _drop_postgres_database(name)
