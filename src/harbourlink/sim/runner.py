"""Running the simulated day against a database, through the real inbound path.

``Simulator.run_until(moment)`` takes every step of the plan due by ``moment`` (simulated
time): grants are made with ``access.do_grant`` as their owner, container watches with
``alerts.do_subscribe`` as the watching company, messages go through ``inbound.receive`` as
their sender, links through ``tracking.link_bills`` as the forwarder, truck legs through ``legs``
(the forwarder nominates, the trucking company accepts and assigns its driver) and the driver's
positions through ``trucking.receive_trip_positions``, acts (``acts``: the road cargo, the plug-ins'
part) each in a transaction of its own as their party, and at each customs poll
the mainland customs source is asked what changed and its answer is sent as the customs
company. Tests call it directly: deterministic and as fast as the database.

``Simulator.start()`` runs the same in a background thread for the demo: simulated time runs
``clock_speed`` times faster than real time from ``start`` until it reaches the wall clock,
then keeps pace with it, so no event is ever dated in the future; every ``tick_seconds`` the
thread sends what fell due. The demo starts the day some hours before now, so those hours of
port traffic play out in the first minutes.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from harbourlink import access, alerts, elock, inbound, legs, receiving, tracking, trucking
from harbourlink.identity import Sealer
from harbourlink.integrations.customs_status import LodgedDeclaration, SimulatedMainlandCustoms
from harbourlink.kernel import Actor, Database, HarbourLinkError, utcnow
from harbourlink.references import ReferenceType
from harbourlink.sim import elock as sealed
from harbourlink.sim import trucks
from harbourlink.sim.acts import Act, Cast, Missing, plugin_acts
from harbourlink.sim.plan import Deliver, Drive, Link, Nominate, Poll, Send, Share, Step, Watch, build_plan
from harbourlink.sim.poller import CustomsPoller
from harbourlink.sim.scenario import HOUR, Scenario, build_scenario

log = logging.getLogger(__name__)
CHANNEL = "simulator"
DEFAULT_SEED = 2611
PARTY_TYPES = {
    "carrier": frozenset({"shipping_line"}),
    "terminal": frozenset({"terminal_operator"}),
    "barge": frozenset({"barge_operator"}),
    "ais": frozenset({"operator"}),
    "customs": frozenset({"customs_mainland"}),
    "customs_hk": frozenset({"customs_hk"}),
    "forwarder": frozenset({"forwarder"}),
    "sme": frozenset({"cargo_owner"}),
    "airline": frozenset({"airline"}),
    "trucker": frozenset({"trucking"}),
    "warehouse": frozenset({"warehouse"}),
}
"""The company types each party's demo company has (``demo.DEMO_COMPANIES``)."""
SHORT = 3
"""Cartons the demo warehouse finds missing from the box it receives."""


@dataclass(frozen=True)
class Parties:
    """The companies the simulated parties act as, by role: their organisation ids."""

    carrier: str
    terminal: str
    barge: str
    ais: str
    customs: str
    """The mainland customs."""
    customs_hk: str
    """Hong Kong customs: road cargo's queries, GO and INSPECT at the control points, and the sealed e-lock trips
    it approves."""
    forwarder: str
    sme: str
    airline: str
    trucker: str
    warehouse: str
    driver: str
    """The trucking company's driver (a user id): the phone that shares the trucks' positions."""

    def org_id(self, role: str) -> str:
        return str(getattr(self, role))

    def actor(self, role: str) -> Actor:
        """The party's system, acting for its company (its administrators' rights, no API key limits)."""
        return Actor(org_id=self.org_id(role), roles=frozenset({"administrator"}), org_types=PARTY_TYPES[role])

    def driver_actor(self) -> Actor:
        return Actor(
            org_id=self.trucker, user_id=self.driver, roles=frozenset({"driver"}), org_types=PARTY_TYPES["trucker"]
        )


@dataclass
class RunReport:
    """What one ``run_until`` did; ``problems`` lists messages not accepted whole."""

    messages: int = 0
    accepted: int = 0
    shares: int = 0
    watches: int = 0
    links: int = 0
    trips: int = 0
    positions: int = 0
    delivered: int = 0
    receipts: int = 0
    acts: int = 0
    sealed: int = 0
    lock_sentences: int = 0
    problems: list[str] = field(default_factory=list)


