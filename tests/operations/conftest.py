"""The operator's tests force deliveries to fail against receivers on loopback, so the app allows them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from harbourlink.settings import Settings
from tests.conftest import shared_app


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    loopback = settings.model_copy(
        update={"webhook_allow_private_networks": True, "dcsa_callback_allow_private_networks": True}
    )
    with TestClient(shared_app(loopback), base_url="http://testserver") as test_client:
        yield test_client
