"""Generated from the OpenAPI document: company B calls every endpoint on company A's resources.

Every operation with a path parameter is called as B with A's ids and must answer 404 (or 403
where the resource's existence is public), and A's data must be unchanged afterwards. Every
list operation called as B must not mention any of A's ids. An endpoint can be exempt only with
a written reason below; a new endpoint without an example body or an id fails this test until
someone decides how it is checked.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from harbourlink import identity, receiving
from harbourlink.kernel import Actor, Database
from harbourlink.references import ReferenceType
from tests.conftest import Company, make_company
from tests.elock.support import elock_trip_body, feed, seed_fixes, seed_sentences, sentence
from tests.road.support import cargo as road_cargo
from tests.road.support import opt_in

SAMPLES = Path(__file__).parent / "samples"

# Existence is public for these (status 403 is acceptable instead of 404), each with its reason.
PUBLIC_EXISTENCE: dict[tuple[str, str], str] = {
    ("POST", "/api/v1/operator/dead-letters/{letter_id}/replay"): "the platform operator's alone: any other caller "
    "is refused (403 not_operator) before the id is read, so the answer says nothing about it",
}

# Operations not checked as "B must not see A's ids", each with its reason.
LIST_EXEMPT: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/directory"): "the directory lists active companies by name so owners can pick whom to share "
    "with; it shows ids and names only, no cargo data",
    ("POST", "/api/v1/registrations"): "public sign-up creates a new company; it touches nothing of A's",
    ("GET", "/api/v1/alerts/stream"): "a server-sent event stream never ends; tests/alerts checks it carries only "
    "the caller's alerts",
    ("GET", "/api/v1/road/stream"): "a server-sent event stream never ends; it carries only a version of the "
    "caller's own view, whose parts tests/road check",
}

# A valid body for each request schema, so that B's call reaches the access check, not validation.
EXAMPLE_BODIES: dict[str, dict[str, Any]] = {
    "OrgDecisionIn": {"reason": "documents do not match"},
    "ErasureCreate": {"reason": "Bravo wants Alpha's event gone"},
    "UserCreate": {"email": "intruder@bravo.example.hk", "display_name": "Intruder", "role": "administrator"},
    "UserUpdate": {"role": "user", "status": "disabled"},
    "ApiKeyCreate": {"name": "stolen"},
    "GrantCreate": {"reference_type": "MBL", "reference": "PONU7654321", "anyone_with_reference": True},
    "PartyCreate": {"reference_type": "MBL", "reference": "PONU7654321", "party_org_id": "", "party_role": "consignee"},
    "RegistrationIn": {},
    "LinkCreate": {"master_bl": "PONU0123456", "house_bl": "BRAVO0001"},
    "SubscriptionCreate": {"reference_type": "CONTAINER", "reference": "MSCU1234566"},
    "EndpointCreate": {"url": "https://hooks.bravo.example.hk/x"},
    "SubscriptionUpdate": {"paused": True, "channels": ["inbox"]},
    "SharingPolicyUpdate": {"share_vessel_calls": False},
    "POST /api/v1/messages": {},
    "TripCreate": {"reference": "MSCU1234566", "vehicle": "BR1234", "driver_user_id": "someone"},
    "POST /api/v1/trips/{trip_id}/positions": {},
    "DeviceCreate": {"vehicle": "BR1234"},
    "LegCreate": {"reference": "MSCU1234566", "reference_type": "CONTAINER", "mode": "TRUCK", "party_org_id": ""},
    "TripAssignment": {"vehicle": "BR1234", "driver_user_id": "someone"},
    "POST /api/v1/consignments/{reference}/qr": {"packages": 3},
    "ReceiptCreate": {"reference": "MSCU1234566", "packages": 3, "condition": "good", "note": "B's try"},
    "PhoneAccountCreate": {"user_id": "someone", "vehicle": "BR1234"},
    "POST /api/v1/position-reports/{report_id}/replay": {},
    "ElockDeviceCreate": {"device_id": "860000000099", "protocol": "eseal"},
    "ElockDispositionCreate": {"disposition": "false_alarm"},
    "ElockInspectionCreate": {"place": "hk_exit", "officer": "B", "result": "no_finding", "seal_reapplied": True},
    "ElockFollowUpCreate": {"decision": "accepted"},
    "ElockTripCreate": elock_trip_body(
        device_id="860000000001", mainland_customs_org_id="someone", trucking_org_id=None
    ),
    "ElockReportIn": {"at": "2026-12-07T01:00:00Z", "lat": 22.3, "lon": 113.9, "lock": "locked", "event": "door"},
    "ConsignmentCreate": road_cargo(),
    "ConsignmentFromTemplate": {"template_id": "someone's", "expected_at": road_cargo()["expected_at"]},
    "ConsignmentUpdate": {"packages": 99},
    "TemplateCreate": {**road_cargo(), "name": "B's template"},
    "BatchCreate": {"ccrns": ["12345678906"]},
    "MigrationCreate": {"accounts": "", "templates": "", "consignments": ""},
    "BindingCreate": {"vehicle": "BR1234", "ccrns": ["12345678906"], "control_point": "LMC", "direction": "import"},
    "POST /api/v1/road/bindings/{ubr}/cancel": {"ccrns": ["12345678906"]},
    "QueryCreate": {"text": "B's question"},
    "QueryReply": {"text": "B's reply", "attachments": [{"filename": "b.pdf", "content": "JVBERi0xLjQK"}]},
    "POST /api/v1/road/security-token": {},
    "DecisionCreate": {"decision": "go", "note": "B's say"},
    "POST /v2/event-subscriptions": {},
    "DeclarationCreate": {"reference": "PONU0123456", "authorities": ["hk", "cn"]},
    "DeclarationPatch": {"fields": {"consignee": "Bravo"}, "shared_with": []},
    "PUT /v2/event-subscriptions/{subscriptionID}": {
        "callbackUrl": "https://hooks.bravo.example.hk/dcsa",
        "secret": base64.b64encode(b"b" * 32).decode(),
        "eventType": ["EQUIPMENT"],
    },
    "PUT /v2/event-subscriptions/{subscriptionID}/secret": {"secret": base64.b64encode(b"c" * 32).decode()},
}


def _operations(client: TestClient) -> list[tuple[str, str, dict[str, Any]]]:
    document = client.get("/openapi.json").json()
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if path.startswith(("/api/", "/v2/"))
    ]


def _body_schema(method: str, path: str, operation: dict[str, Any]) -> str | None:
    """The name of the JSON body's schema, or ``METHOD path`` for an inline one."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return None
    reference = content["schema"].get("$ref")
    return reference.rsplit("/", 1)[-1] if reference else f"{method} {path}"


