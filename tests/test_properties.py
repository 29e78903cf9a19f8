"""Invariants of the pipeline, checked on generated input with hypothesis."""

from __future__ import annotations

import json
import statistics
from collections import Counter

import lxml.html
import pytest
from hypothesis import HealthCheck, Phase, assume, event, example, given, settings
from hypothesis import strategies as st

from reflow import Block, Document, convert, load_ruleset
from reflow.render import render
from reflow.stages import BREAK_PASSES
from reflow.width import display_width
from tests.strategies import Dump, Page, dumps, ends_sentence, pages, paragraphs
from tests.validators import assert_valid_tei

ZH = load_ruleset("zh-newspaper")
#: The pass-by-pass rules: the invariants of hard-wrapping (reflowing a wrapped text gives it back, and
#: converting the output again changes nothing) are theirs. The default's fitted weights keep them on
#: pages like the fitted ones but not on every generated column (see the strict xfails below).
PASSES = load_ruleset("zh-passes")


def body_texts(dump_text: str) -> list[str]:
    """The body paragraphs the pass-by-pass rules make of a dump (the xfails below name their passes)."""
    document = convert(dump_text, PASSES)
    return [block.text for article in document.articles for block in article.blocks]


def every_block(document: Document) -> list[Block]:
    """All blocks of a document: article heads and bodies, and the furniture set aside."""
    found: list[Block] = list(document.furniture)
    for article in document.articles:
        heads = (article.kicker, article.headline, article.subheadline, article.dateline, article.byline)
        found.extend(block for block in heads if block is not None)
        found.extend(article.blocks)
    return found


def unambiguous(dump: Dump) -> bool:
    """A full inner line that ends a sentence can only be told from a paragraph end by the column width
    of the region: require enough full lines that the width is known, and few such lines."""
    inner = [line for lines in dump.wrapped for line in lines[:-1]]
    finished = sum(1 for line in inner if ends_sentence(line))
    full = [line for line in inner if abs(display_width(line, ambiguous_wide=True) - dump.width) <= 2]
    if finished and not (len(full) >= 4 and finished * 4 <= len(inner)):
        return False
    # most full lines ending a sentence is what one-paragraph-per-line text looks like
    every = [line for lines in dump.wrapped for line in lines][:-1]
    wide = [line for line in every if display_width(line, ambiguous_wide=True) >= dump.width * 0.8]
    return not wide or sum(1 for line in wide if ends_sentence(line)) < 0.6 * len(wide)


def decided_by(document: Document) -> list[str]:
    """The break pass that decided each gap between two lines (the explain log's break and join edits;
    not the stitching of two articles)."""
    actions = ("break", "join", "heal-column-break")
    return [e.rule for e in document.edits if e.action in actions and not e.rule.startswith("articles.")]


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(dumps())
def test_wrap_invariance(dump: Dump) -> None:
    """Hard-wrapped paragraphs (with column breaks) reflow back to exactly the same paragraphs."""
    assume(unambiguous(dump))
    document = convert(dump.text, PASSES)
    for rule in sorted(set(decided_by(document))):
        event(rule)
    assert [block.text for article in document.articles for block in article.blocks] == dump.paragraphs


def test_generated_dumps_are_pages_not_snippets() -> None:
    """The generated dumps are the size of a column or a page, not a line or two (the old strategy's
    median was 105 characters, and 40% had fewer than 8 lines)."""
    sizes: list[int] = []
    lines: list[int] = []

    @settings(max_examples=150, derandomize=True, database=None, phases=[Phase.generate], deadline=None)
    @given(dumps())
    def measure(dump: Dump) -> None:
        sizes.append(len(dump.text))
        lines.append(dump.text.count("\n"))

    measure()
    assert statistics.median(sizes) >= 400
    assert statistics.median(lines) >= 20
    assert sum(1 for count in lines if count < 8) <= 0.25 * len(lines)


