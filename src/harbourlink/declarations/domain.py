"""Pre-filling both declarations from held data and the uploaded documents, and checking them against each other.

A draft's fields are a flat mapping of paths to text: ``consignee``, ``lines.0.hk_code``. Each filled
field remembers its source (``bl``: the B/L's events, containers and vessel; ``parties``: the companies
named on the B/L; ``company``: the declarant; ``invoice``; ``packing_list``; ``rule``: a default the
trade uses). A finding names every field it compares, prefixed by its document: ``hk.gross_kg``,
``cn.lines.0.cn_code``, ``invoice.total_value``, ``packing_list.packages``, ``bl.gross_kg``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum


class Authority(StrEnum):
    HK = "hk"
    """Hong Kong Customs and Excise Department: the import/export declaration."""
    CN = "cn"
    """The China International Trade Single Window: 进/出口货物报关单."""


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    RELEASED = "released"
    INSPECTION = "inspection"


HELD_SOURCES = frozenset({"bl", "parties", "company", "invoice", "packing_list"})

HK_HEADER = (
    "declarant",
    "consignor",
    "consignee",
    "direction",
    "mode_of_transport",
    "carrier",
    "voyage",
    "bl_number",
    "date",
    "country",
    "total_value",
    "currency",
    "packages",
    "gross_kg",
)
HK_LINE = ("hk_code", "description", "quantity", "unit", "value", "currency", "country")
CN_HEADER = (
    "domestic_party",
    "overseas_party",
    "declarant",
    "direction",
    "mode_of_transport",
    "means_of_transport",
    "voyage",
    "bl_number",
    "supervision_mode",
    "port",
    "trade_country",
    "partner_country",
    "packages",
    "package_kind",
    "gross_kg",
    "net_kg",
    "currency",
    "total_price",
    "containers",
)
CN_LINE = (
    "cn_code",
    "name",
    "declared_elements",
    "quantity",
    "unit",
    "unit_price",
    "total_price",
    "currency",
    "origin_country",
    "destination_country",
    "domestic_destination",
)
LAYOUT: dict[Authority, tuple[tuple[str, ...], tuple[str, ...]]] = {
    Authority.HK: (HK_HEADER, HK_LINE),
    Authority.CN: (CN_HEADER, CN_LINE),
}
GENERAL_TRADE = "0110"  # 监管方式 一般贸易
WATERWAY = "2"  # 运输方式 水路运输


@dataclass(frozen=True)
class Held:
    """What HarbourLink holds about a B/L, read from the events the declarant may see."""

    reference: str
    declarant: str
    containers: tuple[str, ...] = ()
    vessel_name: str | None = None
    voyage: str | None = None
    barge: bool = False
    loading: str | None = None
    discharge: str | None = None
    departed: datetime | None = None
    arrived: datetime | None = None
    gross_kg: Decimal | None = None
    """The goods' gross weight the containers' reports give (their ``gross_mass``), when they give it."""
    packages: int | None = None
    shipper: str | None = None
    consignee: str | None = None

    @property
    def hk_import(self) -> bool:
        """Cargo discharged in Hong Kong is an import there (and an export from the mainland)."""
        return (self.discharge or "").startswith("HK") or not (self.loading or "").startswith("HK")


@dataclass(frozen=True)
class Documents:
    invoice: Sequence[Mapping[str, str]] = ()
    packing_list: Sequence[Mapping[str, str]] = ()


@dataclass
class Draft:
    fields: dict[str, str | None] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def put(self, path: str, value: object, source: str) -> None:
        text = None if value is None or value == "" else str(value)
        self.fields[path] = text
        if text is not None:
            self.sources[path] = source


def _number(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def _sum(values: Sequence[str | None]) -> Decimal | None:
    numbers = [_number(value) for value in values]
    present = [number for number in numbers if number is not None]
    return sum(present, Decimal(0)) if present and len(present) == len(numbers) else None


def _first(lines: Sequence[Mapping[str, str]], column: str) -> str | None:
    return next((line[column] for line in lines if line.get(column)), None)


def _line_value(line: Mapping[str, str]) -> Decimal | None:
    quantity, price = _number(line.get("quantity")), _number(line.get("unit_price"))
    return None if quantity is None or price is None else (quantity * price).quantize(Decimal("0.01"))


def document_totals(documents: Documents) -> dict[str, Decimal | None]:
    """The invoice's and the packing list's own totals, which both declarations must agree with."""
    values = [_line_value(line) for line in documents.invoice]
    return {
        "invoice.total_value": sum((v for v in values if v is not None), Decimal(0))
        if values and None not in values
        else None,
        "packing_list.packages": _sum([line.get("packages") for line in documents.packing_list]),
        "packing_list.gross_kg": _sum([line.get("gross_kg") for line in documents.packing_list]),
        "packing_list.net_kg": _sum([line.get("net_kg") for line in documents.packing_list]),
    }


def _country(locode: str | None) -> str | None:
    return locode[:2] if locode and len(locode) == 5 else None


@dataclass(frozen=True)
class _Common:
    """What both declarations take from the same places."""

    consignor: tuple[str | None, str]
    consignee: tuple[str | None, str]
    currency: str | None
    packages: tuple[object, str]
    gross: tuple[object, str]
    totals: Mapping[str, Decimal | None]


def _common(held: Held, documents: Documents) -> _Common:
    invoice = documents.invoice
    totals = document_totals(documents)
    return _Common(
        consignor=(held.shipper, "parties") if held.shipper else (_first(invoice, "seller"), "invoice"),
        consignee=(held.consignee, "parties") if held.consignee else (_first(invoice, "buyer"), "invoice"),
        currency=_first(invoice, "currency"),
        packages=(held.packages, "bl")
        if held.packages is not None
        else (totals["packing_list.packages"], "packing_list"),
        gross=(held.gross_kg, "bl") if held.gross_kg is not None else (totals["packing_list.gross_kg"], "packing_list"),
        totals=totals,
    )


def prefill(authority: Authority, held: Held, documents: Documents) -> Draft:
    """One declaration's fields from held data and the documents; what neither gives stays empty to fill in."""
    common = _common(held, documents)
    return _prefill_hk(held, documents, common) if authority is Authority.HK else _prefill_cn(held, documents, common)