def _a_resources(client: TestClient, db: Database, a: Company, b: Company) -> dict[str, str]:
    """Creates one of each kind of A's resources and returns them by path parameter name."""
    user = client.post(
        f"/api/v1/orgs/{a.org_id}/users",
        headers=a.auth,
        json={"email": "clerk@alpha.example.hk", "display_name": "Clerk"},
    ).json()
    key = client.post("/api/v1/api-keys", headers=a.auth, json={"name": "a's system"}).json()
    grant = client.post(
        "/api/v1/grants",
        headers=a.auth,
        json={"reference_type": "HBL", "reference": "ALPHA0001", "grantee_org_id": b.org_id},
    ).json()
    party = client.post(
        "/api/v1/parties",
        headers=a.auth,
        json={"reference_type": "HBL", "reference": "ALPHA0001", "party_org_id": b.org_id, "party_role": "consignee"},
    ).json()
    message = client.post(
        "/api/v1/messages",
        params={"format": "csv"},
        headers=a.auth,
        content=(SAMPLES / "csv" / "hkg_import.csv").read_bytes(),
    ).json()
    subscription = client.post(
        "/v2/event-subscriptions",
        headers=a.auth,
        json={"callbackUrl": "https://hooks.alpha.example.hk/dcsa", "secret": base64.b64encode(b"a" * 32).decode()},
    )
    assert subscription.status_code == 201, subscription.text
    link = client.post("/api/v1/bl-links", headers=a.auth, json={"master_bl": "PONU0123456", "house_bl": "ALPHA0001"})
    assert link.status_code == 201, link.text
    # A's air cargo too: an airline's FSU and a house air waybill linked to it (B must not see either).
    air = client.post(
        "/api/v1/messages",
        params={"format": "cargo-imp"},
        headers=a.auth,
        content=(SAMPLES / "air" / "fsu-cx880-hkg-lax.txt").read_bytes(),
    )
    assert air.status_code == 201 and air.json()["status"] == "accepted", air.text
    air_link = client.post(
        "/api/v1/bl-links", headers=a.auth, json={"master_bl": "160-12345675", "house_bl": "ALPHA0002", "kind": "AWB"}
    )
    assert air_link.status_code == 201, air_link.text
    assert client.get("/api/v1/track/16012345675", headers=b.auth).status_code == 404
    assert client.get("/api/v1/track/ALPHA0002", headers=b.auth).status_code == 404
    alerts = _a_alert(client, a)
    trucks = _a_trip(client, db, a)
    declaration = _a_declaration(client, a, b)
    first_event = client.get("/api/v1/events", headers=a.auth).json()["events"][0]["event"]["id"]
    return {
        **alerts,
        **trucks,
        "event_id": first_event,
        "subscriptionID": subscription.json()["subscriptionID"],
        "org_id": a.org_id,
        "user_id": user["id"],
        "key_id": key["id"],
        "grant_id": grant["id"],
        "party_id": party["id"],
        "link_id": link.json()["id"],
        "service": "tracking",
        "message_id": message["id"],
        # A's container: its Master B/L is B's business too, as the call of the House B/L A shares with B.
        "reference": "MSCU1234566",
        "letter_id": "work-1",
        "declaration_id": declaration,
        # A's mainline voyage: B sees no barge voyage of A's, so its manifest answers 404.
        "voyage": "026E",
    }


