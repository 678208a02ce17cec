"""Queries of the identity domain. Reads by id are scoped by the caller through ``permissions``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ScalarSelect, SQLColumnExpression, and_, case, delete, func, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from harbourlink.identity.models import (
    ApiKey,
    DriverProfile,
    ExternalIdentity,
    Organisation,
    OrganisationType,
    RateCounter,
    RegistrationDocument,
    ServiceOptIn,
    User,
)
from harbourlink.kernel.db import UtcDateTime


def org_by_id(session: Session, org_id: str) -> Organisation | None:
    return session.get(Organisation, org_id)


def org_types(session: Session, org_id: str) -> list[str]:
    return list(
        session.scalars(
            select(OrganisationType.org_type)
            .where(OrganisationType.org_id == org_id)
            .order_by(OrganisationType.org_type)
        )
    )


def types_by_org(session: Session, org_ids: list[str]) -> dict[str, list[str]]:
    rows = session.execute(
        select(OrganisationType.org_id, OrganisationType.org_type)
        .where(OrganisationType.org_id.in_(org_ids))
        .order_by(OrganisationType.org_type)
    )
    result: dict[str, list[str]] = {org_id: [] for org_id in org_ids}
    for org_id, org_type in rows:
        result[org_id].append(org_type)
    return result


def list_orgs(session: Session, *, status: str | None = None, only_id: str | None = None) -> list[Organisation]:
    query = select(Organisation).order_by(Organisation.created_at, Organisation.name)
    if status is not None:
        query = query.where(Organisation.status == status)
    if only_id is not None:
        query = query.where(Organisation.id == only_id)
    return list(session.scalars(query))


def registration_documents(session: Session, org_id: str) -> list[RegistrationDocument]:
    return list(
        session.scalars(
            select(RegistrationDocument)
            .where(RegistrationDocument.org_id == org_id)
            .order_by(RegistrationDocument.kind)
        )
    )


def driver_profile(session: Session, org_id: str) -> DriverProfile | None:
    return session.get(DriverProfile, org_id)


def service_opt_ins(session: Session, org_id: str) -> list[ServiceOptIn]:
    return list(
        session.scalars(select(ServiceOptIn).where(ServiceOptIn.org_id == org_id).order_by(ServiceOptIn.service))
    )


def pending_service_opt_ins(session: Session) -> list[ServiceOptIn]:
    return list(
        session.scalars(
            select(ServiceOptIn).where(ServiceOptIn.status == "pending").order_by(ServiceOptIn.requested_at)
        )
    )


def user_by_login(session: Session, login: str) -> User | None:
    """A user by e-mail (any case) or by Hong Kong mobile number."""
    needle = login.strip().lower()
    return session.scalars(
        select(User).where(or_(func.lower(User.email) == needle, User.mobile == login.strip()))
    ).first()


def user_by_id(session: Session, user_id: str) -> User | None:
    return session.get(User, user_id)


def count_attempt(session: Session, user_id: str, *, now: datetime, attempts: int, until: datetime) -> int | None:
    """Counts one more failure before the guess is checked; None if the account is locked.

    One statement, so parallel guesses each get their own number whatever the database: the
    guess that reaches ``attempts`` sets the lock at once, and no later one is counted (or
    checked) until it expires. An expired lock starts the count again.
    """
    counted = case((User.locked_until.is_(None), User.failed_attempts + 1), else_=1)
    statement = (
        update(User)
        .where(User.id == user_id, or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(
            failed_attempts=counted, locked_until=case((counted >= attempts, literal(until, UtcDateTime())), else_=None)
        )
        .returning(User.failed_attempts)
        .execution_options(synchronize_session="fetch")
    )
    return session.execute(statement).scalar_one_or_none()


def clear_failures(session: Session, user_id: str) -> None:
    """A right password or code: the count starts again and a lock it had set is lifted."""
    session.execute(
        update(User)
        .where(User.id == user_id)
        .values(failed_attempts=0, locked_until=None)
        .execution_options(synchronize_session="fetch")
    )


def claim_totp_step(session: Session, user_id: str, step: int) -> bool:
    """Marks a TOTP time step used; False if it (or a later one) already was, so a code works once."""
    result = session.execute(
        update(User)
        .where(User.id == user_id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session="fetch")
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def users_of(session: Session, org_id: str) -> list[User]:
    return list(session.scalars(select(User).where(User.org_id == org_id).order_by(User.created_at, User.email)))


def count_admins(session: Session, org_id: str, roles: frozenset[str]) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.org_id == org_id, User.role.in_(roles), User.status == "active")
        )
        or 0
    )


def email_taken(session: Session, email: str) -> bool:
    return session.scalar(select(func.count()).select_from(User).where(func.lower(User.email) == email.lower())) != 0


def user_by_email_or_mobile(session: Session, *, email: str | None, mobile: str | None) -> User | None:
    """The account that already has this e-mail address (any case) or mobile number, if any."""
    clauses = ([func.lower(User.email) == email.lower()] if email else []) + ([User.mobile == mobile] if mobile else [])
    return session.scalars(select(User).where(or_(*clauses)).limit(1)).first() if clauses else None


def external_identity(session: Session, issuer: str, subject: str) -> ExternalIdentity | None:
    return session.scalars(
        select(ExternalIdentity).where(ExternalIdentity.issuer == issuer, ExternalIdentity.subject == subject)
    ).first()


def api_key_by_prefix(session: Session, prefix: str) -> ApiKey | None:
    return session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).first()


@dataclass(frozen=True)
class KeyStanding:
    revoked_at: datetime | None
    expires_at: datetime | None
    last_used_at: datetime | None
    org_status: str


def api_key_standing(session: Session, key_id: str) -> KeyStanding | None:
    """What decides whether a key may still be used, with its company's status, in one read."""
    row = session.execute(
        select(ApiKey.revoked_at, ApiKey.expires_at, ApiKey.last_used_at, Organisation.status)
        .join(Organisation, Organisation.id == ApiKey.org_id)
        .where(ApiKey.id == key_id)
    ).first()
    return None if row is None else KeyStanding(*row)


