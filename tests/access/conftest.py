"""Companies for the access rules' property tests."""

from __future__ import annotations

import pytest

from harbourlink.kernel import Database
from tests.conftest import make_company


@pytest.fixture
def orgs(db: Database) -> list[str]:
    return [make_company(db, f"Org {n}", "forwarder").org_id for n in range(3)]
