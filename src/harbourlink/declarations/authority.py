"""The simulated authorities: they read a declaration message, give it an official number and a result.

Their rules are few and fixed so that tests and the demo know what comes back: a message missing a
required field, or a line whose commodity code has the wrong number of digits, is rejected with the
reasons, and so is one whose net weight is above its gross weight (the weights do not match); a line
whose declared elements ask for inspection (``查验``/``INSPECT``) is selected for
inspection; anything else is released (Hong Kong) or accepted (the mainland, whose release follows
clearance at the checkpoint). The number is derived from the declaration, so an answer repeated is
the same answer.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal, InvalidOperation

from harbourlink.declarations.domain import Authority, Status
from harbourlink.declarations.messages import Answer, read_request, render_answer

REQUIRED = {
    Authority.HK: ("consignor", "consignee", "bl_number", "total_value", "currency"),
    Authority.CN: ("domestic_party", "bl_number", "supervision_mode", "currency", "total_price"),
}
CODE = {Authority.HK: ("hk_code", 8), Authority.CN: ("cn_code", 10)}


def official_number(authority: Authority, declaration_id: str) -> str:
    digest = int(hashlib.sha256(f"{authority.value}:{declaration_id}".encode()).hexdigest(), 16)
    if authority is Authority.HK:
        return f"HKD{digest % 10**11:011d}"
    return f"5300{digest % 10**14:014d}"  # 18 digits: a customs district, the year and a serial


def _weights(header: dict[str, str | None]) -> list[str]:
    try:
        gross, net = Decimal(header.get("gross_kg") or "0"), Decimal(header.get("net_kg") or "0")
    except InvalidOperation:
        return ["gross_kg and net_kg must be numbers"]
    return [f"net_kg {net} is more than gross_kg {gross}: the weights do not match"] if net > gross > 0 else []


def answer(authority: Authority, message: str) -> str:
    """The authority's answer to a message, in its own format."""
    declaration_id, header, lines = read_request(authority, message)
    reasons = [f"{name} is missing" for name in REQUIRED[authority] if not header.get(name)]
    reasons += _weights(header)
    column, digits = CODE[authority]
    for number, line in enumerate(lines, start=1):
        code = line.get(column) or ""
        if not (code.isdigit() and len(code) == digits):
            reasons.append(f"line {number}: {column} must have {digits} digits")
    if reasons:
        result = Status.REJECTED
    elif any(
        "查验" in (line.get("declared_elements") or "") or "INSPECT" in (line.get("description") or "").upper()
        for line in lines
    ):
        result = Status.INSPECTION
    else:
        result = Status.RELEASED if authority is Authority.HK else Status.ACCEPTED
    return render_answer(
        authority, Answer(declaration_id, official_number(authority, declaration_id), result, tuple(reasons))
    )
