"""Shared by the declarations tests: an import's B/L as HarbourLink holds it, its invoice and its packing list."""

from __future__ import annotations

import io
from dataclasses import dataclass

from fastapi.testclient import TestClient
from httpx2 import Response
from openpyxl import Workbook

from harbourlink.kernel import Database
from tests.conftest import Company, make_company

BL = "COSU6301234560"
BOXES = ("MSCU1234566", "TGHU2345673")
# A river-trade import: loaded at Yantian, discharged at Kwai Chung; the box reports carry the goods' gross mass.
BL_EVENTS = (
    "event_id,event_type,event_code,classifier,event_time,container,mbl,hbl,location,facility,vessel_imo,"
    "vessel_name,voyage,mode,temperature,setpoint,remarks\n"
    f"DC-1,TRANSPORT,DEPA,ACT,2026-12-05T08:00:00+08:00,,{BL},,CNYTN,,9706906,PEARL HARMONY,026E,VESSEL,,,\n"
    f"DC-2,EQUIPMENT,LOAD,ACT,2026-12-05T07:00:00+08:00,{BOXES[0]},{BL},,CNYTN,,9706906,PEARL HARMONY,026E,VESSEL,,,\n"
    f"DC-3,EQUIPMENT,LOAD,ACT,2026-12-05T07:10:00+08:00,{BOXES[1]},{BL},,CNYTN,,9706906,PEARL HARMONY,026E,VESSEL,,,\n"
    f"DC-4,TRANSPORT,ARRI,ACT,2026-12-06T09:00:00+08:00,,{BL},,HKHKG,,9706906,PEARL HARMONY,026E,VESSEL,,,\n"
)
INVOICE = (
    "invoice_number,seller,buyer,description,hk_code,cn_code,declared_elements,quantity,unit,unit_price,currency,"
    "origin_country,destination_country,domestic_destination\n"
    "INV-88,Shenzhen Bright Lamps Co,Alpha Forwarding,LED desk lamps,94052100,9405210000,"
    "用途:照明|品牌:BRIGHT,1200,PCE,12.50,USD,CN,HK,44031\n"
    ",,,Lamp shades (fabric),94059900,9405990000,材质:布,600,PCE,3.00,USD,CN,HK,44031\n"
)
PACKING_LIST = "line,packages,package_kind,gross_kg,net_kg\n1,100,CT,2400.5,2100\n2,20,CT,300,260\n"


@dataclass
class Importer:
    declarant: Company
    other: Company
    consignee: Company


def opt_in(client: TestClient, company: Company) -> None:
    opted = client.post(f"/api/v1/orgs/{company.org_id}/services/declarations", headers=company.auth)
    assert opted.status_code == 200, opted.text


def importer(client: TestClient, db: Database, *, opted: bool = True) -> Importer:
    """A forwarder holding an import's B/L (its events sent as a message) that opted in to declarations."""
    declarant = make_company(db, "Alpha Forwarding", "forwarder")
    other = make_company(db, "Bravo Trading", "cargo_owner")
    consignee = make_company(db, "Charlie Importers", "cargo_owner")
    sent = client.post("/api/v1/messages", params={"format": "csv"}, headers=declarant.auth, content=BL_EVENTS.encode())
    assert sent.status_code == 201 and sent.json()["status"] == "accepted", sent.text
    if opted:
        opt_in(client, declarant)
    return Importer(declarant, other, consignee)


def upload(client: TestClient, company: Company, kind: str, content: bytes, filename: str = "file.csv") -> Response:
    return client.post(
        "/api/v1/declarations/documents",
        headers=company.auth,
        data={"reference": BL, "kind": kind},
        files={"file": (filename, content)},
    )


def xlsx(text: str) -> bytes:
    """The same table as a workbook, as a spreadsheet program saves it."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in text.strip().splitlines():
        sheet.append(row.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
