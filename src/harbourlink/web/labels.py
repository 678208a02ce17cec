"""Words for codes: enumerated values and error codes, as English msgids for the catalogues.

``N_`` only marks a string for ``pybabel extract``; the page translates it later, when its
language is known (``Catalogue.label`` and ``Catalogue.gettext``).
"""

from __future__ import annotations

from harbourlink.access import NAMED_PARTIES_RULE
from harbourlink.identity import (
    AccountKind,
    AuditKind,
    DocumentKind,
    KeyScope,
    OperationMode,
    OrgStatus,
    OrgType,
    Role,
    Service,
)
from harbourlink.inbound import VIEWED_MESSAGE
from harbourlink.kernel import phrases
from harbourlink.legs import LegMode, LegStatus
from harbourlink.references import ReferenceType

N_ = phrases.N_
"""The extraction marker, which the page modules take from here."""

LABELS: dict[str, dict[str, str]] = {
    "org_type": {
        OrgType.CARGO_OWNER: N_("Cargo owner"),
        OrgType.FORWARDER: N_("Freight forwarder"),
        OrgType.SHIPPING_LINE: N_("Shipping line"),
        OrgType.TERMINAL_OPERATOR: N_("Terminal operator"),
        OrgType.BARGE_OPERATOR: N_("Barge operator"),
        OrgType.TRUCKING: N_("Trucking company"),
        OrgType.WAREHOUSE: N_("Warehouse"),
        OrgType.AIRLINE: N_("Airline"),
        OrgType.CUSTOMS_HK: N_("Hong Kong Customs"),
        OrgType.CUSTOMS_MAINLAND: N_("Mainland Customs"),
        OrgType.BANK: N_("Bank"),
        OrgType.OPERATOR: N_("Platform operator"),
    },
    "account_kind": {
        AccountKind.COMPANY: N_("Company or organisation"),
        AccountKind.DRIVER: N_("Individual truck driver"),
    },
    "operation_mode": {
        OperationMode.SHIPPER: N_("Shipper"),
        OperationMode.AGENT: N_("Agent"),
        OperationMode.TRADER: N_("Trader"),
        OperationMode.TRADER_AND_AGENT: N_("Trader and agent"),
    },
    "org_status": {
        OrgStatus.PENDING: N_("Pending approval"),
        OrgStatus.ACTIVE: N_("Active"),
        OrgStatus.REJECTED: N_("Rejected"),
        OrgStatus.SUSPENDED: N_("Suspended"),
    },
    "role": {
        Role.PRINCIPAL: N_("Company principal"),
        Role.ADMINISTRATOR: N_("Administrator"),
        Role.MESSAGE_SIGNER: N_("Message signer"),
        Role.USER: N_("User"),
        Role.DRIVER: N_("Truck driver"),
    },
    "user_status": {"active": N_("Active"), "disabled": N_("Disabled")},
    "service": {
        Service.TRACKING: N_("Cargo tracking"),
        Service.ADVANCE_CARGO_INFO: N_("Advance cargo information"),
        Service.ROAD_BINDING: N_("Cross-boundary road cargo binding"),
        Service.DECLARATIONS: N_("Trade declarations"),
    },
    "service_status": {"pending": N_("Waiting for approval"), "active": N_("In use"), "rejected": N_("Refused")},
    "document": {
        DocumentKind.IDENTITY_PROOF: N_("Proof of identity"),
        DocumentKind.BUSINESS_REGISTRATION: N_("Business registration certificate"),
        DocumentKind.AUTHORISATION_LETTER: N_("Authorisation letter"),
        DocumentKind.VEHICLE_REGISTRATION: N_("Vehicle registration document"),
        DocumentKind.DRIVING_LICENCE: N_("Driving licence"),
        DocumentKind.CLOSED_ROAD_PERMIT: N_("Closed road permit"),
    },
    "scope": {
        KeyScope.CARGO_READ: N_("Read cargo data"),
        KeyScope.CARGO_WRITE: N_("Send cargo data"),
        KeyScope.ACCESS_MANAGE: N_("Manage data sharing"),
        KeyScope.ORG_MANAGE: N_("Manage the company"),
    },
    "reference_type": {
        ReferenceType.MBL: N_("Master bill of lading"),
        ReferenceType.HBL: N_("House bill of lading"),
        ReferenceType.CONTAINER: N_("Container number"),
        ReferenceType.BOOKING: N_("Booking number"),
        ReferenceType.AWB: N_("Air waybill"),
        ReferenceType.HAWB: N_("House air waybill"),
        ReferenceType.DECLARATION: N_("Declaration number"),
        VIEWED_MESSAGE: N_("Message sent to HarbourLink"),
    },
    "rule": {NAMED_PARTIES_RULE: N_("Companies we name as parties")},
    "leg_mode": {
        LegMode.FORWARDING: N_("Forwarding and customs"),
        LegMode.SEA: N_("Sea"),
        LegMode.BARGE: N_("Barge"),
        LegMode.TRUCK: N_("Truck"),
        LegMode.AIR: N_("Air"),
        LegMode.WAREHOUSE: N_("Warehouse receipt"),
    },
    "leg_status": {
        LegStatus.NOMINATED: N_("Waiting for an answer"),
        LegStatus.ACCEPTED: N_("Accepted"),
        LegStatus.DECLINED: N_("Declined"),
        LegStatus.WITHDRAWN: N_("Withdrawn"),
    },
    "message_format": {
        "csv": N_("HarbourLink CSV template (one event per row)"),
        "edifact": N_("UN/EDIFACT CODECO, COARRI and IFTSTA"),
        "dcsa-tnt-2.2": N_("DCSA Track & Trace 2.2 events (JSON)"),
        "dcsa-tnt-3": N_("DCSA Track & Trace 3.0 events, with reefer events (JSON)"),
        "ais-nmea": N_("AIS position reports (NMEA sentences)"),
        "terminal-json": N_("Terminal feed: release status and reefer readings (JSON)"),
        "customs-status-json": N_("Customs clearance status reports (JSON)"),
        "cargo-imp": N_("IATA Cargo-IMP status messages (FSU)"),
        "cargo-xml": N_("IATA Cargo-XML status messages (XFSU)"),
        "one-record": N_("IATA ONE Record logistics events (JSON-LD)"),
    },
    "message_status": {
        "received": N_("Waiting to be read"),
        "queued": N_("Waiting to be read"),
        "processing": N_("Being read"),
        "accepted": N_("Accepted"),
        "partial": N_("Partly accepted"),
        "rejected": N_("Rejected"),
        "failed": N_("Failed"),
    },
    # How a message arrived: the API, a page, a replay, the command line, the demo's port
    # simulator, or the AIS listener (``harbourlink ais listen``) from a radio feed.
    "message_channel": {
        "api": N_("API"),
        "upload": N_("Web upload"),
        "replay": N_("Replay"),
        "cli": N_("Command line"),
        "simulator": N_("Port simulator (demo)"),
        "ais-udp": N_("AIS receiver (UDP)"),
        "ais-tcp": N_("AIS feed (TCP)"),
    },
    # Where another company viewed an owner's data (the access log's channels).
    "access_channel": {
        "track": N_("Tracking page or search"),
        "web": N_("Message page"),
        "web-raw": N_("Message file download"),
        "api": N_("API"),
        "api-raw": N_("Message file through the API"),
        "export": N_("Event download"),
        "dcsa-api": N_("DCSA events API"),
        "dcsa-callback": N_("DCSA event subscription"),
        "cargo": N_("My cargo list"),
    },
    "control_point": {
        "STK": N_("Sha Tau Kok"),
        "MKT": N_("Man Kam To"),
        "LMC": N_("Lok Ma Chau"),
        "SZB": N_("Shenzhen Bay"),
        "HZM": N_("HZMB Hong Kong Port (to/from the mainland)"),
        "HZO": N_("HZMB Hong Kong Port (to/from Macao)"),
        "HYW": N_("Heung Yuen Wai"),
    },
    "road_direction": {"import": N_("Import"), "export": N_("Export")},
    "road_channel": {"web": N_("On the web"), "api": N_("By a company's system"), "phone": N_("By phone")},
    "road_status": {"lodged": N_("Lodged"), "bound": N_("Bound"), "cancelled": N_("Cancelled")},
    "road_decision": {"go": N_("GO"), "inspect": N_("INSPECT")},
    "road_reason": {
        "open_query": N_("a customs query is unanswered"),
        "random_sample": N_("random sample"),
        "no_rule": N_("no rule applies"),
    },
    "audit": {
        AuditKind.LOGIN: N_("Logged in"),
        AuditKind.LOGIN_FAILED: N_("Failed login"),
        AuditKind.LOCKED_OUT: N_("Account locked"),
        AuditKind.UNLOCKED: N_("Account unlocked"),
        AuditKind.LOGOUT: N_("Logged out"),
        AuditKind.TOTP_ENROLLED: N_("Two-factor authentication set up"),
        AuditKind.TOTP_FAILED: N_("Wrong two-factor code"),
        AuditKind.PASSWORD_CHANGED: N_("Password changed"),
        AuditKind.OIDC_LINKED: N_("External login linked"),
        AuditKind.ORG_REGISTERED: N_("Application submitted"),
        AuditKind.REGISTRATION_DUPLICATE: N_("Someone applied to join with this account's e-mail or mobile"),
        AuditKind.ORG_APPROVED: N_("Company approved"),
        AuditKind.ORG_REJECTED: N_("Company rejected"),
        AuditKind.USER_CREATED: N_("User created"),
        AuditKind.ROLE_CHANGED: N_("Role changed"),
        AuditKind.USER_DISABLED: N_("User disabled"),
        AuditKind.API_KEY_CREATED: N_("API key created"),
        AuditKind.API_KEY_REVOKED: N_("API key revoked"),
        AuditKind.SERVICE_REQUESTED: N_("Service requested"),
        AuditKind.SERVICE_DECIDED: N_("Service request decided"),
    },
    "elock_state": {
        "approved": N_("Approved, sealed at the origin"),
        "hk_transit": N_("Locked, on its way to the Hong Kong exit"),
        "at_hk_exit": N_("Unlocked at the Hong Kong exit"),
        "mainland_transit": N_("Locked again, under mainland customs"),
        "arrived": N_("Arrived, unlocked"),
    },
    "elock_lock": {"locked": N_("Locked"), "unlocked": N_("Unlocked")},
    "elock_segment": {"hk": N_("Hong Kong segment"), "mainland": N_("Mainland segment")},
    "elock_trigger": {
        "left_origin": N_("left the origin"),
        "arrived_hk_exit": N_("arrived at the Hong Kong exit"),
        "entered_mainland": N_("entered the mainland control point"),
        "arrived_destination": N_("arrived at the destination"),
        "lock_event": N_("the lock reported it locked"),
        "unlock_event": N_("the lock was unlocked remotely"),
    },
    "elock_alert": {
        "tamper": N_("E-lock tampered with"),
        "deviation": N_("Truck left its approved route"),
        "stop": N_("Sealed truck stopped unplanned"),
        "signal_lost": N_("E-lock signal lost"),
        "low_battery": N_("E-lock battery low"),
        "late": N_("Sealed truck late"),
    },
    "elock_alert_status": {"open": N_("Open"), "acknowledged": N_("Acknowledged"), "disposed": N_("Disposed of")},
    "elock_disposition": {
        "intercepted": N_("Intercepted"),
        "false_alarm": N_("False alarm"),
        "inspected_no_finding": N_("Inspected, nothing found"),
        "other": N_("Other (say what)"),
    },
    "elock_inspection_result": {"no_finding": N_("Nothing found"), "finding": N_("Something found")},
    "elock_follow_up": {
        "accepted": N_("Relies on the inspection, no second one"),
        "inspect_again": N_("Inspects again"),
    },
}

