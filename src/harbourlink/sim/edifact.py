"""The terminal's EDIFACT: COARRI for vessel and barge moves, CODECO for gate moves (pure).

After the SMDG guides (D.00B, SMDG21), as ``integrations.edifact`` reads them and as the
samples in ``tests/samples/edifact`` show::

    UNB … UNH+n+COARRI:D:00B:UN:SMDG21  BGM+98 (discharge) | 270 (loading)  DTM+137
        TDT+20+VOYAGE+1|8++CARRIER:172:20+++IMO:146:11:NAME  LOC+11|9+HKHKG:139:6+TERM:TER:ZZZ
        EQD+CN+NUMBER:6346:5+ISO:102:5++3|2+5  RFF+BM  DTM+203  LOC+147  LOC+9  LOC+11  MEA  SEL
    UNH+n+CODECO:D:00B:UN:SMDG21  BGM+34 (gate-in) | 36 (gate-out)  DTM+137  NAD+MS
        EQD  RFF+BM  DTM+7  LOC+165+HKHKG:139:6+TERM:TER:ZZZ  MEA  SEL  TDT+1++3 (truck plate)
    … CNT+16  UNT   UNZ

Times are Hong Kong local (format 203), as the terminals write them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from harbourlink.sim.messages import HONG_KONG_TIME
from harbourlink.sim.scenario import Box, Call

RECIPIENT = "HARBOURLINK"
_MODE_CODES = {"VESSEL": "1", "BARGE": "8"}


@dataclass(frozen=True)
class VesselMove:
    """A container discharged from (DISC) or loaded on (LOAD) a call."""

    box: Box
    code: str
    at: datetime
    mbl: str
    port_of_loading: str
    port_of_discharge: str


@dataclass(frozen=True)
class GateMove:
    """A container through the gate: in (GTIN) or out (GTOT) on a truck."""

    box: Box
    code: str
    at: datetime
    mbl: str
    truck: str | None


def _escape(text: str) -> str:
    """EDIFACT release character before the service characters a value may contain."""
    for character in "?:+'":
        text = text.replace(character, "?" + character)
    return text


def _local(moment: datetime, layout: str = "%Y%m%d%H%M") -> str:
    return moment.astimezone(HONG_KONG_TIME).strftime(layout)


def interchange(
    *, sender: str, control_ref: str, prepared: datetime, messages: Sequence[tuple[str, list[str]]]
) -> bytes:
    """An interchange of messages, each given as (type, body segments without UNH/UNT)."""
    stamp = _local(prepared, "%y%m%d:%H%M")
    segments = ["UNA:+.? '", f"UNB+UNOC:3+{sender}:ZZZ+{RECIPIENT}:ZZZ+{stamp}+{control_ref}'"]
    for number, (kind, body) in enumerate(messages, start=1):
        reference = f"{control_ref[-6:]}{number:02d}"
        segments.append(f"UNH+{reference}+{kind}:D:00B:UN:SMDG21'")
        segments.extend(body)
        segments.append(f"UNT+{len(body) + 2}+{reference}'")
    segments.append(f"UNZ+{len(messages)}+{control_ref}'")
    return "\n".join(segments).encode("ascii")


def _equipment(box: Box, status: str) -> str:
    return f"EQD+CN+{box.number}:6346:5+{box.iso_code}:102:5++{status}+5'"


def _vessel(call: Call, voyage: str) -> str:
    name = _escape(call.vessel.name)
    return f"TDT+20+{voyage}+{_MODE_CODES[call.mode]}++{call.carrier}:172:20+++{call.vessel.imo}:146:11:{name}'"


def coarri(call: Call, moves: list[VesselMove], *, control_ref: str, prepared: datetime) -> bytes:
    """A COARRI interchange: one discharge and/or one loading report of a call."""
    messages = []
    for code, document, status in (("DISC", "98", "3"), ("LOAD", "270", "2")):
        chosen = [m for m in moves if m.code == code]
        if not chosen:
            continue
        place, voyage = ("11", call.voyage_in) if code == "DISC" else ("9", call.voyage_out)
        body = [
            f"BGM+{document}+{control_ref}{document}+9'",
            f"DTM+137:{_local(prepared)}:203'",
            _vessel(call, voyage),
            f"LOC+{place}+HKHKG:139:6+{call.terminal}:TER:ZZZ'",
            f"NAD+CF+{call.carrier}:160:ZZZ'",
        ]
        for move in chosen:
            body += [
                _equipment(move.box, status),
                f"RFF+BM:{move.mbl}'",
                f"DTM+203:{_local(move.at)}:203'",
                f"LOC+147+{move.box.stowage}::5'",
                f"LOC+9+{move.port_of_loading}:139:6'",
                f"LOC+11+{move.port_of_discharge}:139:6'",
                f"MEA+AAE+VGM+KGM:{move.box.gross_kg}'",
                f"SEL+{move.box.seal}+CA'",
            ]
        body.append(f"CNT+16:{len(chosen)}'")
        messages.append(("COARRI", body))
    return interchange(sender=call.terminal, control_ref=control_ref, prepared=prepared, messages=messages)


def codeco(terminal: str, moves: list[GateMove], *, control_ref: str, prepared: datetime) -> bytes:
    """A CODECO interchange: one gate-in and/or one gate-out report of a terminal."""
    messages = []
    for code, document, status in (("GTIN", "34", "2"), ("GTOT", "36", "3")):
        chosen = [m for m in moves if m.code == code]
        if not chosen:
            continue
        body = [
            f"BGM+{document}+{control_ref}{document}+9'",
            f"DTM+137:{_local(prepared)}:203'",
            f"NAD+MS+{terminal}:160:ZZZ'",
        ]
        for move in chosen:
            body += [
                _equipment(move.box, status),
                f"RFF+BM:{move.mbl}'",
                f"DTM+7:{_local(move.at)}:203'",
                f"LOC+165+HKHKG:139:6+{terminal}:TER:ZZZ'",
                f"MEA+AAE+VGM+KGM:{move.box.gross_kg}'",
                f"SEL+{move.box.seal}+CA'",
            ]
            if move.truck:
                body.append(f"TDT+1++3++:172:ZZZ+++{_escape(move.truck)}:146'")
        body.append(f"CNT+16:{len(chosen)}'")
        messages.append(("CODECO", body))
    return interchange(sender=terminal, control_ref=control_ref, prepared=prepared, messages=messages)
