"""How well the e-lock deviation detector tells a truck leaving its route from GPS noise.

Generated traces of the seed's route (airport → Lok Ma Chau → Huanggang → Shenzhen airport, with the
Tai Lam Tunnel as a GNSS-denied stretch), one fix every 10 s, at 45–80 km/h, spoiled by GPS jitter,
multipath jumps (1 % of fixes, 150–700 m, one or two fixes at a time), no fix inside the tunnel and a
poor one after it, and 5 % of fixes arriving 30 s to 5 min late (out of order). Fixes are fed to the
detector in the order they arrive; an alarm's time is the arrival of the fix that raised it.

- clean trips: any alarm is a false alarm;
- deviating trips: the truck leaves the corridor by 200–800 m for 60–300 s at a random place away
  from the control points and the tunnel; it is caught when an alarm overlapping the deviation is
  raised within 90 s of the moment the truck is 200 m beyond the corridor's edge. Alarms on a
  deviating trip that overlap no deviation are false alarms too.

Precision = true alarms / all alarms; recall = deviations caught in time / deviations.

    python -m bench.bench_elock_deviation [--clean N] [--deviating N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from harbourlink.elock import Deviation, Route, TraceFix, seed_route, trace
from harbourlink.elock.deviation import Detector

START = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
CAUGHT_WITHIN = timedelta(seconds=90)
MIN_OFFSET_M = 200.0


def alarms(route: Route, fixes: list[TraceFix]) -> list[tuple[datetime, datetime, datetime | None]]:
    """(raised at, deviation started, ended) for each alarm, in arrival order."""
    detector = Detector(route)
    raised: dict[str, datetime] = {}
    for fix in fixes:
        for episode in detector.add(at=fix.at, lon=fix.lon, lat=fix.lat, accuracy_m=fix.accuracy_m):
            raised.setdefault(episode.key, fix.arrives)
    final = {e.key: e for e in detector.episodes}
    return [(at, final[key].started_at, final[key].ended_at) for key, at in raised.items() if key in final]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clean", type=int, default=1000)
    parser.add_argument("--deviating", type=int, default=500)
    args = parser.parse_args()
    route = seed_route()
    rng = random.Random(2026)
    began = time.perf_counter()
    false_alarms = clean_false = true_alarms = caught = fixes_fed = 0
    delays: list[float] = []
    for number in range(args.clean):
        fixes = trace(route, seed=number, start=START, speed_kmh=rng.uniform(45, 80))
        fixes_fed += len(fixes)
        found = alarms(route, fixes)
        clean_false += len(found)
    false_alarms += clean_false
    for number in range(args.deviating):
        speed = rng.uniform(45, 80)
        duration = rng.uniform(60, 300)
        offset = rng.uniform(MIN_OFFSET_M, 800)
        # away from the control points and the tunnel: the stretch from Tsing Ma to Ting Kau, or the mainland
        start_s = rng.choice((rng.uniform(400, 900), rng.uniform(2900, 3400))) * 60 / speed
        deviation = Deviation(start_s=start_s, duration_s=duration, offset_m=offset)
        fixes = trace(route, seed=100_000 + number, start=START, speed_kmh=speed, deviation=deviation)
        fixes_fed += len(fixes)
        ramp = 20.0 * (route.half_width_m + MIN_OFFSET_M) / (route.half_width_m + offset)
        out_from = START + timedelta(seconds=start_s + ramp)
        out_until = START + timedelta(seconds=start_s + 40 + duration)
        hit = False
        for raised, began_at, ended_at in alarms(route, fixes):
            overlaps = began_at <= out_until and (ended_at is None or ended_at >= out_from)
            if not overlaps:
                false_alarms += 1
                continue
            true_alarms += 1
            if not hit and raised - out_from <= CAUGHT_WITHIN:
                hit = True
                delays.append((raised - out_from).total_seconds())
        caught += hit
    elapsed = time.perf_counter() - began
    alarms_total = true_alarms + false_alarms
    precision = true_alarms / alarms_total if alarms_total else 1.0
    recall = caught / args.deviating if args.deviating else 1.0
    print(f"clean trips: {args.clean}, false alarms on them: {clean_false}")
    print(f"deviating trips: {args.deviating}, caught within 90 s: {caught}")
    print(f"precision {precision:.4f}, recall {recall:.4f}")
    if delays:
        print(
            f"alarm after the truck is 200 m out: median {statistics.median(delays):.0f} s, "
            f"95th percentile {statistics.quantiles(delays, n=20)[-1]:.0f} s, worst {max(delays):.0f} s"
        )
    print(f"{fixes_fed} fixes in {elapsed:.1f} s ({fixes_fed / elapsed:,.0f} fixes/s)")


if __name__ == "__main__":
    main()
