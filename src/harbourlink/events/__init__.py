"""Events: the append-only store of what happened to cargo, after DCSA Track & Trace.

Adapters produce ``EventDraft`` values; ``append_events`` stores them idempotently (the same
source key from the same owner is stored once) with the references each is about. Reads take an
``AccessScope``: ``visible(scope)`` is the SQL condition, ``about(kind, values)`` narrows to the
events naming a reference.
"""

from harbourlink.events.domain import (
    CODES_BY_TYPE,
    FIELD_LENGTHS,
    REFERENCE_KIND_LENGTH,
    REFERENCE_VALUE_LENGTH,
    SOURCE_KEY_LENGTH,
    Classifier,
    EventDraft,
    EventType,
    Reference,
    check_event,
    content_key,
    content_of,
    differing_fields,
    place_of,
)
from harbourlink.events.models import Event, EventReference
from harbourlink.events.seam import Stored, publish_stored, stored_event_ids, stored_events, with_references
from harbourlink.events.store import (
    AppendResult,
    Conflict,
    about,
    append_events,
    count_events,
    list_events,
    references_of,
    select_visible,
    visible,
    visible_template,
    visible_with_references,
)

__all__ = [
    "CODES_BY_TYPE",
    "FIELD_LENGTHS",
    "REFERENCE_KIND_LENGTH",
    "REFERENCE_VALUE_LENGTH",
    "SOURCE_KEY_LENGTH",
    "AppendResult",
    "Classifier",
    "Conflict",
    "Event",
    "EventDraft",
    "EventReference",
    "EventType",
    "Reference",
    "Stored",
    "about",
    "append_events",
    "check_event",
    "content_key",
    "content_of",
    "count_events",
    "differing_fields",
    "list_events",
    "place_of",
    "publish_stored",
    "references_of",
    "select_visible",
    "stored_event_ids",
    "stored_events",
    "visible",
    "visible_template",
    "visible_with_references",
    "with_references",
]
