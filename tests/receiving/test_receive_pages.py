"""The pages of receiving: a scanned code opens what fits the scanner, the receive form takes photos by their
bytes, and someone not logged in comes back to the code after logging in."""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient
from PIL import Image

from harbourlink.kernel import Database
from tests.receiving.support import delivery, qr
from tests.trucking.support import CONTAINER
from tests.web.conftest import csrf_of, log_in, text_of


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "#c0392b").save(out, format="PNG")
    return out.getvalue()


def test_a_scanned_code_opens_the_page_that_fits_the_scanner(client: TestClient, db: Database) -> None:
    shipment = delivery(client, db)
    world = shipment.world
    path = f"/c/{qr(client, world.trucker)['token']}"

    first = client.get(path)  # not logged in: the login, then back to the code
    assert first.url.path == "/login"
    log_in(client, shipment.warehouse.admin_email)
    form = client.get(path)
    assert form.status_code == 200 and 'id="receipt-form"' in form.text and CONTAINER in form.text
    assert "10" in text_of(form.text)  # packages expected, from the trip

    log_in(client, world.forwarder.admin_email)
    assert client.get(path).url.path == f"/track/{CONTAINER}"
    log_in(client, world.driver_email)
    assert client.get(path).url.path == f"/trips/{shipment.trip['id']}"
    log_in(client, world.outsider.admin_email)
    hidden = client.get(path)
    assert hidden.status_code == 404 and CONTAINER not in hidden.text
    assert client.get("/c/forged.token").status_code == 404


def test_the_driver_shows_the_code_at_the_warehouse(client: TestClient, db: Database) -> None:
    shipment = delivery(client, db)
    log_in(client, shipment.world.driver_email)
    trip = client.get(f"/trips/{shipment.trip['id']}")
    assert 'id="consignment-qr"' in trip.text and "<svg" in trip.text
    log_in(client, shipment.world.trucker.admin_email)  # the dispatcher prints the label instead
    dispatch = client.get(f"/trips/{shipment.trip['id']}")
    label = f"/api/v1/consignments/{CONTAINER}/label.pdf"
    assert 'id="consignment-qr"' not in dispatch.text and label in dispatch.text
    printed = client.get(label)
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF-")


def test_a_receipt_with_photos_is_confirmed_and_a_hostile_one_is_named(client: TestClient, db: Database) -> None:
    shipment = delivery(client, db, packages=10)
    token = qr(client, shipment.world.trucker)["token"]
    log_in(client, shipment.warehouse.admin_email)
    page = client.get(f"/c/{token}")
    fields = {"csrf_token": csrf_of(page.text), "token": token, "packages": "9", "condition": "good", "note": "wet"}

    fake = client.post("/receive", data=fields, files=[("photos", ("dock.jpg", b"<svg onload=x>", "image/jpeg"))])
    assert fake.status_code == 422 and "dock.jpg" in text_of(fake.text), text_of(fake.text)
    huge = _png() + b"\0" * (3 * 1024 * 1024)
    large = client.post("/receive", data=fields, files=[("photos", ("big.png", huge, "image/png"))])
    assert large.status_code == 422 and "big.png" in text_of(large.text)
    many = client.post("/receive", data=fields, files=[("photos", (f"{n}.png", _png(), "image/png")) for n in range(4)])
    assert many.status_code == 422
    assert client.post("/receive", data={**fields, "packages": "-1"}).status_code == 422
    assert client.post("/receive", data={**fields, "note": "x" * 1001}).status_code == 422

    done = client.post("/receive", data=fields, files=[("photos", ("dock.png", _png(), "image/png"))])
    assert done.status_code == 200 and 'id="receipt-alert"' in done.text, text_of(done.text)
    trip = client.get(f"/api/v1/trips/{shipment.trip['id']}", headers=shipment.world.trucker.auth).json()
    assert trip["status"] == "finished"
    log_in(client, shipment.world.forwarder.admin_email)
    timeline = client.get(f"/track/{CONTAINER}", params={"lang": "en"}).text
    assert "Received at the warehouse: 9 of 10 packages · In good condition · wet" in text_of(timeline)
    photo = re.search(r'href="(/api/v1/receipts/[^"/]+/photos/1)"', timeline)
    assert photo, "the receipt on the timeline links its photo"
    shown = client.get(photo.group(1))
    assert (shown.status_code, shown.headers["content-type"], shown.content) == (200, "image/png", _png())
    assert shown.headers["x-content-type-options"] == "nosniff"
    assert client.get(photo.group(1), headers=shipment.world.outsider.auth).status_code == 404
    assert client.get(photo.group(1).replace("/photos/1", "/photos/2")).status_code == 404


def test_only_a_warehouse_has_the_receive_page(client: TestClient, db: Database) -> None:
    shipment = delivery(client, db)
    log_in(client, shipment.world.forwarder.admin_email)
    assert client.get("/receive").status_code == 403
    log_in(client, shipment.warehouse.admin_email)
    assert 'id="scanner"' in client.get("/receive").text
    typed = client.get("/receive", params={"reference": CONTAINER})
    assert typed.status_code == 404  # the warehouse does not see the container by its number
