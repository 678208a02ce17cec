"""Inspect once in the simulated day: Hong Kong customs inspects some sealed trips at Lok Ma Chau, mainland customs
is shown each inspection and relies on it, or inspects again where Hong Kong found something.

The pure half checks the plan and the saving's arithmetic; the other runs the sealed trips through the officers'
use cases (SQLite and PostgreSQL) and reads the inspections as mainland customs sees them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from harbourlink import elock
from harbourlink.demo import seed_demo
from harbourlink.identity import Sealer
from harbourlink.kernel import Database
from harbourlink.sim import Simulator
from harbourlink.sim import elock as sealed

START = datetime(2026, 11, 20, 22, 0, tzinfo=UTC)


def test_hong_kong_inspects_at_its_exit_and_the_mainland_answers_at_its_entry() -> None:
    trips = {trip.lock: trip for trip in sealed.sealed_trips(START)}
    planned = [s for s in sealed.steps(START) if isinstance(s, sealed.Inspect | sealed.Answer)]
    inspections = [s for s in planned if isinstance(s, sealed.Inspect)]
    answers = {s.lock: s for s in planned if isinstance(s, sealed.Answer)}

    assert {trips[s.lock].kind for s in inspections} == set(sealed.INSPECTED)
    for inspection in inspections:
        trip = trips[inspection.lock]
        assert inspection.due == trip.at_hk_exit and answers[trip.lock].due == trip.at_mainland_entry
        assert trip.approved_at < inspection.due < answers[trip.lock].due
    again = [trips[lock].kind for lock, a in answers.items() if a.decision is elock.FollowUp.INSPECT_AGAIN]
    assert again == ["tamper"]


def test_the_saving_counts_each_inspection_the_other_authority_relied_on() -> None:
    def read(follow_up: str | None) -> elock.ElockInspectionRead:
        now = datetime(2026, 11, 21, tzinfo=UTC)
        return elock.ElockInspectionRead(
            id="i", trip_id="t", segment="hk", place="hk_exit", place_name="Lok Ma Chau", officer="o",
            inspected_at=now, result="no_finding", seal_reapplied=True, note=None, recorded_at=now,
            follow_up=follow_up, follow_up_note=None, follow_up_at=None,
        )  # fmt: skip

    saving = sealed.inspect_once(
        5, [read("accepted"), read("accepted"), read("inspect_again"), read(None)], per_inspection=timedelta(minutes=30)
    )
    assert (saving.inspected, saving.avoided, saving.inspected_again) == (4, 2, 1)
    assert saving.saved == timedelta(hours=1)  # an inspection not answered yet saves nothing yet
    assert (saving.per_trip, saving.per_inspected_trip) == (timedelta(minutes=12), timedelta(minutes=15))


def test_the_simulated_day_records_each_inspection_once_and_the_mainland_answers_it(db: Database) -> None:
    with db.transaction() as session:
        seeded = seed_demo(session, people=False)
    parties = seeded.parties()
    simulator = Simulator(db, parties=parties, seed=2611, start=START, sealer=Sealer("simulated day"))
    last = max(s.due for s in simulator.steps if isinstance(s, sealed.Answer))
    report = simulator.run_until(last)
    assert report.problems == []

    by_lock = {trip.lock: trip for trip in sealed.sealed_trips(START)}
    with db.transaction() as session:
        mainland = parties.actor("customs")  # the other authority: it reads what Hong Kong recorded
        approved = {by_lock[t.device_id]: t.id for t in elock.list_trips(session, mainland)}
        seen = {
            trip.kind: elock.get_inspection(session, mainland, trip_id=trip_id)
            for trip, trip_id in approved.items()
            if trip.kind in sealed.INSPECTED
        }
        desk = elock.find_desk(session, mainland, trip_id=seen["tamper"].trip_id)
        desks = {t.kind: elock.find_desk(session, mainland, trip_id=trip_id) for t, trip_id in approved.items()}
    assert set(seen) == set(sealed.INSPECTED)
    exits = {trip.kind: trip.at_hk_exit for trip in by_lock.values()}
    for kind, inspection in seen.items():
        assert (inspection.segment, inspection.place, inspection.result) == ("hk", "hk_exit", sealed.INSPECTED[kind])
        assert inspection.inspected_at == exits[kind]
    assert {k: i.follow_up for k, i in seen.items()} == {
        "clean": "accepted",
        "deviation": "accepted",
        "tamper": "inspect_again",
        "stop": "accepted",
    }
    assert desk is not None and desk.place == "mainland_entry" and desk.inspection == seen["tamper"]
    uninspected = {k for k, d in desks.items() if d is not None and d.inspection is None}
    assert uninspected == {t.kind for t in approved} - set(seen) == {"silent"}  # approved so far, not picked

    saving = sealed.inspect_once(len(by_lock), seen.values())
    assert (saving.inspected, saving.avoided, saving.inspected_again) == (4, 3, 1)
    assert saving.saved == 3 * sealed.INSPECTION
