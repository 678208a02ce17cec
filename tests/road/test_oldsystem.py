"""The older system's export, read without a database: every row is good or rejected with its place."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from harbourlink.road.oldsystem import ACCOUNTS, CONSIGNMENTS, read_export

HEADER = "account_id,email,name,role\n"


def test_a_byte_order_mark_quotes_and_extra_columns_are_read() -> None:
    export = read_export({ACCOUNTS: '\ufeffrole,name,account_id,email,fax\nuser,"Chan, Siu Ming",U1,C@X.HK,2\n'})
    ((account,),) = [export.accounts]
    assert (account.key, account.name, account.email, account.role, account.line) == (
        "U1",
        "Chan, Siu Ming",
        "c@x.hk",
        "user",
        2,
    )
    assert export.errors == [] and export.read == {ACCOUNTS: 1, "templates.csv": 0, CONSIGNMENTS: 0}


def test_a_consignment_names_each_wrong_column_on_its_line() -> None:
    columns = "reference,account_id,direction,packages,package_description,goods_description,consignor_name,"
    columns += "consignor_address,consignee_name,consignee_address,expected_at\n"
    row = "R1,U9,sideways,0,cartons,books,A,B,C,,2026-12-08T10:00:00\n"
    export = read_export({ACCOUNTS: HEADER, CONSIGNMENTS: columns + row})
    found = {(e.file, e.line, e.field, e.code) for e in export.errors}
    assert found == {
        (CONSIGNMENTS, 2, "direction", "invalid_choice"),
        (CONSIGNMENTS, 2, "packages", "invalid_number"),
        (CONSIGNMENTS, 2, "consignee_address", "required"),
        (CONSIGNMENTS, 2, "expected_at", "naive_time"),
        (CONSIGNMENTS, 2, "account_id", "unknown_account"),
    }
    assert export.consignments == []


@given(st.lists(st.lists(st.text(max_size=12), min_size=0, max_size=5), max_size=8))
def test_every_row_read_is_either_good_or_rejected(rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    export = read_export({ACCOUNTS: HEADER + out.getvalue()})
    rejected = {e.line for e in export.errors}
    assert export.read[ACCOUNTS] == len(export.accounts) + len(rejected)
    assert all(e.file == ACCOUNTS and e.line >= 2 for e in export.errors)
