"""Trackers: a long random device id issued by HarbourLink to one vehicle of a trucking company.

The id is the tracker's credential (what it sends as OsmAnd's ``id`` or ``device_id``): shown
once when issued, kept only as its SHA-256, revocable by the company's administrators. A revoked
id is refused like an unknown one, and its refusals are counted on the device's entry.
"""

from __future__ import annotations

import secrets

from sqlalchemy.orm import Session

from harbourlink import identity
from harbourlink.identity import OrgType
from harbourlink.kernel import Actor, NotFound, utcnow
from harbourlink.trucking import repository
from harbourlink.trucking.domain import device_digest
from harbourlink.trucking.errors import NotATruckingCompany
from harbourlink.trucking.models import Device
from harbourlink.trucking.trips import normalise_vehicle

DEVICE_ID_DIGITS = 24
"""About 80 bits of chance, in digits only: every tracker that takes a numeric identifier (many take no other) can
carry one."""
PREFIX_DIGITS = 4


def _check_admin(actor: Actor) -> None:
    identity.check_admin_of(actor, actor.org_id)
    if OrgType.TRUCKING.value not in actor.org_types:
        raise NotATruckingCompany("trackers are issued to trucking companies' vehicles")


def issue_device(session: Session, actor: Actor, *, vehicle: str) -> tuple[Device, str]:
    """A new device id for one of the company's vehicles; returned this once, kept as a digest."""
    _check_admin(actor)
    device_id = "".join(secrets.choice("0123456789") for _ in range(DEVICE_ID_DIGITS))
    device = Device(
        org_id=actor.org_id,
        vehicle=normalise_vehicle(vehicle),
        prefix=device_id[:PREFIX_DIGITS],
        digest=device_digest(device_id),
        created_by=actor.user_id,
        refused=0,
    )
    session.add(device)
    session.flush()
    return device, device_id


def list_devices(session: Session, actor: Actor) -> list[Device]:
    """The company's trackers, live ones first (never their ids)."""
    _check_admin(actor)
    return repository.devices_of(session, actor.org_id)


def revoke_device(session: Session, actor: Actor, *, device_entry_id: str) -> Device:
    """Stops a device id working at once; revoking twice changes nothing."""
    device = session.get(Device, device_entry_id)
    if device is None or device.org_id != actor.org_id:
        raise NotFound("no such device", data={"device_entry_id": device_entry_id})
    _check_admin(actor)
    if device.revoked_at is None:
        device.revoked_at, device.revoked_by = utcnow(), actor.user_id
    return device
