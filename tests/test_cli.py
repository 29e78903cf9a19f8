"""The ``reflow`` command line, end to end: conversion to every format, stdin, -o, --explain, errors.

Most tests call :func:`reflow.cli.main` in-process; a few run the installed ``reflow`` console script
in a subprocess, from a directory outside the repository. Every error must be exit status 2 and a
``reflow: error: ...`` message, never a traceback.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from unittest import mock

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from reflow.cli import main
from reflow.render import FORMATS
from reflow.render.tei import TEI_NAMESPACE

#: The shared sample page; the same bytes ship as a fixture, so these tests never depend on ../shared.
SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "zh-daily-2020-11-23" / "input.txt"

# Three hard-wrapped lines with a column break (a blank line after a full line, mid-sentence), then a
# second paragraph after a sentence end and a blank line.
COLUMN_BREAK_INPUT = (
    "王毅表示，继出席联合国成立75周年系列高级别会议之后的\n"
    "又一次在全球多边舞台上发出时代强音，提出了中国方案和\n"
    "\n"
    "中国智慧，得到了国际社会的高度评价和广泛认同啊啊啊。\n"
    "\n"
    "这三场多边会议是在世纪疫情和百年变局交织的大背景\n"
    "下举行的，国际社会高度关注。\n"
)
FIRST_PARAGRAPH = (
    "王毅表示，继出席联合国成立75周年系列高级别会议之后的又一次在全球多边舞台上发出时代强音，"
    "提出了中国方案和中国智慧，得到了国际社会的高度评价和广泛认同啊啊啊。"
)
SECOND_PARAGRAPH = "这三场多边会议是在世纪疫情和百年变局交织的大背景下举行的，国际社会高度关注。"
# From the first paragraph of the shared sample: two hard wraps healed (after 国家 and 亚太经).
SAMPLE_OPENING = "中国国家主席习近平接连出席金砖国家领导人第十二次会晤、亚太经合组织"

GOOD_RULES = '[ruleset]\nname = "mine"\nextends = "zh-newspaper"\n\n[layout]\nwindow = 30\n'
BAD_RULES = (
    "[ruleset]\n"
    'name = "broken"\n'
    'extends = "zh-newspaper"\n'
    'disable = ["breaks.colum_break"]\n'
    "\n"
    "[layout]\n"
    "full_ratio = 7\n"
    "windw = 30\n"
)


# --- helpers -----------------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    """``main(argv)`` with ``stdin`` as standard input: (exit status, stdout, stderr)."""
    with contextlib.ExitStack() as stack:
        if stdin is not None:
            stack.enter_context(mock.patch.object(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin))))
        code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_isolated(*argv: str, stdin: bytes = b"") -> tuple[int, bytes, str]:
    """``main(argv)`` with its own standard streams (no pytest fixture, so usable under hypothesis)."""
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    stderr = io.StringIO()
    with (
        mock.patch.object(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin))),
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
    ):
        code = main(list(argv))
    stdout.flush()
    buffer = stdout.buffer
    assert isinstance(buffer, io.BytesIO)
    return code, buffer.getvalue(), stderr.getvalue()


def assert_usage_error(code: int, out: str, err: str, *expected: str) -> None:
    """Exit status 2, nothing on stdout, one ``reflow: error:`` line on stderr containing ``expected``."""
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.startswith("reflow: error: ")
    assert err.endswith("\n") and err.count("\n") == 1, f"not one line: {err!r}"
    for text in expected:
        assert text in err


def text_of(element: etree._Element) -> str:
    return str(etree.tostring(element, method="text", encoding="unicode", with_tail=False))


def check_output(fmt: str, output: str, *paragraphs: str) -> None:
    """``output`` is well-formed ``fmt`` and contains each of ``paragraphs`` as one unbroken text."""
    assert output.endswith("\n") or (fmt == "jsonl" and output == "")
    if fmt == "tei":
        root = etree.fromstring(output.encode("utf-8"))
        assert root.tag == f"{{{TEI_NAMESPACE}}}TEI"
        texts = [text_of(p) for p in root.iter(f"{{{TEI_NAMESPACE}}}p")]
    elif fmt == "html":
        page = lxml.html.document_fromstring(output)
        texts = [text_of(p) for p in page.iter("p")]
    elif fmt == "json":
        data = json.loads(output)
        texts = [block["text"] for article in data["articles"] for block in article["blocks"]]
    elif fmt == "jsonl":
        records = [json.loads(line) for line in output.splitlines()]
        texts = [block["text"] for article in records for block in article["blocks"]]
    else:
        texts = output.splitlines()
    for paragraph in paragraphs:
        assert any(paragraph in text for text in texts), f"{paragraph!r} not in {texts!r}"


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shared sample page, copied into the working directory as page.txt."""
    monkeypatch.chdir(tmp_path)
    return Path(shutil.copy(SAMPLE, tmp_path / "page.txt"))


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small dump with a column break, as small.txt in the working directory."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "small.txt"
    path.write_text(COLUMN_BREAK_INPUT, encoding="utf-8")
    return path


