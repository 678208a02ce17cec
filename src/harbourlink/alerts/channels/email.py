"""E-mail over SMTP: a text part and an HTML part, in the recipient's language."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from html import escape
from typing import Any

from harbourlink.alerts.channels import Sent
from harbourlink.alerts.channels.texts import WORDS, figure_lines, subject_line, text_body


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str
    timeout_seconds: float = 10.0
    starttls: bool = False
    username: str = ""
    password: str = ""


def _html(data: dict[str, Any], language: str) -> str:
    rows = "".join(f"<tr><th>{escape(name)}</th><td>{escape(value)}</td></tr>" for name, value in figure_lines(data))
    link = escape(data["timeline_url"])
    words = WORDS["timeline"].get(language, WORDS["timeline"]["en"])
    return (
        f'<!doctype html><html lang="{escape(language)}"><body><h1>{escape(subject_line(data, language))}</h1>'
        f'<table>{rows}</table><p><a href="{link}">{escape(words)}</a></p></body></html>'
    )


def compose(data: dict[str, Any], *, to: str, sender: str, language: str, message_id: str) -> EmailMessage:
    """The message: text first, HTML as the alternative; ``Message-ID`` from the idempotency id."""
    message = EmailMessage()
    message["Subject"] = subject_line(data, language)
    message["From"], message["To"] = sender, to
    message["Content-Language"] = language
    message["Message-ID"] = f"<{message_id}@harbourlink>"
    message.set_content(text_body(data, language))
    message.add_alternative(_html(data, language), subtype="html")
    return message


def send(config: SmtpConfig, message: EmailMessage) -> Sent:
    """Hands the message to the SMTP server; a refusal or a broken connection is an error to retry."""
    try:
        with smtplib.SMTP(config.host, config.port, timeout=config.timeout_seconds) as smtp:
            if config.starttls:
                smtp.starttls()
            if config.username:
                smtp.login(config.username, config.password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        return Sent(None, f"{type(exc).__name__}: {exc}"[:500])
    return Sent(250)
