"""Accuracy against hand-checked truth: ``reflow eval`` scores a rule set, ``reflow gold`` starts a gold file.

A *gold file* is reflow's JSON shape without the offset details (:func:`projection`): articles with their
headline stack, dateline, byline, jump fields and body blocks (paragraphs and headings with their text and,
optionally, first/last source line), corrected by hand. A fixture folder (``input.txt``, ``case.toml``,
``expected.json``) is a gold case too. :func:`score` compares a conversion with the truth on character
positions (both sides aligned to the source, :mod:`reflow.goldalign`); every metric is defined in
``docs/evaluation.md`` and counted so that per-file counts add up to the micro-averaged total, and
:func:`page_means` gives the mean over pages besides.

>>> gold = {"articles": [{"headline": "H", "blocks": [
...     {"type": "paragraph", "text": "ab", "lines": [1, 2]},
...     {"type": "paragraph", "text": "cd", "lines": [3, 3]},
...     {"type": "paragraph", "text": "ef", "lines": [4, 5]}]}]}
>>> predicted = {"articles": [{"headline": "H", "blocks": [
...     {"type": "paragraph", "text": "abcd", "lines": [1, 3]},
...     {"type": "paragraph", "text": "ef", "lines": [4, 5]}]}]}
>>> scores = score(gold, predicted)
>>> scores.boundaries.recall, scores.boundaries.precision, scores.exact.rate
(0.6666666666666666, 1.0, 0.3333333333333333)
"""

from __future__ import annotations

import argparse
import difflib
import json
import math
import os
import re
import sys
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from reflow.goldalign import ROLES, Locator, Match, Reference, align_gold
from reflow.model import Document
from reflow.render.json import render_json
from reflow.ruleset import RuleSet

__all__ = [
    "ARTICLE_FIELDS",
    "BLOCK_TYPES",
    "TEXT_FIELDS",
    "GoldCase",
    "Overlap",
    "Rate",
    "Scores",
    "convert_file",
    "evaluate",
    "find_cases",
    "format_table",
    "gold_problems",
    "projection",
    "run_eval",
    "run_gold",
    "score",
]

JsonObject = dict[str, Any]

ARTICLE_FIELDS = ("headline", "kicker", "subheadline", "dateline", "byline", "continued_from", "continues_on")
"""The article keys a gold file holds besides ``blocks``, in output order."""
HEADLINE_FIELDS = ("headline", "kicker", "subheadline")
DATELINE_FIELDS = ("dateline", "byline")
JUMP_FIELDS = ("continued_from", "continues_on")
TEXT_FIELDS = HEADLINE_FIELDS + DATELINE_FIELDS
BLOCK_TYPES = ("paragraph", "heading")

_WHITESPACE = re.compile(r"\s+")
BOUNDARY_TOLERANCE = 1
"""How far (in non-whitespace characters) a predicted boundary may be from a gold one and still match."""


def projection(document_json: JsonObject) -> JsonObject:
    """The hand-checkable part of reflow's JSON output: ``{"articles": [...]}`` without ids and offsets.

    Each article keeps :data:`ARTICLE_FIELDS` (missing ones become ``None``) and its blocks as
    ``{"type", "level" (headings only), "text", "lines"}`` (``lines`` where the block has them: a gold
    file may leave them out). A projection projects to itself.

    >>> projection({"source": "p.txt", "articles": [{"id": "a1", "headline": "H", "jumps": [], "blocks": [
    ...     {"type": "heading", "level": 1, "text": "一、", "lines": [3, 3], "spans": [[9, 11]]}]}]})
    ... # doctest: +NORMALIZE_WHITESPACE
    {'articles': [{'headline': 'H', 'kicker': None, 'subheadline': None, 'dateline': None, 'byline': None,
      'continued_from': None, 'continues_on': None,
      'blocks': [{'type': 'heading', 'level': 1, 'text': '一、', 'lines': [3, 3]}]}]}
    """
    articles = []
    for article in document_json["articles"]:
        blocks = []
        for block in article["blocks"]:
            kept: JsonObject = {"type": block["type"]}
            if block["type"] == "heading":
                kept["level"] = block["level"]
            kept["text"] = block["text"]
            if "lines" in block:
                kept["lines"] = [block["lines"][0], block["lines"][1]]
            blocks.append(kept)
        articles.append({**{key: article.get(key) for key in ARTICLE_FIELDS}, "blocks": blocks})
    return {"articles": articles}


