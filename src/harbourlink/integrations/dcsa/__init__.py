"""DCSA Track & Trace: the 2.2 and 3.0 (with Reefer) event formats in, the 2.2 shape out.

Pure: parsing (``DcsaTnt22Adapter``, ``DcsaTnt3Adapter``), validation against the DCSA schemas
with errors at JSON paths, rendering stored events as 2.2 events (``render_v22``) and the 2.2
filters (``TntFilters``). The API, subscriptions and callbacks are in ``harbourlink.tracking``.
"""

from harbourlink.integrations.dcsa.filters import TntFilters, filters_from_query, filters_from_subscription, matches
from harbourlink.integrations.dcsa.render import (
    RETRACTION_PREFIX,
    V22_CODES,
    V22_TYPES,
    StoredEvent,
    created_moment,
    dcsa_time,
    render_v22,
    renderable,
)
from harbourlink.integrations.dcsa.schema import located_errors, parse_date_time, v3_validator, v22_validator
from harbourlink.integrations.dcsa.v3 import DcsaTnt3Adapter, check_v3_event
from harbourlink.integrations.dcsa.v22 import DcsaTnt22Adapter, check_v22_event

API_VERSION = "2.2.0"

__all__ = [
    "API_VERSION",
    "RETRACTION_PREFIX",
    "V22_CODES",
    "V22_TYPES",
    "DcsaTnt3Adapter",
    "DcsaTnt22Adapter",
    "StoredEvent",
    "TntFilters",
    "check_v3_event",
    "check_v22_event",
    "created_moment",
    "dcsa_time",
    "filters_from_query",
    "filters_from_subscription",
    "located_errors",
    "matches",
    "parse_date_time",
    "render_v22",
    "renderable",
    "v3_validator",
    "v22_validator",
]
