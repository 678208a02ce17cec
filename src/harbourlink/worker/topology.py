"""How a process's enqueued work and live announcements travel: within the process, or over NATS.

* No bus, no worker here (tests, one-shot commands): enqueued work runs at once in the process
  that enqueued it (the database's default bell).
* No bus, a worker thread here (``make demo``, the embedded installation): the worker is rung.
* A bus (``HARBOURLINK_NATS_URL``): rings go to the worker processes of each queue's role over
  JetStream, announcements to every process; a worker of this process listens for its roles.
"""

from __future__ import annotations

import os

from harbourlink.kernel import Database, work
from harbourlink.kernel.bus import NatsBus
from harbourlink.kernel.live import hub
from harbourlink.settings import Settings


def attach(db: Database, settings: Settings, *, worker: work.Worker | None = None) -> NatsBus | None:
    """Sets ``db``'s bell (and the process's live hub) for this process's place in the topology."""
    if not settings.nats_url:
        if worker is not None:
            db.bell = worker.ring
        return None
    bus = NatsBus(settings.nats_url, name=f"harbourlink-{os.getpid()}", prefix=settings.nats_prefix)

    def ring(_db: Database, queues: set[str]) -> None:
        known = work.consumers()
        by_role: dict[str, set[str]] = {}
        for queue in queues:
            if queue in known:
                by_role.setdefault(known[queue].role, set()).add(queue)
        bus.ring(by_role)
        if worker is not None:
            worker.ring()

    db.bell = ring
    hub.link(bus.publish_live)
    bus.listen_live(hub.deliver)
    if worker is not None:
        for role in sorted(worker.roles):
            bus.listen_work(role, worker.ring, idle=worker.waiting)
    return bus


def detach(bus: NatsBus | None) -> None:
    if bus is not None:
        hub.link(None)
        bus.close()
