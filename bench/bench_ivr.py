"""What the phone line costs: prompts synthesised cold and served warm, and one signed webhook exchange.

- every clip in the three languages synthesised by espeak-ng into an empty cache, then looked up again;
- one ``POST /ivr/gather`` (signature checked, call state read and written, TwiML rendered) on SQLite,
  against ``GET /healthz`` through the same in-process client (the baseline).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from harbourlink import ivr
from harbourlink.app import create_app
from harbourlink.schema import upgrade
from harbourlink.settings import Settings

TOKEN = "bench-auth-token"  # noqa: S105 - a made-up token for a throwaway database
PUBLIC = "https://harbourlink.example.hk"
EXCHANGES = 300


def _signed(path: str, fields: dict[str, str]) -> dict[str, str]:
    signed = PUBLIC + path + "".join(name + fields[name] for name in sorted(fields))
    mac = hmac.new(TOKEN.encode(), signed.encode(), hashlib.sha1).digest()
    return {"X-Twilio-Signature": base64.b64encode(mac).decode()}


def synthesis(directory: Path) -> None:
    voice = ivr.Voice(directory)
    clips = [(language, prompt) for language in ivr.Language for prompt in ivr.PROMPTS]
    started = time.perf_counter()
    for language, prompt in clips:
        voice.clip(language, prompt)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    for language, prompt in clips:
        voice.clip(language, prompt)
    warm = time.perf_counter() - started
    print(
        f"{len(clips)} clips: cold {cold:.2f} s ({cold / len(clips) * 1000:.1f} ms a clip), "
        f"warm {warm / len(clips) * 1e6:.0f} µs a clip ({warm / cold:.4f}×)"
    )


def exchanges(directory: Path) -> None:
    url = f"sqlite:///{directory / 'bench.db'}"
    upgrade(url)
    settings = Settings(data_dir=directory, database_url=url, secret_key="bench", run_dispatchers=False)
    app = create_app(settings.model_copy(update={"ivr_auth_token": TOKEN, "ivr_public_url": PUBLIC}))
    app.state.phone.desk = lambda _session: None  # the account step never reaches the desk
    fields: dict[str, Any] = {"CallSid": "CA" + "0" * 32, "AccountSid": "AC1"}
    with TestClient(app) as client:
        assert client.post("/ivr/voice", data=fields, headers=_signed("/ivr/voice", fields)).status_code == 200
        repeat = {**fields, "Digits": "*"}
        headers = _signed("/ivr/gather", repeat)
        started = time.perf_counter()
        for _ in range(EXCHANGES):
            client.post("/ivr/gather", data=repeat, headers=headers)
        gather = (time.perf_counter() - started) / EXCHANGES
        started = time.perf_counter()
        for _ in range(EXCHANGES):
            client.get("/healthz")
        baseline = (time.perf_counter() - started) / EXCHANGES
    print(f"webhook exchange {gather * 1000:.2f} ms, /healthz {baseline * 1000:.2f} ms ({gather / baseline:.1f}×)")


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        synthesis(Path(scratch) / "audio")
        exchanges(Path(scratch))


if __name__ == "__main__":
    main()