def _prefill_hk(held: Held, documents: Documents, common: _Common) -> Draft:
    draft = Draft()
    put = draft.put
    hk_import = held.hk_import
    put("declarant", held.declarant, "company")
    put("consignor", *common.consignor)
    put("consignee", *common.consignee)
    put("direction", "import" if hk_import else "export", "bl")
    put("mode_of_transport", "river" if held.barge else "ocean", "bl")
    put("carrier", held.vessel_name, "bl")
    put("voyage", held.voyage, "bl")
    put("bl_number", held.reference, "bl")
    moment = held.arrived if hk_import else held.departed
    put("date", moment.date().isoformat() if moment else None, "bl")
    put("country", _country(held.loading if hk_import else held.discharge), "bl")
    put("total_value", common.totals["invoice.total_value"], "invoice")
    put("currency", common.currency, "invoice")
    put("packages", *common.packages)
    put("gross_kg", *common.gross)
    for number, line in enumerate(documents.invoice):
        at = f"lines.{number}."
        for name, column in (
            ("hk_code", "hk_code"),
            ("description", "description"),
            ("quantity", "quantity"),
            ("unit", "unit"),
            ("currency", "currency"),
        ):
            put(at + name, line.get(column), "invoice")
        put(at + "value", _line_value(line), "invoice")
        put(at + "country", line.get("origin_country" if hk_import else "destination_country"), "invoice")
    return draft


def _prefill_cn(held: Held, documents: Documents, common: _Common) -> Draft:
    # The mainland's side of the same move: an import into Hong Kong is an export from the mainland.
    draft = Draft()
    put = draft.put
    cn_export = held.hk_import
    put("domestic_party", *(common.consignor if cn_export else common.consignee))
    put("overseas_party", *(common.consignee if cn_export else common.consignor))
    put("declarant", held.declarant, "company")
    put("direction", "export" if cn_export else "import", "bl")
    put("mode_of_transport", WATERWAY, "bl")
    put("means_of_transport", held.vessel_name, "bl")
    put("voyage", held.voyage, "bl")
    put("bl_number", held.reference, "bl")
    put("supervision_mode", GENERAL_TRADE, "rule")
    put("port", held.loading if cn_export else held.discharge, "bl")
    partner = _country(held.discharge if cn_export else held.loading)
    put("trade_country", partner, "bl")
    put("partner_country", partner, "bl")
    put("packages", *common.packages)
    put("package_kind", _first(documents.packing_list, "package_kind"), "packing_list")
    put("gross_kg", *common.gross)
    put("net_kg", common.totals["packing_list.net_kg"], "packing_list")
    put("currency", common.currency, "invoice")
    put("total_price", common.totals["invoice.total_value"], "invoice")
    put("containers", " ".join(held.containers) or None, "bl")
    for number, line in enumerate(documents.invoice):
        at = f"lines.{number}."
        for name, column in (
            ("cn_code", "cn_code"),
            ("name", "description"),
            ("declared_elements", "declared_elements"),
            ("quantity", "quantity"),
            ("unit", "unit"),
            ("unit_price", "unit_price"),
            ("currency", "currency"),
            ("origin_country", "origin_country"),
            ("domestic_destination", "domestic_destination"),
        ):
            put(at + name, line.get(column), "invoice")
        put(at + "total_price", _line_value(line), "invoice")
        put(at + "destination_country", line.get("destination_country") or partner, "invoice")
    return draft


