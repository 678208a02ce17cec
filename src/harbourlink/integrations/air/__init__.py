"""Air cargo status, in the three forms airlines send it: Cargo-IMP ``FSU`` text, Cargo-XML
``XFSU`` and ONE Record ``LogisticsEvent``\\ s.

Each adapter reads its form into ``AirStatus`` values (``common``), which become ``AIR`` events
about the air waybill (and the house air waybill when the status names one), with the IATA
status code as the event code and the flight, airports, pieces, weight and every planned,
estimated and actual time in the event's details, so the three forms feed one timeline.
"""

from harbourlink.integrations.air.cargo_imp import CargoImpAdapter
from harbourlink.integrations.air.cargo_xml import CargoXmlAdapter
from harbourlink.integrations.air.common import DISCREPANCY_CODES, STATUS_CODES, AirStatus, air_event
from harbourlink.integrations.air.one_record import OneRecordAdapter

__all__ = [
    "DISCREPANCY_CODES",
    "STATUS_CODES",
    "AirStatus",
    "CargoImpAdapter",
    "CargoXmlAdapter",
    "OneRecordAdapter",
    "air_event",
]