class SimClock:
    """Simulated time: ``speed`` times real time from ``start``, never ahead of the wall clock."""

    def __init__(self, start: datetime, speed: float):
        self.start, self.speed = start, speed
        self._origin = time.monotonic()

    def now(self) -> datetime:
        elapsed = timedelta(seconds=(time.monotonic() - self._origin) * self.speed)
        return min(self.start + elapsed, utcnow())


def demo_start(lead: timedelta, *, now: datetime | None = None) -> datetime:
    """A start ``lead`` before now, on a whole five minutes (times in the demo then read cleanly)."""
    moment = (now or utcnow()) - lead
    return moment.replace(minute=moment.minute - moment.minute % 5, second=0, microsecond=0)


class Simulator:
    """One simulated day of Kwai Tsing traffic, sent into ``db`` as ``parties``."""

    def __init__(
        self,
        db: Database,
        *,
        parties: Parties,
        seed: int = DEFAULT_SEED,
        start: datetime | None = None,
        clock_speed: float = 60.0,
        lead: timedelta = 10 * HOUR,
        sealer: Sealer | None = None,
    ):
        self.db, self.parties, self.clock_speed = db, parties, clock_speed
        self.sealer = sealer
        """Opens the sealed trips' seal sessions; without it no sealed trip is driven."""
        self.scenario: Scenario = build_scenario(seed=seed, start=start or demo_start(lead))
        self.steps: list[Step] = build_plan(self.scenario, acts=plugin_acts(self.scenario))
        self._next = 0
        self.reached = self.scenario.start - HOUR
        """Simulated time up to which every step has been taken."""
        self._asked_at = self.scenario.start
        lodged = [
            LodgedDeclaration(d.number, d.lodged_at, d.port, d.direction, c.mbl, tuple(b.number for b in c.boxes))
            for c in self.scenario.consignments
            if (d := c.declaration) is not None
        ]
        self.customs = SimulatedMainlandCustoms(lodged, now=lambda: self._asked_at)
        self.poller = CustomsPoller(self.customs, [d.number for d in lodged])
        self._trips: dict[str, str] = {}
        """The trip carrying each trucked box, once nominated."""
        self._given: dict[str, str] = {}
        """The numbers acts were given (a CCRN, a UBR, a declaration's id), under the acts' keys."""
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.clock: SimClock | None = None

    @property
    def start_time(self) -> datetime:
        return self.scenario.start

    def run_until(self, moment: datetime) -> RunReport:
        """Takes every step due by ``moment`` (simulated time), in order; returns what was done."""
        report = RunReport()
        with self._lock:
            while self._next < len(self.steps) and self.steps[self._next].due <= moment:
                step = self.steps[self._next]
                if isinstance(step, Share | Watch | Link):
                    # Grants, watches and links of one moment are one transaction, as an owner's batch would be.
                    batch = self._batch(type(step), moment)
                    self._share_all([s for s in batch if isinstance(s, Share)], report)
                    self._watch_all([s for s in batch if isinstance(s, Watch)], report)
                    self._link_all([s for s in batch if isinstance(s, Link)], report)
                    self._next += len(batch)
                else:
                    self._take(step, report)
                    self._next += 1
            self.reached = max(self.reached, moment)
        return report

    def _batch(self, kind: type, moment: datetime) -> list[Step]:
        """The steps of one kind that follow each other from the next one on, due by ``moment``."""
        end = self._next
        while end < len(self.steps) and isinstance(self.steps[end], kind) and self.steps[end].due <= moment:
            end += 1
        return self.steps[self._next : end]

    def _take(
        self, step: Send | Nominate | Drive | Deliver | Poll | Act | sealed.Seal | sealed.LockSays, report: RunReport
    ) -> None:
        if isinstance(step, Send):
            self._send(step.sender, step.format_name, step.raw, step.label, report)
        elif isinstance(step, Nominate):
            self._nominate(step.haul, report)
        elif isinstance(step, Drive):
            self._drive(step, report)
        elif isinstance(step, Deliver):
            self._deliver(step.haul, report)
        elif isinstance(step, Poll):
            self._asked_at = step.due
            answer = self.poller.poll(step.due)
            if answer is not None:
                self._send("customs", "customs-status-json", answer, "customs status", report)
        elif isinstance(step, sealed.Seal):
            self._seal(step.trip, report)
        elif isinstance(step, sealed.LockSays):
            self._lock_says(step, report)
        else:
            self._act(step, report)

    def _act(self, act: Act, report: RunReport) -> None:
        try:
            with self.db.transaction() as session:
                given = act.run(session, Cast(self.parties, self._given))
        except Missing:
            return  # the act that was to give its number was refused, and says so
        except HarbourLinkError as refused:
            report.problems.append(f"{act.label}: {refused.code} ({refused.message})")
            return
        self._given.update(given)
        report.acts += 1

    def _seal(self, trip: sealed.SealedTrip, report: RunReport) -> None:
        """Hong Kong customs registers the lock and approves its trip (once: an earlier run of the day's is kept)."""
        if self.sealer is None:
            return
        body = elock.ElockTripCreate.model_validate(
            sealed.trip_body(trip, mainland_customs_org_id=self.parties.customs, trucking_org_id=self.parties.trucker)
        )
        try:
            with self.db.transaction() as session:
                customs = self.parties.actor("customs_hk")
                elock.register_device(session, customs, device_id=trip.lock, protocol="eseal")
                created = elock.create_trip(session, customs, body=body, sealer=self.sealer)
        except (elock.DeviceExists, elock.DeviceBusy):
            return  # its acts (the inspection and its answer) are skipped with it: done in the earlier run
        self._given[sealed.trip_key(trip.lock)] = created.id
        report.sealed += 1

    def _lock_says(self, step: sealed.LockSays, report: RunReport) -> None:
        """The lock's sentence, taken as the listener takes it (stored, applied, its seal sessions sealed)."""
        if self.sealer is None:
            return
        with self.db.transaction() as session:
            outcome = elock.receive_frame(session, peer=CHANNEL, frame=elock.Frame(step.line.strip()))
            if outcome.trip_id is not None:
                elock.seal_trip_log(session, self.sealer, trip_id=outcome.trip_id)
        report.lock_sentences += 1
        if outcome.status not in ("accepted", "duplicate"):  # a second run of the day sends them again
            report.problems.append(f"lock {step.lock}: {outcome.status} ({outcome.error})")

    def _send(self, sender: str, format_name: str, raw: bytes, label: str, report: RunReport) -> None:
        outcome = inbound.receive(
            self.db, self.parties.actor(sender), format_name=format_name, raw=raw, channel=CHANNEL
        )
        report.messages += 1
        if outcome.status == "accepted":
            report.accepted += 1
        else:
            first = outcome.errors[0] if outcome.errors else None
            report.problems.append(
                f"{sender} {label}: {outcome.status} " + (f"({first.location}: {first.message})" if first else "")
            )

    def _nominate(self, haul: trucks.Haul, report: RunReport) -> None:
        """The forwarder nominates the trucking company for the box, which accepts and assigns its driver."""
        body = legs.LegCreate(
            reference=haul.container,
            reference_type=ReferenceType.CONTAINER,
            mode=legs.LegMode.TRUCK,
            party_org_id=self.parties.trucker,
            packages=haul.packages,
            destination=trucking.Destination(
                name=haul.warehouse.name, latitude=haul.warehouse.roads[-1][0], longitude=haul.warehouse.roads[-1][1]
            ),
        )
        trucker, forwarder = self.parties.actor("trucker"), self.parties.actor("forwarder")
        try:
            with self.db.transaction() as session:
                given = [
                    leg
                    for leg in legs.list_legs(session, forwarder, reference=haul.container)
                    if leg.party_org_id == self.parties.trucker
                    and leg.trip_id
                    and leg.status == legs.LegStatus.ACCEPTED.value
                ]
                if given:  # an earlier run of the same day nominated it: its trip goes on
                    self._trips[haul.container] = str(given[0].trip_id)
                    return
                leg = legs.nominate(session, forwarder, body=body)
                legs.accept(session, trucker, leg_id=leg.id)
                assigned = legs.assign_trip(
                    session,
                    trucker,
                    leg_id=leg.id,
                    assignment=legs.TripAssignment(vehicle=haul.plate, driver_user_id=self.parties.driver),
                )
                self._trips[haul.container] = str(assigned.trip_id)
        except HarbourLinkError as refused:
            report.problems.append(f"forwarder truck leg {haul.container}: {refused.code} ({refused.message})")
            return
        report.trips += 1

    def _drive(self, step: Drive, report: RunReport) -> None:
        trip_id = self._trips.get(step.container)
        if trip_id is None:
            return  # its nomination failed, and says so
        outcome = trucking.receive_trip_positions(
            self.db, self.parties.driver_actor(), trip_id=trip_id, body=step.positions, content_type="application/json"
        )
        report.positions += outcome.accepted
        if outcome.status not in ("accepted", "duplicate"):  # a second run of the day sends them again
            report.problems.append(f"driver positions {step.container}: {outcome.status}")

    def _deliver(self, haul: trucks.Haul, report: RunReport) -> None:
        """At the demo warehouse's store the clerk counts the packages and confirms the receipt, which ends the
        trip (it counts three short: the day's receipt discrepancy); at a customer's godown the driver ends it."""
        trip_id = self._trips.get(haul.container)
        if trip_id is None:
            return
        with self.db.transaction() as session:
            if haul.warehouse.company:
                clerk = self.parties.actor("warehouse")
                # Named by its number, not a QR code: there is no token for the key to check.
                receiving.do_receipt(
                    session,
                    clerk,
                    key="",
                    reference=haul.container,
                    reference_type=ReferenceType.CONTAINER,
                    packages=haul.packages - SHORT,
                    condition=receiving.Condition.GOOD,
                    note=f"{SHORT} cartons missing",
                )
                report.receipts += 1
            else:
                trucking.finish_trip(session, self.parties.driver_actor(), trip_id=trip_id)
        report.delivered += 1

    def _share_all(self, shares: list[Share], report: RunReport) -> None:
        """Grants each share once: one the owner already gave (an earlier run, the demo seed) is kept as it is."""
        if not shares:
            return
        with self.db.transaction() as session:
            given: dict[str, set[tuple[str | None, str | None, str | None]]] = {}
            for share in shares:
                owner = self.parties.actor(share.owner)
                if share.owner not in given:
                    given[share.owner] = {
                        (g.reference_type, g.reference, g.grantee_org_id)
                        for g in access.list_grants(session, owner, direction="given")
                    }
                grantee = self.parties.org_id(share.grantee) if share.grantee else None
                key = (share.kind.value, share.reference, grantee)
                if key in given[share.owner]:
                    continue
                access.do_grant(
                    session,
                    owner,
                    reference_type=share.kind,
                    reference=share.reference,
                    grantee_org_id=grantee,
                    anyone_with_reference=grantee is None,
                    rule=None,
                    expires_at=None,
                )
                given[share.owner].add(key)
                report.shares += 1

    def _watch_all(self, watches: list[Watch], report: RunReport) -> None:
        """Subscribes each watch once: a company already subscribed to the container keeps what it has."""
        if not watches:
            return
        with self.db.transaction() as session:
            held: dict[str, set[tuple[str | None, str | None]]] = {}
            for watch in watches:
                party = self.parties.actor(watch.party)
                if watch.party not in held:
                    held[watch.party] = {
                        (s.reference_type, s.reference) for s in alerts.list_subscriptions(session, party)
                    }
                key = (ReferenceType.CONTAINER.value, watch.container)
                if key in held[watch.party]:
                    continue
                alerts.do_subscribe(
                    session,
                    party,
                    reference_type=key[0],
                    reference=watch.container,
                    alert_types=list(watch.alert_types),
                    channels=["inbox"],
                    thresholds={},
                    for_company=True,
                )
                held[watch.party].add(key)
                report.watches += 1

    def _link_all(self, links: list[Link], report: RunReport) -> None:
        if not links:
            return
        forwarder = self.parties.actor("forwarder")
        with self.db.transaction() as session:
            for link in links:
                tracking.link_bills(
                    session, forwarder, master_bl=link.master_bl, house_bl=link.house_bl, kind=link.kind
                )
                report.links += 1

    def start(self, *, tick_seconds: float = 2.0) -> None:
        """Runs the day in a background thread at ``clock_speed``, until ``stop``."""
        self.clock = SimClock(self.scenario.start, self.clock_speed)
        self._thread = threading.Thread(target=self._loop, args=(tick_seconds,), name="harbourlink-sim", daemon=True)
        self._thread.start()

    def _loop(self, tick_seconds: float) -> None:
        assert self.clock is not None  # noqa: S101 - set by start()
        while not self._stop.is_set():
            try:
                report = self.run_until(self.clock.now())
            except Exception:
                # The demo keeps running whatever one step does; the failure is logged with its cause.
                log.exception("simulator step failed; skipped")
                with self._lock:
                    self._next += 1  # a step that cannot succeed is not retried forever
                continue
            for problem in report.problems:
                log.warning("simulated message not accepted: %s", problem)
            self._stop.wait(tick_seconds)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def now(self) -> datetime:
        """Simulated time now (the start until the thread runs)."""
        return self.clock.now() if self.clock is not None else self.scenario.start.astimezone(UTC)
