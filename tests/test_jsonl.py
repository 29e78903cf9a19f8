"""Source alignment of the output: every output character's source offset, exact through normalisation."""

from __future__ import annotations

import bisect
import doctest
import itertools
import json
import re
import tomllib
import types
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reflow.pieces
import reflow.render.json
import reflow.render.jsonl
from reflow import RuleSet, convert, load_ruleset
from reflow.cli import main
from reflow.model import Document, Edit, Piece
from reflow.pieces import cut, expand_runs, offset_runs, offsets
from reflow.render import render
from reflow.scripts import convert_script
from tests.strategies import dumps

LATIN = load_ruleset("latin")
ZH = load_ruleset("zh-newspaper")


@pytest.mark.parametrize("module", [reflow.pieces, reflow.render, reflow.render.json, reflow.render.jsonl])
def test_doctests(module: types.ModuleType) -> None:
    assert doctest.testmod(module).failed == 0


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


# --- JSON Lines records, checked character by character against the source -------------------------

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "samples"
INPUTS = sorted(
    [(path, tomllib.loads((path.parent / "case.toml").read_text(encoding="utf-8"))["ruleset"])
     for path in (ROOT / "fixtures").glob("*/input*.txt")]
    + [(path, "zh-newspaper") for path in SHARED.glob("*.txt")]
    + [(path, "latin") for path in (SHARED / "en-ocr").glob("*.txt")]
)  # fmt: skip
INPUT_IDS = [f"{path.parent.name}/{path.name}" for path, _ in INPUTS]
LINE_JOIN_ROLES = {"kicker", "headline", "subheadline", "dateline", "byline", "heading", "paragraph"}


def records(document: Document, unit: str, ruleset: RuleSet | None = None) -> list[dict[str, Any]]:
    output = render(document, "jsonl", unit=unit, ruleset=ruleset)
    assert output == "" or output.endswith("\n")
    assert "\n\n" not in output
    return [json.loads(line) for line in output.splitlines()]


