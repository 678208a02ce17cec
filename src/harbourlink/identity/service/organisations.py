"""Companies and drivers: apply, be verified and approved by the operator, opt in to services."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from harbourlink.identity import repository
from harbourlink.identity.audit import AuditKind, record
from harbourlink.identity.crypto import hash_password
from harbourlink.identity.domain import (
    AccountKind,
    OperationMode,
    OrgStatus,
    OrgType,
    Role,
    Service,
    application_problems,
    check_org_types,
    check_service_allowed,
    check_service_offered,
    draft_from_body,
    normalise_business_registration,
    normalise_hk_mobile,
    normalise_vehicle_registration,
    offered_services,
    refusal,
    service_needs_approval,
)
from harbourlink.identity.models import (
    DriverProfile,
    Organisation,
    OrganisationType,
    RegistrationDocument,
    ServiceOptIn,
    User,
)
from harbourlink.identity.permissions import check_admin_of, check_operator
from harbourlink.identity.schemas import OrganisationRead, RegistrationIn, RegistrationRead
from harbourlink.identity.service.users import set_password
from harbourlink.kernel import Actor, Conflict, Forbidden, NotFound, new_id, plugins, utcnow


def describe(session: Session, org: Organisation) -> OrganisationRead:
    return OrganisationRead(
        id=org.id,
        name=org.name,
        name_local=org.name_local,
        account_kind=org.account_kind,
        operation_mode=org.operation_mode,
        status=org.status,
        types=repository.org_types(session, org.id),
        created_at=org.created_at,
    )


def create_organisation(
    session: Session, actor: Actor, *, name: str, types: list[str], status: OrgStatus = OrgStatus.PENDING
) -> Organisation:
    """Creates a company on the operator's word (CLI, seeding), without an applicant."""
    check_operator(actor)
    org = Organisation(name=name.strip(), account_kind=AccountKind.COMPANY.value, status=status.value)
    session.add(org)
    session.flush()
    for org_type in check_org_types(types):
        session.add(OrganisationType(org_id=org.id, org_type=org_type.value))
    record(session, AuditKind.ORG_REGISTERED, org_id=org.id, actor=actor, name=org.name)
    return org


@dataclass(frozen=True)
class _Checked:
    """An application that passed every rule, in the forms it is stored in."""

    types: list[OrgType]
    mobile: str | None
    business_registration: str | None
    vehicle_registration: str | None


def _check_application(application: RegistrationIn) -> _Checked:
    """Every rule an application must pass, all at once, before anything is looked up or stored."""
    problems = application_problems(draft_from_body(application.model_dump(mode="json")))
    if problems:
        raise refusal(problems)
    driver, kind = application.driver, application.account_kind
    return _Checked(
        types=check_org_types([t.value for t in application.types]),
        mobile=normalise_hk_mobile(driver.mobile) if driver and kind is AccountKind.DRIVER else None,
        business_registration=normalise_business_registration(application.business_registration or "")
        if kind is AccountKind.COMPANY
        else None,
        vehicle_registration=normalise_vehicle_registration(driver.vehicle_registration)
        if driver and kind is AccountKind.DRIVER
        else None,
    )


def register_organisation(session: Session, *, application: RegistrationIn, ip: str | None) -> RegistrationRead:
    """Records an application to join; the operator verifies the documents before activation.

    An e-mail address or mobile number that already has an account gets the answer a new
    application gets, after the same work, and nothing is stored but an audit event for that
    account's company: an anonymous caller must not learn who has an account here.
    """
    checked = _check_application(application)
    email = str(application.applicant.email).lower() if application.applicant.email else None
    existing = repository.user_by_email_or_mobile(session, email=email, mobile=checked.mobile)
    if existing is not None:
        hash_password(application.applicant.password)  # what storing a new account's password costs
        record(
            session,
            AuditKind.REGISTRATION_DUPLICATE,
            org_id=existing.org_id,
            user_id=existing.id,
            ip=ip,
            name=application.name.strip(),
        )
        return RegistrationRead(
            user_id=new_id(),
            organisation=OrganisationRead(
                id=new_id(),
                name=application.name.strip(),
                name_local=(application.name_local or "").strip() or None,
                account_kind=application.account_kind.value,
                operation_mode=application.operation_mode.value if application.operation_mode else None,
                status=OrgStatus.PENDING.value,
                types=sorted(t.value for t in checked.types),
                created_at=utcnow(),
            ),
        )
    org, user = _store_application(session, application, checked, email=email, ip=ip)
    return RegistrationRead(organisation=describe(session, org), user_id=user.id)


