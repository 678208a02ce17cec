"""Air cargo alerts: late departure and arrival against the plan, offload, discrepancy; from status
sequences (pure rules), and end to end from FSU, XFSU and ONE Record messages to a subscriber's alerts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.alerts.support import send_feed, subscribe
from tests.alerts.test_rules import fact, verdict
from tests.conftest import Company
from tests.port import grant

DEPART = datetime(2026, 11, 24, 6, 30, tzinfo=UTC)
LAND = datetime(2026, 11, 24, 18, 55, tzinfo=UTC)
SAMPLES = Path(__file__).parent.parent / "samples" / "air"


def air(code: str, at: datetime, **details: Any) -> Any:
    return fact("AIR", code, at, **{"airport": "HKG", "flight": "CX880", "departs": "HKG", "arrives": "LAX", **details})


BOOKED = air(
    "BKD",
    DEPART,
    classifier="PLN",
    issued=DEPART - timedelta(days=1),
    pieces=12,
    total_pieces=12,
    planned_departure=DEPART.isoformat(),
    planned_arrival=LAND.isoformat(),
)


def test_late_departure_against_the_plan() -> None:
    on_time = air(
        "DEP", DEPART + timedelta(minutes=20), pieces=12, actual_departure=(DEPART + timedelta(minutes=20)).isoformat()
    )
    assert verdict("air_late_departure", [BOOKED, on_time], DEPART + timedelta(hours=2)).finding is None
    late = air("DEP", DEPART + timedelta(minutes=105), pieces=12)
    found = verdict("air_late_departure", [BOOKED, late], DEPART + timedelta(hours=2)).finding
    assert found is not None and found.figures["delay_minutes"] == 105 and found.figures["kind"] == "actual"
    assert found.condition == "departure:CX880" and found.figures["airport"] == "HKG"
    # Not departed yet: nothing until the threshold has passed, and the rule says when to look again.
    waiting = verdict("air_late_departure", [BOOKED], DEPART + timedelta(minutes=30))
    assert waiting.finding is None and waiting.recheck_at == DEPART + timedelta(minutes=60)
    overdue = verdict("air_late_departure", [BOOKED], DEPART + timedelta(minutes=90)).finding
    assert overdue is not None and overdue.figures["kind"] == "overdue"
    # Once the flight has landed the departure is history.
    landed = air("ARR", LAND, airport="LAX")
    assert verdict("air_late_departure", [BOOKED, late, landed], LAND).finding is None


def test_late_arrival_expected_or_actual_until_delivery() -> None:
    expected = air("DEP", DEPART, estimated_arrival=(LAND + timedelta(hours=2)).isoformat())
    found = verdict("air_late_arrival", [BOOKED, expected], DEPART).finding
    assert found is not None and found.figures["kind"] == "estimated" and found.figures["delay_minutes"] == 120
    arrived = air("ARR", LAND + timedelta(minutes=45), airport="LAX")
    assert verdict("air_late_arrival", [BOOKED, arrived], LAND + timedelta(hours=1)).finding is None
    late = air("ARR", LAND + timedelta(minutes=105), airport="LAX")
    assert verdict("air_late_arrival", [BOOKED, late], LAND + timedelta(hours=2)).finding is not None
    delivered = air("DLV", LAND + timedelta(hours=20), airport="LAX", flight=None)
    assert verdict("air_late_arrival", [BOOKED, late, delivered], LAND + timedelta(hours=21)).finding is None
    # Out of order: the same answer whatever order the statuses came in.
    assert verdict("air_late_arrival", [late, BOOKED], LAND + timedelta(hours=2)).finding is not None


def test_offload_by_code_or_by_fewer_pieces_departed() -> None:
    short = air("DEP", DEPART, pieces=9)
    found = verdict("air_offload", [BOOKED, short], DEPART).finding
    assert found is not None and found.figures["pieces"] == 3
    assert (found.figures["booked_pieces"], found.figures["departed_pieces"]) == (12, 9)
    coded = air("DIS", DEPART - timedelta(minutes=30), discrepancy="OFLD", pieces=3, flight="CX880")
    assert verdict("air_offload", [coded], DEPART).finding is not None
    next_flight = air("DEP", DEPART + timedelta(hours=4), pieces=3, flight="CX884")
    assert verdict("air_offload", [BOOKED, coded, short, next_flight], DEPART + timedelta(hours=5)).finding is None
    assert verdict("air_offload", [BOOKED, air("DEP", DEPART, pieces=12)], DEPART).finding is None


def test_discrepancy_until_found_or_complete() -> None:
    missing = air("DIS", LAND, airport="LAX", discrepancy="MSCA", pieces=2, total_pieces=12)
    found = verdict("air_discrepancy", [missing], LAND).finding
    assert found is not None and found.figures["discrepancy"] == "MSCA" and found.figures["pieces"] == 2
    back = air("DIS", LAND + timedelta(hours=3), airport="LAX", discrepancy="FDCA", pieces=2)
    still = verdict("air_discrepancy", [missing, back], LAND).finding
    assert still is not None and still.figures["discrepancy"] == "FDCA"  # found cargo is news too
    complete = air("RCF", LAND + timedelta(hours=4), airport="LAX", pieces=12, total_pieces=12)
    assert verdict("air_discrepancy", [missing, back, complete], LAND).finding is None
    assert verdict("air_discrepancy", [air("DIS", LAND, discrepancy="OFLD", pieces=3)], LAND).finding is None


def _open(client: TestClient, company: Company) -> dict[str, dict[str, Any]]:
    return {a["alert_type"]: a for a in client.get("/api/v1/alerts", headers=company.auth).json()}


def test_from_messages_to_alerts(client: TestClient, company_a: Company, company_b: Company) -> None:
    """The airline (B) sends FSU, XFSU and ONE Record; the forwarder (A) subscribed to the air waybill."""
    grant(client, company_b, "AWB", "16012345675", company_a)
    subscribe(
        client,
        company_a,
        reference_type="AWB",
        reference="160-12345675",
        channels=["inbox"],
        alert_types=["air_late_departure", "air_late_arrival", "air_offload", "air_discrepancy"],
    )
    send_feed(client, company_b, (SAMPLES / "fsu-cx880-hkg-lax.txt").read_bytes(), "cargo-imp")
    opened = _open(client, company_a)
    # The sample's flight was due in Los Angeles weeks ago and nothing says it landed: overdue too.
    assert set(opened) == {"air_late_departure", "air_offload", "air_late_arrival"}
    assert opened["air_late_arrival"]["figures"]["kind"] == "overdue"
    assert opened["air_late_departure"]["figures"]["delay_minutes"] == 105
    assert opened["air_offload"]["figures"]["pieces"] == 3
    send_feed(client, company_b, (SAMPLES / "xfsu-cx880-arrival-lax.xml").read_bytes(), "cargo-xml")
    landed = _open(client, company_a)
    assert set(landed) == {"air_late_arrival", "air_offload"}  # landed: departure closed
    assert landed["air_late_arrival"]["figures"]["delay_minutes"] == 105
    send_feed(client, company_b, (SAMPLES / "one-record-delivery-lax.jsonld").read_bytes(), "one-record")
    assert _open(client, company_a) == {}  # delivered
    history = client.get("/api/v1/alerts", params={"include_resolved": True}, headers=company_a.auth).json()
    assert sorted(a["alert_type"] for a in history) == ["air_late_arrival", "air_late_departure", "air_offload"]
