"""A message's errors in the reader's language: places and problems said from their codes, a
problem inside a problem too; errors recorded before they had codes still show, in English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from harbourlink import inbound
from harbourlink.kernel import Actor, Database
from tests.conftest import Company
from tests.web.conftest import csrf_of, log_in, text_of

CSV = (
    b"event_id,event_type,event_code,classifier,event_time,container,mbl,location\n"
    b"E1,TRANSPORT,ARRI,EST,2026-11-23T06:30:00+08:00,,PONU0123456,HKHKG\n"
    b"E2,TRANSPORT,DEPA,EST,not-a-time,,PONU0123456,HKHKG\n"
)
EDIFACT = (
    (Path(__file__).parents[1] / "samples" / "edifact" / "codeco_hit_gate_in_out.edi")
    .read_bytes()
    .replace(b"CSNU7145201", b"CSNU7145202")
)
FSU = (
    b"FSU/14\n160-12345674HKGLAX/T12K385.5\nRCS/23NOV1015/HKG/T12K385.5\n"  # a wrong check digit: skipped
    b"FSU/14\n160-12345675HKGLAX/T12K385.5\nDEP/CX880/24NOV/HKGLAX/T12K385.5/S1430/X1526\n"  # X is no kind of time
)
XFSU = (
    b"<StatusMessage><MasterConsignment><TransportContractDocument><ID>160-12345675</ID></TransportContractDocument>"
    b"<ReportedStatus><ReasonCode>XYZ</ReasonCode></ReportedStatus></MasterConsignment></StatusMessage>"
)
# (format, file, language, what the page says of each error)
CASES = [
    (
        "csv",
        CSV,
        "zh-HK",
        ["第 3 行，event_time 欄", "'not-a-time' 不是 ISO 8601 時間，例如 2026-11-21T10:02:00+08:00"],
    ),
    (
        "csv",
        CSV,
        "zh-CN",
        ["第 3 行，event_time 列", "'not-a-time' 不是 ISO 8601 时间，例如 2026-11-21T10:02:00+08:00"],
    ),
    (
        "csv",
        CSV,
        "en",
        ["row 3, column event_time", "'not-a-time' is not an ISO 8601 time such as 2026-11-21T10:02:00+08:00"],
    ),
    ("edifact", EDIFACT, "zh-HK", ["第 18 段（EQD），報文 GI0001", "貨櫃號碼 CSNU7145202：檢查碼應為 1，而不是 2"]),
    ("edifact", EDIFACT, "zh-CN", ["第 18 段（EQD），报文 GI0001", "集装箱号 CSNU7145202：校验码应为 1，而不是 2"]),
    ("dcsa-tnt-2.2", b'[{"eventType": "SHIPMENT"', "zh-HK", ["第 1 行第 26 個字元", "不是 JSON：此處應有「,」分隔符"]),
    (
        "cargo-imp",
        FSU,
        "zh-HK",
        [
            "第 2 行（貨物資料），第 1 欄",
            "空運提單 160-12345674：檢查碼應為 5，而不是 4",
            "第 6 行（DEP），第 7 欄",
            "'X1526' 不是時間（S、E 或 A 加 HHMM）",
        ],
    ),
    (
        "cargo-imp",
        FSU,
        "zh-CN",
        ["第 2 行（货物资料），第 1 栏", "航空运单 160-12345674：校验码应为 5，而不是 4", "第 6 行（DEP），第 7 栏"],
    ),
    (
        "cargo-imp",
        FSU,
        "en",
        ["line 2 (consignment), field 1", "line 6 (DEP), field 7", "'X1526' is not a time (S, E or A and HHMM)"],
    ),
    (
        "cargo-xml",
        XFSU,
        "zh-HK",
        ["/StatusMessage/MasterConsignment/ReportedStatus/ReasonCode", "'XYZ' 不是 IATA 狀態代碼（"],
    ),
    (
        "one-record",
        b'{"@type": "cargo:LogisticsEvent", "cargo:eventCode": "DEP"}',
        "zh-HK",
        ['$["cargo:eventFor"]', "必須提供事件所屬的 Shipment"],
    ),
]


def _upload(client: TestClient, fmt: str, content: bytes) -> str:
    token = csrf_of(client.get("/messages").text)
    done = client.post(
        "/messages", data={"csrf_token": token, "format": fmt}, files={"file": ("sent.txt", content, "text/plain")}
    )
    found = re.fullmatch(r"/messages/([\w-]+)", done.url.path)
    assert found, done.text
    return found.group(1)


@pytest.mark.parametrize(("fmt", "content", "lang", "words"), CASES, ids=lambda value: str(value)[:12])
def test_errors_are_said_in_the_page_language(
    client: TestClient, company_a: Company, fmt: str, content: bytes, lang: str, words: list[str]
) -> None:
    log_in(client, company_a.admin_email)
    client.get(f"/messages?lang={lang}")
    page = client.get(f"/messages/{_upload(client, fmt, content)}")
    errors = page.text.split('<ol class="cards errors"', 1)[1].split(">", 1)[1].split("</ol>", 1)[0]
    assert all(word in text_of(errors) for word in words), text_of(errors)
    assert 'lang="en"' not in errors


def test_an_error_recorded_before_codes_still_shows_in_english(
    client: TestClient, db: Database, company_a: Company
) -> None:
    log_in(client, company_a.admin_email)
    message_id = _upload(client, "csv", CSV)
    with db.transaction() as session:
        message = inbound.get_message(session, Actor(org_id=company_a.org_id), message_id=message_id)
        message.errors = [{"location": "row 3, column event_time", "message": "'not-a-time' is not a time"}]
    page = client.get(f"/messages/{message_id}").text
    assert '<p lang="en">&#39;not-a-time&#39; is not a time</p>' in page
    assert '<p class="card-title" lang="en">row 3, column event_time</p>' in page
    answer = client.get(f"/api/v1/messages/{message_id}", headers=company_a.auth).json()
    assert answer["errors"] == [
        {
            "location": "row 3, column event_time",
            "message": "'not-a-time' is not a time",
            "code": None,
            "params": {},
            "place": None,
        }
    ]
