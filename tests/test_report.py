"""The review report (``reflow diff INPUT``): the model, its three renderers, the command, and the HTML
page in a real headless Chromium.

The browser tests run ``chromium --headless --dump-dom`` on the written page, so the DOM they check is
the one after the page's own script ran (the Content-Security-Policy must let it run). Clicking a kind
in the summary sets the URL fragment ``#filter=KIND`` and the script filters on ``hashchange`` and on
load, so opening ``report.html#filter=KIND`` is the same code path as the click. They skip, with the
reason, only when no Chromium is installed; CI installs the Debian package.
"""

from __future__ import annotations

import contextlib
import doctest
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any
from unittest import mock

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reflow.report
from reflow import Document, convert, load_ruleset
from reflow.cli import main
from reflow.report import (
    Review,
    build_review,
    render_review_html,
    render_review_json,
    render_review_text,
)
from tests.strategies import dumps

ZH = load_ruleset("zh-passes")  # the sample's numbers below are the pass-by-pass reading
ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CASE = ROOT / "fixtures" / "zh-daily-2020-11-23"
SAMPLE = SAMPLE_CASE / "input.txt"
CASES = sorted(path for path in (ROOT / "fixtures").iterdir() if (path / "input.txt").is_file())

# The ten column breaks the sample's case.toml lists, and the one inside the subtitle (328-330).
SAMPLE_COLUMN_BREAKS = {
    (79, 81),
    (161, 163),
    (241, 243),
    (292, 294),
    (333, 335),
    (364, 366),
    (390, 392),
    (418, 420),
    (421, 423),
    (448, 450),
    (328, 330),
}

HOSTILE = (
    "<script>alert(1)</script>\n"
    '"><img src=x onerror=alert(2)>\n'
    "\n"
    "正文第一段，<b>粗体</b>&amp; 还有\x1b[2J清屏和\u202e反向文字。\n"
)


# --- helpers -----------------------------------------------------------------------------------------


def source_lines(document: Document) -> list[str]:
    """The review's source lines: ``split("\\n")`` without the empty string after a final newline."""
    texts = document.source.split("\n")
    if len(texts) > 1 and texts[-1] == "":
        texts.pop()
    return [] if texts == [""] else texts


def sample_review() -> Review:
    return build_review(convert(SAMPLE.read_text(encoding="utf-8"), ZH, source_name="input.txt"))


def assert_every_line_once(review: Review, document: Document) -> None:
    expected = source_lines(document)
    shown = [(line.number, line.text) for row in review.rows for line in row.lines]
    assert sorted(number for number, _ in shown) == list(range(1, len(expected) + 1))
    assert dict(shown) == dict(enumerate(expected, 1))
    assert review.line_count == len(expected)


def html_line_ids(html: str) -> Counter[str]:
    tree = lxml.html.document_fromstring(html)
    return Counter(
        str(element.get("id")) for element in tree.iter() if re.fullmatch(r"L\d+", element.get("id") or "")
    )


def run_isolated(*argv: str, stdin: bytes = b"", tty: bool = False) -> tuple[int, bytes, str]:
    """``main(argv)`` with its own standard streams: (exit status, stdout bytes, stderr)."""

    class Terminal(io.TextIOWrapper):
        def isatty(self) -> bool:
            return tty

    stdout = Terminal(io.BytesIO(), encoding="utf-8")
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


def row_of(data: dict[str, Any], row_id: str) -> dict[str, Any]:
    return next(row for row in data["rows"] if row["id"] == row_id)


def test_doctests() -> None:
    assert doctest.testmod(reflow.report).failed == 0


# --- the model: every line once, every edit once --------------------------------------------------------

