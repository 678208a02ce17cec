"""UN/EDIFACT: CODECO, COARRI and IFTSTA in (the ``edifact`` format), IFTSTA out.

Reading goes in layers, each naming the place of what it refuses (``segment 14 (DTM),
message 000123``)::

    bytes ─ syntax ─▶ interchanges (own UNA each), numbered segments (pydifact tokenizes)
          ─ envelope ─▶ UNB/UNZ and UNH/UNT checked, messages
          ─ container_reports (CODECO, COARRI) / iftsta ─▶ EventDraft per container or status

A segment that cannot be read refuses its container or status; a message whose header or
trailer is wrong is refused alone; the other messages of the file are still read. Each event's
source key is ``edifact:SENDER:INTERCHANGE REF:MESSAGE REF:ITEM``, so a re-sent interchange
changes nothing. ``render_iftsta`` writes stored events back out as an IFTSTA interchange.
"""

from harbourlink.integrations.edifact.adapter import EdifactAdapter
from harbourlink.integrations.edifact.render import StatusEvent, Unrenderable, render_iftsta
from harbourlink.integrations.edifact.statuses import STATUS_CODES

__all__ = ["STATUS_CODES", "EdifactAdapter", "StatusEvent", "Unrenderable", "render_iftsta"]
