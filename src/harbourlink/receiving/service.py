"""Use cases of receiving: a consignment's QR token issued, opened and revoked; a warehouse's receipt.

A receipt is an event of the warehouse (``GTIN``, gated in at the warehouse, with the count, the
condition and the note in its details), published through the event seam like every stored event,
so alerts, the ledger and DCSA subscriptions hear of it. The warehouse shares what it records about
the consignment with the consignment's parties by confirming it; the trips carrying it end there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from harbourlink import access, events, trucking
from harbourlink.identity import KeyScope, OrgType
from harbourlink.kernel import Actor, Forbidden, NotFound, ValidationFailed, new_id, utcnow
from harbourlink.receiving import repository
from harbourlink.receiving.domain import (
    MAX_NOTE,
    MAX_PACKAGES,
    MAX_PHOTO_BYTES,
    MAX_PHOTOS,
    TOKEN_LIFETIME,
    Condition,
    discrepancy,
    image_type,
    new_token_id,
    sign_token,
    token_id_of,
    token_state,
)
from harbourlink.receiving.errors import (
    NOT_AN_IMAGE,
    PHOTO_TOO_LARGE,
    TOO_MANY_PHOTOS,
    InvalidPhoto,
    NotAWarehouse,
    TokenNotValid,
)
from harbourlink.receiving.models import ConsignmentToken, Receipt, ReceiptPhoto
from harbourlink.receiving.schemas import ReceiptRead
from harbourlink.references import ReferenceType

RECEIPT_CODE = "GTIN"


@dataclass(frozen=True)
class Issued:
    """A token as its issuer gets it: the string a QR code carries, and the stored row behind it."""

    token: str
    row: ConsignmentToken


@dataclass(frozen=True)
class Photo:
    """A photo as it was uploaded: its bytes and the name the phone gave it (for error messages)."""

    data: bytes
    name: str


def _check_write(actor: Actor) -> None:
    if not actor.has_scope(KeyScope.CARGO_WRITE):
        raise Forbidden(
            "this API key lacks the cargo:write scope", code="missing_scope", data={"scope": KeyScope.CARGO_WRITE.value}
        )


def _cargo(session: Session, actor: Actor, reference: str, kind: ReferenceType | None) -> tuple[str, str]:
    return trucking.find_cargo(session, access.scope_for(actor), reference, kind)


def _trip_packages(session: Session, actor: Actor, kind: str, value: str) -> int | None:
    trip = trucking.running_trip_of(session, actor, reference_type=kind, reference=value)
    return trip.packages if trip is not None else None


def issue_token(
    session: Session,
    actor: Actor,
    *,
    key: str,
    reference: str,
    reference_type: ReferenceType | None = None,
    packages: int | None = None,
) -> Issued:
    """A new QR token for a consignment the company sees; any company that sees its cargo may issue one."""
    _check_write(actor)
    kind, value = _cargo(session, actor, reference, reference_type)
    row = ConsignmentToken(
        id=new_token_id(),
        org_id=actor.org_id,
        reference_type=kind,
        reference=value,
        packages=packages if packages is not None else _trip_packages(session, actor, kind, value),
        created_by=actor.user_id,
        expires_at=utcnow() + TOKEN_LIFETIME,
    )
    session.add(row)
    session.flush()
    return Issued(sign_token(key, row.id), row)


def label_token(
    session: Session, actor: Actor, *, key: str, reference: str, reference_type: ReferenceType | None = None
) -> Issued:
    """The token a label or the driver's app shows: the company's newest one good for at least half its life,
    else a new one (reprinting a label does not fill the table)."""
    kind, value = _cargo(session, actor, reference, reference_type)
    row = repository.newest_live_token(
        session, org_id=actor.org_id, reference_type=kind, reference=value, after=utcnow() + TOKEN_LIFETIME / 2
    )
    if row is not None:
        return Issued(sign_token(key, row.id), row)
    return issue_token(session, actor, key=key, reference=value, reference_type=ReferenceType(kind))


def revoke_tokens(
    session: Session, actor: Actor, *, reference: str, reference_type: ReferenceType | None = None
) -> int:
    """Revokes every live token the company issued for the consignment: its QR codes open nothing from now."""
    _check_write(actor)
    kind, value = _cargo(session, actor, reference, reference_type)
    now = utcnow()
    rows = repository.live_tokens(session, org_id=actor.org_id, reference_type=kind, reference=value)
    for row in rows:
        row.revoked_at, row.revoked_by = now, actor.user_id
    return len(rows)


def open_token(session: Session, *, key: str, token: str) -> ConsignmentToken:
    """The consignment a token opens; a forged, unknown, expired or revoked one answers the same not found."""
    token_id = token_id_of(key, token)
    row = session.get(ConsignmentToken, token_id) if token_id else None
    if row is None or token_state(expires_at=row.expires_at, revoked_at=row.revoked_at, now=utcnow()):
        raise TokenNotValid("this QR code is not valid: it may have expired or been revoked")
    return row


def is_warehouse(actor: Actor) -> bool:
    return OrgType.WAREHOUSE.value in actor.org_types


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"


def check_photos(photos: list[Photo]) -> list[tuple[str, bytes]]:
    """Each photo's content type by its bytes; an error names the photo and what is wrong with it."""
    if len(photos) > MAX_PHOTOS:
        raise InvalidPhoto(
            TOO_MANY_PHOTOS(limit=MAX_PHOTOS, count=len(photos)),
            code="too_many_photos",
            data={"field": "photos", "count": len(photos), "limit": MAX_PHOTOS},
        )
    checked = []
    for number, photo in enumerate(photos, start=1):
        where = {"field": "photos", "photo": number, "name": photo.name}
        if len(photo.data) > MAX_PHOTO_BYTES:
            raise InvalidPhoto(
                PHOTO_TOO_LARGE(
                    number=number, name=photo.name, size=_mib(len(photo.data)), limit=_mib(MAX_PHOTO_BYTES)
                ),
                code="photo_too_large",
                data={**where, "bytes": len(photo.data), "limit": MAX_PHOTO_BYTES},
            )
        content_type = image_type(photo.data)
        if content_type is None:
            raise InvalidPhoto(NOT_AN_IMAGE(number=number, name=photo.name), code="photo_not_an_image", data=where)
        checked.append((content_type, photo.data))
    return checked


