"""The use cases of 一單多報: upload documents, pre-fill, edit, submit; the authorities' answers as they come back.

A declaration is its declarant's; the companies it names in ``shared_with`` may read it, no one else
(another company's id answers 404 as if it did not exist). Results reach the cargo's timeline as customs
events of the declarant, published through the event seam, so tracking and alerts hear of them as of any
customs status.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbourlink import access, events, identity, metering, tracking
from harbourlink.declarations import authority as simulated
from harbourlink.declarations.documents import DocumentKind, parse_document
from harbourlink.declarations.domain import (
    Authority,
    Documents,
    Draft,
    Held,
    Status,
    check,
    check_path,
    document_totals,
    prefill,
)
from harbourlink.declarations.manifest import ManifestLine, Voyage
from harbourlink.declarations.messages import read_answer, render
from harbourlink.declarations.models import Declaration, TradeDocument
from harbourlink.kernel import Actor, Conflict, NotFound, ValidationFailed, new_id, plugins, utcnow, work
from harbourlink.references import ReferenceType

SERVICE = "declarations"
QUEUE = "declarations.authorities"
"""The work queue the authorities' adapters are reached through."""
EDITABLE = frozenset({Status.DRAFT.value, Status.REJECTED.value})
RESULT_CODES = {
    Status.ACCEPTED: "ACPT",
    Status.REJECTED: "REJE",
    Status.RELEASED: "CUSR",
    Status.INSPECTION: "CUSI",
}
BL_KINDS = (ReferenceType.MBL.value, ReferenceType.HBL.value)


def upload_document(
    session: Session, actor: Actor, *, reference: str, kind: DocumentKind, filename: str, data: bytes
) -> TradeDocument:
    """Keeps an invoice's or a packing list's goods lines for a B/L the caller sees; a file with errors is refused
    whole, each error naming its row and column."""
    found = tracking.find(session, actor, query=reference)
    parsed = parse_document(kind, filename, data)
    if parsed.errors:
        raise ValidationFailed(
            f"the {kind.value.replace('_', ' ')} has {len(parsed.errors)} errors",
            code="document_invalid",
            data={
                "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in parsed.errors[:100]],
            },
        )
    document = TradeDocument(
        org_id=actor.org_id,
        reference=_bl(found)[1],
        kind=kind.value,
        filename=filename[:200],
        lines=parsed.lines,
        uploaded_at=utcnow(),
    )
    session.add(document)
    session.flush()
    return document


def _bl(found: tracking.Found) -> tuple[str, str]:
    bls = [(kind, value) for kind, value in found.matched if kind in BL_KINDS]
    if not bls:
        raise ValidationFailed(
            "declarations are made for a bill of lading", code="not_a_bill_of_lading", data={"field": "reference"}
        )
    return bls[0]


def _gross(details: Mapping[str, Any]) -> Decimal | None:
    value = details.get("gross_mass")
    return Decimal(str(value)) if value is not None else None


def held_data(session: Session, actor: Actor, reference: str) -> tuple[str, Held]:
    """What HarbourLink holds about a B/L the caller may see: its containers, vessel, voyage, ports, times and the
    goods' weight from the events; the shipper and consignee the caller named; the caller's name as declarant."""
    found = tracking.find(session, actor, query=reference)
    kind, number = _bl(found)
    containers = sorted(
        {v for refs in found.references.values() for k, v in refs if k == ReferenceType.CONTAINER.value}
    )
    carrying = [e for e in found.vessel_events if e.vessel_name]
    departures = [e for e in found.events if e.event_code in ("DEPA", "LOAD") and e.location]
    arrivals = [e for e in found.events if e.event_code in ("ARRI", "DISC") and e.location]
    weights: dict[str, Decimal] = {}
    for event in found.events:
        gross = _gross(event.details)
        boxes = [v for k, v in found.references.get(event.seq, []) if k == ReferenceType.CONTAINER.value]
        if gross is not None and boxes:
            weights[boxes[0]] = gross
    packages = [e.details["packages_expected"] for e in found.events if e.details.get("packages_expected")]
    parties = [p for p in access.list_parties(session, actor) if p.reference == number]
    names = identity.display_names(session, [p.party_org_id for p in parties] + [actor.org_id])
    named = {p.party_role: names.get(p.party_org_id) for p in parties}
    held = Held(
        reference=number,
        declarant=names.get(actor.org_id, actor.org_id),
        containers=tuple(containers),
        vessel_name=carrying[-1].vessel_name if carrying else None,
        voyage=next((e.voyage for e in reversed(carrying) if e.voyage), None),
        barge=any(e.mode_of_transport == "BARGE" for e in carrying),
        loading=departures[0].location if departures else None,
        discharge=arrivals[-1].location if arrivals else None,
        departed=departures[0].event_time if departures else None,
        arrived=arrivals[-1].event_time if arrivals else None,
        gross_kg=sum(weights.values(), Decimal(0)) if weights and len(weights) == len(containers) else None,
        packages=int(packages[-1]) if packages else None,
        shipper=named.get(access.PartyRole.SHIPPER.value),
        consignee=named.get(access.PartyRole.CONSIGNEE.value),
    )
    return kind, held