LINE_PARTS = st.sampled_from(
    [
        "",
        "  ",
        "\u3000",
        "\f",
        "\t",
        "习近平主席结合中国统筹疫情防控和经济社会发展",
        "率先实现复工复产。",
        "新华社北京11月22日电 记者王小明",
        "（上接1版）",
        "（下转第4版）",
        "一、推动各方团结合作抗击疫情",
        "拨开世界迷雾 奏响时代强音",
        "——国务委员兼外交部长王毅谈",
        "2020年11月23日 星期一 第3版 要闻",
        "责任编辑：孙明远",
        "1-9 月，全市网络零售额达 938.4 亿元",
        "international co-",
        "operation and trade.",
        "<script>alert(1)</script>",
        "（完）",
    ]
)
DUMPS = st.one_of(
    st.text(max_size=300),
    dumps().map(lambda dump: dump.text),
    st.lists(LINE_PARTS, max_size=40).map("\n".join),
    st.lists(LINE_PARTS, max_size=40).map(lambda parts: "\n".join(parts) + "\n"),
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(DUMPS)
def test_every_source_line_appears_exactly_once(text: str) -> None:
    """In the model, the HTML, the text and the JSON, whatever the input."""
    document = convert(text, ZH)
    review = build_review(document)
    assert_every_line_once(review, document)
    html = render_review_html(review)
    ids = html_line_ids(html)
    assert set(ids) == {f"L{n}" for n in range(1, review.line_count + 1)}
    assert set(ids.values()) <= {1}
    tree = lxml.html.document_fromstring(html)
    targets = {str(element.get("id")) for element in tree.iter() if element.get("id")}
    for href in tree.xpath("//a/@href"):
        assert href.startswith("#filter=") or href[1:] in targets, href
    shown = re.findall(r"^  +(\d+) \|", render_review_text(review), flags=re.MULTILINE)
    assert sorted(int(n) for n in shown) == list(range(1, review.line_count + 1))
    data = json.loads(render_review_json(review))
    assert sorted(line["line"] for row in data["rows"] for line in row["lines"]) == list(
        range(1, review.line_count + 1)
    )


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(DUMPS)
def test_every_edit_is_one_operation_in_one_row(text: str) -> None:
    document = convert(text, ZH)
    review = build_review(document)
    assert len(review.operations) == len(document.edits)
    rows = {row.id: row for row in review.rows}
    for index, operation in enumerate(review.operations):
        assert operation.row in rows
        assert index in rows[operation.row].operations
    assert sum(len(row.operations) for row in review.rows) == len(review.operations)
    counted = Counter(operation.kind for operation in review.operations)
    counted.update(
        "unexplained" for row in review.rows for badge in row.badges if badge.kind == "unexplained"
    )
    assert {item.kind: item.count for item in review.summary} == dict(counted)
    for row in review.rows:
        assert set(row.kinds) == {badge.kind for badge in row.badges} | {
            review.operations[index].kind for index in row.operations
        }
        for shared in row.shared:
            assert shared.row in rows and shared.row != row.id


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_fixtures_every_line_once_and_no_silent_loss(case: Path) -> None:
    ruleset = load_ruleset(tomllib.loads((case / "case.toml").read_text(encoding="utf-8"))["ruleset"])
    document = convert((case / "input.txt").read_text(encoding="utf-8"), ruleset)
    review = build_review(document)
    assert_every_line_once(review, document)
    assert not [item for item in review.summary if item.kind == "unexplained"]


def test_row_text_is_the_block_text() -> None:
    """Kept and inserted segments spell the output block, deleted ones the source text left out."""
    document = convert(SAMPLE.read_text(encoding="utf-8"), ZH)
    review = build_review(document)
    blocks = [block.text for article in document.articles for block in article.blocks]
    texts = [
        "".join(s.text for s in row.segments if s.kind in ("keep", "ins"))
        for row in review.rows
        if row.role in ("paragraph", "heading")
    ]
    assert texts == blocks
    for row in review.rows:
        for segment in row.segments:
            if segment.kind in ("keep", "del"):
                assert document.source[segment.start : segment.end] == segment.text


def test_empty_and_blank_inputs() -> None:
    assert build_review(convert("", ZH)).rows == ()
    review = build_review(convert("\n  \n\n", ZH))
    assert [(row.role, [line.number for line in row.lines]) for row in review.rows] == [("blank", [1, 2, 3])]
    assert "blank lines only" in render_review_html(review)


def test_a_line_no_block_keeps_and_no_edit_explains_is_flagged() -> None:
    """A silent loss (here: a furniture row dropped from the document by hand) is a loud badge."""
    document = convert("2020年11月23日 星期一 第3版 要闻\n正文第一段。\n", ZH)
    assert document.furniture, "the running head rule should have matched"
    from dataclasses import replace

    lossy = replace(document, furniture=(), edits=())
    review = build_review(lossy)
    removed = [row for row in review.rows if row.role == "removed"]
    assert [line.number for line in removed[0].lines] == [1]
    assert [badge.kind for badge in removed[0].badges] == ["unexplained"]
    assert review.summary[0].kind == "unexplained"
    assert "[removed without an edit]" in render_review_text(review)


# --- the sample: the rows and badges that matter -------------------------------------------------------


def test_sample_json_operations_and_rows() -> None:
    data = json.loads(render_review_json(sample_review()))
    assert data["source"] == "input.txt" and data["ruleset"] == "zh-passes"
    assert data["lines"] == 460 and data["articles"] == 2
    operations = data["operations"]

    breaks = [op for op in operations if op["kind"] == "column-break"]
    assert {tuple(op["lines"]) for op in breaks} == SAMPLE_COLUMN_BREAKS
    healed = next(op for op in breaks if op["lines"] == [79, 81])
    assert healed["rule"] == "breaks.column_break" and healed["removed"] == "\n\n"
    assert healed["target"]["role"] == "paragraph" and healed["target"]["article"] == "a1"
    row = row_of(data, healed["target"]["row"])
    assert {79, 80, 81} <= {line["line"] for line in row["lines"]}
    assert {"kind": "column-break", "label": "column break healed", "count": 1}.items() <= row["badges"][
        0
    ].items()
    texts = [(s["kind"], s["text"]) for s in row["segments"]]
    at = texts.index(("del", "\n\n"))
    assert texts[at - 1][1].endswith("成功实践，提") and texts[at + 1][1].startswith("出了推动世界")

    moved = next(op for op in operations if op["kind"] == "headline-moved" and op["lines"][0] == 458)
    assert moved["label"] == "moved from line 458 to headline"
    assert moved["target"]["role"] == "headline" and moved["target"]["article"] == "a2"
    a2 = [row for row in data["rows"] if row["article"] == "a2"]
    assert a2[0]["id"] == moved["target"]["row"], "the headline heads its article"
    assert [line["line"] for line in a2[0]["lines"]] == [458, 459, 460]
    assert a2[0]["segments"] == [
        {
            "kind": "keep",
            "text": "“智”在必胜 高质量发展插上腾飞翅膀",
            "span": [9474, 9492],
            "rule": "",
            "operation": "",
        }
    ]

    jump = next(op for op in operations if op["kind"] == "continued-from")
    assert jump["lines"] == [332, 332] and jump["label"] == "continued from page 1"
    assert jump["target"]["role"] == "marker" and jump["target"]["row"] == a2[1]["id"]
    assert [line["line"] for line in a2[1]["lines"]] == [332]

    dateline = next(op for op in operations if op["kind"] == "dateline")
    assert dateline["target"]["role"] == "dateline" and dateline["removed"] == "新华社北京11月22日电 "
    paragraph = next(row for row in data["rows"] if row["shared"])
    assert paragraph["shared"] == [{"line": 1, "row": dateline["target"]["row"]}]

    spaces = [op for op in operations if op["kind"] == "space-removed"]
    assert [op["lines"] for op in spaces] == [[351, 351]] * 3 and all(op["quiet"] for op in spaces)
    splits = [op for op in operations if op["kind"] == "article-split"]
    assert [op["lines"][0] for op in splits] == [327, 458]
    summary = {item["kind"]: item["count"] for item in data["summary"]}
    assert summary["column-break"] == 11 and summary["headline-moved"] == 2 and summary["heading"] == 9
    assert "unexplained" not in summary


def test_sample_text_rows() -> None:
    text = render_review_text(sample_review())
    assert "\x1b" not in text
    lines = text.splitlines()
    assert lines[0] == "reflow review of input.txt (rule set zh-passes)"
    assert lines[1].startswith("460 source lines, 2 articles, ")
    assert "column breaks healed: 11 [column-break]" in text
    assert "headlines moved: 2 [headline-moved]" in text

    head = next(line for line in lines if re.match(r"r\d+ headline L458-460 ", line))
    assert "[moved from line 458 to headline]" in head and "[article split]" in head
    assert lines[lines.index(head) - 1] == "== article a2 =="
    marker = lines[lines.index(head) + 5]
    assert re.match(r"r\d+ marker L332 \[continued from page 1\]", marker)

    at = next(i for i, line in enumerate(lines) if line.startswith("   79 | "))
    header = next(line for line in reversed(lines[:at]) if re.match(r"r\d+ ", line))
    assert re.match(r"r\d+ paragraph L72-83 \[column break healed\]$", header)
    assert lines[at + 1] == "   80 |" and lines[at + 2].startswith("   81 | 出了推动世界经济复苏")
    output = next(line for line in lines[at:] if line.startswith("      > "))
    assert "成功实践，提[-⏎⏎-]出了推动世界" in output
    assert "1-9[- -]月，全市网络零售额达[- -]938.4[- -]亿元" in text


def test_subhead_shows_the_inserted_space() -> None:
    rows = [row for row in sample_review().rows if row.role == "heading" and row.first_line == 340]
    assert [(s.kind, s.text) for s in rows[0].segments] == [
        ("keep", "消费新引擎"),
        ("del", "\n"),
        ("ins", " "),
        ("keep", "为“智慧名城”生活添彩"),
    ]


def test_jumped_article_rows() -> None:
    """Stitched halves: the markers become removed rows with their badges, the cut paragraph skips."""
    case = ROOT / "fixtures" / "zh-jump-multipage"
    review = build_review(convert((case / "input.txt").read_text(encoding="utf-8"), ZH))
    labels = {label for row in review.rows for label in (badge.label for badge in row.badges)}
    assert {"jumped article stitched", "paragraph rejoined across the jump", "running head removed"} <= labels
    removed = [row for row in review.rows if row.role == "removed"]
    assert [row.badges[0].label for row in removed] == [
        "continued from page 1",
        "continued on page 4",
    ]
    stitched = next(row for row in review.rows if "article-stitched" in row.kinds)
    assert [s.kind for s in stitched.segments].count("skip") == 1
    index = review.rows.index(stitched)
    assert review.rows[index - 1].role == "removed", (
        "'continued from' stands before the paragraph it continues"
    )


# --- the command ---------------------------------------------------------------------------------------


def test_cli_text_to_stdout_by_default() -> None:
    code, out, err = run_isolated("diff", str(SAMPLE))
    assert (code, err) == (0, "")
    assert out.decode("utf-8").startswith(f"reflow review of {SAMPLE} (rule set zh-newspaper)\n")
    assert b"\x1b" not in out


def test_cli_colour_only_on_a_terminal_without_no_color() -> None:
    with mock.patch.dict(os.environ, {"NO_COLOR": ""}):
        _, coloured, _ = run_isolated("diff", str(SAMPLE), tty=True)
    with mock.patch.dict(os.environ, {"NO_COLOR": "1"}):
        _, plain, _ = run_isolated("diff", str(SAMPLE), tty=True)
    assert b"\x1b[31;7m" in coloured and b"[-" not in coloured
    assert b"\x1b" not in plain and "[-⏎⏎-]".encode() in plain


def test_cli_html_by_default_with_output_file(tmp_path: Path) -> None:
    out = tmp_path / "review.html"
    code, stdout, err = run_isolated("diff", str(SAMPLE), "-o", str(out))
    assert (code, stdout, err) == (0, b"", "")
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "column breaks healed" in html


def test_cli_json_from_stdin_with_rules_and_encoding() -> None:
    data = SAMPLE.read_text(encoding="utf-8").encode("gb18030")
    code, out, _ = run_isolated(
        "diff", "-", "--format", "json", "-r", "zh-newspaper", "--encoding", "gb18030", stdin=data
    )
    assert code == 0
    parsed = json.loads(out)
    assert parsed["source"] == "<stdin>" and parsed["lines"] == 460


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["diff", "no-such-file.txt"], "no-such-file.txt: no such file"),
        (["diff", str(SAMPLE), "--encoding", "klingon"], "unknown encoding 'klingon'"),
        (["diff", str(SAMPLE), "-r", "no-such-rules"], "no-such-rules"),
        (["diff", str(SAMPLE), "--against-rules", "latin"], "--against-rules only applies with --against"),
        (["diff", str(SAMPLE_CASE / "expected.json")], "saved JSON output"),
        (["diff", str(ROOT / "fixtures")], "is a directory"),
    ],
)
def test_cli_user_errors_are_one_line(argv: list[str], message: str) -> None:
    code, out, err = run_isolated(*argv)
    assert code == 2 and out == b""
    assert err.startswith("reflow: error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert message in err


# --- escaping ------------------------------------------------------------------------------------------


def test_hostile_text_is_escaped_in_every_format() -> None:
    review = build_review(convert(HOSTILE, ZH, source_name='<img src=x onerror="alert(3)">.txt'))
    html = render_review_html(review)
    assert "<script>alert" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<script>") == 1
    text = render_review_text(review, colour=True)
    assert "\x1b[2J" not in text and "\u202e" not in text
    assert "␛[2J" in text and "<U+202E>" in text
    assert set(re.findall(r"\x1b\[[0-9;]*m", text)) <= {
        "\x1b[0m",
        "\x1b[1m",
        "\x1b[2m",
        "\x1b[33m",
        "\x1b[1;31m",
    } | {
        "\x1b[31;7m",
        "\x1b[32;7m",
    }
    data = json.loads(render_review_json(review))
    assert data["rows"][0]["lines"][0]["text"] == "<script>alert(1)</script>"


# --- in a real browser ---------------------------------------------------------------------------------

CHROMIUM = next(
    (found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))),
    None,
)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (apt-get install chromium chromium-driver; .ci/run installs it)",
)
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
)


