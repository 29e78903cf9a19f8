"""Source alignment of the output: every output character's source offset, exact through normalisation."""

from __future__ import annotations

import doctest

import pytest

import reflow.pieces
from reflow import convert, load_ruleset
from reflow.model import Document, Piece
from reflow.pieces import cut, expand_runs, offset_runs, offsets

LATIN = load_ruleset("latin")
ZH = load_ruleset("zh-newspaper")


def test_doctests() -> None:
    assert doctest.testmod(reflow.pieces).failed == 0


# --- the alignment rule ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("piece", "expected"),
    [
        (Piece("abc", 10, 13), [10, 11, 12]),  # copied: one for one
        (Piece(" ", 13, 13), [None]),  # inserted
        (Piece("fi", 4, 5), [4, 4]),  # one source character, two output characters
        (Piece("ffi", 4, 5), [4, 4, 4]),
        (Piece("記憶體", 20, 22), [20, 20, 21]),  # first to first, last to last
        (Piece("滑鼠", 30, 32), [30, 31]),  # same length: one for one
        (Piece("x", 7, 10), [7]),  # shorter than its span: the span start
        (Piece("abcd", 0, 3), [0, 0, 1, 2]),
    ],
)
def test_each_output_character_maps_inside_the_span_of_its_piece(piece: Piece, expected: list[int]) -> None:
    assert list(offsets([piece])) == expected
    assert all(o is None or piece.start <= o < piece.end for o in expected)


def test_runs_are_the_offsets_compressed_and_tile_the_text() -> None:
    pieces = [
        Piece("The ", 0, 4),
        Piece("fi", 4, 5),
        Piece("nal", 5, 8),
        Piece(" ", 8, 8),
        Piece("cut", 9, 12),
    ]
    runs = offset_runs(pieces)
    assert runs == [(0, 0, 5), (5, 4, 4), (9, None, 1), (10, 9, 3)]
    assert expand_runs(runs) == list(offsets(pieces))
    assert [r[0] for r in runs] == [0, *(r[0] + r[2] for r in runs[:-1])]
    assert sum(r[2] for r in runs) == len("".join(p.text for p in pieces))


def test_cutting_keeps_every_offset() -> None:
    pieces = (Piece("ab", 0, 2), Piece("ffi", 2, 3), Piece("cd", 3, 5), Piece(" ", 5, 5), Piece("e", 6, 7))
    whole = offsets(pieces)
    for start in range(len(whole)):
        for end in range(start + 1, len(whole) + 1):
            assert offsets(cut(pieces, start, end)) == whole[start:end]


# --- ligatures: exact through a normalisation that changes the length ------------------------------


def mapped(document: Document, text: str, pieces: tuple[Piece, ...]) -> list[tuple[str, str | None]]:
    return [
        (char, None if o is None else document.source[o])
        for char, o in zip(text, offsets(pieces), strict=True)
    ]


def test_a_ligature_maps_both_its_letters_to_itself() -> None:
    document = convert("The ﬁnal oﬃce of the\nCity.\n", LATIN)
    (block,) = document.articles[0].blocks
    assert block.text == "The final office of the City."
    pairs = mapped(document, block.text, block.pieces)
    assert pairs[4:6] == [("f", "ﬁ"), ("i", "ﬁ")]
    assert pairs[11:14] == [("f", "ﬃ"), ("f", "ﬃ"), ("i", "ﬃ")]
    assert pairs[6] == ("n", "n") and pairs[14] == ("c", "c")
    assert pairs[23] == (" ", None)  # the space that joins the two lines
    assert pairs[24:] == [(c, c) for c in "City."]


def test_a_run_of_ligatures_is_aligned_ligature_by_ligature() -> None:
    """``ﬁﬃ`` is one match of the rule: its translation ``fiffi`` is cut per ligature, not spread evenly."""
    document = convert("The ﬁﬃ and ﬂﬀ words are made up, but they are printed here.\n", LATIN)
    (block,) = document.articles[0].blocks
    assert block.text.startswith("The fiffi and flff words")
    sources = [s for _, s in mapped(document, block.text, block.pieces)]
    assert sources[4:9] == [*"ﬁﬁﬃﬃﬃ"] and sources[14:18] == [*"ﬂﬂﬀﬀ"]
    ligatures = [edit for edit in document.edits if edit.rule == "normalize.ligatures"]
    assert [(e.removed, e.inserted) for e in ligatures] == [
        ("ﬁ", "fi"),
        ("ﬃ", "ffi"),
        ("ﬂ", "fl"),
        ("ﬀ", "ff"),
    ]


def test_same_length_repairs_stay_one_edit_per_run() -> None:
    document = convert("２０２０年１１月，全市网络零售额稳步增长。\n", ZH)
    (block,) = document.articles[0].blocks
    assert block.text == "2020年11月，全市网络零售额稳步增长。"
    assert list(offsets(block.pieces)) == list(range(len(block.text)))
    repairs = [(e.removed, e.inserted) for e in document.edits if e.rule == "normalize.fullwidth_alnum"]
    assert repairs == [("２０２０", "2020"), ("１１", "11")]
