"""Advance cargo information as an XML file of many consignments, against the published XSD
(``consignments.xsd``, served at ``/api/v1/road/schema.xsd``).

Parsed safely: no DTD is loaded, no entity expanded, nothing fetched from the network, libxml2's
default limits on depth and size kept; a file with a document type declaration (the form every
entity bomb takes) is refused whole. The schema and the legal rules are then checked consignment by
consignment: each good one is lodged and gets its CCRN, each bad one is answered with its position,
the submitter's own reference and the element that is wrong. One bad consignment costs no other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

from lxml import etree
from sqlalchemy.orm import Session

from harbourlink.identity import Service
from harbourlink.kernel import Actor, utcnow
from harbourlink.road.domain import CargoData, Direction
from harbourlink.road.errors import InvalidXml
from harbourlink.road.service import check_service, check_write, lodge, problems_of

SCHEMA_FILE = Path(__file__).with_name("consignments.xsd")
ELEMENTS: dict[str, str] = {
    "submitter_reference": "submitterReference",
    "direction": "direction",
    "packages": "packages",
    "package_description": "packageDescription",
    "goods_description": "goodsDescription",
    "consignor_name": "consignor/name",
    "consignor_address": "consignor/address",
    "consignee_name": "consignee/name",
    "consignee_address": "consignee/address",
    "expected_at": "expectedAt",
}
"""Each field of the data set and the element that carries it in a consignment."""
_PLACE = re.compile(r"^/consignments/consignment(?:\[(\d+)\])?(?:/(.*))?$")


@dataclass
class Outcome:
    """One consignment of the file: its CCRN, or what is wrong with it and where."""

    position: int
    submitter_reference: str
    ccrn: str | None = None
    errors: list[dict[str, str]] = field(default_factory=list)


def schema_text() -> bytes:
    return SCHEMA_FILE.read_bytes()


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.fromstring(schema_text(), _parser()))


def _document(data: bytes) -> etree._Element:
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise InvalidXml(f"the file is not well-formed XML: {exc}", data={"line": exc.lineno}) from exc
    if root.getroottree().docinfo.doctype:
        raise InvalidXml(
            "a document type declaration is not accepted (it is how entity bombs are built)",
            code="xml_doctype_refused",
            data={"element": "DOCTYPE"},
        )
    if root.tag != "consignments":
        raise InvalidXml(f"the root element is {root.tag!s}, not consignments", data={"element": str(root.tag)})
    return root


def _text(item: etree._Element, path: str) -> str:
    found = item.find(path)
    return (found.text or "") if found is not None else ""


def _cargo(item: etree._Element) -> CargoData:
    return CargoData(
        direction=Direction(_text(item, "direction")),
        packages=int(_text(item, "packages")),
        package_description=_text(item, "packageDescription"),
        goods_description=_text(item, "goodsDescription"),
        consignor_name=_text(item, "consignor/name"),
        consignor_address=_text(item, "consignor/address"),
        consignee_name=_text(item, "consignee/name"),
        consignee_address=_text(item, "consignee/address"),
        expected_at=datetime.fromisoformat(_text(item, "expectedAt").replace("Z", "+00:00")),
        submitter_reference=_text(item, "submitterReference"),
    )


def check_file(data: bytes, *, now: datetime) -> tuple[list[Outcome], dict[int, CargoData]]:
    """Every consignment's outcome so far (errors located) and the data of those that passed."""
    root = _document(data)
    items = root.findall("consignment")
    outcomes = [Outcome(position, _text(item, "submitterReference")) for position, item in enumerate(items, start=1)]
    schema = _schema()
    if not schema.validate(root):
        for error in schema.error_log:
            place = _PLACE.match(error.path or "")
            if place is None:
                raise InvalidXml(
                    f"line {error.line}: {error.message}", data={"element": error.path, "line": error.line}
                )
            outcome = outcomes[int(place.group(1) or 1) - 1]
            outcome.errors.append(
                {"element": place.group(2) or "consignment", "detail": f"line {error.line}: {error.message}"}
            )
    good: dict[int, CargoData] = {}
    for outcome, item in zip(outcomes, items, strict=True):
        if outcome.errors:
            continue
        cargo = _cargo(item)
        problems = problems_of(cargo, now=now)
        outcome.errors = [{"element": ELEMENTS[p.field], "detail": p.message} for p in problems]
        if not problems:
            good[outcome.position] = cargo
    return outcomes, good


def do_upload(session: Session, actor: Actor, *, data: bytes) -> list[Outcome]:
    """Lodges every good consignment of an XML file; the bad ones are answered with their errors."""
    check_write(actor)
    check_service(session, actor, Service.ADVANCE_CARGO_INFO)
    now = utcnow()
    outcomes, good = check_file(data, now=now)
    for outcome in outcomes:
        cargo = good.get(outcome.position)
        if cargo is not None:
            outcome.ccrn = lodge(session, actor, cargo, now=now).ccrn
    session.flush()
    return outcomes
