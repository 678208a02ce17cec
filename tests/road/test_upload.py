"""Consignments as an XML file against the published XSD: good ones get CCRNs, bad ones are located by their
position, the submitter's reference and the element; entity bombs and the network stay out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

from fastapi.testclient import TestClient
from lxml import etree

from harbourlink.kernel import Database
from harbourlink.road import parse_ccrn
from tests.road.support import road

XML = {"Content-Type": "application/xml"}


def consignment(
    number: int, *, packages: str = "12", expected: str | None = None, consignee: str = "Kowloon Books"
) -> str:
    expected = expected or (datetime.now(UTC) + timedelta(hours=5)).isoformat()
    return (
        f"<consignment><submitterReference>KB-{number:04d}</submitterReference><direction>export</direction>"
        f"<packages>{packages}</packages><packageDescription>cartons</packageDescription>"
        f"<goodsDescription>books</goodsDescription>"
        f"<consignor><name>Kowloon Books</name><address>Mong Kok</address></consignor>"
        f"<consignee><name>{escape(consignee)}</name><address>Futian, Shenzhen</address></consignee>"
        f"<expectedAt>{expected}</expectedAt></consignment>"
    )


def document(*items: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<consignments>' + "".join(items) + "</consignments>").encode()


def test_a_thousand_consignments_with_three_bad_give_997_ccrns_and_three_located_errors(
    client: TestClient, db: Database
) -> None:
    world = road(db)
    bad = {
        17: consignment(17, packages="many"),
        500: consignment(500, consignee=""),
        999: consignment(999, expected=(datetime.now(UTC) + timedelta(days=20)).isoformat()),
    }
    items = [bad.get(n, consignment(n)) for n in range(1, 1001)]
    answered = client.post(
        "/api/v1/road/consignments/upload", headers={**world.shipper.auth, **XML}, content=document(*items)
    )
    assert answered.status_code == 200, answered.text
    result = answered.json()
    assert (result["accepted"], result["rejected"]) == (997, 3)
    ccrns = [item["ccrn"] for item in result["items"] if item["ccrn"]]
    assert len(set(ccrns)) == 997 and all(parse_ccrn(c) == c for c in ccrns)
    errors = {
        item["position"]: (item["submitter_reference"], item["errors"]) for item in result["items"] if item["errors"]
    }
    assert sorted(errors) == [17, 500, 999]
    assert errors[17][0] == "KB-0017" and errors[17][1][0]["element"] == "packages"
    assert errors[500][0] == "KB-0500" and errors[500][1][0]["element"] == "consignee/name"
    assert errors[999][0] == "KB-0999" and errors[999][1][0]["element"] == "expectedAt"
    assert "14 days" in errors[999][1][0]["detail"]
    listed = client.get("/api/v1/road/consignments", headers=world.shipper.auth, params={"limit": 200}).json()
    assert len(listed) == 200


def test_an_entity_bomb_is_refused_whole(client: TestClient, db: Database) -> None:
    world = road(db)
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    bomb = (
        f'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol0 "lol">{entities}]>\n<consignments>&lol9;</consignments>'
    )
    refused = client.post(
        "/api/v1/road/consignments/upload", headers={**world.shipper.auth, **XML}, content=bomb.encode()
    )
    assert refused.status_code == 422 and refused.json()["error"] in {"xml_doctype_refused", "invalid_xml"}
    assert client.get("/api/v1/road/consignments", headers=world.shipper.auth).json() == []


def test_an_external_entity_is_never_fetched(client: TestClient, db: Database) -> None:
    world = road(db)
    probe = (
        b'<?xml version="1.0"?>\n<!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        b"<consignments><consignment><submitterReference>&x;</submitterReference></consignment></consignments>"
    )
    refused = client.post("/api/v1/road/consignments/upload", headers={**world.shipper.auth, **XML}, content=probe)
    assert refused.status_code == 422 and "root:" not in refused.text


def test_a_broken_file_is_answered_with_its_line(client: TestClient, db: Database) -> None:
    world = road(db)
    broken = client.post(
        "/api/v1/road/consignments/upload",
        headers={**world.shipper.auth, **XML},
        content=b"<consignments>\n<consignment>",
    )
    assert broken.status_code == 422 and broken.json()["error"] == "invalid_xml" and broken.json()["data"]["line"] == 2


def test_the_schema_is_published_and_describes_the_files_it_accepts(client: TestClient, db: Database) -> None:
    world = road(db)
    served = client.get("/api/v1/road/schema.xsd", headers=world.shipper.auth)
    assert served.status_code == 200 and served.headers["content-type"].startswith("application/xml")
    schema = etree.XMLSchema(etree.fromstring(served.content))
    assert schema.validate(etree.fromstring(document(consignment(1))))
    assert not schema.validate(etree.fromstring(document(consignment(1, packages="0"))))