def text_objects(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The objects of a record that carry text and offsets: the record, or an article's stack and blocks."""
    return [*record["stack"], *record["blocks"]] if record["unit"] == "article" else [record]


class Checker:
    """Checks a text object's alignment with the source: copied characters are the source's, replaced
    ones lie inside an edit that put them there, inserted ones are exactly the pipeline's insertions."""

    def __init__(self, document: Document) -> None:
        self.source = document.source
        self.replacing: dict[int, list[Edit]] = {}
        for edit in document.edits:
            if edit.inserted and edit.end > edit.start:
                for offset in range(edit.start, edit.end):
                    self.replacing.setdefault(offset, []).append(edit)
        self.insertions = {(e.start, e.end, e.inserted) for e in document.edits if e.inserted}
        self.inserted_at = {
            (e.start, e.end): e.inserted for e in document.edits if e.inserted and e.end > e.start
        }
        self.newlines = [i for i, char in enumerate(self.source) if char == "\n"]
        self.checked = self.replaced = self.inserted = 0
        self.blocks: dict[str, tuple[str, list[int | None]]] = {}

    def __call__(self, item: dict[str, Any]) -> None:
        text, runs = item["text"], item["offsets"]
        # the runs tile the text in order
        assert all(length > 0 for _, _, length in runs)
        assert [out for out, _, _ in runs] == list(
            itertools.accumulate((length for _, _, length in runs[:-1]), initial=0)
        )[: len(runs)]
        assert sum(length for _, _, length in runs) == len(text)
        offsets = expand_runs(runs)
        mapped = [o for o in offsets if o is not None]
        assert text == "" or mapped, "a text with no source character"
        first, last = item["lines"]
        for char, offset in zip(text, offsets, strict=True):
            if offset is None:
                continue
            assert 0 <= offset < len(self.source)
            assert first <= bisect.bisect_left(self.newlines, offset) + 1 <= last, (item["block"], offset)
            self.checked += 1
            if self.source[offset] != char:
                edits = self.replacing.get(offset, [])
                assert any(char in edit.inserted for edit in edits), (
                    f"{item['block']}: {char!r} maps to {self.source[offset]!r} at {offset} without an edit"
                )
                self.replaced += 1
        if item.get("unit") == "sentence":
            # a sentence is a slice of its block, whose insertions were checked with the block
            block_text, block_offsets = self.blocks[item["block"]]
            start, end = item["in_block"]
            assert (text, offsets) == (block_text[start:end], block_offsets[start:end])
            return
        self.blocks[item["block"]] = (text, offsets)
        # and the converse: wherever the pipeline recorded an insertion between two characters, it is there
        positions = [i for i, offset in enumerate(offsets) if offset is not None]
        for i, j in itertools.pairwise(positions):
            left, right = offsets[i], offsets[j]
            assert left is not None and right is not None
            inserted = self.inserted_at.get((left + 1, right))
            if inserted is not None:
                assert text[i + 1 : j] == inserted, f"{item['block']}: {inserted!r} missing at output {i + 1}"
        for match in re.finditer(r"(?:\x00)+", "".join("\x00" if o is None else "." for o in offsets)):
            a, b = match.span()
            run = text[a:b]
            assert a > 0 and b < len(text), "inserted text at an end of a block"
            before, after = offsets[a - 1], offsets[b]
            assert before is not None and after is not None
            gap = self.source[before + 1 : after]
            recorded = (before + 1, after, run) in self.insertions
            # the spaces between the lines of a headline stack or subhead are inserted without an edit
            between_lines = run == " " and "\n" in gap and not gap.strip()
            assert recorded or (between_lines and item["role"] in LINE_JOIN_ROLES), (
                f"{item['block']}: {run!r} inserted at output {a} without an edit (source gap {gap!r})"
            )
            self.inserted += len(run)


def convert_input(path: Path, ruleset: str) -> Document:
    return convert(path.read_bytes(), ruleset, source_name=path.name)


@pytest.mark.parametrize(("path", "ruleset"), INPUTS, ids=INPUT_IDS)
def test_every_record_of_every_input_is_aligned_with_the_source(path: Path, ruleset: str) -> None:
    document = convert_input(path, ruleset)
    check = Checker(document)
    for unit in ("paragraph", "article", "sentence"):
        found = records(document, unit)
        assert found, unit
        for record in found:
            assert record["unit"] == unit and record["document"] == path.name
            for item in text_objects(record):
                check(item)
    assert check.checked > 1000


@pytest.mark.parametrize(("path", "ruleset"), INPUTS, ids=INPUT_IDS)
def test_the_units_say_the_same_text_three_ways(path: Path, ruleset: str) -> None:
    """Article parts are the paragraph records, in order; a block's sentences join back to it, and their
    offsets are its offsets cut where the sentences are."""
    document = convert_input(path, ruleset)
    articles = records(document, "article")
    paragraphs = records(document, "paragraph")
    sentences = records(document, "sentence")
    parts = [(a["article"], part) for a in articles for part in text_objects(a)]
    assert len(parts) == len(paragraphs)
    for (article, part), paragraph in zip(parts, paragraphs, strict=True):
        assert paragraph["article"] == article
        assert {key: paragraph[key] for key in part} == part
        assert paragraph["in_block"] == [0, len(paragraph["text"])] and paragraph["sentence"] is None
    by_block: dict[str, list[dict[str, Any]]] = {}
    for sentence in sentences:
        by_block.setdefault(sentence["block"], []).append(sentence)
    assert list(by_block) == [p["block"] for p in paragraphs]
    for paragraph in paragraphs:
        group = by_block[paragraph["block"]]
        assert "".join(s["text"] for s in group) == paragraph["text"]
        assert [s["sentence"] for s in group] == [
            f"{paragraph['block']}.s{n}" for n in range(1, len(group) + 1)
        ]
        whole = expand_runs(paragraph["offsets"])
        for sentence in group:
            start, end = sentence["in_block"]
            assert sentence["text"] == paragraph["text"][start:end]
            assert expand_runs(sentence["offsets"]) == whole[start:end]
            assert (
                paragraph["lines"][0] <= sentence["lines"][0] <= sentence["lines"][1] <= paragraph["lines"][1]
            )


def test_the_latin_pages_insert_spaces_and_the_checker_sees_them() -> None:
    """The English OCR pages join lines with spaces: each inserted space is one the join edits recorded."""
    pages = [path for path, ruleset in INPUTS if ruleset == "latin"]
    if not pages:
        pytest.skip(f"shared samples not found at {SHARED}")
    document = convert_input(pages[0], "latin")
    check = Checker(document)
    for record in records(document, "paragraph"):
        check(record)
    assert check.inserted > 100


def test_jump_pages_and_labels() -> None:
    document = convert_input(ROOT / "fixtures" / "zh-jump-multipage" / "input.txt", "zh-newspaper")
    (stitched, *_) = records(document, "article")
    assert stitched["page"] == 1 and stitched["page_label"] == "1"
    pages = {(part["page"], part["page_label"]) for part in text_objects(stitched)}
    assert pages == {(1, "1"), (2, "4")}  # the article goes on on the second page, printed page 4


def test_a_ligature_in_the_records() -> None:
    document = convert("The ﬁnal oﬃce of the\nCity was closed. It opened again.\n", LATIN)
    (record,) = records(document, "paragraph")
    assert record["text"] == "The final office of the City was closed. It opened again."
    # "The f" from 0-4, "inal of" from 4-10 (the ligature, then on), "f" from 10 again, "ice of the"
    # from 10-19, the inserted space, then the second line from 21
    assert record["offsets"] == [[0, 0, 5], [5, 4, 7], [12, 10, 1], [13, 10, 10], [23, None, 1], [24, 21, 33]]
    Checker(document)(record)
    first, second = records(document, "sentence")
    assert (first["text"], second["text"]) == (
        "The final office of the City was closed. ",
        "It opened again.",
    )
    assert second["offsets"] == [[0, document.source.index("It"), 16]]


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(dumps().map(lambda d: d.text), st.text(max_size=300)), st.sampled_from(["article", "sentence"])
)
def test_random_dumps_are_aligned(text: str, unit: str) -> None:
    document = convert(text, ZH)
    check = Checker(document)
    for record in records(document, "paragraph") + records(document, unit):
        for item in text_objects(record):
            check(item)


