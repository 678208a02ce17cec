"""The operator's tests force deliveries to fail against receivers on loopback, so the app allows them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from harbourlink.settings import Settings
from tests.conftest import app_client


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with app_client(
        settings, webhook_allow_private_networks=True, dcsa_callback_allow_private_networks=True
    ) as test_client:
        yield test_client