def test_every_break_pass_decides_some_generated_gap() -> None:
    """Each break pass decides gaps in the generated cases, so the properties reach every rule: the
    wrapped dumps, the pages with headline stacks and markers, and text set one paragraph per line.
    (test_wrap_invariance records the same as ``hypothesis.event``s: ``--hypothesis-show-statistics``.)"""
    seen: Counter[str] = Counter()

    @settings(max_examples=300, derandomize=True, database=None, phases=[Phase.generate], deadline=None)
    @given(dumps(), pages(), st.lists(paragraphs(), min_size=5, max_size=8))
    def collect(dump: Dump, page: Page, unwrapped: list[str]) -> None:
        for text in (dump.text, page.text, "\n".join(unwrapped) + "\n"):
            document = convert(text, PASSES)
            seen.update(decided_by(document))
            # every decision says why, in the explain log
            assert all(e.note.strip() for e in document.edits if e.rule.startswith("breaks.")), text

    collect()
    assert set(seen) == {*BREAK_PASSES, "breaks.continue"}, seen


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=0, max_size=400))
def test_no_silent_loss(text: str) -> None:
    """Every non-whitespace input character is in the output, or removed by an edit that says why."""
    document = convert(text, ZH)
    kept = [False] * len(document.source)
    for block in every_block(document):
        for piece in block.pieces:
            if piece.text == document.source[piece.start : piece.end]:
                for i in range(piece.start, piece.end):
                    kept[i] = True
    for edit in document.edits:
        if edit.rule and edit.removed:
            assert edit.removed == document.source[edit.start : edit.end]
            for i in range(edit.start, edit.end):
                kept[i] = True
    lost = [ch for ch, ok in zip(document.source, kept, strict=True) if not ok and not ch.isspace()]
    assert lost == []


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), dumps().map(lambda d: d.text)))
def test_no_block_is_duplicated(text: str) -> None:
    """Article splitting never duplicates text: every source character is in at most one block."""
    document = convert(text, ZH)
    owner: dict[int, int] = {}
    for number, block in enumerate(every_block(document)):
        for piece in block.pieces:
            if piece.text == document.source[piece.start : piece.end]:
                for i in range(piece.start, piece.end):
                    assert owner.setdefault(i, number) == number, f"offset {i} is in two blocks"


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(pages())
def test_markers_and_headlines_leave_the_body_unchanged(page: Page) -> None:
    """Adding a headline stack (before or after the body) and jump markers changes no body paragraph;
    the stack and the markers land in the article's fields.

    The body must be long enough to show its column width (six lines), as on any real page: a subtitle
    as wide as a tiny body's column could not be told from its first line.
    """
    dump = page.body
    assume(unambiguous(dump) and sum(len(lines) for lines in dump.wrapped) >= 6)
    document = convert(page.text, PASSES)
    assert [b.text for a in document.articles for b in a.blocks] == dump.paragraphs
    (article,) = document.articles
    assert article.headline is not None and article.headline.text == page.headline
    assert (article.subheadline.text if article.subheadline else None) == page.subtitle
    assert (article.continued_from, article.continues_on) == (page.continued_from, page.continues_on)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(paragraphs(), min_size=1, max_size=6))
def test_idempotence(paras: list[str]) -> None:
    """Converting the text output again changes nothing."""
    first = render(convert("\n".join(paras) + "\n", ZH), "text")
    second = render(convert(first, ZH), "text")
    assert second == first


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(dumps())
def test_idempotence_of_reflowed_dumps(dump: Dump) -> None:
    """Where the dump is unambiguous, converting the text output of a conversion changes nothing."""
    assume(unambiguous(dump))
    first = render(convert(dump.text, PASSES), "text")
    assert render(convert(first, PASSES), "text") == first


#: A generated dump (hypothesis, shrunk by hand to a short one) that the default's fitted weights misread:
#: the blank lines after full, unfinished lines are column breaks, the weights take two of them for
#: paragraph ends. 122 of 200 derandomized unambiguous dumps fail like this; zh-passes reads them all.
COLUMN_BROKEN = (
    "这中大为上！处的一是在\n——表间样《经十三之》你明看\n原又么利Q XYZabcd们生162%农\n"
    "指几九区强放《问意建月公无》\n\n任取据处的一是在不了。生到作\n地于出就分对成，级少，山统接\n\n"
    "知较将组见计别——的，一。\n\n在不了有和人这中大为？\n"
)


