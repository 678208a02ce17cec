"""The cost of validating one DCSA event: the compiled check against ``jsonschema``, in the same run.

Events: the 2.2 and 3.0 samples in ``tests/samples/dcsa`` (arrivals, discharges, gate moves,
releases, reefer readings), each validated against the schema its ``eventType`` names, as the
adapters do. Measured per event, best of several rounds:

- baseline: ``jsonschema`` (``Draft4Validator`` / ``Draft202012Validator``, ``iter_errors``) as
  the adapters used it for every event;
- compiled: ``EventSchema.errors`` (``jsonschema_rs``; ``jsonschema`` only for a refused event),
  what the adapters use now;
- a refused event (one field missing): both validators, the cost of locating its errors.

Prints microseconds per event and the ratio baseline / compiled.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harbourlink.integrations.dcsa.schema import located_errors, v3_schema, v3_validator, v22_schema, v22_validator
from harbourlink.integrations.dcsa.v3 import PAYLOAD_SCHEMAS
from harbourlink.integrations.dcsa.v22 import V22_SCHEMAS

SAMPLES = Path(__file__).resolve().parents[1] / "tests" / "samples" / "dcsa"
ROUNDS = 5
REPEAT = 40


def _per_event(check: Callable[[Any, str], object], events: list[Any]) -> float:
    """Best microseconds per event over ``ROUNDS`` rounds of ``REPEAT`` passes."""
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(REPEAT):
            for event in events:
                check(event, "$")
        best = min(best, (time.perf_counter() - start) / (REPEAT * len(events)))
    return best * 1e6


def _v22_baseline(event: Any, base: str) -> object:
    return located_errors(v22_validator(V22_SCHEMAS[event["eventType"]]), event, base)


def _v22_compiled(event: Any, base: str) -> object:
    return v22_schema(V22_SCHEMAS[event["eventType"]]).errors(event, base)


def _v3_baseline(event: Any, base: str) -> object:
    payload = PAYLOAD_SCHEMAS[event["metadata"]["eventType"]]
    return located_errors(v3_validator("event"), event, base) or located_errors(
        v3_validator(payload), event["payload"], base
    )


def _v3_compiled(event: Any, base: str) -> object:
    payload = PAYLOAD_SCHEMAS[event["metadata"]["eventType"]]
    return v3_schema("event").errors(event, base) or v3_schema(payload).errors(event["payload"], base)


def main() -> None:
    v22 = json.loads((SAMPLES / "hkg_tnt22_import_export.json").read_text())
    v3 = [event for event in json.loads((SAMPLES / "hkg_tnt3_reefer.json").read_text()) if "payload" in event]
    broken = [{key: value for key, value in event.items() if key != "eventDateTime"} for event in v22]
    assert all(_v22_baseline(e, "$") == _v22_compiled(e, "$") for e in v22 + broken)
    rows = [
        ("2.2, valid events", len(v22), _per_event(_v22_baseline, v22), _per_event(_v22_compiled, v22)),
        ("3.0, valid events", len(v3), _per_event(_v3_baseline, v3), _per_event(_v3_compiled, v3)),
        ("2.2, refused events", len(broken), _per_event(_v22_baseline, broken), _per_event(_v22_compiled, broken)),
    ]
    print(f"{'events':<22}{'n':>4}{'jsonschema µs':>16}{'compiled µs':>14}{'ratio':>9}")
    for name, count, baseline, compiled in rows:
        print(f"{name:<22}{count:>4}{baseline:>16.1f}{compiled:>14.1f}{baseline / compiled:>8.1f}x")


if __name__ == "__main__":
    main()
