"""Migration from an older road-cargo system (R-ROAD-11): its accounts become people of the importing company,
its templates the private templates of the people who saved them, its consignments lodged consignments with
CCRNs that keep their old reference.

Each record's key in the old system is remembered per company (``RoadImported``), so a second import of
the same export finds everything already present and changes nothing. No password crosses over: an
imported person gets a temporary one (to change at first login), as a person an administrator adds does.
The lodging window is not applied: the old system took these consignments when they were lodged there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from harbourlink import identity
from harbourlink.identity import Role, Service
from harbourlink.kernel import Actor, HarbourLinkError, utcnow
from harbourlink.road.models import RoadImported
from harbourlink.road.oldsystem import (
    ACCOUNTS,
    CONSIGNMENTS,
    FILES,
    TEMPLATES,
    OldAccount,
    OldConsignment,
    OldTemplate,
    RowError,
    read_export,
)
from harbourlink.road.service import check_service, do_save_template, lodge


class Kind(StrEnum):
    ACCOUNT = "account"
    TEMPLATE = "template"
    CONSIGNMENT = "consignment"


@dataclass
class Tally:
    """One file's rows: every row read is created, already present or rejected."""

    read: int = 0
    created: int = 0
    present: int = 0
    rejected: int = 0


@dataclass
class Reconciliation:
    """What an import did, file by file, with each rejected row's errors and the new people's temporary
    passwords (shown this once, for the administrator to hand over)."""

    tallies: dict[str, Tally] = field(default_factory=lambda: {file: Tally() for file in FILES})
    errors: list[RowError] = field(default_factory=list)
    temporary_passwords: dict[str, str] = field(default_factory=dict)


class _Import:
    """One import into company ``org_id``: the keys it already holds and the people its accounts became."""

    def __init__(self, session: Session, actor: Actor, org_id: str) -> None:
        self.session, self.actor, self.org_id = session, actor, org_id
        query = select(RoadImported).where(RoadImported.org_id == org_id)
        self.known = {(row.kind, row.old_key): row.target for row in session.scalars(query)}
        self.people = {user.id: user for user in identity.list_users(session, actor, org_id=org_id)}
        self.report = Reconciliation()

    def _remember(self, kind: Kind, key: str, target: str) -> None:
        self.session.add(RoadImported(org_id=self.org_id, kind=kind.value, old_key=key, target=target))
        self.known[(kind.value, key)] = target

    def reject(self, file: str, *errors: RowError) -> None:
        """Counts one rejected row of ``file``, with what is wrong with it."""
        self.report.errors.extend(errors)
        self.report.tallies[file].rejected += 1

    def _owner(self, file: str, line: int, account: str) -> Actor | None:
        """The person an old account became, to act as; None (the row rejected) if it became nobody."""
        user = self.people.get(self.known.get((Kind.ACCOUNT.value, account), ""))
        if user is None:
            self.reject(file, RowError(file, line, "account_id", "unknown_account", "its account was not imported"))
            return None
        return Actor(org_id=self.org_id, user_id=user.id, roles=frozenset({user.role}))

    def account(self, old: OldAccount) -> None:
        tally = self.report.tallies[ACCOUNTS]
        if (Kind.ACCOUNT.value, old.key) in self.known:
            tally.present += 1
            return
        same = next((user for user in self.people.values() if user.email == old.email), None)
        if same is not None:  # the person is here already (added by hand before the move): linked, not doubled
            self._remember(Kind.ACCOUNT, old.key, same.id)
            tally.present += 1
            return
        try:
            user, temporary = identity.create_user(
                self.session,
                self.actor,
                org_id=self.org_id,
                email=old.email,
                display_name=old.name,
                role=Role(old.role),
            )
        except HarbourLinkError as exc:  # the address is another company's person's, or the role not allowed here
            where = "email" if exc.code == "email_taken" else "role"
            self.reject(ACCOUNTS, RowError(ACCOUNTS, old.line, where, exc.code, exc.message))
            return
        self.people[user.id] = user
        self.report.temporary_passwords[old.email] = temporary or ""
        self._remember(Kind.ACCOUNT, old.key, user.id)
        tally.created += 1

    def template(self, old: OldTemplate) -> None:
        if (Kind.TEMPLATE.value, old.key) in self.known:
            self.report.tallies[TEMPLATES].present += 1
            return
        owner = self._owner(TEMPLATES, old.line, old.account)
        if owner is not None:
            saved = do_save_template(self.session, owner, name=old.name, data=old.data)
            self._remember(Kind.TEMPLATE, old.key, saved.id)
            self.report.tallies[TEMPLATES].created += 1

    def consignment(self, old: OldConsignment) -> None:
        if (Kind.CONSIGNMENT.value, old.key) in self.known:
            self.report.tallies[CONSIGNMENTS].present += 1
            return
        owner = self._owner(CONSIGNMENTS, old.line, old.account)
        if owner is not None:
            row = lodge(self.session, owner, old.data, now=utcnow())
            self._remember(Kind.CONSIGNMENT, old.key, row.ccrn)
            self.report.tallies[CONSIGNMENTS].created += 1


def do_import(session: Session, actor: Actor, *, org_id: str, files: dict[str, str]) -> Reconciliation:
    """Imports an older system's export (its CSV files by name) into company ``org_id`` (its administrators).

    The company's administration, not its cargo desk, moves its records over: a key needs ``org:manage``
    (``identity.check_admin_of``), which also lets it lodge the company's old consignments here."""
    identity.check_admin_of(actor, org_id)
    check_service(session, Actor(org_id=org_id), Service.ADVANCE_CARGO_INFO)
    export = read_export(files)
    run = _Import(session, actor, org_id)
    for file, read in export.read.items():
        run.report.tallies[file].read = read
    run.report.errors.extend(export.unread)
    by_row: dict[tuple[str, int], list[RowError]] = {}
    for error in export.errors:
        by_row.setdefault((error.file, error.line), []).append(error)
    for (file, _), errors in by_row.items():
        run.reject(file, *errors)
    for account in export.accounts:
        run.account(account)
    for template in export.templates:
        run.template(template)
    for consignment in export.consignments:
        run.consignment(consignment)
    session.flush()
    return run.report
