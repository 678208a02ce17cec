"""Carrier prefixes on master bill of lading numbers.

Most ocean carriers write their master B/L numbers behind a four-letter prefix, usually their
SCAC (NMFTA's Standard Carrier Alpha Code) or their BIC container prefix: ``MAEU203176301``,
``MEDUHG271461``. The prefix is a hint for display and routing, never a rule: an unknown
prefix, or none, is still a valid B/L number. Some carriers print the number without its
prefix (Maersk's nine digits, COSCO's ten), and tracking services then add the SCAC.

Each entry says how sure we are (``evidence``):

- ``observed``   seen in front of real B/L numbers in public shipment-tracking lists;
- ``documented`` given as the B/L prefix or carrier code by a tracking service's public
  guide to B/L formats, not yet seen on a document;
- ``unsure``     the carrier's SCAC or container prefix from memory or a second-hand list;
  may not appear on its B/Ls. Check before relying on it.

Not listed on purpose: ``EMCU`` is Evergreen's container owner code; its B/Ls use ``EGLV``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

Evidence = Literal["observed", "documented", "unsure"]


@dataclass(frozen=True, slots=True)
class CarrierPrefix:
    """A B/L number prefix, the carrier it names, and how sure the table is of it."""

    prefix: str
    carrier: str
    evidence: Evidence


_TABLE: tuple[tuple[str, str, Evidence], ...] = (
    ("MAEU", "Maersk", "observed"),
    ("MEDU", "MSC", "observed"),
    ("CMDU", "CMA CGM", "observed"),
    ("EGLV", "Evergreen", "observed"),
    ("HDMU", "HMM", "observed"),
    ("ZIMU", "ZIM", "observed"),
    ("OOLU", "OOCL", "observed"),
    ("YMLU", "Yang Ming", "observed"),
    ("MSCU", "MSC", "documented"),
    ("COSU", "COSCO Shipping", "documented"),
    ("HLCU", "Hapag-Lloyd", "documented"),
    ("ONEY", "Ocean Network Express", "documented"),
    ("APLU", "APL", "documented"),
    ("ANNU", "ANL", "documented"),
    ("SUDU", "Hamburg Süd", "documented"),
    ("KMTU", "KMTC", "documented"),
    ("MATS", "Matson", "documented"),
    ("CKCO", "CK Line", "documented"),
    ("ACLU", "Atlantic Container Line", "documented"),
    ("SMLM", "SM Line", "documented"),
    ("MOLU", "MOL (before ONE)", "documented"),
    ("YMJA", "Yang Ming", "unsure"),
    ("MRKU", "Maersk", "unsure"),
    ("CMAU", "CMA CGM", "unsure"),
    ("CCLU", "COSCO Shipping", "unsure"),
    ("CSLU", "COSCO Shipping", "unsure"),
    ("CBHU", "COSCO Shipping", "unsure"),
    ("WHLC", "Wan Hai Lines", "unsure"),
    ("PCIU", "Pacific International Lines", "unsure"),
    ("ESPU", "Emirates Shipping Line", "unsure"),
    ("KKLU", "K Line (before ONE)", "unsure"),
    ("NYKS", "NYK Line (before ONE)", "unsure"),
)

CARRIER_PREFIXES: Mapping[str, CarrierPrefix] = MappingProxyType(
    {prefix: CarrierPrefix(prefix, carrier, evidence) for prefix, carrier, evidence in _TABLE}
)


def carrier_prefix_of(value: str) -> CarrierPrefix | None:
    """The known carrier prefix a folded B/L number starts with, if something follows it."""
    return CARRIER_PREFIXES.get(value[:4]) if len(value) > 4 else None
