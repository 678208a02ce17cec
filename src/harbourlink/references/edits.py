"""What it takes to turn a typed reference into a held one, priced by how people err.

The edits are rapidfuzz's Levenshtein edit operations (computed in C++, so a query can
price dozens of near neighbours in well under a millisecond), with two adjacent characters
that trade places read as one swap. Each edit is priced by how likely a person makes it when
copying a reference from paper, a screen or a phone call: reading ``O`` for ``0`` is cheap,
typing an unrelated digit dear.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rapidfuzz.distance import Levenshtein

EditKind = Literal["confusable", "substitution", "transposition", "dropped", "doubled", "extra"]

# Characters that look alike in print and in handwriting, read one for the other.
CONFUSABLE_PAIRS = frozenset(frozenset(pair) for pair in ("O0", "Q0", "D0", "I1", "L1", "S5", "B8", "Z2", "G6"))

COST: dict[EditKind, float] = {
    "confusable": 0.25,  # a look-alike read or typed for another
    "transposition": 0.5,  # two neighbours swapped, the commonest slip in typing digits
    "doubled": 0.4,  # a key struck twice: the extra character repeats its neighbour
    "dropped": 0.7,  # a character left out
    "substitution": 1.0,  # an unrelated character
    "extra": 1.0,  # an unrelated character added
}


@dataclass(frozen=True, slots=True)
class Edit:
    """One step from the typed text to the intended one; ``position`` is in the typed text."""

    kind: EditKind
    position: int
    typed: str
    intended: str

    def describe(self) -> str:
        """The step in a few words, e.g. "'O' typed for '0' at position 8"."""
        where = f"at position {self.position + 1}"
        if self.kind in ("confusable", "substitution"):
            return f"{self.typed!r} typed for {self.intended!r} {where}"
        if self.kind == "transposition":
            return f"{self.typed!r} swapped {where}"
        if self.kind == "dropped":
            return f"{self.intended!r} left out {where}"
        return f"{self.typed!r} {'doubled' if self.kind == 'doubled' else 'added'} {where}"


def substitution_kind(typed: str, intended: str) -> EditKind:
    """``confusable`` for a look-alike pair, else ``substitution``."""
    return "confusable" if frozenset((typed, intended)) in CONFUSABLE_PAIRS else "substitution"


def weighted_edits(typed: str, intended: str) -> tuple[float, list[Edit]]:
    """The edits turning ``typed`` into ``intended`` and their total cost."""
    edits: list[Edit] = []
    for op in Levenshtein.editops(typed, intended):
        if op.tag == "replace":
            a, b = typed[op.src_pos], intended[op.dest_pos]
            edits.append(Edit(substitution_kind(a, b), op.src_pos, a, b))
        elif op.tag == "delete":
            edits.append(_extra(typed, op.src_pos))
        else:
            edits.append(Edit("dropped", op.src_pos, "", intended[op.dest_pos]))
    edits = _swaps(typed, intended, edits)
    return sum(COST[edit.kind] for edit in edits), edits


def _extra(typed: str, k: int) -> Edit:
    char = typed[k]
    repeated = (k > 0 and typed[k - 1] == char) or (k + 1 < len(typed) and typed[k + 1] == char)
    return Edit("doubled" if repeated else "extra", k, char, "")


def _swaps(typed: str, intended: str, edits: list[Edit]) -> list[Edit]:
    """The edits with each pair that only moves one of two neighbours made one transposition.

    Levenshtein has no swap: it writes one as two substitutions, or as a deletion and an
    insertion around the moved character. Either way, undoing the swap in the typed text
    removes both edits.
    """
    merged: list[Edit] = []
    k = 0
    while k < len(edits):
        if k + 1 < len(edits):
            start = min(edits[k].position, edits[k + 1].position)
            end = max(edits[k].position, edits[k + 1].position)
            if end - start <= 2 and _undoes_swap(typed, intended, start):
                merged.append(Edit("transposition", start, typed[start : start + 2], typed[start + 1] + typed[start]))
                k += 2
                continue
        merged.append(edits[k])
        k += 1
    return merged


def _undoes_swap(typed: str, intended: str, start: int) -> bool:
    """Whether swapping typed[start] and typed[start+1] takes away exactly the two edits."""
    if start + 1 >= len(typed) or typed[start] == typed[start + 1]:
        return False
    swapped = typed[:start] + typed[start + 1] + typed[start] + typed[start + 2 :]
    return Levenshtein.distance(swapped, intended) == Levenshtein.distance(typed, intended) - 2
