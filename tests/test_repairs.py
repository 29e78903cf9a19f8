"""Repairs of extraction and OCR damage: the [[normalize]] rules of docs/robustness.md, in the pipeline.

The rules' own examples (near-misses included) run in tests/test_ruleset.py; here they run through the
engine (``normalize.propose`` and ``line_pieces``), with the edits they record, and as properties:
normalising twice is normalising once, and no rule changes a character outside the span it reports.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reflow import convert, load_ruleset
from reflow import normalize as stage
from reflow.explain import format_log
from reflow.model import Edit
from reflow.ruleset import RuleFileError, RuleSet
from reflow.source import normalise_newlines, split_lines
from tests.test_properties import every_block

ZH = load_ruleset("zh-newspaper")
LATIN = load_ruleset("latin")
RULESETS = {"zh-newspaper": ZH, "latin": LATIN}

#: The repair rules of docs/robustness.md: rule set, rule, whether it is on by default.
REPAIRS = [
    ("zh-newspaper", "normalize.han_letter_spacing"),
    ("zh-newspaper", "normalize.han_latin_space"),
    ("zh-newspaper", "normalize.halfwidth_punct_in_han"),
    ("zh-newspaper", "normalize.fullwidth_alnum"),
    ("zh-newspaper", "normalize.kangxi_radicals"),
    ("zh-newspaper", "normalize.ligatures"),
    ("latin", "normalize.ligatures"),
]


def rule_names(ruleset: RuleSet) -> list[str]:
    return [rule.name for rule in ruleset.normalize]


def normalized(text: str, ruleset: RuleSet) -> tuple[str, list[Edit]]:
    """``text`` after the normalize stage (each line's content, blanks at its ends dropped), its edits."""
    source = normalise_newlines(text)
    lines = split_lines(source, ambiguous_wide=ruleset.layout.ambiguous_wide)
    edits = stage.propose(source, lines, ruleset)
    pieces = stage.line_pieces(source, lines, edits)
    return "\n".join("".join(piece.text for piece in line) for line in pieces), edits


@pytest.mark.parametrize(("ruleset", "name"), REPAIRS, ids=[f"{r}:{n}" for r, n in REPAIRS])
def test_each_repair_is_on_by_default_and_has_near_miss_examples(ruleset: str, name: str) -> None:
    rules = RULESETS[ruleset]
    assert rules.enabled(name)
    [rule] = [rule for rule in rules.normalize if rule.name == name]
    assert any(given == expected for given, expected in rule.examples), "a near-miss that must not change"
    assert any(given != expected for given, expected in rule.examples)


# --- han_letter_spacing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("消 费 新 引 擎", "消费新引擎"),
        ("国　际　新　闻", "国际新闻"),
        ("■ 消 费 新 引 擎\n正文继续。", "■ 消费新引擎\n正文继续。"),
        # near-misses
        ("拨开世界迷雾 奏响时代强音", "拨开世界迷雾 奏响时代强音"),
        ("记者 王 晔", "记者 王 晔"),
        ("New York Times 的报道", "New York Times的报道"),  # han_latin_space, not letter spacing
        ("a b c d e", "a b c d e"),
        ("消  费 新 引", "消  费新引"),  # a double space ends a run
    ],
)
def test_letter_spacing_collapses_only_runs_of_single_han_characters(text: str, expected: str) -> None:
    assert normalized(text, ZH)[0] == expected


def test_letter_spacing_is_recorded_per_space() -> None:
    text = "要 闻 速 递\n"
    document = convert(text, ZH)
    edits = [edit for edit in document.edits if edit.rule == "normalize.han_letter_spacing"]
    assert [(edit.start, edit.end, edit.action, edit.removed) for edit in edits] == [
        (1, 2, "delete", " "),
        (3, 4, "delete", " "),
        (5, 6, "delete", " "),
    ]
    assert "normalize.han_letter_spacing" in format_log(document)
    assert "要闻速递" in [block.text for block in every_block(document)]


def test_letter_spacing_can_be_switched_off(tmp_path: Path) -> None:
    path = tmp_path / "keep-spacing.toml"
    path.write_text(
        '[ruleset]\nname = "keep"\nextends = "zh-newspaper"\ndisable = ["normalize.han_letter_spacing"]\n',
        encoding="utf-8",
    )
    assert normalized("消 费 新 引 擎", load_ruleset(path))[0] == "消 费 新 引 擎"


