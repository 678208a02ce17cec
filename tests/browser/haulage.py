"""Shared by the browser tests of trucks, legs and receipts: a forwarder's container shared with a trucking
company and its driver, set up through the live site's API."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from harbourlink.kernel import create_database
from tests.browser.conftest import LiveSite
from tests.conftest import STRONG_PASSWORD, Company, make_company
from tests.trucking.support import CONTAINER, SAMPLES

DRIVER_EMAIL = "driver@tai-kok-trucking.example.hk"


def api(site: LiveSite, company: Company, method: str, path: str, **kwargs: Any) -> Any:
    """One API call as ``company``, which must succeed; its JSON answer, or its bytes (a label's PDF)."""
    answer = httpx.request(method, f"{site.base_url}{path}", headers=company.auth, timeout=30, **kwargs)
    assert answer.status_code < 300, answer.text
    return answer.json() if answer.headers["content-type"].startswith("application/json") else answer.content


@dataclass
class LiveHaulage:
    forwarder: Company
    trucker: Company
    driver_id: str
    others: dict[str, Company]
    """More companies by their type (a warehouse …), made with the two."""


def live_haulage(site: LiveSite, tmp_path: Path, *others: tuple[str, str]) -> LiveHaulage:
    """The forwarder's CSV sample sent, its container shared with the trucking company, the trucker's driver
    (``DRIVER_EMAIL``) added; ``others`` are (name, type) of further companies."""
    db = create_database(f"sqlite:///{tmp_path / 'harbourlink.db'}")
    try:
        forwarder = make_company(db, "Harbour Forwarding", "forwarder")
        trucker = make_company(db, "Tai Kok Trucking", "trucking")
        more = {kind: make_company(db, name, kind) for name, kind in others}
    finally:
        db.engine.dispose()
    api(
        site,
        forwarder,
        "POST",
        "/api/v1/messages",
        params={"format": "csv"},
        content=(SAMPLES / "csv" / "hkg_import.csv").read_bytes(),
    )
    api(
        site,
        forwarder,
        "POST",
        "/api/v1/grants",
        json={"reference_type": "CONTAINER", "reference": CONTAINER, "grantee_org_id": trucker.org_id},
    )
    driver = api(
        site,
        trucker,
        "POST",
        f"/api/v1/orgs/{trucker.org_id}/users",
        json={"email": DRIVER_EMAIL, "display_name": "Chan Siu Ming", "role": "driver", "password": STRONG_PASSWORD},
    )
    return LiveHaulage(forwarder, trucker, driver["id"], more)
