"""The import page (R-ROAD-11) for a company's administrators: the export's CSV files, or a ZIP archive of them,
in; the reconciliation report, each rejected row's file, line and field in the page's language, and the new
people's temporary passwords, shown once; nobody else may import, and no other company is touched."""

from __future__ import annotations

import io
import re
import zipfile

import httpx2
from fastapi.testclient import TestClient

from harbourlink import identity
from harbourlink.identity.crypto import verify_password
from harbourlink.kernel import Actor, Database
from tests.conftest import STRONG_PASSWORD, make_company
from tests.road.test_migration import EXPORT, _shipper
from tests.web.conftest import csrf_of, log_in, text_of

PAGE = "/admin/road-import"
Counts = dict[str, tuple[int, int, int, int]]


def _post(client: TestClient, files: dict[str, tuple[str, bytes, str]], lang: str = "en") -> httpx2.Response:
    token = csrf_of(client.get(f"{PAGE}?lang={lang}").text)
    return client.post(f"{PAGE}?lang={lang}", data={"csrf_token": token}, files=files)


def _csv_files() -> dict[str, tuple[str, bytes, str]]:
    return {f"{name}.csv": (f"{name}.csv", text.encode(), "text/csv") for name, text in EXPORT.items()}


def _zipped(names: dict[str, str]) -> dict[str, tuple[str, bytes, str]]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in names.items():
            archive.writestr(name, text)
    return {"archive": ("export.zip", buffer.getvalue(), "application/zip")}


def _counts(page: str) -> Counts:
    found: Counts = {}
    for file in ("accounts", "templates", "consignments"):
        card = re.search(rf'id="tally-{file}-csv">(.*?)</li>', page, re.S)
        assert card, f"no tally of {file}.csv"
        read, created, present, rejected = (int(n) for n in re.findall(r'data-count="\w+">(\d+)<', card.group(1)))
        found[f"{file}.csv"] = (read, created, present, rejected)
    return found


def _passwords(page: str) -> dict[str, str]:
    box = re.search(r'id="temporary-passwords">(.*?)</div>', page, re.S)
    return dict(re.findall(r"<dt>([^<]+)</dt><dd><code>([^<]+)</code>", box.group(1))) if box else {}


def test_an_administrator_imports_the_three_files_and_sees_the_report_and_the_passwords_once(
    client: TestClient, db: Database
) -> None:
    shipper = _shipper(db)
    log_in(client, shipper.admin_email)
    form = client.get(f"{PAGE}?lang=en")
    assert form.status_code == 200 and f'href="{PAGE}"' in form.text and 'aria-current="page"' in form.text
    assert f'href="{PAGE}"' in client.get("/admin?lang=en").text, "reachable from the administration's tabs"

    first = _post(client, _csv_files())

    assert first.status_code == 200, first.text
    assert _counts(first.text) == {
        "accounts.csv": (3, 2, 0, 1),
        "templates.csv": (3, 2, 0, 1),
        "consignments.csv": (5, 2, 0, 3),
    }
    words = text_of(first.text)
    assert "accounts.csv, line 4, role: required but empty" in words
    assert "consignments.csv, line 4, packages: not a whole number from 1 up" in words
    assert "consignments.csv, line 6, reference: the same key appears twice in the file" in words
    shown = _passwords(first.text)
    assert set(shown) == {"chan@kowloon-books.example.hk", "lee@kowloon-books.example.hk"}
    with db.transaction() as session:
        admin = Actor(org_id=shipper.org_id, user_id=shipper.admin_id, roles=frozenset({"administrator"}))
        chan = next(u for u in identity.list_users(session, admin, org_id=shipper.org_id) if u.email in shown)
        assert chan.email is not None and verify_password(chan.password_hash or "", shown[chan.email])

    again = _post(client, _csv_files(), lang="zh-HK")
    assert _counts(again.text) == {
        "accounts.csv": (3, 0, 2, 1),
        "templates.csv": (3, 0, 2, 1),
        "consignments.csv": (5, 0, 2, 3),
    }
    assert _passwords(again.text) == {} and all(password not in again.text for password in shown.values())
    assert "consignments.csv，第 4 行，packages：不是由 1 起的整數" in text_of(again.text)
    assert "<h2>匯出資料已匯入</h2>" in again.text


