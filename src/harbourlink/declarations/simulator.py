"""一單多報 in the simulated port day: the plug-in's part (``Plugin.simulator`` names ``story``).

The forwarder opts in to the service at the start of the day. For the first two forwarded imports
and exports of the day that stay in Hong Kong's hands (neither shut out nor barged on under a
mainland declaration already), it uploads a commercial invoice and a packing list made from the
simulated cargo, makes both declarations from what HarbourLink holds, and its message signer submits
them: 45 minutes after the first box is discharged (an import) or gated in (an export), when the
carrier's events are in. The simulated authorities answer through the work queue, and the results
come back to the B/L's tracking page as customs events, as they do for the API.

One planted mismatch: the second import's packing list has the gross and net weight columns swapped.
The checks before submission cannot see it (both declarations take the weights from that same list),
so it goes out, and the mainland rejects it, its net weight above its gross weight; Hong Kong
releases it.

``documents_for`` makes the invoice and packing list of any of the day's consignments, so the bench
(``bench/bench_declarations_prefill.py``) measures pre-filling over the same documents.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from harbourlink import identity
from harbourlink.declarations.documents import DocumentKind
from harbourlink.declarations.domain import Authority
from harbourlink.declarations.service import SERVICE, create_declarations, submit_declaration, upload_document
from harbourlink.kernel import Actor
from harbourlink.sim.acts import Act, Cast
from harbourlink.sim.scenario import MINUTE, Consignment, Scenario
from harbourlink.sim.trucks import hauls

DECLARANT = "forwarder"
SIGNER = frozenset({identity.Role.MESSAGE_SIGNER.value})
DECLARED = 2
"""Imports, and exports, declared in the day."""
AFTER_MOVE = 45 * MINUTE
# Description, Hong Kong code, mainland code, unit, unit price (USD), declared elements (申报要素).
FROZEN = ("Frozen pork cuts", "02032900", "0203290090", "KGM", "3.20", "加工方法:冷冻|部位:后腿")
GOODS = (
    ("LED desk lamps", "94052100", "9405210000", "PCE", "12.50", "用途:照明|品牌:BRIGHT"),
    ("Cotton T-shirts", "61091000", "6109100021", "PCE", "2.80", "织造方法:针织|成分:棉100%"),
    ("Lithium-ion batteries", "85076000", "8507600010", "PCE", "18.00", "用途:电动工具|电压:18V"),
    ("Plastic toys", "95030099", "9503009000", "PCE", "1.10", "材质:塑料|适用年龄:3岁以上"),
)
INVOICE_HEAD = (
    "invoice_number,seller,buyer,description,hk_code,cn_code,declared_elements,quantity,unit,unit_price,currency,"
    "origin_country,destination_country,domestic_destination"
)
PACKING_HEAD = "line,packages,package_kind,gross_kg,net_kg"


def packages_counted(scenario: Scenario) -> dict[str, int]:
    """The packages in each box trucked in the day, as the trucking company is told (and the warehouse counts)."""
    return {haul.container: haul.packages for haul in hauls(scenario)}


def documents_for(
    scenario: Scenario, consignment: Consignment, *, counted: Mapping[str, int], swapped: bool = False
) -> tuple[bytes, bytes]:
    """The consignment's commercial invoice and packing list (CSV): one goods line per box, its gross weight the
    box's, its packages those ``counted`` (``packages_counted``) where the box is trucked; ``swapped`` puts the
    gross and net weight columns the wrong way round."""
    rng = random.Random(f"{scenario.seed}:{consignment.mbl}:invoice")  # noqa: S311 - repeatable, not secret
    importing = consignment.direction == "IMPORT"
    seller, buyer = ("Shenzhen Bright Trading Co", "Harbour Importers Ltd")[:: 1 if importing else -1]
    invoice, packing = [INVOICE_HEAD], [PACKING_HEAD]
    for number, box in enumerate(consignment.boxes, start=1):
        name, hk, cn, unit, price, elements = FROZEN if box.setpoint is not None else rng.choice(GOODS)
        head = f"INV-{consignment.mbl[-6:]},{seller},{buyer}" if number == 1 else ",,"
        origin, destination = ("CN", "HK") if importing else ("HK", "CN")
        quantity = rng.randrange(100, 5000)
        invoice.append(f"{head},{name},{hk},{cn},{elements},{quantity},{unit},{price},USD,{origin},{destination},44031")
        gross = box.gross_kg
        net = gross - rng.randrange(150, 600)
        if swapped:
            gross, net = net, gross
        packages = counted.get(box.number, rng.randrange(40, 300))
        packing.append(f"{number},{packages},CT,{gross},{net}")
    return "\n".join(invoice).encode(), "\n".join(packing).encode()


@dataclass(frozen=True)
class OptIn:
    """The forwarder opts in to the service."""

    due: datetime
    party: str = DECLARANT

    @property
    def label(self) -> str:
        return f"{self.party} opts in to {SERVICE}"

    def run(self, session: Session, cast: Cast) -> Mapping[str, str]:
        actor = cast.parties.actor(self.party)
        identity.request_service(session, actor, org_id=actor.org_id, service=SERVICE)
        return {}


@dataclass(frozen=True)
class Declare:
    """The declarant uploads the documents, makes both declarations, and its message signer submits them."""

    due: datetime
    mbl: str
    invoice: bytes
    packing_list: bytes
    party: str = DECLARANT

    @property
    def label(self) -> str:
        return f"{self.party} declares {self.mbl}"

    def run(self, session: Session, cast: Cast) -> Mapping[str, str]:
        actor = cast.parties.actor(self.party)
        for kind, data in ((DocumentKind.INVOICE, self.invoice), (DocumentKind.PACKING_LIST, self.packing_list)):
            upload_document(session, actor, reference=self.mbl, kind=kind, filename=f"{kind.value}.csv", data=data)
        made = create_declarations(session, actor, reference=self.mbl, authorities=[Authority.HK, Authority.CN])
        signer: Actor = replace(actor, roles=SIGNER)
        for declaration in made:
            submit_declaration(session, signer, declaration_id=declaration.id)
        return {f"declarations:{self.mbl}": made[0].batch_id}


def declared(scenario: Scenario) -> list[Consignment]:
    """The consignments the forwarder declares: the first few forwarded imports, then exports, of the day."""
    candidates = [c for c in scenario.consignments if c.hbls and c.shut_out is None and c.barge is None]
    imports = [c for c in candidates if c.direction == "IMPORT"][:DECLARED]
    return imports + [c for c in candidates if c.direction == "EXPORT"][:DECLARED]


def planted(scenario: Scenario) -> str:
    """The Master B/L whose packing list has the weights swapped: the second import declared."""
    return [c for c in declared(scenario) if c.direction == "IMPORT"][1].mbl


def story(scenario: Scenario) -> list[Act]:
    acts: list[Act] = [OptIn(scenario.start)]
    wrong, counted = planted(scenario), packages_counted(scenario)
    for consignment in declared(scenario):
        invoice, packing = documents_for(scenario, consignment, counted=counted, swapped=consignment.mbl == wrong)
        moved = min(box.arrives for box in consignment.boxes)
        acts.append(Declare(max(moved, scenario.start) + AFTER_MOVE, consignment.mbl, invoice, packing))
    return acts
