"""The pure parts of tools/make_corpus.py (no reportlab, TeX or pdftotext needed) and the committed slice."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

from reflow.evaluate import gold_problems

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from corpus import gold, plan, sources, stories  # noqa: E402

SLICE = ROOT / "corpus" / "slice" / "dev"


def pieces_of(*items: tuple[str, str, str, tuple[int, int] | None]) -> list[gold.Piece]:
    return [gold.Piece(text, role, 1, flow, owner) for text, role, flow, owner in items]


def test_every_dump_line_is_found_in_reading_order() -> None:
    pieces = pieces_of(
        ("江南晨报", "furniture", "head", None),
        ("今日要闻", "headline", "a", None),
        ("新华社北京3月4日电　记者4日获悉，首批线路开通。", "para", "a", (0, 0)),
        ("据介绍，线路总长约42公里。", "para", "a", (0, 1)),
    )
    dump = "江南晨报\n\n今日要闻\n新华社北京3月4日电 记者4日获悉，\n首批线路开通。\n"
    dump += "据介绍，线路总长约 42 公里。\n\f"
    where = gold.assign(dump, pieces)
    assert where == [0, None, 1, 2, 2, 3, None]
    roles = gold.line_roles(dump, pieces, where)
    assert roles == ["furniture", "blank", "headline", "para_start", "para_cont", "para_start", "blank"]
    assert gold.block_lines(pieces, where) == {(0, 0): [4, 5], (0, 1): [6]}
    pages = gold.dump_pages(dump.split("\n"))
    assert gold.interleaved(pieces, where, pages) is None


def test_lines_printed_out_of_order_are_found_and_marked_interleaved() -> None:
    pieces = pieces_of(
        ("第一段的第一行第一段的第二行", "para", "a", (0, 0)),
        ("另一篇文章", "para", "b", (1, 0)),
    )
    dump = "第一段的第二行\n另一篇文章\n第一段的第一行\n"
    where = gold.assign(dump, pieces)
    assert where == [0, 1, 0, None]
    assert gold.line_roles(dump, pieces, where)[:3] == ["para_cont", "para_start", "para_start"]
    reason = gold.interleaved(pieces, where, gold.dump_pages(dump.split("\n")))
    assert reason is not None and "inside the block" in reason


def test_a_line_nobody_printed_fails_loudly() -> None:
    pieces = pieces_of(("正文一行", "para", "a", (0, 0)))
    with pytest.raises(gold.MatchError, match="belongs to nothing printed"):
        gold.assign("正文一行\n多出来的一行\n", pieces)
    with pytest.raises(gold.MatchError, match="not found in the dump"):
        gold.assign("正文\n", pieces)


def test_pieces_are_matched_per_page() -> None:
    pieces = [gold.Piece("第4版 要闻", "furniture", 2, "h2"), gold.Piece("第4版 要闻", "furniture", 1, "h1")]
    where = gold.assign("第4版 要闻\n\f第4版 要闻\n\f", pieces)
    assert where == [1, 0, None]


def test_fold_ignores_spaces_and_extraction_forms() -> None:
    assert gold.fold("〔記者王小明∕台北報導〕 24∶00") == gold.fold("〔記者王小明／台北報導〕24:00")


def test_nanna_markdown_becomes_items_without_links_tables_or_toc() -> None:
    text = "\n".join(
        [
            "# 南哪消息 2024-10-08",
            "",
            '-   <a href="#活动预告" id="toc-活动预告"><strong>活动预告</strong></a>',
            "",
            "# **活动预告**",
            "",
            "## 讲座",
            "",
            "| 往期讲座 | 日期 |",
            "|:--:|:--:|",
            "| 《作为批评的文学史》 | 9.29 |",
            "",
            "主讲人：王某，[南京大学](https://www.nju.edu.cn)教授  ",
            "时间：10 月 9 日 16:00  ",
            "详见：<https://mp.weixin.qq.com/s/x>",
            "",
            "1、担任课程主讲",
            "2、准备课件",
        ]
    )
    doc = sources.parse_nanna(text, "2024-10-08")
    assert [s.title for s in doc.sections] == ["活动预告"]
    item = doc.sections[0].items[0]
    assert item.title == "讲座"
    assert item.paras == (
        "主讲人：王某，南京大学教授",
        "时间：10月9日16:00",
        "1、担任课程主讲",
        "2、准备课件",
    )


def test_documents_go_to_one_split_and_the_sample_to_train() -> None:
    ids = [f"2024-10-{n:02d}" for n in range(1, 41)]
    first = plan.split_documents(ids, 7)
    assert first == plan.split_documents(list(reversed(ids)), 7)
    assert first["zh-daily-2020-11-23"] == "train"
    assert set(first.values()) == {"train", "dev", "test"}


def test_held_out_families_only_in_test_and_every_dimension_value_in_train() -> None:
    plans = plan.make_plans(600, 200, 11)
    assert plans == plan.make_plans(600, 200, 11)
    for p in plans:
        if plan.held_out(p.engine, p.columns, p.headline):
            assert p.split == "test", p
    train = [p for p in plans if p.split == "train"]
    for attribute in ("engine", "columns", "headline", "setting", "script"):
        assert {getattr(p, attribute) for p in train} == {getattr(p, attribute) for p in plans}, attribute
    assert any(p.split == "test" and plan.held_out(p.engine, p.columns, p.headline) for p in plans)


def test_grammar_datelines_name_the_same_people_in_print_and_truth() -> None:
    grammar = stories.Grammar.load(random.Random(3))
    for _ in range(200):
        printed, dateline, byline, _own_line = grammar.dateline()
        assert dateline is not None
        assert dateline in printed
        if byline:
            assert byline in printed


def test_a_story_converts_to_traditional_script_everywhere() -> None:
    import opencc

    story = stories.Story(
        "a",
        "高质量发展",
        (stories.Block("paragraph", "这是发展。", lead="本报讯（记者 张伟）"),),
        kicker="聚焦",
    )
    converted = stories.convert_story(story, opencc.OpenCC("s2tw").convert)
    assert converted.headline == "高質量發展"
    assert converted.body[0].lead == "本報訊（記者 張偉）"
    assert converted.body[0].text == "這是發展。"


def slice_cases() -> list[Path]:
    return sorted(p for p in SLICE.iterdir() if (p / "expected.json").exists()) if SLICE.exists() else []


@pytest.mark.parametrize("case", slice_cases(), ids=lambda p: p.name)
def test_slice_case_is_consistent_gold(case: Path) -> None:
    data = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    assert gold_problems(data) == []
    lines = (case / "input.txt").read_text(encoding="utf-8").split("\n")
    roles = data["line_roles"]
    assert len(roles) == len(lines)
    assert set(roles) <= set(gold.ROLES)
    for line, role in zip(lines, roles, strict=True):
        assert (role == "blank") == (not gold.fold(line)), (line, role)
    for article in data["articles"]:
        for block in article["blocks"]:
            first, last = block["lines"]
            wanted = {"heading"} if block["type"] == "heading" else {"para_start", "para_cont"}
            assert roles[first - 1] in wanted and roles[last - 1] in wanted, (case.name, block["lines"])
    assert (case / "case.toml").exists()


def test_the_slice_is_there() -> None:
    cases = slice_cases()
    assert len(cases) >= 20
    engines = {
        (case / "case.toml").read_text(encoding="utf-8").split('engine = "')[1].split('"')[0]
        for case in cases
    }
    assert engines == {"reportlab", "xelatex"}


def test_the_prose_articles_parse_and_go_to_every_split_by_document() -> None:
    """The news articles written for the corpus (tools/corpus/prose/, prose-2/) have headlines and
    paragraphs, never repeat a paragraph, and are split by article apart from the notices, so dev and test
    see news."""
    batches = [sources.load_prose(ROOT / "tools" / "corpus" / name) for name in ("prose", "prose-2")]
    assert [len(batch) >= 30 for batch in batches] == [True, True]
    articles = [a for batch in batches for a in batch]
    assert all(a.headline and any(kind == "paragraph" for kind, _ in a.body) for a in articles)
    texts = [text for a in articles for _, text in a.body]
    assert len(texts) == len(set(texts))
    splits = plan.split_documents(["2024-10-01", "2024-10-02"], 5, [[a.doc_id for a in b] for b in batches])
    assert [{splits[a.doc_id] for a in batch} for batch in batches] == [{"train", "dev", "test"}] * 2


def test_a_later_batch_of_prose_moves_no_article_of_an_earlier_one() -> None:
    """Each batch of prose articles is split on its own: adding one keeps the dev and test articles of
    the batches before it where they were (they stay unseen by every fit)."""
    first = [f"a-{k:02}" for k in range(20)]
    alone = plan.split_documents([], 3, [first])
    both = plan.split_documents([], 3, [first, [f"b-{k:02}" for k in range(20)]])
    assert {doc: both[doc] for doc in first} == {doc: alone[doc] for doc in first}
    assert {both[f"b-{k:02}"] for k in range(20)} == {"train", "dev", "test"}


def test_a_prose_file_that_is_not_in_the_format_is_refused() -> None:
    with pytest.raises(ValueError, match="not a 引题/主题/副题 line"):
        sources.parse_prose("标题：新桥通车\n\n大桥今天通车。\n", "x")
    with pytest.raises(ValueError, match="no paragraph"):
        sources.parse_prose("主题：新桥通车\n\n## 工期\n", "x")


def test_news_pages_are_a_share_of_every_split_and_leave_the_other_choices_alone() -> None:
    plans = plan.make_plans(600, 200, 11)
    for split in ("train", "dev", "test"):
        contents = {p.content for p in plans if p.split == split}
        assert {"news", "notices"} <= contents, split
    assert all((p.content == "digest") == p.digest for p in plans)


def test_half_the_digests_set_item_titles_in_the_body_size() -> None:
    """Titles in the body's size are printed by pdftotext in the flow of the text under them (no blank
    line), the way the real digests glue them to their first paragraph."""
    from corpus import tex

    plans = plan.make_plans(0, 400, 11)
    digests = [p for p in plans if p.digest]
    body = [p for p in digests if tex.body_size_titles(p)]
    assert 0.3 < len(body) / len(digests) < 0.7
    assert not any(tex.body_size_titles(p) for p in plans if not p.digest)
    assert "\\normalsize" in tex.digest_titles(body[0])
    assert tex.digest_titles(next(p for p in plans if not p.digest)) == ""
    assert tex.digest_titles(next(p for p in digests if not tex.body_size_titles(p))) == ""
