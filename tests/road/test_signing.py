"""Signing a binding with a digital certificate made here (a test CA, a user certificate, a PKCS#12 file and a
CRL), or with a security code from an enrolled token."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from fastapi.testclient import TestClient

from harbourlink import identity, road
from harbourlink.app import create_app
from harbourlink.kernel import Actor, Database, HarbourLinkError
from harbourlink.settings import Settings
from tests.road.support import Road, lodge
from tests.road.support import road as road_world
from tests.web.conftest import csrf_of, log_in, text_of

PIN = "246810"
Key = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass
class Authority:
    key: Key
    certificate: x509.Certificate


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def authority(common: str) -> Authority:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common))
        .issuer_name(_name(common))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    return Authority(key, certificate)


def user_pkcs12(issuer: Authority, common: str, *, key: Key | None = None) -> tuple[bytes, x509.Certificate]:
    own = key or ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common))
        .issuer_name(issuer.certificate.subject)
        .public_key(own.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(issuer.key, hashes.SHA256())
    )
    encryption = serialization.BestAvailableEncryption(PIN.encode())
    return pkcs12.serialize_key_and_certificates(b"signer", own, certificate, None, encryption), certificate


def crl(issuer: Authority, *revoked: x509.Certificate) -> bytes:
    now = datetime.now(UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(now - timedelta(hours=1))
        .next_update(now + timedelta(days=7))
    )
    for certificate in revoked:
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(certificate.serial_number)
            .revocation_date(now - timedelta(minutes=5))
            .build()
        )
        builder = builder.add_revoked_certificate(entry)
    return builder.sign(issuer.key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


@dataclass
class Pki:
    ca: Authority
    crl_dir: Path
    settings: Settings

    def revoke(self, *certificates: x509.Certificate) -> None:
        (self.crl_dir / "ca.crl").write_bytes(crl(self.ca, *certificates))


@pytest.fixture
def pki(settings: Settings, tmp_path: Path) -> Pki:
    ca = authority("Test Port Certification Authority")
    bundle, crl_dir = tmp_path / "issuers.pem", tmp_path / "crls"
    bundle.write_bytes(ca.certificate.public_bytes(serialization.Encoding.PEM))
    crl_dir.mkdir()
    (crl_dir / "ca.crl").write_bytes(crl(ca))
    (crl_dir / "README").write_text("not a CRL")
    signing = settings.model_copy(
        update={"road_trusted_issuers": bundle, "road_crl_dir": crl_dir, "road_api_key_binding_needs_signature": True}
    )
    return Pki(ca, crl_dir, signing)


@pytest.fixture
def signing_client(pki: Pki) -> Iterator[TestClient]:
    with TestClient(create_app(pki.settings), base_url="http://testserver") as test_client:
        yield test_client


def _bind(client: TestClient, world: Road, **body: Any) -> Any:
    return client.post(
        "/api/v1/road/bindings",
        headers=world.trucker.auth,
        json={"vehicle": "FC117", "control_point": "LMC", "direction": "import", **body},
    )


def _signed(p12: bytes, pin: str = PIN) -> dict[str, str]:
    return {"certificate": base64.b64encode(p12).decode(), "pin": pin}


def test_a_binding_signed_with_a_certificate_verifies_later(signing_client: TestClient, db: Database, pki: Pki) -> None:
    client, world = signing_client, road_world(db)
    p12, certificate = user_pkcs12(pki.ca, "Chan Tai Bon", key=rsa.generate_private_key(65537, 2048))
    ccrn = lodge(client, world.shipper)

    unsigned = _bind(client, world, ccrns=[ccrn])
    assert unsigned.status_code == 403 and unsigned.json()["error"] == "binding_signature_required"
    bound = _bind(client, world, ccrns=[ccrn], **_signed(p12))
    assert bound.status_code == 201, bound.text
    ubr = bound.json()["ubr"]

    kept = client.get(f"/api/v1/road/bindings/{ubr}/signature", headers=world.trucker.auth).json()
    assert kept["check"] == {"valid": True, "reason": None}
    assert (kept["method"], kept["algorithm"], kept["subject"]) == (
        "certificate",
        "sha256WithRSAEncryption",
        "CN=Chan Tai Bon",
    )
    document = json.loads(kept["document"])
    assert (document["ubr"], document["ccrns"], document["vehicle"]) == (ubr, [ccrn], "FC117")
    assert x509.load_pem_x509_certificate(kept["certificate"].encode()) == certificate
    for seer in (world.customs, world.shipper):  # customs and the cargo's submitter check it too
        assert client.get(f"/api/v1/road/bindings/{ubr}/signature", headers=seer.auth).json()["check"]["valid"]

    pki.revoke(certificate)  # revoked after signing (the CRL says five minutes ago): no longer good
    assert client.get(f"/api/v1/road/bindings/{ubr}/signature", headers=world.trucker.auth).json()["check"] == {
        "valid": False,
        "reason": "revoked",
    }


def test_another_company_cannot_read_the_signature(
    signing_client: TestClient, client: TestClient, db: Database, pki: Pki
) -> None:
    world = road_world(db)
    p12, _ = user_pkcs12(pki.ca, "Chan Tai Bon")
    ubr = _bind(signing_client, world, ccrns=[lodge(client, world.shipper)], **_signed(p12)).json()["ubr"]
    hidden = signing_client.get(f"/api/v1/road/bindings/{ubr}/signature", headers=world.outsider.auth)
    assert hidden.status_code == 404 and hidden.json()["error"] == "binding_not_found"
    unsigned = _bind(client, world, ccrns=[lodge(client, world.shipper)])  # where keys need not sign
    assert unsigned.status_code == 201
    missing = client.get(f"/api/v1/road/bindings/{unsigned.json()['ubr']}/signature", headers=world.trucker.auth)
    assert missing.status_code == 404 and missing.json()["error"] == "binding_signature_not_found"


@pytest.mark.parametrize(
    ("case", "reason"),
    [("wrong_pin", "wrong_pin"), ("untrusted", "untrusted_issuer"), ("revoked", "revoked"), ("garbage", "not_pkcs12")],
)
def test_a_bad_certificate_is_refused_naming_the_reason_and_binds_nothing(
    signing_client: TestClient, db: Database, pki: Pki, case: str, reason: str
) -> None:
    client, world = signing_client, road_world(db)
    p12, certificate = user_pkcs12(pki.ca, "Chan Tai Bon")
    body = _signed(p12)
    if case == "wrong_pin":
        body = _signed(p12, pin="135790")
    elif case == "untrusted":
        body = _signed(user_pkcs12(authority("Someone Else's CA"), "Chan Tai Bon")[0])
    elif case == "revoked":
        pki.revoke(certificate)
    else:
        body = {"certificate": base64.b64encode(b"not a certificate").decode(), "pin": PIN}
    ccrn = lodge(client, world.shipper)
    refused = _bind(client, world, ccrns=[ccrn], **body)
    assert refused.status_code == 422, refused.text
    error = refused.json()
    assert error["error"] == "signature_refused" and error["data"]["reason"] == reason
    assert error["detail"].startswith("certificate: ")
    assert client.get("/api/v1/road/bindings", headers=world.trucker.auth, params={"ccrn": ccrn}).json() == []


def test_no_revocation_list_means_no_signature(signing_client: TestClient, db: Database, pki: Pki) -> None:
    client, world = signing_client, road_world(db)
    (pki.crl_dir / "ca.crl").unlink()
    refused = _bind(client, world, ccrns=[lodge(client, world.shipper)], **_signed(user_pkcs12(pki.ca, "Chan")[0]))
    assert refused.status_code == 422 and refused.json()["data"]["reason"] == "revocation_unknown"


def _person(db: Database, world: Road) -> Actor:
    with db.transaction() as session:
        driver, _ = identity.create_user(
            session,
            identity.SYSTEM_ACTOR,
            org_id=world.trucker.org_id,
            email="driver@lmc-haulage.example.hk",
            display_name="Chan Tai Bon",
            role=identity.Role.DRIVER,
        )
    return Actor(org_id=world.trucker.org_id, user_id=driver.id, roles=frozenset({"driver"}))


def test_a_security_code_signs_once_and_a_wrong_one_is_refused(
    client: TestClient, db: Database, settings: Settings
) -> None:
    world = road_world(db)
    person, sealer = _person(db, world), identity.Sealer(settings.secret_key)
    policy = road.SigningPolicy(person_needs_proof=True)
    ccrns = [lodge(client, world.shipper) for _ in range(3)]

    def sign(code: str | None, ccrn: str) -> road.Bound:
        with db.transaction() as session:
            return road.do_signed_bind(
                session,
                person,
                proof=road.Proof(security_code=code),
                policy=policy,
                sealer=sealer,
                bind=lambda: road.do_bind(
                    session,
                    person,
                    vehicle="FC117",
                    ccrns=[ccrn],
                    control_point=road.ControlPoint.LOK_MA_CHAU,
                    direction=road.Direction.IMPORT,
                    channel=road.Channel.WEB,
                ),
            )

    def refusal(code: str | None, ccrn: str) -> tuple[str, Any]:
        with pytest.raises(HarbourLinkError) as refused:
            sign(code, ccrn)
        return refused.value.code, refused.value.data.get("reason")

    assert refusal("123456", ccrns[0]) == ("security_code_refused", "no_token")
    with db.transaction() as session:
        uri = road.enrol_security_token(session, person, sealer=sealer)
    with db.transaction() as session, pytest.raises(HarbourLinkError) as again:
        road.enrol_security_token(session, person, sealer=sealer)  # a session alone cannot swap the token
    assert again.value.code == "security_token_exists"
    totp = pyotp.TOTP(parse_qs(urlparse(uri).query)["secret"][0])

    assert refusal(None, ccrns[0]) == ("binding_signature_required", None)
    good = totp.now()
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    assert refusal(wrong, ccrns[0]) == ("security_code_refused", "wrong")
    bound = sign(good, ccrns[0])
    assert refusal(good, ccrns[1]) == ("security_code_refused", "used")
    with db.transaction() as session:
        kept = road.get_signature(session, person, ubr=bound.binding.ubr, policy=policy)
    assert (kept.method, kept.algorithm, kept.check.valid) == ("security_code", "totp", True)
    assert json.loads(kept.document)["signer"] == person.user_id


def test_under_the_single_window_rule_a_person_binds_unsigned(
    client: TestClient, db: Database, settings: Settings
) -> None:
    world = road_world(db)
    person, ccrn = _person(db, world), lodge(client, world.shipper)
    with db.transaction() as session:
        bound = road.do_signed_bind(
            session,
            person,
            proof=road.Proof(),
            policy=road.SigningPolicy(),
            sealer=identity.Sealer(settings.secret_key),
            bind=lambda: road.do_bind(
                session,
                person,
                vehicle="FC117",
                ccrns=[ccrn],
                control_point=road.ControlPoint.LOK_MA_CHAU,
                direction=road.Direction.IMPORT,
                channel=road.Channel.WEB,
            ),
        )
    assert bound.ccrns == [ccrn]


def test_the_binding_page_signs_with_an_uploaded_certificate(
    signing_client: TestClient, db: Database, pki: Pki
) -> None:
    client, world = signing_client, road_world(db)
    p12, _ = user_pkcs12(pki.ca, "Chan Tai Bon")
    ccrn = lodge(client, world.shipper)
    log_in(client, world.trucker.admin_email)
    form = {"vehicle": "FC117", "ccrns": ccrn, "control_point": "LMC", "direction": "import"}

    def post(pin: str) -> Any:
        token = csrf_of(client.get("/road/bind").text)
        files = {"certificate": ("R1134530.p12", p12, "application/x-pkcs12")}
        return client.post("/road/bind", data={**form, "pin": pin, "csrf_token": token}, files=files)

    wrong = post("000000")
    assert wrong.status_code == 422 and "個人識別號碼（PIN）不正確" in text_of(wrong.text)  # zh-HK by default
    signed = post(PIN)
    assert signed.status_code == 200, text_of(signed.text)
    ubr = re.search(r'id="ubr">(\d+)<', signed.text)
    assert ubr
    kept = client.get(f"/api/v1/road/bindings/{ubr.group(1)}/signature").json()
    assert (kept["method"], kept["check"]["valid"], kept["subject"]) == ("certificate", True, "CN=Chan Tai Bon")


def test_an_administrator_replaces_a_lost_token_and_no_other_company_can(
    client: TestClient, db: Database, settings: Settings
) -> None:
    world = road_world(db)
    person, sealer = _person(db, world), identity.Sealer(settings.secret_key)
    admin = Actor(org_id=world.trucker.org_id, user_id=world.trucker.admin_id, roles=frozenset({"administrator"}))
    outsider = Actor(org_id=world.outsider.org_id, user_id=world.outsider.admin_id, roles=frozenset({"administrator"}))
    assert person.user_id is not None
    with db.transaction() as session:
        lost = road.enrol_security_token(session, person, sealer=sealer)
    with db.transaction() as session, pytest.raises(HarbourLinkError) as elsewhere:
        road.enrol_security_token(session, outsider, sealer=sealer, user_id=person.user_id)
    assert elsewhere.value.code == "not_found"
    with db.transaction() as session:
        replaced = road.enrol_security_token(session, admin, sealer=sealer, user_id=person.user_id)
    assert parse_qs(urlparse(replaced).query)["secret"] != parse_qs(urlparse(lost).query)["secret"]
