"""``Scores.perfect`` and ``failing`` against hand-written cases whose only errors are *extras*.

Extras (a predicted heading, block, pair or character that the gold file does not have) show only in
precision: recall and the rates stay at 100%. A ``perfect`` that looked at recall or rates alone would
call these conversions the truth. Every expected number below is counted by hand from the case.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from reflow.evaluate import Overlap, Rate, Scores, score


def paragraph(text: str, first: int, last: int | None = None) -> dict[str, Any]:
    return {"type": "paragraph", "text": text, "lines": [first, first if last is None else last]}


def heading(text: str, line: int, level: int = 1) -> dict[str, Any]:
    return {"type": "heading", "level": level, "text": text, "lines": [line, line]}


GOLD: dict[str, Any] = {
    "articles": [
        {
            "headline": "标题",
            "dateline": "新华社北京11月22日电",
            "blocks": [paragraph("第一段。", 3, 4), paragraph("第二段。", 5), paragraph("第三段。", 6, 7)],
        },
        {"headline": "另一篇", "blocks": [paragraph("甲乙。", 10), paragraph("丙丁。", 11)]},
    ]
}


def predicted_from(edit: Any) -> dict[str, Any]:
    predicted = copy.deepcopy(GOLD)
    edit(predicted["articles"])
    return predicted


def test_the_truth_is_perfect() -> None:
    scores = score(GOLD, copy.deepcopy(GOLD))
    assert scores.perfect
    assert scores.failing() == []


def test_a_paragraph_made_a_heading_is_not_perfect() -> None:
    """Same lines, same text, same boundaries: only the heading count has an extra."""

    def make_heading(articles: list[dict[str, Any]]) -> None:
        articles[0]["blocks"][1] = heading("第二段。", 5)

    scores = score(GOLD, predicted_from(make_heading))
    assert scores.headings == Overlap(matched=0, gold=0, predicted=1)
    assert (scores.headings.recall, scores.headings.precision, scores.headings.f1) == (1.0, 0.0, 0.0)
    assert scores.boundaries.perfect and scores.exact.perfect and scores.characters.perfect
    assert scores.failing() == ["headings"]
    assert not scores.perfect


def test_an_extra_block_is_not_perfect() -> None:
    """A block on a line the truth leaves out (furniture taken for text): boundaries and characters."""

    def add(articles: list[dict[str, Any]]) -> None:
        articles[1]["blocks"].append(paragraph("第5版", 12))

    scores = score(GOLD, predicted_from(add))
    assert scores.boundaries == Overlap(matched=5, gold=5, predicted=6)
    assert scores.boundaries.recall == 1.0 and scores.boundaries.precision == 5 / 6
    # three characters more (第 5 版), none missing
    assert scores.characters.extra == 3 and scores.characters.missing == 0
    assert scores.exact == Rate(5, 5)
    assert scores.failing() == ["boundaries", "characters"]
    assert not scores.perfect


def test_two_articles_merged_into_one_is_not_perfect() -> None:
    """Every paragraph still shares its article with all of its gold article (B-cubed recall 100%), but
    its predicted article also holds the other article's paragraphs."""

    def merge(articles: list[dict[str, Any]]) -> None:
        articles[0]["blocks"].extend(articles.pop()["blocks"])

    scores = score(GOLD, predicted_from(merge))
    # B-cubed precision: the 3 paragraphs of the first article each find 3 of their 5 article-mates right,
    # the 2 of the second 2 of 5: (3 * 3/5 + 2 * 2/5) / 5 = 0.52
    assert scores.articles.recall == 1.0 and scores.articles.precision == pytest.approx(0.52)
    # the second gold article has no predicted article starting on its first line: its fields are wrong
    assert (
        scores.headline == Rate(1, 2)
        and scores.stack == Rate(1, 2)
        and scores.datelines == Rate(1, 2)
        and scores.jumps == Rate(1, 2)
    )
    assert not scores.perfect
    assert "articles" in scores.failing()


def test_extra_characters_in_a_headline_field_are_not_perfect() -> None:
    """A dateline given to an article that has none: characters only has extras; datelines is a rate."""

    def add(articles: list[dict[str, Any]]) -> None:
        articles[1]["dateline"] = "本报讯"

    scores = score(GOLD, predicted_from(add))
    assert scores.characters.extra == 3 and scores.characters.missing == 0
    assert scores.datelines == Rate(1, 2)
    assert scores.failing() == ["datelines", "characters"]
    assert not scores.perfect


def test_an_extra_article_without_blocks_is_not_perfect() -> None:
    """A headline-only article the truth does not have: its characters are the only trace."""

    def add(articles: list[dict[str, Any]]) -> None:
        articles.append({"headline": "多余的标题", "blocks": []})

    scores = score(GOLD, predicted_from(add))
    assert scores.characters == Overlap(matched=scores.characters.gold, gold=scores.characters.gold,
                                        predicted=scores.characters.gold + 5)  # fmt: skip
    assert scores.failing() == ["characters"]
    assert not scores.perfect


def test_sums_are_perfect_only_when_every_part_is() -> None:
    perfect = score(GOLD, copy.deepcopy(GOLD))

    def make_heading(articles: list[dict[str, Any]]) -> None:
        articles[1]["blocks"][0] = heading("甲乙。", 10, level=2)

    flawed = score(GOLD, predicted_from(make_heading))
    assert (perfect + perfect).perfect
    assert not (perfect + flawed).perfect
    assert (perfect + flawed).failing() == ["headings"]
    assert Scores().perfect  # nothing to count: nothing wrong
    assert not Overlap(0, 0, 1).perfect and not Rate(0, 1).perfect and Rate(0, 0).perfect
