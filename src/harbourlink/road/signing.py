"""Signing a binding (R-ROAD-6, R-ROAD-10): with a digital certificate (a PKCS#12 file and its PIN) or
with the security code of a person's token (TOTP, as hardware tokens and FortiToken Mobile make).

The certificate signs the binding's canonical JSON (keys sorted, no spaces, UTF-8) with a plain X.509
signature rather than CMS: ``cryptography`` makes CMS but cannot verify it, while a plain signature checks
with the certificate's public key alone, later and by anyone who has the document, signature and
certificate. The file and its PIN are used within the request and never stored.

A certificate is accepted when a trusted issuer (a PEM bundle) signed it directly, it was valid at the
signing time, and that issuer's CRL (a directory of CRL files, PEM or DER) is current and does not list
it. Without a bundle or a CRL nothing is trusted: refusing is safer than signing unchecked.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyotp
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from sqlalchemy.orm import Session

from harbourlink import identity
from harbourlink.identity import Sealer, check_admin_of
from harbourlink.kernel import Actor, utcnow
from harbourlink.road.binding import Bound, describe_binding, get_binding
from harbourlink.road.errors import (
    SecurityCodeRefused,
    SignatureNotFound,
    SignatureRefused,
    SignatureRequired,
    TokenExists,
)
from harbourlink.road.models import RoadBindingSignature, RoadSecurityToken
from harbourlink.road.schemas import SignatureCheck, SignatureRead

TOKEN_ISSUER = "HarbourLink road binding"  # noqa: S105 - the name shown in the token app
CERTIFICATE, SECURITY_CODE = "certificate", "security_code"
RSA_ALGORITHM, EC_ALGORITHM, TOTP_ALGORITHM = "sha256WithRSAEncryption", "ecdsa-with-SHA256", "totp"


@dataclass(frozen=True)
class SigningPolicy:
    """The installation's trust and the Trade Single Window rule.

    Under TSW a logged-in person binds on the web with neither certificate nor code (seed 003), so
    ``person_needs_proof`` is off by default. An API key has no person behind it, only a stored secret,
    so by default it must sign with a certificate, as ROCARS' message signers did.
    """

    trusted_issuers: Path | None = None
    crl_dir: Path | None = None
    person_needs_proof: bool = False
    key_needs_proof: bool = True


@dataclass(frozen=True)
class Proof:
    """What the binder presented: a PKCS#12 file with its PIN, or a security code, or nothing."""

    pkcs12: bytes | None = None
    pin: str = ""
    security_code: str | None = None


@dataclass(frozen=True)
class _Signer:
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    certificate: x509.Certificate


def _refused(reason: str, message: str) -> SignatureRefused:
    return SignatureRefused(f"certificate: {message}", data={"field": "certificate", "reason": reason})


def _open(proof: Proof, policy: SigningPolicy, at: datetime) -> _Signer:
    assert proof.pkcs12 is not None  # noqa: S101 - callers open only a presented file
    try:
        key, certificate, _ = pkcs12.load_key_and_certificates(proof.pkcs12, proof.pin.encode() or None)
    except ValueError as exc:
        # cryptography tells a wrong PIN apart only by its message; anything else is a damaged or foreign file.
        if "password" in str(exc).lower():
            raise _refused("wrong_pin", "the PIN does not open this PKCS#12 file") from exc
        raise _refused("not_pkcs12", "not a PKCS#12 file (.p12 or .pfx)") from exc
    if certificate is None or not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise _refused("unsupported_key", "the file must hold one certificate with its RSA or EC key")
    reason = certificate_problem(certificate, policy, at)
    if reason is not None:
        raise _refused(reason, _REASONS[reason])
    return _Signer(key, certificate)


_REASONS = {
    "no_trusted_issuers": "this installation trusts no certificate issuers yet",
    "untrusted_issuer": "the certificate was not issued by a trusted issuer",
    "expired": "the certificate was not valid at the signing time",
    "revoked": "the certificate has been revoked by its issuer",
    "revocation_unknown": "no current revocation list (CRL) of the certificate's issuer is available",
}