def _store_application(
    session: Session, application: RegistrationIn, checked: _Checked, *, email: str | None, ip: str | None
) -> tuple[Organisation, User]:
    applicant = application.applicant
    org = Organisation(
        name=application.name.strip(),
        name_local=(application.name_local or "").strip() or None,
        account_kind=application.account_kind.value,
        operation_mode=application.operation_mode.value if application.operation_mode else None,
        business_registration=checked.business_registration,
        contact_email=application.contact_email or applicant.email,
        contact_phone=application.contact_phone or checked.mobile,
        status=OrgStatus.PENDING.value,
    )
    session.add(org)
    session.flush()
    for org_type in checked.types:
        session.add(OrganisationType(org_id=org.id, org_type=org_type.value))
    for document in application.documents:
        session.add(
            RegistrationDocument(
                org_id=org.id,
                kind=document.kind.value,
                number=document.number.strip(),
                issuer=document.issuer,
                expires_on=document.expires_on,
            )
        )
    if application.driver is not None and checked.mobile is not None and checked.vehicle_registration is not None:
        session.add(
            DriverProfile(
                org_id=org.id,
                mobile=checked.mobile,
                vehicle_registration=checked.vehicle_registration,
                driving_licence=application.driver.driving_licence.strip().upper(),
                closed_road_permit=(application.driver.closed_road_permit or "").strip() or None,
            )
        )
    role = Role.PRINCIPAL if application.account_kind is AccountKind.DRIVER else Role.ADMINISTRATOR
    user = User(
        org_id=org.id, email=email, mobile=checked.mobile, display_name=applicant.display_name.strip(), role=role.value
    )
    session.add(user)
    session.flush()
    set_password(session, user, applicant.password)
    for service in {Service.TRACKING.value, *(choice.value for choice in application.services)}:
        _request_service(session, org, service)
    record(session, AuditKind.ORG_REGISTERED, org_id=org.id, user_id=user.id, ip=ip, name=org.name)
    return org, user


def offered() -> list[str]:
    """The services a company can opt in to now: the core's and the installed plug-ins'."""
    return offered_services(plugins.installed())


def _request_service(session: Session, org: Organisation, service: str) -> ServiceOptIn:
    check_service_offered(service, offered())
    kind = AccountKind(org.account_kind)
    check_service_allowed(
        service, account_kind=kind, mode=OperationMode(org.operation_mode) if org.operation_mode else None
    )
    existing = session.get(ServiceOptIn, (org.id, service))
    if existing is not None:
        return existing
    plugin = plugins.find(service)
    asks = plugin is not None and plugin.needs_approval
    status = "pending" if service_needs_approval(service, account_kind=kind, plugin_asks=asks) else "active"
    now = utcnow()  # set here, not at flush: the answer shows it before the transaction is flushed
    opt_in = ServiceOptIn(
        org_id=org.id,
        service=service,
        status=status,
        requested_at=now,
        decided_at=None if status == "pending" else now,
    )
    session.add(opt_in)
    return opt_in


def request_service(session: Session, actor: Actor, *, org_id: str, service: str) -> ServiceOptIn:
    """Opts a company in to an online service; binding for drivers, and plug-ins that ask, wait for the operator."""
    check_admin_of(actor, org_id)
    org = _org_or_404(session, org_id)
    opt_in = _request_service(session, org, service)
    record(session, AuditKind.SERVICE_REQUESTED, org_id=org_id, actor=actor, service=service, status=opt_in.status)
    return opt_in


