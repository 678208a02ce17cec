"""Words for the tracking page: event codes, classifiers, release and customs states, ages, positions.

Codes come from DCSA Track & Trace and from HarbourLink's own event types (see ``events.domain``);
one code can mean different things in different families (``HOLD`` of a shipment, at the
terminal, by customs), so event names are keyed by ``TYPE:CODE``. ``N_`` only marks a message
for extraction; ``Words`` translates it in the page's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harbourlink.web.i18n import Catalogue
from harbourlink.web.labels import LABELS, N_

EVENTS = {
    "SHIPMENT:RECE": N_("Documents received"),
    "SHIPMENT:DRFT": N_("Draft issued"),
    "SHIPMENT:PENA": N_("Pending approval"),
    "SHIPMENT:PENU": N_("Pending update"),
    "SHIPMENT:PENC": N_("Pending confirmation"),
    "SHIPMENT:CONF": N_("Confirmed"),
    "SHIPMENT:REJE": N_("Rejected"),
    "SHIPMENT:APPR": N_("Approved"),
    "SHIPMENT:ISSU": N_("Issued"),
    "SHIPMENT:SURR": N_("Surrendered"),
    "SHIPMENT:SUBM": N_("Submitted"),
    "SHIPMENT:VOID": N_("Voided"),
    "SHIPMENT:REQS": N_("Requested"),
    "SHIPMENT:CMPL": N_("Completed"),
    "SHIPMENT:HOLD": N_("On hold"),
    "SHIPMENT:RELS": N_("Released"),
    "SHIPMENT:CANC": N_("Cancelled"),
    "TRANSPORT:ARRI": N_("Arrival"),
    "TRANSPORT:DEPA": N_("Departure"),
    "EQUIPMENT:LOAD": N_("Loaded on board"),
    "EQUIPMENT:DISC": N_("Discharged"),
    "EQUIPMENT:GTIN": N_("Gated in"),
    "EQUIPMENT:GTOT": N_("Gated out"),
    "EQUIPMENT:STUF": N_("Stuffed"),
    "EQUIPMENT:STRP": N_("Stripped"),
    "EQUIPMENT:PICK": N_("Picked up"),
    "EQUIPMENT:DROP": N_("Dropped off"),
    "EQUIPMENT:INSP": N_("Inspected"),
    "EQUIPMENT:RSEA": N_("Resealed"),
    "EQUIPMENT:RMVD": N_("Seal removed"),
    "EQUIPMENT:AVPU": N_("Available for pick-up"),
    "EQUIPMENT:AVDO": N_("Available for drop-off"),
    "EQUIPMENT:CUSS": N_("Selected for customs scan"),
    "EQUIPMENT:CUSI": N_("Selected for customs inspection"),
    "EQUIPMENT:CUSR": N_("Released by customs"),
    "EQUIPMENT:CROS": N_("Crossed the border"),
    "REEFER:MEAS": N_("Temperature reading"),
    "REEFER:ADJU": N_("Reefer setting changed"),
    "REEFER:POWR": N_("Reefer power off"),
    "RELEASE:RELS": N_("Released by the terminal"),
    "RELEASE:HOLD": N_("Held at the terminal"),
    "RELEASE:AVPU": N_("Available for pick-up"),
    "CUSTOMS:SUBM": N_("Declaration submitted"),
    "CUSTOMS:ACPT": N_("Declaration accepted"),
    "CUSTOMS:CUSS": N_("Selected for customs scan"),
    "CUSTOMS:CUSI": N_("Selected for customs inspection"),
    "CUSTOMS:HOLD": N_("Held by customs"),
    "CUSTOMS:CUSR": N_("Released by customs"),
    "CUSTOMS:REJE": N_("Declaration rejected"),
    "AIR:BKD": N_("Booked on the flight"),
    "AIR:FOH": N_("Freight on hand"),
    "AIR:RCS": N_("Received from the shipper"),
    "AIR:MAN": N_("Manifested on the flight"),
    "AIR:PRE": N_("Prepared for loading"),
    "AIR:DEP": N_("Flight departed"),
    "AIR:ARR": N_("Flight arrived"),
    "AIR:RCT": N_("Received from another airline"),
    "AIR:TFD": N_("Transferred to another airline"),
    "AIR:TRM": N_("To be transferred to another airline"),
    "AIR:RCF": N_("Received from the flight"),
    "AIR:AWR": N_("Arrival documents received"),
    "AIR:NFD": N_("Consignee notified"),
    "AIR:AWD": N_("Documents delivered to the consignee"),
    "AIR:CCD": N_("Cleared by customs"),
    "AIR:CRC": N_("Reported to customs"),
    "AIR:TGC": N_("Transferred to customs control"),
    "AIR:DLV": N_("Delivered to the consignee"),
    "AIR:DDL": N_("Delivered to the door"),
    "AIR:DIS": N_("Discrepancy"),
}

FAMILIES: dict[str, dict[str, str]] = {
    "event": EVENTS,
    "classifier": {"PLN": N_("Planned"), "EST": N_("Estimated"), "ACT": N_("Actual")},
    "mode": {"VESSEL": N_("Vessel"), "BARGE": N_("Barge"), "RAIL": N_("Rail"), "TRUCK": N_("Truck"), "AIR": N_("Air")},
    "release": {
        "RELEASED": N_("Released"),
        "RELS": N_("Released"),
        "HOLD": N_("On hold"),
        "AVAILABLE": N_("Available for pick-up"),
        "AVPU": N_("Available for pick-up"),
    },
    "hold": {
        "CUSTOMS": N_("Customs hold"),
        "LINE": N_("Shipping line hold"),
        "TERMINAL": N_("Terminal hold"),
        "PORT_HEALTH": N_("Port health hold"),
        "OTHER": N_("Other hold"),
    },
    "customs": {
        "submitted": N_("Submitted"),
        "accepted": N_("Accepted"),
        "selected_for_scan": N_("Selected for scan"),
        "selected_for_inspection": N_("Selected for inspection"),
        "held": N_("Held"),
        "released": N_("Released"),
        "rejected": N_("Rejected"),
    },
    "reference_type": LABELS["reference_type"],
    "discrepancy": {
        "OFLD": N_("Offloaded"),
        "MSCA": N_("Missing cargo"),
        "FDCA": N_("Found cargo"),
        "MSAW": N_("Missing air waybill"),
        "FDAW": N_("Found air waybill"),
        "MSAV": N_("Missing mail document"),
        "FDAV": N_("Found mail document"),
        "MSMB": N_("Missing mailbag"),
        "FDMB": N_("Found mailbag"),
        "OVCD": N_("Overcarried"),
        "SSPD": N_("Shortshipped"),
        "DFLD": N_("Definitely loaded"),
    },
    "condition": {"good": N_("In good condition"), "damaged": N_("Damaged")},
}

# The tone of a status tag: released and available are good news, holds and rejections are not.
RELEASE_TONE = {"RELEASED": "ok", "RELS": "ok", "AVAILABLE": "ok", "AVPU": "ok", "HOLD": "bad"}
CUSTOMS_TONE = {"released": "ok", "accepted": "ok", "held": "bad", "rejected": "bad"}

JUST_NOW = N_("just now")
MINUTES_AGO = N_("%(count)s min ago")
HOURS_AGO = N_("%(count)s h ago")
DAYS_AGO = N_("%(count)s d ago")
HEMISPHERES = {
    "N": N_("%(degrees)s° N"),
    "S": N_("%(degrees)s° S"),
    "E": N_("%(degrees)s° E"),
    "W": N_("%(degrees)s° W"),
}
COUNT = "{count}"
"""What the page's script replaces with a number in the age messages it receives (``track.js``)."""