def _issuers(policy: SigningPolicy) -> list[x509.Certificate]:
    if policy.trusted_issuers is None or not policy.trusted_issuers.is_file():
        return []
    return x509.load_pem_x509_certificates(policy.trusted_issuers.read_bytes())


def _crls(policy: SigningPolicy) -> list[x509.CertificateRevocationList]:
    if policy.crl_dir is None or not policy.crl_dir.is_dir():
        return []
    found = []
    for path in sorted(policy.crl_dir.iterdir()):
        data = path.read_bytes()
        load = x509.load_pem_x509_crl if data.lstrip().startswith(b"-----") else x509.load_der_x509_crl
        try:
            found.append(load(data))
        except ValueError:
            continue  # a stray file in the directory is not a CRL; the issuer's own CRL is still looked for
    return found


def certificate_problem(certificate: x509.Certificate, policy: SigningPolicy, at: datetime) -> str | None:
    """Why the certificate cannot stand for a signature made at ``at``, or None."""
    issuers = _issuers(policy)
    if not issuers:
        return "no_trusted_issuers"
    issuer = next((i for i in issuers if i.subject == certificate.issuer and _issued_by(certificate, i)), None)
    if issuer is None:
        return "untrusted_issuer"
    if not certificate.not_valid_before_utc <= at <= certificate.not_valid_after_utc:
        return "expired"
    crl = next(
        (
            c
            for c in _crls(policy)
            if c.issuer == issuer.subject
            and c.is_signature_valid(issuer.public_key())  # type: ignore[arg-type]
            and (c.next_update_utc is None or at <= c.next_update_utc)
        ),
        None,
    )
    if crl is None:
        return "revocation_unknown"
    entry = crl.get_revoked_certificate_by_serial_number(certificate.serial_number)
    if entry is not None and entry.revocation_date_utc <= at:
        return "revoked"
    return None


