"""vessels.record_statics: static reports merged field by field, a report that changes nothing is a duplicate."""

from __future__ import annotations

from datetime import UTC, datetime

from harbourlink import vessels
from harbourlink.kernel import Database
from harbourlink.vessels import VesselStatic

ETA = datetime(2026, 11, 21, 8, 30, tzinfo=UTC)


def test_record_statics_counts_changes_and_duplicates(db: Database) -> None:
    voyage = VesselStatic(
        mmsi="477123400",
        imo="9321483",
        name="OOCL PEARL RIVER",
        call_sign="VRAB2",
        ship_type=70,
        length_m=366,
        beam_m=51,
        draught_m=14.5,
        destination="HK HKG CT9",
        eta=ETA,
    )
    with db.transaction() as session:
        assert vessels.record_statics(session, []) == (0, 0)
        # the same report twice in one batch, and a Class B ship's two parts
        assert vessels.record_statics(
            session,
            [
                voyage,
                voyage,
                VesselStatic(mmsi="477900100", name="LAMMA SPIRIT"),
                VesselStatic(mmsi="477900100", call_sign="VRS5678", ship_type=60),
            ],
        ) == (3, 1)
    with db.transaction() as session:
        assert vessels.record_statics(session, [voyage, VesselStatic(mmsi="477900100", name="LAMMA SPIRIT")]) == (0, 2)
        assert vessels.record_statics(session, [VesselStatic(mmsi="477123400", draught_m=13.9)]) == (1, 0)
    with db.transaction() as session:
        oocl = vessels.get_vessel(session, mmsi="477123400")
        ferry = vessels.get_vessel(session, mmsi="477900100")
        assert oocl is not None and (oocl.draught_m, oocl.name, oocl.eta) == (13.9, "OOCL PEARL RIVER", ETA)
        assert ferry is not None and (ferry.name, ferry.call_sign, ferry.ship_type) == ("LAMMA SPIRIT", "VRS5678", 60)
