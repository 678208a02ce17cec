"""Adapters to the two authorities: each renders a declaration in its message format and reads the answer.

**Hong Kong (``hk``), ``HKDEC/1``**: a JSON document, UTF-8::

    {"format": "HKDEC/1", "declaration_id": "...", "declarant": "...", "direction": "import" | "export",
     "header": {<every header field of the Hong Kong data set>},
     "lines": [{"hk_code": "8 digits", "description", "quantity", "unit", "value", "currency", "country"}]}

  The answer: ``{"format": "HKDEC-ACK/1", "declaration_id", "official_number", "result", "reasons": [..]}``.

**Mainland (``cn``), ``CNDEC/1``**: XML after the single window's 报关单 layout, UTF-8::

    <DecMessage version="CNDEC/1"><DecHead><ClientSeqNo/> <IEFlag>I|E</IEFlag> <AgentName/> <OwnerName/>
      <ConsigneeCname/> <TrafMode/> <TrafName/> <VoyageNo/> <BillNo/> <TradeMode/> <IEPort/> <TradeCountry/>
      <DistinatePort/> <PackNo/> <WrapType/> <GrossWet/> <NetWt/> <Currency/> <TotalPrice/> <Containers/>
    </DecHead><DecLists><DecList><GNo/> <CodeTS/> <GName/> <GModel/> <GQty/> <GUnit/> <DeclPrice/>
      <DeclTotal/> <TradeCurr/> <OriginCountry/> <DestinationCountry/> <DistrictCode/></DecList>…</DecLists>
    </DecMessage>

  The answer: ``<DecResponse><ClientSeqNo/><EntryId/><Result/><Reasons><Reason/>…</Reasons></DecResponse>``.

``result`` is one of ``accepted``, ``rejected`` (with reasons), ``released``, ``inspection``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml.ElementTree import fromstring

from harbourlink.declarations.domain import CN_LINE, HK_HEADER, HK_LINE, Authority, Status

HK_FORMAT = "HKDEC/1"
CN_FORMAT = "CNDEC/1"
RESULTS = frozenset({Status.ACCEPTED, Status.REJECTED, Status.RELEASED, Status.INSPECTION})

CN_HEAD_TAGS = {
    "domestic_party": "OwnerName",
    "overseas_party": "ConsigneeCname",
    "declarant": "AgentName",
    "direction": "IEFlag",
    "mode_of_transport": "TrafMode",
    "means_of_transport": "TrafName",
    "voyage": "VoyageNo",
    "bl_number": "BillNo",
    "supervision_mode": "TradeMode",
    "port": "IEPort",
    "trade_country": "TradeCountry",
    "partner_country": "DistinatePort",
    "packages": "PackNo",
    "package_kind": "WrapType",
    "gross_kg": "GrossWet",
    "net_kg": "NetWt",
    "currency": "Currency",
    "total_price": "TotalPrice",
    "containers": "Containers",
}
CN_LINE_TAGS = {
    "cn_code": "CodeTS",
    "name": "GName",
    "declared_elements": "GModel",
    "quantity": "GQty",
    "unit": "GUnit",
    "unit_price": "DeclPrice",
    "total_price": "DeclTotal",
    "currency": "TradeCurr",
    "origin_country": "OriginCountry",
    "destination_country": "DestinationCountry",
    "domestic_destination": "DistrictCode",
}


@dataclass(frozen=True)
class Answer:
    declaration_id: str
    official_number: str
    result: Status
    reasons: tuple[str, ...] = ()


def _lines(fields: Mapping[str, str | None], names: tuple[str, ...]) -> list[dict[str, str | None]]:
    numbers = sorted({int(path.split(".")[1]) for path in fields if path.startswith("lines.")})
    return [{name: fields.get(f"lines.{n}.{name}") for name in names} for n in numbers]


def render(authority: Authority, declaration_id: str, fields: Mapping[str, str | None]) -> str:
    """The message the authority receives."""
    if authority is Authority.HK:
        return json.dumps(
            {
                "format": HK_FORMAT,
                "declaration_id": declaration_id,
                "header": {name: fields.get(name) for name in HK_HEADER},
                "lines": _lines(fields, HK_LINE),
            },
            ensure_ascii=False,
            sort_keys=True,
        )
    root = Element("DecMessage", version=CN_FORMAT)
    head = SubElement(root, "DecHead")
    SubElement(head, "ClientSeqNo").text = declaration_id
    for name, tag in CN_HEAD_TAGS.items():
        value = fields.get(name)
        if name == "direction":
            value = "E" if value == "export" else "I"
        SubElement(head, tag).text = value or ""
    lists = SubElement(root, "DecLists")
    for number, line in enumerate(_lines(fields, CN_LINE), start=1):
        item = SubElement(lists, "DecList")
        SubElement(item, "GNo").text = str(number)
        for name, tag in CN_LINE_TAGS.items():
            SubElement(item, tag).text = line[name] or ""
    return tostring(root, encoding="unicode")


def read_request(authority: Authority, message: str) -> tuple[str, dict[str, str | None], list[dict[str, str | None]]]:
    """The authority's side: the declaration id, header and lines of a message (the simulated authority reads it)."""
    if authority is Authority.HK:
        document = json.loads(message)
        if document.get("format") != HK_FORMAT:
            raise ValueError(f"not an {HK_FORMAT} message")
        return str(document["declaration_id"]), dict(document["header"]), [dict(line) for line in document["lines"]]
    root = fromstring(message)
    if root.tag != "DecMessage" or root.get("version") != CN_FORMAT:
        raise ValueError(f"not a {CN_FORMAT} message")
    head = root.find("DecHead")
    if head is None:
        raise ValueError("no DecHead")
    header = {name: head.findtext(tag) or None for name, tag in CN_HEAD_TAGS.items()}
    lines = [{name: item.findtext(tag) or None for name, tag in CN_LINE_TAGS.items()} for item in root.iter("DecList")]
    return head.findtext("ClientSeqNo") or "", header, lines


def render_answer(authority: Authority, answer: Answer) -> str:
    if authority is Authority.HK:
        return json.dumps(
            {
                "format": "HKDEC-ACK/1",
                "declaration_id": answer.declaration_id,
                "official_number": answer.official_number,
                "result": answer.result.value,
                "reasons": list(answer.reasons),
            },
            ensure_ascii=False,
        )
    root = Element("DecResponse")
    SubElement(root, "ClientSeqNo").text = answer.declaration_id
    SubElement(root, "EntryId").text = answer.official_number
    SubElement(root, "Result").text = answer.result.value
    reasons = SubElement(root, "Reasons")
    for reason in answer.reasons:
        SubElement(reasons, "Reason").text = reason
    return tostring(root, encoding="unicode")


def read_answer(authority: Authority, text: str) -> Answer:
    """HarbourLink's side: the official number and result in an authority's answer."""
    if authority is Authority.HK:
        document = json.loads(text)
        return Answer(
            str(document["declaration_id"]),
            str(document["official_number"]),
            Status(document["result"]),
            tuple(document.get("reasons", [])),
        )
    root = fromstring(text)
    return Answer(
        root.findtext("ClientSeqNo") or "",
        root.findtext("EntryId") or "",
        Status(root.findtext("Result") or ""),
        tuple(reason.text or "" for reason in root.iter("Reason")),
    )
