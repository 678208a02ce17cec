"""The e-lock tests deliver alerts themselves, to loopback servers, as the alert tests do."""

from tests.alerts.conftest import client

__all__ = ["client"]