def note_api_key_use(session: Session, key_id: str, *, now: datetime) -> None:
    """Notes a key's use, unless another request is noting it this moment.

    Every request of a busy system presents the same key; left to wait for each other's row
    lock, 200 of them queued behind one another at each note. One note suffices (SKIP LOCKED;
    SQLite, which locks the whole database, has no such clause and needs none).
    """
    free = select(ApiKey.id).where(ApiKey.id == key_id).with_for_update(skip_locked=True).scalar_subquery()
    session.execute(update(ApiKey).where(ApiKey.id == free).values(last_used_at=now))


def api_keys_of(session: Session, org_id: str) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).where(ApiKey.org_id == org_id).order_by(ApiKey.created_at)))


def display_name_of(org_id: SQLColumnExpression[str]) -> ScalarSelect[str]:
    """The display name of ``display_names`` as SQL, for a company id column of an enclosing query."""
    local = Organisation.name_local
    name = case(
        (and_(local.is_not(None), local != ""), Organisation.name + literal(" (") + local + literal(")")),
        else_=Organisation.name,
    )
    return select(name).where(Organisation.id == org_id).correlate_except(Organisation).scalar_subquery()


def display_names(session: Session, org_ids: list[str]) -> dict[str, str]:
    """Companies' names as shown beside their data: the registered name, with the local name if any."""
    rows = session.execute(
        select(Organisation.id, Organisation.name, Organisation.name_local).where(Organisation.id.in_(org_ids))
    )
    return {org_id: f"{name} ({local})" if local else name for org_id, name, local in rows}


def count_hit(session: Session, *, bucket: str, window_start: int) -> int:
    """Adds one hit to a caller's window in one upsert and returns the window's hits so far.

    The first hit of a window also clears every earlier window, so the table holds only live ones.
    """
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(RateCounter)
    statement = (
        insert.values(bucket=bucket, window_start=window_start, hits=1)
        .on_conflict_do_update(
            index_elements=[RateCounter.bucket, RateCounter.window_start],
            set_={"hits": RateCounter.hits + 1},
        )
        .returning(RateCounter.hits)
    )
    hits = int(session.execute(statement).scalar_one())
    if hits == 1:
        session.execute(
            delete(RateCounter)
            .where(RateCounter.window_start < window_start)
            .execution_options(synchronize_session=False)
        )
    return hits