# --- the rules that use translate ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("normalize.fullwidth_alnum", "２０２０年１１月ＧＤＰ增长", "2020年11月GDP增长"),
        ("normalize.fullwidth_alnum", "（新华社）：，。", "（新华社）：，。"),
        ("normalize.halfwidth_punct_in_han", "他说:好,我们走;明天见!", "他说：好，我们走；明天见！"),
        ("normalize.halfwidth_punct_in_han", "中国(北京)发布", "中国（北京）发布"),
        (
            "normalize.halfwidth_punct_in_han",
            "上午10:30开会，达938.4亿元，e.g. 例如",
            "上午10:30开会，达938.4亿元，e.g. 例如",
        ),
        ("normalize.halfwidth_punct_in_han", "详见http://www.gov.cn/a?b=c", "详见http://www.gov.cn/a?b=c"),
        ("normalize.kangxi_radicals", "⼈⺠⼤会堂⽣产", "人⺠大会堂生产"),
        ("normalize.ligatures", "ﬁnancial oﬃce", "financial office"),
    ],
)
def test_translate_repairs_in_the_engine(name: str, text: str, expected: str) -> None:
    got, edits = normalized(text, ZH)
    assert got == expected
    if text != expected:
        assert name in {edit.rule for edit in edits}
        assert all(edit.action == "replace" for edit in edits if edit.rule == name)


def test_translate_is_checked_when_the_rule_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        '[ruleset]\nname = "bad"\nextends = "zh-newspaper"\n'
        '[[normalize]]\nname = "both"\npattern = "x"\nreplace = "y"\ntranslate = "NFKC"\n'
        '[[normalize]]\nname = "unknown"\npattern = "x"\ntranslate = "NFC"\n',
        encoding="utf-8",
    )
    with pytest.raises(RuleFileError) as error:
        load_ruleset(path)
    messages = {(problem.rule, problem.key): problem.message for problem in error.value.problems}
    assert "not both" in messages["normalize.both", "translate"]
    assert "'NFKC'" in messages["normalize.unknown", "translate"]


# --- properties ----------------------------------------------------------------------------------------

#: Characters the repair rules look at, and their neighbours.
ALPHABET = st.sampled_from(
    [
        *"消费新引擎国际的了人中",
        *"  \u3000\t\n",
        *",;:?!().-/",
        *"，。：（）",
        *"0123456789abcXYZ",
        *"０１２ＡＢｃ",
        *"⼈⼤⽣⺠\uf9dc",
        *"ﬁﬂﬀﬃﬄ",
        "\ufffd",
        "□",
    ]
)
TEXT = st.lists(ALPHABET, max_size=80).map("".join) | st.text(max_size=80)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.sampled_from(sorted(RULESETS)))
def test_normalising_twice_is_normalising_once(text: str, ruleset: str) -> None:
    once, _ = normalized(text, RULESETS[ruleset])
    assert normalized(once, RULESETS[ruleset])[0] == once


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.sampled_from(sorted(RULESETS)))
def test_no_rule_changes_a_character_outside_the_span_it_reports(text: str, ruleset: str) -> None:
    rules = RULESETS[ruleset]
    source = normalise_newlines(text)
    lines = split_lines(source, ambiguous_wide=rules.layout.ambiguous_wide)
    edits = stage.propose(source, lines, rules)
    for edit in edits:
        assert edit.removed == source[edit.start : edit.end]
        assert edit.first_line == edit.last_line
    spans = {(edit.start, edit.end): edit.inserted for edit in edits}
    for line in stage.line_pieces(source, lines, edits):
        for piece in line:
            if (piece.start, piece.end) in spans:
                assert piece.text == spans[piece.start, piece.end]
            else:
                assert piece.text == source[piece.start : piece.end], "changed without an edit"
    # every edit that inserts text shows up as a piece; deletions leave a gap exactly their size
    covered = {(piece.start, piece.end) for line in stage.line_pieces(source, lines, edits) for piece in line}
    assert all((edit.start, edit.end) in covered for edit in edits if edit.inserted)


def test_normalize_rules_written_in_simplified_match_traditional_text() -> None:
    """The dateline space after 电 is kept in 電 too, and the output keeps the traditional script."""
    from reflow import convert, load_ruleset

    document = convert(
        "新華社北京11月22日電 11月17日至22日，中國國家 938.4 億元\n", load_ruleset("zh-newspaper")
    )
    article = document.articles[0]
    assert article.dateline is not None and article.dateline.text == "新華社北京11月22日電"
    assert article.blocks[0].text == "11月17日至22日，中國國家938.4億元"
