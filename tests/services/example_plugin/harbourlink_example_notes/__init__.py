"""An example value-added service: a company keeps notes, each charged. Everything it brings is declared here."""

from decimal import Decimal
from pathlib import Path

from harbourlink.kernel.plugins import Plugin

HERE = Path(__file__).parent

PLUGIN = Plugin(
    name="example_notes",
    title="Example notes",
    summary="Notes your company keeps, charged per note",
    version="0.1.0",
    charge_per_use=Decimal("2.50"),
    unit="note",
    permissions={"write": frozenset({"principal", "administrator"})},
    api="harbourlink_example_notes.api:router",
    web="harbourlink_example_notes.pages:router",
    migrations=HERE / "migrations",
    translations=HERE / "translations",
    templates=HERE / "templates",
)
