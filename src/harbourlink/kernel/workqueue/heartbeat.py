"""Heartbeats of the worker loops, so the operator sees which workers live and which fell silent.

A loop writes its row every few seconds (one upsert), and removes it when it stops; a killed
loop's row stays and ages. Each beat also prunes rows no one has written for a day, so the table
holds the workers of the last day and no more.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from harbourlink.kernel.workqueue.models import WorkerHeartbeat

FORGOTTEN_AFTER = timedelta(days=1)


def beat(
    session: Session, *, name: str, roles: Iterable[str], started_at: datetime, attempted: int, now: datetime
) -> None:
    """Says this worker was alive at ``now`` (and how many items it attempted since ``started_at``)."""
    values = {
        "name": name,
        "roles": ",".join(sorted(roles)),
        "started_at": started_at,
        "seen_at": now,
        "attempted": attempted,
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert(WorkerHeartbeat) if dialect == "postgresql" else sqlite.insert(WorkerHeartbeat)
    session.execute(
        insert.values(**values).on_conflict_do_update(
            index_elements=["name"], set_={"seen_at": now, "attempted": attempted}
        )
    )
    session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.seen_at < now - FORGOTTEN_AFTER))


def forget(session: Session, name: str) -> None:
    """A worker that stops cleanly leaves no row behind."""
    session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.name == name))


def recent_workers(session: Session, *, limit: int = 50) -> list[WorkerHeartbeat]:
    """The workers seen in the last day, the most recently seen first."""
    return list(session.scalars(select(WorkerHeartbeat).order_by(WorkerHeartbeat.seen_at.desc()).limit(limit)))