def _a_declaration(client: TestClient, a: Company, b: Company) -> str:
    """A's draft declaration of its Master B/L. B opted in to declarations too, so that its calls reach the
    question of whose declaration it is (a company that did not opt in is refused before: 403)."""
    for company in (a, b):
        opted = client.post(f"/api/v1/orgs/{company.org_id}/services/declarations", headers=company.auth)
        assert opted.status_code == 200, opted.text
    made = client.post("/api/v1/declarations", headers=a.auth, json={"reference": "PONU0123456", "authorities": ["hk"]})
    assert made.status_code == 201, made.text
    return str(made.json()[0]["id"])


def _a_alert(client: TestClient, a: Company) -> dict[str, str]:
    """A's alert subscription, webhook endpoint, an open alert (a reefer that lost power) and its delivery.

    Another container than the CSV sample's, whose later readings would show the power back on.
    """
    subscription = client.post(
        "/api/v1/subscriptions",
        headers=a.auth,
        json={
            "reference_type": "CONTAINER",
            "reference": "CSQU3054383",
            "alert_types": ["reefer_power_off"],
            "channels": ["inbox", "webhook"],
            "thresholds": {"gap_minutes": 15},
        },
    )
    assert subscription.status_code == 201, subscription.text
    endpoint = client.post(
        "/api/v1/webhook-endpoints",
        headers=a.auth,
        json={"url": "https://hooks.alpha.example.hk/alerts", "event_types": []},
    )
    assert endpoint.status_code == 201, endpoint.text
    now = datetime.now(UTC)
    feed = {
        "terminal": "HITHK",
        "location": "HKHKG",
        "reefer_readings": [
            {
                "container": "CSQU3054383",
                "at": (now - timedelta(minutes=60)).isoformat(),
                "supply_air": 5.0,
                "setpoint": 5.0,
            },
            {"container": "CSQU3054383", "at": (now - timedelta(minutes=40)).isoformat(), "power": "OFF"},
        ],
    }
    client.post("/api/v1/messages", params={"format": "terminal-json"}, headers=a.auth, json=feed)
    [alert] = client.get("/api/v1/alerts", headers=a.auth).json()
    delivery = client.get("/api/v1/alert-deliveries", headers=a.auth).json()[0]
    return {
        "subscription_id": subscription.json()["id"],
        "endpoint_id": endpoint.json()["id"],
        "alert_id": alert["id"],
        "delivery_id": delivery["id"],
    }


