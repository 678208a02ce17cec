"""Tables of the phone channel: drivers' phone accounts, and each call's record and server-side state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from harbourlink.kernel import Base
from harbourlink.kernel.clock import utcnow
from harbourlink.kernel.ids import new_id


class PhoneAccount(Base):
    """A driver's account on the phone line: a 6-digit number, a hashed 6-digit password and a security code seed.

    Wrong passwords and codes count in ``failures``; past the limit the account is locked until
    the driver's company unlocks it.
    """

    __tablename__ = "phone_accounts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    number: Mapped[str] = mapped_column(String(6), unique=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), unique=True)
    vehicle: Mapped[str] = mapped_column(String(20))
    """The vehicle the driver binds by phone (the phone flow does not ask for it)."""
    password_hash: Mapped[str] = mapped_column(String(200))
    code_seed_sealed: Mapped[str] = mapped_column(String(300))
    last_code_step: Mapped[int | None] = mapped_column(BigInteger)
    """The newest security code's time step used, so a code overheard cannot be used again."""
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(36))


class PhoneCall(Base):
    """One call: its audit record (when, which account, which outcomes — never the digits) and its state.

    ``state`` is the call machine's, kept here under the provider's call id while the call runs
    and emptied when it ends.
    """

    __tablename__ = "phone_calls"

    call_sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(12))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    org_id: Mapped[str | None] = mapped_column(String(36), index=True)
    account_id: Mapped[str | None] = mapped_column(String(36), index=True)
    language: Mapped[str] = mapped_column(String(3))
    outcomes: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[dict[str, Any] | None] = mapped_column(JSON)
