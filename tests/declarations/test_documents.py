"""Invoices and packing lists as uploaded: CSV and XLSX read alike, every error named by row and column."""

from __future__ import annotations

import pytest

from harbourlink.declarations import DocumentKind, parse_document
from harbourlink.declarations.documents import MAX_FILE_BYTES
from harbourlink.kernel import ValidationFailed
from tests.declarations.support import INVOICE, PACKING_LIST, xlsx


def test_csv_and_xlsx_give_the_same_lines() -> None:
    from_csv = parse_document(DocumentKind.INVOICE, "invoice.csv", INVOICE.encode())
    from_xlsx = parse_document(
        DocumentKind.INVOICE, "invoice.xlsx", xlsx(INVOICE.replace("用途:照明|品牌:BRIGHT", "x"))
    )
    assert from_csv.errors == [] and from_xlsx.errors == []
    assert [line["hk_code"] for line in from_csv.lines] == ["94052100", "94059900"]
    assert [line["unit_price"] for line in from_xlsx.lines] == ["12.50", "3.00"]
    assert from_csv.lines[0]["declared_elements"] == "用途:照明|品牌:BRIGHT"
    packing = parse_document(DocumentKind.PACKING_LIST, "packing.csv", PACKING_LIST.encode())
    assert [line["packages"] for line in packing.lines] == ["100", "20"]


def test_errors_name_row_and_column() -> None:
    bad = INVOICE.replace(",94052100,", ",940520,").replace("12.50", "twelve").replace(",PCE,3.00", ",,3.00")
    parsed = parse_document(DocumentKind.INVOICE, "invoice.csv", bad.encode())
    found = {(error.row, error.column) for error in parsed.errors}
    assert found == {(2, "hk_code"), (2, "unit_price"), (3, "unit")}
    assert any("8 digits" in error.message for error in parsed.errors)


def test_a_missing_column_and_an_empty_file_are_named() -> None:
    parsed = parse_document(DocumentKind.PACKING_LIST, "p.csv", b"line,packages,net_kg\n1,2,3\n")
    assert [(e.row, e.column, e.message) for e in parsed.errors] == [(1, "gross_kg", "required column missing")]
    assert parse_document(DocumentKind.PACKING_LIST, "p.csv", b"").errors[0].message == "the file is empty"


def test_oversized_broken_and_foreign_files_are_refused() -> None:
    with pytest.raises(ValidationFailed) as large:
        parse_document(DocumentKind.INVOICE, "i.csv", b"x" * (MAX_FILE_BYTES + 1))
    assert large.value.code == "document_too_large"
    with pytest.raises(ValidationFailed) as broken:
        parse_document(DocumentKind.INVOICE, "i.xlsx", b"PK\x03\x04 not really a workbook")
    assert broken.value.code == "document_not_xlsx"
    with pytest.raises(ValidationFailed) as latin:
        parse_document(DocumentKind.INVOICE, "i.csv", "description\ncaf\xe9".encode("latin-1"))
    assert latin.value.code == "document_not_utf8"
