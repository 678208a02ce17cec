"""一單多報 (one submission, multiple declarations): a value-added service, installed as a plug-in.

From what HarbourLink holds about a B/L (containers, vessel and voyage, ports and times, the parties its
declarant named) and an uploaded commercial invoice and packing list, it pre-fills the Hong Kong
import/export declaration and the mainland's 进/出口货物报关单, checks them against each other, and sends
them, once the message signer submits, to each authority through its adapter (``messages``) and the work
queue. The answer (official number and result) is kept and published as a customs event on the B/L.

The core names none of this: the entry point ``harbourlink.services: declarations`` gives ``PLUGIN``,
and ``harbourlink.consumers: declarations`` the queue's consumer. Its error codes' messages come from its own
catalogue; its part in the simulated port day is ``simulator.story``.
"""

from decimal import Decimal
from pathlib import Path

from harbourlink.declarations.documents import MAX_FILE_BYTES, MAX_ROWS, DocumentKind, parse_document
from harbourlink.declarations.domain import Authority, Draft, Status, prefilled_share
from harbourlink.declarations.labels import ERRORS
from harbourlink.declarations.manifest import render_cuscar
from harbourlink.declarations.models import Declaration, TradeDocument
from harbourlink.declarations.schemas import DeclarationRead, read_model
from harbourlink.declarations.service import (
    QUEUE,
    SERVICE,
    batch_of,
    create_declarations,
    deliver,
    get_declaration,
    held_data,
    river_manifest,
    submit_declaration,
    update_declaration,
    upload_document,
)
from harbourlink.kernel.plugins import Plugin

HERE = Path(__file__).parent

PLUGIN = Plugin(
    name=SERVICE,
    title="One submission, multiple declarations",
    summary="Hong Kong and mainland customs declarations pre-filled from your cargo data",
    version="1.0",
    charge_per_use=Decimal("8.00"),
    unit="declaration",
    permissions={"submit": frozenset({"message_signer", "principal"})},
    api="harbourlink.declarations.api:router",
    web="harbourlink.declarations.pages:router",
    migrations=HERE / "migrations",
    translations=HERE / "translations",
    templates=HERE / "templates",
    errors=ERRORS,
    simulator="harbourlink.declarations.simulator:story",
)


def describe(declaration: Declaration) -> DeclarationRead:
    """A declaration as the API shows it, with how much of it came from held data."""

    draft = Draft(fields=declaration.fields, sources=declaration.sources)
    return read_model(declaration, prefilled_share([draft], [Authority(declaration.authority)]))


__all__ = [
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "PLUGIN",
    "QUEUE",
    "SERVICE",
    "Authority",
    "Declaration",
    "DeclarationRead",
    "DocumentKind",
    "Status",
    "TradeDocument",
    "batch_of",
    "create_declarations",
    "deliver",
    "describe",
    "get_declaration",
    "held_data",
    "parse_document",
    "prefilled_share",
    "render_cuscar",
    "river_manifest",
    "submit_declaration",
    "update_declaration",
    "upload_document",
]
