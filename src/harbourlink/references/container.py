"""ISO 6346 container numbers: owner code, category, serial and check digit.

``CSQU 305438 3``: owner code ``CSQ`` (registered with BIC), category ``U`` (freight
container; ``J`` detachable equipment, ``Z`` trailer or chassis), serial ``305438`` and check
digit ``3``. The check digit is python-stdnum's ``iso6346.calc_check_digit``: letters count
A=10 … Z=38 skipping multiples of 11, each of the ten characters is weighted 2**position,
the sum is taken mod 11 and a remainder of 10 is written 0. stdnum's own ``validate`` is not
used, as it accepts digits in the owner code and a category ``R`` the current standard lacks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from stdnum import iso6346

from harbourlink.kernel.phrases import N_, Phrase, Wording
from harbourlink.references.errors import (
    CHECK_DIGIT,
    CONTAINER_NUMBER,
    INVALID_CONTAINER_NUMBER,
    identifier_problem,
    invalid,
)
from harbourlink.references.kinds import PARSED_CACHE, fold

CATEGORIES = {
    "U": "freight container",
    "J": "detachable freight container-related equipment",
    "Z": "trailer or chassis",
}

_SHAPE = re.compile(r"^[A-Z]{4}[0-9]{6,7}$")
# Letters and digits people mistake for each other, by the kind of position they stand in:
# a container number has letters only in its first four places and digits only after them.
_AS_LETTER = str.maketrans("012568", "OIZSGB")
_AS_DIGIT = str.maketrans("OQDILSBZG", "000115826")

LENGTH = Phrase(
    "container_length", N_("%(length)s characters where 11 are expected (4 letters, 6 digits and a check digit)")
)
OWNER_CODE = Phrase("container_owner_code", N_("the owner code and category should be 4 letters"))
SERIAL = Phrase("container_serial", N_("the serial and check digit should be 7 digits"))
CATEGORY = Phrase("container_category", N_("category letter should be U, J or Z, not %(letter)s"))
CHECK_DIGIT_MISSING = Phrase("check_digit_missing", N_("check digit missing, it should be %(expected)s"))


@dataclass(frozen=True, slots=True)
class ContainerNumber:
    """A container number that passed the ISO 6346 check, e.g. ``CSQU3054383``."""

    value: str

    @property
    def owner_code(self) -> str:
        return self.value[:3]

    @property
    def category(self) -> str:
        return self.value[3]

    @property
    def serial(self) -> str:
        return self.value[4:10]

    @property
    def check_digit(self) -> str:
        return self.value[10]

    @property
    def display(self) -> str:
        """As painted on the box: ``CSQU 305438 3``."""
        return iso6346.format(self.value)

    def __str__(self) -> str:
        return self.value


# ISO 6346 letter values: A=10 counting up, skipping 11, 22 and 33 (multiples of eleven).
_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (n for n in range(10, 39) if n % 11), strict=False)),
}
_WEIGHTS = tuple(2**position for position in range(10))


def container_check_digit(first_ten: str) -> str:
    """The ISO 6346 check digit of an owner code, category and serial (``CSQU305438`` → ``3``).

    The same sum as ``stdnum.iso6346.calc_check_digit`` (a property test holds them equal), on a
    text already folded: stdnum cleans its input again on every call, which was most of the cost
    of reading a large terminal feed.
    """
    if not _SHAPE.match(first_ten) or len(first_ten) != 10:
        raise ValueError(f"{first_ten!r} is not 4 letters and 6 digits")
    return str(sum(_VALUES[c] * w for c, w in zip(first_ten, _WEIGHTS, strict=True)) % 11 % 10)


def is_container_number(raw: str) -> bool:
    """Whether the text is a container number with the right check digit."""
    value = fold(raw)
    return (
        len(value) == 11
        and bool(_SHAPE.match(value))
        and value[3] in CATEGORIES
        and container_check_digit(value[:10]) == value[10]
    )


@lru_cache(maxsize=PARSED_CACHE)  # a feed names the same few thousand numbers again and again
def parse_container_number(raw: str, *, field: str | None = None) -> ContainerNumber:
    """The container number in ``raw`` (spaces, dashes and case forgiven), or ValidationFailed."""
    value = fold(raw)
    shown = value or repr(raw)
    if not _SHAPE.match(value):
        raise invalid(
            identifier_problem(CONTAINER_NUMBER, shown, _shape_problem(value)),
            code=INVALID_CONTAINER_NUMBER,
            value=raw,
            reason="format",
            field=field,
            suggestion=_repaired(value),
        )
    if value[3] not in CATEGORIES:
        raise invalid(
            identifier_problem(CONTAINER_NUMBER, shown, CATEGORY(letter=value[3])),
            code=INVALID_CONTAINER_NUMBER,
            value=raw,
            reason="category",
            field=field,
        )
    expected = container_check_digit(value[:10])
    if len(value) == 10:
        raise invalid(
            identifier_problem(CONTAINER_NUMBER, shown, CHECK_DIGIT_MISSING(expected=expected)),
            code=INVALID_CONTAINER_NUMBER,
            value=raw,
            reason="format",
            field=field,
            expected_check_digit=expected,
            suggestion=value + expected,
        )
    if value[10] != expected:
        # No suggestion: a wrong check digit means some character is wrong, not which one.
        raise invalid(
            identifier_problem(CONTAINER_NUMBER, shown, CHECK_DIGIT(expected=expected, found=value[10])),
            code=INVALID_CONTAINER_NUMBER,
            value=raw,
            reason="check_digit",
            field=field,
            expected_check_digit=expected,
        )
    return ContainerNumber(value)


def _shape_problem(value: str) -> Wording:
    if len(value) != 11:
        return LENGTH(length=len(value))
    if not value[:4].isalpha() or not value[:4].isascii():
        return OWNER_CODE()
    return SERIAL()


def _repaired(value: str) -> str | None:
    """The number with look-alike characters put right by position, if that makes it valid."""
    if len(value) != 11:
        return None
    candidate = value[:4].translate(_AS_LETTER) + value[4:].translate(_AS_DIGIT)
    return candidate if candidate != value and is_container_number(candidate) else None
