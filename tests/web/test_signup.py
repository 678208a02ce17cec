"""Applying to join through the sign-up page; errors appear next to their field, translated."""

from __future__ import annotations

import html
import json
import re

import pytest
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
    form = company_form(
        **{
            "applicant.password": "short",
            "applicant.password_confirm": "other",
            "applicant.email": "not-an-email",
            "doc.authorisation_letter.number": "",
        }
    )
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
    weak = submit(
        client,
        "/signup",
        "/signup",
        company_form(**{"applicant.password": "abcdefghij", "applicant.password_confirm": "abcdefghij"}),
    )
    assert "Use at least 10 characters" in _field_error(weak.text, "applicant.password")
    brn = submit(client, "/signup", "/signup", company_form(business_registration="12"))
    assert _field_error(brn.text, "business_registration") == "A Business Registration number has 8 digits."
    mobile = submit(client, "/signup", "/signup", driver_form(**{"driver.mobile": "1234"}))
    assert "8 digits starting with 4 to 9" in _field_error(mobile.text, "driver.mobile")
    assert _pending(db) == []


def test_an_address_already_in_use_answers_as_a_new_application(
    client: TestClient,
    db: Database,
    company_a: Company,
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


def test_every_fields_error_is_shown_at_once(client: TestClient, db: Database) -> None:
    """A weak password, a missing number, no company type and a bad address: one answer names them all."""
    weak: dict[str, str | list[str]] = {
        "applicant.password": "abcdefghij",
        "applicant.password_confirm": "abcdefghij",
        "types": [],
        "business_registration": "",
        "doc.authorisation_letter.number": "",
        "applicant.email": "not-an-email",
        "name": "",
    }
    form = company_form(**weak)
    response = submit(client, "/signup?lang=en", "/signup", form)
    assert response.status_code == 422
    assert _field_error(response.text, "name") == "This field is required."
    assert "Use at least 10 characters" in _field_error(response.text, "applicant.password")
    assert _field_error(response.text, "types") == "Choose at least one company type."
    assert _field_error(response.text, "business_registration") == "Enter the Business Registration number."
    assert _field_error(response.text, "doc.authorisation_letter.number") == "Enter the number of this document."
    assert _field_error(response.text, "applicant.email") == "Enter a valid e-mail address."
    assert _pending(db) == []


def test_only_the_types_a_company_applies_for_are_offered(client: TestClient, db: Database) -> None:
    offered = re.findall(r'name="types" value="([^"]+)"', client.get("/signup").text)
    assert sorted(offered) == sorted(t.value for t in identity.SELF_SERVICE_TYPES)
    assert not {"customs_hk", "customs_mainland", "bank", "operator"} & set(offered)
    for closed in ("bank", "customs_hk", "customs_mainland"):
        response = submit(client, "/signup?lang=en", "/signup", company_form(types=["forwarder", closed]))
        assert response.status_code == 422
        assert _field_error(response.text, "types") == "Choose company types from the list."
    assert _pending(db) == []


def test_the_page_carries_the_servers_password_rule_and_its_words(client: TestClient) -> None:
    page = client.get("/signup", headers={"Accept-Language": "en"}).text
    carried = re.search(r'data-words="([^"]+)"', page)
    assert carried
    words = json.loads(html.unescape(carried.group(1)))
    rule = identity.PASSWORD_RULE
    assert words["rule"] == {
        "minLength": rule.min_length,
        "classes": list(rule.classes),
        "classesNeeded": rule.classes_needed,
    }
    assert (
        words["weak"].startswith("Use at least 10 characters") and words["strong"] == "This password is strong enough."
    )
    assert '<script src="/static/signup.js' in page


@pytest.mark.parametrize(
    ("accept", "lang"),
    [
        ("zh-HK,zh;q=0.9,en;q=0.8", "zh-HK"),
        ("zh-TW", "zh-HK"),
        ("zh-Hant", "zh-HK"),
        ("zh-CN,zh;q=0.9", "zh-CN"),
        ("zh-Hans-HK", "zh-CN"),
        ("zh", "zh-CN"),
        ("en-GB,en;q=0.9", "en"),
        ("fr-FR,de;q=0.5", "zh-HK"),
        ("", "zh-HK"),
        ("fr, en;q=0.4, zh-CN;q=0.6", "zh-CN"),
    ],
)
def test_the_page_speaks_the_browsers_language(client: TestClient, accept: str, lang: str) -> None:
    response = client.get("/signup", headers={"Accept-Language": accept})
    assert f'<html lang="{lang}">' in response.text
    assert "Accept-Language" in response.headers["vary"]


def test_a_chosen_language_wins_over_the_browsers(client: TestClient) -> None:
    assert '<html lang="zh-CN">' in client.get("/signup?lang=zh-CN", headers={"Accept-Language": "en"}).text
    assert '<html lang="zh-CN">' in client.get("/signup", headers={"Accept-Language": "en"}).text  # the cookie
