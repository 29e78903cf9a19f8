"""``reflow diff --against``: two conversions compared block by block and article by article.

End-to-end cases run :func:`reflow.cli.main` on the shared sample fixture with two rule sets; the
hand-made cases check each kind of change on documents small enough to read.
"""

from __future__ import annotations

import doctest
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import reflow.compare
from reflow.cli import main
from reflow.compare import ChangeKind, compare_documents

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SAMPLE = FIXTURES / "zh-daily-2020-11-23" / "input.txt"
JUMP = FIXTURES / "zh-jump-multipage" / "input.txt"

# Section 一、 (line 39 of the sample) becomes a level-2 heading; the five other numbered sections and
# everything else stay as they are.
ONE_LEVEL_CHANGED = r"""
[ruleset]
name = "first-section-level-2"
extends = "zh-passes"

[[headings]]
name = "numbered"
level = 1
max_length = 40
pattern = '^(?!一、)[一二三四五六七八九十]{1,3}、\S'

[[headings]]
name = "first_section"
level = 2
max_length = 40
pattern = '^一、\S'
"""


@pytest.fixture
def one_level_changed(tmp_path: Path) -> Path:
    path = tmp_path / "level.toml"
    path.write_text(ONE_LEVEL_CHANGED, encoding="utf-8")
    return path


