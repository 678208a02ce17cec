"""render_iftsta: what it writes, this package reads back into the same events."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harbourlink.events import Classifier, EventType
from harbourlink.integrations.edifact import EdifactAdapter, StatusEvent, Unrenderable, render_iftsta
from harbourlink.references import awb_check_digit, container_check_digit, imo_check_digit

ADAPTER = EdifactAdapter()
RENDERABLE = [
    (EventType.TRANSPORT, "ARRI"),
    (EventType.TRANSPORT, "DEPA"),
    (EventType.EQUIPMENT, "LOAD"),
    (EventType.EQUIPMENT, "DISC"),
    (EventType.EQUIPMENT, "GTIN"),
    (EventType.EQUIPMENT, "GTOT"),
    (EventType.EQUIPMENT, "AVPU"),
    (EventType.RELEASE, "RELS"),
    (EventType.CUSTOMS, "CUSR"),
]
PLACES = {"HKHKG": ["HITHK", "MTLHK", "CHTHK", "DPWHK", "ACTHK"], "CNSHA": [], "NLRTM": [], "SGSIN": []}
UPPER_DIGITS = string.ascii_uppercase + string.digits


def _read_back(text: str) -> list[StatusEvent]:
    parsed = ADAPTER.parse(text.encode("utf-8"))
    assert parsed.errors == []
    return [StatusEvent.from_draft(draft) for draft in parsed.events]


@st.composite
def containers(draw: st.DrawFn) -> str:
    first = (
        draw(st.text(string.ascii_uppercase, min_size=3, max_size=3))
        + "U"
        + draw(st.text(string.digits, min_size=6, max_size=6))
    )
    return first + container_check_digit(first)


@st.composite
def imo_numbers(draw: st.DrawFn) -> str:
    first = draw(st.text(string.digits, min_size=6, max_size=6).filter(lambda d: d[0] != "0"))
    return first + imo_check_digit(first)


@st.composite
def air_waybills(draw: st.DrawFn) -> str:
    serial = draw(st.text(string.digits, min_size=7, max_size=7))
    return draw(st.text(string.digits, min_size=3, max_size=3)) + serial + awb_check_digit(serial)


def _codes(low: int, high: int) -> st.SearchStrategy[str]:
    return st.text(UPPER_DIGITS, min_size=low, max_size=high)


# Names as registries print them, with EDIFACT's own separators and release character among them.
NAMES = (
    st.text(string.ascii_uppercase + string.digits + " .-'+:?&/" + "海港", min_size=1, max_size=35)
    .map(str.strip)
    .filter(bool)
)
REFERENCES = st.lists(
    st.one_of(
        st.tuples(st.just("CONTAINER"), containers()),
        st.tuples(st.just("MBL"), _codes(8, 20)),
        st.tuples(st.just("HBL"), _codes(4, 35)),
        st.tuples(st.just("BOOKING"), _codes(6, 35)),
        st.tuples(st.just("DECLARATION"), _codes(6, 35)),
        st.tuples(st.just("AWB"), air_waybills()),
    ),
    max_size=4,
)
TIMES = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis adds the zones below
    max_value=datetime(2099, 12, 31),  # noqa: DTZ001
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5, minutes=-30))]),
)


@st.composite
def status_events(draw: st.DrawFn) -> StatusEvent:
    event_type, code = draw(st.sampled_from(RENDERABLE))
    references = draw(REFERENCES)
    location = draw(st.none() | st.sampled_from(sorted(PLACES)))
    facility = draw(st.none() | st.sampled_from(PLACES[location])) if location and PLACES[location] else None
    mode = draw(st.none() | st.sampled_from(["VESSEL", "BARGE", "RAIL", "TRUCK", "AIR"]))
    vessel_imo = draw(st.none() | imo_numbers()) if mode in (None, "VESSEL", "BARGE") else None
    has_container = any(kind == "CONTAINER" for kind, _ in references)
    return StatusEvent(
        event_type=event_type,
        event_code=code,
        classifier=draw(st.sampled_from([Classifier.ACT, Classifier.EST])),
        event_time=draw(TIMES).replace(second=0, microsecond=0),
        references=tuple(references),
        location=location,
        facility=facility,
        vessel_imo=vessel_imo,
        vessel_name=draw(st.none() | NAMES),
        voyage=draw(st.none() | _codes(1, 10)),
        mode_of_transport=mode,
        empty_indicator=draw(st.sampled_from([None, "EMPTY", "LADEN"])) if has_container else None,
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(status_events(), max_size=6), _codes(1, 14), NAMES.filter(lambda n: "海港" not in n))
def test_render_then_parse_gives_the_same_events(events: list[StatusEvent], control_ref: str, sender: str) -> None:
    text = render_iftsta(
        events,
        sender=sender,
        recipient="HARBOURLINK",
        control_ref=control_ref,
        prepared=datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
    )
    assert _read_back(text) == events


def test_rendered_interchange_reads_like_a_carriers() -> None:
    event = StatusEvent(
        EventType.TRANSPORT,
        "ARRI",
        Classifier.ACT,
        datetime(2026, 11, 21, 22, 10, tzinfo=UTC),
        (("MBL", "OOLU2301987650"),),
        "HKHKG",
        "HITHK",
        "9776171",
        "O'NEILL+SONS",
        "128E",
        "VESSEL",
    )
    text = render_iftsta(
        [event],
        sender="HARBOURLINK",
        recipient="OOLU",
        control_ref="DL000001",
        prepared=datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
    )
    assert text.splitlines() == [
        "UNA:+.? '",
        "UNB+UNOW:4+HARBOURLINK+OOLU+20261123:1200+DL000001'",
        "UNH+1+IFTSTA:D:99B:UN'",
        "BGM+23+DL000001+9'",
        "DTM+137:202611231200?+0000:205'",
        "CNI+1'",
        "STS+1+VA'",
        "RFF+BM:OOLU2301987650'",
        "DTM+334:202611212210?+0000:205'",
        "LOC+175+HKHKG:139:6+HITHK:72:306'",
        "TDT+20+128E+1+++++9776171:146::O?'NEILL?+SONS'",
        "UNT+10+1'",
        "UNZ+1+DL000001'",
    ]
    assert _read_back(text) == [event]


def test_stored_events_and_plain_mappings_render_alike() -> None:
    mapping = {
        "event_type": "EQUIPMENT",
        "event_code": "GTOT",
        "classifier": "ACT",
        "event_time": datetime(2026, 11, 23, 2, 15, tzinfo=UTC),
        "references": [{"kind": "CONTAINER", "value": "MSCU1234566"}],
        "location": "HKHKG",
        "facility": "HITHK",
        "empty_indicator": "LADEN",
    }
    from_mapping = StatusEvent.from_mapping(mapping)
    assert from_mapping.references == (("CONTAINER", "MSCU1234566"),)
    text = render_iftsta([from_mapping], sender="HL", recipient="X", control_ref="1")
    assert "EQD+CN+MSCU1234566++++5'" in text and "STS+1+OA'" in text


def test_no_events_is_an_empty_interchange() -> None:
    text = render_iftsta([], sender="HL", recipient="X", control_ref="7", prepared=datetime(2026, 1, 1, tzinfo=UTC))
    assert text.splitlines()[-1] == "UNZ+0+7'"
    assert ADAPTER.parse(text.encode()).errors == []


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"event_type": EventType.EQUIPMENT, "event_code": "STUF"}, "has no IFTSTA status code"),
        ({"classifier": Classifier.PLN}, "not planned ones"),
        ({"location": None}, "without its UN/LOCODE"),
        ({"references": (("MBL", "OOLU2301987650"),), "empty_indicator": "EMPTY"}, "the event names none"),
        ({"mode_of_transport": "TRUCK"}, "not a truck move"),
    ],
)
def test_what_iftsta_cannot_say_is_refused(changes: dict[str, object], reason: str) -> None:
    base = {
        "event_type": EventType.EQUIPMENT,
        "event_code": "LOAD",
        "classifier": Classifier.ACT,
        "event_time": datetime(2026, 11, 21, tzinfo=UTC),
        "references": (("CONTAINER", "MSCU1234566"),),
        "location": "HKHKG",
        "facility": "HITHK",
        "vessel_imo": "9776171",
    }
    event = StatusEvent(**{**base, **changes})  # type: ignore[arg-type]
    with pytest.raises(Unrenderable, match=reason):
        render_iftsta([event], sender="HL", recipient="X", control_ref="1")
