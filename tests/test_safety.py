"""Inputs that are not what they claim, outputs that could destroy data, rules that could hang a run.

Binary files given as text dumps are refused in one line saying what they are and what to do; text
that mostly does not decode is refused unless ``--force``; ``-o`` never overwrites the input and picks
the format by its extension; a rule pattern that backtracks for ever is cut off with a warning; Latin
text under the Chinese rule set is told which rule set fits.
"""

from __future__ import annotations

import doctest
import json
import os
import shutil
import time
import warnings
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

import reflow.sniff
from reflow.cli import main
from reflow.ruleset import (
    MAX_TIMEOUTS,
    PatternTimeoutWarning,
    Prefilter,
    RulePattern,
    load_ruleset,
    pattern_guard,
)
from reflow.sniff import refusal

from .test_cli import run_isolated

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLE = FIXTURES / "zh-daily-2020-11-23" / "input.txt"
ENGLISH = (
    "The State of New York gave these figures on President and Governor\n"
    "last night, and the Republican managers said the upstate vote was\n"
    "larger than anyone had expected.\n"
)
SLOW_RULES = """\
[ruleset]
name = "slow"
extends = "zh-newspaper"

[[normalize]]
name = "runaway"
description = "a pattern that backtracks exponentially on a run of a's that does not end the text"
pattern = '(a|aa)+$'
replace = ""
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    assert err.startswith("reflow: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def test_doctests() -> None:
    assert doctest.testmod(reflow.sniff).failed == 0


# --- binary files --------------------------------------------------------------------------------------

BINARIES = [
    pytest.param(
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "a PDF document", "pdftotext", id="pdf"
    ),
    pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "a PNG image", "OCR", id="png"),
    pytest.param(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01", "a JPEG image", "OCR", id="jpeg"),
    pytest.param(b"GIF89a\x01\x00\x01\x00\x80\x00\x00", "a GIF image", "OCR", id="gif"),
    pytest.param(b"II*\x00\x08\x00\x00\x00\x0e\x00", "a TIFF image", "OCR", id="tiff-le"),
    pytest.param(b"MM\x00*\x00\x00\x00\x08", "a TIFF image", "OCR", id="tiff-be"),
    pytest.param(b"\x7fELF\x02\x01\x01\x00" + bytes(8), "an ELF executable", "program", id="elf"),
    pytest.param(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "a Windows (PE) executable", "program", id="pe"),
    pytest.param(b"\xcf\xfa\xed\xfe\x07\x00\x00\x01", "a Mach-O executable", "program", id="mach-o"),
    pytest.param(b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "a zip archive", "unpack", id="zip"),
    pytest.param(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", "gzip-compressed data", "gunzip", id="gzip"),
]


@pytest.mark.parametrize(("head", "what", "advice"), BINARIES)
def test_a_binary_file_is_refused_in_one_line_saying_what_it_is_and_what_to_do(
    head: bytes, what: str, advice: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "page.txt"
    path.write_bytes(head + bytes(range(256)) * 4)
    code, out, err = run(capsys, "convert", str(path), "-o", str(tmp_path / "page.xml"))
    assert (code, out) == (2, "")
    one_error_line(err)
    assert f"{path}: is {what}, not a text dump" in err
    assert advice in err
    assert not (tmp_path / "page.xml").exists()


def test_force_converts_a_binary_file_anyway(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "page.txt"
    path.write_bytes(b"%PDF-1.4\n" + "正文。\n".encode())
    code, out, _ = run(capsys, "convert", str(path), "--to", "text", "--force")
    assert code == 0
    assert "正文。" in out


def test_text_that_merely_starts_like_a_signature_is_converted(capsys: pytest.CaptureFixture[str]) -> None:
    assert refusal(b"MZ Mueller wrote to the editor.\n") is None  # a weak signature needs binary bytes
    assert refusal(b"BZh is not a word, but this is a line of text.\n") is None
    assert refusal("RIFF 不是图像。\n".encode()) is None


def test_random_bytes_are_refused_quickly_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(os.urandom(5 * 1024 * 1024))
    started = time.perf_counter()
    code, out, err = run(capsys, "convert", str(path))
    assert time.perf_counter() - started < 5  # only a sample is looked at
    assert (code, out) == (2, "")
    one_error_line(err)
    assert "is not text: " in err and "of its first" in err and "--force" in err


def test_text_with_a_few_bad_bytes_is_converted_and_they_are_explained(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = SAMPLE.read_bytes()
    path = tmp_path / "page.txt"
    path.write_bytes(data[:3000] + b"\xff\xfe" + data[3000:])
    code, _, err = run(capsys, "convert", str(path), "--explain", "-o", str(tmp_path / "page.xml"))
    assert code == 0
    assert "undecodable byte 0xff" in err


def test_utf16_without_a_byte_order_mark_gets_the_encoding_to_give(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "page.txt"
    path.write_bytes(ENGLISH.encode("utf-16-le"))
    code, _, err = run(capsys, "convert", str(path), "-r", "latin")
    assert code == 2
    assert "--encoding utf-16-le" in one_error_line(err)
    code, out, err = run(
        capsys, "convert", str(path), "-r", "latin", "--encoding", "utf-16-le", "--to", "text"
    )
    assert (code, err) == (0, "")
    assert "The State of New York" in out


@given(data=st.binary(max_size=400))
def test_any_bytes_are_converted_or_refused_in_one_line(data: bytes) -> None:
    code, out, err = run_isolated("convert", "-", "--to", "json", stdin=data)
    if code == 0:
        json.loads(out.decode("utf-8"))
    else:
        assert code == 2 and out == b""
        assert err.startswith("reflow: error: <stdin>: is ") and err.count("\n") == 1, err


# --- outputs that could destroy data ---------------------------------------------------------------------


def test_o_equal_to_the_input_is_refused_and_the_input_is_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(SAMPLE, tmp_path / "page.txt")
    os.link(tmp_path / "page.txt", tmp_path / "hard.txt")
    os.symlink(tmp_path / "page.txt", tmp_path / "soft.txt")
    for output in ("page.txt", "./page.txt", str(tmp_path / "page.txt"), "hard.txt", "soft.txt"):
        code, out, err = run(capsys, "convert", "page.txt", "-o", output, "--to", "text")
        assert (code, out) == (2, "")
        assert "never overwrites the input" in one_error_line(err)
    assert (tmp_path / "page.txt").read_bytes() == SAMPLE.read_bytes()


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("out.json", "json"), ("out.xml", "tei"), ("out.tei", "tei"), ("out.html", "html"), ("out.txt", "text")],
)
def test_the_format_follows_the_output_extension(
    name: str, fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(SAMPLE, tmp_path / "page.txt")
    assert run(capsys, "convert", "page.txt", "-o", name)[0] == 0
    assert run(capsys, "convert", "page.txt", "--to", fmt)[1] == (tmp_path / name).read_text(encoding="utf-8")


def test_to_wins_over_the_extension_and_an_unknown_extension_means_tei(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(SAMPLE, tmp_path / "page.txt")
    assert run(capsys, "convert", "page.txt", "-o", "out.html", "--to", "text")[0] == 0
    assert not (tmp_path / "out.html").read_text(encoding="utf-8").startswith("<")
    assert run(capsys, "convert", "page.txt", "-o", "out.dat")[0] == 0
    assert (tmp_path / "out.dat").read_text(encoding="utf-8").startswith("<?xml")


def test_an_output_file_is_replaced_whole_and_leaves_no_temporary_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(SAMPLE, tmp_path / "page.txt")
    (tmp_path / "out.txt").write_text("old\n" * 100_000, encoding="utf-8")
    assert run(capsys, "convert", "page.txt", "-o", "out.txt")[0] == 0
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == run(
        capsys, "convert", "page.txt", "--to", "text"
    )[1]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.txt", "page.txt"]


# --- rule patterns with a time limit ------------------------------------------------------------------


def test_a_runaway_rule_pattern_finishes_quickly_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "slow.toml").write_text(SLOW_RULES, encoding="utf-8")
    page = "第一段文字。\n" + "a" * 40 + "b\n" + "第二段文字。\n"
    (tmp_path / "page.txt").write_text(page, encoding="utf-8")
    started = time.perf_counter()
    code, out, err = run(capsys, "convert", "page.txt", "-r", "slow.toml", "--to", "text")
    # unbounded, this takes minutes; the limit is CPU time, so a busy machine takes longer on the clock
    assert time.perf_counter() - started < 30
    assert code == 0
    assert "a" * 40 + "b" in out  # the rule was skipped on that line: the text is unchanged
    warning = next(line for line in err.splitlines() if "runaway" in line)
    assert warning.startswith("reflow: warning: page.txt: slow.toml: normalize.runaway.pattern: ")
    assert "'(a|aa)+$' took more than 0.5 s on line 2" in warning


def test_the_time_limit_is_an_option_and_a_batch_records_the_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "slow.toml").write_text(SLOW_RULES, encoding="utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in/page.txt").write_text("第一段。\n" + "a" * 40 + "b\n", encoding="utf-8")
    started = time.perf_counter()
    code, _, err = run(capsys, "convert", "in", "-o", "out", "-r", "slow.toml", "--regex-timeout", "0.05")
    assert time.perf_counter() - started < 5
    assert code == 0
    assert "took more than 0.05 s" in err
    record = json.loads((tmp_path / "out/manifest.jsonl").read_text(encoding="utf-8"))
    assert record["status"] == "ok"
    assert any("normalize.runaway.pattern" in warning for warning in record["warnings"])


def _slow(flags: str = "") -> RulePattern:
    return RulePattern(regex.compile(f"{flags}(a|aa)+$"), "normalize.slow", "pattern", "mine.toml")


def test_a_whole_text_scan_skips_only_the_line_that_ran_out_of_time() -> None:
    text = "aaaa\n" + "a" * 40 + "b\n" + "aa\n"
    with pattern_guard(timeout=0.05) as guard:
        found = [match.group() for match in _slow("(?m)^").finditer(text)]
    assert found == ["aaaa", "aa"]
    assert len(guard.warnings) == 1
    assert "on line 2 (41 characters: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…')" in guard.warnings[0]
    assert guard.warnings[0].endswith("(see 'reflow rules check')")


def test_a_pattern_that_keeps_running_out_of_time_is_skipped_for_the_rest_of_the_input() -> None:
    text = ("a" * 40 + "b\n") * 6
    started = time.perf_counter()
    with pattern_guard(timeout=0.05) as guard:
        assert list(_slow("(?m)").finditer(text)) == []
        assert _slow().search("a" * 40 + "b") is None  # exhausted: not even tried
    assert time.perf_counter() - started < 2
    assert len(guard.warnings) == MAX_TIMEOUTS
    assert guard.warnings[-1].count("skipped for the rest of this input") == 1


def test_without_a_guard_a_timeout_is_a_python_warning() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pattern_guard(timeout=0.05):
            pass
        pattern = RulePattern(regex.compile(r"(a|aa)+$"))
        assert pattern.fullmatch("a" * 34 + "b") is None
    assert [type(warning.message) for warning in caught] == [PatternTimeoutWarning]


def test_rule_patterns_behave_like_compiled_patterns() -> None:
    pattern = RulePattern(regex.compile(r"(\d+)月"))
    text = "11月22日 3月"
    assert [m.group(1) for m in pattern.finditer(text)] == ["11", "3"]
    assert pattern.sub(r"<\1>", text) == "<11>22日 <3>"
    assert pattern.sub(lambda m: m.group(1), text) == "1122日 3"
    assert pattern.search(text, 3) is not None and pattern.match(text, 3) is None
    assert pattern.fullmatch("3月") is not None
    assert (pattern.pattern, pattern == RulePattern(regex.compile(r"(\d+)月"))) == (r"(\d+)月", True)


def test_rules_check_warns_about_patterns_that_can_backtrack_exponentially(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "slow.toml").write_text(SLOW_RULES, encoding="utf-8")
    code, out, err = run(capsys, "rules", "check", str(tmp_path / "slow.toml"))
    assert code == 0
    assert out == "1 file(s) OK, 1 warning(s)\n"
    assert err.startswith(f"{tmp_path / 'slow.toml'}: normalize.runaway.pattern: warning: group '(a|aa)' is ")
    assert "(?>...)" in err
    assert run(capsys, "rules", "check", "latin", "zh-newspaper") == (0, "2 file(s) OK\n", "")


@pytest.mark.parametrize(
    ("pattern", "risky"),
    [
        (r"(a|aa)+$", True),
        (r"(a+)+b", True),
        (r"(?:\w+\s?)*:", True),
        (r"(x+x+)+y", True),
        (r"((a*))*", True),
        (r"(?>a|aa)+$", False),
        (r"(?:a|aa)++$", False),
        (r"(?:\d\s*)+版", False),
        (r"(?:\s+\p{Han}{2,4})+$", False),
        (r"^（[上下]接第?[0-9一二三四五六七八九十]+版）$", False),
        (r"[(a|aa)+]", False),
        (r"\(a|aa\)+", False),
    ],
)
def test_repeat_risk(pattern: str, risky: bool) -> None:
    from reflow.ruleset import repeat_risk

    assert (repeat_risk(pattern) is not None) == risky


# --- the rule set that fits the script ---------------------------------------------------------------------


def test_latin_text_under_the_chinese_rule_set_is_told_to_use_latin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "english.txt").write_text(ENGLISH, encoding="utf-8")
    code, _, err = run(capsys, "convert", "english.txt", "--to", "text")
    assert code == 0
    assert err == (
        "reflow: warning: english.txt: the text is Latin script (100% of its letters), but rule set "
        "'zh-newspaper' is for Han, Hiragana, Katakana, Bopomofo text: use -r latin\n"
    )
    assert run(capsys, "convert", "english.txt", "-r", "latin")[2] == ""
    (tmp_path / "in").mkdir()
    shutil.copy(tmp_path / "english.txt", tmp_path / "in")
    assert run(capsys, "convert", "in", "-o", "out")[0] == 0
    record = json.loads((tmp_path / "out/manifest.jsonl").read_text(encoding="utf-8"))
    assert record["warnings"] == [err.split("english.txt: ", 1)[1].rstrip("\n")]


def test_chinese_text_under_the_latin_rule_set_is_told_to_use_zh_newspaper(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "convert", str(SAMPLE), "-r", "latin", "-o", str(tmp_path / "out.xml"))
    assert code == 0
    assert "the text is Han script" in err and "use -r zh-newspaper" in err


# --- the prefilter of the line features: one search tells which rule patterns can match -----------------


def _every_pattern() -> list[RulePattern]:
    ruleset = load_ruleset("zh-newspaper")
    rules = [*ruleset.markers, *ruleset.end_cues, *ruleset.headings, *ruleset.datelines, *ruleset.cues]
    return [rule.pattern for rule in rules] + [ruleset.headlines.cue, ruleset.headlines.subtitle]


ROOT = Path(__file__).resolve().parent.parent
PATTERNS = _every_pattern()
PREFILTER = Prefilter(PATTERNS)
SAMPLE_LINES = (ROOT / "fixtures" / "zh-daily-2020-11-23" / "input.txt").read_text("utf-8").splitlines()


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(st.sampled_from(SAMPLE_LINES), st.text(max_size=40), st.sampled_from(["（上接1版）", "（完）"]))
)
def test_the_prefilter_never_drops_a_pattern_that_matches(text: str) -> None:
    candidates = set(PREFILTER.candidates(text))
    matching = {k for k, pattern in enumerate(PATTERNS) if pattern.search(text)}
    assert matching <= candidates


def test_the_prefilter_leaves_out_patterns_on_body_text_and_keeps_the_ones_it_cannot_join() -> None:
    body = "习近平主席结合中国统筹疫情防控和经济社会发展的成功实践，提出"
    assert PREFILTER.candidates(body) == []
    marker = PREFILTER.candidates("（上接1版）")
    assert any(PATTERNS[k].search("（上接1版）") for k in marker)
    twice = RulePattern(regex.compile(r"(\p{Han})\1"), "cues.twice", "pattern")
    plain = RulePattern(regex.compile(r"^第.条"), "cues.article", "pattern")
    both = Prefilter([plain, twice])
    assert both.candidates("好好学习") == [1]  # a backreference cannot join an alternation: always checked
    assert both.candidates("第一条 总则") == [0, 1]
