"""Identifiers of the trade: the references by which cargo, vessels and places are named.

Pure rules, no database; the only I/O is reading the bundled SMDG terminal list. Each
identifier is parsed from what people type (spaces, dashes, case and full-width forms
forgiven) into a value object, or refused with a ``ValidationFailed`` whose code is stable
and whose message says what is wrong and where::

    shared references (ReferenceType)          other identifiers
    ├── CONTAINER  ISO 6346 CSQU3054383        ├── IMO number   9074729  (vessels)
    ├── MBL        MAEU203176301 (+carrier)    ├── MMSI         477123456 (+kind, MID)
    ├── HBL        forwarder's own             ├── UN/LOCODE    HKHKG
    ├── AWB        160-12345675                ├── SMDG terminal (HKHKG, MTLHK)
    ├── HAWB       forwarder's house AWB       └── IATA airport (HKG)
    ├── BOOKING    carrier's booking
    └── DECLARATION customs declaration

``validate_reference`` checks a reference of a known kind; ``detect_reference_type`` says
what a search-box text could be; ``suggest`` recovers the held reference a corrupted one
meant ("did you mean MSCU1234566?"). ``normalise_reference`` is the lenient canonical
spelling grants are stored under; it agrees with ``validate_reference`` wherever that passes.

The SMDG Terminal Code List is © SMDG, CC-BY 4.0 (see ``terminals``).
"""

from harbourlink.references.airports import Airport, find_airport, parse_airport_code
from harbourlink.references.carriers import CARRIER_PREFIXES, CarrierPrefix, carrier_prefix_of
from harbourlink.references.container import (
    ContainerNumber,
    container_check_digit,
    is_container_number,
    parse_container_number,
)
from harbourlink.references.documents import (
    AirWaybill,
    MasterBillOfLading,
    awb_check_digit,
    is_air_waybill,
    parse_air_waybill,
    parse_booking_reference,
    parse_declaration_number,
    parse_house_awb,
    parse_house_bl,
    parse_master_bl,
)
from harbourlink.references.errors import (
    INVALID_AWB,
    INVALID_BL_NUMBER,
    INVALID_BOOKING_REFERENCE,
    INVALID_CONTAINER_NUMBER,
    INVALID_DECLARATION_NUMBER,
    INVALID_IMO_NUMBER,
    INVALID_MMSI,
    INVALID_UNLOCODE,
)
from harbourlink.references.kinds import ReferenceType, fold, normalise_reference
from harbourlink.references.locations import UnLocode, is_country_code, parse_unlocode
from harbourlink.references.matching import ReferenceIndex, Suggestion, suggest
from harbourlink.references.terminals import SMDG_ATTRIBUTION, Terminal, find_terminal, terminals_at
from harbourlink.references.validation import detect_reference_type, is_valid_reference, validate_reference
from harbourlink.references.vessels import (
    MID_HONG_KONG,
    ImoNumber,
    Mmsi,
    MmsiKind,
    imo_check_digit,
    parse_imo_number,
    parse_mmsi,
)

__all__ = [
    "CARRIER_PREFIXES",
    "INVALID_AWB",
    "INVALID_BL_NUMBER",
    "INVALID_BOOKING_REFERENCE",
    "INVALID_CONTAINER_NUMBER",
    "INVALID_DECLARATION_NUMBER",
    "INVALID_IMO_NUMBER",
    "INVALID_MMSI",
    "INVALID_UNLOCODE",
    "MID_HONG_KONG",
    "SMDG_ATTRIBUTION",
    "AirWaybill",
    "Airport",
    "CarrierPrefix",
    "ContainerNumber",
    "ImoNumber",
    "MasterBillOfLading",
    "Mmsi",
    "MmsiKind",
    "ReferenceIndex",
    "ReferenceType",
    "Suggestion",
    "Terminal",
    "UnLocode",
    "awb_check_digit",
    "carrier_prefix_of",
    "container_check_digit",
    "detect_reference_type",
    "find_airport",
    "find_terminal",
    "fold",
    "imo_check_digit",
    "is_air_waybill",
    "is_container_number",
    "is_country_code",
    "is_valid_reference",
    "normalise_reference",
    "parse_air_waybill",
    "parse_airport_code",
    "parse_booking_reference",
    "parse_container_number",
    "parse_declaration_number",
    "parse_house_awb",
    "parse_house_bl",
    "parse_imo_number",
    "parse_master_bl",
    "parse_mmsi",
    "parse_unlocode",
    "suggest",
    "terminals_at",
    "validate_reference",
]
