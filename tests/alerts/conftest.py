"""The alert tests drive delivery themselves: the app runs without background dispatchers; a real
SMTP server on loopback receives e-mail."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from fastapi.testclient import TestClient

from harbourlink.settings import Settings
from tests.conftest import app_client


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with app_client(settings, run_dispatchers=False, webhook_allow_private_networks=True) as test_client:
        yield test_client


class SmtpInbox(Message):
    """Keeps every message a real SMTP server on loopback received."""

    def __init__(self) -> None:
        super().__init__(message_class=EmailMessage)
        self.messages: list[bytes] = []

    def handle_message(self, message: object) -> None:
        self.messages.append(bytes(message))  # type: ignore[call-overload]


@pytest.fixture
def smtp_server() -> Iterator[tuple[Controller, SmtpInbox]]:
    inbox = SmtpInbox()
    with socket.socket() as probe:  # aiosmtpd checks readiness by connecting, so it needs a real port
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, inbox
    controller.stop()