GENERIC_ERROR = N_("Something in this form is not right; please check it.")

ERRORS = {
    # login and second factor
    "invalid_credentials": N_("The login or the password is wrong."),
    "account_locked": N_("Too many failed attempts: this account is locked until %(until)s."),
    "account_not_active": N_(
        "This account is not active. A new company can log in once the operator has approved its application."
    ),
    "oidc_failed": N_(
        "Logging in through the identity provider did not work. Try again, or log in with your password."
    ),
    "no_account": N_(
        "No account here has the e-mail address of this identity. Ask your company's administrator to add you."
    ),
    "invalid_totp": N_("The code is wrong or was already used. Wait for a new code and try again."),
    "rate_limited": N_("Too many attempts. Please wait a while and try again."),
    "csrf_failed": N_("This form has expired or did not come from this site. Go back, reload the page and try again."),
    # passwords
    "weak_password": N_("Use at least 10 characters mixing three of: lower case, upper case, digits, symbols."),
    "password_reused": N_("This was one of your last 8 passwords; choose another."),
    "password_mismatch": N_("The two passwords are not the same."),
    # registration
    "email_taken": N_("This e-mail address already has an account."),
    "mobile_taken": N_("This mobile number already has an account."),
    "missing_email": N_("A company account needs the applicant's e-mail address."),
    "missing_business_registration": N_("Enter the Business Registration number."),
    "invalid_business_registration": N_("A Business Registration number has 8 digits."),
    "invalid_mobile": N_("A Hong Kong mobile number has 8 digits starting with 4 to 9."),
    "invalid_vehicle_registration": N_("A vehicle registration mark has up to 8 letters, digits and spaces."),
    "missing_documents": N_("Enter the number of this document."),
    "missing_driver_details": N_("A driver account needs the vehicle and licence details."),
    "missing_org_type": N_("Choose at least one company type."),
    "invalid_org_type": N_("Choose company types from the list."),
    # administration and sharing
    "service_not_allowed": N_("Road binding is for agent companies and individual truck drivers."),
    "service_not_offered": N_("This service is not available yet."),
    "last_admin": N_("A company keeps at least one active principal or administrator."),
    "org_not_pending": N_("This application was already decided."),
    "invalid_grant": N_("This sharing rule is not complete or not possible."),
    "unknown_grantee": N_("Choose an active company from the list."),
    "invalid_reference": N_("A reference has 3 to 40 letters, digits, '-' or '/'."),
    "missing_reason": N_("Give the applicant a reason."),
    "invalid_choice": N_("Choose a value from the list."),
    "missing_scopes": N_("Choose at least one permission."),
    "not_found": N_("This item does not exist or is not yours."),
    "forbidden": N_("You may not do this."),
    "not_administrator": N_("Only the company's principal or administrators may do this."),
    "not_operator": N_("Only the platform operator's administrators may do this."),
    # B/L links
    "invalid_link": N_("A House B/L cannot be its own Master B/L."),
    "master_bl_not_visible": N_(
        "No data about this Master B/L is shared with your company: ask the carrier to share it with you first."
    ),
    "link_row_incomplete": N_("A row needs a Master B/L and a House B/L, separated by a comma."),
    "too_many_rows": N_("Too many rows: split the file; the rows before this one are linked."),
    "invalid_awb": N_(
        "An air waybill is a 3-digit airline prefix and 8 digits whose last checks the others, "
        "for example 160-12345675; a house air waybill has 4 to 35 letters and digits."
    ),
    # alerts
    "invalid_channel": N_("Choose at least one way to be told."),
    "invalid_time": N_("Enter a time of day, for example 22:00."),
    "invalid_number": N_("Enter a number, for example 90."),
    "invalid_locode": N_("A place is a UN/LOCODE of five letters, for example HKHKG."),
    "invalid_filter": N_("A saved filter keeps kinds of number and places from the lists."),
    "unknown_alert_type": N_("Choose alert types from the list."),
    "callback_url_not_allowed": N_("Enter the endpoint's address, starting with https://, on the public internet."),
    # the operator's console
    "not_dead_letter": N_("This item is no longer a dead letter: someone replayed it already."),
    # trucks
    "driver_not_trucking": N_("Only a trucking company has truck drivers."),
    "trip_finished": N_("This trip has already ended."),
    "trip_not_started": N_("This trip has not started yet."),
    "not_a_driver": N_("Choose an active driver of your company."),
    # legs
    "cargo_not_held": N_(
        "Your company does not hold this cargo: nothing about it is shared with you, and no one nominated you for it."
    ),
    "wrong_nominee": N_(
        "Choose an active company of the kind this leg needs, for example a trucking company for a truck leg."
    ),
    "leg_closed": N_("This leg can no longer be changed: look at its status."),
    "cargo_not_visible": N_("Nothing about this number is shared with your company."),
    # receiving
    "not_warehouse": N_("Only a warehouse confirms receipts."),
    "token_not_valid": N_(
        "This QR code is not valid: it may have expired or been revoked. Ask its sender for a new label."
    ),
    # form fields, from the shape checks
    "missing": N_("This field is required."),
    "string_too_short": N_("This is too short."),
    "string_too_long": N_("This is too long."),
    "value_error": N_("Enter a valid e-mail address."),
    # road cargo
    "invalid_ccrn": N_("This is not a CCRN: check the number (11 digits, the last a check digit)."),
    "invalid_ubr": N_("This is not a UBR: check the number (11 digits starting with 9)."),
    "too_late_to_lodge": N_("Cargo information is lodged at least 30 minutes before crossing."),
    "too_early_to_lodge": N_("Cargo information is lodged at most 14 days before crossing."),
    "ccrn_already_bound": N_("This consignment is already bound to a vehicle: cancel that binding first."),
    "consignment_not_changeable": N_(
        "This consignment is bound to a vehicle: cancel the binding first, then amend or cancel it."
    ),
    "service_not_active": N_("Your company has not opted in to this service yet (Administration, Services)."),
    "consignment_not_found": N_("No consignment has this CCRN."),
    "required": N_("Fill in every item of the cargo information."),
    # signing a road binding: a refused certificate or security code, by its reason
    "binding_signature_required": N_("Sign the binding with your digital certificate or a security code."),
    "signature_wrong_pin": N_("The PIN does not open this certificate file."),
    "signature_not_pkcs12": N_("This is not a digital certificate file (.p12 or .pfx)."),
    "signature_unsupported_key": N_("This certificate file cannot sign: it needs one certificate with its key."),
    "signature_untrusted_issuer": N_("This certificate was not issued by a trusted issuer."),
    "signature_expired": N_("This certificate has expired or is not valid yet."),
    "signature_revoked": N_("This certificate has been revoked by its issuer."),
    "signature_revocation_unknown": N_("Whether this certificate is revoked cannot be checked now: try again later."),
    "signature_no_trusted_issuers": N_("Signing with a certificate is not set up here yet."),
    "security_code_wrong": N_("Wrong security code: enter the code your token shows now."),
    "security_code_used": N_("This security code was used already: wait for the next one."),
    "security_code_no_token": N_("You have no security token enrolled."),
    # e-lock console
    "not_customs": N_("Only customs can do this."),
    "elock_alert_disposed": N_("This alert's outcome is recorded already."),
    "elock_note_required": N_("Say in the note what happened."),
    "elock_inspected_once": N_("This trip's cargo was inspected already: it is inspected once."),
    "elock_follow_up_refused": N_("Only the other customs answers an inspection, and once."),
}

