"""The formats HarbourLink reads, by the name the API and CLI use."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from harbourlink.integrations.air import CargoImpAdapter, CargoXmlAdapter, OneRecordAdapter
from harbourlink.integrations.ais import AisNmeaAdapter, stamp_arrival
from harbourlink.integrations.csv_template import CsvTemplateAdapter
from harbourlink.integrations.customs_status import CustomsStatusJsonAdapter
from harbourlink.integrations.dcsa.v3 import DcsaTnt3Adapter
from harbourlink.integrations.dcsa.v22 import DcsaTnt22Adapter
from harbourlink.integrations.edifact import EdifactAdapter
from harbourlink.integrations.parsing import Adapter
from harbourlink.integrations.terminal_json import TerminalJsonAdapter
from harbourlink.kernel import ValidationFailed

# One line per format; a value-added module may also call ``register`` with its own.
_ADAPTERS: dict[str, Adapter] = {}
for _adapter in (
    CsvTemplateAdapter(),
    EdifactAdapter(),
    DcsaTnt22Adapter(),
    DcsaTnt3Adapter(),
    AisNmeaAdapter(),
    TerminalJsonAdapter(),
    CustomsStatusJsonAdapter(),
    CargoImpAdapter(),
    CargoXmlAdapter(),
    OneRecordAdapter(),
):
    _ADAPTERS[_adapter.name] = _adapter


# Formats whose items may lack their own receive time, and how the arrival time is written into the body.
_ARRIVAL_STAMPS: dict[str, Callable[[bytes, datetime], bytes]] = {AisNmeaAdapter.name: stamp_arrival}


def register(adapter: Adapter) -> None:
    """Adds a format; a value-added module can bring its own without touching the core."""
    _ADAPTERS[adapter.name] = adapter


def adapter_for(format_name: str) -> Adapter:
    try:
        return _ADAPTERS[format_name]
    except KeyError:
        raise ValidationFailed(
            f"unknown format {format_name!r}",
            code="unknown_format",
            data={"field": "format", "value": format_name, "allowed": sorted(_ADAPTERS)},
        ) from None


def formats() -> list[Adapter]:
    return [_ADAPTERS[name] for name in sorted(_ADAPTERS)]


def as_received(format_name: str, raw: bytes, *, received_at: datetime) -> bytes:
    """The body to read for a message that arrived at ``received_at``: the arrival time written into items
    that carry no receive time (AIS sentences without a tag block, as the listener stamps what it hears);
    other formats' bodies unchanged. The archive keeps the body as it arrived."""
    stamp = _ARRIVAL_STAMPS.get(format_name)
    return raw if stamp is None else stamp(raw, received_at)
