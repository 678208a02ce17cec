"""The background sequencer: integrates queued entries every few seconds and keeps witnesses fed.

One thread per process; the log row lock in ``store`` keeps it the only writer even when several
processes run one. A checkpoint is signed whenever entries arrived; witnesses are asked after
each new checkpoint and at least every ``heartbeat_seconds`` otherwise, so their fresh
cosignature times show the log is alive when nothing happens.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

import httpx

from harbourlink.kernel import Database
from harbourlink.ledger.service import Ledger, do_sequence
from harbourlink.ledger.witnessing import submit_all

log = logging.getLogger(__name__)


@dataclass
class Sequencer:
    """A running sequencer thread; stop it with ``stop_sequencer``."""

    db: Database
    ledger: Ledger
    interval: float
    heartbeat: float
    batch: int
    stopping: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def run_once(self, client: httpx.Client, last_submit: float) -> float:
        """One round: sequence what waits, then submit when due; returns when witnesses were last asked."""
        with self.db.transaction() as session:
            signed = do_sequence(session, self.ledger, limit=self.batch)
        if self.ledger.witnesses and (signed is not None or time.monotonic() - last_submit >= self.heartbeat):
            submit_all(self.db, self.ledger, client)
            return time.monotonic()
        return last_submit

    def _loop(self) -> None:
        last_submit = float("-inf")
        with httpx.Client(timeout=10) as client:
            while not self.stopping.is_set():
                try:
                    last_submit = self.run_once(client, last_submit)
                except Exception:  # a failed round is retried next round; the thread must outlive it
                    log.exception("ledger sequencer round failed")
                self.stopping.wait(self.interval)


def start_sequencer(db: Database, ledger: Ledger, *, interval: float = 2.0, heartbeat: float = 300.0,
                    batch: int = 10_000) -> Sequencer:
    """Starts the background sequencer thread."""
    sequencer = Sequencer(db, ledger, interval, heartbeat, batch)
    sequencer.thread = threading.Thread(target=sequencer._loop, name="ledger-sequencer", daemon=True)
    sequencer.thread.start()
    return sequencer


def stop_sequencer(sequencer: Sequencer) -> None:
    """Stops the thread after its current round."""
    sequencer.stopping.set()
    if sequencer.thread is not None:
        sequencer.thread.join(timeout=30)
