"""Ledger errors with stable codes."""

from __future__ import annotations

from harbourlink.kernel import Conflict, HarbourLinkError, NotFound


class NotYetInLog(Conflict):
    """The event is queued but the sequencer has not integrated it yet (retry in a few seconds)."""

    code = "ledger_not_yet_integrated"


class NoCheckpoint(NotFound):
    code = "ledger_no_checkpoint"


class LedgerCorrupt(HarbourLinkError):
    """Stored state contradicts itself; the sequencer refuses to sign anything on top of it."""

    code = "ledger_corrupt"