def _documents(session: Session, org_id: str, reference: str) -> Documents:
    latest: dict[str, list[dict[str, str]]] = {}
    rows = session.scalars(
        select(TradeDocument)
        .where(TradeDocument.org_id == org_id, TradeDocument.reference == reference)
        .order_by(TradeDocument.uploaded_at)
    )
    for row in rows:
        latest[row.kind] = row.lines
    return Documents(latest.get(DocumentKind.INVOICE.value, []), latest.get(DocumentKind.PACKING_LIST.value, []))


def _recheck(session: Session, actor: Actor, batch: Sequence[Declaration]) -> None:
    """Checks the declarations made together against each other, the B/L and the documents."""
    first = batch[0]
    _, held = held_data(session, actor, first.reference)
    findings = check(
        {Authority(d.authority): d.fields for d in batch}, held, _documents(session, first.org_id, first.reference)
    )
    for declaration in batch:
        prefix = f"{declaration.authority}."
        declaration.findings = [
            f.as_dict()
            for f in findings
            if f.code != "fields_missing" or any(path.startswith(prefix) for path in f.fields)
        ]


def create_declarations(
    session: Session, actor: Actor, *, reference: str, authorities: Sequence[Authority]
) -> list[Declaration]:
    """Drafts to each authority, pre-filled from held data and the latest documents, with the checks' findings."""
    kind, held = held_data(session, actor, reference)
    documents = _documents(session, actor.org_id, held.reference)
    batch_id = new_id()
    now = utcnow()
    made = []
    for choice in dict.fromkeys(authorities):
        draft: Draft = prefill(choice, held, documents)
        declaration = Declaration(
            id=new_id(),
            batch_id=batch_id,
            org_id=actor.org_id,
            reference_type=kind,
            reference=held.reference,
            authority=choice.value,
            status=Status.DRAFT.value,
            fields=draft.fields,
            sources=draft.sources,
            findings=[],
            shared_with=[],
            reasons=[],
            submissions=0,
            created_at=now,
            updated_at=now,
        )
        session.add(declaration)
        made.append(declaration)
    _recheck(session, actor, made)
    session.flush()
    return made


def get_declaration(session: Session, actor: Actor, *, declaration_id: str) -> Declaration:
    """A declaration its declarant, or a company it is shared with, may read."""
    declaration = session.get(Declaration, declaration_id)
    if declaration is None or (actor.org_id != declaration.org_id and actor.org_id not in declaration.shared_with):
        raise NotFound("no such declaration", data={"declaration_id": declaration_id})
    return declaration


def _own(session: Session, actor: Actor, declaration_id: str) -> Declaration:
    declaration = get_declaration(session, actor, declaration_id=declaration_id)
    if declaration.org_id != actor.org_id:
        raise NotFound("no such declaration", data={"declaration_id": declaration_id})
    return declaration


def _batch(session: Session, declaration: Declaration) -> list[Declaration]:
    return list(
        session.scalars(
            select(Declaration).where(Declaration.batch_id == declaration.batch_id).order_by(Declaration.authority)
        )
    )


def batch_of(session: Session, actor: Actor, *, declaration: Declaration) -> list[Declaration]:
    """The declarations made together with ``declaration`` that the caller may read."""
    return [
        sibling
        for sibling in _batch(session, declaration)
        if actor.org_id == sibling.org_id or actor.org_id in sibling.shared_with
    ]


def update_declaration(
    session: Session,
    actor: Actor,
    *,
    declaration_id: str,
    fields: Mapping[str, str | None],
    shared_with: Sequence[str] | None = None,
) -> Declaration:
    """The declarant corrects fields (each path must be one the declaration has) or says whom it shares it with;
    the checks run again over the declarations made together."""
    declaration = _own(session, actor, declaration_id)
    if fields and declaration.status not in EDITABLE:
        raise Conflict(
            f"a declaration {declaration.status} cannot be changed",
            code="declaration_not_editable",
            data={"status": declaration.status},
        )
    authority = Authority(declaration.authority)
    unknown = [path for path in fields if not check_path(authority, path, declaration.fields)]
    if unknown:
        raise ValidationFailed(
            f"no such field: {', '.join(unknown)}", code="unknown_field", data={"field": "fields", "unknown": unknown}
        )
    changed = dict(declaration.fields)
    sources = dict(declaration.sources)
    for path, value in fields.items():
        new = (value or "").strip() or None
        if changed.get(path) != new:  # a form sends every field; only those edited become the user's
            changed[path] = new
            sources[path] = "user"
    if changed != declaration.fields:
        declaration.fields, declaration.sources = changed, sources
        declaration.status = Status.DRAFT.value
    if shared_with is not None:
        companies = identity.display_names(session, list(shared_with))
        missing = [org_id for org_id in shared_with if org_id not in companies]
        if missing:
            raise ValidationFailed(
                "no such company", code="unknown_company", data={"field": "shared_with", "unknown": missing}
            )
        declaration.shared_with = sorted(set(shared_with) - {actor.org_id})
    declaration.updated_at = utcnow()
    _recheck(session, actor, _batch(session, declaration))
    session.flush()
    return declaration


