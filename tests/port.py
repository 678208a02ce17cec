"""A small test port: carrier, terminal, customs, forwarder, SME and a stranger, and how they send and share.

``open_port`` sends the carrier's voyage, the terminal's feed (release and reefer readings) and
the customs status, and makes the sharing a port starts with: the carrier's MBL to its customer
(the forwarder), the terminal's container to anyone holding the number, the declaration to the
declarant (the SME). Tests then add the forwarder's House B/L link and their own grants.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from harbourlink.kernel import Database
from tests.conftest import Company, make_company

SAMPLES = Path(__file__).parent / "samples"
MBL, HBL, CONTAINER, DECLARATION = "PONU0123456", "VFFHKG001", "MSCU1234566", "CN2026112300042"
CARRIER_HEADER = (
    "event_id,event_type,event_code,classifier,event_time,container,mbl,location,facility,vessel_imo,"
    "vessel_name,voyage,mode\n"
)
VOYAGE = (
    CARRIER_HEADER
    + "C1,TRANSPORT,DEPA,ACT,2026-11-20T22:00:00+08:00,,PONU0123456,CNYTN,,9706906,PEARL HARMONY,026E,VESSEL\n"
    + "C2,TRANSPORT,ARRI,PLN,2026-11-23T05:00:00+08:00,,PONU0123456,HKHKG,HITHK,9706906,PEARL HARMONY,026E,VESSEL\n"
    + "C3,TRANSPORT,ARRI,EST,2026-11-23T06:30:00+08:00,,PONU0123456,HKHKG,HITHK,9706906,PEARL HARMONY,026E,VESSEL\n"
    + "C4,EQUIPMENT,LOAD,ACT,2026-11-20T18:00:00+08:00,MSCU1234566,PONU0123456,CNYTN,,9706906,PEARL HARMONY,026E,"
    "VESSEL\n"
)
CUSTOMS_CSV = b"""event_id,event_type,event_code,event_time,declaration,container
D1,CUSTOMS,SUBM,2026-11-22T10:00:00+08:00,CN2026112300042,MSCU1234566
D2,CUSTOMS,CUSR,2026-11-23T08:00:00+08:00,CN2026112300042,MSCU1234566
"""

Http = TestClient | httpx.Client
"""TestClient in most tests, httpx.Client against the live server in browser tests."""


@dataclass
class Port:
    carrier: Company
    terminal: Company
    customs: Company
    forwarder: Company
    sme: Company
    stranger: Company


def send(http: Http, company: Company, fmt: str, raw: bytes) -> None:
    outcome = http.post("/api/v1/messages", params={"format": fmt}, headers=company.auth, content=raw).json()
    assert outcome["status"] == "accepted", outcome


def grant(http: Http, owner: Company, kind: str, value: str, grantee: Company | None) -> str:
    """``owner`` shares ``value`` with ``grantee``, or with anyone holding the number (None); the grant's id."""
    body: dict[str, object] = {"reference_type": kind, "reference": value}
    body.update({"grantee_org_id": grantee.org_id} if grantee else {"anyone_with_reference": True})
    response = http.post("/api/v1/grants", headers=owner.auth, json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def open_port(http: Http, db: Database, *, carrier_csv: str = VOYAGE) -> Port:
    port = Port(
        *(
            make_company(db, name, kind)
            for name, kind in [
                ("Pearl Ocean Lines", "shipping_line"),
                ("Kwai Tsing Terminal", "terminal_operator"),
                ("Shenzhen Customs", "customs_mainland"),
                ("Victoria Freight", "forwarder"),
                ("Lantau Trading", "cargo_owner"),
                ("Nosy Parker Ltd", "cargo_owner"),
            ]
        )
    )
    send(http, port.carrier, "csv", carrier_csv.encode())
    send(http, port.terminal, "terminal-json", (SAMPLES / "terminal" / "hit_feed.json").read_bytes())
    send(http, port.customs, "csv", CUSTOMS_CSV)
    grant(http, port.carrier, "MBL", MBL, port.forwarder)  # the carrier's customer
    grant(http, port.terminal, "CONTAINER", CONTAINER, None)  # public container enquiry
    grant(http, port.customs, "DECLARATION", DECLARATION, port.sme)  # the declarant
    return port
