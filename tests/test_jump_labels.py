"""Continuation markers through the real pipeline: the page label as printed, both directions, and the
stitching of jumped halves across pages whose labels are written differently (12 / 第12版, 04 / 4,
A12, 十二, 上/下).

Every case is a whole dump converted by :func:`reflow.convert`; the labels are read from the articles'
``continued_from``/``continues_on``, never re-extracted from the marker here.
"""

from __future__ import annotations

import pytest

from reflow import Document, convert, load_ruleset

ZH = load_ruleset("zh-newspaper")
LATIN = load_ruleset("latin")

# Two columns' worth of one paragraph cut mid-sentence by a jump (25 characters a line, lines filled).
BODY_1 = [
    "农业农村部种植业管理司负责人介绍，今年各地把稳",
    "定粮食播种面积作为春耕工作的首要任务，层层压实责",
    "任，将目标任务细化到县、落实到田块。从调度情况看",
    "，南方早稻意向种植面积比上年略有增加，东北地区玉",
]
BODY_2 = ["米、大豆种植结构保持稳定，主产区农民种粮积极性较", "高。"]
WHOLE = "".join(BODY_1 + BODY_2)


def jumps(document: Document) -> list[tuple[str | None, str | None]]:
    return [(article.continued_from, article.continues_on) for article in document.articles]


FROM_LINES = [
    ("（上接1版）", "1"),
    ("（上接12版）", "12"),
    ("（上接第12版）", "12"),
    ("（上接第123版）", "123"),
    ("（上接04版）", "04"),
    ("（上接A12版）", "A12"),
    ("（上接第A12版）", "A12"),
    ("（上接第十二版）", "十二"),
    ("（续第二十版）", "二十"),
    ("（接上版）", "上"),
    ("（上接第１２版）", "12"),  # full-width digits are repaired to ASCII (normalize) before structure
]
TO_LINES = [
    ("（下转第2版）", "2"),
    ("（下转第12版）", "12"),
    ("（下转12版）", "12"),
    ("（转第123版）", "123"),
    ("（下转第04版）", "04"),
    ("（下转A12版）", "A12"),
    ("（下转第十二版）", "十二"),
    ("（转下版）", "下"),
]


@pytest.mark.parametrize(("marker", "label"), FROM_LINES, ids=[m for m, _ in FROM_LINES])
def test_continued_from_a_marker_line(marker: str, label: str) -> None:
    document = convert(marker + "\n" + "\n".join(BODY_2) + "\n", ZH)
    assert jumps(document) == [(label, None)]
    assert [block.text for block in document.articles[0].blocks] == ["".join(BODY_2)]


@pytest.mark.parametrize(("marker", "label"), TO_LINES, ids=[m for m, _ in TO_LINES])
def test_continues_on_a_marker_line(marker: str, label: str) -> None:
    document = convert("\n".join(BODY_1) + "\n" + marker + "\n", ZH)
    assert jumps(document) == [(None, label)]
    assert [block.text for block in document.articles[0].blocks] == ["".join(BODY_1)]


@pytest.mark.parametrize(
    ("marker", "label"), [("（下转第12版）", "12"), ("（转A12版）", "A12"), ("（下转第十二版）", "十二")]
)
def test_continues_on_a_marker_glued_to_the_last_paragraph(marker: str, label: str) -> None:
    text = "\n".join(BODY_1[:-1]) + "\n" + "，南方早稻意向种植面积比上年略有增加。" + marker + "\n"
    document = convert(text, ZH)
    assert jumps(document) == [(None, label)]
    assert [block.text for block in document.articles[0].blocks] == [
        "".join(BODY_1[:-1]) + "，南方早稻意向种植面积比上年略有增加。"
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("(Continued from Page 12.)", ("12", None)),
        ("Continued from Page 123", ("123", None)),
        ("Continued From Page A12", ("A12", None)),
        ("Continued on Page A12", (None, "A12")),
        ("(Continued on Page 12, Column 5.)", (None, "12")),
        ("See TAXES, Page 104", (None, "104")),
    ],
)
def test_latin_markers(line: str, expected: tuple[str | None, str | None]) -> None:
    body = "The council met on Tuesday to vote on the new budget for the\nschools of the county."
    text = (line + "\n" + body if expected[0] else body + "\n" + line) + "\n"
    document = convert(text, LATIN)
    assert jumps(document) == [expected]
    assert [block.text for block in document.articles[0].blocks] == [
        "The council met on Tuesday to vote on the new budget for the schools of the county."
    ]


