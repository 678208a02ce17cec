"""The warehouse's phone reads a consignment's QR label through a camera: Chromium's fake camera, fed a video
of the label the API printed.

The test draws the label's PDF (its QR code is filled squares) into the frames of a Y4M video, and
starts a Chromium of its own with ``--use-fake-device-for-media-stream`` and
``--use-file-for-fake-video-capture``, so the page's camera films the label. The receive page
decodes it with the ZXing file HarbourLink serves, opens the consignment's form; the clerk counts 8 of
the 10 packages the trip carries: the receipt is confirmed, the trip ends, the forwarder, the trucking
company and the warehouse all see the receipt, and the forwarder's subscription raises the alert.
"""

from __future__ import annotations

import re
import time
import zlib
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    LiveSite,
    first_login,
    phone,
    watched_page,
)
from tests.browser.haulage import DRIVER_EMAIL, api, live_haulage
from tests.conftest import Company
from tests.trucking.support import CONTAINER, WAREHOUSE

FRAME = (480, 640)
"""The fake camera's frame, portrait like a phone's: the A6 label drawn at 4 px per mm fits it."""
PX_PER_PT = 4 / (72 / 25.4)
RECT = re.compile(rb"(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re f")


def _label_image(pdf: bytes) -> Image.Image:
    """The label as the camera sees it: every filled square of its page (the QR code) in black on white."""
    page_height = float(re.search(rb"/MediaBox \[0 0 [\d.]+ ([\d.]+)\]", pdf).group(1))  # type: ignore[union-attr]
    image = Image.new("L", FRAME, 255)
    draw = ImageDraw.Draw(image)
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            continue
        for x, y, width, height in (map(float, found) for found in RECT.findall(content)):
            left, top = x * PX_PER_PT, (page_height - y) * PX_PER_PT
            right, bottom = left + width * PX_PER_PT, top - height * PX_PER_PT
            draw.rectangle([left + 20, min(top, bottom) + 20, right + 20, max(top, bottom) + 20], fill=0)
    return image


