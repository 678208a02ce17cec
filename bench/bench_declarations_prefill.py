"""How much of both declarations 一單多報 fills from what HarbourLink holds, over the simulator's shipments.

The simulated port day (seed 2611) is sent through the real inbound path into a fresh SQLite
database, the plug-in's own part of it included (the forwarder declares some imports and exports).
Then for each of the day's Master B/Ls, the company that sees it (the forwarder, else the SME, else
the carrier) uploads the commercial invoice and packing list the simulator makes of that cargo
(``declarations.simulator.documents_for``: one goods line per box, its weight and packages) and makes
both declarations through ``create_declarations``: the B/L's events, containers, vessel and voyage,
ports and times come from the database, the goods lines from the documents. Measured: the share of all
fields filled from that held data (``rule`` defaults and empty fields do not count), the fields left
empty most often, the findings of the cross-document checks, and the answers the simulated
authorities gave the day's own submissions.

    .venv/bin/python -m bench.bench_declarations_prefill
"""

from __future__ import annotations

import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from harbourlink import declarations
from harbourlink.declarations.domain import Draft
from harbourlink.declarations.simulator import documents_for, packages_counted
from harbourlink.demo import seed_demo
from harbourlink.kernel import Actor, Database, NotFound, create_database, work
from harbourlink.schema import upgrade
from harbourlink.sim import Simulator

START = datetime(2026, 11, 20, 22, 0, tzinfo=UTC)
SEED = 2611


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'bench.db'}"
        upgrade(url)
        db = create_database(url)
        with db.transaction() as session:
            seeded = seed_demo(session, people=False)
        simulator = Simulator(db, parties=seeded.parties(), seed=SEED, start=START)
        simulator.run_until(START + timedelta(hours=24))
        work.drain(db, [declarations.QUEUE])
        with db.transaction() as session:
            answered = Counter(
                f"{row.authority} {row.status}" for row in session.scalars(select(declarations.Declaration))
            )
        parties = seeded.parties()
        declarants = [parties.actor(role) for role in ("forwarder", "sme", "carrier")]
        filled = total = shipments = 0
        empty: Counter[str] = Counter()
        findings: Counter[str] = Counter()
        sources: Counter[str] = Counter()
        scenario = simulator.scenario
        counted = packages_counted(scenario)
        for consignment in scenario.consignments:
            documents = documents_for(scenario, consignment, counted=counted)
            made = _declare(db, declarants, consignment.mbl, *documents)
            if made is None:
                continue
            shipments += 1
            for declaration in made:
                draft = Draft(fields=declaration.fields, sources=declaration.sources)
                got, of = declarations.prefilled_share([draft], [declarations.Authority(declaration.authority)])
                filled, total = filled + got, total + of
                empty.update(
                    f"{declaration.authority}.{path.split('.')[-1]}"
                    for path, value in declaration.fields.items()
                    if value is None
                )
                findings.update(finding["code"] for finding in declaration.findings)
                sources.update(declaration.sources.values())
        print("the day's own declarations, as the authorities answered:", dict(sorted(answered.items())))
        print(f"shipments declared: {shipments} of {len(simulator.scenario.consignments)} Master B/Ls")
        print(f"fields pre-filled from held data: {filled} of {total} = {filled / total:.1%}")
        print("left empty most often:", ", ".join(f"{name} ({count})" for name, count in empty.most_common(6)))
        print("filled fields by source:", dict(sources.most_common()))
        print("findings:", dict(findings) or "none")
        db.engine.dispose()


def _declare(
    db: Database, declarants: list[Actor], mbl: str, invoice: bytes, packing: bytes
) -> list[declarations.Declaration] | None:
    for actor in declarants:
        try:
            with db.transaction() as session:
                declarations.upload_document(
                    session,
                    actor,
                    reference=mbl,
                    kind=declarations.DocumentKind.INVOICE,
                    filename="i.csv",
                    data=invoice,
                )
                declarations.upload_document(
                    session,
                    actor,
                    reference=mbl,
                    kind=declarations.DocumentKind.PACKING_LIST,
                    filename="p.csv",
                    data=packing,
                )
                return declarations.create_declarations(
                    session, actor, reference=mbl, authorities=[declarations.Authority.HK, declarations.Authority.CN]
                )
        except NotFound:
            continue
    return None


if __name__ == "__main__":
    main()