@dataclass(frozen=True)
class Words:
    """Translates codes, ages and positions in one page's language."""

    catalogue: Catalogue

    def t(self, message: str, **params: object) -> str:
        return self.catalogue.gettext(message, **params)

    def code(self, family: str, value: str | None) -> str:
        """The name of a code; a code nobody named yet is shown as it came."""
        if value is None:
            return ""
        message = FAMILIES[family].get(value)
        return self.t(message) if message else value

    def event(self, event_type: str, event_code: str) -> str:
        """What happened, by the event's family and code ('Released by customs')."""
        message = EVENTS.get(f"{event_type}:{event_code}")
        return self.t(message) if message else event_code

    def age(self, seconds: int | None) -> str:
        """'5 min ago': how old a position or a piece of news is."""
        if seconds is None:
            return ""
        if seconds < 60:
            return self.t(JUST_NOW)
        if seconds < 3600:
            return self.t(MINUTES_AGO, count=seconds // 60)
        if seconds < 48 * 3600:
            return self.t(HOURS_AGO, count=seconds // 3600)
        return self.t(DAYS_AGO, count=seconds // 86400)

    def age_templates(self) -> dict[str, str]:
        """The age messages for the page's script, with ``{count}`` where the number goes."""
        return {
            "now": self.t(JUST_NOW),
            "min": self.t(MINUTES_AGO, count=COUNT),
            "hour": self.t(HOURS_AGO, count=COUNT),
            "day": self.t(DAYS_AGO, count=COUNT),
        }

    def position(self, latitude: float, longitude: float) -> str:
        """'22.2800° N, 114.1500° E' in the page's language (four decimals: about ten metres)."""
        lat = self.t(HEMISPHERES["N" if latitude >= 0 else "S"], degrees=f"{abs(latitude):.4f}")
        lon = self.t(HEMISPHERES["E" if longitude >= 0 else "W"], degrees=f"{abs(longitude):.4f}")
        return f"{lat}, {lon}"

    def hemispheres(self) -> dict[str, Any]:
        """The position messages for the page's script."""
        return {key: self.t(message, degrees="{degrees}") for key, message in HEMISPHERES.items()}