def report(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


# --- End to end -----------------------------------------------------------------------------------------


def test_a_rule_change_that_retypes_one_heading_shows_exactly_that_change(
    one_level_changed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["diff", str(SAMPLE), "--against", str(SAMPLE), "-r", str(one_level_changed)]
    assert main([*argv, "--against-rules", "zh-passes", "--format", "json"]) == 1
    data = report(capsys)
    [document] = data["documents"]
    assert data["totals"] == {"retyped": 1}
    [change] = document["changes"]
    assert change["kind"] == "retyped"
    assert [(p["type"], p.get("level"), p["lines"]) for p in change["old"]] == [("heading", 1, [39, 39])]
    assert [(p["type"], p.get("level"), p["lines"]) for p in change["new"]] == [("heading", 2, [39, 39])]
    assert change["new"][0]["text"] == "一、推动各方团结合作抗击疫情"

    assert main([*argv, "--against-rules", "zh-passes"]) == 1
    lines = capsys.readouterr().out.splitlines()
    changes = [line for line in lines if line.startswith("  L")]
    assert changes == [
        "  L39          retyped           heading 1 -> heading 2: 一、推动各方团结合作抗击疫情"
    ]
    assert "  1 change: 1 retyped" in lines
    assert lines[-1] == "TOTAL 1 document compared, 1 changed; 1 change: 1 retyped"


def test_identical_conversions_have_no_changes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(SAMPLE), "--against", str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "  no changes\n" in out
    assert out.endswith("TOTAL 1 document compared, 0 changed; no changes\n")


def test_against_rules_defaults_to_rules(one_level_changed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(SAMPLE), "--against", str(SAMPLE), "-r", str(one_level_changed)]) == 0
    assert "no changes" in capsys.readouterr().out


def test_saved_json_against_a_fresh_conversion(
    tmp_path: Path, one_level_changed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "old.json"
    assert main(["convert", str(SAMPLE), "-r", "zh-passes", "--to", "json", "-o", str(saved)]) == 0
    assert main(["diff", str(SAMPLE), "-r", "zh-passes", "--against", str(saved)]) == 0
    assert "(saved JSON)" in capsys.readouterr().out
    assert (
        main(["diff", str(SAMPLE), "--against", str(saved), "-r", str(one_level_changed), "--format", "json"])
        == 1
    )
    assert report(capsys)["totals"] == {"retyped": 1}
    # Without the .json suffix, a saved output is recognised by its content.
    unnamed = tmp_path / "old-output"
    shutil.copy(saved, unnamed)
    assert main(["diff", str(saved), "--against", str(unnamed)]) == 0
    assert "old-output (saved JSON)" in capsys.readouterr().out


def test_gold_file_against_a_conversion(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = FIXTURES / "zh-jump-multipage" / "expected.json"
    assert main(["diff", str(JUMP), "--against", str(gold)]) == 0
    capsys.readouterr()
    broken = tmp_path / "broken.json"
    broken.write_text('{"articles": [{"blocks": [{"text": "x"}]}]}', encoding="utf-8")
    assert main(["diff", str(JUMP), "--against", str(broken)]) == 2
    assert "not a reflow JSON output or gold file: articles[0].blocks[0].type" in capsys.readouterr().err


def test_directory_mode_pairs_files_by_relative_path(
    tmp_path: Path, one_level_changed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    for side in (old, new):
        (side / "pages").mkdir(parents=True)
        shutil.copy(JUMP, side / "jump.txt")
    shutil.copy(SAMPLE, old / "pages" / "daily.txt")
    # The new side's sample is a saved output converted with the changed rules: paired as pages/daily.
    assert main(["convert", str(SAMPLE), "-r", str(one_level_changed), "--to", "json"]) == 0
    (new / "pages" / "daily.json").write_text(capsys.readouterr().out, encoding="utf-8")
    shutil.copy(JUMP, old / "only-old.txt")
    shutil.copy(JUMP, new / "pages" / "only-new.txt")
    (new / "notes.md").write_text("not a document", encoding="utf-8")

    assert main(["diff", str(new), "--against", str(old), "-r", "zh-passes", "--format", "json"]) == 1
    data = report(capsys)
    assert [d["name"] for d in data["documents"]] == ["jump", "pages/daily"]
    assert [d["counts"] for d in data["documents"]] == [{}, {"retyped": 1}]
    assert data["only_old"] == [str(old / "only-old.txt")]
    assert data["only_new"] == [str(new / "pages" / "only-new.txt")]
    assert data["totals"] == {"retyped": 1}

    assert main(["diff", str(new), "--against", str(old), "-r", "zh-passes"]) == 1
    out = capsys.readouterr().out
    assert f"only in old: {old / 'only-old.txt'}" in out
    assert out.endswith("TOTAL 2 documents compared, 1 changed, 2 only on one side; 1 change: 1 retyped\n")


def test_directories_that_differ_only_in_unpaired_files_are_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    shutil.copy(JUMP, old / "a.txt")
    shutil.copy(JUMP, new / "a.txt")
    assert main(["diff", str(new), "--against", str(old)]) == 0
    capsys.readouterr()
    shutil.copy(JUMP, new / "b.txt")
    assert main(["diff", str(new), "--against", str(old), "-r", "zh-passes"]) == 1
    assert f"only in new: {new / 'b.txt'}" in capsys.readouterr().out


def test_html_report(tmp_path: Path, one_level_changed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.html"
    argv = ["diff", str(SAMPLE), "-r", "zh-passes", "--against", str(SAMPLE)]
    assert (
        main([*argv, "--against-rules", str(one_level_changed), "-o", str(out)]) == 1
    )  # html is the default with -o
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<tr>") == 1
    assert "heading 2 -&gt; heading 1" in page


def test_errors_are_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = [
        (["diff", str(SAMPLE), "--against", str(tmp_path)], "is a directory but"),
        (["diff", str(SAMPLE), "--against", str(tmp_path / "missing.txt")], "no such file"),
        (["diff", "-", "--against", "-"], "only one of INPUT and --against"),
        (["diff", str(SAMPLE), "--against", str(SAMPLE), "--against-rules", "nope"], "nope"),
    ]
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    cases.append((["diff", str(SAMPLE), "--against", str(tmp_path / "bad.json")], "not valid JSON"))
    for argv, message in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("reflow: error: ") and message in err and len(err.splitlines()) == 1, err


def test_doctests() -> None:
    assert doctest.testmod(reflow.compare).failed == 0


# --- Each kind of change --------------------------------------------------------------------------------


def paragraph(first: int, last: int, text: str, spans: list[list[int]] | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "paragraph", "text": text, "lines": [first, last]}
    if spans is not None:
        block["spans"] = spans
    return block


def heading(first: int, last: int, text: str, level: int = 1) -> dict[str, Any]:
    return {"type": "heading", "level": level, "text": text, "lines": [first, last]}


def article(*blocks: dict[str, Any], **fields: str | None) -> dict[str, Any]:
    return {**fields, "blocks": list(blocks)}


def kinds(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [change.kind.value for change in compare_documents(old, new)]


def doc(*articles: dict[str, Any]) -> dict[str, Any]:
    return {"articles": list(articles)}


BASE = doc(
    article(paragraph(1, 2, "甲乙"), heading(3, 3, "一、丙"), paragraph(4, 5, "丁戊"), headline="题一"),
    article(paragraph(7, 8, "己庚"), headline="题二", dateline="本报讯"),
)


def test_no_change() -> None:
    assert compare_documents(BASE, BASE) == ()


def test_split_merge_and_regroup() -> None:
    split = doc(
        article(
            paragraph(1, 1, "甲"), paragraph(2, 2, "乙"), *BASE["articles"][0]["blocks"][1:], headline="题一"
        ),
        BASE["articles"][1],
    )
    assert kinds(BASE, split) == ["split"]
    assert kinds(split, BASE) == ["merged"]
    regrouped = doc(
        article(paragraph(1, 1, "甲"), paragraph(2, 3, "乙一、丙"), paragraph(4, 5, "丁戊"), headline="题一"),
        BASE["articles"][1],
    )
    [change] = compare_documents(BASE, regrouped)
    assert change.kind is ChangeKind.REGROUPED
    assert [p.where for p in change.old] == ["L1-2", "L3"] and [p.where for p in change.new] == ["L1", "L2-3"]


def test_retyped_resized_and_text() -> None:
    new = doc(
        article(
            paragraph(1, 2, "甲乙"), paragraph(3, 3, "一、丙"), paragraph(4, 5, "丁 戊"), headline="题一"
        ),
        article(paragraph(6, 8, "题二己庚"), headline=None, dateline="本报讯"),
    )
    changes = compare_documents(BASE, new)
    assert [c.kind.value for c in changes] == ["retyped", "text", "resized", "article-fields"]
    assert reflow.compare.as_text(reflow.compare.describe(changes[1])[1]) == "丁{+ +}戊"
    assert changes[3].fields == (reflow.compare.FieldChange("headline", "题二", None),)


def test_a_block_moving_into_the_headline_is_a_retype_not_also_a_field_change() -> None:
    old = doc(article(paragraph(1, 1, "春耕 备耕"), paragraph(2, 3, "正文。")))
    new = doc(article(paragraph(2, 3, "正文。"), headline="春耕备耕"))
    [change] = compare_documents(old, new)
    assert change.kind is ChangeKind.RETYPED
    assert (change.old[0].label, change.new[0].label) == ("paragraph", "headline of a1")
    [back] = compare_documents(new, old)
    assert (back.old[0].label, back.new[0].label) == ("headline of a1", "paragraph")


def test_added_and_removed_blocks() -> None:
    new = doc(BASE["articles"][0], article(paragraph(7, 8, "己庚"), paragraph(9, 9, "辛"), **_fields(1)))
    assert kinds(BASE, new) == ["added"]
    assert kinds(new, BASE) == ["removed"]
    furniture = {**BASE, "furniture": [{"type": "furniture", "text": "辛", "lines": [9, 9], "spans": []}]}
    [change] = compare_documents(new, furniture)
    assert change.note == "set aside as furniture"


def _fields(number: int) -> dict[str, Any]:
    return {key: value for key, value in BASE["articles"][number].items() if key != "blocks"}


def test_article_split_merge_and_jump_fields() -> None:
    one = doc(
        article(*BASE["articles"][0]["blocks"], *BASE["articles"][1]["blocks"], headline="题一"),
    )
    assert kinds(one, BASE) == ["article-split"]
    assert kinds(BASE, one) == ["article-merged"]
    jumped = doc(
        BASE["articles"][0], article(*BASE["articles"][1]["blocks"], **_fields(1), continued_from="1")
    )
    [change] = compare_documents(BASE, jumped)
    assert change.kind is ChangeKind.ARTICLE_FIELDS
    assert change.fields == (reflow.compare.FieldChange("continued_from", None, "1"),)


def test_stitched_paragraphs_are_linked_exactly_through_their_spans() -> None:
    # Article a1's paragraph L1-9 was printed in two halves (lines 1 and 9); a2 sits between them. In the
    # new conversion a2's first paragraph starts a line earlier (its dateline line became text).
    old = doc(
        article(paragraph(1, 9, "甲乙", [[0, 1], [40, 41]])),
        article(paragraph(4, 6, "丙", [[20, 21]]), dateline="本报讯"),
    )
    new = doc(
        article(paragraph(1, 9, "甲乙", [[0, 1], [40, 41]])),
        article(paragraph(3, 6, "本报讯丙", [[12, 21]])),
    )
    assert kinds(old, new) == ["resized", "article-fields"]
    # Without spans (gold files) line 3 is inside the stitched paragraph's lines: the blocks are regrouped.
    for side in (old, new):
        for item in side["articles"]:
            for block in item["blocks"]:
                del block["spans"]
    assert kinds(old, new)[0] == "regrouped"
