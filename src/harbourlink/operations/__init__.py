"""Operations: the platform's health as its operator watches it, and the dead letters they replay.

::

    inbound.backlog / in_progress / failures_by_company / traffic ─┐
    work.queue_figures (work queue, alert and DCSA outboxes)       ├─▶ figures ─────────▶ /metrics
    work.recent_workers (the loops' heartbeats)                     │      │
    ledger.sequencer_lag / witness_standing / log_growth ──────────┘      ▼
                                                            platform_health ─▶ /operator/health,
    list_dead_letters ─────────────────────────────────────────────▲         GET /api/v1/operator/health
    replay_dead_letter ─▶ work.replay / work.revive                POST /api/v1/operator/dead-letters/{id}/replay

The position tables' monthly partitions (PostgreSQL) are kept ahead and expired by
``position_upkeep`` (the ``sequencer`` role's job, and ``harbourlink db partitions``).

Every figure is a bounded statement of the domain that owns the rows; this package composes
them and decides who may see them (the platform operator's administrators).
"""

from harbourlink.operations.dead_letters import DeadLetter, list_dead_letters, replay_dead_letter
from harbourlink.operations.health import Figures, PlatformHealth, WorkerSeen, figures, platform_health
from harbourlink.operations.partitions import Upkeep, partition_report, position_upkeep
from harbourlink.operations.schemas import DeadLetterRead, PlatformHealthRead

__all__ = [
    "DeadLetter",
    "DeadLetterRead",
    "Figures",
    "PlatformHealth",
    "PlatformHealthRead",
    "Upkeep",
    "WorkerSeen",
    "figures",
    "list_dead_letters",
    "partition_report",
    "platform_health",
    "position_upkeep",
    "replay_dead_letter",
]