# --- convert -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_convert_the_sample_page_to_each_format(
    fmt: str, sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "convert", sample.name, "--to", fmt)
    assert (code, err) == (0, "")
    check_output(fmt, out, SAMPLE_OPENING)


@pytest.mark.parametrize("fmt", FORMATS)
def test_convert_a_small_dump_to_each_format(
    fmt: str, small: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "convert", small.name, "--to", fmt)
    assert (code, err) == (0, "")
    check_output(fmt, out, FIRST_PARAGRAPH, SECOND_PARAGRAPH)


def test_default_format_is_tei_and_default_rule_set_zh_newspaper(
    small: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "convert", small.name)
    assert code == 0
    check_output("tei", out, FIRST_PARAGRAPH)
    assert "zh-newspaper" in out


def test_json_names_the_source_and_the_rule_set(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "convert", small.name, "--to", "json", "-r", "latin")
    data = json.loads(out)
    assert (data["source"], data["ruleset"]) == ("small.txt", "latin")


def test_a_rule_file_can_be_given_by_path(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mine.toml").write_text(GOOD_RULES, encoding="utf-8")
    code, out, err = run(capsys, "convert", small.name, "-r", "mine.toml", "--to", "json")
    assert (code, err) == (0, "")
    assert json.loads(out)["ruleset"] == "mine"


def test_dash_reads_standard_input(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "convert", "-", "--to", "json", stdin=COLUMN_BREAK_INPUT.encode("gb18030"))
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["source"] == "<stdin>"
    check_output("json", out, FIRST_PARAGRAPH, SECOND_PARAGRAPH)


def test_output_option_writes_the_file_and_nothing_to_stdout(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "convert", small.name, "--to", "text", "-o", "out.txt")
    assert (code, out, err) == (0, "", "")
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == f"{FIRST_PARAGRAPH}\n{SECOND_PARAGRAPH}\n"


def test_output_to_a_missing_directory_is_a_usage_error(
    small: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "convert", small.name, "-o", "no/such/dir/out.xml")
    assert_usage_error(code, out, err, "no/such/dir/out.xml", "cannot write")


def test_explain_writes_the_log_to_stderr_naming_the_rules(
    small: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "convert", small.name, "--to", "text", "--explain")
    assert code == 0
    assert out == f"{FIRST_PARAGRAPH}\n{SECOND_PARAGRAPH}\n"  # the log does not leak into the output
    log = err.splitlines()
    rules = [line.split()[1] for line in log]
    assert "breaks.column_break" in rules
    assert "breaks.blank_line" in rules
    column_break = log[rules.index("breaks.column_break")]
    assert column_break.startswith("L2-4 ")
    assert "heal-column-break" in column_break
    assert "了中国方案和[-⏎⏎-]中国智慧" in column_break


def test_without_explain_stderr_stays_empty(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "convert", small.name)[2] == ""


def test_explain_on_the_sample_page_with_output_file(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "convert", sample.name, "--explain", "-o", "page.xml")
    assert (code, out) == (0, "")
    assert "breaks.column_break" in err
    assert "normalize.han_latin_space" in err
    check_output("tei", Path("page.xml").read_text(encoding="utf-8"), SAMPLE_OPENING)


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_input_gives_valid_output(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "convert", "-", "--to", fmt, stdin=b"")
    assert (code, err) == (0, "")
    check_output(fmt, out)


def test_bad_bytes_never_crash_and_give_valid_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "convert", "-", "--to", "json", stdin=b"\xff\xfe\x00garbage\x80")
    assert (code, err) == (0, "")
    json.loads(out)
    assert "\ufffd" in out  # the bad bytes are replaced visibly, not dropped


def test_undecodable_bytes_are_replaced_and_explained(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "convert", "-", "--to", "text", "--explain", stdin=b"ab\xffcd\n")
    assert code == 0
    assert out == "ab\ufffdcd\n"
    assert "input.decode" in err
    assert "ab{+\ufffd+}cd" in err
    assert "undecodable byte 0xff at byte offset 2 (utf-8)" in err


