"""How well "did you mean" recovers a mistyped reference, against plain rapidfuzz.

A deterministic (seeded) held set of 20,000 references, mixed as a Hong Kong port community
sees them: ISO 6346 container numbers with real-looking owner codes and valid check digits,
carriers' master B/Ls (prefix + digits, numbered in runs per issuing office, a few held
without the prefix as some carriers print them) and forwarders' house B/Ls (sequential
per branch and month). 2,000 held references are each corrupted by one realistic error,
and 500 references that are *not* held are asked too.

Measured: ``harbourlink.references.ReferenceIndex.suggest`` (no reference type given, as
from a search box). Baseline: ``rapidfuzz.process.extractOne`` with its default scorer
(WRatio), once as is and once with ``score_cutoff=90`` so that it can say "not found".
Prints top-1 and top-3 recovery, the false-suggestion rate on references not held, query
times, the ratio of our top-1 recovery to the baseline's, and query times at 100,000 held.
"""

from __future__ import annotations

import random
import statistics
import string
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

from rapidfuzz import process

from harbourlink.references import ReferenceIndex, container_check_digit

SEED = 6346
HELD = 20_000
QUERIES = 2_000
NOT_HELD = 500
SCALE_HELD = 100_000
SCALE_QUERIES = 300

OWNER_CODES = (
    "MSCU",
    "MSDU",
    "MSMU",
    "MEDU",
    "MSKU",
    "MRKU",
    "MRSU",
    "CMAU",
    "CGMU",
    "APZU",
    "TGHU",
    "TCLU",
    "TRHU",
    "TEMU",
    "GESU",
    "FCIU",
    "CAIU",
    "SEGU",
    "BMOU",
    "OOLU",
    "OOCU",
    "EGHU",
    "EMCU",
    "EITU",
    "HLXU",
    "HLBU",
    "CSNU",
    "CBHU",
    "CCLU",
    "TCNU",
    "BEAU",
    "YMLU",
    "YMMU",
    "ONEU",
    "NYKU",
    "KKFU",
    "HDMU",
    "HMMU",
    "ZIMU",
    "ZCSU",
    "TLLU",
    "DFSU",
    "FSCU",
    "CXDU",
    "UETU",
    "WHSU",
    "PCIU",
    "TTNU",
)
# Carrier prefix, letters after it, digits after those (shapes after public B/L format guides).
MBL_SHAPES = (
    ("MAEU", 0, 9),
    ("MEDU", 2, 6),
    ("CMDU", 3, 7),
    ("EGLV", 0, 12),
    ("HDMU", 4, 7),
    ("ZIMU", 3, 8),
    ("OOLU", 0, 10),
    ("YMLU", 1, 9),
    ("COSU", 0, 10),
    ("HLCU", 3, 9),
    ("ONEY", 4, 8),
)
BARE_CARRIERS = frozenset({"MAEU", "COSU", "EGLV", "OOLU"})  # these often print the number without prefix
CITIES = ("HKG", "SZX", "CAN", "SHA", "NGB", "XMN")
CONFUSABLE = {
    "O": "0",
    "0": "O",
    "Q": "0",
    "D": "0",
    "I": "1",
    "1": "I",
    "L": "1",
    "S": "5",
    "5": "S",
    "B": "8",
    "8": "B",
    "Z": "2",
    "2": "Z",
    "G": "6",
    "6": "G",
}
ERROR_WEIGHTS = {
    "confusable": 20,
    "substitution": 20,
    "transposition": 15,
    "dropped": 15,
    "doubled": 10,
    "missing_prefix": 7.5,
    "extra_prefix": 2.5,
    "formatting": 10,
}


