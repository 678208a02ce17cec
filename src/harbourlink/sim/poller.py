"""Asking a mainland customs status source what changed, and putting its answer into a message.

The poller keeps the time of its last question and asks the source only for what happened
since; an empty answer sends nothing. The runner sends the document it returns through the
inbound path as the customs company, so clearance status is archived and replayable like
every other message. Any ``CustomsStatusSource`` will do; the demo uses the simulated one.
"""

from __future__ import annotations

from datetime import datetime

from harbourlink.integrations.customs_status import CustomsStatusSource, render_reports

SOURCE_NAME = "CN-CUSTOMS-SIM"


class CustomsPoller:
    """Polls ``source`` for ``declarations``."""

    def __init__(self, source: CustomsStatusSource, declarations: list[str], *, source_name: str = SOURCE_NAME):
        self.source = source
        self.declarations = list(declarations)
        self.source_name = source_name
        self.since: datetime | None = None

    def poll(self, at: datetime) -> bytes | None:
        """A ``customs-status-json`` document of the statuses reached since the last poll, or None."""
        reports = self.source.statuses(self.declarations, since=self.since)
        self.since = at
        return render_reports(reports, source=self.source_name) if reports else None
