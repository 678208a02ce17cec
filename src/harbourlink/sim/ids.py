"""Identifiers for simulated cargo that pass HarbourLink's strict checks, drawn from a seeded generator.

Every number is made valid by construction: ISO 6346 check digits on containers, IMO check
digits on hulls, MMSIs behind a real Maritime Identification Digits block, Master B/Ls behind a
carrier prefix from ``references.carriers``. Numbers may by chance equal real ones; the names
of ships are invented.
"""

from __future__ import annotations

import random
import string
import uuid

from harbourlink.references import container_check_digit, imo_check_digit

# MIDs by flag (ITU): the flags a Hong Kong port call meets daily.
MIDS: dict[str, tuple[int, ...]] = {"HK": (477,), "CN": (412, 413, 414), "SG": (563, 564, 565, 566)}
CALL_SIGN_PREFIXES = {"HK": "VR", "CN": "BP", "SG": "9V"}

# Container owner codes (BIC): carriers' own boxes and the large lessors'.
DRY_OWNERS = ("OOLU", "CSNU", "EGHU", "YMLU", "MSCU", "TGHU", "TCNU", "SEGU", "CAIU", "FSCU", "BMOU", "TRHU")
REEFER_OWNERS = ("OOLU", "CXRU", "SZLU", "TRIU", "TTNU", "MWCU")

# Digits after each carrier's prefix on its Master B/Ls, as they appear on real bills.
MBL_DIGITS = {"OOLU": 10, "COSU": 10, "EGLV": 12, "YMLU": 9, "HDMU": 10}


def event_id(rng: random.Random) -> str:
    """A version-4 UUID from the generator (DCSA eventID), so runs repeat."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def imo_number(rng: random.Random) -> str:
    """A seven-digit IMO number of a post-2000 hull (9xxxxxx) with its check digit."""
    first_six = f"9{rng.randrange(10**5):05d}"
    return first_six + imo_check_digit(first_six)


def mmsi(rng: random.Random, flag: str) -> str:
    """A ship station MMSI under one of the flag's MIDs."""
    return f"{rng.choice(MIDS[flag])}{rng.randrange(10**6):06d}"


def call_sign(rng: random.Random, flag: str) -> str:
    suffix = "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(3 if flag == "HK" else 4))
    return CALL_SIGN_PREFIXES[flag] + suffix


def container_number(rng: random.Random, *, reefer: bool) -> str:
    """An ISO 6346 freight container number (category U) with its check digit."""
    body = f"{rng.choice(REEFER_OWNERS if reefer else DRY_OWNERS)}{rng.randrange(10**6):06d}"
    return body + container_check_digit(body)


def master_bl(rng: random.Random, prefix: str) -> str:
    """A carrier's Master B/L number: its prefix and as many digits as it prints."""
    digits = MBL_DIGITS[prefix]
    return prefix + f"{rng.randrange(10 ** (digits - 1), 10**digits)}"


def booking(rng: random.Random) -> str:
    return f"{rng.randrange(10**9, 10**10)}"


def seal(rng: random.Random, prefix: str) -> str:
    return f"{prefix[:3]}{rng.randrange(10**6, 10**7)}"


def truck_plate(rng: random.Random) -> str:
    """A Hong Kong goods vehicle's registration mark: two letters and up to four digits."""
    letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2))
    return f"{letters}{rng.randrange(1, 10**4)}"


def declaration_number(rng: random.Random, *, office: str, year: int, export: bool) -> str:
    """A mainland customs declaration number in China Customs' 18-digit shape.

    Office of lodging (4 digits), year (4), import/export flag (1 import, 0 export), serial
    (9). The office codes the simulation uses are illustrative.
    """
    return f"{office}{year:04d}{0 if export else 1}{rng.randrange(10**9):09d}"
