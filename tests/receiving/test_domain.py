"""The pure rules of receiving: the token's signature, short counts and damage, what a photo is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from harbourlink.receiving.domain import (
    Condition,
    consignment_url,
    discrepancy,
    image_type,
    new_token_id,
    sign_token,
    token_id_of,
    token_state,
)

KEY = "a-secret-key-of-the-platform"
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def test_a_signed_token_carries_its_random_id_and_nothing_else() -> None:
    token_id = new_token_id()
    token = sign_token(KEY, token_id)
    assert token_id_of(KEY, token) == token_id
    assert token.startswith(token_id + ".") and len(token) < 50
    assert new_token_id() != token_id


def test_a_token_signed_with_another_key_or_altered_opens_nothing() -> None:
    token = sign_token(KEY, new_token_id())
    assert token_id_of("another key", token) is None
    token_id, _, signature = token.partition(".")
    assert token_id_of(KEY, f"{token_id}x.{signature}") is None
    assert token_id_of(KEY, token_id) is None
    assert token_id_of(KEY, "") is None
    assert token_id_of(KEY, "MSCU1234566") is None


@given(st.text(max_size=120))
def test_no_text_but_a_signed_token_opens_anything(text: str) -> None:
    assert token_id_of(KEY, text) is None


def test_a_token_is_good_until_it_expires_or_is_revoked() -> None:
    later = NOW + timedelta(days=1)
    assert token_state(expires_at=later, revoked_at=None, now=NOW) is None
    assert token_state(expires_at=NOW, revoked_at=None, now=NOW) == "expired"
    assert token_state(expires_at=later, revoked_at=NOW, now=NOW) == "revoked"


def test_fewer_packages_than_expected_is_short_and_damage_counts_whatever_the_count() -> None:
    assert discrepancy(expected=10, counted=8, condition=Condition.GOOD).short == 2
    assert not discrepancy(expected=10, counted=10, condition=Condition.GOOD).any
    assert not discrepancy(expected=10, counted=12, condition=Condition.GOOD).any
    assert not discrepancy(expected=None, counted=1, condition=Condition.GOOD).any
    damaged = discrepancy(expected=None, counted=3, condition=Condition.DAMAGED)
    assert damaged.any and damaged.damaged and damaged.short == 0


def test_a_photo_is_known_by_its_bytes_not_its_name() -> None:
    assert image_type(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert image_type(b"\x89PNG\r\n\x1a\nrest") == "image/png"
    assert image_type(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert image_type(b"<svg onload=alert(1)>") is None
    assert image_type(b"%PDF-1.7") is None
    assert image_type(b"") is None


def test_the_qr_code_opens_the_consignment_page() -> None:
    assert consignment_url("https://pcs.example.hk/", "abc.def") == "https://pcs.example.hk/c/abc.def"
