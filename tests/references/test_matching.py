"""Did you mean: each typical human error is recovered; a reference not held is not guessed at."""

from __future__ import annotations

import random
import string

import pytest

from harbourlink.references import ReferenceIndex, ReferenceType, container_check_digit, suggest

HELD = [
    "CSQU3054383",
    "MSCU1234566",
    "TGHU1234567",
    "MAEU203176301",
    "MEDUHG271461",
    "OOLU2640431700",
    "OOLU2640431870",
    "VFFHKG2611001",
    "6259159840",
    "EGLV143076485803",
]


@pytest.fixture(scope="module")
def index() -> ReferenceIndex:
    return ReferenceIndex(HELD)


@pytest.mark.parametrize(
    ("typed", "meant", "reason"),
    [
        ("CSQU3O54383", "CSQU3054383", "confusable"),  # O for 0
        ("MEDUHG27I461", "MEDUHG271461", "confusable"),  # I for 1
        ("VFFHKG26110O1", "VFFHKG2611001", "confusable"),
        ("EGLV1430764858O3", "EGLV143076485803", "confusable"),
        ("MAEU2O3176301", "MAEU203176301", "confusable"),
        ("0OLU2640431700", "OOLU2640431700", "confusable"),  # 0 for O
        ("MSCU1234866", "MSCU1234566", "substitution"),
        ("CSQU3053483", "CSQU3054383", "transposition"),
        ("MAEU203167301", "MAEU203176301", "transposition"),
        ("CSQU305438", "CSQU3054383", "dropped"),
        ("MEDUHG27146", "MEDUHG271461", "dropped"),
        ("VFFHKG26110001", "VFFHKG2611001", "doubled"),
        ("203176301", "MAEU203176301", "missing_prefix"),
        ("COSU6259159840", "6259159840", "extra_prefix"),
        ("csqu 305438-3", "CSQU3054383", "formatting"),
    ],
)
def test_each_kind_of_error_is_recovered(index: ReferenceIndex, typed: str, meant: str, reason: str) -> None:
    found = index.suggest(typed)
    assert found, typed
    assert (found[0].value, found[0].reason) == (meant, reason)
    assert 0 < found[0].score <= 1 and found[0].detail


def test_an_exact_reference_is_the_only_answer(index: ReferenceIndex) -> None:
    assert [(s.value, s.score, s.reason) for s in index.suggest("MSCU1234566")] == [("MSCU1234566", 1.0, "exact")]


def test_look_alikes_score_higher_than_unrelated_characters(index: ReferenceIndex) -> None:
    assert index.suggest("MAEU2O3176301")[0].score > index.suggest("MAEU213176301")[0].score


def test_a_valid_container_not_held_is_not_guessed_at() -> None:
    """Swap two serial digits of a held box and give it its own check digit: another real box.

    As text it is a swap and one digit away (cost 1.5, suggestible); as a container number its
    check digit holds, so nothing in it is mistyped and no neighbour is offered.
    """
    typed = "CSQU3045381"
    assert container_check_digit(typed[:10]) == typed[10]
    assert suggest(typed, HELD, reference_type=ReferenceType.CONTAINER) == []
    assert suggest(typed, HELD) == []
    assert [s.value for s in suggest(typed, HELD, reference_type=ReferenceType.MBL)] == ["CSQU3054383"]


def test_a_failed_check_digit_prefers_candidates_that_pass() -> None:
    first_ten = "ABCU123456"
    valid = first_ten + container_check_digit(first_ten)
    wrong_check = first_ten + str((int(valid[-1]) + 1) % 10)
    typed = first_ten + str((int(valid[-1]) + 2) % 10)
    found = suggest(typed, [wrong_check, valid], reference_type=ReferenceType.CONTAINER)
    assert [s.value for s in found][:1] == [valid]


def test_far_or_empty_texts_get_no_suggestion(index: ReferenceIndex) -> None:
    assert index.suggest("") == [] and index.suggest("   ") == []
    assert index.suggest("ZZZZ9999999") == []
    assert index.suggest("HLCUHAM123456789") == []


def test_limit_and_min_score(index: ReferenceIndex) -> None:
    assert len(index.suggest("OOLU26404317O0", limit=1)) == 1
    assert index.suggest("MSCU1234866", min_score=0.6) == []


def test_plain_iterables_and_originals_are_kept() -> None:
    found = suggest("MAEU2O3176301", (r for r in ["maeu 203176301"]))
    assert [s.value for s in found] == ["maeu 203176301"]


def test_index_size_and_membership(index: ReferenceIndex) -> None:
    assert len(index) == len(HELD) and "csqu3054383" in index and "CSQU3054384" not in index


def test_recovery_on_a_larger_held_set() -> None:
    """A seeded 5,000-reference set: every confusable or swap among containers is recovered."""
    rng = random.Random(7)
    held = []
    for _ in range(5_000):
        first_ten = "".join(rng.choices(string.ascii_uppercase, k=3)) + "U" + f"{rng.randrange(10**6):06d}"
        held.append(first_ten + container_check_digit(first_ten))
    index = ReferenceIndex(held)
    for meant in rng.sample(held, 200):
        k = rng.randrange(4, 10)
        swapped = meant[:k] + meant[k + 1] + meant[k] + meant[k + 2 :]
        if swapped != meant:
            assert index.suggest(swapped)[0].value == meant
        looks = meant.replace("0", "O", 1) if "0" in meant[4:] else meant.replace("1", "I", 1)
        if looks != meant:
            assert index.suggest(looks)[0].value == meant


def test_a_check_digit_zero_is_not_trusted() -> None:
    """EGHU8689630 passes only through remainder 10 written as 0, so its held neighbour is offered."""
    assert [s.value for s in suggest("EGHU8689630", ["EGHU6689630"], reference_type=ReferenceType.CONTAINER)] == [
        "EGHU6689630"
    ]
