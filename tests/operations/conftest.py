"""The operator's tests force deliveries to fail against receivers on loopback, so the app allows them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from harbourlink.app import create_app
from harbourlink.settings import Settings


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    loopback = settings.model_copy(
        update={"webhook_allow_private_networks": True, "dcsa_callback_allow_private_networks": True}
    )
    with TestClient(create_app(loopback), base_url="http://testserver") as test_client:
        yield test_client
