"""A caller on the phone line, through the TwiML webhook with requests signed as the provider signs them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree

import httpx2
import pyotp
from fastapi.testclient import TestClient
from twilio.request_validator import RequestValidator

from harbourlink.ivr.domain import HONG_KONG
from tests.ivr.conftest import ACCOUNT_SID, AUTH_TOKEN, PUBLIC_URL, Clock, Driver

UNITS = ("month", "day", "hour", "minute")


@dataclass
class Said:
    """One TwiML answer, read: the clips played (language, prompt), what is gathered next, whether it hangs up."""

    clips: list[tuple[str, str]]
    gather: dict[str, str] | None
    hangup: bool

    @classmethod
    def parse(cls, twiml: str) -> Said:
        root = ElementTree.fromstring(twiml)  # noqa: S314 - our own server's answer
        assert root.tag == "Response"
        gather = root.find("Gather")
        plays = root.iter("Play")
        clips = []
        for play in plays:
            path = (play.text or "").removeprefix(PUBLIC_URL)
            _, _, _, language, prompt = path.split("/")
            clips.append((language, prompt))
        if gather is not None:
            redirect = root.find("Redirect")
            assert redirect is not None and redirect.text == f"{PUBLIC_URL}/ivr/gather", "silence must come back"
            assert gather.attrib["action"] == f"{PUBLIC_URL}/ivr/gather"
        return cls(clips, dict(gather.attrib) if gather is not None else None, root.find("Hangup") is not None)

    @property
    def prompts(self) -> list[str]:
        return [prompt for _, prompt in self.clips]

    @property
    def languages(self) -> set[str]:
        return {language for language, _ in self.clips}

    def number_after(self, prompt: str, occurrence: int = 0) -> str:
        """The number read digit by digit after the ``occurrence``-th ``prompt``."""
        start = [i for i, name in enumerate(self.prompts) if name == prompt][occurrence] + 1
        number = ""
        for name in self.prompts[start:]:
            if not name.startswith("digit_"):
                break
            number += name.removeprefix("digit_")
        return number

    def time_after(self, prompt: str) -> tuple[int, int, int, int]:
        """Month, day, hour and minute read after ``prompt`` (each unit's two digits, before or after its word)."""
        rest = self.prompts[self.prompts.index(prompt) + 1 :]
        values: dict[str, str] = {}
        pending, last_unit = "", None
        for name in rest:
            if name.startswith("digit_"):
                pending += name.removeprefix("digit_")
            elif name in UNITS:
                if pending:  # digits then their word ("07 日")
                    values[name], pending = pending, ""
                last_unit = name
            else:
                break
            if last_unit and last_unit not in values and len(pending) == 2:  # word then digits ("month 12")
                values[last_unit], pending = pending, ""
        assert set(values) == set(UNITS), values
        month, day, hour, minute = (int(values[unit]) for unit in UNITS)
        return month, day, hour, minute


class Caller:
    """One call of ``driver``'s; every request signed with the provider's token unless told otherwise."""

    def __init__(self, client: TestClient, clock: Clock, driver: Driver | None = None) -> None:
        self.client, self.clock, self.driver = client, clock, driver
        self.call_sid = "CA" + secrets.token_hex(16)
        self.validator = RequestValidator(AUTH_TOKEN)
        self.keyed: list[str] = []
        """Every entry the caller keyed, to look for where none may be written down."""

    def post(self, path: str, fields: dict[str, str], *, signature: str | None = "sign") -> httpx2.Response:
        data = {"AccountSid": ACCOUNT_SID, "CallSid": self.call_sid, "From": "+85291234567", "To": "+85239023333"}
        data |= fields
        headers = {}
        if signature == "sign":
            headers["X-Twilio-Signature"] = self.validator.compute_signature(f"{PUBLIC_URL}{path}", data)
        elif signature is not None:
            headers["X-Twilio-Signature"] = signature
        return self.client.post(path, data=data, headers=headers)

    def _said(self, response: httpx2.Response) -> Said:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/xml")
        return Said.parse(response.text)

    def dial(self) -> Said:
        return self._said(self.post("/ivr/voice", {"CallStatus": "ringing"}))

    def press(self, digits: str | None) -> Said:
        """Keys as the provider reports them (without the closing #); ``None``: the silent ``Redirect``."""
        if digits is not None:
            self.keyed.append(digits)
        return self._said(self.post("/ivr/gather", {} if digits is None else {"Digits": digits}))

    def code(self) -> str:
        """The driver's security code now; the clock then moves past its time step, as a code is good once."""
        assert self.driver is not None
        code = pyotp.TOTP(self.driver.seed).at(self.clock())
        self.clock.advance(30)
        return code

    def log_in(self, language_keys: str = "") -> Said:
        assert self.driver is not None
        self.dial()
        if language_keys:
            self.press(language_keys)
        self.press(self.driver.number)
        return self.press(self.driver.password)

    def bind(self, *ccrns: str, point: str = "3") -> Said:
        """From the main menu: bind ``ccrns`` at control point ``point`` and confirm."""
        said = self.press("1")
        for index, ccrn in enumerate(ccrns):
            said = self.press(ccrn)
            assert said.prompts[-1] == "more_ccrn"
            said = self.press("1" if index < len(ccrns) - 1 else "2")
        assert said.prompts[-1] == "enter_code"
        said = self.press(self.code())
        assert said.prompts[-1] == "choose_point"
        said = self.press(point)
        assert said.prompts[-1] == "confirm"
        for index, ccrn in enumerate(ccrns):
            assert said.number_after("ccrn", index) == ccrn, "each CCRN is read back before anything changes"
        assert said.number_after("control_point") == point
        return self.press("1")


def hong_kong(moment: datetime) -> tuple[int, int, int, int]:
    local = moment.astimezone(HONG_KONG)
    return local.month, local.day, local.hour, local.minute
