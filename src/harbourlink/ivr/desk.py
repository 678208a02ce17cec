"""The binding desk: the few operations of road-cargo binding that the phone needs, as a typed interface.

The phone is one more channel onto the same binding service as the web (R-ROAD-7): this module
says what it asks of that service and what it gets back, so the call can be written and tested
without it. The real desk (``road_desk``) is the road-cargo binding service behind this interface;
control points and directions are road's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from harbourlink.kernel.actor import Actor
from harbourlink.road.domain import ControlPoint, Direction


@dataclass(frozen=True, slots=True)
class Binding:
    """A live binding of a vehicle to consignments, as the desk reports it."""

    ubr: str
    ccrns: tuple[str, ...]
    vehicle: str
    control_point: ControlPoint
    direction: Direction | None
    bound_at: datetime
    earliest_crossing: datetime


@dataclass(frozen=True, slots=True)
class Cancelled:
    """What a cancellation took off a binding, and what is still bound under the UBR."""

    ubr: str
    cancelled: tuple[str, ...]
    remaining: tuple[str, ...]


class DeskRefused(Exception):
    """The desk would not do it (an unknown or already bound CCRN, a binding that is not the driver's …).

    ``code`` is the desk's stable reason; the phone says one refusal whatever it is.
    """

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class BindingDesk(Protocol):
    """Binding as the phone needs it; every operation acts for (and sees only what is visible to) ``actor``.

    ``direction`` may be ``None``: the phone's flow does not ask it, and the desk takes it from the
    consignments' advance cargo information.
    """

    def bind(
        self,
        actor: Actor,
        *,
        vehicle: str,
        ccrns: Sequence[str],
        control_point: ControlPoint,
        direction: Direction | None,
    ) -> Binding: ...

    def cancel_all(self, actor: Actor, *, ubr: str) -> Cancelled: ...

    def cancel_ccrn(self, actor: Actor, *, ubr: str, ccrn: str) -> Cancelled: ...

    def by_ubr(self, actor: Actor, *, ubr: str) -> Binding | None: ...

    def by_ccrn(self, actor: Actor, *, ccrn: str) -> Binding | None: ...

    def earliest_crossing(self, actor: Actor) -> Binding | None:
        """The acting driver's latest live binding, which carries the earliest crossing time."""
        ...
