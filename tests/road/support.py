"""Shared by the road tests: a shipper, a trucking agent and customs, each opted in as seed 003 allows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from harbourlink import identity
from harbourlink.kernel import Database
from tests.conftest import Company, make_company


def opt_in(db: Database, company: Company, *services: identity.Service, agent: bool = False) -> Company:
    with db.transaction() as session:
        if agent:
            org = session.get(identity.Organisation, company.org_id)
            assert org is not None
            org.operation_mode = identity.OperationMode.AGENT.value
        for service in services:
            identity.request_service(session, identity.SYSTEM_ACTOR, org_id=company.org_id, service=service)
    return company


@dataclass
class Road:
    shipper: Company
    trucker: Company
    customs: Company
    outsider: Company


def road(db: Database) -> Road:
    shipper = opt_in(db, make_company(db, "Kowloon Books", "cargo_owner"), identity.Service.ADVANCE_CARGO_INFO)
    trucker = opt_in(
        db,
        make_company(db, "Lok Ma Chau Haulage", "trucking"),
        identity.Service.ADVANCE_CARGO_INFO,
        identity.Service.ROAD_BINDING,
        agent=True,
    )
    customs = make_company(db, "Customs and Excise", "customs_hk")
    outsider = opt_in(db, make_company(db, "Other Shipper", "cargo_owner"), identity.Service.ADVANCE_CARGO_INFO)
    return Road(shipper, trucker, customs, outsider)


def cargo(**changes: Any) -> dict[str, Any]:
    return {
        "direction": "import",
        "packages": 12,
        "package_description": "cartons",
        "goods_description": "printed books",
        "consignor_name": "Shenzhen Printing Co",
        "consignor_address": "Futian, Shenzhen",
        "consignee_name": "Kowloon Books Ltd",
        "consignee_address": "Mong Kok, Kowloon",
        "expected_at": (datetime.now(UTC) + timedelta(hours=3)).isoformat(),
        "submitter_reference": "KB-001",
        **changes,
    }


def lodge(client: TestClient, company: Company, **changes: Any) -> str:
    lodged = client.post("/api/v1/road/consignments", headers=company.auth, json=cargo(**changes))
    assert lodged.status_code == 201, lodged.text
    return str(lodged.json()["ccrn"])


def bind(client: TestClient, company: Company, **body: Any) -> dict[str, Any]:
    bound = client.post(
        "/api/v1/road/bindings",
        headers=company.auth,
        json={"vehicle": "FC117", "control_point": "LMC", "direction": "import", **body},
    )
    assert bound.status_code == 201, bound.text
    return bound.json()  # type: ignore[no-any-return]