NOTICES = {
    "role_changed": N_("The role was changed."),
    "user_disabled": N_("The user can no longer log in."),
    "user_enabled": N_("The user can log in again."),
    "user_unlocked": N_("The user is unlocked."),
    "key_revoked": N_("The API key no longer works."),
    "grant_created": N_("Shared."),
    "grant_revoked": N_("Sharing ended."),
    "policy_saved": N_("Your choice is saved."),
    "service_requested": N_("Service requested."),
    "org_approved": N_("The company is approved and can log in."),
    "org_rejected": N_("The application is rejected."),
    "service_decided": N_("The service request is decided."),
    "password_changed": N_("Your password is changed."),
    "link_created": N_("Linked. The House B/L's tracking page now shows its Master B/L."),
    "link_removed": N_("Unlinked."),
    "subscribed": N_("Subscribed. New alerts appear under History."),
    "subscription_saved": N_("The subscription is saved."),
    "subscription_paused": N_("Paused: no alerts from this subscription until you resume it."),
    "subscription_resumed": N_("Resumed."),
    "subscription_deleted": N_("The subscription and its alerts are deleted."),
    "endpoint_deleted": N_("Nothing more is sent to this endpoint."),
    "delivery_replayed": N_("The message is queued again and will be sent shortly."),
    "dead_letter_replayed": N_("Put back in its queue: a worker takes it shortly."),
    "leg_nominated": N_("Nominated. The company sees the leg and can accept or decline it."),
    "leg_accepted": N_("Accepted. You can pass the cargo on to the next party."),
    "leg_declined": N_("Declined. The nominating company sees your answer."),
    "leg_withdrawn": N_("Withdrawn, with every leg passed on below it."),
    "leg_assigned": N_("The truck and driver are assigned: the trip is in the driver's jobs."),
}
