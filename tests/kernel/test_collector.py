"""Holding the cyclic collector off around a bulk job: off inside, back as it was after, shared by threads."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from harbourlink.kernel.collector import collector_held


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_automatic_collections_are_off_inside_and_on_again_after() -> None:
    with collector_held():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_switches_them_on_again() -> None:
    with pytest.raises(RuntimeError), collector_held():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_collections_switched_off_by_someone_else_stay_off() -> None:
    gc.disable()
    with collector_held():
        pass
    assert not gc.isenabled()


def test_they_come_back_only_when_the_last_thread_holding_them_off_is_done() -> None:
    first_in, second_done, first_may_leave = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def first() -> None:
        with collector_held():
            first_in.set()
            first_may_leave.wait(10)

    def second() -> None:
        first_in.wait(10)
        with collector_held():
            pass
        seen["after the second"] = gc.isenabled()
        second_done.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    second_done.wait(10)
    first_may_leave.set()
    for thread in threads:
        thread.join(10)
    assert seen == {"after the second": False}
    assert gc.isenabled()
