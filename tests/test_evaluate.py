"""``reflow eval`` and ``reflow gold``: every fixture scores 100%, each metric's arithmetic, gold files.

The metrics are defined in docs/evaluation.md; the small hand-made cases below check each one on a
difference a person can count.
"""

from __future__ import annotations

import copy
import doctest
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import reflow.evaluate
from reflow.cli import DEFAULT_RULESET, main
from reflow.evaluate import (
    BCubed,
    Overlap,
    Rate,
    Scores,
    find_cases,
    gold_problems,
    page_means,
    projection,
    score,
)
from reflow.goldalign import ROLES
from tests import test_fixtures

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GOLD_FOLDERS = sorted(path for path in FIXTURES.iterdir() if (path / "expected.json").is_file())
CASES = find_cases([str(path) for path in GOLD_FOLDERS], DEFAULT_RULESET)


def paragraph(first: int, last: int, text: str = "") -> dict[str, Any]:
    return {"type": "paragraph", "text": text or f"p{first}", "lines": [first, last]}


def heading(first: int, last: int, level: int = 1, text: str = "") -> dict[str, Any]:
    return {"type": "heading", "level": level, "text": text or f"h{first}", "lines": [first, last]}


def article(*blocks: dict[str, Any], **fields: str | None) -> dict[str, Any]:
    return {**fields, "blocks": list(blocks)}


def document(*articles: dict[str, Any]) -> dict[str, Any]:
    return {"articles": list(articles)}


# --- The fixtures ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[Path(case.name).name for case in CASES])
def test_every_fixture_scores_100_percent(case: reflow.evaluate.GoldCase) -> None:
    if case.xfail:
        pytest.skip(f"known failure (case.toml xfail): {case.xfail}")
    [(_, scores)] = reflow.evaluate.evaluate([case])
    failing = {name: getattr(scores, name) for name in scores.failing()}
    assert scores.perfect, f"{case.name}: below 100% on {failing}"


def test_eval_command_over_all_fixtures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", *(case.name for case in CASES), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [entry["gold"] for entry in report["files"]] == [case.name for case in CASES]
    total = report["total"]["scores"]
    assert total["boundaries"]["gold"] == sum(e["scores"]["boundaries"]["gold"] for e in report["files"])
    assert all(entry["perfect"] or case.xfail for entry, case in zip(report["files"], CASES, strict=True))