def _a_trip(client: TestClient, db: Database, a: Company) -> dict[str, str]:
    """A's trip (A also trucks) for the container of its CSV sample, with positions, a tracker's device id, and
    the truck leg A nominated another trucking company for."""
    driver = client.post(
        f"/api/v1/orgs/{a.org_id}/users",
        headers=a.auth,
        json={"email": "driver@alpha.example.hk", "display_name": "Driver", "role": "driver"},
    )
    assert driver.status_code == 201, driver.text
    trip = client.post(
        "/api/v1/trips",
        headers=a.auth,
        json={"reference": "MSCU1234566", "vehicle": "AL1234", "driver_user_id": driver.json()["id"]},
    )
    assert trip.status_code == 201, trip.text
    report = client.post(
        f"/api/v1/trips/{trip.json()['id']}/positions",
        headers=a.auth,
        json=[{"time": datetime.now(UTC).isoformat(), "lat": 22.33, "lon": 114.12}],
    )
    assert report.status_code == 201, report.text
    device = client.post("/api/v1/devices", headers=a.auth, json={"vehicle": "AL1234"})
    assert device.status_code == 201, device.text
    phone = client.post(
        "/api/v1/phone-accounts", headers=a.auth, json={"user_id": driver.json()["id"], "vehicle": "AL1234"}
    )
    assert phone.status_code == 201, phone.text
    haulier = make_company(db, "Charlie Haulage", "trucking")
    leg = client.post(
        "/api/v1/legs",
        headers=a.auth,
        json={
            "reference": "MSCU1234566",
            "reference_type": "CONTAINER",
            "mode": "TRUCK",
            "party_org_id": haulier.org_id,
        },
    )
    assert leg.status_code == 201, leg.text
    return {
        "trip_id": trip.json()["id"],
        "report_id": report.json()["id"],
        "device_entry_id": device.json()["id"],
        "leg_id": leg.json()["id"],
        "number": phone.json()["number"],
        "phone_account_id": phone.json()["id"],
        **_a_receipt(client, db, a),
        **_a_sealed_trip(client, db, a),
        **_a_road(client, db, a),
    }


def _a_sealed_trip(client: TestClient, db: Database, a: Company) -> dict[str, str]:
    """An e-lock trip HK customs approved with A as its trucking company: the two customs and A see it, B must not."""
    hk = make_company(db, "Echo Customs", "customs_hk")
    mainland = make_company(db, "Foxtrot Customs", "customs_mainland")
    lock = client.post(
        "/api/v1/elock/devices", headers=hk.auth, json={"device_id": "860000000001", "protocol": "eseal"}
    )
    assert lock.status_code == 201, lock.text
    body = elock_trip_body(device_id="860000000001", mainland_customs_org_id=mainland.org_id, trucking_org_id=a.org_id)
    trip = client.post("/api/v1/elock/trips", headers=hk.auth, json=body)
    assert trip.status_code == 201, trip.text
    assert client.get(f"/api/v1/elock/trips/{trip.json()['id']}", headers=a.auth).status_code == 200
    fixes = seed_fixes()[:21]  # out of the airport and locked; then the door is opened: HK customs' alert
    feed(
        db,
        [
            *seed_sentences(fixes[:20]),
            sentence("Event-Door", 900, fixes[20].at, fixes[20].lat, fixes[20].lon, door="Open"),
        ],
    )
    [alert] = client.get("/api/v1/elock/alerts", headers=hk.auth).json()
    # the lock's reports take its token, not a company's key; each customs' seal session is its own
    return {
        "elock_trip_id": trip.json()["id"],
        "elock_alert_id": alert["id"],
        "device_id": "860000000001",
        "elock_segment": "hk",
    }


def _a_receipt(client: TestClient, db: Database, a: Company) -> dict[str, str]:
    """A warehouse's receipt of A's container, with a photo: A and the warehouse see it, B must not."""
    warehouse = make_company(db, "Delta Cold Store", "warehouse")
    shared = client.post(
        "/api/v1/grants",
        headers=a.auth,
        json={"reference_type": "CONTAINER", "reference": "MSCU1234566", "grantee_org_id": warehouse.org_id},
    )
    assert shared.status_code == 201, shared.text
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    with db.transaction() as session:
        received = receiving.do_receipt(
            session,
            Actor(org_id=warehouse.org_id, user_id=warehouse.admin_id, org_types=frozenset({"warehouse"})),
            key="",
            reference="MSCU1234566",
            reference_type=ReferenceType.CONTAINER,
            packages=1,
            condition=receiving.Condition.GOOD,
            photos=[receiving.Photo(png, "dock.png")],
        )
        receipt_id = received.receipt.id
    assert client.get(f"/api/v1/receipts/{receipt_id}/photos/1", headers=a.auth).content == png
    return {"receipt_id": receipt_id, "position": "1"}


