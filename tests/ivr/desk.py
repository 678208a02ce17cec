"""A binding desk in memory for the call machine's tests (refusals, other companies, every path in three
languages without lodging cargo first), keeping the road service's rules that the phone relies on.

Earliest crossing = binding + 30 minutes; a CCRN is in at most one live binding; a company sees
and changes only its own drivers' bindings. The real desk, ``ivr.RoadDesk``, is tested
in test_road_desk.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from harbourlink.ivr import Binding, Cancelled, DeskRefused
from harbourlink.kernel import Actor
from harbourlink.road import CROSSING_AFTER_BINDING, ControlPoint, Direction


@dataclass
class MemoryDesk:
    now: Callable[[], datetime]
    unknown: set[str] = field(default_factory=set)
    """CCRNs the desk refuses as unknown (no advance cargo information)."""
    bindings: dict[str, tuple[str, str, Binding]] = field(default_factory=dict)
    """Live bindings by UBR, with the company and driver that made them."""
    next_ubr: int = 91106358604

    def _live_ubr_of(self, ccrn: str) -> str | None:
        return next((ubr for ubr, (_, _, b) in self.bindings.items() if ccrn in b.ccrns), None)

    def _mine(self, actor: Actor, ubr: str) -> Binding | None:
        found = self.bindings.get(ubr)
        return found[2] if found is not None and found[0] == actor.org_id else None

    def bind(
        self,
        actor: Actor,
        *,
        vehicle: str,
        ccrns: Sequence[str],
        control_point: ControlPoint,
        direction: Direction | None,
    ) -> Binding:
        for ccrn in ccrns:
            if ccrn in self.unknown:
                raise DeskRefused("ccrn_unknown")
            if self._live_ubr_of(ccrn) is not None:
                raise DeskRefused("ccrn_already_bound")
        ubr, self.next_ubr = str(self.next_ubr), self.next_ubr + 1
        bound_at = self.now()
        binding = Binding(
            ubr=ubr,
            ccrns=tuple(ccrns),
            vehicle=vehicle,
            control_point=control_point,
            direction=direction,
            bound_at=bound_at,
            earliest_crossing=bound_at + CROSSING_AFTER_BINDING,
        )
        self.bindings[ubr] = (actor.org_id, actor.user_id or "", binding)
        return binding

    def cancel_all(self, actor: Actor, *, ubr: str) -> Cancelled:
        binding = self._mine(actor, ubr)
        if binding is None:
            raise DeskRefused("binding_not_found")
        del self.bindings[ubr]
        return Cancelled(ubr=ubr, cancelled=binding.ccrns, remaining=())

    def cancel_ccrn(self, actor: Actor, *, ubr: str, ccrn: str) -> Cancelled:
        binding = self._mine(actor, ubr)
        if binding is None or ccrn not in binding.ccrns:
            raise DeskRefused("binding_not_found")
        remaining = tuple(c for c in binding.ccrns if c != ccrn)
        if remaining:
            self.bindings[ubr] = (actor.org_id, actor.user_id or "", replace(binding, ccrns=remaining))
        else:
            del self.bindings[ubr]
        return Cancelled(ubr=ubr, cancelled=(ccrn,), remaining=remaining)

    def by_ubr(self, actor: Actor, *, ubr: str) -> Binding | None:
        return self._mine(actor, ubr)

    def by_ccrn(self, actor: Actor, *, ccrn: str) -> Binding | None:
        ubr = self._live_ubr_of(ccrn)
        return self._mine(actor, ubr) if ubr is not None else None

    def earliest_crossing(self, actor: Actor) -> Binding | None:
        mine = [b for org, user, b in self.bindings.values() if org == actor.org_id and user == actor.user_id]
        return max(mine, key=lambda b: b.bound_at, default=None)