def field_paths(authority: Authority, fields: Mapping[str, str | None]) -> list[str]:
    """Every field the declaration has: its header, and each line's (as many lines as it holds)."""
    header, line = LAYOUT[authority]
    lines = {int(path.split(".")[1]) for path in fields if path.startswith("lines.")}
    return [*header, *(f"lines.{n}.{name}" for n in sorted(lines) for name in line)]


def check_path(authority: Authority, path: str, fields: Mapping[str, str | None]) -> bool:
    return path in field_paths(authority, fields)


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    fields: tuple[str, ...]
    values: Mapping[str, str | None]

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "fields": list(self.fields), "values": dict(self.values)}


def _text(value: Decimal | int | str | None) -> str | None:
    return None if value is None else str(value)


def _agree(
    code: str, what: str, candidates: Mapping[str, Decimal | None], tolerance: Decimal = Decimal(0)
) -> Finding | None:
    present = {path: value for path, value in candidates.items() if value is not None}
    if len(present) < 2:
        return None
    low, high = min(present.values()), max(present.values())
    if high - low <= tolerance * high:
        return None
    return Finding(
        code,
        f"{what} disagree: " + ", ".join(f"{path} = {value}" for path, value in present.items()),
        tuple(present),
        {path: _text(value) for path, value in present.items()},
    )


def check(drafts: Mapping[Authority, Mapping[str, str | None]], held: Held, documents: Documents) -> list[Finding]:
    """Cross-document checks before submission: packages, weights and values agree across the B/L, the
    documents and both declarations; each line's Hong Kong and mainland codes share their first six digits."""
    totals = document_totals(documents)
    hk = drafts.get(Authority.HK, {})
    cn = drafts.get(Authority.CN, {})
    findings: list[Finding | None] = []

    def declared(prefix: str, fields: Mapping[str, str | None], name: str) -> dict[str, Decimal | None]:
        return {f"{prefix}.{name}": _number(fields.get(name))} if fields else {}

    findings.append(
        _agree(
            "packages_disagree",
            "package counts",
            {
                "bl.packages": Decimal(held.packages) if held.packages is not None else None,
                "packing_list.packages": totals["packing_list.packages"],
                **declared("hk", hk, "packages"),
                **declared("cn", cn, "packages"),
            },
        )
    )
    findings.append(
        _agree(
            "weights_disagree",
            "gross weights",
            {
                "bl.gross_kg": held.gross_kg,
                "packing_list.gross_kg": totals["packing_list.gross_kg"],
                **declared("hk", hk, "gross_kg"),
                **declared("cn", cn, "gross_kg"),
            },
            tolerance=Decimal("0.005"),  # scales differ by a few kilograms in a thousand
        )
    )
    findings.append(
        _agree(
            "values_disagree",
            "declared values",
            {
                "invoice.total_value": totals["invoice.total_value"],
                **declared("hk", hk, "total_value"),
                **declared("cn", cn, "total_price"),
            },
        )
    )
    lines = {int(path.split(".")[1]) for path in (*hk, *cn) if path.startswith("lines.")}
    for number in sorted(lines):
        hk_code, cn_code = hk.get(f"lines.{number}.hk_code"), cn.get(f"lines.{number}.cn_code")
        if hk_code and cn_code and hk_code[:6] != cn_code[:6]:
            findings.append(
                Finding(
                    "codes_disagree",
                    f"line {number + 1}: the first six digits of the Hong Kong code {hk_code} and the mainland "
                    f"code {cn_code} differ",
                    (f"hk.lines.{number}.hk_code", f"cn.lines.{number}.cn_code"),
                    {f"hk.lines.{number}.hk_code": hk_code, f"cn.lines.{number}.cn_code": cn_code},
                )
            )
    for authority, fields in drafts.items():
        if not fields:
            continue
        missing = [path for path in field_paths(authority, fields) if not fields.get(path)]
        if missing:
            findings.append(
                Finding(
                    "fields_missing",
                    f"{authority.value}: to fill in: {', '.join(missing)}",
                    tuple(f"{authority.value}.{path}" for path in missing),
                    dict.fromkeys((f"{authority.value}.{path}" for path in missing), None),
                )
            )
    return [finding for finding in findings if finding is not None]


def prefilled_share(drafts: Sequence[Draft], authorities: Sequence[Authority]) -> tuple[int, int]:
    """How many of the declarations' fields came from held data (B/L, parties, company, documents), of all."""
    filled = total = 0
    for authority, draft in zip(authorities, drafts, strict=True):
        for path in field_paths(authority, draft.fields):
            total += 1
            filled += draft.sources.get(path) in HELD_SOURCES
    return filled, total
