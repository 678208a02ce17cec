"""Company administration, data and trust: sharing grants, who viewed our data, security
events and the online services the company opted in to."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from harbourlink import access, identity, metering
from harbourlink.kernel import HarbourLinkError, NotFound, ValidationFailed, plugins, utcnow
from harbourlink.references import ReferenceType
from harbourlink.web.forms import CSRF_CHECKED, CheckedForm, attempt, choice, text
from harbourlink.web.pages import AdminDep, MemberPage

router = APIRouter(include_in_schema=False)

ANYONE_WITH_REFERENCE = "*"


def _org_names(session: Session) -> dict[str, str]:
    """Every company's name by id, to say who received or viewed data (ids mean nothing to people)."""
    return {org.id: org.name for org in identity.list_organisations(session, identity.SYSTEM_ACTOR)}


def _grants_page(
    page: MemberPage, *, error: HarbourLinkError | None = None, values: dict[str, str] | None = None
) -> Response:
    actor = page.viewer.actor
    given = access.list_grants(page.session, actor, direction="given", include_ended=True)
    directory = [
        org
        for org in identity.list_organisations(page.session, identity.SYSTEM_ACTOR, status=identity.OrgStatus.ACTIVE)
        if org.id != actor.org_id
    ]
    has_rule = any(grant.rule == access.NAMED_PARTIES_RULE and grant.revoked_at is None for grant in given)
    context: dict[str, Any] = {
        "policy": access.get_sharing_policy(page.session, actor),
        "given": given,
        "received": access.list_grants(page.session, actor, direction="received"),
        "names": _org_names(page.session),
        "directory": directory,
        "reference_types": list(ReferenceType),
        "anyone": ANYONE_WITH_REFERENCE,
        "has_rule": has_rule,
        "values": values or {},
        "here": "/admin/grants",
    }
    if error is not None:
        return page.render_error("admin/grants.html", error, **context)
    return page.render("admin/grants.html", **context)


@router.get("/admin/grants")
def grants(page: AdminDep) -> Response:
    """What the company shares and is shared, with the forms to share more."""
    return _grants_page(page)


def _share(page: MemberPage, values: dict[str, str]) -> None:
    grantee = values["grantee"]
    if not grantee:
        raise ValidationFailed("no grantee chosen", code="unknown_grantee", data={"field": "grantee"})
    anyone = grantee == ANYONE_WITH_REFERENCE
    access.do_grant(
        page.session,
        page.viewer.actor,
        reference_type=choice(ReferenceType, values["reference_type"]),
        reference=values["reference"],
        grantee_org_id=None if anyone else grantee,
        anyone_with_reference=anyone,
        rule=None,
        expires_at=None,
    )


@router.post("/admin/grants")
def create_grant(form: CheckedForm, page: AdminDep) -> Response:
    """Shares one reference with one company, or with anyone who knows it."""
    values = {name: text(form, name) for name in ("reference_type", "reference", "grantee")}
    error = attempt(page, lambda: _share(page, values))
    if error:
        return _grants_page(page, error=error, values=values)
    return page.redirect("/admin/grants?done=grant_created")


@router.post("/admin/grants/rule", dependencies=[CSRF_CHECKED])
def create_rule(page: AdminDep) -> Response:
    """Turns on the standing rule: companies named as parties see the data."""
    error = attempt(
        page,
        lambda: access.do_grant(
            page.session,
            page.viewer.actor,
            reference_type=None,
            reference=None,
            grantee_org_id=None,
            anyone_with_reference=False,
            rule=access.NAMED_PARTIES_RULE,
            expires_at=None,
        ),
    )
    return _grants_page(page, error=error) if error else page.redirect("/admin/grants?done=grant_created")


@router.post("/admin/grants/vessel-calls")
def vessel_calls(form: CheckedForm, page: AdminDep) -> Response:
    """Shows the times and position of the company's vessel calls to companies with cargo on them, or withholds them."""
    share = text(form, "share_vessel_calls") == "yes"
    error = attempt(page, lambda: access.set_sharing_policy(page.session, page.viewer.actor, share_vessel_calls=share))
    return _grants_page(page, error=error) if error else page.redirect("/admin/grants?done=policy_saved#vessel-calls")


@router.post("/admin/grants/{grant_id}/revoke", dependencies=[CSRF_CHECKED])
def revoke_grant(grant_id: str, page: AdminDep) -> Response:
    """Ends a grant at once."""
    error = attempt(page, lambda: access.revoke_grant(page.session, page.viewer.actor, grant_id=grant_id))
    return _grants_page(page, error=error) if error else page.redirect("/admin/grants?done=grant_revoked")


@router.get("/admin/access-log")
def access_log(page: AdminDep) -> Response:
    """Who at other companies viewed the company's data."""
    entries = access.list_access_log(page.session, page.viewer.actor, limit=200)
    return page.render("admin/access_log.html", entries=entries, names=_org_names(page.session))


@router.get("/admin/security")
def security_events(page: AdminDep) -> Response:
    """The company's security log: logins, lockouts, keys, roles."""
    actor = page.viewer.actor
    identity.check_admin_of(actor, actor.org_id)
    events = identity.list_audit_events(page.session, org_id=actor.org_id, limit=200)
    people = {
        user.id: user.email or user.mobile or user.display_name
        for user in identity.list_users(page.session, actor, org_id=actor.org_id)
    }
    return page.render("admin/security.html", events=events, people=people)


def _services_page(page: MemberPage, *, error: HarbourLinkError | None = None) -> Response:
    actor = page.viewer.actor
    opted = {opt_in.service: opt_in for opt_in in identity.list_services(page.session, actor, org_id=actor.org_id)}
    offered = identity.offered()
    # An opt-in to a service not offered now (not built yet, or a plug-in removed) stays listed with its status.
    context: dict[str, Any] = {
        "services": offered + sorted(opted.keys() - set(offered)),
        "offered": offered,
        "opted": opted,
        "plugins": plugins.installed(),
        "currency": metering.CURRENCY,
        "this_month": str(metering.Month.of(utcnow())),
        "here": "/admin/services",
    }
    if error is not None:
        return page.render_error("admin/services.html", error, **context)
    return page.render("admin/services.html", **context)


@router.get("/admin/services")
def services(page: AdminDep) -> Response:
    """The online services and the company's opt-ins."""
    return _services_page(page)


@router.post("/admin/services/{service}", dependencies=[CSRF_CHECKED])
def request_service(service: str, page: AdminDep) -> Response:
    """Opts the company in to a service the platform offers."""
    actor = page.viewer.actor
    error = attempt(page, lambda: identity.request_service(page.session, actor, org_id=actor.org_id, service=service))
    return _services_page(page, error=error) if error else page.redirect("/admin/services?done=service_requested")


@router.get("/admin/services/{service}/statement")
def statement(service: str, page: AdminDep, month: Annotated[str | None, Query()] = None) -> Response:
    """The month's statement of a charged service, as the CSV file the API gives."""
    try:
        found = metering.statement(page.session, page.viewer.actor, service=service, month=month or None)
    except NotFound as missing:
        raise page.abort(404, "not_found") from missing
    except ValidationFailed as wrong:
        raise page.abort(400, wrong.code) from wrong
    return Response(
        metering.statement_csv(found),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{service}-{found.month}.csv"'},
    )
