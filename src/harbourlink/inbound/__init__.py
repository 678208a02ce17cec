"""Inbound: every message is kept raw first, then read by its format's adapter.

Messages arrive by API, web upload, CLI and the AIS listener. An adapter (see ``adapters``)
turns bytes into events and positions, or into errors naming their place; failed messages are
listed for their sender and can be corrected and replayed. A duplicate delivery changes nothing.
The operator sees how inbound stands (``figures``: backlog, messages being read, failures, traffic).
"""

from harbourlink.inbound.figures import (
    Backlog,
    CompanyFailures,
    MessageInProgress,
    Traffic,
    backlog,
    failures_by_company,
    in_progress,
    traffic,
)
from harbourlink.inbound.models import InboundMessage
from harbourlink.inbound.reading import VIEWED_MESSAGE, read_message
from harbourlink.inbound.registry import adapter_for, as_received, formats, register
from harbourlink.inbound.service import (
    PENDING_STATUSES,
    Outcome,
    get_message,
    list_messages,
    live_subject,
    receive,
    replay,
)
from harbourlink.integrations.parsing import JSON_PATH, Adapter, ItemError, Parsed

__all__ = [
    "JSON_PATH",
    "PENDING_STATUSES",
    "VIEWED_MESSAGE",
    "Adapter",
    "Backlog",
    "CompanyFailures",
    "InboundMessage",
    "ItemError",
    "MessageInProgress",
    "Outcome",
    "Parsed",
    "Traffic",
    "adapter_for",
    "as_received",
    "backlog",
    "failures_by_company",
    "formats",
    "get_message",
    "in_progress",
    "list_messages",
    "live_subject",
    "read_message",
    "receive",
    "register",
    "replay",
    "traffic",
]
