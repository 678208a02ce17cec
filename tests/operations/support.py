"""A work queue whose handler fails while told to, so a test can make dead letters by the real path."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from harbourlink.kernel import Database, work

QUEUE = "test.refusing"


class Refusing:
    """Its handler raises while ``refusing``; afterwards it counts the payloads it handled."""

    def __init__(self) -> None:
        self.refusing = True
        self.handled: list[dict[str, Any]] = []

    def handle(self, _session: Session, payload: Mapping[str, Any]) -> None:
        if self.refusing:
            raise RuntimeError("the receiving system answered 500")
        self.handled.append(dict(payload))


@contextmanager
def refusing_queue(max_attempts: int) -> Iterator[Refusing]:
    """A consumer of ``QUEUE`` registered for the duration; an item dies after ``max_attempts`` failures."""
    consumer = Refusing()
    work.register(work.Consumer(QUEUE, consumer.handle, max_attempts=max_attempts))
    try:
        yield consumer
    finally:
        work.unregister(QUEUE)


def enqueue(db: Database, key: str, **payload: Any) -> None:
    """An item of ``QUEUE``, left for a worker (no bell), so the test decides when it runs."""
    with db.transaction() as session:
        work.enqueue(session, QUEUE, payload, key=key, ring=False)
