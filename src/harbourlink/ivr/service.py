"""Use cases of the phone channel: drivers' phone accounts, and answering a call one exchange at a time."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from sqlalchemy import null, select, update
from sqlalchemy.orm import Session

from harbourlink import identity
from harbourlink.identity import Role, Sealer, check_admin_of, normalise_vehicle_registration
from harbourlink.identity.crypto import hash_password, verify_decoy, verify_password
from harbourlink.ivr.desk import Binding, BindingDesk, DeskRefused
from harbourlink.ivr.domain import PHONE_DIGITS, CallState, Outcome, Turn, Verdict, advance, end, prompt, start
from harbourlink.ivr.errors import CallNotFound, NotADriver, PhoneAccountExists, PhoneAccountNotFound
from harbourlink.ivr.models import PhoneAccount, PhoneCall
from harbourlink.kernel import Actor, utcnow
from harbourlink.road import ControlPoint

log = logging.getLogger(__name__)

DeskFactory = Callable[[Session], BindingDesk]
"""Gives the binding desk working in a request's transaction."""
CODE_ISSUER = "HarbourLink phone"
ABANDONED_AFTER = timedelta(hours=1)
"""A call silent this long was hung up without the provider saying so: its state is emptied."""


@dataclass(frozen=True)
class PhoneLine:
    """What answering calls needs from the installation."""

    sealer: Sealer
    desk: DeskFactory | None
    """``None`` until binding is wired in: calls are told the service is not available."""
    lockout_attempts: int = 3
    now: Callable[[], datetime] = utcnow


@dataclass(frozen=True)
class NewPhoneAccount:
    """A phone account just made: its password and security code seed are shown this once."""

    account: PhoneAccount
    password: str
    code_uri: str


def _digits() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(PHONE_DIGITS))


def create_phone_account(
    session: Session, actor: Actor, *, sealer: Sealer, user_id: str, vehicle: str
) -> NewPhoneAccount:
    """Gives a driver of the caller's company a phone account for ``vehicle`` (an administrator's act)."""
    user = identity.get_user(session, actor, user_id=user_id)
    check_admin_of(actor, user.org_id)
    if user.role != Role.DRIVER.value:
        raise NotADriver("only a driver gets a phone account", data={"user_id": user_id})
    if session.scalar(select(PhoneAccount.id).where(PhoneAccount.user_id == user.id)) is not None:
        raise PhoneAccountExists("this driver already has a phone account", data={"user_id": user_id})
    password, seed = _digits(), pyotp.random_base32()
    while True:
        number = _digits()
        if session.scalar(select(PhoneAccount.id).where(PhoneAccount.number == number)) is None:
            break
    account = PhoneAccount(
        number=number,
        org_id=user.org_id,
        user_id=user.id,
        vehicle=normalise_vehicle_registration(vehicle),
        password_hash=hash_password(password),
        code_seed_sealed=sealer.seal(seed),
        created_by=actor.user_id,
    )
    session.add(account)
    session.flush()
    uri = pyotp.TOTP(seed).provisioning_uri(name=number, issuer_name=CODE_ISSUER)
    return NewPhoneAccount(account, password, uri)


def unlock_phone_account(session: Session, actor: Actor, *, number: str) -> PhoneAccount:
    """Lets a locked-out driver call again (an administrator of the driver's company)."""
    check_admin_of(actor, actor.org_id)
    query = select(PhoneAccount).where(PhoneAccount.number == number, PhoneAccount.org_id == actor.org_id)
    account = session.scalar(query)
    if account is None:
        raise PhoneAccountNotFound("no such phone account", data={"number": number})
    account.failures, account.locked_at = 0, None
    return account


class _Port:
    """The call machine's port onto this transaction: account checks and the binding desk."""

    def __init__(self, session: Session, line: PhoneLine, desk: BindingDesk) -> None:
        self.session, self.line, self.desk = session, line, desk
        self.tried: PhoneAccount | None = None
        """The account a login was tried on, right or wrong: the call's record names it."""

    def _account(self, account_id: str) -> PhoneAccount:
        account = self.session.get(PhoneAccount, account_id)
        if account is None:
            raise PhoneAccountNotFound("the call's phone account is gone", data={})
        return account

    def _wrong(self, account: PhoneAccount) -> Verdict:
        account.failures += 1
        if account.failures >= self.line.lockout_attempts:
            account.locked_at = self.line.now()
            return Verdict.LOCKED
        return Verdict.WRONG

    def log_in(self, number: str, password: str) -> tuple[Verdict, str | None]:
        account = self.session.scalar(select(PhoneAccount).where(PhoneAccount.number == number))
        self.tried = account
        if account is None or account.locked_at is not None:
            verify_decoy(password)
            return (Verdict.WRONG if account is None else Verdict.LOCKED), None
        if not verify_password(account.password_hash, password):
            return self._wrong(account), None
        account.failures = 0
        return Verdict.OK, account.id

    def check_code(self, account_id: str, code: str) -> Verdict:
        account = self._account(account_id)
        if account.locked_at is not None:
            return Verdict.LOCKED
        totp = pyotp.TOTP(self.line.sealer.unseal(account.code_seed_sealed) or "")
        now = self.line.now()
        step = int(now.timestamp()) // totp.interval
        for candidate in (step - 1, step, step + 1):
            fresh = account.last_code_step is None or candidate > account.last_code_step
            if fresh and secrets.compare_digest(totp.generate_otp(candidate), code):
                account.failures, account.last_code_step = 0, candidate
                return Verdict.OK
        return self._wrong(account)

    def _actor(self, account_id: str) -> tuple[Actor, PhoneAccount]:
        account = self._account(account_id)
        types = frozenset(identity.org_types(self.session, account.org_id))
        actor = Actor(
            org_id=account.org_id, user_id=account.user_id, roles=frozenset({Role.DRIVER.value}), org_types=types
        )
        return actor, account

    def bind(self, account_id: str, ccrns: list[str], control_point: ControlPoint) -> Binding | None:
        actor, account = self._actor(account_id)
        try:
            return self.desk.bind(
                actor, vehicle=account.vehicle, ccrns=ccrns, control_point=control_point, direction=None
            )
        except DeskRefused:
            return None

    def cancel_all(self, account_id: str, ubr: str) -> bool:
        try:
            self.desk.cancel_all(self._actor(account_id)[0], ubr=ubr)
        except DeskRefused:
            return False
        return True

    def cancel_ccrn(self, account_id: str, ubr: str, ccrn: str) -> bool:
        try:
            self.desk.cancel_ccrn(self._actor(account_id)[0], ubr=ubr, ccrn=ccrn)
        except DeskRefused:
            return False
        return True

    def by_ubr(self, account_id: str, ubr: str) -> Binding | None:
        return self.desk.by_ubr(self._actor(account_id)[0], ubr=ubr)

    def by_ccrn(self, account_id: str, ccrn: str) -> Binding | None:
        return self.desk.by_ccrn(self._actor(account_id)[0], ccrn=ccrn)

    def latest(self, account_id: str) -> Binding | None:
        return self.desk.earliest_crossing(self._actor(account_id)[0])


