"""The ledger for people: each event's proof with a file to hand on, and how anyone checks one.

``/ledger`` explains, to a bank or customs officer who has never heard of HarbourLink, what a
proof file shows and what it does not, the log's current checkpoint and key, and the command
that checks a file offline. It is public, like the checkpoint and the key it shows. The checker
itself is served from here too, byte for byte the file HarbourLink verifies its own bundles
with. ``/ledger/events/{id}[/via/{reference}]`` is for a person who may see the event: its place
in the log and a form choosing which fields the downloaded file reveals; the download is the
API's bundle, which applies the access rules again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import Response

import harbourlink_verify
from harbourlink import ledger, tracking
from harbourlink.api.ledger import for_app
from harbourlink.api.tracking import event_ledger_url
from harbourlink.kernel import NotFound
from harbourlink.web.labels import N_
from harbourlink.web.pages import AnyPage, MemberDep, MemberPage, PageAbort, Viewer, member_page
from harbourlink.web.track_words import Words
from harbourlink.web.tracking import MAX_QUERY

router = APIRouter(include_in_schema=False)

VERIFIER = Path(harbourlink_verify.__file__)
VERIFIER_BYTES = VERIFIER.read_bytes()
VERIFIER_SHA256 = hashlib.sha256(VERIFIER_BYTES).hexdigest()
"""Read once: the checker is part of the installed application and does not change while it runs."""
VERIFIER_NAME = VERIFIER.name
VERIFIER_URL = f"/ledger/{VERIFIER_NAME}"
EXAMPLE_FILE = "proof.json"
EXAMPLE_EVENT = ["event 5d51… (log entry 3):", '  event_code = "DISC"', '  event_time = "2026-11-23T02:02:00Z"']
EXAMPLE_REJECTED = "REJECTED: disclosed event_time of event 5d51… does not match the entry's commitment"
"""What the checker prints (``harbourlink_verify._report`` and its errors), shown as examples."""

FIELD_NAMES = {
    "event_type": N_("Kind of event"),
    "event_code": N_("Event code"),
    "classifier": N_("Planned, estimated or actual"),
    "event_time": N_("Time of the event"),
    "created_time": N_("Time the source recorded it"),
    "location": N_("Place"),
    "facility": N_("Terminal or facility"),
    "vessel_imo": N_("Vessel's IMO number"),
    "vessel_name": N_("Vessel name"),
    "voyage": N_("Voyage number"),
    "mode_of_transport": N_("Mode of transport"),
    "details": N_("Other details, such as temperature or holds"),
    "references": N_("Bill of lading, container and other numbers"),
    "source_key": N_("The source's own record number"),
}
"""What each committed field is, for the person choosing what a proof file reveals (``ledger.FIELDS``)."""


@dataclass(frozen=True)
class FieldChoice:
    name: str
    label: str
    checked: bool


def _viewer(page: AnyPage) -> Viewer | None:
    """Whoever is logged in, so the public page keeps their navigation; anyone else reads it too."""
    try:
        return member_page(page).viewer
    except PageAbort:
        return None


def verify_command(vkey: str, witnesses: list[str]) -> str:
    """The command a verifier types, with this log's key (and its witnesses') filled in."""
    parts = [f"python3 {VERIFIER_NAME} {EXAMPLE_FILE}", f"--key '{vkey}'", *(f"--witness '{w}'" for w in witnesses)]
    return " \\\n    ".join(parts)


def example_output(summary: ledger.CheckpointSummary) -> str:
    """What the checker prints for a good file (``harbourlink_verify._report``), for this log."""
    lines = [f"OK: checkpoint of {summary.origin} at size {summary.size}, root {summary.root.hex()}"]
    lines += [f"  cosigned by {c.witness} at unix time {int(c.at.timestamp())}" for c in summary.cosigned]
    return "\n".join([*lines, *EXAMPLE_EVENT])


@router.get("/ledger")
def verify(page: AnyPage) -> Response:
    """How a bank or customs officer checks a proof file without trusting HarbourLink."""
    current = for_app(page.request.app)
    summary = ledger.current_checkpoint(page.session, current)
    witnesses = [str(witness.vkey) for witness in current.witnesses]
    return page.render(
        "ledger/verify.html",
        viewer=_viewer(page),
        summary=summary,
        vkey=current.vkey,
        witnesses=witnesses,
        checkpoint_note=ledger.get_checkpoint(page.session, current),
        command=verify_command(current.vkey, witnesses),
        install="pip install cryptography",
        example=example_output(summary),
        rejected=EXAMPLE_REJECTED,
        example_file=EXAMPLE_FILE,
        verifier_url=VERIFIER_URL,
        verifier_name=VERIFIER_NAME,
        verifier_sha256=VERIFIER_SHA256,
    )


@router.get(VERIFIER_URL)
def verifier() -> Response:
    """The checker, the very file HarbourLink's own code imports, to read and run offline."""
    return Response(
        VERIFIER_BYTES,
        media_type="text/x-python; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{VERIFIER_NAME}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-cache",
        },
    )


@router.get("/ledger/events/{event_id}")
def event_proof(event_id: str, page: MemberDep) -> Response:
    """One event's place in the log, and the proof file to download with the fields the person picks."""
    return _event_page(page, event_id, None)


@router.get("/ledger/events/{event_id}/via/{reference}")
def event_proof_via(event_id: str, reference: str, page: MemberDep) -> Response:
    """The same, for an event the person sees by tracking ``reference`` (the timeline's marks lead here).

    The number is part of the path, not the query, so that the language switcher keeps it.
    """
    return _event_page(page, event_id, tracking.canonical_number(reference))


def _event_page(page: MemberPage, event_id: str, reference: str | None) -> Response:
    try:
        if reference is not None and not 0 < len(reference) <= MAX_QUERY:
            raise NotFound("not a number anyone could hold", code="reference_not_found")
        found = ledger.event_status(
            page.session, page.viewer.actor, for_app(page.request.app), event_id=event_id, reference=reference
        )
    except NotFound as missing:
        raise page.abort(404, "not_found") from missing
    fields = [FieldChoice(name, page.t(FIELD_NAMES[name]), name in ledger.DEFAULT_FIELDS) for name in ledger.FIELDS]
    here = f"/ledger/events/{quote(event_id, safe='')}" + (f"/via/{quote(reference, safe='')}" if reference else "")
    return page.render(
        "ledger/event.html",
        here=here,
        found=found,
        event=found.event,
        words=Words(page.catalogue),
        fields=fields,
        reference=reference,
        proof_url=event_ledger_url(event_id, "proof", reference),
        bundle_url=event_ledger_url(event_id, "bundle"),
        root=found.proof.root_hash.hex() if found.proof else "",
    )
