"""Inbound: every message is kept raw first, then read by its format's adapter.

Messages arrive by API, web upload, CLI and the AIS listener. An adapter (see ``adapters``)
turns bytes into events and positions, or into errors naming their place; failed messages are
listed for their sender and can be corrected and replayed. A duplicate delivery changes nothing.
"""

from harbourlink.inbound.models import InboundMessage
from harbourlink.inbound.reading import VIEWED_MESSAGE, read_message
from harbourlink.inbound.registry import adapter_for, as_received, formats, register
from harbourlink.inbound.service import Outcome, get_message, list_messages, receive, replay
from harbourlink.integrations.parsing import JSON_PATH, Adapter, ItemError, Parsed

__all__ = [
    "JSON_PATH",
    "VIEWED_MESSAGE",
    "Adapter",
    "InboundMessage",
    "ItemError",
    "Outcome",
    "Parsed",
    "adapter_for",
    "as_received",
    "formats",
    "get_message",
    "list_messages",
    "read_message",
    "receive",
    "register",
    "replay",
]
