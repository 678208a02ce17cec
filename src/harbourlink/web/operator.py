"""The operator's console: verify applications against their documents' details, decide them,
decide service opt-ins that need approval, and see every company on the platform."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from harbourlink import identity
from harbourlink.identity import OrgStatus
from harbourlink.kernel import HarbourLinkError, ValidationFailed
from harbourlink.web.forms import CSRF_CHECKED, CheckedForm, attempt, text
from harbourlink.web.pages import MemberPage, OperatorDep

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Application:
    """One pending application with everything the operator checks before deciding."""

    org: identity.Organisation
    types: list[str]
    documents: list[identity.RegistrationDocument]
    driver: identity.DriverProfile | None
    applicants: list[identity.User]


def _applications(page: MemberPage) -> list[Application]:
    actor = page.viewer.actor
    pending = identity.list_organisations(page.session, actor, status=OrgStatus.PENDING)
    types = identity.types_by_org(page.session, [org.id for org in pending])
    return [
        Application(
            org=org,
            types=types[org.id],
            documents=identity.list_registration_documents(page.session, actor, org_id=org.id),
            driver=identity.get_driver_profile(page.session, actor, org_id=org.id),
            applicants=identity.list_users(page.session, actor, org_id=org.id),
        )
        for org in pending
    ]


def _console(page: MemberPage, *, error: HarbourLinkError | None = None) -> Response:
    actor = page.viewer.actor
    companies = identity.list_organisations(page.session, actor)
    context: dict[str, Any] = {
        "applications": _applications(page),
        "pending_services": identity.list_pending_services(page.session, actor),
        "companies": companies,
        "types": identity.types_by_org(page.session, [org.id for org in companies]),
        "names": {org.id: org.name for org in companies},
        "here": "/operator",
    }
    if error is not None:
        return page.render_error("operator.html", error, **context)
    return page.render("operator.html", **context)


@router.get("/operator")
def console(page: OperatorDep) -> Response:
    """Pending applications and service requests, and every company."""
    return _console(page)


@router.post("/operator/orgs/{org_id}/approve", dependencies=[CSRF_CHECKED])
def approve(org_id: str, page: OperatorDep) -> Response:
    """Admits an applicant; its people can log in from now on."""
    error = attempt(
        page, lambda: identity.decide_organisation(page.session, page.viewer.actor, org_id=org_id, approve=True)
    )
    return _console(page, error=error) if error else page.redirect("/operator?done=org_approved")


def _reject(page: MemberPage, org_id: str, reason: str) -> None:
    if not reason:
        raise ValidationFailed("a rejection needs a reason", code="missing_reason", data={"field": "reason"})
    identity.decide_organisation(page.session, page.viewer.actor, org_id=org_id, approve=False, reason=reason)


@router.post("/operator/orgs/{org_id}/reject")
def reject(org_id: str, form: CheckedForm, page: OperatorDep) -> Response:
    """Refuses an applicant, with the reason it is told."""
    error = attempt(page, lambda: _reject(page, org_id, text(form, "reason")))
    return _console(page, error=error) if error else page.redirect("/operator?done=org_rejected")


@router.post("/operator/services/{org_id}/{service}")
def decide_service(org_id: str, service: str, form: CheckedForm, page: OperatorDep) -> Response:
    """Approves or refuses a pending service opt-in."""
    approve = text(form, "decision") == "approve"
    error = attempt(
        page,
        lambda: identity.decide_service(
            page.session, page.viewer.actor, org_id=org_id, service=service, approve=approve
        ),
    )
    return _console(page, error=error) if error else page.redirect("/operator?done=service_decided")
