"""Stand-ins for identity functions the pages need and identity does not offer yet.

Each has the signature asked of ``harbourlink.identity``; when identity exports it, the pages
import it from there and this module goes. This is the only web module that reaches past
identity's public surface, so the debt stays in one place.
"""

from __future__ import annotations

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbourlink import identity
from harbourlink.identity.domain import normalise_hk_mobile
from harbourlink.identity.models import DriverProfile, RegistrationDocument
from harbourlink.kernel import Actor, ValidationFailed

__all__ = [
    "DriverProfile",
    "RegistrationDocument",
    "get_driver_profile",
    "list_registration_documents",
    "login_name",
    "pending_totp_uri",
]

TOTP_ISSUER = "HarbourLink"


def list_registration_documents(session: Session, actor: Actor, *, org_id: str) -> list[RegistrationDocument]:
    """The details of the documents a company gave when it applied, for the operator to verify."""
    identity.check_admin_of(actor, org_id)
    return list(session.scalars(
        select(RegistrationDocument).where(RegistrationDocument.org_id == org_id).order_by(RegistrationDocument.kind)
    ))


def get_driver_profile(session: Session, actor: Actor, *, org_id: str) -> DriverProfile | None:
    """The vehicle, licence and mobile of an individual driver's account."""
    identity.check_admin_of(actor, org_id)
    return session.get(DriverProfile, org_id)


def pending_totp_uri(user: identity.User, sealer: identity.Sealer) -> str | None:
    """The otpauth:// URI of a seed drawn but not yet confirmed, so a reload shows the same one."""
    if user.totp_enabled:
        return None
    seed = identity.totp_seed(user, sealer)
    if seed is None:
        return None
    label = user.email or user.mobile or user.id
    return str(pyotp.TOTP(seed).provisioning_uri(name=label, issuer_name=TOTP_ISSUER))


def login_name(raw: str) -> str:
    """What people type to log in, in the form accounts store: a mobile as +852XXXXXXXX."""
    typed = raw.strip()
    if "@" in typed:
        return typed
    try:
        return normalise_hk_mobile(typed)
    except ValidationFailed:
        return typed
