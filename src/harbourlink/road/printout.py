"""The printed binding for the boundary kiosk: its UBR as a Code 128 barcode, with what was bound.

Drawn as vector bars like the consignment label's QR code (``receiving.label``), so it scans sharp from
any printer; the words are in English, as the kiosk's are, in the PDF's built-in Latin font.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from barcode import Code128
from fpdf import FPDF

from harbourlink.road.schemas import BindingRead

PAGE_MM = (148.0, 105.0)
"""A6 landscape: a slip the driver shows or leaves on the dashboard."""
MARGIN_MM = 10.0
BAR_HEIGHT_MM = 22.0
HONG_KONG = ZoneInfo("Asia/Hong_Kong")


def _latin(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def render_binding(binding: BindingRead) -> bytes:
    """The binding as PDF bytes."""
    pdf = FPDF(unit="mm", format=PAGE_MM)
    pdf.set_auto_page_break(auto=False)
    pdf.set_creator("HarbourLink")
    pdf.set_title(f"UBR {binding.ubr}")
    pdf.add_page()
    width = PAGE_MM[0] - 2 * MARGIN_MM
    pdf.set_font("Helvetica", "B", 13)
    pdf.set_xy(MARGIN_MM, MARGIN_MM)
    pdf.cell(width, 7, "Road cargo binding - Unique Bill Reference", align="C")
    _barcode(pdf, binding.ubr, y=MARGIN_MM + 10, width=width)
    pdf.set_xy(MARGIN_MM, MARGIN_MM + 12 + BAR_HEIGHT_MM)
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(width, 7, f"UBR {binding.ubr}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9.5)
    lines = [
        f"Bound {binding.bound_at.astimezone(HONG_KONG):%Y-%m-%d %H:%M:%S} Hong Kong time",
        f"Earliest crossing {binding.earliest_crossing_at.astimezone(HONG_KONG):%Y-%m-%d %H:%M:%S}",
        f"Vehicle {binding.vehicle}   Driver {_latin(binding.driver[:40]) or '-'}",
        f"Control point {binding.control_point_name} ({binding.control_point.value}), {binding.direction.value}",
        "CCRN " + ", ".join(binding.ccrns[:12]) + (" ..." if len(binding.ccrns) > 12 else ""),
    ]
    for line in lines:
        pdf.set_x(MARGIN_MM)
        pdf.cell(width, 5.2, line, align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _barcode(pdf: FPDF, value: str, *, y: float, width: float) -> None:
    """The bars of Code 128 (python-barcode encodes, with its quiet zones) as filled rectangles."""
    [modules] = Code128(value).build()
    module = min(0.5, width / len(modules))
    x = (PAGE_MM[0] - module * len(modules)) / 2
    pdf.set_fill_color(0, 0, 0)
    for index, dark in enumerate(modules):
        if dark == "1":
            pdf.rect(x + index * module, y, module, BAR_HEIGHT_MM, style="F")
