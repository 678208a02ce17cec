"""DCSA 3.0 retractions completed from the event store before they are stored.

The 3.0 adapter cannot see the store, so it leaves a retraction's code, time and references
empty; ``complete_dcsa_retractions`` fills them from the retracted event, so that whoever could
see the event sees its retraction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbourlink import events
from harbourlink.events import Event, EventDraft
from harbourlink.integrations.dcsa.render import RETRACTION_PREFIX
from harbourlink.kernel.phrases import N_, Phrase, Wording

UNKNOWN_EVENT = Phrase("retracts_unknown_event", N_("retracts event %(event)s, which this company has not sent"))
OTHER_TYPE = Phrase("retracts_other_type", N_("the retracted event is a %(type)s event, not %(given)s"))


def complete_dcsa_retractions(
    session: Session, *, owner_org_id: str, drafts: list[EventDraft]
) -> list[tuple[str, Wording]]:
    """Gives each 3.0 retraction in ``drafts`` the code, time and references of the event it retracts.

    The retracted event is looked for earlier in the same message, then among the owner's stored
    events. A retraction of an event the owner never sent cannot be stored (no one could be
    shown it): it is taken out of ``drafts`` and reported as (location, message), for the sender
    to replay once the event has arrived.
    """
    problems: list[tuple[str, Wording]] = []
    earlier: dict[str, EventDraft] = {}
    kept: list[EventDraft] = []
    for draft in drafts:
        retracts = draft.details.get("retracts") if draft.source_key.startswith(RETRACTION_PREFIX) else None
        if not isinstance(retracts, dict) or draft.event_code:
            earlier.setdefault(draft.source_key, draft)
            kept.append(draft)
            continue
        target = "dcsa:" + str(retracts.get("eventID"))
        original: Any = earlier.get(target)
        references = list(original.references) if original is not None else []
        if original is None:
            original = session.scalars(
                select(Event).where(Event.owner_org_id == owner_org_id, Event.source_key == target)
            ).first()
            if original is not None:
                retracts["event_id"] = original.id
                references = [
                    events.Reference(kind, value)
                    for kind, value in events.references_of(session, [original.seq])[original.seq]
                ]
        if original is None:
            problems.append(
                (f"{draft.origin}.metadata.retractedEventID", UNKNOWN_EVENT(event=repr(retracts.get("eventID"))))
            )
            continue
        if str(original.event_type) != draft.event_type.value:
            problems.append(
                (
                    f"{draft.origin}.metadata.eventType",
                    OTHER_TYPE(type=str(original.event_type), given=draft.event_type.value),
                )
            )
            continue
        draft.event_code = original.event_code
        draft.classifier = events.Classifier(original.classifier)
        draft.event_time = original.event_time
        draft.references = references
        for name in ("location", "facility", "vessel_imo", "vessel_name", "voyage", "mode_of_transport"):
            setattr(draft, name, getattr(original, name))
        kept.append(draft)
    drafts[:] = kept
    return problems