@pytest.mark.xfail(strict=True, reason="the fitted weights break paragraphs at column breaks of random text")
def test_wrap_invariance_under_the_default_weights() -> None:
    texts = [block.text for article in convert(COLUMN_BROKEN, ZH).articles for block in article.blocks]
    assert texts == [
        block.text for article in convert(COLUMN_BROKEN, PASSES).articles for block in article.blocks
    ]
    assert len(texts) == 2


@pytest.mark.xfail(strict=True, reason="the fitted weights break paragraphs at column breaks of random text")
def test_idempotence_under_the_default_weights() -> None:
    first = render(convert(COLUMN_BROKEN, ZH), "text")
    assert render(convert(first, ZH), "text") == first


@pytest.mark.xfail(
    strict=True,
    reason="a paragraph wrongly split after a tiny ambiguous column stays unfinished "
    "on its own line, and the second conversion joins it back",
)
def test_idempotence_after_a_wrong_split() -> None:
    first = render(convert("一一一“一\n\n一一”一一一。\n一“一”一一一\n\n一。\n", ZH), "text")
    assert render(convert(first, ZH), "text") == first


@example("\ud800")  # a lone surrogate once crashed OpenCC in the shadow copy
@example("中\udfff文\ud800")
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(),
        st.text(alphabet=st.characters(codec=None, categories=["Cc", "Cs", "Co", "Zs", "Lo", "Po"])),
        st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=5), st.integers(200, 3000)),
    )
)
def test_valid_output_for_any_input(text: str) -> None:
    """For any input, the TEI validates, the HTML parses and the JSON loads."""
    document = convert(text, ZH)
    assert_valid_tei(render(document, "tei"))
    lxml.html.document_fromstring(render(document, "html").encode("utf-8"))
    data = json.loads(render(document, "json"))
    assert isinstance(data["articles"], list)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(dumps())
def test_determinism(dump: Dump) -> None:
    """Same input, same rules: byte-identical output in every format."""
    for fmt in ("tei", "html", "json", "text"):
        assert render(convert(dump.text, ZH), fmt) == render(convert(dump.text, ZH), fmt)


@pytest.mark.xfail(
    strict=True,
    reason="found by the thorough profile: with many sentence ends at line ends, lines after them are "
    "taken for first lines and their indent correction makes the column look two characters wider, so a "
    "full line ending a sentence looks short",
)
def test_a_column_of_short_sentences_with_latin_words_keeps_its_paragraphs() -> None:
    text = (
        "一AAAAAAAAA一A AAAA一一一，一一\n\n一一AAAAAAA一一一一一。一一一一\n\n"
        "AAAAAA一一一一一AAA一一，一一一一。\n一“一”一一——一一一一一一，一一一\n\n"
        "一一一——一一一一一一。\n\n一AAAAAA一AAAAAAAAA一一一一，一\n\n"
        "一一一A AAAA一一一一一。一一一一\n\nAAAAA一一一一一AAAA一一，一一一一。\n"
        "一“一”一——一一一一一，一一一一一\n\n一。\n"
    )
    assert len(body_texts(text)) == 2


@pytest.mark.xfail(
    strict=True,
    reason="found by the new page strategy: a one-line paragraph whose indented line fills the column is "
    "followed by an indented line, and breaks.indent only breaks when the next line is indented more than "
    "this one; the strategy puts a blank line there (tests/strategies.py, dumps)",
)
def test_an_indented_one_line_paragraph_before_an_indented_paragraph_stays_apart() -> None:
    column = (
        "\u3000\u3000王毅表示，继出席联合国成立75周年系列高级别会议之后\n"
        "又一次在全球多边舞台上发出时代强音，提出了中国方案和\n"
        "中国智慧，得到了国际社会的高度评价和广泛认同啊啊。\n"
    )
    line = "习近平主席结合中国统筹疫情防控和经济社会发展的实践。"
    assert body_texts(column + "\u3000\u3000" + line + "\n" + column) == [
        body_texts(column)[0],
        line,
        body_texts(column)[0],
    ]
