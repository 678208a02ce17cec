"""Python's cyclic garbage collector: held off while a bulk job builds many objects that live until it ends,
and kept off what a long-running process built at start-up.

Reading a message of 20,000 events builds a few hundred thousand objects (drafts, their
references, rows for COPY) that all survive until the message is stored. Each one counts
towards the collector's thresholds, so it ran its young generations hundreds of times and
walked the whole heap (every module, mapper and schema of the process) several times per
message, finding nothing to free: a third of the time a CSV row took to read. Reference
counting still frees everything that is not in a cycle; cycles made meanwhile wait for the
first collection after the job.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Holds:
    """How many jobs hold the collector off; it is one per process, and jobs run in several threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0
        self.was_enabled = False


_HOLDS = _Holds()


@contextmanager
def collector_held() -> Iterator[None]:
    """Automatic collections stay off until the last job holding them off ends; if something else had
    switched them off before the first, they stay off."""
    with _HOLDS.lock:
        if _HOLDS.count == 0:
            _HOLDS.was_enabled = gc.isenabled()
            gc.disable()
        _HOLDS.count += 1
    try:
        yield
    finally:
        with _HOLDS.lock:
            _HOLDS.count -= 1
            if _HOLDS.count == 0 and _HOLDS.was_enabled:
                gc.enable()


def freeze_start_up() -> None:
    """Moves what start-up built (modules, mappers, routes, schemas, catalogues) out of the collector's view
    for good: it lives as long as the process, and every full collection walked it again on the time of
    whatever request or item was in hand. In an API process that cost the 61,000-event tracking page 250 ms
    once in every dozen renders; a worker's full collections walked some 340,000 such objects (0.2 s
    of CPU) every few seconds under the load run. Only for a process that keeps what it built: frozen
    cycles are never collected, so not for apps built and dropped by the dozen in one process (tests)."""
    gc.collect()
    gc.freeze()