def _record(call: PhoneCall, state: CallState, turn: Turn, now: datetime, tried: PhoneAccount | None) -> None:
    call.updated_at, call.language = now, state.language.value
    if tried is not None:
        call.account_id, call.org_id = tried.id, tried.org_id
    if turn.outcome is not None:
        call.outcomes = [*call.outcomes, turn.outcome.value]
    if turn.gather is None:
        call.ended_at, call.state = now, None
    else:
        call.state = state.to_json()
    # Only the call's id and what came of it: the caller's keys stay out of every log.
    log.info("phone call %s: step %s, outcome %s", call.call_sid, state.step.value, turn.outcome)


def answer(
    session: Session,
    line: PhoneLine,
    *,
    call_sid: str,
    channel: str,
    entry: str | None,
    greeting: bool = False,
    create: bool = True,
) -> Turn:
    """One exchange of call ``call_sid``: the caller's ``entry`` (``None``: silence) in, the next turn out.

    A new call is greeted whatever came with it; ``greeting`` on a running call (the provider
    opened it again) repeats its question and changes nothing. A call of another ``channel``, or an
    unknown one when not ``create``, is not found.
    """
    now, tried = line.now(), None
    call = session.get(PhoneCall, call_sid, with_for_update=True)
    if (call is None and not create) or (call is not None and call.channel != channel):
        raise CallNotFound("no such call", data={"call_id": call_sid})
    if call is None:
        _sweep(session, now)
        call = PhoneCall(call_sid=call_sid, channel=channel, started_at=now, language="yue", outcomes=[])
        session.add(call)
        state = CallState()
        turn = start(state) if line.desk is not None else end(state, "unavailable", outcome=Outcome.UNAVAILABLE)
    elif call.state is None:  # the call already ended: say goodbye again, change nothing
        state = CallState.from_json({"step": "ended", "language": call.language})
        return start(state)
    else:
        state = CallState.from_json(call.state)
        if greeting:
            turn = prompt(state)
        elif line.desk is None:
            turn = end(state, "unavailable", outcome=Outcome.UNAVAILABLE)
        else:
            port = _Port(session, line, line.desk(session))
            turn = advance(state, entry, port)
            tried = port.tried
    _record(call, state, turn, now, tried)
    return turn


def hang_up(session: Session, *, call_sid: str, channel: str, now: datetime) -> None:
    """The caller hung up (the provider's status callback): the call's state goes, its record stays."""
    call = session.get(PhoneCall, call_sid, with_for_update=True)
    if call is None or call.channel != channel or call.ended_at is not None:
        return
    call.state, call.ended_at, call.updated_at = None, now, now
    call.outcomes = [*call.outcomes, Outcome.HUNG_UP.value]
    log.info("phone call %s: hung up", call_sid)


def _sweep(session: Session, now: datetime) -> None:
    """Empties the state of calls abandoned without word from the provider, as each new call begins."""
    stale = (PhoneCall.ended_at.is_(None)) & (PhoneCall.updated_at < now - ABANDONED_AFTER)
    session.execute(update(PhoneCall).where(stale).values(state=null(), ended_at=now))


def list_phone_accounts(session: Session, actor: Actor) -> list[PhoneAccount]:
    """The phone accounts of the caller's company's drivers (its administrators)."""
    check_admin_of(actor, actor.org_id)
    query = select(PhoneAccount).where(PhoneAccount.org_id == actor.org_id).order_by(PhoneAccount.number)
    return list(session.scalars(query))


def list_calls(session: Session, actor: Actor, *, limit: int = 100) -> list[PhoneCall]:
    """The newest calls into the caller's company's phone accounts: their audit records (its administrators)."""
    check_admin_of(actor, actor.org_id)
    query = select(PhoneCall).where(PhoneCall.org_id == actor.org_id).order_by(PhoneCall.started_at.desc())
    return list(session.scalars(query.limit(limit)))
