"""Tracking: one search box over every number a user holds, B/L linking, and the DCSA T&T API.

``find`` resolves a Master or House B/L, container, booking or declaration number to the events
the caller may see (following links and the containers named on the way); ``build_view`` turns
them into the timeline: events, vessel and position, schedule with each source's estimate,
legs, containers with release status and reefer readings, customs status, and the schedule of
the vessel calls the caller's cargo is on. ``list_cargo`` pages through the numbers a company
holds or was shared (My cargo), newest news first.

DCSA Track & Trace 2.2 (``subscriptions``; its HTTP router is ``api.dcsa.router``):
``page_v22_events`` answers ``GET /v2/events``; subscriptions push matching events through an
outbox that tracking's consumer of stored events fills (``enqueue_dcsa_callbacks``) and the
worker loop empties (``callback_job``).
"""

from harbourlink.tracking.aboard import CargoAboard, cargo_aboard
from harbourlink.tracking.cargo import MAX_PAGE as MAX_CARGO_PAGE
from harbourlink.tracking.cargo import CargoItem, CargoPage, CargoStatus, list_cargo, suggest_cargo
from harbourlink.tracking.export import MAX_PAGE, ExportPage, as_iftsta, export_page
from harbourlink.tracking.links import (
    MAX_IMPORT_ROWS,
    BillOfLadingLink,
    LinkImport,
    RowError,
    get_link,
    houses_of,
    import_links,
    link_bills,
    list_links,
    masters_of,
    unlink_bills,
)
from harbourlink.tracking.lookup import MAX_EVENTS
from harbourlink.tracking.models import DcsaDelivery, DcsaSubscription
from harbourlink.tracking.subscriptions import (
    CallbackPolicy,
    DeliveryReport,
    callback_job,
    deliver_dcsa_callbacks,
    enqueue_dcsa_callbacks,
    page_v22_events,
)
from harbourlink.tracking.timeline import Earlier, Found, canonical_number, earlier, find
from harbourlink.tracking.view import EventView, LedgerMark, TrackingView, build_view, event_view

__all__ = [
    "MAX_CARGO_PAGE",
    "MAX_EVENTS",
    "MAX_IMPORT_ROWS",
    "MAX_PAGE",
    "BillOfLadingLink",
    "CallbackPolicy",
    "CargoAboard",
    "CargoItem",
    "CargoPage",
    "CargoStatus",
    "DcsaDelivery",
    "DcsaSubscription",
    "DeliveryReport",
    "Earlier",
    "EventView",
    "ExportPage",
    "Found",
    "LedgerMark",
    "LinkImport",
    "RowError",
    "TrackingView",
    "as_iftsta",
    "build_view",
    "callback_job",
    "canonical_number",
    "cargo_aboard",
    "deliver_dcsa_callbacks",
    "earlier",
    "enqueue_dcsa_callbacks",
    "event_view",
    "export_page",
    "find",
    "get_link",
    "houses_of",
    "import_links",
    "link_bills",
    "list_cargo",
    "list_links",
    "masters_of",
    "page_v22_events",
    "suggest_cargo",
    "unlink_bills",
]