def _issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def canonical_document(bound: Bound, *, org_id: str, signer: str | None) -> str:
    """The binding as signed: what customs relies on, in a form anyone can rebuild byte for byte."""
    read = describe_binding(bound)
    document = {
        "ubr": read.ubr,
        "bound_at": read.bound_at.isoformat(),
        "earliest_crossing_at": read.earliest_crossing_at.isoformat(),
        "vehicle": read.vehicle,
        "driver": read.driver,
        "control_point": read.control_point.value,
        "direction": read.direction.value,
        "ccrns": sorted(read.ccrns),
        "org_id": org_id,
        "signer": signer,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _sign(signer: _Signer, document: bytes) -> tuple[bytes, str]:
    if isinstance(signer.key, rsa.RSAPrivateKey):
        return signer.key.sign(document, padding.PKCS1v15(), hashes.SHA256()), RSA_ALGORITHM
    return signer.key.sign(document, ec.ECDSA(hashes.SHA256())), EC_ALGORITHM


def _signature_matches(certificate: x509.Certificate, signature: bytes, document: bytes) -> bool:
    key = certificate.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, document, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, document, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except InvalidSignature:
        return False
    return True


def _use_code(session: Session, actor: Actor, sealer: Sealer, code: str) -> int:
    """Checks the person's security code and spends it: that code and every earlier one are then used."""
    refuse = "security_code: "
    token = session.get(RoadSecurityToken, actor.user_id) if actor.user_id and not actor.is_machine else None
    if token is None:
        raise SecurityCodeRefused(
            refuse + "no security token is enrolled for this person",
            data={"field": "security_code", "reason": "no_token"},
        )
    seed = sealer.unseal(token.seed_sealed) or ""
    step = identity.matching_totp_step(seed, code, utcnow())
    if step is None:
        raise SecurityCodeRefused(
            refuse + "wrong code: use the code your token shows now",
            data={"field": "security_code", "reason": "wrong"},
        )
    if token.last_step is not None and step <= token.last_step:
        raise SecurityCodeRefused(
            refuse + "this code was used already: wait for the next one",
            data={"field": "security_code", "reason": "used"},
        )
    token.last_step = step
    return step


def do_signed_bind(
    session: Session, actor: Actor, *, proof: Proof, policy: SigningPolicy, sealer: Sealer, bind: Callable[[], Bound]
) -> Bound:
    """Checks the proof, binds (``bind`` is the caller's ``do_bind``) and keeps the signature with the binding.

    The certificate and the code are checked before binding, so a refused one binds nothing; the code is
    spent in the binding's transaction, so a binding refused afterwards leaves it unspent.
    """
    now = utcnow()
    signer = _open(proof, policy, now) if proof.pkcs12 is not None else None
    step = _use_code(session, actor, sealer, proof.security_code) if proof.security_code is not None else None
    needed = policy.key_needs_proof if actor.is_machine else policy.person_needs_proof
    if signer is None and step is None and needed:
        who = "an API key" if actor.is_machine else "this installation"
        raise SignatureRequired(
            f"certificate: {who} must sign a binding with a digital certificate"
            + ("" if actor.is_machine else " or a security code"),
            data={"field": "certificate"},
        )
    bound = bind()
    if signer is None and step is None:
        return bound
    document = canonical_document(bound, org_id=actor.org_id, signer=actor.user_id)
    row = RoadBindingSignature(
        ubr=bound.binding.ubr,
        org_id=actor.org_id,
        signed_by=actor.user_id,
        document=document,
        signed_at=now,
        method=SECURITY_CODE,
        algorithm=TOTP_ALGORITHM,
    )
    if signer is not None:
        signature, row.algorithm = _sign(signer, document.encode())
        row.method, row.signature = CERTIFICATE, base64.b64encode(signature).decode()
        row.certificate = signer.certificate.public_bytes(serialization.Encoding.PEM).decode()
    session.add(row)
    session.flush()
    return bound


def get_signature(session: Session, actor: Actor, *, ubr: str, policy: SigningPolicy) -> SignatureRead:
    """A binding's signature for whoever sees the binding, checked again now."""
    bound = get_binding(session, actor, ubr=ubr)
    row = session.get(RoadBindingSignature, bound.binding.ubr)
    if row is None:
        raise SignatureNotFound("the binding was not signed", data={"ubr": bound.binding.ubr})
    check = SignatureCheck(valid=True)
    subject = None
    if row.certificate is not None and row.signature is not None:
        certificate = x509.load_pem_x509_certificate(row.certificate.encode())
        subject = certificate.subject.rfc4514_string()
        if not _signature_matches(certificate, base64.b64decode(row.signature), row.document.encode()):
            check = SignatureCheck(valid=False, reason="signature_mismatch")
        elif (reason := certificate_problem(certificate, policy, row.signed_at)) is not None:
            check = SignatureCheck(valid=False, reason=reason)
    return SignatureRead(
        ubr=row.ubr,
        method=row.method,
        signed_at=row.signed_at,
        document=row.document,
        algorithm=row.algorithm,
        signature=row.signature,
        certificate=row.certificate,
        subject=subject,
        check=check,
    )


def enrol_security_token(session: Session, actor: Actor, *, sealer: Sealer, user_id: str | None = None) -> str:
    """A new security token seed for a person; its otpauth:// URI for FortiToken Mobile or another TOTP app.

    A person enrols their own once; replacing a lost or broken token (R-ROAD-10) is an administrator's act,
    so a session alone cannot swap the token that guards binding.
    """
    target = user_id or actor.user_id
    if target is None or actor.is_machine:
        raise SecurityCodeRefused("user_id: an API key has no person to enrol", data={"field": "user_id"})
    user = identity.get_user(session, actor, user_id=target)
    token = session.get(RoadSecurityToken, user.id)
    if token is not None and user.id == actor.user_id and user_id is None:
        raise TokenExists("a security token is already enrolled: an administrator replaces a lost one")
    if user.id != actor.user_id or token is not None:
        check_admin_of(actor, user.org_id)
    seed = pyotp.random_base32()
    if token is None:
        token = RoadSecurityToken(user_id=user.id, org_id=user.org_id, seed_sealed="")
        session.add(token)
    token.seed_sealed, token.last_step, token.enrolled_at = sealer.seal(seed), None, utcnow()
    session.flush()
    label = user.email or user.mobile or user.id
    return str(pyotp.TOTP(seed).provisioning_uri(name=label, issuer_name=TOKEN_ISSUER))
