"""The examples carried by the built-in rule files, run as tests (one test id per example)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from reflow import convert, load_ruleset
from reflow.ruleset import builtin_rulesets
from reflow.shadow import Shadow

RULESETS = [name for name, _description in builtin_rulesets()]


def conversion_examples() -> Iterator[Any]:
    for name in RULESETS:
        for number, example in enumerate(load_ruleset(name).examples, 1):
            ident = f"{name}-{number}-{example.title}"
            yield pytest.param(name, example.input, list(example.expected), id=ident)


@pytest.mark.parametrize(("ruleset", "text", "expected"), list(conversion_examples()))
def test_conversion_example(ruleset: str, text: str, expected: list[str]) -> None:
    document = convert(text, load_ruleset(ruleset))
    assert [block.text for article in document.articles for block in article.blocks] == expected


def pattern_examples() -> Iterator[Any]:
    for name in RULESETS:
        rules = load_ruleset(name)
        for table in ("markers", "furniture", "headings", "datelines", "end_cues", "flags"):
            for rule in getattr(rules, table):
                for text, expected in rule.examples:
                    ident = f"{name}-{rule.name}-{text}"
                    yield pytest.param(name, table, rule.name, text, expected, id=ident)


@pytest.mark.parametrize(("ruleset", "table", "rule", "text", "expected"), list(pattern_examples()))
def test_pattern_example(ruleset: str, table: str, rule: str, text: str, expected: str) -> None:
    """Markers give their page label; other rules the text they match ('' for no match).

    A marker's label is read where reflow reads it, from a conversion of the example (the article's
    ``continued_from``/``continues_on``, and the marker edit naming the rule), not re-extracted here.
    """
    rules = load_ruleset(ruleset)
    found = next(r for r in getattr(rules, table) if r.name == rule)
    if table == "markers":
        document = convert(text + "\n", rules)
        by_rule = [edit for edit in document.edits if edit.action == "marker" and edit.rule == rule]
        field = "continued_from" if found.direction == "from" else "continues_on"
        labels = [getattr(article, field) for article in document.articles if getattr(article, field)]
        assert (labels, len(by_rule)) == (([expected], 1) if expected else ([], 0))
        return
    match = found.pattern.search(Shadow(rules.matching.shadow)(text))
    got = text[match.start() : match.end()] if match else ""
    assert got == expected
