"""``reflow eval`` and ``reflow gold``: every fixture scores 100%, each metric's arithmetic, gold files.

The metrics are defined in docs/review.md; the small hand-made cases below check each one on a
difference a person can count.
"""

from __future__ import annotations

import copy
import doctest
import json
from pathlib import Path
from typing import Any

import pytest

import reflow.evaluate
from reflow.cli import DEFAULT_RULESET, main
from reflow.evaluate import Overlap, Rate, Scores, find_cases, projection, score
from tests import test_fixtures

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CASES = find_cases(
    [str(path) for path in sorted(FIXTURES.iterdir()) if (path / "expected.json").is_file()], DEFAULT_RULESET
)


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
    rows = lines[1 : len(CASES) + 2]
    assert [row.split()[0] for row in rows] == [*(case.name for case in CASES), "TOTAL"]
    assert rows[-1].split()[1:] == ["100.0"] * 10 + ["0/0"]


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
    assert scores.exact == Rate(correct=1, gold=3)  # only 丁戊 has the same lines and text
    assert scores.characters.perfect  # no character lost or added
    assert scores.headlines.perfect and scores.articles.perfect


def test_one_extra_boundary_is_precision_three_quarters() -> None:
    split = document(
        article(paragraph(1, 1, "甲"), paragraph(2, 2, "乙"), paragraph(3, 3, "丙"), paragraph(4, 5, "丁戊"))
    )
    scores = score(GOLD, split)
    assert scores.boundaries == Overlap(matched=3, gold=3, predicted=4)
    assert scores.boundaries.precision == 0.75
    assert scores.exact == Rate(2, 3)


def test_boundaries_are_a_set_of_lines_over_all_articles() -> None:
    gold = document(article(paragraph(1, 1), heading(2, 2)), article(paragraph(4, 4)))
    # The same blocks, other articles: boundaries do not care where articles split.
    predicted = document(article(paragraph(1, 1)), article(heading(2, 2), paragraph(4, 4)))
    assert score(gold, predicted).boundaries.perfect
    assert not score(gold, predicted).articles.perfect


def test_headings_match_by_lines_and_level() -> None:
    gold = document(article(heading(1, 1, 1), paragraph(2, 3), heading(4, 5, 1), paragraph(6, 6)))
    predicted = document(article(heading(1, 1, 2), paragraph(2, 3), heading(4, 5, 1), paragraph(6, 6)))
    assert score(gold, predicted).headings == Overlap(matched=1, gold=2, predicted=2)
    as_paragraph = document(article(paragraph(1, 1, "h1"), paragraph(2, 3), heading(4, 5), paragraph(6, 6)))
    scores = score(gold, as_paragraph)
    assert scores.headings == Overlap(matched=1, gold=2, predicted=1)
    assert scores.exact.perfect  # same lines and text: the type is the headings metric's business
    assert scores.headings.recall == 0.5 and scores.headings.precision == 1.0


def test_headline_accuracy_aligns_articles_by_their_first_body_line() -> None:
    gold = document(
        article(paragraph(1, 2), headline="甲", kicker="引"),
        article(paragraph(5, 6), headline="乙", subheadline="——副"),
        article(paragraph(9, 9), headline="丙"),
    )
    predicted = document(
        article(paragraph(1, 2), headline="甲", kicker="引"),  # right
        article(paragraph(5, 6), headline="乙"),  # subheadline missing
        article(paragraph(8, 9), headline="丙"),  # starts on another line: not aligned
    )
    scores = score(gold, predicted)
    assert scores.headlines == Rate(correct=1, gold=3)
    assert scores.datelines == Rate(correct=2, gold=3)  # all null, but the third is not aligned


def test_datelines_and_jumps_of_aligned_articles() -> None:
    gold = document(
        article(paragraph(1, 2), dateline="新华社北京电", byline="记者 甲", continues_on="4"),
        article(paragraph(5, 6), continued_from="1"),
    )
    predicted = document(
        article(paragraph(1, 2), dateline="新华社北京电", byline=None, continues_on="4"),
        article(paragraph(5, 6), continued_from="1"),
    )
    scores = score(gold, predicted)
    assert scores.datelines == Rate(1, 2)
    assert scores.jumps == Rate(2, 2)
    predicted["articles"][1]["continued_from"] = None
    assert score(gold, predicted).jumps == Rate(1, 2)


def test_article_split_counts_pairs_of_paragraphs() -> None:
    gold = document(article(paragraph(1, 1), paragraph(2, 2), paragraph(3, 3), paragraph(4, 4)))
    # One article of four paragraphs (6 pairs) predicted as two of two (2 pairs, both right).
    halves = document(article(paragraph(1, 1), paragraph(2, 2)), article(paragraph(3, 3), paragraph(4, 4)))
    assert score(gold, halves).articles == Overlap(matched=2, gold=6, predicted=2)
    # ... and the other way round: 2 gold pairs, 6 predicted.
    assert score(halves, gold).articles == Overlap(matched=2, gold=2, predicted=6)
    assert score(halves, gold).articles.precision == pytest.approx(1 / 3)


def test_article_split_follows_paragraphs_into_other_blocks() -> None:
    # Gold paragraphs are found in the predicted block that covers their first line.
    gold = document(article(paragraph(1, 1), paragraph(2, 2)), article(paragraph(3, 3), paragraph(4, 4)))
    merged_blocks = document(article(paragraph(1, 2)), article(paragraph(3, 4)))
    assert score(gold, merged_blocks).articles.perfect
    # A stitched paragraph [1, 6] does not swallow the narrower blocks of another article printed inside it.
    gold = document(article(paragraph(1, 6), paragraph(7, 7)), article(paragraph(3, 3), paragraph(4, 4)))
    assert score(gold, gold).articles == Overlap(2, 2, 2)


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
    assert nothing.headlines == Rate(0, 1)


def test_totals_are_micro_averages() -> None:
    one = Scores(boundaries=Overlap(2, 3, 2))
    two = Scores(boundaries=Overlap(10, 10, 10))
    total = one + two
    assert total.boundaries == Overlap(12, 13, 12)
    assert total.boundaries.recall == pytest.approx(12 / 13)
    assert sum([one, two], Scores()) == total


def test_below_100_percent_still_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = FIXTURES / "zh-headlines-first"
    gold = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    wrong = copy.deepcopy(gold)
    wrong["articles"][0]["headline"] = "ΩΨΦΞ"  # no character of the page
    (tmp_path / "page.json").write_text(json.dumps(wrong, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "page.txt").write_bytes((case / "input.txt").read_bytes())
    assert main(["eval", str(tmp_path / "page.json"), "--format", "json"]) == 0
    scores = json.loads(capsys.readouterr().out)["files"][0]["scores"]
    assert scores["headlines"] == {"correct": 2, "gold": 3, "rate": pytest.approx(2 / 3)}
    headline = gold["articles"][0]["headline"].replace(" ", "")
    assert (scores["characters"]["missing"], scores["characters"]["extra"]) == (4, len(headline))


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
    assert main(["eval", str(tmp_path / "hant.json")]) == 0
    assert capsys.readouterr().out.splitlines()[2].split()[1:-1] == ["100.0"] * 10


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
    assert "not a fixture folder" in capsys.readouterr().err
    assert main(["eval", str(FIXTURES / "zh-hant-page"), "-r", "no-such-rules"]) == 2
    assert capsys.readouterr().err.startswith("reflow: error: ")
