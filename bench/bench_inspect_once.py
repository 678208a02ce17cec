"""Inspect once (R-LOCK-4): the time the simulated day's sealed trips save when the other authority relies on an
inspection instead of inspecting the cargo again.

The demo's simulated day (its seed, its start ten hours before now) on a scratch SQLite database, run until its
sealed trips are done: Hong Kong customs inspects some at Lok Ma Chau, mainland customs answers each. The
inspections are read back as mainland customs sees them. The saving is modelled, not observed: each second
inspection avoided counts ``sim.elock.INSPECTION`` (an assumption of the model, docs/simulator.md).

    python -m bench.bench_inspect_once
"""

from __future__ import annotations

import tempfile
import time
from datetime import timedelta
from pathlib import Path

from harbourlink import elock
from harbourlink.demo import seed_demo
from harbourlink.identity import Sealer
from harbourlink.kernel import create_database
from harbourlink.schema import upgrade
from harbourlink.sim import DEFAULT_SEED, Simulator
from harbourlink.sim import elock as sealed


def _minutes(span: timedelta) -> str:
    return f"{span.total_seconds() / 60:.1f} min"


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'bench.db'}"
        upgrade(url)
        db = create_database(url)
        with db.transaction() as session:
            parties = seed_demo(session, people=False).parties()
        simulator = Simulator(db, parties=parties, seed=DEFAULT_SEED, sealer=Sealer("bench-inspect-once"))
        began = time.perf_counter()
        report = simulator.run_until(max(step.due for step in sealed.steps(simulator.start_time)))
        took = time.perf_counter() - began
        mainland = parties.actor("customs")
        with db.transaction() as session:
            trips = elock.list_trips(session, mainland)
            desks = [elock.find_desk(session, mainland, trip_id=trip.id) for trip in trips]
        db.engine.dispose()
    saving = sealed.inspect_once(
        len(trips), [desk.inspection for desk in desks if desk is not None and desk.inspection is not None]
    )
    print(f"simulated day, seed {DEFAULT_SEED}, start {simulator.start_time:%Y-%m-%d %H:%M} UTC: ran in {took:.1f} s")
    print(f"  sealed trips {report.sealed} (seen by mainland customs: {saving.trips}); problems {len(report.problems)}")
    print(f"  inspected once by Hong Kong customs at its exit: {saving.inspected}")
    print(f"  relied on by mainland customs (second inspection avoided): {saving.avoided}")
    print(f"  inspected again by mainland customs: {saving.inspected_again}")
    print(f"  modelled time per inspection (assumption): {_minutes(saving.per_inspection)}")
    print(
        f"  time saved (modelled): {_minutes(saving.saved)}; per sealed trip {_minutes(saving.per_trip)}, "
        f"per inspected trip {_minutes(saving.per_inspected_trip)}"
    )


if __name__ == "__main__":
    main()