@dataclass(frozen=True)
class Received:
    """A receipt as its warehouse gets it back: the row, its photos' count and the trips that ended."""

    receipt: Receipt
    photos: int
    trips_ended: list[str]


@dataclass(frozen=True)
class Consignment:
    reference_type: str
    reference: str
    token: ConsignmentToken | None


def _consignment(
    session: Session, actor: Actor, *, key: str, token: str | None, reference: str | None, kind: ReferenceType | None
) -> Consignment:
    if token is not None:
        row = open_token(session, key=key, token=token)
        return Consignment(row.reference_type, row.reference, row)
    found_kind, value = _cargo(session, actor, reference or "", kind)
    return Consignment(found_kind, value, None)


def do_receipt(
    session: Session,
    actor: Actor,
    *,
    key: str,
    packages: int,
    condition: Condition,
    note: str = "",
    token: str | None = None,
    reference: str | None = None,
    reference_type: ReferenceType | None = None,
    photos: list[Photo] | None = None,
) -> Received:
    """A warehouse received a consignment: the receipt, its event told to every party, the trips ended.

    With a token (the QR code, which the cargo brought along) the warehouse needs no grant; with a
    bare number the consignment must be visible to it.
    """
    _check_write(actor)
    if not is_warehouse(actor):
        raise NotAWarehouse("only a warehouse confirms receipts")
    if not 0 <= packages <= MAX_PACKAGES:
        raise ValidationFailed(
            f"packages: {packages} is outside 0 to {MAX_PACKAGES}", code="invalid_number", data={"field": "packages"}
        )
    if len(note) > MAX_NOTE:
        raise ValidationFailed(
            f"note: longer than {MAX_NOTE} characters", code="string_too_long", data={"field": "note"}
        )
    checked = check_photos(photos or [])
    consignment = _consignment(session, actor, key=key, token=token, reference=reference, kind=reference_type)
    kind, value = consignment.reference_type, consignment.reference
    now = utcnow()
    trips = trucking.end_trips_at_receipt(session, reference_type=kind, reference=value, at=now)
    expected = consignment.token.packages if consignment.token is not None else None
    if expected is None:
        expected = next((trip.packages for trip in trips if trip.packages is not None), None)
    receipt = Receipt(
        org_id=actor.org_id,
        reference_type=kind,
        reference=value,
        token_id=consignment.token.id if consignment.token else None,
        packages=packages,
        expected=expected,
        condition=condition.value,
        note=note.strip(),
        received_at=now,
        received_by=actor.user_id,
    )
    session.add(receipt)
    session.flush()
    session.add_all(
        ReceiptPhoto(receipt_id=receipt.id, position=number, content_type=content_type, data=data)
        for number, (content_type, data) in enumerate(checked, start=1)
    )
    access.share_with(
        session,
        owner_org_id=actor.org_id,
        reference_type=kind,
        reference=value,
        grantee_org_ids=_parties(session, consignment, trips),
        created_by=actor.user_id,
    )
    _publish(session, receipt, photos=len(checked), at=now)
    return Received(receipt, len(checked), [trip.id for trip in trips])