def _y4m(image: Image.Image, path: Path, *, frames: int = 10) -> Path:
    """A Y4M video (4:2:0, grey: the colour planes at their middle) showing ``image`` still."""
    width, height = image.size
    luma = image.tobytes()
    chroma = bytes([128]) * ((width // 2) * (height // 2) * 2)
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(b"FRAME\n" + luma + chroma)
    return path


def _camera_state(page: Page) -> dict[str, Any]:
    """What tells a camera that gave no frames from frames ZXing could not read."""
    return dict(
        page.evaluate(
            """() => {
              const video = document.getElementById("camera");
              const box = document.getElementById("scanner");
              return video && box ? {state: box.dataset.state, readyState: video.readyState, width: video.videoWidth,
                height: video.videoHeight, paused: video.paused, time: video.currentTime,
                tracks: video.srcObject ? video.srcObject.getVideoTracks().map((t) => t.readyState) : null,
                zxing: Boolean(window.ZXingBrowser)} : {url: location.href};
            }"""
        )
    )


def _delivery(site: LiveSite, tmp_path: Path) -> tuple[Company, Company, Company, str]:
    """The forwarder's container on a running trip of 10 packages, a warehouse, and the forwarder subscribed."""
    world = live_haulage(site, tmp_path, ("Tsuen Wan Logistics", "warehouse"))
    forwarder, trucker = world.forwarder, world.trucker
    api(
        site,
        forwarder,
        "POST",
        "/api/v1/subscriptions",
        json={
            "reference_type": "CONTAINER",
            "reference": CONTAINER,
            "alert_types": ["receipt_discrepancy"],
            "channels": ["inbox"],
        },
    )
    trip = api(
        site,
        trucker,
        "POST",
        "/api/v1/trips",
        json={
            "reference": CONTAINER,
            "vehicle": "XY 1234",
            "driver_user_id": world.driver_id,
            "destination": WAREHOUSE,
            "packages": 10,
        },
    )
    api(site, trucker, "POST", f"/api/v1/trips/{trip['id']}/start")
    return forwarder, trucker, world.others["warehouse"], trip["id"]


def _shoot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _receipt_seen_by(site: LiveSite, company: Company) -> dict[str, Any]:
    events = api(site, company, "GET", f"/api/v1/track/{CONTAINER}")["events"]
    [receipt] = [e for e in events if e["event_code"] == "GTIN" and e["source"] == "Tsuen Wan Logistics"]
    return receipt  # type: ignore[no-any-return]


def _alerts(site: LiveSite, company: Company) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found: list[dict[str, Any]] = api(site, company, "GET", "/api/v1/alerts")
        if found:
            return found
        time.sleep(0.5)
    return []


@pytest.mark.browser
def test_the_warehouse_scans_the_label_with_its_camera_and_a_short_receipt_raises_an_alert(
    live_site: LiveSite, chromium: Browser, tmp_path: Path
) -> None:
    forwarder, trucker, warehouse, trip_id = _delivery(live_site, tmp_path)
    label = api(live_site, trucker, "GET", f"/api/v1/consignments/{CONTAINER}/label.pdf")
    image = _label_image(label)
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(ARTIFACTS / "receive-camera-frame.png")
    video = _y4m(image, tmp_path / "label.y4m")

    camera = chromium.browser_type.launch(
        executable_path=str(CHROMIUM),
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    problems: list[str] = []
    try:
        context = camera.new_context(
            viewport=PHONE,
            is_mobile=True,
            has_touch=True,
            device_scale_factor=2,
            locale="zh-HK",
            permissions=["camera"],
        )
        page = watched_page(context, problems)
        first_login(page, live_site.base_url, warehouse.admin_email, lang="zh-HK", log_in="登入", confirm="確認")
        page.goto(f"{live_site.base_url}/receive")
        try:
            expect(page.locator("#receipt-form")).to_be_visible(timeout=30_000)  # the code was read and followed
        except AssertionError as missed:
            raise AssertionError(
                f"the label was not read; the camera as the page saw it: {_camera_state(page)}"
            ) from missed
        assert re.search(r"/c/[\w-]+\.[\w-]+$", page.url), page.url
        expect(page.locator("h1")).to_contain_text(CONTAINER)
        expect(page.get_by_text("應收 10 件")).to_be_visible()
        _shoot(page, "receive-form-390")
        page.fill("#f-packages", "8")
        page.get_by_label("狀況良好").check()
        page.fill("#f-note", "兩箱未到")
        page.get_by_role("button", name="確認收貨").click()
        expect(page.locator("#receipt-alert")).to_be_visible(timeout=15_000)  # the receipt, its event and alert
        expect(page.locator("#receipt-short")).to_have_text("2")
        _shoot(page, "receive-done-390")
        context.close()
    finally:
        camera.close()
    assert problems == []

    trip = api(live_site, trucker, "GET", f"/api/v1/trips/{trip_id}")
    assert trip["status"] == "finished"
    for party in (forwarder, trucker, warehouse):
        details = _receipt_seen_by(live_site, party)["details"]
        assert (details["packages"], details["packages_expected"], details["packages_short"]) == (8, 10, 2)
    [alert] = _alerts(live_site, forwarder)
    assert alert["alert_type"] == "receipt_discrepancy" and alert["figures"]["packages_short"] == 2

    office = phone(chromium, locale="en")
    try:
        page = watched_page(office, problems)
        first_login(page, live_site.base_url, forwarder.admin_email, lang="en", log_in="Log in", confirm="Confirm")
        page.goto(f"{live_site.base_url}/track/{CONTAINER}")
        receipt = page.locator(".timeline .receipt")
        expect(receipt).to_contain_text("Received at the warehouse: 8 of 10 packages")
        receipt.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "receipt-on-timeline-390.png"))
    finally:
        office.close()
    assert problems == []


@pytest.mark.browser
def test_the_driver_shows_the_code_and_the_scanner_says_what_to_do_without_a_camera(
    live_site: LiveSite, chromium: Browser, tmp_path: Path
) -> None:
    _, _, warehouse, trip_id = _delivery(live_site, tmp_path)
    problems: list[str] = []
    cab = phone(chromium)
    try:
        driver = watched_page(cab, problems)
        first_login(driver, live_site.base_url, DRIVER_EMAIL, lang="en", log_in="Log in", confirm="Confirm")
        driver.goto(f"{live_site.base_url}/trips/{trip_id}")
        qr = driver.locator("#consignment-qr svg")
        expect(qr).to_be_visible()
        box = qr.bounding_box()
        assert box is not None and 240 <= box["width"] <= PHONE["width"] - 32  # big enough to scan, no overflow
        _shoot(driver, "driver-qr-390")
    finally:
        cab.close()
    office = phone(chromium, locale="zh-CN")
    try:
        page = watched_page(office, [])  # the camera is refused here: its console error is expected
        first_login(page, live_site.base_url, warehouse.admin_email, lang="zh-CN", log_in="登录", confirm="确认")
        page.goto(f"{live_site.base_url}/receive")
        expect(page.locator("#scanner")).to_have_attribute("data-state", re.compile("denied|none"))
        expect(page.locator("#typed button")).to_have_text("查找货物")
        _shoot(page, "receive-scan-390")
        page.fill("#f-reference", "MSCU1234566")
        page.locator("#typed button").click()
        expect(page.locator(".field-error")).to_be_visible()  # the warehouse does not see it by its number
    finally:
        office.close()
    assert problems == []
