"""Did you mean: the reference a person meant, among the references held.

People copy references from paper, screens and phone calls, and err in a few typical ways:
a look-alike character (``O`` for ``0``), an unrelated one, two neighbours swapped, one
dropped or struck twice, the carrier prefix left off or added, stray spaces. Recovery runs in
two steps:

1. **retrieve** the held references within two edits (rapidfuzz's optimal-string-alignment
   distance with a score cutoff, over buckets of similar length), plus those that differ only
   by a known carrier prefix (a dictionary look-up);
2. **score** each by a weighted edit cost (``edits.weighted_edits``) and by what the domain
   knows: for container numbers and air waybills (ISO 6346's and the mod-7 check digit), a
   typed number whose check digit fails is surely corrupted and a candidate whose check digit
   holds is the likelier intent, while a typed number whose check digit holds is most likely
   another, real box or shipment, so its neighbours are not suggested.

Candidates dearer than ``MAX_COST`` (score below ``MIN_SCORE``, 0.4) are not suggested:
"not found" beats a wrong guess. Scores: a look-alike 0.8, a swap 0.67, a dropped
character 0.59, an unrelated character 0.5. Where references are numbered in runs (a
carrier's office, a forwarder's month), a reference that is not held often has a held
neighbour one digit away; a caller that must rarely suggest wrongly asks ``min_score=0.6``
(look-alikes, swaps, doubled keys and prefixes only).
Build a ``ReferenceIndex`` once for a held set and reuse it; ``suggest`` on a plain iterable
builds a throwaway one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from harbourlink.references.carriers import carrier_prefix_of
from harbourlink.references.container import is_container_number
from harbourlink.references.documents import is_air_waybill
from harbourlink.references.edits import weighted_edits
from harbourlink.references.kinds import ReferenceType, fold

MAX_COST = 1.5
MIN_SCORE = 1 / (1 + MAX_COST)
PREFIX_COST = 0.3
# A typed container number whose check digit holds names a real box; only a second error
# would make it another held one, so its neighbours must clear a much higher bar. Not for
# check digit 0, which also stands for remainder 10: serials giving 10 are not issued (ISO
# 6346 advises against them), yet one mistyped character can produce one.
VALID_CONTAINER_PENALTY = 1.0
VALID_CANDIDATE_BONUS = 0.15
INVALID_CANDIDATE_PENALTY = 0.5
_RETRIEVED = 50
_SHORTEST_BODY = 6
_CONTAINER_SHAPE = re.compile(r"^[A-Z]{4}[0-9]{7}$")
_AWB_SHAPE = re.compile(r"^[0-9]{11}$")
# The kinds whose numbers carry a check digit: the shape that says a held number is one, and the check.
_CHECKED = (
    (ReferenceType.CONTAINER, _CONTAINER_SHAPE, is_container_number),
    (ReferenceType.AWB, _AWB_SHAPE, is_air_waybill),
)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A held reference the person may have meant.

    ``score`` is 1.0 for the same reference and falls with the cost of the edits between them.
    ``reason`` is a stable code (``exact``, ``formatting``, ``confusable``, ``substitution``,
    ``transposition``, ``dropped``, ``doubled``, ``extra``, ``missing_prefix``,
    ``extra_prefix``, ``several``); ``detail`` says it in English for logs and tooltips.
    """

    value: str
    score: float
    reason: str
    detail: str = ""