def test_a_zip_archive_of_the_export_imports_the_same_in_simplified_chinese(client: TestClient, db: Database) -> None:
    shipper = _shipper(db)
    log_in(client, shipper.admin_email)

    done = _post(client, _zipped({f"export/{name}.csv": text for name, text in EXPORT.items()}), lang="zh-CN")

    assert done.status_code == 200, done.text
    assert _counts(done.text)["consignments.csv"] == (5, 2, 0, 3)
    assert "templates.csv，第 4 行，account_id：" in text_of(done.text)
    assert "<h2>导出数据已导入</h2>" in done.text


def test_an_unsafe_or_empty_upload_is_refused_in_the_pages_words_and_imports_nothing(
    client: TestClient, db: Database
) -> None:
    shipper = _shipper(db)
    log_in(client, shipper.admin_email)
    unsafe = _post(client, _zipped({"../accounts.csv": EXPORT["accounts"]}))
    assert unsafe.status_code == 422 and "names paths outside itself" in text_of(unsafe.text)
    empty = _post(client, {})
    assert empty.status_code == 422 and "Choose the export's CSV files, or a ZIP archive of them." in text_of(
        empty.text
    )
    not_text = _post(client, {"accounts.csv": ("accounts.csv", "帳戶".encode("big5"), "text/csv")})
    assert not_text.status_code == 422 and "accounts.csv is not UTF-8 text." in text_of(not_text.text)
    assert client.get("/api/v1/road/consignments", headers=shipper.auth).json() == []
    refused = client.post(PAGE, files=_csv_files())
    assert refused.status_code == 403, "a form without the CSRF token"


def test_only_an_administrator_of_a_company_that_lodges_may_import(client: TestClient, db: Database) -> None:
    shipper = _shipper(db)
    with db.transaction() as session:
        identity.create_user(
            session,
            identity.SYSTEM_ACTOR,
            org_id=shipper.org_id,
            email="clerk@kowloon-books.example.hk",
            display_name="Clerk",
            role=identity.Role.USER,
            password=STRONG_PASSWORD,
        )
    log_in(client, "clerk@kowloon-books.example.hk")
    assert client.get(f"{PAGE}?lang=en").status_code == 403
    token = csrf_of(client.get("/road?lang=en").text)
    assert client.post(PAGE, data={"csrf_token": token}, files=_csv_files()).status_code == 403

    newcomer = make_company(db, "Not Opted In", "cargo_owner")
    client.cookies.clear()
    log_in(client, newcomer.admin_email)
    closed = _post(client, _csv_files())
    assert closed.status_code == 403 and "<h2>Import from the older road cargo system</h2>" in closed.text
    assert client.get("/api/v1/road/consignments", headers=shipper.auth).json() == []


def test_another_companys_import_leaves_the_first_untouched(client: TestClient, db: Database) -> None:
    shipper, other = _shipper(db), _shipper(db, "Other Shipper")
    log_in(client, shipper.admin_email)
    _post(client, _csv_files())
    client.cookies.clear()
    log_in(client, other.admin_email)

    theirs = _post(client, _csv_files())

    assert _counts(theirs.text)["accounts.csv"] == (3, 0, 0, 3), "another company's people stay theirs"
    assert "the address is a person's of another company" in text_of(theirs.text)
    assert _passwords(theirs.text) == {}
    assert client.get("/api/v1/road/consignments", headers=other.auth).json() == []
    assert len(client.get("/api/v1/road/consignments", headers=shipper.auth).json()) == 2
