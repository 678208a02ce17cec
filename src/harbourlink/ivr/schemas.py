"""Shapes of the phone channel's API: drivers' phone accounts and the calls' records."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class PhoneAccountCreate(BaseModel):
    user_id: str = Field(max_length=36, description="a driver of the caller's company")
    vehicle: str = Field(max_length=20, description="the vehicle the driver binds by phone (registration mark)")


class PhoneAccountRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    number: str = Field(description="the 6-digit account number the driver keys in")
    user_id: str
    vehicle: str
    locked_at: datetime | None = Field(description="set after repeated wrong passwords or security codes")
    created_at: datetime


class PhoneAccountIssued(PhoneAccountRead):
    """A new phone account with its secrets, shown this once: give them to the driver."""

    password: str = Field(description="the 6-digit password")
    security_code_uri: str = Field(description="otpauth:// URI of the security code (TOTP) for the driver's token app")


class PhoneCallRead(BaseModel):
    """A call's audit record: when, which account, what came of it. Never the keys pressed."""

    model_config = ConfigDict(from_attributes=True)

    call_sid: str
    channel: str = Field(description="provider or simulator")
    started_at: datetime
    ended_at: datetime | None
    account_id: str | None
    language: str
    outcomes: list[str]
