"""The printable label of a consignment: its QR code (the token's address, never the number) on an A6 page.

Drawn as vector squares, so it prints sharp at any size; the number is printed beside it for people.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import segno
from fpdf import FPDF

PAGE_MM = (105.0, 148.0)
"""A6, the size of a parcel label."""
QR_MM = 80.0
MARGIN_MM = 12.0
HONG_KONG = ZoneInfo("Asia/Hong_Kong")


def render_label(
    *, url: str, reference_type: str, reference: str, packages: int | None, expires_at: datetime, company: str
) -> bytes:
    """The label as PDF bytes."""
    pdf = FPDF(unit="mm", format=PAGE_MM)
    pdf.set_auto_page_break(auto=False)
    pdf.set_creator("HarbourLink")
    pdf.set_title(f"{reference_type} {reference}")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.set_xy(MARGIN_MM, MARGIN_MM)
    pdf.cell(PAGE_MM[0] - 2 * MARGIN_MM, 8, "HarbourLink", align="C")
    _qr(pdf, url, x=(PAGE_MM[0] - QR_MM) / 2, y=MARGIN_MM + 12)
    pdf.set_xy(MARGIN_MM, MARGIN_MM + 14 + QR_MM)
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(PAGE_MM[0] - 2 * MARGIN_MM, 8, f"{reference_type} {reference}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    # Cargo labels in Hong Kong are in English, and the company is named by its registered English name: the
    # PDF's built-in font has Latin letters only (anything else would print as question marks).
    lines = [company[:60].encode("latin-1", "replace").decode("latin-1")] + (
        [f"Packages: {packages}"] if packages is not None else []
    )
    lines.append(f"Valid until {expires_at.astimezone(HONG_KONG):%Y-%m-%d %H:%M} Hong Kong time")
    for line in lines:
        pdf.set_x(MARGIN_MM)
        pdf.cell(PAGE_MM[0] - 2 * MARGIN_MM, 5.5, line, align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _qr(pdf: FPDF, url: str, *, x: float, y: float) -> None:
    """The QR code's dark modules as filled squares, its quiet zone included in ``QR_MM``."""
    code = segno.make(url, error="m")
    rows = list(code.matrix_iter(scale=1, border=4))
    module = QR_MM / len(rows)
    pdf.set_fill_color(0, 0, 0)
    for row_number, row in enumerate(rows):
        for column, dark in enumerate(row):
            if dark:
                pdf.rect(x + column * module, y + row_number * module, module, module, style="F")
