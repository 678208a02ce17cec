"""A river-trade voyage's advance manifest (R-VAS-2): pre-filled from the B/Ls on the barge and their documents,
written as CUSCAR, and read back by HarbourLink's own EDIFACT reader without a problem."""

from __future__ import annotations

from fastapi.testclient import TestClient

from harbourlink.integrations.edifact.envelope import open_interchange
from harbourlink.integrations.edifact.syntax import frame_file, read_segments
from harbourlink.kernel import Database
from tests.declarations.support import BOXES, INVOICE, PACKING_LIST, importer
from tests.web.conftest import log_in, text_of

BARGE_BL = "COSU6309999990"
BARGE_EVENTS = (
    "event_id,event_type,event_code,classifier,event_time,container,mbl,hbl,location,facility,vessel_imo,"
    "vessel_name,voyage,mode,temperature,setpoint,remarks\n"
    f"RB-1,TRANSPORT,DEPA,ACT,2026-12-05T08:00:00+08:00,,{BARGE_BL},,CNZSN,,,ZHONGSHAN 8,ZS2612,BARGE,,,\n"
    f"RB-2,EQUIPMENT,LOAD,ACT,2026-12-05T07:00:00+08:00,{BOXES[0]},{BARGE_BL},,CNZSN,,,ZHONGSHAN 8,ZS2612,BARGE,,,\n"
    f"RB-3,TRANSPORT,ARRI,ACT,2026-12-05T15:00:00+08:00,,{BARGE_BL},,HKHKG,,,ZHONGSHAN 8,ZS2612,BARGE,,,\n"
)


def test_the_manifest_of_a_barge_voyage_reads_back_without_errors(client: TestClient, db: Database) -> None:
    world = importer(client, db)
    sent = client.post(
        "/api/v1/messages", params={"format": "csv"}, headers=world.declarant.auth, content=BARGE_EVENTS.encode()
    )
    assert sent.json()["status"] == "accepted", sent.text
    for kind, content in (("invoice", INVOICE), ("packing_list", PACKING_LIST)):
        answer = client.post(
            "/api/v1/declarations/documents",
            headers=world.declarant.auth,
            data={"reference": BARGE_BL, "kind": kind},
            files={"file": ("f.csv", content.encode())},
        )
        assert answer.status_code == 201, answer.text
    manifest = client.get("/api/v1/declarations/manifests/ZS2612", headers=world.declarant.auth)
    assert manifest.status_code == 200, manifest.text
    frames, problems = frame_file(manifest.content)
    assert problems == []
    [frame] = frames
    segments = read_segments(frame)
    assert [segment.problem for segment in segments if segment.problem] == []
    interchange, envelope_problems = open_interchange(frame, segments)
    assert envelope_problems == [] and interchange is not None
    by_tag = {segment.tag: segment for segment in segments}
    assert by_tag["UNH"].components(1)[:4] == ["CUSCAR", "D", "95B", "UN"]
    assert by_tag["TDT"].value(1) == "ZS2612" and by_tag["TDT"].value(7, 3) == "ZHONGSHAN 8"
    assert by_tag["RFF"].components(0) == ["BM", BARGE_BL]
    assert by_tag["GID"].value(1) == "120" and by_tag["MEA"].components(2) == ["KGM", "2700.5"]
    assert by_tag["EQD"].value(1) == BOXES[0]
    assert "LED desk lamps" in by_tag["FTX"].value(3)
    # The mainline B/L of the same company is not on the barge.
    assert b"COSU6301234560" not in manifest.content
    # Another company sees no voyage it was not shown.
    assert client.get("/api/v1/declarations/manifests/ZS2612", headers=world.other.auth).status_code in (403, 404)


def test_the_manifest_prints_in_traditional_chinese(client: TestClient, db: Database) -> None:
    world = importer(client, db)
    client.post(
        "/api/v1/messages", params={"format": "csv"}, headers=world.declarant.auth, content=BARGE_EVENTS.encode()
    )
    log_in(client, world.declarant.admin_email)
    page = client.get("/declarations/manifests/ZS2612?lang=zh-HK")
    assert page.status_code == 200
    words = text_of(page.text)
    assert "內河貿易艙單" in words and "ZHONGSHAN 8" in words and "CNZSN" in words
    assert BOXES[0] in words
    assert client.get("/declarations/manifests/NOSUCH").status_code == 404