def chromium(tmp_path: Path, *args: str) -> str:
    """Run headless Chromium with its own profile under ``tmp_path``; its standard output."""
    assert CHROMIUM is not None
    profile = tmp_path / "chromium-profile"
    result = subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def dump_dom(tmp_path: Path, page: Path, fragment: str = "") -> lxml.html.HtmlElement:
    """The page's DOM after its scripts ran, as Chromium serialises it."""
    dom = chromium(tmp_path, "--dump-dom", page.as_uri() + fragment)
    assert "<html" in dom, dom[:500]
    return lxml.html.document_fromstring(dom)


@pytest.fixture(scope="module")
def sample_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Review]:
    review = sample_review()
    page = tmp_path_factory.mktemp("report") / "review.html"
    page.write_text(render_review_html(review), encoding="utf-8")
    return page, review


def visible_rows(dom: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return [
        row
        for row in dom.xpath("//tr[contains(concat(' ', @class, ' '), ' row ')]")
        if row.get("hidden") is None
    ]


@needs_chromium
def test_browser_page_runs_its_script_and_shows_every_row(
    sample_page: tuple[Path, Review], tmp_path: Path
) -> None:
    page, review = sample_page
    dom = dump_dom(tmp_path, page)
    body = dom.find("body")
    assert body is not None and body.get("data-filter") == "", "the page's script did not run"
    assert len(visible_rows(dom)) == len(review.rows)
    assert dom.get_element_by_id("status").text_content() == f"{len(review.rows)} rows"


@needs_chromium
def test_browser_filter_by_kind(sample_page: tuple[Path, Review], tmp_path: Path) -> None:
    """``#filter=column-break`` is what clicking "column breaks healed" does: only those rows show."""
    page, review = sample_page
    dom = dump_dom(tmp_path, page, "#filter=column-break")
    wanted = [row.id for row in review.rows if "column-break" in row.kinds]
    assert len(wanted) == 10  # 11 column breaks; one paragraph heals two
    assert [row.get("id") for row in visible_rows(dom)] == wanted
    assert all("column-break" in str(row.get("data-kinds")).split() for row in visible_rows(dom))
    active = dom.xpath("//nav[@class='summary']/a[contains(@class, 'active')]")
    assert [link.get("data-kind") for link in active] == ["column-break"]
    assert dom.get_element_by_id("status").text_content() == f"10 of {len(review.rows)} rows shown"


@needs_chromium
def test_browser_source_line_links(sample_page: tuple[Path, Review], tmp_path: Path) -> None:
    """Every source line is a link target exactly once; every in-page link has its target; following
    a line link clears a filter."""
    page, review = sample_page
    dom = dump_dom(tmp_path, page, "#L79")
    ids = Counter(str(element.get("id")) for element in dom.iter() if element.get("id"))
    assert {f"L{n}" for n in range(1, 461)} <= set(ids)
    assert max(ids.values()) == 1
    for link in dom.xpath("//a[starts-with(@href, '#')]"):
        href = str(link.get("href"))
        assert href.startswith("#filter=") or href[1:] in ids, href
    line = dom.get_element_by_id("L79")
    assert line.xpath("string(a[@class='ln']/@href)") == "#L79"
    row = line.xpath("ancestor::tr")[0]
    assert row.xpath("string(.//a[@class='at']/@href)") == "#L72"
    assert "column break healed" in row.text_content()
    assert len(visible_rows(dom)) == len(review.rows)


@needs_chromium
def test_browser_hostile_dump_shows_text_and_runs_nothing(tmp_path: Path) -> None:
    review = build_review(convert(HOSTILE, ZH, source_name='<img src=x onerror="alert(3)">.txt'))
    page = tmp_path / "hostile.html"
    page.write_text(render_review_html(review), encoding="utf-8")
    dom = dump_dom(tmp_path, page)
    scripts = dom.xpath("//script")
    assert len(scripts) == 1 and "data-filter" in scripts[0].text_content()
    assert dom.xpath("//img") == [] and dom.xpath("//b") == []
    assert dom.xpath("//*[@onerror]") == []
    text = dom.text_content()
    assert "<script>alert(1)</script>" in text
    assert '"><img src=x onerror=alert(2)>' in text
    assert dom.find("head/title").text_content() == 'reflow review: <img src=x onerror="alert(3)">.txt'
    body = dom.find("body")
    assert body is not None and body.get("data-filter") == ""


@needs_chromium
def test_browser_screenshot(sample_page: tuple[Path, Review], tmp_path: Path) -> None:
    page, _ = sample_page
    shot = tmp_path / "review.png"
    chromium(tmp_path, "--window-size=1400,1000", f"--screenshot={shot}", page.as_uri())
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000