LATIN_WORDS = st.lists(
    st.sampled_from(["the", "ﬁnal", "oﬃce", "wa-", "ter", "City", "was", "closed.", "It"]),
    min_size=1,
    max_size=12,
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LATIN_WORDS.map(" ".join), min_size=1, max_size=8))
def test_random_latin_dumps_with_ligatures_and_hyphens_are_aligned(lines: list[str]) -> None:
    document = convert("\n".join(lines) + "\n", LATIN)
    check = Checker(document)
    for record in records(document, "paragraph") + records(document, "sentence"):
        check(record)


# --- through script conversion and the command line -------------------------------------------------


@pytest.mark.parametrize("config", ["s2twp", "s2t"])
def test_script_conversion_keeps_the_records_aligned(config: str) -> None:
    """Phrase conversions change lengths (内存 -> 記憶體): every character maps inside what it replaced."""
    page = ROOT / "fixtures" / "zh-daily-2020-11-23" / "input.txt"
    document = convert_script(convert_input(page, "zh-newspaper"), config)
    check = Checker(document)
    for record in records(document, "paragraph") + records(document, "sentence"):
        check(record)
    assert check.replaced > 100


def test_phrase_conversion_maps_first_to_first_and_last_to_last() -> None:
    document = convert_script(convert("鼠标和软件的内存都很重要。\n", ZH), "s2twp")
    (record,) = records(document, "paragraph")
    assert record["text"] == "滑鼠和軟體的記憶體都很重要。"
    pairs = [
        (c, document.source[o]) for c, o in zip(record["text"], expand_runs(record["offsets"]), strict=True)
    ]
    assert pairs[6:9] == [("記", "内"), ("憶", "内"), ("體", "存")]
    Checker(document)(record)


def test_the_command_line_writes_records(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.txt"
    page.write_text("新华社北京11月22日电 第一句。第二句！\n", encoding="utf-8")
    assert main(["convert", str(page), "--to", "jsonl", "--unit", "sentence"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["text"] for line in lines] == ["新华社北京11月22日电", "第一句。", "第二句！"]
    assert main(["convert", str(page), "--to", "jsonl"]) == 0
    (article,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert article["unit"] == "article" and [p["role"] for p in article["stack"]] == ["dateline"]


def test_unit_is_for_jsonl_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.txt"
    page.write_text("第一句。\n", encoding="utf-8")
    assert main(["convert", str(page), "--to", "tei", "--unit", "sentence"]) == 2
    assert capsys.readouterr().err == "reflow: error: --unit sentence is for --to jsonl\n"


def test_an_unknown_unit_is_refused() -> None:
    with pytest.raises(ValueError, match=r"'word'.*article, paragraph, sentence"):
        render(convert("第一句。\n", ZH), "jsonl", unit="word")


def fenced_blocks(markdown: str) -> list[tuple[str, str]]:
    """``(language, body)`` of every fenced code block, in order."""
    return [(m.group(1), m.group(2)) for m in re.finditer(r"^```(\w*)\n(.*?)^```$", markdown, re.M | re.S)]


def test_the_documented_example_is_what_reflow_writes() -> None:
    """docs/nlp.md and the README show real output: the example page's sentence records."""
    docs = (ROOT / "docs" / "nlp.md").read_text(encoding="utf-8")
    example = docs[docs.index("## An example") :]
    (_, page), (language, lines) = fenced_blocks(example)[:2]
    assert language == "json"
    document = convert(page, ZH, source_name="page.txt")
    expected = [json.loads(line) for line in lines.splitlines()]
    assert records(document, "sentence") == expected
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## NLP output and Python API") :]
    shown = next(body for language, body in fenced_blocks(section) if language == "json")
    assert json.loads(shown) == expected[2]
