"""Helpers for driving the pages as a browser would: CSRF tokens from forms, login with TOTP."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import httpx2
import pyotp
from fastapi.testclient import TestClient

from tests.conftest import STRONG_PASSWORD

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_SECRET = re.compile(r'id="totp-secret">([A-Z2-7]+)<')


def csrf_of(html: str) -> str:
    """The CSRF token a page embedded in its forms."""
    match = _CSRF.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def submit(client: TestClient, page: str, action: str, data: dict[str, str | list[str]]) -> httpx2.Response:
    """Opens ``page``, then posts ``data`` to ``action`` with the token that page carried."""
    token = csrf_of(client.get(page).text)
    return client.post(action, data={**data, "csrf_token": token})


@dataclass
class LoggedIn:
    totp_secret: str


def log_in(client: TestClient, login: str, password: str = STRONG_PASSWORD) -> LoggedIn:
    """Logs in through the pages, enrolling TOTP on the way (a user's first login)."""
    response = submit(client, "/login", "/login", {"login": login, "password": password})
    assert response.url.path == "/login/totp/enrol", response.text
    secret = _SECRET.search(response.text)
    assert secret, "the enrolment page shows no secret"
    code = pyotp.TOTP(secret.group(1)).now()
    done = client.post("/login/totp/enrol", data={"code": code, "csrf_token": csrf_of(response.text)})
    assert done.status_code == 200, done.text
    return LoggedIn(totp_secret=secret.group(1))


def text_of(page: str) -> str:
    """The page's visible text, roughly: tags removed, whitespace squeezed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def company_form(**overrides: str | list[str]) -> dict[str, str | list[str]]:
    """A complete company application, as the sign-up form posts it."""
    form: dict[str, str | list[str]] = {
        "account_kind": "company",
        "name": "Kowloon Freight Limited",
        "name_local": "九龍貨運有限公司",
        "types": ["forwarder", "trucking"],
        "operation_mode": "agent",
        "business_registration": "12345678",
        "contact_email": "office@kowloon-freight.example.hk",
        "contact_phone": "+852 2345 6789",
        "doc.identity_proof.number": "A123456(7)",
        "doc.identity_proof.issuer": "Immigration Department",
        "doc.business_registration.number": "12345678-000-01-24-1",
        "doc.business_registration.issuer": "IRD",
        "doc.authorisation_letter.number": "KF-2026-01",
        "doc.authorisation_letter.issuer": "Kowloon Freight",
        "applicant.display_name": "Chan Tai Man",
        "applicant.email": "chan@kowloon-freight.example.hk",
        "applicant.password": STRONG_PASSWORD,
        "applicant.password_confirm": STRONG_PASSWORD,
    }
    form.update(overrides)
    return form


def driver_form(**overrides: str | list[str]) -> dict[str, str | list[str]]:
    """A complete application of an individual truck driver."""
    form: dict[str, str | list[str]] = {
        "account_kind": "driver",
        "name": "Lee Siu Ming",
        "name_local": "李小明",
        "driver.mobile": "9123 4567",
        "driver.vehicle_registration": "ab 1234",
        "driver.driving_licence": "DL123456",
        "doc.identity_proof.number": "B765432(1)",
        "doc.identity_proof.issuer": "Immigration Department",
        "doc.vehicle_registration.number": "VR-998877",
        "doc.vehicle_registration.issuer": "Transport Department",
        "doc.driving_licence.number": "DL123456",
        "doc.driving_licence.issuer": "Transport Department",
        "applicant.display_name": "Lee Siu Ming",
        "applicant.password": STRONG_PASSWORD,
        "applicant.password_confirm": STRONG_PASSWORD,
    }
    form.update(overrides)
    return form