def gold_problems(data: object, *, lines_required: bool = True) -> list[str]:
    """What keeps ``data`` from being a gold file (or reflow JSON output); ``[]`` when it is one.

    With ``lines_required=False`` a block may leave out its ``lines`` (``reflow eval`` finds them by
    aligning its text to the source); given ones must still be right. An optional top-level
    ``line_roles`` must be a list of role names (:data:`reflow.goldalign.ROLES`).

    >>> block = {"type": "para", "text": "", "lines": [2, 1]}
    >>> gold_problems({"articles": [{"headline": 3, "blocks": [block]}]})  # doctest: +NORMALIZE_WHITESPACE
    ['articles[0].headline: expected a string or null, got 3',
     "articles[0].blocks[0].type: expected 'paragraph' or 'heading', got 'para'",
     'articles[0].blocks[0].lines: expected [first, last] line numbers with 1 <= first <= last, got [2, 1]']
    """
    if not isinstance(data, dict):
        return ["expected a JSON object with an 'articles' list"]
    articles = data.get("articles")
    if not isinstance(articles, list):
        return ["articles: expected a list of articles"]
    problems = _line_roles_problems(data["line_roles"]) if "line_roles" in data else []
    for number, article in enumerate(articles):
        where = f"articles[{number}]"
        if not isinstance(article, dict):
            problems.append(f"{where}: expected an object")
            continue
        for key in ARTICLE_FIELDS:
            value = article.get(key)
            if value is not None and not isinstance(value, str):
                problems.append(f"{where}.{key}: expected a string or null, got {value!r}")
        blocks = article.get("blocks")
        if not isinstance(blocks, list):
            problems.append(f"{where}.blocks: expected a list of blocks")
            continue
        for index, block in enumerate(blocks):
            problems.extend(_block_problems(block, f"{where}.blocks[{index}]", lines_required))
    return problems


def _line_roles_problems(roles: object) -> list[str]:
    if not isinstance(roles, list):
        return [f"line_roles: expected a list of role names, one per source line, got {roles!r}"]
    for number, role in enumerate(roles):
        if role not in ROLES:
            return [f"line_roles[{number}]: expected one of {', '.join(ROLES)}, got {role!r}"]
    return []


def _block_problems(block: object, where: str, lines_required: bool = True) -> list[str]:
    if not isinstance(block, dict):
        return [f"{where}: expected an object"]
    problems = []
    kind = block.get("type")
    if kind not in BLOCK_TYPES:
        problems.append(f"{where}.type: expected 'paragraph' or 'heading', got {kind!r}")
    level = block.get("level")
    if kind == "heading" and not (isinstance(level, int) and _is_int(level) and 1 <= level <= 6):
        problems.append(f"{where}.level: a heading needs a level from 1 to 6, got {level!r}")
    if not isinstance(block.get("text"), str):
        problems.append(f"{where}.text: expected a string")
    lines = block.get("lines")
    if "lines" not in block and not lines_required:
        return problems
    if not (
        isinstance(lines, list)
        and len(lines) == 2
        and all(_is_int(line) for line in lines)
        and 1 <= lines[0] <= lines[1]
    ):
        problems.append(
            f"{where}.lines: expected [first, last] line numbers with 1 <= first <= last, got {lines!r}"
        )
    return problems


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# --- Metrics --------------------------------------------------------------------------------------------


def _ratio(hits: int, total: int) -> float:
    """``hits / total``; 1.0 when there is nothing to count (nothing can be wrong)."""
    return hits / total if total else 1.0


