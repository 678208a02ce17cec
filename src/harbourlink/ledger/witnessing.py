"""Submitting checkpoints to witnesses and keeping their cosignatures.

Network calls happen outside any database transaction: the checkpoint and the proof are read
in one, the witness is called, and its cosignature (checked against the witness's pinned key
before it is kept) is stored in another.
"""

from __future__ import annotations

import base64
import logging

import httpx
from sqlalchemy import func, select

from harbourlink.kernel import Database, utcnow
from harbourlink.ledger.models import LedgerCosignature
from harbourlink.ledger.service import Ledger, Witness, open_log
from harbourlink.ledger.store import consistency_proof, latest_checkpoint
from harbourlink_verify import VerificationError, cosignature_time, parse_checkpoint, split_note

log = logging.getLogger(__name__)


def _request(db: Database, ledger: Ledger, witness: Witness, old: int | None) -> tuple[int, int, str, str]:
    """(log id, old size, checkpoint note, request body) for this witness."""
    with db.transaction() as session:
        ledger_log = open_log(session, ledger)
        checkpoint = latest_checkpoint(session, ledger_log.id)
        if old is None:
            old = (
                session.scalar(
                    select(func.max(LedgerCosignature.size)).where(
                        LedgerCosignature.log_id == ledger_log.id,
                        LedgerCosignature.witness_key_id == witness.vkey.key_id.hex(),
                    )
                )
                or 0
            )
        old = min(old, checkpoint.size)
        proof = consistency_proof(session, ledger_log.id, old, checkpoint.size) if old else []
    lines = "".join(base64.b64encode(h).decode() + "\n" for h in proof)
    return ledger_log.id, old, checkpoint.signed_note, f"old {old}\n{lines}\n{checkpoint.signed_note}"


def submit(db: Database, ledger: Ledger, witness: Witness, client: httpx.Client) -> bool:
    """Asks one witness to cosign the newest checkpoint; True when a valid cosignature was kept."""
    old: int | None = None
    for _attempt in range(3):
        log_id, old, note, body = _request(db, ledger, witness, old)
        response = client.post(f"{witness.url}/add-checkpoint", content=body.encode())
        if response.status_code == 409 and response.text.strip().isdigit():
            old = int(response.text.strip())  # the witness holds another size: prove from there
            continue
        if response.status_code != 200:
            log.warning(
                "witness %s refused the checkpoint: %s %s",
                witness.vkey.name,
                response.status_code,
                response.text.strip(),
            )
            return False
        return _keep(db, log_id, witness, note, response.text)
    return False


def _keep(db: Database, log_id: int, witness: Witness, note: str, reply: str) -> bool:
    text = split_note(note)[0]  # our own note, signed a moment ago
    size = parse_checkpoint(text)[1]
    for line in reply.splitlines():
        try:
            name, blob = split_note(f"x\n\n{line}\n")[1][0]
            if cosignature_time(witness.vkey, text, name, blob) is None:
                continue
        except VerificationError:
            log.warning("witness %s sent a cosignature that does not verify", witness.vkey.name)
            return False
        with db.transaction() as session:
            session.merge(
                LedgerCosignature(
                    log_id=log_id,
                    size=size,
                    witness_key_id=witness.vkey.key_id.hex(),
                    witness_name=witness.vkey.name,
                    witness_vkey=str(witness.vkey),
                    signature_line=line + "\n",
                    received_at=utcnow(),
                )
            )
        return True
    return False


def submit_all(db: Database, ledger: Ledger, client: httpx.Client) -> int:
    """Submits the newest checkpoint to every configured witness; returns how many cosigned."""
    cosigned = 0
    for witness in ledger.witnesses:
        try:
            cosigned += submit(db, ledger, witness, client)
        except httpx.HTTPError as exc:
            log.warning("witness %s unreachable: %s", witness.vkey.name, exc)
    return cosigned