def _a_road(client: TestClient, db: Database, a: Company) -> dict[str, str]:
    """A's road consignment, bound by A (which also trucks), and customs' query on it with A's reply."""
    opt_in(db, a, identity.Service.ADVANCE_CARGO_INFO, identity.Service.ROAD_BINDING, agent=True)
    lodged = client.post("/api/v1/road/consignments", headers=a.auth, json=road_cargo())
    assert lodged.status_code == 201, lodged.text
    ccrn = lodged.json()["ccrn"]
    bound = client.post(
        "/api/v1/road/bindings",
        headers=a.auth,
        json={"vehicle": "AL1234", "ccrns": [ccrn], "control_point": "MKT", "direction": "import"},
    )
    assert bound.status_code == 201, bound.text
    customs = make_company(db, "Customs Hong Kong", "customs_hk")
    query = client.post(f"/api/v1/road/consignments/{ccrn}/queries", headers=customs.auth, json={"text": "Origin?"})
    assert query.status_code == 201, query.text
    replied = client.post(
        f"/api/v1/road/queries/{query.json()['id']}/replies",
        headers=a.auth,
        json={"text": "See the invoice", "attachments": [{"filename": "a.pdf", "content": "JVBERi0xLjQK"}]},
    )
    assert replied.status_code == 201, replied.text
    [attachment] = replied.json()["messages"][1]["attachments"]
    return {"ccrn": ccrn, "ubr": bound.json()["ubr"], "query_id": query.json()["id"], "attachment_id": attachment["id"]}


@pytest.fixture
def company_a(db: Database) -> Company:
    """A forwarder that also runs trucks, so that it owns trips and trackers too."""
    return make_company(db, "Alpha Forwarding", "forwarder", "trucking")


def _snapshot(client: TestClient, a: Company) -> str:
    """Everything A can read about itself, to compare before and after B's attempts."""
    reads = [
        f"/api/v1/orgs/{a.org_id}",
        f"/api/v1/orgs/{a.org_id}/users",
        f"/api/v1/orgs/{a.org_id}/services",
        "/api/v1/api-keys",
        "/api/v1/grants?include_ended=true",
        "/api/v1/parties",
        "/api/v1/messages",
        "/api/v1/bl-links",
        "/v2/event-subscriptions",
        "/api/v1/subscriptions",
        "/api/v1/alerts",
        "/api/v1/webhook-endpoints",
        "/api/v1/alert-deliveries",
        "/api/v1/sharing-policy",
        "/api/v1/cargo",
        "/api/v1/trips",
        "/api/v1/devices",
        "/api/v1/position-reports",
        "/api/v1/legs",
        "/api/v1/phone-accounts",
        "/api/v1/road/consignments",
        "/api/v1/road/bindings",
    ]
    snapshot = {path: client.get(path, headers=a.auth).json() for path in reads}
    for user in snapshot[f"/api/v1/orgs/{a.org_id}/users"]:
        user.pop("last_login_at", None)
    for key in snapshot["/api/v1/api-keys"]:
        key.pop("last_used_at", None)
    for trip in snapshot["/api/v1/trips"]:
        trip.pop("eta", None)
    return json.dumps(snapshot, sort_keys=True)


def test_company_b_cannot_read_or_change_company_a(
    client: TestClient, db: Database, company_a: Company, company_b: Company
) -> None:
    ids = _a_resources(client, db, company_a, company_b)
    before = _snapshot(client, company_a)
    declaration = f"/api/v1/declarations/{ids['declaration_id']}"
    declared = client.get(declaration, headers=company_a.auth).json()
    checked = 0
    for method, path, operation in _operations(client):
        if "{" not in path:
            continue
        url = path
        for name in (part[1:-1] for part in path.split("/") if part.startswith("{")):
            assert name in ids, f"{method} {path}: no resource of A for path parameter {name!r}; add one"
            url = url.replace("{" + name + "}", ids[name])
        schema = _body_schema(method, path, operation)
        if schema is not None:
            assert schema in EXAMPLE_BODIES, f"{method} {path}: add an example body for {schema}"
        body = dict(EXAMPLE_BODIES.get(schema or "", {}))
        if "party_org_id" in body:
            body["party_org_id"] = company_b.org_id
        response = client.request(method, url, headers=company_b.auth, json=body if schema else None)
        allowed = {404, 403} if (method, path) in PUBLIC_EXISTENCE else {404}
        assert response.status_code in allowed, f"{method} {url} as B answered {response.status_code}: {response.text}"
        checked += 1
    assert checked >= 10
    assert _snapshot(client, company_a) == before
    assert client.get(declaration, headers=company_a.auth).json() == declared


