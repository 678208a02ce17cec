"""The eSeal protocol: every sentence type, its ACK, a sentence without a fix, and a stream cut anywhere."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from harbourlink.elock import eseal
from harbourlink.elock.eseal import EsealError, Frame, Framer, Reply, Sentence, SentenceType


def sentence(kind: str = "Normal", *, index: int = 7, validity: str = "A", door: str = "Close") -> str:
    return (
        f"##S,eSeal,1001,256,0.0.6,{kind},{index},2026-12-07,09:15:30,15,{validity},"
        f"22.308123N 113.938456E,45,62,{door},0.12,0,3.86,-75,E##"
    )


@pytest.mark.parametrize("kind", [t.value for t in SentenceType])
def test_each_type_is_decoded_and_answered_with_its_ack(kind: str) -> None:
    decoded = eseal.decode(sentence(kind))
    assert isinstance(decoded, Sentence)
    assert decoded.type.value == kind
    assert decoded.device_id == "1001"
    assert decoded.index == 7
    assert decoded.at == datetime(2026, 12, 7, 9, 15, 30, tzinfo=UTC)
    assert decoded.fix is not None
    assert (decoded.fix.latitude, decoded.fix.longitude) == (22.308123, 113.938456)
    assert decoded.fix.speed_kmh == 62.0 and decoded.fix.heading == 45.0
    assert decoded.battery_v == 3.86 and decoded.rssi == -75 and decoded.acceleration == 0.12
    payload = "7,0" if kind == "Startup" else "7"
    assert eseal.ack(decoded) == f"##S,eSeal,1001,256,0.0.6,{kind} ACK,{payload},E##\r\n".encode()


def test_startup_ack_carries_the_configuration() -> None:
    decoded = eseal.decode(sentence("Startup", index=1))
    assert isinstance(decoded, Sentence)
    assert eseal.ack(decoded, config="30") == b"##S,eSeal,1001,256,0.0.6,Startup ACK,1,30,E##\r\n"


def test_a_sentence_without_a_fix_keeps_the_door_and_drops_the_position() -> None:
    decoded = eseal.decode(sentence("Event-Door", validity="V", door="Open"))
    assert isinstance(decoded, Sentence)
    assert decoded.fix is None
    assert decoded.door_open is True
    assert decoded.type is SentenceType.DOOR


def test_southern_and_western_hemispheres_are_negative() -> None:
    decoded = eseal.decode(sentence().replace("22.308123N 113.938456E", "33.9N 18.4W"))
    assert isinstance(decoded, Sentence) and decoded.fix is not None
    assert (decoded.fix.latitude, decoded.fix.longitude) == (33.9, -18.4)


@pytest.mark.parametrize(
    "text", ["##S,eSeal,1001,256,0.0.6,Startup OK,E##", "##S,eSeal,1001,256,0.0.6,RC-NFC DEL ACK,E##"]
)
def test_short_forms_carry_no_position(text: str) -> None:
    decoded = eseal.decode(text)
    assert isinstance(decoded, Reply)
    assert decoded.device_id == "1001"
    assert decoded.text in ("Startup OK", "RC-NFC DEL ACK")


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (sentence().replace("Normal", "Bogus"), "type"),
        (sentence().replace("2026-12-07", "2026-13-07"), "date"),
        (sentence().replace(",A,", ",X,"), "validity"),
        (sentence().replace("22.308123N 113.938456E", "north"), "position"),
        (sentence().replace("22.308123N", "95.0N"), "position"),
        (sentence().replace("Close", "Ajar"), "door"),
        (sentence().replace(",62,", ",fast,"), "speed"),
        (sentence().replace("eSeal", "Other"), "family"),
        (sentence().replace(",-75,", ",-75,9,"), "sentence"),
        ("hello", "sentence"),
    ],
)
def test_a_bad_sentence_names_its_field(text: str, field: str) -> None:
    with pytest.raises(EsealError) as refused:
        eseal.decode(text)
    assert refused.value.field == field


def test_the_unlock_command_is_addressed_to_the_lock() -> None:
    decoded = eseal.decode(sentence())
    assert isinstance(decoded, Sentence)
    assert eseal.unlock_command(decoded) == b"##S,eSeal,1001,256,0.0.6,RC-Unlock,E##\r\n"


STREAM = (
    b"\x00\xffnoise\r\n"
    + sentence("Startup", index=1).encode()
    + b"\r\n"
    + b"##S,eSeal,1001,256,0.0.6,Normal,2,2026-12-07"  # cut off by the next sentence
    + sentence("Normal", index=3).encode()
    + sentence("Event-Lock", index=4).encode()
    + b"\r\njunk between\r\n"
    + sentence("Event-Door", index=5, validity="V").encode()
    + b"\r\n#"
)


def _frames(chunks: list[bytes]) -> list[Frame]:
    framer = Framer()
    frames = [frame for chunk in chunks for frame in framer.feed(chunk)]
    return frames + framer.close()


def test_a_stream_is_cut_into_sentences_and_garbage() -> None:
    frames = _frames([STREAM])
    good = [f.data for f in frames if not f.garbage]
    assert [eseal.decode(d.decode()).index for d in good] == [1, 3, 4, 5]  # type: ignore[union-attr]
    garbage = [f.data for f in frames if f.garbage]
    assert garbage[0] == b"\x00\xffnoise\r\n"
    assert garbage[1] == b"##S,eSeal,1001,256,0.0.6,Normal,2,2026-12-07"
    assert b"junk between" in garbage[2]
    assert garbage[-1].strip() == b"#"


def test_a_stream_split_at_every_byte_gives_the_same_frames() -> None:
    whole = _frames([STREAM])
    for cut in range(1, len(STREAM)):
        assert _frames([STREAM[:cut], STREAM[cut:]]) == whole, cut
    assert _frames([STREAM[i : i + 1] for i in range(len(STREAM))]) == whole


def test_nothing_fed_is_lost_but_blank_space() -> None:
    frames = _frames([STREAM])
    assert b"".join(f.data for f in frames).replace(b"\r\n", b"") == STREAM.replace(b"\r\n", b"")


def test_an_endless_sentence_comes_out_as_garbage_without_growing_the_buffer() -> None:
    framer = Framer(max_bytes=64)
    out = framer.feed(b"##S," + b"x" * 100)
    assert out == [Frame(b"##S," + b"x" * 100, garbage=True)]
    assert framer.feed(sentence().encode()) == [Frame(sentence().encode())]
