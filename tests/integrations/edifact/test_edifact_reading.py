"""The EDIFACT adapter alone (no database): framing, service characters, envelopes, per-item refusal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydifact.control.characters import Characters
from pydifact.parser import Parser
from pydifact.tokenizer import Tokenizer

from harbourlink.events import Classifier, EventDraft
from harbourlink.integrations.edifact import EdifactAdapter
from harbourlink.integrations.edifact.syntax import _split
from harbourlink.integrations.parsing import Parsed

SAMPLES = Path(__file__).parent.parent.parent / "samples" / "edifact"
ADAPTER = EdifactAdapter()

GATE_IN = [
    "UNH+M1+CODECO:D:00B:UN:SMDG21",
    "BGM+34+GI1+9",
    "EQD+CN+OOLU6183924+45G1:102:5++2+5",
    "DTM+7:202611210915:203",
    "LOC+165+HKHKG:139:6+HITHK:TER:ZZZ",
]


def _edi(
    segments: list[str],
    *,
    una: str = "UNA:+.? '",
    sep: str = "\n",
    ref: str = "IC1",
    sender: str = "HITHK",
    charset: str = "UNOC:3",
) -> str:
    """An interchange around whole messages (each list starts with its UNH); counts are computed."""
    body: list[str] = []
    messages = 0
    for segment in segments:
        if segment.startswith("UNH"):
            messages += 1
            start = len(body)
        body.append(segment)
        if segment.startswith("UNT+?"):
            body[-1] = f"UNT+{len(body) - start}+{segment.split('+')[2]}"
    terminator = una[-1] if una else "'"
    lines = [f"UNB+{charset}+{sender}+OOLU+261121:1750+{ref}", *body, f"UNZ+{messages}+{ref}"]
    return (una + sep if una else "") + "".join(line + terminator + sep for line in lines)


def _parse(text: str, encoding: str = "latin-1") -> Parsed:
    return ADAPTER.parse(text.encode(encoding))


def _codes(parsed: Parsed) -> list[tuple[str, str]]:
    return [(e.event_type.value, e.event_code) for e in parsed.events]


def test_single_line_and_one_segment_per_line_read_alike() -> None:
    lines = _parse(_edi([*GATE_IN, "UNT+?+M1"]))
    single = _parse(_edi([*GATE_IN, "UNT+?+M1"], sep=""))
    crlf = _parse(_edi([*GATE_IN, "UNT+?+M1"], sep="\r\n"))
    assert lines.errors == single.errors == crlf.errors == []
    assert [_key(e) for e in lines.events] == [_key(e) for e in single.events] == [_key(e) for e in crlf.events]


def _key(event: EventDraft) -> tuple[object, ...]:
    return (event.source_key, event.event_code, event.event_time, tuple(event.references), event.facility)


def test_concatenated_interchanges_each_with_their_own_una() -> None:
    first = _edi([*GATE_IN, "UNT+?+M1"], ref="IC1")
    second = (
        "UNA|*.\\ ~\nUNB*UNOC|3*HITHK*OOLU*261121|1750*IC2~\nUNH*M1*CODECO|D|00B|UN|SMDG21~\n"
        "BGM*34*GI1*9~\nEQD*CN*CSNU7145201*22G1|102|5**2*5~\nDTM*7|202611210915|203~\n"
        "LOC*165*HKHKG|139|6*HITHK|TER|ZZZ~\nSEL*A+B:C'D\\~E*CA~\nUNT*7*M1~\nUNZ*1*IC2~\n"
    )
    parsed = _parse(first + second)
    assert parsed.errors == []
    assert [e.source_key for e in parsed.events] == ["edifact:HITHK:IC1:M1:1", "edifact:HITHK:IC2:M1:1"]
    assert [e.reference("CONTAINER") for e in parsed.events] == ["OOLU6183924", "CSNU7145201"]
    assert parsed.events[1].details["seals"] == [{"number": "A+B:C'D~E", "source": "CAR"}]


def test_interchange_numbers_appear_when_a_file_holds_several() -> None:
    good = _edi([*GATE_IN, "UNT+?+M1"], ref="IC1")
    bad = _edi([*GATE_IN[:3], "DTM+7:2026:203", GATE_IN[4], "UNT+?+M1"], ref="IC2")
    parsed = _parse(good + bad)
    assert len(parsed.events) == 1
    assert [e.location for e in parsed.errors] == ["segment 6 (DTM), interchange 2, message M1"]


def test_release_characters_are_undone() -> None:
    vessel = "TDT+20+12?+E+1++OOL:172:20+++9776171:146:11:O?'NEILL?:S ?? PRIDE"
    parsed = _parse(_edi([*GATE_IN[:2], vessel, *GATE_IN[2:], "UNT+?+M1"]))
    assert parsed.errors == []
    assert (parsed.events[0].vessel_name, parsed.events[0].voyage) == ("O'NEILL:S ? PRIDE", "12+E")


def test_a_bad_container_refuses_only_its_group() -> None:
    second = ["EQD+CN+CSNU7145202+22G1:102:5++2+5", "DTM+7:202611210941:203"]
    third = ["EQD+CN+TGHU8830146+45R1:102:5++2+5", "DTM+7:202611211002:203"]
    parsed = _parse(_edi([*GATE_IN, *second, *third, "CNT+16:3", "UNT+?+M1"]))
    assert [e.reference("CONTAINER") for e in parsed.events] == ["OOLU6183924", "TGHU8830146"]
    assert [e.source_key.rsplit(":", 1)[1] for e in parsed.events] == ["1", "3"]  # positions stay put
    assert [(e.location, e.message) for e in parsed.errors] == [
        ("segment 8 (EQD), message M1", "container number CSNU7145202: check digit should be 1, not 2")
    ]


def test_a_bad_header_refuses_only_its_message() -> None:
    bad = [s.replace("M1", "M2") for s in GATE_IN]
    bad.insert(2, "TDT+20+128E+1+++++9776172:146:11:OOCL HONG KONG")
    parsed = _parse(_edi([*GATE_IN, "UNT+?+M1", *bad, "UNT+?+M2"]))
    assert [e.source_key for e in parsed.events] == ["edifact:HITHK:IC1:M1:1"]
    assert [e.location for e in parsed.errors] == ["segment 11 (TDT), message M2"]
    assert parsed.errors[0].message.endswith("; the message is refused")


def test_wrong_unz_and_cnt_counts_are_reported_but_whole_messages_kept() -> None:
    text = _edi([*GATE_IN, "CNT+16:2", "UNT+?+M1"]).replace("UNZ+1+IC1", "UNZ+3+IC1")
    parsed = _parse(text)
    assert len(parsed.events) == 1
    assert [(e.location, e.message) for e in parsed.errors] == [
        ("segment 8 (CNT), message M1", "CNT+16 counts 2 containers but the message has 1 EQD groups"),
        (
            "segment 10 (UNZ)",
            "UNZ counts 3 messages but the interchange has 1; a message may have been lost on the way",
        ),
    ]


def test_missing_unz_keeps_whole_messages() -> None:
    text = _edi([*GATE_IN, "UNT+?+M1"]).replace("UNZ+1+IC1'\n", "")
    parsed = _parse(text)
    assert len(parsed.events) == 1
    assert [e.location for e in parsed.errors] == ["segment 8 (UNT)"]
    assert "no UNZ trailer" in parsed.errors[0].message


def test_functional_groups_are_counted_by_unz() -> None:
    text = _edi(["UNG+CODECO+HITHK+OOLU+261121:1750+G1+UN+D:00B", *GATE_IN, "UNT+?+M1", "UNE+1+G1"])
    assert _parse(text).errors == []


def test_times_with_their_own_zone_and_local_hong_kong_time() -> None:
    formats = {
        "202611210915:203": datetime(2026, 11, 21, 1, 15, tzinfo=UTC),
        "20261121091530:204": datetime(2026, 11, 21, 1, 15, 30, tzinfo=UTC),
        "202611210915?+0100:205": datetime(2026, 11, 21, 8, 15, tzinfo=UTC),
        "202611210915UTC:303": datetime(2026, 11, 21, 9, 15, tzinfo=UTC),
        "20261121091500-05:304": datetime(2026, 11, 21, 14, 15, tzinfo=UTC),
        "20261121:102": datetime(2026, 11, 20, 16, 0, tzinfo=UTC),
        "202611210915": datetime(2026, 11, 21, 1, 15, tzinfo=UTC),
    }
    for value, expected in formats.items():
        parsed = _parse(_edi([*GATE_IN[:3], f"DTM+7:{value}", GATE_IN[4], "UNT+?+M1"]))
        assert parsed.errors == [], value
        assert parsed.events[0].event_time == expected, value


def test_an_unreleased_plus_in_a_time_zone_is_caught() -> None:
    parsed = _parse(_edi([*GATE_IN[:3], "DTM+7:202611210915+0100:205", GATE_IN[4], "UNT+?+M1"]))
    assert parsed.events == []
    assert parsed.errors[0].location == "segment 6 (DTM), message M1"
    assert "release character" in parsed.errors[0].message


def test_local_zone_can_be_chosen() -> None:
    rotterdam = EdifactAdapter(local_zone=timezone(timedelta(hours=1)))
    parsed = rotterdam.parse(_edi([*GATE_IN, "UNT+?+M1"]).encode())
    assert parsed.events[0].event_time == datetime(2026, 11, 21, 8, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("charset", "encoding"), [("UNOW:4", "utf-8"), ("UNOC:3", "latin-1"), ("UNOA:2", "utf-8"), ("UNOB:2", "latin-1")]
)
def test_character_repertoires(charset: str, encoding: str) -> None:
    name = "HÅMBURG EXPRÉSS"
    vessel = f"TDT+20+128E+1+++++9776171:146:11:{name}"
    parsed = _parse(_edi([*GATE_IN[:2], vessel, *GATE_IN[2:], "UNT+?+M1"], charset=charset), encoding)
    assert parsed.errors == []
    assert parsed.events[0].vessel_name == name


def test_undecodable_text_names_its_segment() -> None:
    text = _edi([*GATE_IN, "FTX+AAI+++caf\xe9", "UNT+?+M1"], charset="UNOW:4")
    parsed = _parse(text)
    assert [(e.location, e.message) for e in parsed.errors] == [
        (
            "segment 8 (FTX), message M1",
            f"byte 0xE9 at offset {text.index(chr(0xE9))} is not UTF-8 text, as the UNB declares",
        )
    ]


def test_byte_order_mark_and_blank_lines_are_tolerated() -> None:
    text = "\ufeff\n\n" + _edi([*GATE_IN, "UNT+?+M1"]) + "\n\n"
    assert len(_parse(text, "utf-8").events) == 1


def test_iftsta_without_cni_and_estimated_times() -> None:
    statuses = [
        "UNH+S1+IFTSTA:D:99B:UN",
        "BGM+23+S1+9",
        "RFF+BM:OOLU2301987650",
        "STS+1+VA",
        "DTM+132:202611212200:203",
        "LOC+175+HKHKG:139:6",
        "TDT+20+128E+1+++++9776171:146:11:OOCL HONG KONG",
        "STS+1+EE",
        "DTM+334:202611200800:203",
        "EQD+CN+MSCU1234566+45G1:102:5",
        "UNT+?+S1",
    ]
    parsed = _parse(_edi(statuses))
    assert parsed.errors == []
    arrival, empty = parsed.events
    assert (arrival.event_code, arrival.classifier, arrival.vessel_imo) == ("ARRI", Classifier.EST, "9776171")
    assert (empty.event_code, empty.details["empty_indicator"]) == ("GTOT", "EMPTY")


def test_iftsta_status_without_time_is_refused_alone() -> None:
    statuses = [
        "UNH+S1+IFTSTA:D:99B:UN",
        "BGM+23+S1+9",
        "CNI+1+OOLU2301987650",
        "STS+1+CR",
        "RFF+BM:OOLU2301987650",
        "STS+1+CT",
        "DTM+334:202611221030:203",
        "RFF+BM:OOLU2301987650",
        "UNT+?+S1",
    ]
    parsed = _parse(_edi(statuses))
    assert _codes(parsed) == [("CUSTOMS", "CUSR")]
    assert [(e.location, e.message) for e in parsed.errors] == [
        ("segment 6 (STS), message S1", "status CR has no DTM+334 (status date/time) directly under its STS")
    ]


def test_coarri_codes_of_both_directories() -> None:
    for code, event in (("98", "DISC"), ("44", "DISC"), ("270", "LOAD"), ("46", "LOAD"), ("122", "LOAD")):
        report = [
            "UNH+C1+COARRI:D:95B:UN:ITG12",
            f"BGM+{code}+R1+9",
            "TDT+20+128E+1++OOL:172:20+++VRQC5:103::OOCL HONG KONG",
            "LOC+9+HKHKG:139:6+HITHK:TER:ZZZ",
            "LOC+11+HKHKG:139:6+HITHK:TER:ZZZ",
            "EQD+CN+MSCU1234566+45G1:102:5",
            "DTM+203:202611220112:203",
            "UNT+?+C1",
        ]
        parsed = _parse(_edi(report))
        assert (parsed.errors, _codes(parsed)) == ([], [("EQUIPMENT", event)]), code
        assert parsed.events[0].details["vessel_call_sign"] == "VRQC5"
        assert parsed.events[0].vessel_imo is None and parsed.events[0].facility == "HITHK"


def test_cancellation_is_refused_with_a_reason() -> None:
    parsed = _parse(_edi([GATE_IN[0], "BGM+34+GI1+1", *GATE_IN[2:], "UNT+?+M1"]))
    assert parsed.events == []
    assert "cancellation" in parsed.errors[0].message and parsed.errors[0].location.startswith("segment 4 (BGM)")


def test_empty_and_blank_files() -> None:
    assert [e.location for e in ADAPTER.parse(b"  \r\n").errors] == ["file"]


def test_samples_read_cleanly() -> None:
    counts = {}
    for sample in sorted(SAMPLES.glob("*.edi")):
        parsed = ADAPTER.parse(sample.read_bytes())
        assert parsed.errors == [], sample.name
        counts[sample.name] = len(parsed.events)
    assert counts == {
        "codeco_hit_gate_in_out.edi": 5,
        "coarri_oocl_discharge_hit.edi": 3,
        "iftsta_oocl_statuses.edi": 7,
    }


def _normalised(elements: Sequence[str | Sequence[str]]) -> list[list[str]]:
    result = []
    for element in elements:
        parts = [element] if isinstance(element, str) else list(element)
        while parts and parts[-1] == "":
            parts.pop()
        result.append(parts)
    return result


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="AB1 :+.-é", min_size=1, max_size=30))
def test_plain_split_agrees_with_pydifact(text: str) -> None:
    characters = Characters.from_str(":+.? '")
    tokens = Tokenizer().get_tokens("TAG+" + text + "'", characters)
    by_pydifact = next(iter(Parser().convert_tokens_to_raw_segments(tokens)))
    assert _normalised(_split(Parser(), characters, "TAG+" + text)) == _normalised(by_pydifact)


SAMPLE_BYTES = [sample.read_bytes() for sample in sorted(SAMPLES.glob("*.edi"))]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(SAMPLE_BYTES),
    st.lists(st.tuples(st.floats(0, 1), st.integers(0, 12), st.binary(max_size=3)), min_size=1, max_size=4),
)
def test_damaged_files_never_crash_and_always_say_where(raw: bytes, damage: list[tuple[float, int, bytes]]) -> None:
    for where, cut, insert in damage:
        at = int(where * len(raw))
        raw = raw[:at] + insert + raw[at + cut :]
    parsed = ADAPTER.parse(raw)
    assert all(e.location.startswith(("segment ", "file")) and e.message for e in parsed.errors)
    assert all(str(e.origin).startswith("segment ") for e in parsed.events)