def decide_service(session: Session, actor: Actor, *, org_id: str, service: str, approve: bool) -> ServiceOptIn:
    """The operator approves or refuses a pending opt-in."""
    check_operator(actor)
    opt_in = session.get(ServiceOptIn, (org_id, service))
    if opt_in is None:
        raise NotFound("no such service request", data={"org_id": org_id, "service": service})
    opt_in.status = "active" if approve else "rejected"
    opt_in.decided_at = utcnow()
    record(session, AuditKind.SERVICE_DECIDED, org_id=org_id, actor=actor, service=service, status=opt_in.status)
    return opt_in


def own_services(session: Session, actor: Actor) -> list[ServiceOptIn]:
    """The caller's company's opt-ins: anyone acting for a company may know what it has."""
    return repository.service_opt_ins(session, actor.org_id)


def check_opted_in(session: Session, actor: Actor, *, service: str) -> None:
    """A value-added service answers only a company whose opt-in to it is active."""
    opt_in = session.get(ServiceOptIn, (actor.org_id, service))
    if opt_in is None or opt_in.status != "active":
        raise Forbidden(
            f"the company has not opted in to {service}",
            code="service_not_opted_in",
            data={"service": service, "status": opt_in.status if opt_in else None},
        )


def _org_or_404(session: Session, org_id: str) -> Organisation:
    org = repository.org_by_id(session, org_id)
    if org is None:
        raise NotFound("no such company", data={"org_id": org_id})
    return org


def decide_organisation(
    session: Session, actor: Actor, *, org_id: str, approve: bool, reason: str | None = None
) -> Organisation:
    """The operator admits a verified applicant, or refuses it with a reason."""
    check_operator(actor)
    org = _org_or_404(session, org_id)
    if org.status not in (OrgStatus.PENDING.value, OrgStatus.SUSPENDED.value) and not (
        approve and org.status == OrgStatus.ACTIVE.value
    ):
        raise Conflict(f"company is {org.status}", code="org_not_pending", data={"status": org.status})
    org.status = (OrgStatus.ACTIVE if approve else OrgStatus.REJECTED).value
    org.status_reason = reason
    org.decided_at = utcnow()
    org.decided_by = actor.user_id
    kind = AuditKind.ORG_APPROVED if approve else AuditKind.ORG_REJECTED
    record(session, kind, org_id=org.id, actor=actor, reason=reason)
    return org


def get_organisation(session: Session, actor: Actor, *, org_id: str) -> Organisation:
    """One company: the operator sees any, others only their own."""
    if not actor.is_operator and actor.org_id != org_id:
        raise NotFound("no such company", data={"org_id": org_id})
    return _org_or_404(session, org_id)


def list_organisations(session: Session, actor: Actor, *, status: OrgStatus | None = None) -> list[Organisation]:
    """Every company for the operator; one's own for everyone else."""
    return repository.list_orgs(
        session, status=status.value if status else None, only_id=None if actor.is_operator else actor.org_id
    )


def is_org_type(session: Session, org_id: str, org_type: OrgType) -> bool:
    return org_type.value in repository.org_types(session, org_id)


def list_services(session: Session, actor: Actor, *, org_id: str) -> list[ServiceOptIn]:
    """The services a company opted in to, with their approval state."""
    check_admin_of(actor, org_id)
    return repository.service_opt_ins(session, org_id)


def has_service(session: Session, *, org_id: str, service: Service) -> bool:
    """Whether a company's opt-in to a service is active (approved, where it needs approval)."""
    opt_in = session.get(ServiceOptIn, (org_id, service.value))
    return opt_in is not None and opt_in.status == "active"


def list_pending_services(session: Session, actor: Actor) -> list[ServiceOptIn]:
    """Opt-ins waiting for the operator."""
    check_operator(actor)
    return repository.pending_service_opt_ins(session)


def list_registration_documents(session: Session, actor: Actor, *, org_id: str) -> list[RegistrationDocument]:
    """The details of the documents a company gave when it applied, for the operator to verify."""
    check_admin_of(actor, org_id)
    return repository.registration_documents(session, org_id)


def get_driver_profile(session: Session, actor: Actor, *, org_id: str) -> DriverProfile | None:
    """The vehicle, licence and mobile of an individual driver's account."""
    check_admin_of(actor, org_id)
    return repository.driver_profile(session, org_id)
