"""一單多報 end to end: an import's B/L and its documents give both declarations pre-filled; a planted mismatch
is caught and named; the message signer submits; the authorities' numbers and results come back through the
work queue onto the B/L's timeline. Only the declarant, and whom it shares with, see a declaration."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from harbourlink import declarations
from harbourlink.kernel import Actor, Database, Forbidden, work
from tests.conftest import Company
from tests.declarations.support import BL, BOXES, INVOICE, PACKING_LIST, Importer, importer, opt_in, upload, xlsx


def _name_parties(client: TestClient, company: Company, shipper: Company, consignee: Company) -> None:
    for party, role in ((shipper, "shipper"), (consignee, "consignee")):
        named = client.post(
            "/api/v1/parties",
            headers=company.auth,
            json={"reference_type": "MBL", "reference": BL, "party_org_id": party.org_id, "party_role": role},
        )
        assert named.status_code == 201, named.text


def _drafts(client: TestClient, world: Importer) -> dict[str, dict[str, Any]]:
    assert upload(client, world.declarant, "invoice", xlsx(INVOICE), "invoice.xlsx").status_code == 201
    assert upload(client, world.declarant, "packing_list", PACKING_LIST.encode()).status_code == 201
    made = client.post(
        "/api/v1/declarations", headers=world.declarant.auth, json={"reference": BL, "authorities": ["hk", "cn"]}
    )
    assert made.status_code == 201, made.text
    return {draft["authority"]: draft for draft in made.json()}


def test_both_declarations_are_prefilled_from_held_data_and_the_documents(client: TestClient, db: Database) -> None:
    world = importer(client, db)
    _name_parties(client, world.declarant, world.other, world.consignee)
    drafts = _drafts(client, world)
    hk, cn = drafts["hk"]["fields"], drafts["cn"]["fields"]
    assert hk["direction"] == "import" and cn["direction"] == "export"  # into Hong Kong, out of the mainland
    assert hk["carrier"] == cn["means_of_transport"] == "PEARL HARMONY"
    assert hk["voyage"] == cn["voyage"] == "026E"
    assert hk["bl_number"] == cn["bl_number"] == BL
    assert hk["country"] == "CN" and hk["date"] == "2026-12-06"
    assert cn["port"] == "CNYTN" and cn["trade_country"] == "HK"
    assert cn["containers"] == " ".join(BOXES)
    assert hk["consignor"] == cn["domestic_party"] == "Bravo Trading"  # the shipper the declarant named
    assert hk["consignee"] == cn["overseas_party"] == "Charlie Importers"
    assert hk["total_value"] == cn["total_price"] == "16800.00"  # 1200 x 12.50 + 600 x 3.00
    assert hk["packages"] == cn["packages"] == "120"
    assert hk["gross_kg"] == cn["gross_kg"] == "2700.5"
    assert hk["lines.0.hk_code"] == "94052100" and cn["lines.0.cn_code"] == "9405210000"
    assert cn["lines.0.declared_elements"] == "用途:照明|品牌:BRIGHT"
    assert drafts["hk"]["sources"]["carrier"] == "bl" and drafts["cn"]["sources"]["supervision_mode"] == "rule"
    for draft in drafts.values():
        share = draft["prefilled"]["from_held_data"] / draft["prefilled"]["fields"]
        assert share >= 0.9, (draft["authority"], draft["prefilled"])
        assert draft["findings"] == [], draft["findings"]


def test_a_planted_mismatch_is_named_then_fixed_and_the_results_reach_the_timeline(
    client: TestClient, db: Database
) -> None:
    world = importer(client, db)
    _name_parties(client, world.declarant, world.other, world.consignee)
    drafts = _drafts(client, world)
    hk_id, cn_id = drafts["hk"]["id"], drafts["cn"]["id"]
    planted = client.patch(
        f"/api/v1/declarations/{cn_id}",
        headers=world.declarant.auth,
        json={"fields": {"gross_kg": "3100", "lines.1.cn_code": "6307900000"}},
    )
    assert planted.status_code == 200, planted.text
    findings = {finding["code"]: finding for finding in planted.json()["findings"]}
    assert set(findings["weights_disagree"]["fields"]) == {"packing_list.gross_kg", "hk.gross_kg", "cn.gross_kg"}
    assert findings["weights_disagree"]["values"]["cn.gross_kg"] == "3100"
    assert findings["codes_disagree"]["fields"] == ["hk.lines.1.hk_code", "cn.lines.1.cn_code"]
    # The Hong Kong draft was checked against it too, and cannot go while they disagree.
    hk_read = client.get(f"/api/v1/declarations/{hk_id}", headers=world.declarant.auth).json()
    assert {finding["code"] for finding in hk_read["findings"]} == {"weights_disagree", "codes_disagree"}
    refused = client.post(f"/api/v1/declarations/{hk_id}/submit", headers=world.declarant.auth)
    assert refused.status_code == 409 and refused.json()["error"] == "declaration_has_findings"

    fixed = client.patch(
        f"/api/v1/declarations/{cn_id}",
        headers=world.declarant.auth,
        json={"fields": {"gross_kg": "2700.5", "lines.1.cn_code": "9405990000"}},
    )
    assert fixed.json()["findings"] == []
    for declaration_id in (hk_id, cn_id):
        sent = client.post(f"/api/v1/declarations/{declaration_id}/submit", headers=world.declarant.auth)
        assert sent.status_code == 202, sent.text
        assert sent.json()["status"] == "submitted"
    message = client.get(f"/api/v1/declarations/{cn_id}", headers=world.declarant.auth).json()["message"]
    assert message.startswith('<DecMessage version="CNDEC/1">') and "<CodeTS>9405210000</CodeTS>" in message

    work.drain(db)
    hk_result = client.get(f"/api/v1/declarations/{hk_id}", headers=world.declarant.auth).json()
    cn_result = client.get(f"/api/v1/declarations/{cn_id}", headers=world.declarant.auth).json()
    assert hk_result["status"] == "released" and hk_result["official_number"].startswith("HKD")
    assert cn_result["status"] == "accepted" and len(cn_result["official_number"]) == 18
    timeline = client.get(f"/api/v1/track/{BL}", headers=world.declarant.auth).json()
    customs = {entry["declaration"]: entry["status"] for entry in timeline["customs"]}
    assert customs == {hk_result["official_number"]: "released", cn_result["official_number"]: "accepted"}
    by_number = client.get(f"/api/v1/track/{cn_result['official_number']}", headers=world.declarant.auth)
    assert by_number.status_code == 200  # R-TRK-5: a declaration number finds its clearance status
    statement = client.get("/api/v1/services/declarations/statement", headers=world.declarant.auth).text
    assert statement.splitlines()[-1].endswith(",total,,2,8.00,16.00,HKD")  # charged once per declaration


def test_a_rejection_comes_back_with_reasons_and_can_be_corrected(client: TestClient, db: Database) -> None:
    world = importer(client, db)
    _name_parties(client, world.declarant, world.other, world.consignee)
    assert upload(client, world.declarant, "invoice", INVOICE.encode()).status_code == 201
    assert upload(client, world.declarant, "packing_list", PACKING_LIST.encode()).status_code == 201
    made = client.post(
        "/api/v1/declarations", headers=world.declarant.auth, json={"reference": BL, "authorities": ["hk"]}
    )
    hk_id = made.json()[0]["id"]
    cleared = client.patch(
        f"/api/v1/declarations/{hk_id}", headers=world.declarant.auth, json={"fields": {"consignor": ""}}
    )
    assert [f["fields"] for f in cleared.json()["findings"]] == [["hk.consignor"]]  # a missing field is a finding
    refused = client.post(f"/api/v1/declarations/{hk_id}/submit", headers=world.declarant.auth)
    assert refused.status_code == 409
    # A code one digit short: with no mainland declaration to compare it with, only the authority can tell.
    client.patch(
        f"/api/v1/declarations/{hk_id}",
        headers=world.declarant.auth,
        json={"fields": {"consignor": "Bravo Trading", "lines.0.hk_code": "9405210"}},
    )
    assert client.post(f"/api/v1/declarations/{hk_id}/submit", headers=world.declarant.auth).status_code == 202
    work.drain(db)
    rejected = client.get(f"/api/v1/declarations/{hk_id}", headers=world.declarant.auth).json()
    assert rejected["status"] == "rejected"
    assert rejected["reasons"] == ["line 1: hk_code must have 8 digits"]
    assert rejected["official_number"].startswith("HKD")
    timeline = client.get(f"/api/v1/track/{BL}", headers=world.declarant.auth).json()
    assert [entry["status"] for entry in timeline["customs"]] == ["rejected"]
    unknown = client.patch(f"/api/v1/declarations/{hk_id}", headers=world.declarant.auth, json={"fields": {"x": "1"}})
    assert unknown.status_code == 422 and unknown.json()["error"] == "unknown_field"
    client.patch(
        f"/api/v1/declarations/{hk_id}", headers=world.declarant.auth, json={"fields": {"lines.0.hk_code": "94052100"}}
    )
    assert client.post(f"/api/v1/declarations/{hk_id}/submit", headers=world.declarant.auth).status_code == 202
    work.drain(db)
    assert client.get(f"/api/v1/declarations/{hk_id}", headers=world.declarant.auth).json()["status"] == "released"
    done = client.patch(f"/api/v1/declarations/{hk_id}", headers=world.declarant.auth, json={"fields": {"unit": "x"}})
    assert done.status_code == 409 and done.json()["error"] == "declaration_not_editable"


def test_only_the_declarant_and_whom_it_shares_with_see_a_declaration(client: TestClient, db: Database) -> None:
    world = importer(client, db)
    opt_in(client, world.other)
    hk_id = _drafts(client, world)["hk"]["id"]
    outsider = world.other
    assert client.get(f"/api/v1/declarations/{hk_id}", headers=outsider.auth).status_code == 404
    assert client.patch(f"/api/v1/declarations/{hk_id}", headers=outsider.auth, json={}).status_code == 404
    assert client.post(f"/api/v1/declarations/{hk_id}/submit", headers=outsider.auth).status_code == 404
    # Another company cannot declare on a B/L it does not see, nor upload documents for it.
    made = client.post("/api/v1/declarations", headers=outsider.auth, json={"reference": BL, "authorities": ["hk"]})
    assert made.status_code == 404
    assert upload(client, outsider, "invoice", INVOICE.encode()).status_code == 404

    shared = client.patch(
        f"/api/v1/declarations/{hk_id}", headers=world.declarant.auth, json={"shared_with": [outsider.org_id]}
    )
    assert shared.json()["shared_with"] == [outsider.org_id]
    assert client.get(f"/api/v1/declarations/{hk_id}", headers=outsider.auth).status_code == 200
    # Shared to read, not to change or send.
    assert client.patch(f"/api/v1/declarations/{hk_id}", headers=outsider.auth, json={}).status_code == 404
    assert client.post(f"/api/v1/declarations/{hk_id}/submit", headers=outsider.auth).status_code == 404


def test_the_service_answers_only_companies_that_opted_in_and_signers_submit(client: TestClient, db: Database) -> None:
    world = importer(client, db, opted=False)
    closed = client.post(
        "/api/v1/declarations", headers=world.declarant.auth, json={"reference": BL, "authorities": ["hk"]}
    )
    assert closed.status_code == 403 and closed.json()["error"] == "service_not_opted_in"
    opt_in(client, world.declarant)
    hk_id = _drafts(client, world)["hk"]["id"]
    person = Actor(org_id=world.declarant.org_id, user_id="clerk", roles=frozenset({"user"}))
    with db.transaction() as session, pytest.raises(Forbidden) as refused:
        declarations.submit_declaration(session, person, declaration_id=hk_id)
    assert refused.value.code == "role_required"
    assert refused.value.data["roles"] == ["message_signer", "principal"]
    signer = Actor(org_id=world.declarant.org_id, user_id="signer", roles=frozenset({"message_signer"}))
    with db.transaction() as session:
        assert declarations.submit_declaration(session, signer, declaration_id=hk_id).status == "submitted"


def test_an_inspection_raises_the_customs_alert_on_the_bl(client: TestClient, db: Database) -> None:
    world = importer(client, db)
    _name_parties(client, world.declarant, world.other, world.consignee)
    subscribed = client.post(
        "/api/v1/subscriptions",
        headers=world.declarant.auth,
        json={"reference_type": "MBL", "reference": BL, "alert_types": ["customs_hold"], "channels": ["inbox"]},
    )
    assert subscribed.status_code == 201, subscribed.text
    cn_id = _drafts(client, world)["cn"]["id"]
    client.patch(
        f"/api/v1/declarations/{cn_id}",
        headers=world.declarant.auth,
        json={"fields": {"lines.0.declared_elements": "用途:照明|查验:申请"}},
    )
    assert client.post(f"/api/v1/declarations/{cn_id}/submit", headers=world.declarant.auth).status_code == 202
    work.drain(db)
    result = client.get(f"/api/v1/declarations/{cn_id}", headers=world.declarant.auth).json()
    assert result["status"] == "inspection"
    [alert] = client.get("/api/v1/alerts", headers=world.declarant.auth).json()
    assert alert["alert_type"] == "customs_hold"
    assert alert["figures"]["status"] == "selected_for_inspection"
    assert alert["figures"]["declaration"] == result["official_number"]