def _parties(session: Session, consignment: Consignment, trips: list[trucking.Trip]) -> set[str]:
    """Whom a receipt is for: the companies that published the consignment's events, those its owners share it
    (or the documents it travels under) with by name, its truckers and the issuer of its QR code."""
    kind, value = consignment.reference_type, consignment.reference
    parties = repository.event_owners(session, reference_type=kind, reference=value)
    parties |= access.companies_given(session, repository.travels_under(session, reference_type=kind, reference=value))
    parties |= {trip.org_id for trip in trips}
    return parties | ({consignment.token.org_id} if consignment.token else set())


def _publish(session: Session, receipt: Receipt, *, photos: int, at: datetime) -> None:
    """The receipt as an event of the warehouse, told to every consumer of stored events."""
    found = discrepancy(expected=receipt.expected, counted=receipt.packages, condition=Condition(receipt.condition))
    details: dict[str, object] = {
        "receipt_id": receipt.id,
        "packages": receipt.packages,
        "packages_expected": receipt.expected,
        "packages_short": found.short,
        "condition": receipt.condition,
        "note": receipt.note,
        "photos": photos,
    }
    draft = events.EventDraft(
        source_key=f"receipt:{receipt.id}",
        event_type=events.EventType.EQUIPMENT,
        event_code=RECEIPT_CODE,
        classifier=events.Classifier.ACT,
        event_time=at,
        mode_of_transport="TRUCK",
        references=[events.Reference(receipt.reference_type, receipt.reference)],
        details=details,
    )
    message_id = new_id()
    events.append_events(session, owner_org_id=receipt.org_id, message_id=message_id, drafts=[draft])
    events.publish_stored(session, message_id=message_id, owner_org_id=receipt.org_id, received_at=at)


def describe(received: Received) -> ReceiptRead:
    """A receipt as the API shows it, with what it found wrong."""
    receipt = received.receipt
    found = discrepancy(expected=receipt.expected, counted=receipt.packages, condition=Condition(receipt.condition))
    return ReceiptRead(
        id=receipt.id,
        reference_type=receipt.reference_type,
        reference=receipt.reference,
        packages=receipt.packages,
        expected=receipt.expected,
        short=found.short,
        condition=Condition(receipt.condition),
        note=receipt.note,
        photos=received.photos,
        received_at=receipt.received_at,
        alert=found.any,
        trips_ended=received.trips_ended,
    )


def receipt_photo(session: Session, actor: Actor, *, receipt_id: str, position: int) -> ReceiptPhoto:
    """A photo of a receipt, for whoever may see the receipt's event: the warehouse and those it shared it with."""
    found = repository.photo_of(session, receipt_id, position)
    if found is None or not repository.sees_receipt(session, access.scope_for(actor), found[0]):
        raise NotFound("no such photo", data={"receipt_id": receipt_id, "position": position})
    return found[1]
