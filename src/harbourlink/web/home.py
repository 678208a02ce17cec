"""The home page: each kind of company's own jobs first, and My cargo, the numbers it holds or was shared.

A cargo owner comes for its cargo and its alerts; a forwarder to link House B/Ls and send its
data; a carrier or a terminal to send data and see what came of it; a bank to check a record it
was handed; the operator to decide applications. A company of several kinds gets each kind's
jobs in turn. My cargo is the same list as ``GET /api/v1/cargo``: a page of numbers, newest
news first, a search by the start of a number, and "did you mean" when nothing matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import Response

from harbourlink import identity, tracking
from harbourlink.identity import OrgType
from harbourlink.kernel import ValidationFailed
from harbourlink.web.labels import N_
from harbourlink.web.pages import MemberDep, Viewer
from harbourlink.web.track_words import Words

router = APIRouter(include_in_schema=False)

CARGO_ROWS = 20


@dataclass(frozen=True)
class Job:
    href: str
    title: str
    text: str
    who: Literal["member", "admin", "operator"] = "member"

    def open_to(self, viewer: Viewer) -> bool:
        return self.who == "member" or (self.who == "admin" and viewer.is_admin) or viewer.is_operator


JOBS = {
    "track": Job(
        "/track",
        N_("Track cargo"),
        N_(
            "Enter a bill of lading, container, booking or declaration number: "
            "vessel, arrival, release, temperature and customs in one place."
        ),
    ),
    "alerts": Job(
        "/alerts",
        N_("Alerts"),
        N_(
            "Delays, reefer temperatures, boxes not picked up and customs holds of "
            "your cargo, and how you want to be told."
        ),
    ),
    "links": Job(
        "/links",
        N_("Link House B/Ls"),
        N_("Link each House B/L to its Master B/L, one by one or from a CSV file, so its holders can track it."),
    ),
    "legs": Job(
        "/legs",
        N_("Legs and pickups"),
        N_(
            "Nominate your forwarder, trucking company or warehouse for cargo you hold; answer nominations; "
            "assign trucks and drivers to pickup jobs."
        ),
    ),
    "upload": Job(
        "/messages",
        N_("Send cargo data"),
        N_("Upload files from your own systems, see what was read, and correct and resend what was not."),
    ),
    "ledger": Job(
        "/ledger",
        N_("Check our records yourself"),
        N_("Verify a proof file a customer hands you, offline, with a checker that trusts no one."),
    ),
    "operator": Job(
        "/operator", N_("Operator console"), N_("Approve applications and service requests."), who="operator"
    ),
    "share": Job(
        "/admin/grants",
        N_("Share cargo data"),
        N_("Decide which companies see your data about each bill of lading, container or booking."),
        who="admin",
    ),
    "access_log": Job(
        "/admin/access-log",
        N_("See who viewed your data"),
        N_("Every view of your data by another company is recorded."),
        who="admin",
    ),
    "users": Job(
        "/admin/users", N_("Manage users"), N_("Add colleagues, set their roles, unlock accounts."), who="admin"
    ),
    "keys": Job(
        "/admin/keys",
        N_("Connect your systems"),
        N_("Issue API keys so your own systems can send and read data."),
        who="admin",
    ),
    "password": Job("/account/password", N_("Change password"), N_("Keep your account safe with a strong password.")),
}

LEAD: dict[str, tuple[str, ...]] = {
    OrgType.CARGO_OWNER: ("alerts", "track"),
    OrgType.FORWARDER: ("links", "legs", "upload", "track"),
    OrgType.SHIPPING_LINE: ("upload", "share"),
    OrgType.TERMINAL_OPERATOR: ("upload", "share"),
    OrgType.BARGE_OPERATOR: ("upload", "track"),
    OrgType.TRUCKING: ("legs", "track", "alerts"),
    OrgType.WAREHOUSE: ("legs", "track", "alerts"),
    OrgType.AIRLINE: ("upload", "share"),
    OrgType.CUSTOMS_HK: ("track", "upload"),
    OrgType.CUSTOMS_MAINLAND: ("track", "upload"),
    OrgType.BANK: ("ledger", "track"),
    OrgType.OPERATOR: ("operator",),
}
"""What each kind of company comes for, in the order it comes for it."""
CARGO_FIRST = frozenset({OrgType.CARGO_OWNER, OrgType.TRUCKING, OrgType.WAREHOUSE})
"""Kinds whose job is their cargo: the list comes before everything else."""
WITHOUT_CARGO = frozenset({OrgType.OPERATOR})


def jobs_for(types: list[str], viewer: Viewer) -> tuple[list[Job], list[Job]]:
    """The jobs the company's kinds lead to (each once, in the kinds' order), then every other job it may do."""
    lead = list(dict.fromkeys(key for kind in types for key in LEAD.get(kind, ("track",))))
    rest = [key for key in JOBS if key not in lead]
    return (
        [JOBS[key] for key in lead if JOBS[key].open_to(viewer)],
        [JOBS[key] for key in rest if JOBS[key].open_to(viewer)],
    )


@router.get("/")
def home(page: MemberDep, q: str = "", after: str = "") -> Response:
    """The company's jobs and its cargo; anyone not logged in is sent to the login page."""
    org, viewer = page.viewer.org, page.viewer
    types = identity.org_types(page.session, org.id)
    lead, more = jobs_for(types, viewer)
    query = tracking.canonical_number(q)[:60]
    cargo, error = None, None
    if not set(types) <= WITHOUT_CARGO:
        try:
            cargo = tracking.list_cargo(page.session, viewer.actor, query=query, cursor=after or None, limit=CARGO_ROWS)
        except ValidationFailed as bad_cursor:  # an old or edited link: start from the newest again
            error = page.error_text(bad_cursor)
            cargo = tracking.list_cargo(page.session, viewer.actor, query=query, limit=CARGO_ROWS)
    services = identity.list_services(page.session, viewer.actor, org_id=org.id) if viewer.is_admin else []

    def shown(jobs: list[Job]) -> list[Job]:
        return [Job(job.href, page.t(job.title), page.t(job.text), job.who) for job in jobs]

    return page.render(
        "home.html",
        org=org,
        types=types,
        services=services,
        lead=shown(lead),
        more=shown(more),
        cargo=cargo,
        cargo_first=bool(CARGO_FIRST & set(types)) or bool(query or after),
        query=query,
        paged=bool(after),
        words=Words(page.catalogue),
        error=error,
    )
