"""The advance manifest of a river-trade voyage (R-VAS-2) as an EDIFACT ``CUSCAR`` interchange.

One message per voyage; one consignment group per B/L on it::

    UNB+UNOW:4+sender+HKCED+date:time+ref  UNH+1+CUSCAR:D:95B:UN  BGM+85+ref+9
    TDT+20+VOYAGE+3+++++IMO:146::NAME  LOC+5+LOADING  LOC+60+DISCHARGE  DTM+132:arrival:203
    CNI+n+BL  RFF+BM:BL  (GID+1+packages  FTX+AAA+++description)  MEA+AAE+G+KGM:weight  EQD+CN+container …
    UNT+count+1  UNZ+1+ref

Everything comes from what HarbourLink holds: the voyage's events, the B/Ls and containers they
name, and the goods and weights of the invoices and packing lists uploaded for each B/L.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from pydifact.control.characters import Characters
from pydifact.segments import Segment
from pydifact.serializer import Serializer

CHARACTERS = ":+.? '"


@dataclass(frozen=True)
class ManifestLine:
    """One B/L aboard: its containers, packages, gross weight and goods, when known."""

    bl: str
    containers: tuple[str, ...]
    packages: int | None = None
    gross_kg: Decimal | None = None
    goods: str | None = None


@dataclass(frozen=True)
class Voyage:
    vessel_name: str | None
    vessel_imo: str | None
    voyage: str
    loading: str | None
    discharge: str | None
    arrival: datetime | None


def _time(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y%m%d%H%M}"


def render_cuscar(
    voyage: Voyage, lines: Sequence[ManifestLine], *, sender: str, control_ref: str, prepared: datetime
) -> str:
    """The voyage's manifest as one CUSCAR message in one interchange, UTF-8 (UNOW, syntax version 4)."""
    message = [
        Segment("UNH", "1", ["CUSCAR", "D", "95B", "UN"]),
        Segment("BGM", "85", control_ref, "9"),
        Segment(
            "TDT",
            "20",
            voyage.voyage,
            "3",
            "",
            "",
            "",
            "",
            [voyage.vessel_imo or "", "146", "", voyage.vessel_name or ""],
        ),
    ]
    if voyage.loading:
        message.append(Segment("LOC", "5", voyage.loading))
    if voyage.discharge:
        message.append(Segment("LOC", "60", voyage.discharge))
    if voyage.arrival:
        message.append(Segment("DTM", ["132", _time(voyage.arrival), "203"]))
    for number, line in enumerate(lines, start=1):
        message.append(Segment("CNI", str(number), line.bl))
        message.append(Segment("RFF", ["BM", line.bl]))
        if line.packages is not None:
            message.append(Segment("GID", "1", str(line.packages)))
        if line.goods:
            message.append(Segment("FTX", "AAA", "", "", line.goods[:512]))
        if line.gross_kg is not None:
            message.append(Segment("MEA", "AAE", "G", ["KGM", str(line.gross_kg)]))
        message.extend(Segment("EQD", "CN", box) for box in line.containers)
    message.append(Segment("UNT", str(len(message) + 1), "1"))
    interchange = [
        Segment("UNB", ["UNOW", "4"], sender, "HKCED", [f"{prepared:%Y%m%d}", f"{prepared:%H%M}"], control_ref),
        *message,
        Segment("UNZ", "1", control_ref),
    ]
    return Serializer(Characters.from_str(CHARACTERS)).serialize(interchange, with_una_header=True, break_lines=True)