def test_eval_text_table_has_a_row_per_file_and_a_total(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(FIXTURES)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["gold", "bnd-P", "bnd-R", "bnd-F1"]
    rows = lines[1 : len(CASES) + 3]
    assert [row.split()[0] for row in rows] == [*(case.name for case in CASES), "TOTAL", "MEAN"]
    assert rows[-2].split()[1:] == ["100.0"] * 11 + ["0/0"]
    assert rows[-1].split()[1:] == ["100.0"] * 11 + ["0.0/0.0"]


def test_projection_drops_offsets_and_projects_to_itself() -> None:
    data = json.loads(test_fixtures.converted(FIXTURES / "zh-daily-2020-11-23", "json"))
    projected = projection(data)
    assert list(projected) == ["articles"]
    assert all("spans" not in block for article in projected["articles"] for block in article["blocks"])
    assert projection(projected) == projected
    expected = json.loads((FIXTURES / "zh-daily-2020-11-23" / "expected.json").read_text(encoding="utf-8"))
    assert projection(expected) == expected  # expected.json is exactly a projection, keys in order


def test_doctests() -> None:
    assert doctest.testmod(reflow.evaluate).failed == 0


# --- Each metric on hand-made cases ---------------------------------------------------------------------

GOLD = document(
    article(paragraph(1, 2, "甲乙"), paragraph(3, 3, "丙"), paragraph(4, 5, "丁戊"), headline="标题"),
)


def test_one_missed_boundary_is_recall_two_thirds() -> None:
    merged = document(article(paragraph(1, 3, "甲乙丙"), paragraph(4, 5, "丁戊"), headline="标题"))
    scores = score(GOLD, merged)
    assert scores.boundaries == Overlap(matched=2, gold=3, predicted=2)
    assert scores.boundaries.recall == pytest.approx(2 / 3)
    assert scores.boundaries.precision == 1.0
    assert scores.boundaries.f1 == pytest.approx(0.8)
    assert scores.exact == Rate(correct=1, gold=3)  # only 丁戊 has the same start and text
    assert scores.characters.perfect  # no character lost or added
    assert scores.headline.perfect and scores.articles.perfect


def test_one_extra_boundary_is_precision_three_quarters() -> None:
    split = document(
        article(paragraph(1, 1, "甲"), paragraph(2, 2, "乙"), paragraph(3, 3, "丙"), paragraph(4, 5, "丁戊"))
    )
    scores = score(GOLD, split)
    assert scores.boundaries == Overlap(matched=3, gold=3, predicted=4)
    assert scores.boundaries.precision == 0.75
    assert scores.exact == Rate(2, 3)


SOURCE = "一二三四五六七八九十\n甲乙丙丁戊己庚辛壬癸\n"


def blocks_of(*texts: str) -> dict[str, Any]:
    return document(article(*(paragraph(1, 2, text) for text in texts)))


@pytest.mark.parametrize(
    ("cut", "matched"),
    [
        ("一二三四五六七八九十甲乙丙|丁戊己庚辛壬癸", 2),  # one character early
        ("一二三四五六七八九十甲乙丙丁|戊己庚辛壬癸", 2),  # one character late
        ("一二三四五六七八九十甲|乙丙丁戊己庚辛壬癸", 1),  # two early: a miss and an extra
        ("一二三四五六七八九十甲乙丙丁戊|己庚辛壬癸", 1),
    ],
)
def test_a_boundary_counts_within_one_character(cut: str, matched: int) -> None:
    gold = blocks_of("一二三四五六七八九十甲乙丙", "丁戊己庚辛壬癸")  # the boundary is before 丁
    predicted = blocks_of(*cut.split("|"))
    for source in (SOURCE, None):  # on the source, or on the gold text when there is none
        assert score(gold, predicted, source).boundaries == Overlap(matched, 2, 2)


def test_boundaries_need_no_lines_and_follow_interleaved_text() -> None:
    source = "甲文第一段开头\n乙文插在中间的一段。\n甲文第一段结尾。\n甲文第二段。\n"
    gold = {
        "articles": [
            {"blocks": [{"type": "paragraph", "text": "甲文第一段开头甲文第一段结尾。"}]},
            {"blocks": [{"type": "paragraph", "text": "乙文插在中间的一段。"}]},
        ]
    }
    gold["articles"][0]["blocks"].append({"type": "paragraph", "text": "甲文第二段。"})
    # A conversion that stitched A's first paragraph around B (spans), as reflow's JSON has it
    predicted = document(
        article(paragraph(1, 3, "甲文第一段开头甲文第一段结尾。"), paragraph(4, 4, "甲文第二段。")),
        article(paragraph(2, 2, "乙文插在中间的一段。")),
    )
    predicted["articles"][0]["blocks"][0]["spans"] = [[0, 7], [19, 27]]
    predicted["articles"][0]["blocks"][1]["spans"] = [[28, 34]]
    predicted["articles"][1]["blocks"][0]["spans"] = [[8, 18]]
    assert score(gold, predicted, source).perfect
    # The same blocks split at the wrong place: A's text cut where B starts
    wrong = copy.deepcopy(predicted)
    wrong["articles"][0]["blocks"][0].update(text="甲文第一段开头", spans=[[0, 7]])
    wrong["articles"][0]["blocks"].insert(1, {**paragraph(3, 3, "甲文第一段结尾。"), "spans": [[19, 27]]})
    scores = score(gold, wrong, source)
    assert scores.boundaries == Overlap(3, 3, 4)
    assert scores.exact == Rate(2, 3)


def test_boundaries_are_positions_over_all_articles() -> None:
    gold = document(article(paragraph(1, 1), heading(2, 2)), article(paragraph(4, 4)))
    # The same blocks, other articles: boundaries do not care where articles split.
    predicted = document(article(paragraph(1, 1)), article(heading(2, 2), paragraph(4, 4)))
    assert score(gold, predicted).boundaries.perfect
    assert not score(gold, predicted).articles.perfect


def test_headings_match_by_place_and_level() -> None:
    gold = document(article(heading(1, 1, 1), paragraph(2, 3), heading(4, 5, 1), paragraph(6, 6)))
    predicted = document(article(heading(1, 1, 2), paragraph(2, 3), heading(4, 5, 1), paragraph(6, 6)))
    assert score(gold, predicted).headings == Overlap(matched=1, gold=2, predicted=2)
    as_paragraph = document(article(paragraph(1, 1, "h1"), paragraph(2, 3), heading(4, 5), paragraph(6, 6)))
    scores = score(gold, as_paragraph)
    assert scores.headings == Overlap(matched=1, gold=2, predicted=1)
    assert scores.exact.perfect  # same place and text: the type is the headings metric's business
    assert scores.headings.recall == 0.5 and scores.headings.precision == 1.0


def test_headline_and_stack_of_aligned_articles() -> None:
    gold = document(
        article(paragraph(1, 2, "第一篇正文。"), headline="甲", kicker="引"),
        article(paragraph(5, 6, "第二篇正文。"), headline="乙", subheadline="——副"),
        article(paragraph(8, 8, "第三篇开头。"), paragraph(9, 9, "第三篇正文。"), headline="丙"),
    )
    predicted = document(
        article(paragraph(1, 2, "第一篇正文。"), headline="引", subheadline="甲"),  # same stack, other roles
        article(paragraph(5, 6, "第二篇正文。"), headline="乙"),  # subheadline missing
        article(paragraph(8, 8, "第三篇开头。")),  # an article of its own ...
        article(paragraph(9, 9, "第三篇正文。"), headline="丙"),  # ... this one starts elsewhere: not aligned
    )
    scores = score(gold, predicted)
    assert scores.headline == Rate(correct=1, gold=3)  # 乙
    assert scores.stack == Rate(correct=1, gold=3)  # 引 + 甲
    assert scores.datelines == Rate(correct=3, gold=3)  # all null in both
    spaced = document(article(paragraph(1, 2, "第一篇正文。"), headline=" 甲 ", kicker="引"))
    assert score(document(gold["articles"][0]), spaced).headline.perfect  # whitespace is trimmed


def test_datelines_and_jumps_of_aligned_articles() -> None:
    gold = document(
        article(paragraph(1, 2, "一段。"), dateline="新华社北京电", byline="记者 甲", continues_on="4"),
        article(paragraph(5, 6, "二段。"), continued_from="1"),
    )
    predicted = document(
        article(paragraph(1, 2, "一段。"), dateline="新华社北京电", byline=None, continues_on="4"),
        article(paragraph(5, 6, "二段。"), continued_from="1"),
    )
    scores = score(gold, predicted)
    assert scores.datelines == Rate(1, 2)
    assert scores.jumps == Rate(2, 2)
    predicted["articles"][1]["continued_from"] = None
    assert score(gold, predicted).jumps == Rate(1, 2)


def four(*groups: int) -> dict[str, Any]:
    """Paragraphs p1..p4 in articles of the sizes given."""
    articles, line = [], 1
    for size in groups:
        articles.append(article(*(paragraph(n, n) for n in range(line, line + size))))
        line += size
    return document(*articles)


@pytest.mark.parametrize(
    ("gold", "predicted", "precision", "recall"),
    [
        ((4,), (2, 2), 1.0, 0.5),  # one article of four read as two of two
        ((2, 2), (4,), 0.5, 1.0),  # and the other way round
        ((3, 1), (2, 2), 0.75, 2 / 3),  # p1 p2: 1, 2/3; p3: 1/2, 1/3; p4: 1/2, 1
        ((1, 1, 1, 1), (4,), 0.25, 1.0),
        ((4,), (1, 1, 1, 1), 1.0, 0.25),
        ((2, 2), (2, 2), 1.0, 1.0),
    ],
)
def test_article_split_is_b_cubed_over_paragraphs(
    gold: tuple[int, ...], predicted: tuple[int, ...], precision: float, recall: float
) -> None:
    scores = score(four(*gold), four(*predicted)).articles
    assert (scores.precision, scores.recall) == (pytest.approx(precision), pytest.approx(recall))
    assert scores.f1 == pytest.approx(2 * precision * recall / (precision + recall))
    assert scores.items == 4


def test_article_split_follows_paragraphs_into_other_blocks() -> None:
    # Gold paragraphs are found in the predicted block that holds their first character.
    gold = document(article(paragraph(1, 1), paragraph(2, 2)), article(paragraph(3, 3), paragraph(4, 4)))
    merged_blocks = document(article(paragraph(1, 2, "p1p2")), article(paragraph(3, 4, "p3p4")))
    assert score(gold, merged_blocks).articles.perfect
    # A paragraph no predicted block holds is a cluster of its own.
    lost = document(article(paragraph(1, 1), paragraph(2, 2)), article(paragraph(3, 3)))
    assert score(gold, lost).articles == BCubed(precision_sum=4.0, recall_sum=3.0, items=4)


def test_characters_missing_and_extra() -> None:
    predicted = document(
        article(paragraph(1, 2, "甲 乙"), paragraph(3, 3, "丙丙"), paragraph(4, 5, "丁"), headline="标 题")
    )
    scores = score(GOLD, predicted)
    # Whitespace does not count; 戊 is missing, one 丙 extra.
    assert (scores.characters.missing, scores.characters.extra) == (1, 1)
    assert scores.characters == Overlap(matched=6, gold=7, predicted=7)


def test_empty_documents_are_perfect_and_nothing_predicted_is_zero() -> None:
    assert score(document(), document()).perfect
    nothing = score(GOLD, document())
    assert nothing.boundaries.f1 == 0.0 and nothing.boundaries.precision == 1.0
    assert nothing.headline == Rate(0, 1)


def test_totals_are_micro_averages() -> None:
    one = Scores(boundaries=Overlap(2, 3, 2))
    two = Scores(boundaries=Overlap(10, 10, 10))
    total = one + two
    assert total.boundaries == Overlap(12, 13, 12)
    assert total.boundaries.recall == pytest.approx(12 / 13)
    assert sum([one, two], Scores()) == total
    assert (BCubed(1.0, 0.5, 2) + BCubed(3.0, 3.0, 3)) == BCubed(4.0, 3.5, 5)


def test_page_means_leave_out_pages_a_metric_does_not_apply_to() -> None:
    small = Scores(boundaries=Overlap(1, 2, 2), headings=Overlap(0, 0, 0))
    big = Scores(boundaries=Overlap(100, 100, 100), headings=Overlap(1, 2, 1))
    means = page_means([small, big])
    assert means["bnd-R"] == pytest.approx((0.5 + 1.0) / 2)  # the micro total would be 101/102
    assert means["hdg-F1"] == pytest.approx(2 / 3)  # only the big page has headings
    assert means["jumps"] is None  # no page has articles
    assert (small + big).boundaries.recall == pytest.approx(101 / 102)


def test_below_100_percent_still_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = FIXTURES / "zh-headlines-first"
    gold = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    wrong = copy.deepcopy(gold)
    wrong["articles"][0]["headline"] = "ΩΨΦΞ"  # no character of the page
    (tmp_path / "page.json").write_text(json.dumps(wrong, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "page.txt").write_bytes((case / "input.txt").read_bytes())
    assert main(["eval", str(tmp_path / "page.json"), "--format", "json"]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    scores = report["files"][0]["scores"]
    assert scores["headline"] == {"correct": 2, "gold": 3, "rate": pytest.approx(2 / 3)}
    assert scores["stack"]["correct"] == 2
    headline = gold["articles"][0]["headline"].replace(" ", "")
    assert (scores["characters"]["missing"], scores["characters"]["extra"]) == (4, len(headline))
    assert report["mean"]["scores"]["headl"] == pytest.approx(2 / 3) and report["mean"]["pages"] == 1
    # the headline is not in the source: reported on stderr, scored as missed
    assert "articles[0].headline: not found in the source" in captured.err


# --- Gold without lines, --min, skipped folders --------------------------------------------------------


def fixture_copy(tmp_path: Path, name: str, drop_lines: bool = True) -> Path:
    folder = tmp_path / name
    shutil.copytree(FIXTURES / name, folder)
    if drop_lines:
        gold = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        for entry in gold["articles"]:
            for block in entry["blocks"]:
                del block["lines"]
        (folder / "expected.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    return folder


def test_gold_without_lines_scores_like_the_hand_checked_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folders = [str(fixture_copy(tmp_path, case.name)) for case in FIXTURES.iterdir() if case in GOLD_FOLDERS]
    assert main(["eval", *folders, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["total"]["perfect"] and all(entry["problems"] == [] for entry in report["files"])


def test_gold_with_line_roles_is_a_gold_file() -> None:
    gold = json.loads((FIXTURES / "zh-hant-page" / "expected.json").read_text(encoding="utf-8"))
    gold["line_roles"] = ["furniture", "blank", "headline"]
    assert gold_problems(gold) == []
    gold["line_roles"] = ["furniture", "title"]
    assert gold_problems(gold) == [f"line_roles[1]: expected one of {', '.join(ROLES)}, got 'title'"]
    bare = {"articles": [{"blocks": [{"type": "paragraph", "text": "x"}]}]}
    assert gold_problems(bare, lines_required=False) == []
    assert gold_problems(bare)[0].startswith("articles[0].blocks[0].lines: expected [first, last]")


def test_min_floors_pass_fail_and_name_the_metric(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hant = str(FIXTURES / "zh-hant-page")
    assert main(["eval", hant, "--min", "bnd-F1=1", "--min", "art-B3=100%", "--min", "exact=99.9"]) == 0
    assert capsys.readouterr().err == ""
    folder = fixture_copy(tmp_path, "zh-hant-page", drop_lines=False)
    gold = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    first, second = gold["articles"][0]["blocks"][:2]
    first["text"] += second["text"]  # the gold merges two paragraphs: one predicted boundary too many
    first["lines"][1] = second["lines"][1]
    del gold["articles"][0]["blocks"][1]
    (folder / "expected.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    assert main(["eval", str(folder), "--min", "bnd-F1=0.99", "--min", "chr-F1=0.99"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        line for line in err if line.startswith("reflow eval: bnd-F1 ") and "below its floor 99%" in line
    ]
    assert {line.split()[3] for line in err} == {"total", "page"}
    assert main(["eval", str(folder), "--min", "bnd-F1=0.9"]) == 0


@pytest.mark.parametrize(
    ("floor", "message"),
    [
        ("bnd-f1=0.9", "unknown metric 'bnd-f1' (did you mean 'bnd-F1'?)"),
        ("nothing=1", "use one of bnd-P, bnd-R, bnd-F1"),
        ("bnd-F1", "expected METRIC=VALUE"),
        ("bnd-F1=high", "expected METRIC=VALUE"),
        ("bnd-F1=120", "VALUE from 0 to 1"),
    ],
)
def test_bad_floors_are_usage_errors(capsys: pytest.CaptureFixture[str], floor: str, message: str) -> None:
    assert main(["eval", str(FIXTURES / "zh-hant-page"), "--min", floor]) == 2
    err = capsys.readouterr().err
    assert err.startswith("reflow: error: --min ") and message in err and len(err.splitlines()) == 1


def test_folders_without_gold_are_skipped_with_a_note(capsys: pytest.CaptureFixture[str]) -> None:
    every = sorted(str(path) for path in FIXTURES.iterdir() if path.is_dir())
    assert main(["eval", *every]) == 0  # what README's `reflow eval fixtures/*` does
    captured = capsys.readouterr()
    skipped = [path for path in every if Path(path) not in GOLD_FOLDERS]
    assert skipped, "the encoding fixtures have no expected.json"
    assert captured.err.splitlines() == [
        f"reflow eval: skipped {path}: no expected.json (not a gold case)" for path in skipped
    ]
    assert [row.split()[0] for row in captured.out.splitlines()[1 : len(CASES) + 1]] == [
        c.name for c in CASES
    ]


# --- reflow gold ----------------------------------------------------------------------------------------


def test_gold_writes_a_projection_that_eval_finds_perfect(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = FIXTURES / "zh-jump-multipage"
    out = tmp_path / "golds" / "jump.json"
    out.parent.mkdir()
    assert main(["gold", str(case / "input.txt"), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    gold = json.loads(text)
    assert list(gold) == ["ruleset", "source", "articles"]
    assert gold["ruleset"] == "zh-newspaper"
    assert (out.parent / gold["source"]).resolve() == (case / "input.txt").resolve()
    assert gold["articles"] == json.loads((case / "expected.json").read_text(encoding="utf-8"))["articles"]
    assert text.startswith('{\n "ruleset"') and "\\u" not in text  # indent=1, not ASCII-escaped
    capsys.readouterr()
    assert main(["eval", str(out), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"]["perfect"]


def test_gold_records_a_rule_file_relative_to_the_gold_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "rules" / "mine.toml"
    rules.parent.mkdir()
    rules.write_text('[ruleset]\nname = "mine"\nextends = "zh-newspaper"\n', encoding="utf-8")
    source = tmp_path / "page.txt"
    source.write_bytes((FIXTURES / "zh-hant-page" / "input.txt").read_bytes())
    out = tmp_path / "gold" / "page.json"
    out.parent.mkdir()
    assert main(["gold", str(source), "-r", str(rules), "-o", str(out)]) == 0
    gold = json.loads(out.read_text(encoding="utf-8"))
    assert (gold["ruleset"], gold["source"]) == ("../rules/mine.toml", "../page.txt")
    assert main(["eval", str(out)]) == 0
    assert "TOTAL" in capsys.readouterr().out


def test_gold_on_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    source = str(FIXTURES / "zh-hant-page" / "input.txt")
    assert main(["gold", source]) == 0
    gold = json.loads(capsys.readouterr().out)
    assert gold["source"] == source
    assert len(gold["articles"]) == 2


def test_gold_file_finds_its_input_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = FIXTURES / "zh-hant-page"
    (tmp_path / "hant.json").write_bytes((case / "expected.json").read_bytes())  # no "source" key
    (tmp_path / "hant.txt").write_bytes((case / "input.txt").read_bytes())
    assert main(["eval", "-r", "zh-passes", str(tmp_path / "hant.json")]) == 0
    assert capsys.readouterr().out.splitlines()[2].split()[1:-1] == ["100.0"] * 11


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not valid JSON (line 1 column 2"),
        ('{"articles": [{"blocks": [{"type": "para", "text": "x", "lines": [1, 1]}]}]}', "blocks[0].type"),
        ('{"articles": [{"blocks": [{"type": "heading", "text": "x", "lines": [1, 1]}]}]}', "needs a level"),
        ('{"articles": 3}', "articles: expected a list"),
    ],
)
def test_broken_gold_files_are_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    (tmp_path / "g.json").write_text(content, encoding="utf-8")
    (tmp_path / "g.txt").write_text("一行。\n", encoding="utf-8")
    assert main(["eval", str(tmp_path / "g.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("reflow: error: ") and message in err and len(err.splitlines()) == 1


def test_gold_without_input_says_where_it_looked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "g.json").write_text('{"source": "missing.txt", "articles": []}', encoding="utf-8")
    assert main(["eval", str(tmp_path / "g.json")]) == 2
    err = capsys.readouterr().err
    assert "missing.txt" in err and "g.txt" in err and '"source"' in err


def test_eval_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(tmp_path / "nothing")]) == 2
    assert "no such gold file or fixture folder" in capsys.readouterr().err
    assert main(["eval", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "skipped" in err and "reflow: error: no gold case to score" in err
    assert main(["eval", str(FIXTURES / "zh-hant-page"), "-r", "no-such-rules"]) == 2
    assert capsys.readouterr().err.startswith("reflow: error: ")


def test_headline_outcomes_tell_apart_what_became_of_each_title() -> None:
    """headline_outcomes takes the headl metric apart: right, another article's title, a piece of its
    own, none, only spaces wrong, and an article no predicted article starts where it does."""
    from reflow.evaluate import HEADLINE_OUTCOMES, headline_outcomes

    source = "甲文一。\n\n乙文二。\n\n丙文三。\n\n丁文四。\n\n戊文五。\n\n己文六。\n"
    texts = ["甲文一。", "乙文二。", "丙文三。", "丁文四。", "戊文五。", "己文六。"]
    wanted = ["标题一", "标题二", "两个 短语", "第四个标题", "标题五", "标题六"]
    got = ["标题一", "标题一", "两个短语", "第四", None]
    gold = {
        "articles": [
            {"headline": h, "blocks": [{"type": "paragraph", "text": t, "lines": [2 * k + 1, 2 * k + 1]}]}
            for k, (h, t) in enumerate(zip(wanted, texts, strict=True))
        ]
    }
    predicted = {
        "articles": [
            {"headline": h, "blocks": [{"type": "paragraph", "text": t}]}
            for h, t in zip(got, [*texts[:4], "戊文五。己文六。"], strict=True)
        ]
    }
    outcomes = headline_outcomes(gold, predicted, source)
    assert set(outcomes) <= set(HEADLINE_OUTCOMES)
    assert outcomes == {
        "right": 1,
        "another title": 1,
        "spaces": 1,
        "part of it": 1,
        "none": 1,
        "not aligned": 1,
    }