@pytest.mark.parametrize(
    ("data", "context", "note"),
    [
        pytest.param(
            b"\xef\xbb\xbfab\xffcd\n",
            "ab{+\ufffd+}cd",
            "undecodable byte 0xff at byte offset 5 (",
            id="utf-8-bom",
        ),
        pytest.param(
            b"\xff\xfea\x00b\x00\x00\xd8c\x00d\x00\n\x00",
            "ab{+\ufffd+}cd",
            "undecodable byte 0x00d8 at byte offset 6 (",
            id="utf-16-le-bom",
        ),
        pytest.param(
            b"\xff\xfe\x00garbage\x80",
            "\u6700\u7261\u6162\u6567{+\ufffd+}",
            "undecodable byte 0x80 at byte offset 10 (",
            id="utf-16-truncated",
        ),
    ],
)
def test_undecodable_bytes_after_a_bom_are_explained_where_they_are(
    data: bytes, context: str, note: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "convert", "-", "--to", "text", "--explain", stdin=data)
    assert code == 0
    decode_lines = [line for line in err.splitlines() if "input.decode" in line]
    assert len(decode_lines) == 1
    assert context in decode_lines[0]
    assert note in decode_lines[0]


@given(
    data=st.binary(max_size=300)
    | st.lists(
        st.sampled_from([b"\xff", b"\xfe", b"\x00", b"\x80", b"\r", b"\n", b"\f", b"\xe4\xb8\xad", b"a "])
    ).map(b"".join),
    encoding=st.sampled_from(["auto", "utf-8", "gb18030", "big5", "utf-16", "latin-1"]),
)
def test_any_bytes_in_any_encoding_give_valid_json_and_a_log(data: bytes, encoding: str) -> None:
    # --force: without it, bytes that are mostly not text are refused (tests/test_safety.py)
    code, out, err = run_isolated(
        "convert", "-", "--to", "json", "--encoding", encoding, "--explain", "--force", stdin=data
    )
    assert code == 0
    json.loads(out.decode("utf-8"))
    assert "Traceback" not in err


# --- usage errors: exit status 2, one line, no traceback ------------------------------------------------


def test_missing_input_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.txt"
    assert_usage_error(*run(capsys, "convert", str(missing)), str(missing), "no such file")


def test_directory_as_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert_usage_error(*run(capsys, "convert", str(tmp_path)), str(tmp_path), "is a directory")


def test_unknown_rule_set_name_suggests_the_close_one(
    small: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "convert", small.name, "-r", "zh-newspapr")
    assert_usage_error(
        code, out, err, "unknown rule set 'zh-newspapr'", "did you mean 'zh-newspaper'", "latin"
    )


def test_missing_rule_file(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "convert", small.name, "-r", "nothere.toml")
    assert_usage_error(code, out, err, "no such file: nothere.toml; ")
    assert err.count("nothere.toml") == 1


def test_broken_rule_file_names_the_unknown_key(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "typo.toml").write_text(
        '[ruleset]\nname = "typo"\nextends = "zh-newspaper"\n\n[layout]\nwindw = 30\n', encoding="utf-8"
    )
    code, out, err = run(capsys, "convert", small.name, "-r", "typo.toml")
    assert_usage_error(code, out, err, "typo.toml", "layout.windw", "unknown key", "did you mean 'window'")


def test_rule_file_with_several_problems_points_to_rules_check(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.toml").write_text(BAD_RULES, encoding="utf-8")
    code, out, err = run(capsys, "convert", small.name, "-r", "bad.toml")
    assert_usage_error(code, out, err, "and 2 more", "reflow rules check bad.toml")
    assert err.startswith("reflow: error: bad.toml: layout.full_ratio: ")
    assert err.endswith(" (and 2 more; run 'reflow rules check bad.toml')\n")


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        pytest.param(
            '[ruleset\nname = "x"\n',
            "syntax.toml: TOML syntax error at line 1, column 9: ",
            id="toml-syntax",
        ),
        pytest.param(
            '[ruleset]\nname = "x"\nextends = "zh-newspaper"\n\n'
            '[[normalize]]\nname = "odd"\npattern = "ab(c"\nreplace = ""\n',
            "syntax.toml: normalize.odd.pattern: invalid regular expression: missing ) at position 4 ",
            id="regex",
        ),
    ],
)
def test_a_rule_file_error_is_one_line_naming_the_file_once(
    rules: str, message: str, small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "syntax.toml").write_text(rules, encoding="utf-8")
    for argv in (("convert", small.name, "-r", "syntax.toml"), ("rules", "show", "syntax.toml")):
        code, out, err = run(capsys, *argv)
        assert_usage_error(code, out, err)  # one line: no excerpt and caret below it
        assert err.startswith(f"reflow: error: {message}")
        assert err.count("syntax.toml") == 1
        assert "^" not in err


def test_rules_check_still_shows_the_excerpt_and_caret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "syntax.toml").write_text('[ruleset\nname = "x"\n', encoding="utf-8")
    code, out, err = run(capsys, "rules", "check", str(tmp_path / "syntax.toml"))
    assert (code, out) == (2, "")
    assert err.splitlines()[1:3] == ["    [ruleset", "            ^"]


