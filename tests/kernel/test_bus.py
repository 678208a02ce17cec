"""NATS between processes: a ring wakes one worker of the role; an announcement wakes waiters in other processes.

Two connections stand for two processes; each test run uses a prefix of its own, so runs sharing
the NATS server (parallel test workers) do not hear each other.
"""

from __future__ import annotations

import asyncio
import os
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from harbourlink.kernel.bus import NatsBus
from harbourlink.kernel.live import Hub

NATS_URL = os.environ.get("HARBOURLINK_TEST_NATS_URL", "nats://127.0.0.1:4222")
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture
def prefix() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def buses(prefix: str) -> Iterator[tuple[NatsBus, NatsBus]]:
    try:
        first = NatsBus(NATS_URL, name="api", prefix=prefix, connect_timeout=3)
    except Exception as exc:
        if IN_CI:
            pytest.fail(f"NATS is required under CI=true and is unreachable: {exc}")
        pytest.skip(f"NATS unreachable: {exc}")
    second = NatsBus(NATS_URL, name="worker", prefix=prefix, connect_timeout=3)
    yield first, second
    second.close()
    first.close()


def test_an_announcement_in_one_process_wakes_a_waiter_in_another(buses: tuple[NatsBus, NatsBus]) -> None:
    api, worker = buses
    in_api, in_worker = Hub(), Hub()
    api.listen_live(in_api.deliver)
    in_worker.link(worker.publish_live)

    async def wait() -> tuple[bool, bool]:
        other = asyncio.ensure_future(in_api.wait("alerts.org-b", 5))
        woken = asyncio.ensure_future(in_api.wait("alerts.org-a", 10))
        await asyncio.sleep(0)  # both waiters are registered before the worker announces
        await asyncio.to_thread(in_worker.publish, {"alerts.org-a"})
        return await woken, await other

    # A thread of its own: the browser tests' driver may keep an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        woken, other = pool.submit(asyncio.run, wait()).result(30)
    assert woken, "the API process heard the worker's announcement"
    assert not other, "a waiter on another company's subject stays asleep"


def test_a_ring_wakes_a_worker_of_the_role_only(buses: tuple[NatsBus, NatsBus]) -> None:
    api, worker = buses
    consumers, dispatch = threading.Event(), threading.Event()
    worker.listen_work("consumers", consumers.set)
    worker.listen_work("dispatch", dispatch.set)
    api.ring({"consumers": {"stored.alerts"}})
    assert consumers.wait(10)
    assert not dispatch.is_set()


def test_a_ring_waits_for_a_free_worker_rather_than_wake_a_busy_one(buses: tuple[NatsBus, NatsBus]) -> None:
    api, worker = buses
    woken, free = threading.Event(), threading.Event()
    worker.listen_work("consumers", woken.set, idle=free)  # busy: ``free`` is not set
    api.ring({"consumers": {"stored.alerts"}})
    api.flush()
    assert not woken.wait(0.5), "a busy worker is not handed the ring"
    free.set()
    assert woken.wait(10), "the ring waited in the stream for the worker to be free"
