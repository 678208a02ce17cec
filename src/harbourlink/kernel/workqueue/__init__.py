"""The one durable work queue of the platform, its leases, and the one worker loop.

* ``enqueue`` / ``enqueue_all`` (in the cause's transaction) → ``WorkItem`` → ``Worker`` or ``drain``
  → a ``Consumer``'s handler;
* ``lease``: claim / retry with back-off / dead-letter / revive, shared by every outbox;
* ``Job``: the periodic duties (deliveries, the ledger sequencer) run by the same loop;
* ``queue_figures``: how each queue (or outbox) stands; ``recent_workers``: the loops' heartbeats.
"""

from harbourlink.kernel.workqueue.figures import QueueFigures, queue_figures
from harbourlink.kernel.workqueue.heartbeat import recent_workers
from harbourlink.kernel.workqueue.lease import DEFAULT_LEASE, Claim, claim, due, failed, retry_delay, revive, succeeded
from harbourlink.kernel.workqueue.models import Leased, WorkerHeartbeat, WorkItem, pending_index
from harbourlink.kernel.workqueue.queue import (
    Consumer,
    Item,
    consumers,
    drain,
    enqueue,
    enqueue_all,
    inline_bell,
    list_items,
    purge_done,
    register,
    replay,
    run_now,
    run_round,
    unregister,
)
from harbourlink.kernel.workqueue.worker import ROLES, Job, Worker

__all__ = [
    "DEFAULT_LEASE",
    "ROLES",
    "Claim",
    "Consumer",
    "Item",
    "Job",
    "Leased",
    "QueueFigures",
    "WorkItem",
    "Worker",
    "WorkerHeartbeat",
    "claim",
    "consumers",
    "drain",
    "due",
    "enqueue",
    "enqueue_all",
    "failed",
    "inline_bell",
    "list_items",
    "pending_index",
    "purge_done",
    "queue_figures",
    "recent_workers",
    "register",
    "replay",
    "retry_delay",
    "revive",
    "run_now",
    "run_round",
    "succeeded",
    "unregister",
]