def test_unknown_encoding(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "convert", small.name, "--encoding", "klingon-8")
    assert_usage_error(code, out, err, "unknown encoding 'klingon-8'")


def test_a_codec_that_is_not_a_text_encoding(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "convert", small.name, "--encoding", "rot13")
    assert_usage_error(code, out, err, "unknown encoding 'rot13'")


def test_unknown_output_format_is_an_argparse_error(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["convert", small.name, "--to", "pdf"])
    assert exit_info.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    assert "reflow convert: error: argument --to: invalid choice: 'pdf'" in err


@pytest.mark.parametrize(("alias", "name"), [("txt", "text"), ("xml", "tei"), ("htm", "html")])
def test_to_takes_the_name_of_an_extension(
    small: Path, alias: str, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["convert", small.name, "--to", alias]) == 0
    by_alias = capsys.readouterr().out
    assert main(["convert", small.name, "--to", name]) == 0
    assert by_alias == capsys.readouterr().out != ""


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    assert "reflow: error:" in capsys.readouterr().err


# --- rules -------------------------------------------------------------------------------------------


def test_rules_list_names_the_builtin_rule_sets(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "rules", "list")
    assert (code, err) == (0, "")
    names = [line.split()[0] for line in out.splitlines()]
    assert names == ["latin", "zh-newspaper", "zh-passes"]
    assert all(len(line.split()) > 1 for line in out.splitlines()), "every rule set has a description"


def test_rules_show_prints_the_resolved_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "rules", "show", "zh-newspaper")
    assert (code, err) == (0, "")
    for text in (
        'name = "zh-newspaper"',
        "[layout]",
        "full_ratio = 0.88",
        "[punctuation]",
        "[join]",
        "hyphen_policy =",
        "[[normalize]]",
        "breaks.column_break",
    ):
        assert text in out


def test_rules_show_of_an_unknown_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert_usage_error(*run(capsys, "rules", "show", "latn"), "did you mean 'latin'")


def test_rules_check_of_good_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.toml"
    good.write_text(GOOD_RULES, encoding="utf-8")
    code, out, err = run(capsys, "rules", "check", str(good), "latin")
    assert (code, out, err) == (0, "2 file(s) OK\n", "")


def test_rules_check_of_a_bad_file_lists_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD_RULES, encoding="utf-8")
    good = tmp_path / "good.toml"
    good.write_text(GOOD_RULES, encoding="utf-8")
    code, out, err = run(capsys, "rules", "check", str(good), str(bad))
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    problems = err.splitlines()
    assert problems[-1] == "3 problem(s) in 2 file(s)"
    assert all(line.startswith(f"{bad}: ") for line in problems[:-1])
    for where in ("ruleset.disable", "layout.full_ratio", "layout.windw"):
        assert any(where in line for line in problems), where
    assert "did you mean 'breaks.column_break'" in err
    assert "did you mean 'window'" in err


def test_rules_check_of_a_toml_syntax_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "syntax.toml"
    broken.write_text('[ruleset\nname = "x"\n', encoding="utf-8")
    code, out, err = run(capsys, "rules", "check", str(broken))
    assert (code, out) == (2, "")
    assert "Traceback" not in err
    assert "TOML syntax error at line 1" in err


# --- the installed console script ------------------------------------------------------------------


def _console_script() -> str:
    beside = Path(sys.executable).with_name("reflow")
    found = str(beside) if beside.is_file() else shutil.which("reflow")
    if found is None:
        pytest.skip("the reflow console script is not installed (pip install -e '.[test]')")
    return found


def _run_script(*argv: str, cwd: Path, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    env: dict[str, Any] = {**os.environ, "PYTHONPATH": ""}
    return subprocess.run(
        [_console_script(), *argv],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )


def test_console_script_converts_standard_input(tmp_path: Path) -> None:
    done = _run_script("convert", "-", "--to", "json", cwd=tmp_path, stdin=COLUMN_BREAK_INPUT.encode("utf-8"))
    assert (done.returncode, done.stderr) == (0, b"")
    check_output("json", done.stdout.decode("utf-8"), FIRST_PARAGRAPH, SECOND_PARAGRAPH)


def test_console_script_usage_error_exits_2_without_traceback(tmp_path: Path) -> None:
    done = _run_script("convert", "missing.txt", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == b""
    assert done.stderr.decode("utf-8") == "reflow: error: missing.txt: no such file\n"


def test_console_script_converts_the_sample_outside_the_repository(tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "page.txt")
    done = _run_script("convert", "page.txt", "--to", "tei", "-o", "page.xml", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
    check_output("tei", (tmp_path / "page.xml").read_text(encoding="utf-8"), SAMPLE_OPENING)
