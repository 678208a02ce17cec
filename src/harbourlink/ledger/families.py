"""Telemetry items of the domains above the ledger (an e-lock's fixes): how the audit reads them back.

A domain that logs items with ``enqueue_items`` names them ``<prefix><its id>`` and registers, for its
prefix, how to recompute their committed fields and owner from its store as it is now, so that
``verify_log`` checks them as it checks events and AIS positions. The ledger knows no domain above it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

Recorder = Callable[[Session, Sequence[str]], dict[str, tuple[str | None, dict[str, str]]]]
"""Given item ids of its prefix: each one still stored, with its owner and committed fields."""

_families: dict[str, Recorder] = {}


def register_items(prefix: str, recorder: Recorder) -> None:
    _families[prefix] = recorder


def family_of(item_id: str) -> str | None:
    return next((prefix for prefix in _families if item_id.startswith(prefix)), None)


def recorded_items(session: Session, item_ids: Sequence[str]) -> dict[str, tuple[str | None, dict[str, str]]]:
    """The fields as stored now of the items of registered families among ``item_ids``."""
    found: dict[str, tuple[str | None, dict[str, str]]] = {}
    for prefix, recorder in _families.items():
        mine = [i for i in item_ids if i.startswith(prefix)]
        if mine:
            found.update(recorder(session, mine))
    return found
