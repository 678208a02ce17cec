"""The sequencer as a job of the one worker loop: integrate queued entries, keep witnesses fed.

The log row lock in ``store`` keeps one sequencer the only writer even when several worker
processes run the ``sequencer`` role. A checkpoint is signed whenever entries arrived; witnesses
are asked after each new checkpoint and at least every ``heartbeat`` seconds otherwise, so their
fresh cosignature times show the log is alive when nothing happens.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import httpx

from harbourlink.kernel import Database
from harbourlink.kernel.workqueue import Job
from harbourlink.ledger.service import Ledger, do_sequence
from harbourlink.ledger.witnessing import submit_all


@dataclass
class Sequencer:
    """One round at a time; ``last_submit`` is when witnesses were last asked."""

    db: Database
    ledger: Ledger
    heartbeat: float = 300.0
    batch: int = 10_000
    last_submit: float = field(default=float("-inf"))

    def run_once(self, client: httpx.Client) -> bool:
        """Sequences what waits, then submits when due; True when entries were sequenced."""
        with self.db.transaction() as session:
            signed = do_sequence(session, self.ledger, limit=self.batch)
        if self.ledger.witnesses and (signed is not None or time.monotonic() - self.last_submit >= self.heartbeat):
            submit_all(self.db, self.ledger, client)
            self.last_submit = time.monotonic()
        return signed is not None


def sequencer_job(
    db: Database, ledger: Ledger, *, every: float = 2.0, heartbeat: float = 300.0, batch: int = 10_000
) -> Job:
    """The sequencer for the worker loop's ``sequencer`` role."""
    sequencer = Sequencer(db, ledger, heartbeat=heartbeat, batch=batch)
    return Job("ledger-sequencer", "sequencer", sequencer.run_once, every=every)
