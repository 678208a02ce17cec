"""Inbound's queue: messages archived and waiting to be read (large uploads, and any a crash cut short)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harbourlink.inbound.service import MAX_ATTEMPTS, PROCESS_QUEUE, Outcome, process_archived
from harbourlink.kernel import Database, work


def _process(db: Database, payload: Mapping[str, Any], attempt: int) -> Outcome:
    return process_archived(db, str(payload["message_id"]), attempt=attempt)


CONSUMERS = [work.Consumer(PROCESS_QUEUE, manage=_process, role="inbound", max_attempts=MAX_ATTEMPTS + 1, batch=1)]
