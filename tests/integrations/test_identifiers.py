"""Identifiers are checked in every format as EDIFACT checks them: ISO 6346, UN/LOCODE, IMO, AWB mod 7."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from harbourlink.integrations.csv_template import CsvTemplateAdapter
from harbourlink.integrations.dcsa import DcsaTnt3Adapter, DcsaTnt22Adapter
from harbourlink.integrations.parsing import Parsed
from harbourlink.integrations.terminal_json import TerminalJsonAdapter

SAMPLES = Path(__file__).parent.parent / "samples"
HEADER = "event_id,event_type,event_code,event_time,container,awb,location,vessel_imo\n"
ROW = "R1,EQUIPMENT,GTIN,2026-11-23T10:00:00+08:00,MSCU1234566,160-12345675,HKHKG,9706906\n"


def _errors(parsed: Parsed) -> list[tuple[str, str]]:
    return [(error.location, error.message) for error in parsed.errors]


def test_csv_good_identifiers_in_canonical_form() -> None:
    (draft,) = CsvTemplateAdapter().parse((HEADER + ROW.replace("HKHKG", "hk hkg")).encode()).events
    assert (draft.location, draft.vessel_imo) == ("HKHKG", "9706906")
    assert {(r.kind, r.value) for r in draft.references} == {("CONTAINER", "MSCU1234566"), ("AWB", "16012345675")}


@pytest.mark.parametrize(
    ("good", "bad", "column", "says"),
    [
        ("MSCU1234566", "MSCU1234565", "container", "check digit should be 6"),
        ("160-12345675", "160-12345670", "awb", "check digit should be 5"),
        ("HKHKG", "XXHKG", "location", "XX is not an ISO 3166 country code"),
        ("9706906", "9706905", "vessel_imo", "check digit should be 6"),
    ],
)
def test_csv_identifier_errors_name_the_column(good: str, bad: str, column: str, says: str) -> None:
    parsed = CsvTemplateAdapter().parse((HEADER + ROW + ROW.replace("R1", "R2").replace(good, bad)).encode())
    assert len(parsed.events) == 1
    ((where, message),) = _errors(parsed)
    assert where == f"row 3, column {column}" and says in message, message


FEED = {
    "terminal": "HITHK",
    "location": "HKHKG",
    "releases": [
        {"container": "MSCU1234566", "status": "RELEASED", "at": "2026-11-23T10:02:00+08:00", "mbl": "PONU0123456"}
    ],
}


@pytest.mark.parametrize(
    ("where", "value", "place", "says"),
    [
        (("releases", 0, "container"), "MSCU1234565", "$.releases[0].container", "check digit should be 6"),
        (("releases", 0, "mbl"), "PO1", "$.releases[0].mbl", "too short"),
        (("location",), "XXHKG", "$.location", "XX is not an ISO 3166 country code"),
    ],
)
def test_terminal_json_identifiers(where: tuple[Any, ...], value: str, place: str, says: str) -> None:
    feed: Any = copy.deepcopy(FEED)
    holder = feed
    for part in where[:-1]:
        holder = holder[part]
    holder[where[-1]] = value
    parsed = TerminalJsonAdapter().parse(json.dumps(feed).encode())
    ((location, message),) = _errors(parsed)
    assert location == place and says in message, message


def _v22() -> list[dict[str, Any]]:
    return json.loads((SAMPLES / "dcsa" / "hkg_tnt22_import_export.json").read_text())  # type: ignore[no-any-return]


def _v3() -> list[dict[str, Any]]:
    return json.loads((SAMPLES / "dcsa" / "hkg_tnt3_reefer.json").read_text())  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("index", "where", "value", "says"),
    [
        (1, ("equipmentReference",), "PSLU3054387", "check digit should be 8"),
        (0, ("transportCall", "UNLocationCode"), "XXHKG", "XX is not an ISO 3166 country code"),
        (0, ("transportCall", "vessel", "vesselIMONumber"), "9701232", "check digit should be 1"),
        (0, ("documentReferences", 1, "documentReferenceValue"), "PSL!", "is not a letter or digit"),
    ],
)
def test_dcsa_2_2_identifiers(index: int, where: tuple[Any, ...], value: str, says: str) -> None:
    events = _v22()
    holder: Any = events[index]
    for part in where[:-1]:
        holder = holder[part]
    holder[where[-1]] = value
    parsed = DcsaTnt22Adapter().parse(json.dumps(events).encode())
    assert len(parsed.events) == len(events) - 1
    ((location, message),) = _errors(parsed)
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in where)
    assert location == f"$[{index}]{path}" and says in message, (location, message)


@pytest.mark.parametrize(
    ("where", "value", "says"),
    [
        (("payload", "transportCall", "location", "UNLocationCode"), "XXHKG", "XX is not an ISO 3166 country code"),
        (("payload", "transportCall", "vessel", "vesselIMONumber"), "9413873", "check digit should be 2"),
        (("payload", "relatedDocumentReferences", 1, "value"), "PSL", "too short"),
    ],
)
def test_dcsa_3_identifiers(where: tuple[Any, ...], value: str, says: str) -> None:
    events = _v3()
    holder: Any = events[0]
    for part in where[:-1]:
        holder = holder[part]
    holder[where[-1]] = value
    parsed = DcsaTnt3Adapter().parse(json.dumps(events).encode())
    assert len(parsed.events) == len(events) - 1
    ((location, message),) = _errors(parsed)
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in where)
    assert location == f"$[0]{path}" and says in message, (location, message)


def test_dcsa_3_container_check_digit() -> None:
    events = _v3()
    index = next(i for i, e in enumerate(events) if "equipmentReference" in (e.get("payload") or {}))
    number = events[index]["payload"]["equipmentReference"]
    events[index]["payload"]["equipmentReference"] = number[:-1] + str((int(number[-1]) + 1) % 10)
    parsed = DcsaTnt3Adapter().parse(json.dumps(events).encode())
    ((location, message),) = _errors(parsed)
    assert location == f"$[{index}].payload.equipmentReference" and "check digit" in message
