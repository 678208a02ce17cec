"""The operator's health figures as the API answers them (``GET /api/v1/operator/health``)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from harbourlink.kernel import work
from harbourlink.operations.dead_letters import DeadLetter
from harbourlink.operations.health import PlatformHealth


def _seconds(since: datetime | None, now: datetime) -> float | None:
    return None if since is None else round(max(0.0, (now - since).total_seconds()), 3)


class QueueRead(BaseModel):
    queue: str = Field(description="a work queue (a consumer's name), or outbox.alerts / outbox.dcsa-callbacks")
    pending: int = Field(description="not done nor dead: waiting + leased + retrying")
    waiting: int = Field(description="pending, never attempted")
    leased: int = Field(description="held by a worker now")
    retrying: int = Field(description="failed at least once, due again after its back-off")
    dead: int = Field(description="retries exhausted; replay with POST /api/v1/operator/dead-letters/{id}/replay")
    oldest_pending_at: datetime | None = Field(description="when the oldest pending item was written")
    oldest_pending_seconds: float | None = Field(description="its age")

    @classmethod
    def of(cls, queue: work.QueueFigures, now: datetime) -> QueueRead:
        return cls(
            queue=queue.queue,
            pending=queue.pending,
            waiting=queue.waiting,
            leased=queue.leased,
            retrying=queue.retrying,
            dead=queue.dead,
            oldest_pending_at=queue.oldest_pending_at,
            oldest_pending_seconds=_seconds(queue.oldest_pending_at, now),
        )


class MessageInProgressRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    sender_org_id: str
    format: str
    filename: str | None
    size: int
    status: str
    received_at: datetime
    items_done: int
    items_total: int | None = Field(description="known once the message is parsed")


class CompanyFailuresRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    org_id: str
    failed: int = Field(description="messages rejected, partly accepted or failed in the window, not replayed since")
    newest_at: datetime


class InboundRead(BaseModel):
    received: int = Field(description="archived, not yet queued")
    queued: int
    processing: int
    oldest_received_at: datetime | None
    oldest_waiting_seconds: float | None
    in_progress: list[MessageInProgressRead] = Field(description="the oldest messages not read yet (at most 10)")
    failures_since: datetime
    failures_by_company: list[CompanyFailuresRead] = Field(description="the companies with the most (at most 10)")
    hour_starts: list[datetime] = Field(description="the last 24 hours, the current one last")
    received_per_hour: list[int]
    failed_per_hour: list[int]


class WitnessRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    url: str
    cosigned_size: int | None = Field(description="the size of the newest checkpoint it cosigned; null: never")
    cosigned_at: datetime | None


class LedgerRead(BaseModel):
    size: int = Field(description="entries in the log at its newest checkpoint")
    checkpoint_at: datetime | None
    events_waiting: int = Field(
        description="events (and AIS positions) of the messages whose ledger entries are not written yet"
    )
    entries_queued: int = Field(description="entries written and waiting for the sequencer")
    oldest_waiting_at: datetime | None
    oldest_waiting_seconds: float | None
    logged_per_hour: list[int] = Field(description="entries added to the log in each hour of inbound.hour_starts")
    witnesses: list[WitnessRead]


class WorkerRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str = Field(description="host:process:thread")
    roles: list[str]
    started_at: datetime
    seen_at: datetime = Field(description="its last heartbeat")
    attempted: int = Field(description="work items it attempted since it started, as of its last heartbeat")
    alive: bool = Field(description="its last heartbeat is more recent than a work lease")


class DeadLetterRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str = Field(description="<kind>-<number>: work-…, alert-… or dcsa-…")
    kind: str
    queue: str
    org_id: str | None = Field(description="the company it concerns, when known")
    channel: str | None = Field(description="an alert notification's channel")
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    last_due_at: datetime

    @classmethod
    def of(cls, letter: DeadLetter) -> DeadLetterRead:
        return cls.model_validate(letter)


class PlatformHealthRead(BaseModel):
    at: datetime
    inbound: InboundRead
    queues: list[QueueRead]
    workers: list[WorkerRead] = Field(description="worker loops seen in the last day, the most recent first")
    dead_letters: list[DeadLetterRead] = Field(description="the 20 whose last attempt fell due most recently")
    ledger: LedgerRead
    companies: dict[str, str] = Field(description="the names of the companies these figures mention, by id")

    @classmethod
    def of(cls, health: PlatformHealth) -> PlatformHealthRead:
        figures, now = health.figures, health.figures.at
        backlog, lag = figures.backlog, figures.lag
        return cls(
            at=now,
            inbound=InboundRead(
                received=backlog.by_status["received"],
                queued=backlog.by_status["queued"],
                processing=backlog.by_status["processing"],
                oldest_received_at=backlog.oldest_received_at,
                oldest_waiting_seconds=_seconds(backlog.oldest_received_at, now),
                in_progress=[MessageInProgressRead.model_validate(m) for m in health.in_progress],
                failures_since=health.failures_since,
                failures_by_company=[CompanyFailuresRead.model_validate(f) for f in health.failures],
                hour_starts=health.traffic.starts,
                received_per_hour=health.traffic.received,
                failed_per_hour=health.traffic.failed,
            ),
            queues=[QueueRead.of(queue, now) for queue in figures.queues],
            workers=[WorkerRead.model_validate(worker) for worker in figures.workers],
            dead_letters=[DeadLetterRead.of(letter) for letter in health.dead_letters],
            ledger=LedgerRead(
                size=lag.size,
                checkpoint_at=lag.checkpoint_at,
                events_waiting=lag.events_waiting,
                entries_queued=lag.entries_queued,
                oldest_waiting_at=lag.oldest_waiting_at,
                oldest_waiting_seconds=_seconds(lag.oldest_waiting_at, now),
                logged_per_hour=health.growth.logged,
                witnesses=[WitnessRead.model_validate(witness) for witness in figures.witnesses],
            ),
            companies=health.names,
        )