class ReferenceIndex:
    """Held references, bucketed for fast near-miss retrieval; build once, query often."""

    def __init__(self, references: Iterable[str]) -> None:
        self._original: dict[str, str] = {}
        self._by_length: dict[int, list[str]] = defaultdict(list)
        self._by_body: dict[str, list[str]] = defaultdict(list)
        for reference in references:
            key = fold(reference)
            if not key or key in self._original:
                continue
            self._original[key] = reference
            self._by_length[len(key)].append(key)
            if carrier_prefix_of(key) is not None and len(key) - 4 >= _SHORTEST_BODY:
                self._by_body[key[4:]].append(key)

    def __len__(self) -> int:
        return len(self._original)

    def __contains__(self, raw: object) -> bool:
        return isinstance(raw, str) and fold(raw) in self._original

    def suggest(
        self, raw: str, *, reference_type: ReferenceType | None = None, limit: int = 3, min_score: float = MIN_SCORE
    ) -> list[Suggestion]:
        """The held references ``raw`` most likely means, best first; empty when none scores ``min_score``."""
        key = fold(raw)
        if not key:
            return []
        if key in self._original:
            original = self._original[key]
            same = raw == original
            return [
                Suggestion(
                    original,
                    1.0,
                    "exact" if same else "formatting",
                    "" if same else "same reference, spaces, dashes or case aside",
                )
            ]
        scored: dict[str, tuple[float, str, str]] = {}
        typed_is_valid = (is_container_number(key) and not key.endswith("0")) or is_air_waybill(key)
        for candidate, edit_cost, reason, detail in self._candidates(key):
            cost = edit_cost + _check_digit_adjustment(typed_is_valid, candidate, reference_type)
            if 1 / (1 + cost) >= min_score and cost < scored.get(candidate, (float("inf"),))[0]:
                scored[candidate] = (cost, reason, detail)
        ranked = sorted(scored.items(), key=lambda item: (item[1][0], item[0]))[:limit]
        return [
            Suggestion(self._original[candidate], round(1 / (1 + cost), 3), reason, detail)
            for candidate, (cost, reason, detail) in ranked
        ]

    def _candidates(self, key: str) -> Iterator[tuple[str, float, str, str]]:
        for candidate in self._near(key):
            cost, edits = weighted_edits(key, candidate)
            reason = edits[0].kind if len(edits) == 1 else "several"
            yield candidate, cost, reason, "; ".join(edit.describe() for edit in edits)
        for candidate in self._by_body.get(key, ()):
            yield candidate, PREFIX_COST, "missing_prefix", f"prefix {candidate[:4]} left out"
        if carrier_prefix_of(key) is not None and key[4:] in self._original:
            yield key[4:], PREFIX_COST, "extra_prefix", f"prefix {key[:4]} added"

    def _near(self, key: str) -> Iterator[str]:
        # Short texts are a few edits from too much: one edit allowed below six characters.
        reach = 2 if len(key) >= 6 else 1
        for length in range(len(key) - reach, len(key) + reach + 1):
            bucket = self._by_length.get(length)
            if bucket:
                for candidate, _, _ in process.extract(
                    key, bucket, scorer=OSA.distance, processor=None, score_cutoff=reach, limit=_RETRIEVED
                ):
                    yield candidate


def suggest(
    raw: str,
    candidates: Iterable[str] | ReferenceIndex,
    *,
    reference_type: ReferenceType | None = None,
    limit: int = 3,
    min_score: float = MIN_SCORE,
) -> list[Suggestion]:
    """The references among ``candidates`` that ``raw`` most likely means (see ``ReferenceIndex``)."""
    index = candidates if isinstance(candidates, ReferenceIndex) else ReferenceIndex(candidates)
    return index.suggest(raw, reference_type=reference_type, limit=limit, min_score=min_score)


def _check_digit_adjustment(typed_is_valid: bool, candidate: str, reference_type: ReferenceType | None) -> float:
    """Extra cost (or a discount) that a check digit tells about a container or air waybill candidate."""
    for kind, shape, passes in _CHECKED:
        if reference_type not in (None, kind) or (reference_type is None and not shape.match(candidate)):
            continue
        if typed_is_valid:
            return VALID_CONTAINER_PENALTY
        # The typed number failed its check digit (or is not one at all), so something in it is
        # wrong; a candidate that passes is the likelier intent.
        return -VALID_CANDIDATE_BONUS if passes(candidate) else INVALID_CANDIDATE_PENALTY
    return 0.0
