"""Golden fixtures: ``fixtures/<case>/input.txt`` and hand-checked expected outputs.

``expected.json`` is the truth about the page (articles, headline stacks, datelines, blocks with their
source lines), written or corrected by hand; it is compared with reflow's JSON output without the
offset details. ``expected.tei.xml`` and ``expected.html`` are compared byte for byte, and so are the
review reports ``expected.review.txt`` and ``expected.review.json`` where a case has them.
Regenerate the TEI and HTML goldens with ``python -m pytest tests/test_fixtures.py --regen`` and review
the diff like code; ``expected.json`` is never regenerated.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from reflow import convert, load_ruleset
from reflow.render import render
from reflow.report import build_review, render_review_json, render_review_text
from tests.validators import assert_valid_tei

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CASES = sorted(path for path in FIXTURES.iterdir() if (path / "input.txt").is_file())
#: Written out here, not taken from reflow.evaluate: the test's own view of what a gold file holds.
ARTICLE_KEYS = ("headline", "kicker", "subheadline", "dateline", "byline", "continued_from", "continues_on")


def case_settings(case: Path) -> dict[str, Any]:
    with (case / "case.toml").open("rb") as handle:
        return tomllib.load(handle)


def converted(case: Path, fmt: str) -> str:
    settings = case_settings(case)
    text = (case / "input.txt").read_bytes().decode("utf-8")
    document = convert(text, load_ruleset(settings.get("ruleset", "zh-newspaper")), source_name="input.txt")
    if fmt == "review-text":
        return render_review_text(build_review(document))
    if fmt == "review-json":
        return render_review_json(build_review(document))
    return render(document, fmt)


GOLDEN_FILES = {
    "tei": "expected.tei.xml",
    "html": "expected.html",
    "review-text": "expected.review.txt",
    "review-json": "expected.review.json",
}


def projection(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The hand-checkable part of reflow's JSON: article fields and blocks without offsets.

    The test's own code (not :func:`reflow.evaluate.projection`): a bug there that dropped a field or a
    block text from both sides would otherwise make every comparison pass.
    """
    articles = []
    for article in data["articles"]:
        blocks = []
        for block in article["blocks"]:
            kept = {"type": block["type"], "text": block["text"], "lines": list(block["lines"])}
            if block["type"] == "heading":
                kept["level"] = block["level"]
            blocks.append(kept)
        articles.append({**{key: article.get(key) for key in ARTICLE_KEYS}, "blocks": blocks})
    return articles


def test_the_projection_keeps_what_a_reader_checks() -> None:
    """A hand-written case: ids, spans, jumps and sources go; texts, lines, levels and fields stay."""
    data = {
        "source": "page.txt",
        "articles": [
            {
                "id": "a1",
                "headline": "标题",
                "continued_from": "1",
                "jumps": [{"direction": "from", "page": "1"}],
                "blocks": [
                    {"type": "heading", "level": 2, "text": "一、标题", "lines": [3, 3], "spans": [[5, 9]]},
                    {"type": "paragraph", "text": "正文。", "lines": [4, 6], "spans": [[11, 14]]},
                ],
            }
        ],
    }
    assert projection(data) == [
        {
            "headline": "标题",
            "kicker": None,
            "subheadline": None,
            "dateline": None,
            "byline": None,
            "continued_from": "1",
            "continues_on": None,
            "blocks": [
                {"type": "heading", "level": 2, "text": "一、标题", "lines": [3, 3]},
                {"type": "paragraph", "text": "正文。", "lines": [4, 6]},
            ],
        }
    ]
    changed = json.loads(json.dumps(data))
    changed["articles"][0]["blocks"][1]["text"] = "别的。"
    assert projection(changed) != projection(data)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_expected_json_is_a_projection_with_every_block_text(case: Path) -> None:
    """The gold files hold text in every block and nothing the projection would silently drop."""
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    for article in expected["articles"]:
        assert set(article) <= {*ARTICLE_KEYS, "blocks"}, sorted(article)
        for block in article["blocks"]:
            assert block["text"].strip(), block
            assert set(block) <= {"type", "level", "text", "lines"}, sorted(block)


def xfail_if_known(case: Path) -> None:
    reason = case_settings(case).get("xfail")
    if reason:
        pytest.xfail(reason)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_structure_matches_the_hand_checked_truth(case: Path) -> None:
    expected = projection(json.loads((case / "expected.json").read_text(encoding="utf-8")))
    got = projection(json.loads(converted(case, "json")))
    assert [a["headline"] for a in got] == [a["headline"] for a in expected], "articles and headlines"
    for number, (want, have) in enumerate(zip(expected, got, strict=True), 1):
        for key in ARTICLE_KEYS:
            assert have[key] == want[key], f"article {number}: {key}"
        assert [(b["type"], b["lines"]) for b in have["blocks"]] == [
            (b["type"], b["lines"]) for b in want["blocks"]
        ], f"article {number}: block boundaries"
        assert have["blocks"] == want["blocks"], f"article {number}: block texts"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_tei_of_every_fixture_is_valid(case: Path) -> None:
    assert_valid_tei(converted(case, "tei"))


GOLDENS = [
    pytest.param(case, fmt, id=f"{case.name}-{fmt}")
    for case in CASES
    for fmt, name in GOLDEN_FILES.items()
    if not fmt.startswith("review") or (case / name).exists()
]


@pytest.mark.parametrize(("case", "fmt"), GOLDENS)
def test_rendered_golden(case: Path, fmt: str, request: pytest.FixtureRequest) -> None:
    """TEI and HTML goldens for every fixture; review report goldens (text, JSON) where a case has them."""
    golden = case / GOLDEN_FILES[fmt]
    output = converted(case, fmt)
    if request.config.getoption("--regen"):
        golden.write_text(output, encoding="utf-8")
    if not golden.exists():
        pytest.skip(f"{case.name} has no {golden.name}")
    assert output == golden.read_text(encoding="utf-8")