def two_pages(first_label: str, second_label: str, to_marker: str, from_marker: str) -> str:
    def page(label: str, lines: list[str]) -> str:
        return "\n".join([f"2024年3月5日 星期二 第{label}版 要闻", "", *lines]) + "\n"

    return page(first_label, [*BODY_1, to_marker]) + "\f" + page(second_label, [from_marker, *BODY_2])


STITCHED = [
    ("1", "12", "（下转第12版）", "（上接第1版）"),
    ("12", "13", "（下转13版）", "（上接12版）"),
    ("3", "4", "（下转第04版）", "（上接第03版）"),
    ("A1", "A12", "（下转A12版）", "（上接A1版）"),
    ("A2", "A12", "（下转第A12版）", "（上接第A02版）"),
    ("1", "12", "（下转第十二版）", "（上接第一版）"),
    ("10", "11", "（下转第十一版）", "（上接第十版）"),
    ("5", "6", "（转下版）", "（接上版）"),
]


@pytest.mark.parametrize(
    ("first", "second", "to", "back"), STITCHED, ids=[f"{t}{b}" for _, _, t, b in STITCHED]
)
def test_jumped_halves_on_pages_with_these_labels_are_stitched(
    first: str, second: str, to: str, back: str
) -> None:
    """The cut paragraph goes on across the jump; the stitched article has no open jump left."""
    document = convert(two_pages(first, second, to, back), ZH)
    assert jumps(document) == [(None, None)]
    assert [block.text for block in document.articles[0].blocks] == [WHOLE]
    assert [e.action for e in document.edits if e.rule == "articles.stitch"] == ["join", "stitch"]


NOT_STITCHED = [
    ("1", "12", "（下转第13版）", "（上接第1版）", ("1", "13")),  # the jump names another page
    ("1", "12", "（下转第12版）", "（上接第2版）", ("2", "12")),  # the way back names another page
    ("1", "12", "（下转第1版）", "（上接第1版）", ("1", "1")),  # the first digit of 12 is not 12
    ("A1", "A12", "（下转A1版）", "（上接A1版）", ("A1", "A1")),
    ("1", "12", "（下转第十版）", "（上接第一版）", ("一", "十")),
]


@pytest.mark.parametrize(("first", "second", "to", "back", "open_jumps"), NOT_STITCHED)
def test_halves_whose_labels_disagree_stay_apart(
    first: str, second: str, to: str, back: str, open_jumps: tuple[str, str]
) -> None:
    document = convert(two_pages(first, second, to, back), ZH)
    assert jumps(document) == [(None, open_jumps[1]), (open_jumps[0], None)]
    assert [[b.text for b in a.blocks] for a in document.articles] == [["".join(BODY_1)], ["".join(BODY_2)]]
    assert not [e for e in document.edits if e.rule == "articles.stitch"]


def test_halves_on_pages_that_print_no_number_are_stitched() -> None:
    """The running head names the paper only, so no page label is known: the jump (to page 8) and the way
    back (from page 5) are taken at their word for a later page, and the text chooses the halves."""

    def page(lines: list[str]) -> str:
        return "\n".join(["北辰时报", "", *lines]) + "\n"

    text = page([*BODY_1, "（下转第八版）"]) + "\f" + page(["（续第5版）", *BODY_2])
    document = convert(text, ZH)
    assert document.page_labels == ()
    assert jumps(document) == [(None, None)]
    assert [block.text for block in document.articles[0].blocks] == [WHOLE]
    # a label the dump does print still has to agree
    labelled = (
        page([*BODY_1, "（下转第八版）"])
        + "\f"
        + "\n".join(["2024年3月5日 星期二 第9版 要闻", "", "（续第5版）", *BODY_2])
        + "\n"
    )
    assert jumps(convert(labelled, ZH)) == [(None, "八"), ("5", None)]


def test_the_next_page_form_needs_the_next_page() -> None:
    """（转下版）/（接上版） join only halves on consecutive pages: not across a page between them."""
    page_between = (
        "2024年3月5日 星期二 第6版 要闻\n\n"
        + "另一篇文章的正文，写满了一整行还没有结束啊啊啊\n在这一行结束。\n"
    )
    text = two_pages("5", "7", "（转下版）", "（接上版）")
    first, second = text.split("\f")
    document = convert(first + "\f" + page_between + "\f" + second, ZH)
    assert (None, "下") in jumps(document) and ("上", None) in jumps(document)
    assert not [e for e in document.edits if e.rule == "articles.stitch"]