def test_company_b_lists_nothing_of_company_a(
    client: TestClient, db: Database, company_a: Company, company_b: Company
) -> None:
    ids = _a_resources(client, db, company_a, company_b)
    secret_ids = {
        ids["user_id"],
        ids["key_id"],
        ids["party_id"],
        ids["link_id"],
        ids["message_id"],
        ids["subscriptionID"],
        ids["subscription_id"],
        ids["endpoint_id"],
        ids["alert_id"],
        ids["delivery_id"],
        company_a.admin_id,
        ids["trip_id"],
        ids["report_id"],
        ids["device_entry_id"],
        ids["leg_id"],
        ids["receipt_id"],
        ids["elock_trip_id"],
        ids["elock_alert_id"],
        ids["ccrn"],
        ids["ubr"],
        ids["query_id"],
        ids["declaration_id"],
    }
    for method, path, operation in _operations(client):
        if "{" in path or (method, path) in LIST_EXEMPT:
            continue
        schema = _body_schema(method, path, operation)
        if schema is not None:
            assert schema in EXAMPLE_BODIES, f"{method} {path}: add an example body for {schema}"
        body = dict(EXAMPLE_BODIES.get(schema or "", {}))
        if "party_org_id" in body:
            body["party_org_id"] = company_a.org_id
        response = client.request(method, path, headers=company_b.auth, json=body if schema else None)
        assert response.status_code < 500, f"{method} {path}: {response.text}"
        leaked = {i for i in secret_ids if i in response.text}
        assert not leaked, f"{method} {path} as B shows A's ids {leaked}"


def test_company_b_sees_no_boundary_console_and_decides_nothing(
    client: TestClient, db: Database, company_a: Company, company_b: Company
) -> None:
    ids = _a_resources(client, db, company_a, company_b)
    for company in (company_b, company_a):  # neither is customs, not even the binding's maker
        console = client.get("/api/v1/road/boundary", headers=company.auth, params={"control_point": "MKT"})
        assert console.status_code == 403 and ids["ubr"] not in console.text
    decided = client.post(
        f"/api/v1/road/bindings/{ids['ubr']}/decision", headers=company_b.auth, json={"decision": "go"}
    )
    assert decided.status_code == 404
    assert client.post(f"/api/v1/road/bindings/{ids['ubr']}/crossed", headers=company_b.auth).status_code == 404
    assert client.get(f"/api/v1/road/bindings/{ids['ubr']}", headers=company_a.auth).json()["decision"] is None


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/grants", "/api/v1/api-keys"])
def test_every_api_call_needs_credentials(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 401


def test_company_b_lists_as_its_cargo_only_what_company_a_shares_with_it(
    client: TestClient, db: Database, company_a: Company, company_b: Company
) -> None:
    _a_resources(client, db, company_a, company_b)
    a_numbers = {item["value"] for item in client.get("/api/v1/cargo", headers=company_a.auth).json()["items"]}
    assert {"PONU0123456", "MSCU1234566", "ALPHA0001"} <= a_numbers
    b_numbers = {item["value"] for item in client.get("/api/v1/cargo", headers=company_b.auth).json()["items"]}
    assert b_numbers == {"ALPHA0001"}  # the House B/L A shares with B by name, nothing of A's own
    for probe in ("PONU0123457", "MSCU1234567"):  # nor by a search, nor as a "did you mean"
        found = client.get("/api/v1/cargo", headers=company_b.auth, params={"q": probe}).json()
        assert found["items"] == [] and found["suggestions"] == []
    # The House B/L's vessel call is B's business: its schedule and nothing else of A's.
    call = client.get("/api/v1/track/ALPHA0001", headers=company_b.auth).json()
    assert (call["events"], call["containers"], call["vessel"]["name"]) == ([], [], "PEARL HARMONY")
