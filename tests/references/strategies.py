"""Hypothesis strategies and an independent ISO 6346 reference implementation for the tests."""

from __future__ import annotations

import string

from hypothesis import strategies as st

# ISO 6346 letter values as standards.md §4 gives them: A=10, skipping 11, 22 and 33.
_LETTER_VALUES = dict(zip(string.ascii_uppercase, [v for v in range(10, 39) if v % 11], strict=True))


def iso6346_remainder(first_ten: str) -> int:
    """Sum of the character values weighted 2**position, mod 11, written from the standard's text."""
    total: int = sum((int(c) if c.isdigit() else _LETTER_VALUES[c]) * 2**i for i, c in enumerate(first_ten))
    return total % 11


def iso6346_check_digit(first_ten: str) -> str:
    return str(iso6346_remainder(first_ten) % 10)


owner_codes = st.text(alphabet=string.ascii_uppercase, min_size=3, max_size=3)
categories = st.sampled_from("UJZ")
serials = st.text(alphabet=string.digits, min_size=6, max_size=6)


@st.composite
def container_numbers(draw: st.DrawFn) -> str:
    first_ten = draw(owner_codes) + draw(categories) + draw(serials)
    return first_ten + iso6346_check_digit(first_ten)


@st.composite
def spelled_loosely(draw: st.DrawFn, value: str) -> str:
    """``value`` as people type it: lower case here and there, spaces and dashes between."""
    out = []
    for char in value:
        out.append(char.lower() if draw(st.booleans()) else char)
        out.append(draw(st.sampled_from(["", "", " ", "-"])))
    return "".join(out)
