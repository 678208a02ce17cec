"""The prompts as audio in the three languages, served for the provider's <Play>; without espeak-ng, said so."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from harbourlink import ivr
from harbourlink.app import create_app
from harbourlink.settings import Settings
from tests.ivr.caller import Caller
from tests.ivr.conftest import Clock, Driver


@pytest.mark.parametrize("language", list(ivr.Language))
def test_every_prompt_is_non_empty_audio_in_each_language(espeak: None, tmp_path: Path, language: ivr.Language) -> None:
    voice = ivr.Voice(tmp_path)
    for prompt in ivr.PROMPTS:
        with wave.open(str(voice.clip(language, prompt))) as audio:
            assert audio.getnframes() > audio.getframerate() // 10, f"{prompt} in {language} is silent"


def test_a_clip_is_synthesised_once_and_kept(espeak: None, tmp_path: Path) -> None:
    voice = ivr.Voice(tmp_path)
    first = voice.clip(ivr.Language.CANTONESE, "main_menu")
    made = first.stat().st_mtime_ns
    assert voice.clip(ivr.Language.CANTONESE, "main_menu") == first and first.stat().st_mtime_ns == made
    assert first.is_relative_to(tmp_path)


def test_the_audio_endpoint_serves_each_language(phone_client: TestClient) -> None:
    for language in ivr.Language:
        answer = phone_client.get(f"/ivr/audio/{language.value}/enter_account")
        assert answer.status_code == 200 and answer.headers["content-type"] == "audio/wav"
        assert answer.content[:4] == b"RIFF" and len(answer.content) > 10_000
    assert phone_client.get("/ivr/audio/yue/no_such_prompt").json()["error"] == "prompt_not_found"
    assert phone_client.get("/ivr/audio/fr/main_menu").status_code == 422


def test_without_espeak_the_app_says_so_and_the_provider_speaks(
    phone_settings: Settings, clock: Clock, driver: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(phone_settings.model_copy(update={"ivr_espeak": "no-such-espeak-ng"}))
    assert "espeak-ng is not installed" in caplog.text
    with TestClient(app) as client:
        missing = client.get("/ivr/audio/en/main_menu")
        assert missing.status_code == 503 and "install the Debian package espeak-ng" in missing.text
        app.state.phone.desk = lambda _session: None
        answer = Caller(client, clock, driver).post("/ivr/voice", {})
    assert answer.status_code == 200
    assert '<Say language="zh-HK">請輸入你嘅戶口號碼' in answer.text and "<Play>" not in answer.text
    assert '<Say language="en-GB">For English, press star 2.</Say>' in answer.text
