"""Tracking: one search box over every number a user holds, B/L linking, and the DCSA T&T API.

``find`` resolves a Master or House B/L, container, booking or declaration number to the events
the caller may see (following links and the containers named on the way); ``build_view`` turns
them into the timeline: events, vessel and position, schedule with each source's estimate,
legs, containers with release status and reefer readings, customs status.
"""

from harbourlink.tracking.links import BillOfLadingLink, houses_of, link_bills, list_links, masters_of
from harbourlink.tracking.timeline import Found, find
from harbourlink.tracking.view import TrackingView, build_view

__all__ = [
    "BillOfLadingLink",
    "Found",
    "TrackingView",
    "build_view",
    "find",
    "houses_of",
    "link_bills",
    "list_links",
    "masters_of",
]