def submit_declaration(session: Session, actor: Actor, *, declaration_id: str) -> Declaration:
    """The message signer sends a declaration without findings to its authority, through the work queue."""
    declaration = _own(session, actor, declaration_id)
    plugin = plugins.find(SERVICE)
    if plugin is not None:
        plugin.check_permitted(actor, "submit")
    if declaration.status not in EDITABLE:
        raise Conflict(
            f"a declaration {declaration.status} was submitted already",
            code="declaration_submitted",
            data={"status": declaration.status},
        )
    _recheck(session, actor, _batch(session, declaration))
    if declaration.findings:
        raise Conflict(
            "the checks found problems to fix first",
            code="declaration_has_findings",
            data={"findings": declaration.findings},
        )
    now = utcnow()
    declaration.message = render(Authority(declaration.authority), declaration.id, declaration.fields)
    declaration.status = Status.SUBMITTED.value
    declaration.submissions += 1
    declaration.submitted_at = declaration.updated_at = now
    declaration.submitted_by = actor.user_id or actor.api_key_id
    declaration.reasons = []
    work.enqueue(
        session, QUEUE, {"declaration_id": declaration.id}, key=f"{QUEUE}:{declaration.id}:{declaration.submissions}"
    )
    metering.record_use(session, org_id=actor.org_id, service=SERVICE, key=f"declaration:{declaration.id}", at=now)
    return declaration


def deliver(session: Session, payload: Mapping[str, Any]) -> None:
    """The queue's handler: the authority's adapter sends the message, reads the answer, and the result becomes
    a customs event of the declarant on the B/L's timeline (and under the official number)."""
    declaration = session.get(Declaration, str(payload["declaration_id"]))
    if declaration is None or declaration.status != Status.SUBMITTED.value or declaration.message is None:
        return
    authority = Authority(declaration.authority)
    declaration.answer = simulated.answer(authority, declaration.message)
    answer = read_answer(authority, declaration.answer)
    now = utcnow()
    declaration.official_number = answer.official_number
    declaration.status = answer.result.value
    declaration.reasons = list(answer.reasons)
    declaration.answered_at = now
    draft = events.EventDraft(
        source_key=f"declaration:{declaration.id}:{declaration.submissions}",
        event_type=events.EventType.CUSTOMS,
        event_code=RESULT_CODES[answer.result],
        classifier=events.Classifier.ACT,
        event_time=now,
        references=[
            events.Reference(declaration.reference_type, declaration.reference),
            events.Reference(ReferenceType.DECLARATION.value, answer.official_number),
        ],
        details={
            "declaration_id": declaration.id,
            "authority": authority.value,
            "result": answer.result.value,
            "reasons": list(answer.reasons),
        },
    )
    message_id = new_id()
    events.append_events(session, owner_org_id=declaration.org_id, message_id=message_id, drafts=[draft])
    events.publish_stored(session, message_id=message_id, owner_org_id=declaration.org_id, received_at=now)


def river_manifest(session: Session, actor: Actor, *, voyage: str) -> tuple[Voyage, list[ManifestLine]]:
    """The B/Ls the caller sees on a barge voyage, pre-filled from their events and the caller's documents."""
    scope = access.scope_for(actor)
    rows, references = events.visible_with_references(
        session, scope, events.Event.voyage == voyage, events.Event.mode_of_transport == "BARGE"
    )
    if not rows:
        raise NotFound("no barge voyage of that number is shared with you", data={"voyage": voyage})
    bls: dict[str, set[str]] = {}
    for row in rows:
        named = references.get(row.seq, [])
        boxes = {value for kind, value in named if kind == ReferenceType.CONTAINER.value}
        for kind, value in named:
            if kind in BL_KINDS:
                bls.setdefault(value, set()).update(boxes)
    departures = [row for row in rows if row.event_code in ("DEPA", "LOAD") and row.location]
    arrivals = [row for row in rows if row.event_code in ("ARRI", "DISC") and row.location]
    named_ship = next((row for row in rows if row.vessel_name), None)
    header = Voyage(
        vessel_name=named_ship.vessel_name if named_ship else None,
        vessel_imo=named_ship.vessel_imo if named_ship else None,
        voyage=voyage,
        loading=departures[0].location if departures else None,
        discharge=arrivals[-1].location if arrivals else None,
        arrival=arrivals[-1].event_time if arrivals else None,
    )
    lines = []
    for bl, boxes in sorted(bls.items()):
        documents = _documents(session, actor.org_id, bl)
        totals = document_totals(documents)
        packages = totals["packing_list.packages"]
        goods = "; ".join(line["description"] for line in documents.invoice if line.get("description"))
        lines.append(
            ManifestLine(
                bl=bl,
                containers=tuple(sorted(boxes)),
                packages=int(packages) if packages is not None else None,
                gross_kg=totals["packing_list.gross_kg"],
                goods=goods or None,
            )
        )
    return header, lines
