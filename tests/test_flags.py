"""Flag rules report likely OCR errors with their position and never change the text."""

from __future__ import annotations

from pathlib import Path

from reflow import convert, load_ruleset
from reflow.explain import format_log

ZH = load_ruleset("zh-newspaper")


def flags(text: str) -> list[tuple[str, str]]:
    document = convert(text, ZH)
    return [(e.rule, document.source[e.start : e.end]) for e in document.edits if e.action == "flag"]


def test_look_alikes_and_missing_glyphs_are_flagged_where_they_are() -> None:
    assert flags("他己经来了，这是自己的事。国家□□主席说。\n") == [
        ("flags.ocr_lookalike", "己经"),
        ("flags.missing_glyph", "□□"),
    ]


def test_flags_change_nothing() -> None:
    text = "他己经来了，这是自己的事。国家□□主席说。\n"
    document = convert(text, ZH)
    assert [b.text for a in document.articles for b in a.blocks] == [text.strip()]
    assert all(not e.removed and not e.inserted for e in document.edits if e.action == "flag")


def test_traditional_text_is_flagged_by_the_simplified_rule() -> None:
    assert flags("他己經來了。\n") == [("flags.ocr_lookalike", "己經")]


def test_correct_text_is_not_flagged() -> None:
    assert flags("他已经来了，自己的事自己做。未来十年，周末和土地。\n") == []


def test_the_explain_log_shows_what_a_flag_points_at() -> None:
    log = format_log(convert("他己经来了。\n", ZH))
    assert "他[己经]来了" in log


def test_a_rule_set_can_switch_a_flag_off(tmp_path: Path) -> None:
    path = tmp_path / "quiet.toml"
    path.write_text(
        '[ruleset]\nname = "quiet"\nextends = "zh-newspaper"\ndisable = ["flags.ocr_lookalike"]\n',
        encoding="utf-8",
    )
    document = convert("他己经来了。\n", load_ruleset(path))
    assert not [e for e in document.edits if e.action == "flag"]