@dataclass(frozen=True, slots=True)
class Overlap:
    """How many items of a gold and a predicted collection match: precision, recall and F1.

    >>> o = Overlap(matched=2, gold=3, predicted=2)
    >>> o.precision, round(o.recall, 3), o.f1
    (1.0, 0.667, 0.8)
    >>> Overlap(0, 0, 0).f1
    1.0
    """

    matched: int = 0
    gold: int = 0
    predicted: int = 0

    @property
    def precision(self) -> float:
        return _ratio(self.matched, self.predicted)

    @property
    def recall(self) -> float:
        return _ratio(self.matched, self.gold)

    @property
    def f1(self) -> float:
        """``2·matched / (gold + predicted)``: harmonic mean of precision and recall; 1.0 if both empty."""
        return _ratio(2 * self.matched, self.gold + self.predicted)

    @property
    def missing(self) -> int:
        return self.gold - self.matched

    @property
    def extra(self) -> int:
        return self.predicted - self.matched

    @property
    def perfect(self) -> bool:
        return self.matched == self.gold == self.predicted

    @property
    def empty(self) -> bool:
        """Nothing on either side: the scores are 100% by convention, and a page mean leaves it out."""
        return self.gold == self.predicted == 0

    def __add__(self, other: Overlap) -> Overlap:
        return Overlap(self.matched + other.matched, self.gold + other.gold, self.predicted + other.predicted)

    def as_json(self) -> JsonObject:
        return {
            "matched": self.matched,
            "gold": self.gold,
            "predicted": self.predicted,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


@dataclass(frozen=True, slots=True)
class Rate:
    """How many of the gold items the prediction got right.

    >>> Rate(correct=1, gold=2).rate
    0.5
    """

    correct: int = 0
    gold: int = 0

    @property
    def rate(self) -> float:
        return _ratio(self.correct, self.gold)

    @property
    def perfect(self) -> bool:
        return self.correct == self.gold

    @property
    def empty(self) -> bool:
        return self.gold == 0

    def __add__(self, other: Rate) -> Rate:
        return Rate(self.correct + other.correct, self.gold + other.gold)

    def as_json(self) -> JsonObject:
        return {"correct": self.correct, "gold": self.gold, "rate": self.rate}


@dataclass(frozen=True, slots=True)
class BCubed:
    """B-cubed clustering scores: per item, the share of its predicted cluster that is in its gold cluster
    (precision) and the share of its gold cluster that is in its predicted cluster (recall), summed.

    Sums add up over files; ``precision`` and ``recall`` are the sums over ``items``.

    >>> b = BCubed(precision_sum=4.0, recall_sum=2.0, items=4)   # one article of four read as two of two
    >>> b.precision, b.recall, round(b.f1, 3)
    (1.0, 0.5, 0.667)
    """

    precision_sum: float = 0.0
    recall_sum: float = 0.0
    items: int = 0

    @property
    def precision(self) -> float:
        return self.precision_sum / self.items if self.items else 1.0

    @property
    def recall(self) -> float:
        return self.recall_sum / self.items if self.items else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    @property
    def perfect(self) -> bool:
        return math.isclose(self.precision_sum, self.items) and math.isclose(self.recall_sum, self.items)

    @property
    def empty(self) -> bool:
        return self.items == 0

    def __add__(self, other: BCubed) -> BCubed:
        return BCubed(
            self.precision_sum + other.precision_sum,
            self.recall_sum + other.recall_sum,
            self.items + other.items,
        )

    def as_json(self) -> JsonObject:
        return {"items": self.items, "precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass(frozen=True, slots=True)
class Scores:
    """Every metric of one comparison (or, added up, of many: micro-averages). See docs/evaluation.md.

    ``boundaries``: where body blocks start, as character positions (within one character);
    ``exact``: gold blocks with a predicted block of the same text starting there; ``headings``: heading
    blocks by start, end and level; ``headline``/``stack``/``datelines``/``jumps``: aligned articles
    whose headline / headline stack (kicker, headline, subheadline as a multiset) / dateline and byline /
    jump fields are equal; ``articles``: B-cubed over gold paragraphs; ``characters``: non-whitespace
    characters of every text field.
    """

    boundaries: Overlap = Overlap()
    exact: Rate = Rate()
    headings: Overlap = Overlap()
    headline: Rate = Rate()
    stack: Rate = Rate()
    datelines: Rate = Rate()
    articles: BCubed = BCubed()
    jumps: Rate = Rate()
    characters: Overlap = Overlap()

    def __add__(self, other: Scores) -> Scores:
        return Scores(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def perfect(self) -> bool:
        """All metrics at 100%: the conversion is the truth."""
        return all(getattr(self, f.name).perfect for f in fields(self))

    def failing(self) -> list[str]:
        """Names of the metrics below 100%."""
        return [f.name for f in fields(self) if not getattr(self, f.name).perfect]

    def as_json(self) -> JsonObject:
        data: JsonObject = {f.name: getattr(self, f.name).as_json() for f in fields(self)}
        data["characters"]["missing"] = self.characters.missing
        data["characters"]["extra"] = self.characters.extra
        return data


METRICS: dict[str, tuple[str, Callable[[Scores], float], str]] = {
    "bnd-P": ("boundaries", lambda s: s.boundaries.precision, "paragraph boundaries, precision"),
    "bnd-R": ("boundaries", lambda s: s.boundaries.recall, "paragraph boundaries, recall"),
    "bnd-F1": ("boundaries", lambda s: s.boundaries.f1, "paragraph boundaries, F1"),
    "exact": ("exact", lambda s: s.exact.rate, "exact paragraphs"),
    "hdg-F1": ("headings", lambda s: s.headings.f1, "section headings, F1"),
    "headl": ("headline", lambda s: s.headline.rate, "headline correct"),
    "stack": ("stack", lambda s: s.stack.rate, "whole headline stack correct"),
    "datel": ("datelines", lambda s: s.datelines.rate, "dateline and byline correct"),
    "art-B3": ("articles", lambda s: s.articles.f1, "article split, B-cubed F1"),
    "jumps": ("jumps", lambda s: s.jumps.rate, "jumps correct"),
    "chr-F1": ("characters", lambda s: s.characters.f1, "characters, F1"),
}
"""The scores a table shows and ``--min`` takes: column name -> (Scores field, value, meaning)."""


def metric_value(scores: Scores, name: str) -> float | None:
    """The value of metric ``name`` (a :data:`METRICS` key), ``None`` when it has nothing to count."""
    field_name, value, _ = METRICS[name]
    return None if getattr(scores, field_name).empty else value(scores)


def page_means(pages: Sequence[Scores]) -> dict[str, float | None]:
    """Each metric's mean over the pages (gold cases) it applies to; ``None`` if it applies to none.

    A page where a metric has nothing to count on either side (no headings in gold or prediction) is
    left out of that metric's mean instead of counting as 100%.

    >>> page_means([Scores(exact=Rate(1, 2)), Scores(exact=Rate(1, 1)), Scores()])["exact"]
    0.75
    """
    means: dict[str, float | None] = {}
    for name in METRICS:
        values = [value for page in pages if (value := metric_value(page, name)) is not None]
        means[name] = sum(values) / len(values) if values else None
    return means


@dataclass(frozen=True, slots=True)
class _Side:
    """One side of a comparison: its articles (projected) and where each block is in the reference."""

    articles: list[JsonObject]
    blocks: list[list[Match | None]]


def score(gold: JsonObject, predicted: JsonObject, source: str | None = None) -> Scores:
    """Compare a conversion (reflow JSON or a projection) with the truth (a gold file).

    Both sides are placed on one reference text: ``source`` (the dump both come from; predicted blocks
    by their ``spans``, gold blocks and span-less predicted blocks by aligning their text, see
    :mod:`reflow.goldalign`), or without it the gold's own body text, block after block, where the
    predicted blocks are aligned. Gold blocks need no ``lines``.
    """
    if source is not None:
        reference = Reference(source)
        return _score(gold, predicted, reference, align_gold(gold, reference).blocks, use_spans=True)
    gold_articles = projection(gold)["articles"]
    texts = [block["text"] for article in gold_articles for block in article["blocks"]]
    reference = Reference("\n".join(_WHITESPACE.sub("", text) for text in texts))
    matches: list[list[Match | None]] = []
    line = 0
    for article in gold_articles:
        matches.append([])
        for _ in article["blocks"]:
            line += 1
            lo, hi = reference.line_range(line, line)
            matches[-1].append(Match(((lo, hi - lo),), hi - lo, hi - lo) if hi > lo else None)
    return _score(gold, predicted, reference, matches, use_spans=False)


def _score(
    gold: JsonObject,
    predicted: JsonObject,
    reference: Reference,
    gold_matches: Sequence[Sequence[Match | None]],
    *,
    use_spans: bool,
) -> Scores:
    gold_side, predicted_side, aligned = _sides(gold, predicted, reference, gold_matches, use_spans=use_spans)
    gold_articles, predicted_articles = gold_side.articles, predicted_side.articles
    return Scores(
        boundaries=_boundaries(gold_side, predicted_side),
        exact=_exact(gold_side, predicted_side),
        headings=_headings(gold_side, predicted_side),
        headline=_fields_equal(gold_articles, aligned, ("headline",)),
        stack=_stacks_equal(gold_articles, aligned),
        datelines=_fields_equal(gold_articles, aligned, DATELINE_FIELDS),
        articles=_bcubed(gold_side, predicted_side),
        jumps=_fields_equal(gold_articles, aligned, JUMP_FIELDS),
        characters=_overlap(_characters(gold_articles), _characters(predicted_articles)),
    )


def _sides(
    gold: JsonObject,
    predicted: JsonObject,
    reference: Reference,
    gold_matches: Sequence[Sequence[Match | None]],
    *,
    use_spans: bool,
) -> tuple[_Side, _Side, list[JsonObject | None]]:
    """Both sides placed on the reference, and for each gold article its aligned predicted one."""
    gold_side = _Side(projection(gold)["articles"], [list(blocks) for blocks in gold_matches])
    predicted_side = _place(predicted, reference, use_spans=use_spans)
    return gold_side, predicted_side, _align(gold_side, predicted_side)


def _place(predicted: JsonObject, reference: Reference, *, use_spans: bool) -> _Side:
    """The predicted blocks on the reference: by spans (exact), else by their text."""
    articles = predicted["articles"]
    placed: list[list[Match | None]] = []
    pending: list[tuple[int, int, JsonObject]] = []
    for number, article in enumerate(articles):
        placed.append([])
        for index, block in enumerate(article["blocks"]):
            runs = reference.span_runs(block["spans"]) if use_spans and block.get("spans") else ()
            size = sum(length for _, length in runs)
            placed[-1].append(Match(runs, size, size) if runs else None)
            if not runs:
                pending.append((number, index, block))
    if pending:
        locator = Locator(reference)
        for blocks in placed:
            for match in blocks:
                if match is not None:
                    locator.claim(match)
        near = 0
        for number, index, block in pending:
            lines = block.get("lines") if use_spans else None
            lo, hi = reference.line_range(*lines) if lines else (0, len(reference.text))
            match = locator.locate(block["text"], lo, hi, near=max(lo, near))
            if match is not None:
                locator.claim(match)
                near = match.last + 1
            placed[number][index] = match
    return _Side(projection(predicted)["articles"], placed)


def _overlap(gold: Counter[Any], predicted: Counter[Any]) -> Overlap:
    return Overlap((gold & predicted).total(), gold.total(), predicted.total())


def _near_matches(gold: Sequence[tuple[int, Any]], predicted: Sequence[tuple[int, Any]]) -> int:
    """One-to-one matches of ``(position, key)`` items with equal keys and positions at most 1 apart.

    >>> _near_matches([(10, 0), (20, 0), (30, 0)], [(11, 0), (19, 0), (32, 0)])
    2
    """
    by_key: dict[Any, tuple[list[int], list[int]]] = {}
    for position, key in gold:
        by_key.setdefault(key, ([], []))[0].append(position)
    for position, key in predicted:
        by_key.setdefault(key, ([], []))[1].append(position)
    matched = 0
    for wanted, found in by_key.values():
        wanted.sort()
        found.sort()
        i = j = 0
        while i < len(wanted) and j < len(found):
            if abs(wanted[i] - found[j]) <= BOUNDARY_TOLERANCE:
                matched += 1
                i += 1
                j += 1
            elif wanted[i] < found[j]:
                i += 1
            else:
                j += 1
    return matched


def _placed_blocks(side: _Side) -> Iterator[tuple[JsonObject, Match | None, int]]:
    """Every body block with its place and its article's index."""
    for number, (article, matches) in enumerate(zip(side.articles, side.blocks, strict=True)):
        for block, match in zip(article["blocks"], matches, strict=True):
            yield block, match, number


def _boundaries(gold: _Side, predicted: _Side) -> Overlap:
    def starts(side: _Side) -> tuple[list[tuple[int, Any]], int]:
        blocks = list(_placed_blocks(side))
        return [(match.first, None) for _, match, _ in blocks if match is not None], len(blocks)

    wanted, gold_count = starts(gold)
    found, predicted_count = starts(predicted)
    return Overlap(_near_matches(wanted, found), gold_count, predicted_count)


def _exact(gold: _Side, predicted: _Side) -> Rate:
    def keys(side: _Side) -> list[tuple[int, Any]]:
        return [(match.first, block["text"]) for block, match, _ in _placed_blocks(side) if match is not None]

    return Rate(_near_matches(keys(gold), keys(predicted)), sum(1 for _ in _placed_blocks(gold)))


def _headings(gold: _Side, predicted: _Side) -> Overlap:
    """Headings match by level, start (within one character) and end (likewise)."""

    def items(side: _Side) -> tuple[list[JsonObject], list[Match | None]]:
        found = [(block, match) for block, match, _ in _placed_blocks(side) if block["type"] == "heading"]
        return [block for block, _ in found], [match for _, match in found]

    gold_blocks, gold_matches = items(gold)
    predicted_blocks, predicted_matches = items(predicted)
    taken: set[int] = set()
    matched = 0
    for block, match in zip(gold_blocks, gold_matches, strict=True):
        if match is None:
            continue
        for index, (other, where) in enumerate(zip(predicted_blocks, predicted_matches, strict=True)):
            if (
                index not in taken
                and where is not None
                and other["level"] == block["level"]
                and abs(where.first - match.first) <= BOUNDARY_TOLERANCE
                and abs(where.last - match.last) <= BOUNDARY_TOLERANCE
            ):
                taken.add(index)
                matched += 1
                break
    return Overlap(matched, len(gold_blocks), len(predicted_blocks))


def _align(gold: _Side, predicted: _Side) -> list[JsonObject | None]:
    """For each gold article, the predicted article whose first body block starts where the gold
    article's does (within one character), or ``None``. Articles without body blocks (or whose first
    block was not placed) are aligned in order among themselves."""
    by_start: dict[int, JsonObject] = {}
    unplaced: list[JsonObject] = []
    for article, matches in zip(predicted.articles, predicted.blocks, strict=True):
        if matches and matches[0] is not None:
            by_start.setdefault(matches[0].first, article)
        else:
            unplaced.append(article)
    aligned: list[JsonObject | None] = []
    taken: set[int] = set()
    for matches in gold.blocks:
        if matches and matches[0] is not None:
            start = matches[0].first
            near = [p for p in (start, start - 1, start + 1) if p in by_start and p not in taken]
            taken.update(near[:1])
            aligned.append(by_start[near[0]] if near else None)
        else:
            aligned.append(unplaced.pop(0) if unplaced else None)
    return aligned


def _normal(text: str | None) -> str | None:
    return None if text is None else _WHITESPACE.sub(" ", text).strip()


def _fields_equal(
    gold: Sequence[JsonObject], aligned: Sequence[JsonObject | None], keys: Sequence[str]
) -> Rate:
    correct = sum(
        1
        for want, have in zip(gold, aligned, strict=True)
        if have is not None and all(_normal(want[key]) == _normal(have[key]) for key in keys)
    )
    return Rate(correct, len(gold))


def _stack(article: JsonObject) -> Counter[str]:
    return Counter(text for key in HEADLINE_FIELDS if (text := _normal(article[key])))


def _stacks_equal(gold: Sequence[JsonObject], aligned: Sequence[JsonObject | None]) -> Rate:
    """Aligned articles with the same headline stack strings, whichever field each is in."""
    correct = sum(
        1
        for want, have in zip(gold, aligned, strict=True)
        if have is not None and _stack(want) == _stack(have)
    )
    return Rate(correct, len(gold))


def _bcubed(gold: _Side, predicted: _Side) -> BCubed:
    """B-cubed over gold body blocks: a block's gold cluster is its article; its predicted cluster is the
    predicted article whose block holds the gold block's first character (or the next one: a predicted
    block that lost an opening quote). A gold block no predicted block holds is a cluster of its own."""
    owner: dict[int, int] = {}
    for _, match, number in _placed_blocks(predicted):
        if match is not None:
            for position in match.positions():
                owner.setdefault(position, number)
    items: list[tuple[int, object]] = []
    for index, (_, match, number) in enumerate(_placed_blocks(gold)):
        cluster: object = ("alone", index)
        if match is not None:
            start = match.first
            found = next((owner[p] for p in (start, start + 1) if p in owner), None)
            if found is not None:
                cluster = found
        items.append((number, cluster))
    gold_sizes = Counter(number for number, _ in items)
    predicted_sizes = Counter(cluster for _, cluster in items)
    both = Counter(items)
    precision = sum(both[item] / predicted_sizes[item[1]] for item in items)
    recall = sum(both[item] / gold_sizes[item[0]] for item in items)
    return BCubed(precision, recall, len(items))


def _characters(articles: Iterable[JsonObject]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for article in articles:
        for key in TEXT_FIELDS:
            if article[key]:
                counts.update(_WHITESPACE.sub("", article[key]))
        for block in article["blocks"]:
            counts.update(_WHITESPACE.sub("", block["text"]))
    return counts


# --- Gold cases -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoldCase:
    """One gold file and the input and rule set to convert for it."""

    name: str
    gold: Path
    input: Path
    rules: str
    xfail: str = ""


def _usage_error(message: str) -> Exception:
    from reflow.cli import UsageError  # the CLI imports this module lazily; no cycle at import time

    return UsageError(message)


def _rules_value(value: str, base: Path) -> str:
    """A rule set named in a gold file or case.toml: a built-in name, or a path relative to ``base``."""
    if value.endswith(".toml") or "/" in value:
        return str(base / value) if not Path(value).is_absolute() else value
    return value


def find_cases(
    names: Sequence[str], default_rules: str, *, skipped: list[str] | None = None
) -> list[GoldCase]:
    """The gold cases named on the command line: fixture folders, folders of them, or gold JSON files.

    A folder with no ``expected.json`` that holds no fixture folder either (a fixture of another kind,
    such as the re-encoded inputs) is skipped: a note saying so goes to ``skipped`` when given, else the
    folder is an error.
    """
    cases: list[GoldCase] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            if (path / "expected.json").is_file():
                cases.append(_fixture_case(path, name, default_rules))
                continue
            inner = sorted(p for p in path.iterdir() if (p / "expected.json").is_file())
            if not inner:
                if skipped is None:
                    raise _usage_error(f"{name}: not a fixture folder (no expected.json) and holds none")
                skipped.append(f"skipped {name}: no expected.json (not a gold case)")
                continue
            cases.extend(_fixture_case(p, str(p), default_rules) for p in inner)
        elif path.is_file():
            if path.name == "expected.json" and (path.parent / "case.toml").is_file():
                cases.append(_fixture_case(path.parent, name, default_rules))
            else:
                cases.append(_file_case(path, name, default_rules))
        else:
            raise _usage_error(f"{name}: no such gold file or fixture folder")
    return cases


def _fixture_case(folder: Path, name: str, default_rules: str) -> GoldCase:
    source = folder / "input.txt"
    if not source.is_file():
        raise _usage_error(f"{folder}: fixture folder without input.txt")
    settings: JsonObject = {}
    if (folder / "case.toml").is_file():
        try:
            settings = tomllib.loads((folder / "case.toml").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise _usage_error(f"{folder / 'case.toml'}: cannot read ({error})") from None
    rules = settings.get("ruleset", default_rules)
    xfail = settings.get("xfail", "")
    if not isinstance(rules, str):
        raise _usage_error(f"{folder / 'case.toml'}: ruleset: expected a rule set name or file")
    return GoldCase(name, folder / "expected.json", source, _rules_value(rules, folder), str(xfail or ""))


def _file_case(path: Path, name: str, default_rules: str) -> GoldCase:
    data = _read_gold(path)
    candidates = []
    if isinstance(data.get("source"), str) and data["source"]:
        candidates.append(path.parent / data["source"])
    candidates.append(path.with_suffix(".txt"))
    source = next((candidate for candidate in candidates if candidate.is_file()), None)
    if source is None:
        tried = " or ".join(str(candidate) for candidate in candidates)
        raise _usage_error(
            f"{name}: no input found (tried {tried}); put the raw dump beside the gold file with the "
            'same name and .txt, or give its path relative to the gold file in "source"'
        )
    rules = data.get("ruleset")
    rules = _rules_value(rules, path.parent) if isinstance(rules, str) and rules else default_rules
    return GoldCase(name, path, source, rules)


def _read_gold(path: Path) -> JsonObject:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise _usage_error(f"{path}: cannot read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise _usage_error(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise _usage_error(
            f"{path}: not valid JSON (line {error.lineno} column {error.colno}: {error.msg})"
        ) from None
    problems = gold_problems(data, lines_required=False)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise _usage_error(f"{path}: {problems[0]}{more}")
    assert isinstance(data, dict)
    return data


def convert_file(path: Path | str, ruleset: RuleSet, encoding: str = "auto") -> JsonObject:
    """Convert a raw dump (``-`` for standard input) and return reflow's JSON output as data."""
    from reflow.cli import read_input
    from reflow.pipeline import convert_bytes

    name = str(path)
    data = read_input(name)
    try:
        document: Document = convert_bytes(
            data, ruleset, source_name="<stdin>" if name == "-" else name, encoding=encoding
        )
    except LookupError:
        raise _usage_error(f"unknown encoding {encoding!r}; use a Python codec name or auto") from None
    result: JsonObject = json.loads(render_json(document))
    return result


# --- Commands -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseResult:
    """One scored gold case: its scores, and the gold texts that could not be found in its source."""

    case: GoldCase
    scores: Scores
    problems: tuple[str, ...] = ()


def convert_case(case: GoldCase, ruleset: RuleSet) -> tuple[JsonObject, str]:
    """Convert a case's input: reflow's JSON output as data, and the source text its offsets refer to."""
    from reflow.cli import read_input
    from reflow.pipeline import convert_bytes

    document = convert_bytes(read_input(str(case.input)), ruleset, source_name=str(case.input))
    result: JsonObject = json.loads(render_json(document))
    return result, document.source


def score_case(gold: JsonObject, predicted: JsonObject, source: str) -> tuple[Scores, tuple[str, ...]]:
    """:func:`score` against ``source``, and what of the gold could not be found in it."""
    reference = Reference(source)
    alignment = align_gold(gold, reference)
    return _score(gold, predicted, reference, alignment.blocks, use_spans=True), alignment.problems


#: The outcomes :func:`headline_outcomes` tells apart, in report order.
HEADLINE_OUTCOMES = ("right", "not aligned", "another title", "part of it", "none", "spaces", "other")


def headline_outcomes(gold: JsonObject, predicted: JsonObject, source: str) -> Counter[str]:
    """What became of each gold article's headline (the ``headl`` metric, taken apart): ``right``; the
    article is ``not aligned`` (no predicted article starts where its text does); it got ``another
    title`` of the page, or ``part of it`` (a piece of its own title), or ``none``; only ``spaces``
    differ; or ``other`` (a gold article without a headline got one, or a mix)."""
    reference = Reference(source)
    gold_side, _, aligned = _sides(
        gold, predicted, reference, align_gold(gold, reference).blocks, use_spans=True
    )

    def bare(text: str | None) -> str:
        return "".join((text or "").split())

    titles = {bare(article["headline"]) for article in gold_side.articles if article["headline"]}
    outcomes: Counter[str] = Counter()
    for want, have in zip(gold_side.articles, aligned, strict=True):
        wanted, got = _normal(want["headline"]), None if have is None else _normal(have["headline"])
        if have is None:
            outcome = "not aligned"
        elif wanted == got:
            outcome = "right"
        elif wanted is None:
            outcome = "other"
        elif got is None:
            outcome = "none"
        elif bare(wanted) == bare(got):
            outcome = "spaces"
        elif bare(got) in titles:
            outcome = "another title"
        elif bare(got) in bare(wanted):
            outcome = "part of it"
        else:
            outcome = "other"
        outcomes[outcome] += 1
    return outcomes


def evaluate(cases: Sequence[GoldCase], rules_override: str | None = None) -> list[tuple[GoldCase, Scores]]:
    """Convert and score every case (each rule set loaded once)."""
    return [(result.case, result.scores) for result in evaluate_cases(cases, rules_override)]


def evaluate_cases(cases: Sequence[GoldCase], rules_override: str | None = None) -> list[CaseResult]:
    """Convert and score every case (each rule set loaded once), with the gold problems of each."""
    from reflow.cli import load_rules

    loaded: dict[str, RuleSet] = {}
    results = []
    for case in cases:
        rules = rules_override or case.rules
        if rules not in loaded:
            loaded[rules] = load_rules(rules)
        predicted, source = convert_case(case, loaded[rules])
        scores, problems = score_case(_read_gold(case.gold), predicted, source)
        results.append(CaseResult(case, scores, problems))
    return results


def parse_floors(values: Sequence[str]) -> dict[str, float]:
    """``--min METRIC=VALUE`` arguments as ``{metric: fraction}``; VALUE is a fraction (0.95) or a
    percentage (95 or 95%). A bad one is a :class:`~reflow.cli.UsageError` naming the metrics.

    >>> parse_floors(["bnd-F1=0.95", "exact=90%", "chr-F1=99.5"])
    {'bnd-F1': 0.95, 'exact': 0.9, 'chr-F1': 0.995}
    """
    floors: dict[str, float] = {}
    for value in values:
        name, equals, number = value.partition("=")
        name = name.strip()
        if name not in METRICS:
            hint = difflib.get_close_matches(name, METRICS, n=1)
            mean = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise _usage_error(
                f"--min {value}: unknown metric {name!r}{mean}; use one of {', '.join(METRICS)}"
            )
        text = number.strip().removesuffix("%")
        try:
            floor = float(text) if equals else math.nan
        except ValueError:
            floor = math.nan
        if not 0 <= floor <= 100:
            raise _usage_error(f"--min {value}: expected METRIC=VALUE with VALUE from 0 to 1 (or 0% to 100%)")
        floors[name] = floor / 100 if floor > 1 or number.strip().endswith("%") else floor
    return floors


def below_floors(floors: dict[str, float], total: Scores, means: dict[str, float | None]) -> list[str]:
    """One line per floor that the micro-averaged total or the page mean of its metric is below."""
    failures = []
    for name, floor in floors.items():
        for label, value in (("total", metric_value(total, name)), ("page mean", means[name])):
            if value is not None and value < floor:
                failures.append(f"{name} {label} {_percent(value)}% is below its floor {floor * 100:g}%")
    return failures


def run_eval(args: argparse.Namespace) -> int:
    """``reflow eval GOLD... [-r R] [--format text|json] [--min METRIC=VALUE]...``."""
    from reflow.cli import DEFAULT_RULESET

    floors = parse_floors(getattr(args, "min", None) or [])
    skipped: list[str] = []
    cases = find_cases(args.gold, DEFAULT_RULESET, skipped=skipped)
    for note in skipped:
        print(f"reflow eval: {note}", file=sys.stderr)
    if not cases:
        raise _usage_error("no gold case to score (every folder given was skipped)")
    results = evaluate_cases(cases, args.rules)
    for result in results:
        for problem in result.problems:
            print(f"reflow eval: {result.case.gold}: {problem}; scored as missed", file=sys.stderr)
    pages = [result.scores for result in results]
    total = sum(pages, Scores())
    means = page_means(pages)
    if args.format == "json":
        data = {
            "files": [
                {
                    "gold": result.case.name,
                    "input": str(result.case.input),
                    "ruleset": args.rules or result.case.rules,
                    "perfect": result.scores.perfect,
                    "problems": list(result.problems),
                    "scores": result.scores.as_json(),
                }
                for result in results
            ],
            "total": {"perfect": total.perfect, "scores": total.as_json()},
            "mean": {"pages": len(pages), "scores": means},
        }
        print(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        print(format_table([(result.case.name, result.scores) for result in results], total, means), end="")
    failures = below_floors(floors, total, means)
    for failure in failures:
        print(f"reflow eval: {failure}", file=sys.stderr)
    return 1 if failures else 0


_LEGEND = """\
bnd     paragraph boundaries: where body blocks start, as character positions, within 1 character (P, R, F1)
exact   gold blocks with a predicted block of the same text starting there
hdg     section headings, matched by start, end and level (F1)
headl   gold articles whose headline is right
stack   gold articles whose headline stack (kicker, headline, subheadline as a set of strings) is right
datel   gold articles whose dateline and byline are right
art-B3  article split: B-cubed F1 over gold paragraphs
jumps   gold articles whose continued_from and continues_on are right
chr     non-whitespace characters of all text (F1; missing/extra counts)
TOTAL sums the counts of all files (micro-average); MEAN averages each metric over the files (pages) it
applies to, as per-page benchmarks do. Percent, rounded down (100.0 is exact). See docs/evaluation.md.
"""


def _percent(value: float) -> str:
    """Rounded down, so that ``100.0`` always means perfect."""
    return f"{math.floor(value * 1000 + 1e-9) / 10:.1f}"


def _row(scores: Scores) -> list[str]:
    cells = [_percent(value(scores)) for _, value, _ in METRICS.values()]
    return [*cells, f"{scores.characters.missing}/{scores.characters.extra}"]


def _mean_row(means: dict[str, float | None], pages: Sequence[Scores]) -> list[str]:
    cells = ["-" if (value := means[name]) is None else _percent(value) for name in METRICS]
    count = max(len(pages), 1)
    missing = sum(page.characters.missing for page in pages) / count
    extra = sum(page.characters.extra for page in pages) / count
    return [*cells, f"{missing:.1f}/{extra:.1f}"]


def format_table(
    rows: Sequence[tuple[str, Scores]], total: Scores, means: dict[str, float | None] | None = None
) -> str:
    """The text report of ``reflow eval``: a row per gold file, TOTAL (micro) and MEAN rows, a legend."""
    means = page_means([scores for _, scores in rows]) if means is None else means
    columns = (*METRICS, "chr-/+")
    named = [(name, _row(scores)) for name, scores in rows]
    named += [("TOTAL", _row(total)), ("MEAN", _mean_row(means, [scores for _, scores in rows]))]
    width = max(len("gold"), *(len(name) for name, _ in named))
    widths = [max(len(column), *(len(cells[i]) for _, cells in named)) for i, column in enumerate(columns)]

    def line(name: str, cells: Sequence[str]) -> str:
        return (
            f"{name:<{width}}  " + "  ".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True)) + "\n"
        )

    return line("gold", columns) + "".join(line(name, cells) for name, cells in named) + "\n" + _LEGEND


def run_gold(args: argparse.Namespace) -> int:
    """``reflow gold INPUT [-r R] [-o OUT]``: reflow's output as a gold file, to be corrected by hand."""
    from reflow.cli import load_rules, write_output

    ruleset = load_rules(args.rules)
    output = args.output if args.output not in (None, "-") else None
    data = convert_file(args.input, ruleset, args.encoding)
    source = "<stdin>" if args.input == "-" else args.input
    rules = args.rules
    if output is not None:
        base = Path(output).resolve().parent
        if args.input != "-":
            source = Path(os.path.relpath(Path(args.input).resolve(), base)).as_posix()
        if rules.endswith(".toml") or "/" in rules:
            rules = Path(os.path.relpath(Path(rules).resolve(), base)).as_posix()
    gold = {"ruleset": rules, "source": source, **projection(data)}
    write_output(json.dumps(gold, ensure_ascii=False, indent=1) + "\n", output)
    return 0
