"""Events in a table partitioned by ranges of seq vs the same events in a plain table, in one run.

A scratch PostgreSQL database at the newest schema (``events`` partitioned by ranges of ``seq``,
its keys in ``event_keys``, migration 0031) gets a twin schema ``plain`` with a plain ``events``,
its own ``event_keys``, ``event_references`` and sequence, and the same keys and indexes. A
session whose ``search_path`` starts with ``plain`` runs the very same code against the twin. The
partitioned table's ranges are made ``N`` / 10 events wide, so ``N`` events fill ten of them, and
upkeep runs between batches as the hourly job would (not timed).

Timed: ``N`` events of a carrier (ten per B/L, with a container each), parsed beforehand, stored
in batches of 5,000 through ``events.append_events`` (ingest's set-based insert) into both, batch
by batch, alternating which goes first; then one batch sent again (all duplicates) into both; then,
after ANALYZE, the tracking lookup (``tracking.find`` + ``build_view``, as ``GET
/api/v1/track/{ref}``) of random B/Ls by their owner, alternating tables. Prints rates, their
ratio (partitioned / plain) and the lookup's p50/p99 on each.

    python -m bench.bench_event_partitions [N]
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime, timedelta
from functools import partial

from sqlalchemy import text
from sqlalchemy.orm import Session

from bench.bench_partitions import _engine, _quantiles, _timed
from bench.bench_track import _box
from bench.pg import scratch_database
from harbourlink import events, identity, operations, tracking
from harbourlink.integrations.csv_template import CsvTemplateAdapter
from harbourlink.kernel import Actor

BATCH = 5000
PER_BL = 10
READS = 400
CODES = ("GTIN", "LOAD", "DISC", "GTOT")
START = datetime(2026, 1, 1, tzinfo=UTC)
PLAIN = """
CREATE SCHEMA plain;
CREATE SEQUENCE plain.events_seq_seq;
CREATE TABLE plain.event_keys (LIKE public.event_keys INCLUDING ALL);
ALTER TABLE plain.event_keys ALTER COLUMN seq SET DEFAULT nextval('plain.events_seq_seq');
CREATE TABLE plain.events (LIKE public.events INCLUDING ALL);
ALTER TABLE plain.events ADD FOREIGN KEY (seq) REFERENCES plain.event_keys (seq) ON DELETE CASCADE,
    ADD FOREIGN KEY (owner_org_id) REFERENCES public.organisations (id);
CREATE TABLE plain.event_references (LIKE public.event_references INCLUDING ALL);
ALTER TABLE plain.event_references ADD FOREIGN KEY (event_seq) REFERENCES plain.event_keys (seq) ON DELETE CASCADE;
"""


def _batch(first: int) -> list[events.EventDraft]:
    rows = []
    for n in range(first, first + BATCH):
        moment = START + timedelta(minutes=n)
        bl = n // PER_BL
        rows.append(f"E{n},EQUIPMENT,{CODES[n % len(CODES)]},{moment.isoformat()},{_box(bl)},PONU{bl:08d}")
    csv = "event_id,event_type,event_code,event_time,container,mbl\n" + "\n".join(rows) + "\n"
    parsed = CsvTemplateAdapter().parse(csv.encode())
    assert not parsed.errors, parsed.errors[:3]
    return parsed.events


def _append(session: Session, *, owner: str, drafts: list[events.EventDraft], expect: int) -> None:
    stored = events.append_events(session, owner_org_id=owner, message_id=None, drafts=drafts)
    assert len(stored.accepted) == expect, len(stored.accepted)
    assert not stored.conflicts, stored.conflicts


def _upkeep(session: Session, *, size: int) -> None:
    operations.partition_upkeep(session, now=datetime.now(UTC), ahead=2, keep_months=None, event_range=size)


def _lookup(session: Session, *, viewer: Actor, bl: str) -> None:
    view = tracking.build_view(session, tracking.find(session, viewer, query=bl))
    assert len(view.events) == PER_BL, len(view.events)


def main(n: int) -> None:
    size = max(BATCH, n // 10)
    with scratch_database("hl_bench_event_partitions") as url:
        engines = {"partitioned": _engine(url, "public"), "plain": _engine(url, "plain")}
        with Session(engines["partitioned"]) as session, session.begin():
            session.execute(text(PLAIN))
            carrier = identity.create_organisation(
                session,
                identity.SYSTEM_ACTOR,
                name="Carrier",
                types=["shipping_line"],
                status=identity.OrgStatus.ACTIVE,
            ).id
            # The migration's ranges are ten million wide; these are narrower, so N events fill ten of them.
            ranges = text("SELECT relname FROM pg_class WHERE relname ~ '^events_r[0-9]+$' AND relkind = 'r'")
            for (name,) in session.execute(ranges):
                session.execute(text(f"ALTER TABLE events DETACH PARTITION {name}"))
                session.execute(text(f"DROP TABLE {name}"))
            _upkeep(session, size=size)
        spent = dict.fromkeys(engines, 0.0)
        for number, first in enumerate(range(0, n, BATCH)):
            drafts = _batch(first)
            order = list(engines) if number % 2 == 0 else list(reversed(engines))
            for schema in order:
                spent[schema] += _timed(engines[schema], partial(_append, owner=carrier, drafts=drafts, expect=BATCH))
            _timed(engines["partitioned"], partial(_upkeep, size=size))
        print(f"{n:,} events, ten per B/L, batches of {BATCH:,} (append_events); ranges of {size:,} events")
        rates = {schema: n / seconds for schema, seconds in spent.items()}
        for schema, rate in rates.items():
            print(f"  into the {schema} table: {rate:,.0f} events/s")
        print(f"  ratio partitioned / plain: {rates['partitioned'] / rates['plain']:.2f}")
        again = _batch(0)
        print(f"the first batch sent again ({BATCH:,} duplicates):")
        for schema, engine in engines.items():
            seconds = _timed(engine, partial(_append, owner=carrier, drafts=again, expect=0))
            print(f"  {schema}: {seconds * 1000:,.0f} ms")
        with Session(engines["partitioned"]) as session, session.begin():
            session.execute(text("ANALYZE events, event_keys, event_references"))
            session.execute(text("ANALYZE plain.events, plain.event_keys, plain.event_references"))
            parts = operations.partition_report(session)["events"]
            print(f"partitions of events: {len(parts)} ({', '.join(f'{p.name} ~{p.rows:,}' for p in parts)})")
        rng = random.Random(11)
        bls = [f"PONU{rng.randrange(n // PER_BL):08d}" for _ in range(READS)]
        took: dict[str, list[float]] = {schema: [] for schema in engines}
        viewer = Actor(org_id=carrier)
        for number, bl in enumerate(bls):
            order = list(engines) if number % 2 == 0 else list(reversed(engines))
            for schema in order:
                took[schema].append(_timed(engines[schema], partial(_lookup, viewer=viewer, bl=bl)))
        print(f"tracking lookup (find + build_view) of a B/L by its owner, {READS} B/Ls:")
        for schema, samples in took.items():
            print(f"  {schema}: {_quantiles(samples)}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
