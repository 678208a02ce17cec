"""Pure Merkle maths and signed notes: RFC 9162 vectors, naive comparison, rejection of bad proofs."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harbourlink.ledger.domain import (
    CompactRange,
    consistency_ranges,
    decompose,
    fold,
    leaf_hash,
    path_ranges,
)
from harbourlink.ledger.notes import NoteSigner, checkpoint_text
from harbourlink_verify import (
    SIG_COSIGNATURE,
    VerificationError,
    Vkey,
    compute_key_id,
    cosignature_time,
    split_note,
    verify_consistency,
    verify_inclusion,
    verify_note,
)
from tests.ledger.conftest import mth, naive_path, naive_subproof

# transparency-dev/merkle testonly/constants.go, as ../shared/docs/ledger.md §9 gives them
VECTOR_LEAVES = [
    bytes.fromhex(h)
    for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f")
]
VECTOR_ROOTS = {
    0: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7"
    "Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)


def _tree(leaves: list[bytes]) -> tuple[CompactRange, dict[tuple[int, int], bytes]]:
    """Appends leaves as the store does, keeping every perfect node."""
    compact, nodes = CompactRange(), {}
    for index, data in enumerate(leaves):
        digest = leaf_hash(data)
        nodes[(0, index)] = digest
        nodes.update({(level, i): h for level, i, h in compact.append(digest)})
    return compact, nodes


def _proof(nodes: dict[tuple[int, int], bytes], ranges: list[tuple[int, int]]) -> list[bytes]:
    return [fold([nodes[address] for address in decompose(a, b)]) for a, b in ranges]


@pytest.mark.parametrize("size", sorted(VECTOR_ROOTS))
def test_transparency_dev_vectors(size: int) -> None:
    compact, _ = _tree(VECTOR_LEAVES[:size])
    assert compact.root().hex() == VECTOR_ROOTS[size] == mth(VECTOR_LEAVES[:size]).hex()


@settings(max_examples=60, deadline=None)
@given(size=st.integers(min_value=1, max_value=300), data=st.data())
def test_stored_nodes_match_the_naive_tree(size: int, data: st.DataObject) -> None:
    leaves = [index.to_bytes(4, "big") for index in range(size)]
    compact, nodes = _tree(leaves)
    assert compact.root() == mth(leaves)
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    path = _proof(nodes, path_ranges(index, size))
    assert path == naive_path(index, leaves)
    verify_inclusion(index, size, leaf_hash(leaves[index]), path, compact.root())
    old = data.draw(st.integers(min_value=1, max_value=size))
    proof = _proof(nodes, consistency_ranges(old, size))
    assert proof == (naive_subproof(old, leaves) if old < size else [])
    verify_consistency(old, size, mth(leaves[:old]), compact.root(), proof)


def _fixture(size: int = 13, index: int = 6) -> tuple[list[bytes], list[bytes], bytes]:
    leaves = [bytes([i]) for i in range(size)]
    return leaves, naive_path(index, leaves), mth(leaves)


def test_inclusion_proofs_of_wrong_length_index_or_leaf_are_rejected() -> None:
    leaves, path, root = _fixture()
    verify_inclusion(6, 13, leaf_hash(leaves[6]), path, root)
    bad = {
        "too short": (6, 13, leaf_hash(leaves[6]), path[:-1]),
        "too long": (6, 13, leaf_hash(leaves[6]), [*path, path[0]]),
        "wrong index": (7, 13, leaf_hash(leaves[6]), path),
        "index outside": (13, 13, leaf_hash(leaves[6]), path),
        "wrong leaf": (6, 13, leaf_hash(leaves[5]), path),
        "raw leaf not hashed": (6, 13, leaves[6], path),
        "wrong size": (6, 7, leaf_hash(leaves[6]), path),
        "tampered hash": (6, 13, leaf_hash(leaves[6]), [path[0], bytes(32), *path[2:]]),
    }
    accepted = []
    for case, (index, size, leaf, proof) in bad.items():
        try:
            verify_inclusion(index, size, leaf, proof, root)
            accepted.append(case)
        except VerificationError:
            pass
    assert accepted == []


def test_consistency_proofs_that_do_not_fit_are_rejected() -> None:
    leaves = [bytes([i]) for i in range(20)]
    proof = naive_subproof(7, leaves)
    verify_consistency(7, 20, mth(leaves[:7]), mth(leaves), proof)
    with pytest.raises(VerificationError):
        verify_consistency(7, 20, mth(leaves[:7]), mth(leaves), proof[:-1])
    with pytest.raises(VerificationError):
        verify_consistency(7, 20, mth(leaves[:6]), mth(leaves), proof)
    forked = [*leaves[:3], b"forged", *leaves[4:]]
    with pytest.raises(VerificationError):
        verify_consistency(7, 20, mth(forked[:7]), mth(leaves), proof)
    with pytest.raises(VerificationError):
        verify_consistency(0, 20, mth([]), mth(leaves), proof)
    with pytest.raises(VerificationError):
        verify_consistency(20, 20, mth(leaves), mth(forked), [])
    verify_consistency(0, 20, mth([]), mth(leaves), [])


def test_signed_note_example_of_the_spec() -> None:
    vkey = Vkey.parse(SPEC_VKEY)
    assert vkey.key_id.hex() == "530d903a" == compute_key_id(vkey.name, 1, vkey.public_key).hex()
    assert str(vkey) == SPEC_VKEY
    assert verify_note(SPEC_NOTE, vkey) == "This is an example message.\n"
    with pytest.raises(VerificationError):
        verify_note(SPEC_NOTE.replace("example message", "example massage"), vkey)


def test_checkpoint_signatures_and_cosignatures_round_trip() -> None:
    log = NoteSigner.from_seed("harbourlink.example/ledger/v1", bytes(range(32)))
    text = checkpoint_text(log.name, 8, bytes.fromhex(VECTOR_ROOTS[8]))
    assert text == f"harbourlink.example/ledger/v1\n8\n{base64.b64encode(bytes.fromhex(VECTOR_ROOTS[8])).decode()}\n"
    note = log.sign_note(text)
    assert verify_note(note, Vkey.parse(str(log.vkey))) == text
    other = NoteSigner.from_seed("harbourlink.example/ledger/v1", bytes(32))
    with pytest.raises(VerificationError):  # same name, another key: not ours, so "not signed by"
        verify_note(note, other.vkey)
    witness = NoteSigner.from_seed("witness.example", bytes(range(1, 33)), sig_type=SIG_COSIGNATURE)
    name, blob = split_note(f"{text}\n{witness.cosign(text, 1_700_000_000)}")[1][0]
    assert cosignature_time(witness.vkey, text, name, blob) == 1_700_000_000
    with pytest.raises(VerificationError):
        cosignature_time(witness.vkey, text.replace("\n8\n", "\n9\n"), name, blob)
