"""How much of both declarations 一單多報 fills from what HarbourLink holds, over the simulator's shipments.

The simulated port day (seed 2611) is sent through the real inbound path into a fresh SQLite
database. For each of its Master B/Ls, the company that sees it (the forwarder, else the SME, else
the carrier) uploads a commercial invoice and a packing list (drawn with a fixed seed from a small
catalogue of goods whose Hong Kong and mainland codes agree), then makes both declarations through
``create_declarations``: the B/L's events, containers, vessel and voyage, ports and times come from
the database, the goods lines from the documents. Measured: the share of all fields filled from that
held data (``rule`` defaults and empty fields do not count), the fields left empty most often, and
the findings of the cross-document checks.

    .venv/bin/python -m bench.bench_declarations_prefill
"""

from __future__ import annotations

import random
import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from harbourlink import declarations
from harbourlink.declarations.domain import Draft
from harbourlink.demo import seed_demo
from harbourlink.kernel import Actor, Database, NotFound, create_database
from harbourlink.schema import upgrade
from harbourlink.sim import Simulator

START = datetime(2026, 11, 20, 22, 0, tzinfo=UTC)
SEED = 2611
GOODS = (
    ("LED desk lamps", "94052100", "9405210000", "PCE", "12.50", "用途:照明|品牌:BRIGHT"),
    ("Cotton T-shirts", "61091000", "6109100021", "PCE", "2.80", "织造方法:针织|成分:棉100%"),
    ("Lithium-ion batteries", "85076000", "8507600010", "PCE", "18.00", "用途:电动工具|电压:18V"),
    ("Frozen pork cuts", "02032900", "0203290090", "KGM", "3.20", "加工方法:冷冻|部位:后腿"),
    ("Plastic toys", "95030099", "9503009000", "PCE", "1.10", "材质:塑料|适用年龄:3岁以上"),
)
INVOICE_HEAD = (
    "invoice_number,seller,buyer,description,hk_code,cn_code,declared_elements,quantity,unit,unit_price,currency,"
    "origin_country,destination_country,domestic_destination"
)


def _documents(rng: random.Random, number: int) -> tuple[bytes, bytes]:
    lines = rng.sample(GOODS, rng.randint(1, 3))
    invoice = [INVOICE_HEAD]
    packing = ["line,packages,package_kind,gross_kg,net_kg"]
    for index, (name, hk, cn, unit, price, elements) in enumerate(lines, start=1):
        quantity = rng.randrange(100, 5000)
        head = f"INV-{number:04d},Shenzhen Bright Trading Co,Harbour Importers Ltd" if index == 1 else ",,"
        invoice.append(f"{head},{name},{hk},{cn},{elements},{quantity},{unit},{price},USD,CN,HK,44031")
        net = rng.randrange(500, 9000)
        packing.append(f"{index},{rng.randrange(10, 300)},CT,{net + rng.randrange(50, 400)},{net}")
    return "\n".join(invoice).encode(), "\n".join(packing).encode()


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'bench.db'}"
        upgrade(url)
        db = create_database(url)
        with db.transaction() as session:
            seeded = seed_demo(session, people=False)
        simulator = Simulator(db, parties=seeded.parties(), seed=SEED, start=START)
        simulator.run_until(START + timedelta(hours=24))
        parties = seeded.parties()
        declarants = [parties.actor(role) for role in ("forwarder", "sme", "carrier")]
        rng = random.Random(SEED)
        filled = total = shipments = 0
        empty: Counter[str] = Counter()
        findings: Counter[str] = Counter()
        sources: Counter[str] = Counter()
        for number, consignment in enumerate(simulator.scenario.consignments):
            made = _declare(db, declarants, consignment.mbl, *_documents(rng, number))
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
