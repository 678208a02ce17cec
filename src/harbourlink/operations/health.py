"""The platform's health: one snapshot for its operator (page and API) and for Prometheus (``/metrics``).

``figures`` holds the counts a scrape needs: how each queue and outbox stands, the inbound
backlog, how far the ledger is behind and each witness's newest cosignature, the workers seen.
``platform_health`` adds what a person reads: the messages being read, failures by company,
traffic and the log's growth per hour, the dead letters, and the companies' names. Every figure
comes from its domain's own bounded statement, so each is computed in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from harbourlink import alerts, identity, inbound, ledger, tracking
from harbourlink.kernel import Actor, work
from harbourlink.kernel.clock import as_utc
from harbourlink.operations.dead_letters import ALERT_QUEUE, DCSA_QUEUE, DeadLetter, list_dead_letters

FAILURE_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class WorkerSeen:
    """A worker loop by its heartbeat; ``alive`` when it wrote one within the silence allowed."""

    name: str
    roles: list[str]
    started_at: datetime
    seen_at: datetime
    attempted: int
    alive: bool


@dataclass(frozen=True)
class Figures:
    """The counts, as of ``at``; ``lag``: how far the ledger is behind the event store."""

    at: datetime
    queues: list[work.QueueFigures]
    backlog: inbound.Backlog
    lag: ledger.SequencerLag
    witnesses: list[ledger.WitnessStanding]
    workers: list[WorkerSeen]

    @property
    def dead(self) -> int:
        return sum(queue.dead for queue in self.queues)

    @property
    def workers_alive(self) -> int:
        return sum(worker.alive for worker in self.workers)


@dataclass(frozen=True)
class PlatformHealth:
    """The counts and what the operator's page shows beside them; ``names`` are the companies mentioned."""

    figures: Figures
    in_progress: list[inbound.MessageInProgress]
    failures: list[inbound.CompanyFailures]
    failures_since: datetime
    traffic: inbound.Traffic
    growth: ledger.LogGrowth
    dead_letters: list[DeadLetter]
    names: dict[str, str]


def queue_figures(session: Session, *, now: datetime) -> list[work.QueueFigures]:
    """Every consumer's queue (idle ones too), any other queue holding items, then the two outboxes."""
    found = {
        queue.queue: queue for queue in work.queue_figures(session, work.WorkItem, now=now, by=work.WorkItem.queue)
    }
    listed = [found.pop(queue, work.QueueFigures(queue)) for queue in sorted(work.consumers())]
    return [
        *listed,
        *sorted(found.values(), key=lambda queue: queue.queue),
        *work.queue_figures(session, alerts.AlertNotification, now=now, name=ALERT_QUEUE),
        *work.queue_figures(session, tracking.DcsaDelivery, now=now, name=DCSA_QUEUE),
    ]


def workers_seen(session: Session, *, now: datetime, silent_after: timedelta) -> list[WorkerSeen]:
    return [
        WorkerSeen(
            row.name,
            row.roles.split(","),
            as_utc(row.started_at),
            as_utc(row.seen_at),
            row.attempted,
            alive=as_utc(row.seen_at) >= now - silent_after,
        )
        for row in work.recent_workers(session)
    ]


def figures(session: Session, config: ledger.Ledger, *, now: datetime, silent_after: timedelta) -> Figures:
    """The counts. They name no company; who may read them is the caller's to decide (``/metrics``)."""
    return Figures(
        at=now,
        queues=queue_figures(session, now=now),
        backlog=inbound.backlog(session),
        lag=ledger.sequencer_lag(session, config),
        witnesses=ledger.witness_standing(session, config),
        workers=workers_seen(session, now=now, silent_after=silent_after),
    )


def platform_health(
    session: Session, actor: Actor, config: ledger.Ledger, *, now: datetime, silent_after: timedelta
) -> PlatformHealth:
    """Everything the operator's health view shows; the platform operator's administrators only.

    ``silent_after``: how long a worker may go without a heartbeat before it is shown as silent.
    """
    identity.check_operator(actor)
    since = now - FAILURE_WINDOW
    moving = inbound.in_progress(session)
    failures = inbound.failures_by_company(session, since=since)
    letters = list_dead_letters(session)
    mentioned = (
        {m.sender_org_id for m in moving}
        | {f.org_id for f in failures}
        | {letter.org_id for letter in letters if letter.org_id}
    )
    return PlatformHealth(
        figures=figures(session, config, now=now, silent_after=silent_after),
        in_progress=moving,
        failures=failures,
        failures_since=since,
        traffic=inbound.traffic(session, now=now),
        growth=ledger.log_growth(session, config, now=now),
        dead_letters=letters,
        names=identity.display_names(session, sorted(mentioned)),
    )
