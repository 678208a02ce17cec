"""Applying to join through the sign-up page; errors appear next to their field, translated."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from harbourlink import identity
from harbourlink.kernel import Database
from tests.conftest import Company
from tests.web.conftest import company_form, driver_form, submit, text_of


def _field_error(html: str, field: str) -> str:
    """The error shown under one field (ids are the field name with '.' as '-')."""
    match = re.search(rf'id="f-{re.escape(field.replace(".", "-"))}-error">([^<]*)<', html)
    assert match, f"no error next to {field}"
    return match.group(1)


def _pending(db: Database) -> list[identity.Organisation]:
    with db.transaction() as session:
        return identity.list_organisations(session, identity.SYSTEM_ACTOR, status=identity.OrgStatus.PENDING)


def test_a_company_applies_and_waits_for_approval(client: TestClient, db: Database) -> None:
    response = submit(client, "/signup", "/signup", company_form())
    assert response.status_code == 200
    assert "待審批" in text_of(response.text)
    [org] = _pending(db)
    assert org.name == "Kowloon Freight Limited"
    assert org.name_local == "九龍貨運有限公司"
    assert org.business_registration == "12345678"


def test_a_driver_applies_with_vehicle_and_licence(client: TestClient, db: Database) -> None:
    response = submit(client, "/signup?lang=en", "/signup", driver_form())
    assert "pending approval" in text_of(response.text)
    [org] = _pending(db)
    assert org.account_kind == "driver"


def test_errors_are_shown_next_to_their_fields_in_the_page_language(client: TestClient, db: Database) -> None:
    form = company_form(**{"applicant.password": "short", "applicant.password_confirm": "other",
                           "applicant.email": "not-an-email", "doc.authorisation_letter.number": ""})
    response = submit(client, "/signup", "/signup", form)
    assert response.status_code == 422
    assert _field_error(response.text, "applicant.password_confirm") == "兩次輸入的密碼不相同。"
    assert _field_error(response.text, "applicant.email") == "請輸入有效的電郵地址。"
    assert "Kowloon Freight Limited" in response.text  # what was typed is kept
    assert "short" not in response.text  # passwords are not
    assert _pending(db) == []


def test_rules_of_identity_land_on_their_fields(client: TestClient, db: Database) -> None:
    missing = submit(client, "/signup?lang=en", "/signup", company_form(**{"doc.authorisation_letter.number": ""}))
    assert _field_error(missing.text, "doc.authorisation_letter.number") == "Enter the number of this document."
    weak = submit(client, "/signup", "/signup", company_form(**{"applicant.password": "abcdefghij",
                                                                "applicant.password_confirm": "abcdefghij"}))
    assert "Use at least 10 characters" in _field_error(weak.text, "applicant.password")
    brn = submit(client, "/signup", "/signup", company_form(business_registration="12"))
    assert _field_error(brn.text, "business_registration") == "A Business Registration number has 8 digits."
    mobile = submit(client, "/signup", "/signup", driver_form(**{"driver.mobile": "1234"}))
    assert "8 digits starting with 4 to 9" in _field_error(mobile.text, "driver.mobile")
    assert _pending(db) == []


def test_an_address_already_in_use_answers_as_a_new_application(
    client: TestClient, db: Database, company_a: Company,
) -> None:
    fresh = submit(client, "/signup?lang=zh-CN", "/signup", company_form())
    taken = submit(client, "/signup?lang=zh-CN", "/signup", company_form(**{"applicant.email": company_a.admin_email}))
    assert taken.status_code == fresh.status_code == 200
    assert text_of(taken.text) == text_of(fresh.text)  # an anonymous caller learns nothing about the address
    assert len(_pending(db)) == 1
    with db.transaction() as session:
        kinds = [e.kind for e in identity.list_audit_events(session, org_id=company_a.org_id)]
    assert "registration_duplicate" in kinds


def test_operator_rights_cannot_be_applied_for(client: TestClient, db: Database) -> None:
    response = submit(client, "/signup", "/signup", company_form(types=["operator"]))
    assert response.status_code == 422
    assert _field_error(response.text, "types")
    assert "operator" not in re.findall(r'name="types" value="([^"]+)"', response.text)
    assert _pending(db) == []
