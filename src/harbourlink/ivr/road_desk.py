"""The real binding desk: the phone's ``BindingDesk`` on road cargo's binding service, in the call's transaction.

A binding made by phone is road's own record, made with ``Channel.PHONE`` for the acting driver, so the web,
the API and the printout show it like any other. The phone does not ask the direction: road takes it from the
consignments' advance cargo information. Whatever road refuses reaches the phone as ``DeskRefused`` with road's
stable error code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy.orm import Session

from harbourlink import road
from harbourlink.ivr.desk import Binding, BindingDesk, Cancelled, DeskRefused
from harbourlink.kernel import Actor, HarbourLinkError
from harbourlink.road import Channel, ControlPoint, Direction


@contextmanager
def _refusals() -> Iterator[None]:
    try:
        yield
    except HarbourLinkError as exc:
        raise DeskRefused(exc.code) from exc


def _binding(bound: road.Bound) -> Binding:
    found = bound.binding
    return Binding(
        ubr=found.ubr,
        ccrns=tuple(bound.ccrns),
        vehicle=found.vehicle,
        control_point=ControlPoint(found.control_point),
        direction=Direction(found.direction),
        bound_at=found.bound_at,
        earliest_crossing=found.earliest_crossing_at,
    )


def _live(bound: road.Bound) -> Binding | None:
    """The phone's view of a binding, or None once nothing is bound under it."""
    return _binding(bound) if bound.binding.cancelled_at is None else None


class RoadDesk:
    """Binding by phone through ``harbourlink.road``; every operation sees what the acting driver sees there."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def bind(
        self,
        actor: Actor,
        *,
        vehicle: str,
        ccrns: Sequence[str],
        control_point: ControlPoint,
        direction: Direction | None,
    ) -> Binding:
        with _refusals():
            bound = road.do_bind(
                self.session,
                actor,
                vehicle=vehicle,
                control_point=control_point,
                direction=direction,
                channel=Channel.PHONE,
                ccrns=list(ccrns),
            )
        return _binding(bound)

    def _cancel(self, actor: Actor, ubr: str, ccrns: list[str] | None) -> Cancelled:
        with _refusals():
            before = set(road.get_binding(self.session, actor, ubr=ubr).ccrns)
            after = road.do_cancel_binding(self.session, actor, ubr=ubr, ccrns=ccrns)
        remaining = tuple(after.ccrns)
        return Cancelled(ubr=after.binding.ubr, cancelled=tuple(sorted(before - set(remaining))), remaining=remaining)

    def cancel_all(self, actor: Actor, *, ubr: str) -> Cancelled:
        return self._cancel(actor, ubr, None)

    def cancel_ccrn(self, actor: Actor, *, ubr: str, ccrn: str) -> Cancelled:
        return self._cancel(actor, ubr, [ccrn])

    def by_ubr(self, actor: Actor, *, ubr: str) -> Binding | None:
        try:
            return _live(road.get_binding(self.session, actor, ubr=ubr))
        except HarbourLinkError:  # a mistyped or unknown UBR is simply not found
            return None

    def by_ccrn(self, actor: Actor, *, ccrn: str) -> Binding | None:
        try:
            found = road.list_bindings(self.session, actor, ccrn=ccrn)
        except HarbourLinkError:
            return None
        number = road.parse_ccrn(ccrn)
        return next((_live(bound) for bound in found if number in bound.ccrns), None)

    def earliest_crossing(self, actor: Actor) -> Binding | None:
        # Newest first; the driver's own, not the bindings of the company's cargo that others made.
        mine = (
            _live(bound) for bound in road.list_bindings(self.session, actor) if bound.binding.made_by == actor.user_id
        )
        return next((made for made in mine if made is not None), None)


road_desk: Callable[[Session], BindingDesk] = RoadDesk
"""The desk factory ``PhoneLine`` takes: one desk per request's transaction."""