class Generator:
    """Makes references the way carriers, box owners and forwarders number them."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.mbl_series = [
            (prefix, letters, digits, self._letters(letters), rng.randrange(10 ** (digits - 1), 10**digits - 10_000))
            for prefix, letters, digits in MBL_SHAPES
            for _ in range(3)
        ]
        self.hbl_series = [
            (
                self._letters(3) + rng.choice(CITIES),
                f"{rng.randint(24, 26)}{rng.randint(1, 12):02d}",
                rng.choice((3, 4, 5)),
            )
            for _ in range(40)
        ]

    def _letters(self, n: int) -> str:
        return "".join(self.rng.choices(string.ascii_uppercase, k=n))

    def container(self) -> str:
        first_ten = self.rng.choice(OWNER_CODES) + f"{self.rng.randrange(10**6):06d}"
        return first_ten + container_check_digit(first_ten)

    def mbl(self) -> str:
        prefix, _, digits, letters, base = self.rng.choice(self.mbl_series)
        body = f"{letters}{base + self.rng.randrange(8_000):0{digits}d}"
        if prefix in BARE_CARRIERS and self.rng.random() < 0.2:
            return body
        return prefix + body

    def hbl(self) -> str:
        branch, month, width = self.rng.choice(self.hbl_series)
        return f"{branch}{month}{self.rng.randrange(1, 10**width):0{width}d}"

    def reference(self) -> str:
        pick = self.rng.random()
        return self.container() if pick < 0.45 else self.mbl() if pick < 0.80 else self.hbl()


def applies(kind: str, value: str) -> bool:
    """Whether an error of this kind can be made on this reference."""
    if kind == "confusable":
        return any(c in CONFUSABLE for c in value)
    if kind == "missing_prefix":
        return value[:4] in {prefix for prefix, _, _ in MBL_SHAPES}
    if kind == "extra_prefix":
        return value[0].isdigit()
    return True


def corrupt(rng: random.Random, value: str, kind: str) -> str:
    """``value`` as a person might mistype it, by one error of the given kind."""
    i = rng.randrange(len(value))
    look_alike = rng.choice([k for k, c in enumerate(value) if c in CONFUSABLE] or [0])
    swap = rng.choice([k for k in range(len(value) - 1) if value[k] != value[k + 1]] or [0])
    pool = string.digits if value[i].isdigit() else string.ascii_uppercase
    spaced = " ".join(value[k : k + 4] for k in range(0, len(value), 4))
    made: dict[str, Callable[[], str]] = {
        "confusable": lambda: value[:look_alike] + CONFUSABLE.get(value[look_alike], "") + value[look_alike + 1 :],
        "substitution": lambda: value[:i] + rng.choice(pool.replace(value[i], "")) + value[i + 1 :],
        "transposition": lambda: value[:swap] + value[swap + 1] + value[swap] + value[swap + 2 :],
        "dropped": lambda: value[:i] + value[i + 1 :],
        "doubled": lambda: value[:i] + value[i] + value[i:],
        "missing_prefix": lambda: value[4:],
        "extra_prefix": lambda: rng.choice(sorted(BARE_CARRIERS)) + value,
        "formatting": lambda: spaced.lower() if rng.random() < 0.5 else spaced.replace(" ", "-"),
    }
    return made[kind]()


def held_set(generator: Generator, size: int) -> list[str]:
    held: dict[str, None] = {}
    while len(held) < size:
        held[generator.reference()] = None
    return list(held)


def queries(rng: random.Random, held: list[str], count: int) -> list[tuple[str, str, str]]:
    """(typed, meant, kind of error) for ``count`` distinct held references."""
    made: list[tuple[str, str, str]] = []
    used: set[str] = set()
    for kind in rng.choices(list(ERROR_WEIGHTS), weights=list(ERROR_WEIGHTS.values()), k=count):
        meant = rng.choice(held)
        while meant in used or not applies(kind, meant):
            meant = rng.choice(held)
        used.add(meant)
        made.append((corrupt(rng, meant, kind), meant, kind))
    return made


def timed(ask: Callable[[str], list[str]], typed: str) -> tuple[list[str], float]:
    started = time.perf_counter()
    answer = ask(typed)
    return answer, (time.perf_counter() - started) * 1000


def percentile(values: list[float], share: float) -> float:
    return sorted(values)[min(len(values) - 1, int(share * len(values)))]


@dataclass
class Result:
    name: str
    top1: float
    top3: float
    false: float
    p50: float
    p99: float
    by_kind: Counter[str]


def evaluate(
    name: str, ask: Callable[[str], list[str]], asked: list[tuple[str, str, str]], absent: list[str]
) -> Result:
    top1, top3, by_kind, times = 0, 0, Counter[str](), []
    for typed, meant, kind in asked:
        answer, ms = timed(ask, typed)
        times.append(ms)
        top1 += bool(answer) and answer[0] == meant
        top3 += meant in answer[:3]
        by_kind[kind] += bool(answer) and answer[0] == meant
    false_hits = 0
    for typed in absent:
        answer, ms = timed(ask, typed)
        times.append(ms)
        false_hits += bool(answer)
    return Result(
        name,
        top1 / len(asked),
        top3 / len(asked),
        false_hits / len(absent),
        statistics.median(times),
        percentile(times, 0.99),
        by_kind,
    )


def main() -> None:
    rng = random.Random(SEED)
    generator = Generator(rng)
    held = held_set(generator, HELD)
    held_lookup = set(held)
    asked = queries(rng, held, QUERIES)
    absent: list[str] = []
    while len(absent) < NOT_HELD:
        candidate = generator.reference()
        if candidate not in held_lookup and candidate not in absent:
            absent.append(candidate)
    mix = Counter(kind for _, _, kind in asked)
    shapes = Counter(
        "container"
        if h[:4] in OWNER_CODES and len(h) == 11 and h[4:].isdigit()
        else "HBL"
        if h[3:6] in CITIES
        else "MBL"
        for h in held
    )
    print(
        f"held: {len(held):,} references ({', '.join(f'{k} {v:,}' for k, v in sorted(shapes.items()))}); "
        f"{len(asked):,} corrupted queries; {len(absent)} not held"
    )
    print("error mix: " + ", ".join(f"{kind} {mix[kind]}" for kind in ERROR_WEIGHTS))

    started = time.perf_counter()
    index = ReferenceIndex(held)
    build_ms = (time.perf_counter() - started) * 1000
    extract_cache: dict[str, list[tuple[str, float]]] = {}

    def baseline_answer(typed: str, cutoff: float) -> list[str]:
        if typed not in extract_cache:
            extract_cache[typed] = [(choice, score) for choice, score, _ in process.extract(typed, held, limit=3)]
        return [choice for choice, score in extract_cache[typed] if score >= cutoff]

    results = [
        evaluate("HarbourLink suggest", lambda typed: [s.value for s in index.suggest(typed)], asked, absent),
        evaluate("rapidfuzz extractOne (WRatio)", lambda typed: baseline_answer(typed, 0), asked, absent),
    ]
    # The cut-off variant reuses the cached baseline scores, so its times are not its own.
    cut = evaluate("rapidfuzz extractOne, cutoff 90", lambda typed: baseline_answer(typed, 90), asked, absent)
    results.append(replace(cut, p50=float("nan"), p99=float("nan")))
    print(f"\n{'':34} {'top-1':>7} {'top-3':>7} {'false':>7} {'p50 ms':>8} {'p99 ms':>8}")
    for r in results:
        print(f"{r.name:34} {r.top1:7.1%} {r.top3:7.1%} {r.false:7.1%} {r.p50:8.2f} {r.p99:8.2f}")
    ours, base = results[0], results[1]
    print(
        f"\ntop-1 recovery, ours / baseline: {ours.top1 / base.top1:.2f}x "
        f"({ours.top1:.1%} vs {base.top1:.1%}); index built in {build_ms:.0f} ms"
    )
    print("top-1 by error kind (ours / baseline):")
    for kind in ERROR_WEIGHTS:
        n = mix[kind]
        print(f"  {kind:15} {n:5}  {ours.by_kind[kind] / n:7.1%}  {base.by_kind[kind] / n:7.1%}")
    sweep(index, asked, absent)
    scale(rng, generator)


def sweep(index: ReferenceIndex, asked: list[tuple[str, str, str]], absent: list[str]) -> None:
    """Recovery against false suggestions as the caller's ``min_score`` rises."""
    answers = [(index.suggest(typed, min_score=0.0), meant) for typed, meant, _ in asked]
    absent_answers = [index.suggest(typed, min_score=0.0) for typed in absent]
    print("min_score trade-off (ours):")
    for threshold in (0.4, 0.5, 0.6, 0.75):
        top1 = sum(bool(a) and a[0].score >= threshold and a[0].value == meant for a, meant in answers)
        false = sum(any(s.score >= threshold for s in a) for a in absent_answers)
        print(
            f"  min_score {threshold:.2f}: top-1 {top1 / len(answers):6.1%}, false suggestions "
            f"{false / len(absent_answers):6.1%}"
        )


def scale(rng: random.Random, generator: Generator) -> None:
    """Query times with 100,000 references held."""
    held = held_set(generator, SCALE_HELD)
    started = time.perf_counter()
    index = ReferenceIndex(held)
    build_ms = (time.perf_counter() - started) * 1000
    asked = queries(rng, held, SCALE_QUERIES)
    times, top1 = [], 0
    for typed, meant, _ in asked:
        started = time.perf_counter()
        answer = index.suggest(typed)
        times.append((time.perf_counter() - started) * 1000)
        top1 += bool(answer) and answer[0].value == meant
    print(
        f"\nat {len(held):,} held: index built in {build_ms:.0f} ms; {len(asked)} queries: "
        f"p50 {statistics.median(times):.2f} ms, p99 {percentile(times, 0.99):.2f} ms, "
        f"max {max(times):.2f} ms; top-1 {top1 / len(asked):.1%}"
    )


if __name__ == "__main__":
    main()
