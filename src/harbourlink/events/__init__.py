"""Events: the append-only store of what happened to cargo, after DCSA Track & Trace.

Adapters produce ``EventDraft`` values; ``append_events`` stores them idempotently (the same
source key from the same owner is stored once) with the references each is about. Reads take an
``AccessScope``: ``visible(scope)`` is the SQL condition, ``about(kind, values)`` narrows to the
events naming a reference.
"""

from harbourlink.events.domain import (
    CODES_BY_TYPE,
    Classifier,
    EventDraft,
    EventType,
    Reference,
    check_event,
    content_key,
)
from harbourlink.events.models import Event, EventReference
from harbourlink.events.store import (
    AppendResult,
    about,
    append_events,
    count_events,
    list_events,
    references_of,
    select_visible,
    visible,
    visible_template,
)

__all__ = [
    "CODES_BY_TYPE",
    "AppendResult",
    "Classifier",
    "Event",
    "EventDraft",
    "EventReference",
    "EventType",
    "Reference",
    "about",
    "append_events",
    "check_event",
    "content_key",
    "count_events",
    "list_events",
    "references_of",
    "select_visible",
    "visible",
    "visible_template",
]
