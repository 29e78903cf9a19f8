"""The real samples the project was built on: what a reader of the printed page sees.

The shared samples live beside the repository (``../shared/samples``); the Chinese page is also the
fixture ``fixtures/zh-daily-2020-11-23`` (so these checks never skip), the English OCR pages are only
beside it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reflow import Document, convert, load_ruleset

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "fixtures" / "zh-daily-2020-11-23" / "input.txt"
EN_OCR = sorted((ROOT.parent / "shared" / "samples" / "en-ocr").glob("*.txt"))
COLUMN_BREAKS = [(79, 81), (161, 163), (241, 243), (292, 294), (333, 335), (364, 366), (390, 392),
                 (418, 420), (421, 423), (448, 450)]  # fmt: skip


def sample_document(ruleset: str = "zh-newspaper") -> Document:
    return convert(PAGE.read_text(encoding="utf-8"), load_ruleset(ruleset))


#: Both readings, pass by pass and the default's line-role decoder, read the sample as its reader does.
BOTH = pytest.mark.parametrize("ruleset", ["zh-passes", "zh-newspaper"])


@BOTH
def test_every_column_break_of_the_sample_is_healed(ruleset: str) -> None:
    document = sample_document(ruleset)
    healed = {(e.first_line, e.last_line) for e in document.edits if e.action == "heal-column-break"}
    assert set(COLUMN_BREAKS) <= healed
    blocks = [(b.first_line, b.last_line) for a in document.articles for b in a.blocks]
    for before, after in COLUMN_BREAKS:
        assert any(first <= before and after <= last for first, last in blocks), (before, after)


@BOTH
def test_paragraphs_not_separated_by_blank_lines_stay_apart_and_full_lines_ending_in_a_stop_go_on(
    ruleset: str,
) -> None:
    blocks = [(b.first_line, b.last_line) for a in sample_document(ruleset).articles for b in a.blocks]
    starts = {first for first, _last in blocks}
    assert {418, 448} <= starts  # 417/418 and 447/448 are two paragraphs each
    assert {177, 434}.isdisjoint(starts)  # 176 and 433 are full lines ending in 。 that continue


@pytest.mark.parametrize("ruleset", ["zh-passes", "zh-newspaper"])
def test_extraction_spaces_are_removed_and_nothing_is_glued(ruleset: str) -> None:
    texts = [b.text for a in sample_document(ruleset).articles for b in a.blocks]
    assert any(text.startswith("1-9月，全市网络零售额达938.4亿元") for text in texts)
    assert not any("  " in text for text in texts)


@pytest.mark.parametrize("ruleset", ["zh-passes", "zh-newspaper"])
def test_the_sample_has_the_articles_and_headlines_a_reader_sees(ruleset: str) -> None:
    first, second = sample_document(ruleset).articles
    assert first.headline is not None and first.headline.text == "拨开世界迷雾 奏响时代强音"
    assert second.headline is not None and second.headline.text == "“智”在必胜 高质量发展插上腾飞翅膀"
    assert first.subheadline is not None and first.subheadline.text.endswith(
        "二十国集团领导人第十五次峰会成果"
    )
    assert (first.continued_from, second.continued_from) == (None, "1")
    assert [b.text[:5] for b in second.blocks if b.kind == "heading"] == [
        "消费新引擎",
        "出口新引擎",
        "投资新引擎",
    ]


@BOTH
def test_the_sample_has_the_structure_a_reader_sees(ruleset: str) -> None:
    first, second = sample_document(ruleset).articles
    assert first.headline is not None and first.headline.text == "拨开世界迷雾 奏响时代强音"
    assert first.subheadline is not None and first.subheadline.text.startswith("——国务委员兼外交部长王毅谈")
    assert first.dateline is not None and first.dateline.text == "新华社北京11月22日电"
    assert [b.text[:2] for b in first.blocks if b.kind == "heading"] == [
        "一、",
        "二、",
        "三、",
        "四、",
        "五、",
        "六、",
    ]
    assert second.headline is not None and second.headline.text == "“智”在必胜 高质量发展插上腾飞翅膀"
    assert second.continued_from == "1"
    assert len([b for b in second.blocks if b.kind == "heading"]) == 3
    paragraphs = [b for a in (first, second) for b in a.blocks if b.kind == "paragraph"]
    assert len(paragraphs) == 59
    assert not any("上接" in b.text or "拨开世界迷雾" in b.text for b in paragraphs)


@pytest.mark.skipif(not EN_OCR, reason="the en-ocr samples are not beside the repository (../shared)")
@pytest.mark.parametrize("path", EN_OCR, ids=[p.stem for p in EN_OCR])
def test_english_ocr_lines_rejoin_with_single_spaces(path: Path) -> None:
    """Every line joined inside a paragraph gets exactly one space, or none after a line-end hyphen."""
    document = convert(path.read_text(encoding="utf-8"), load_ruleset("latin"))
    # headlines.inside joins two parts of an article across a stack: no line is joined there
    joins = [
        e
        for e in document.edits
        if e.action in ("join", "heal-column-break") and e.rule != "headlines.inside"
    ]
    assert joins
    for edit in joins:
        left = document.source[: edit.start].rstrip()[-1:]
        assert edit.inserted == " " or left in "-‐", (edit.first_line, edit.note)
    assert not any("  " in b.text for a in document.articles for b in a.blocks)
