"""The port simulator: deterministic, time-accelerated Hong Kong port traffic through the real inbound path.

It feeds ``harbourlink demo`` and the benchmarks, and tests use it to drive the system end to end::

    scenario  one seeded day at Kwai Tsing: ships, barges, Master and House B/Ls, boxes, declarations
       │        (geo: waypoints in the fairways; ids: numbers that pass the strict checks)
    stories   what each party says and when: carrier and barge operator (DCSA 2.2), terminal
       │        (EDIFACT COARRI/CODECO, release status and reefer readings in JSON), AIS feed (NMEA)
    plan      the day as steps: grants, container watches, messages batched by send time, B/L links,
       │        customs polls, trucks (trucks: forwarded imports driven to warehouses, one received
       │        short)
       │        (messages, edifact, nmea: the bytes each format's real adapter reads)
    runner    ``Simulator``: takes the steps due by a simulated time, as the demo companies,
                through ``inbound.receive``; ``run_until`` for tests, a thread for the demo
              mainland customs status comes from a ``CustomsStatusSource`` (poller), R-TRK-5

The same seed and start always give the same messages, byte for byte.
"""

from harbourlink.sim.plan import Deliver, Drive, Link, Nominate, Poll, Send, Share, Step, Watch, build_plan
from harbourlink.sim.runner import DEFAULT_SEED, Parties, RunReport, SimClock, Simulator, demo_start
from harbourlink.sim.scenario import Scenario, build_scenario, references_to_try

__all__ = [
    "DEFAULT_SEED",
    "Deliver",
    "Drive",
    "Link",
    "Nominate",
    "Parties",
    "Poll",
    "RunReport",
    "Scenario",
    "Send",
    "Share",
    "SimClock",
    "Simulator",
    "Step",
    "Watch",
    "build_plan",
    "build_scenario",
    "demo_start",
    "references_to_try",
]
