"""Migration from an older system (R-ROAD-11): its accounts, templates and consignments imported into the
administrator's company; the counts reconcile, a second import changes nothing, a bad row is named by file,
line and column, and no company imports into or reads another's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from harbourlink import identity, road
from harbourlink.cli import app as cli_app
from harbourlink.identity.crypto import verify_password
from harbourlink.kernel import Actor, Database
from tests.conftest import Company, make_company
from tests.road.support import opt_in

WHEN = (datetime.now(UTC) - timedelta(days=40)).isoformat()
"""Long past: the old system lodged these when they were due, and the import does not judge the window again."""
CARGO = 'import,12,cartons,printed books,Shenzhen Printing Co,"Futian, Shenzhen",Kowloon Books Ltd,Mong Kok'
ACCOUNTS = """account_id,email,name,role,password
U1,chan@kowloon-books.example.hk,Chan Siu Ming,message_signer,hunter2-plaintext
U2,lee@kowloon-books.example.hk,Lee Mei Ling,user,
U3,ho@kowloon-books.example.hk,Ho Ka Yan,,
"""
TEMPLATES = f"""template_id,account_id,name,direction,packages,package_description,goods_description,consignor_name,consignor_address,consignee_name,consignee_address
T1,U1,Books weekly,{CARGO}
T2,U2,Stationery,{CARGO}
T3,U3,Orphan,{CARGO}
"""
CONSIGNMENTS = f"""reference,account_id,direction,packages,package_description,goods_description,consignor_name,consignor_address,consignee_name,consignee_address,expected_at
OLD-0001,U1,{CARGO},{WHEN}
OLD-0002,U2,{CARGO},{WHEN}
OLD-0003,U1,{CARGO.replace("12", "many", 1)},{WHEN}
OLD-0004,U1,{CARGO},yesterday
OLD-0001,U2,{CARGO},{WHEN}
"""
EXPORT = {"accounts": ACCOUNTS, "templates": TEMPLATES, "consignments": CONSIGNMENTS}


def _shipper(db: Database, name: str = "Kowloon Books") -> Company:
    return opt_in(db, make_company(db, name, "cargo_owner"), identity.Service.ADVANCE_CARGO_INFO)


def _counts(report: dict[str, Any]) -> dict[str, tuple[int, int, int, int]]:
    return {t["file"]: (t["read"], t["created"], t["present"], t["rejected"]) for t in report["files"]}


def test_an_export_imports_reconciles_and_a_second_import_changes_nothing(client: TestClient, db: Database) -> None:
    shipper = _shipper(db)
    first = client.post("/api/v1/road/migrations", headers=shipper.auth, json=EXPORT)
    assert first.status_code == 201, first.text
    report = first.json()

    assert _counts(report) == {
        "accounts.csv": (3, 2, 0, 1),
        "templates.csv": (3, 2, 0, 1),
        "consignments.csv": (5, 2, 0, 3),
    }
    located = {(e["file"], e["line"], e["field"], e["code"]) for e in report["errors"]}
    assert located == {
        ("accounts.csv", 4, "role", "required"),
        ("templates.csv", 4, "account_id", "unknown_account"),
        ("consignments.csv", 4, "packages", "invalid_number"),
        ("consignments.csv", 5, "expected_at", "invalid_time"),
        ("consignments.csv", 6, "reference", "duplicate"),
    }
    kept = client.get("/api/v1/road/consignments", headers=shipper.auth).json()
    assert sorted((c["submitter_reference"], c["status"]) for c in kept) == [
        ("OLD-0001", "lodged"),
        ("OLD-0002", "lodged"),
    ]
    assert all(road.parse_ccrn(c["ccrn"]) == c["ccrn"] for c in kept), "each has its CCRN"

    again = client.post("/api/v1/road/migrations", headers=shipper.auth, json=EXPORT).json()
    assert _counts(again) == {
        "accounts.csv": (3, 0, 2, 1),
        "templates.csv": (3, 0, 2, 1),
        "consignments.csv": (5, 0, 2, 3),
    }
    assert again["temporary_passwords"] == {}
    assert len(client.get("/api/v1/road/consignments", headers=shipper.auth).json()) == 2
    people = client.get(f"/api/v1/orgs/{shipper.org_id}/users", headers=shipper.auth).json()
    assert len(people) == 3, "the administrator and the two imported people, once"


def test_imported_people_set_their_own_password_and_keep_their_templates(client: TestClient, db: Database) -> None:
    shipper = _shipper(db)
    report = client.post("/api/v1/road/migrations", headers=shipper.auth, json=EXPORT).json()

    assert set(report["temporary_passwords"]) == {"chan@kowloon-books.example.hk", "lee@kowloon-books.example.hk"}
    with db.transaction() as session:
        admin = Actor(org_id=shipper.org_id, user_id=shipper.admin_id, roles=frozenset({"administrator"}))
        people = {u.email: u for u in identity.list_users(session, admin, org_id=shipper.org_id)}
        chan, lee = people["chan@kowloon-books.example.hk"], people["lee@kowloon-books.example.hk"]
        assert chan.must_change_password and chan.role == "message_signer" and chan.display_name == "Chan Siu Ming"
        assert "hunter2-plaintext" not in (chan.password_hash or ""), "the old password never crosses"
        assert verify_password(chan.password_hash or "", report["temporary_passwords"][chan.email])
        as_chan = Actor(org_id=shipper.org_id, user_id=chan.id, roles=frozenset({chan.role}))
        as_lee = Actor(org_id=shipper.org_id, user_id=lee.id, roles=frozenset({lee.role}))
        assert [t.name for t in road.list_templates(session, as_chan)] == ["Books weekly"]
        assert [t.name for t in road.list_templates(session, as_lee)] == ["Stationery"], "private to their signer"
        mine = road.list_consignments(session, as_chan)
        assert {c.created_by for c in mine} == {chan.id, lee.id}, "each consignment is its old submitter's"


def test_another_company_cannot_import_into_or_read_anothers(client: TestClient, db: Database) -> None:
    shipper, other = _shipper(db), _shipper(db, "Other Shipper")
    client.post("/api/v1/road/migrations", headers=shipper.auth, json=EXPORT)

    theirs = client.post("/api/v1/road/migrations", headers=other.auth, json=EXPORT).json()
    assert _counts(theirs)["accounts.csv"] == (3, 0, 0, 3), "another company's people stay theirs"
    assert {e["code"] for e in theirs["errors"] if e["file"] == "accounts.csv"} == {"email_taken", "required"}
    assert _counts(theirs)["consignments.csv"] == (5, 0, 0, 5)
    assert client.get("/api/v1/road/consignments", headers=other.auth).json() == []
    for ccrn in (c["ccrn"] for c in client.get("/api/v1/road/consignments", headers=shipper.auth).json()):
        assert client.get(f"/api/v1/road/consignments/{ccrn}", headers=other.auth).status_code == 404
    assert len(client.get("/api/v1/road/consignments", headers=shipper.auth).json()) == 2, "nothing added to A"


def test_only_an_administrator_of_a_company_that_lodges_imports(client: TestClient, db: Database) -> None:
    shipper = _shipper(db)
    limited = client.post("/api/v1/api-keys", headers=shipper.auth, json={"name": "cargo only"}).json()["key"]
    refused = client.post("/api/v1/road/migrations", headers={"Authorization": f"Bearer {limited}"}, json=EXPORT)
    assert refused.status_code == 403 and refused.json()["error"] == "missing_scope"
    newcomer = make_company(db, "Not Opted In", "cargo_owner")
    closed = client.post("/api/v1/road/migrations", headers=newcomer.auth, json=EXPORT)
    assert closed.status_code == 403 and closed.json()["error"] == "service_not_active"
    assert client.get("/api/v1/road/consignments", headers=shipper.auth).json() == []


def test_a_file_without_its_columns_is_named_and_counts_nothing(client: TestClient, db: Database) -> None:
    shipper = _shipper(db)
    report = client.post(
        "/api/v1/road/migrations", headers=shipper.auth, json={"accounts": ACCOUNTS, "templates": "id,name\nT1,x\n"}
    ).json()
    assert _counts(report)["templates.csv"] == (0, 0, 0, 0)
    assert {(e["file"], e["line"], e["field"], e["code"]) for e in report["errors"]} >= {
        ("templates.csv", 1, "template_id", "missing_column")
    }


def test_the_command_line_imports_a_folder_once(
    db: Database, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipper = _shipper(db)
    for name, text in EXPORT.items():
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    monkeypatch.setenv("HARBOURLINK_DATABASE_URL", database_url)
    runner = CliRunner()

    first = runner.invoke(cli_app, ["road", "import", str(tmp_path), "--company", shipper.org_id])
    second = runner.invoke(cli_app, ["road", "import", str(tmp_path), "--company", shipper.org_id])

    assert first.exit_code == 1, "some rows were rejected"
    assert "consignments.csv:4 packages: invalid_number" in first.output
    assert first.output.strip().splitlines()[-1].startswith("lee@kowloon-books.example.hk ")
    assert "│ consignments.csv │ 5    │ 0       │ 2       │ 3        │" in second.output
    with db.transaction() as session:
        admin = Actor(org_id=shipper.org_id, user_id=shipper.admin_id, roles=frozenset({"administrator"}))
        assert len(road.list_consignments(session, admin)) == 2


def test_a_person_the_company_has_already_is_linked_not_doubled(client: TestClient, db: Database) -> None:
    shipper = _shipper(db)
    added = client.post(
        f"/api/v1/orgs/{shipper.org_id}/users",
        headers=shipper.auth,
        json={"email": "Lee@kowloon-books.example.hk", "display_name": "Lee Mei Ling", "role": "user"},
    )
    assert added.status_code == 201, added.text

    report = client.post("/api/v1/road/migrations", headers=shipper.auth, json=EXPORT).json()

    assert _counts(report)["accounts.csv"] == (3, 1, 1, 1)
    assert set(report["temporary_passwords"]) == {"chan@kowloon-books.example.hk"}
    assert _counts(report)["templates.csv"] == (3, 2, 0, 1), "Lee's template is now the existing person's"
    with db.transaction() as session:
        as_lee = Actor(org_id=shipper.org_id, user_id=added.json()["id"], roles=frozenset({"user"}))
        assert [t.name for t in road.list_templates(session, as_lee)] == ["Stationery"]
