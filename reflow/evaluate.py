"""Accuracy against hand-checked truth: ``reflow eval`` scores a rule set, ``reflow gold`` starts a gold file.

A *gold file* is reflow's JSON shape without the offset details (:func:`projection`): articles with their
headline stack, dateline, byline, jump fields and body blocks (paragraphs and headings with their text and
first/last source line), corrected by hand. A fixture folder (``input.txt``, ``case.toml``,
``expected.json``) is a gold case too. :func:`score` compares a conversion with the truth; every metric is
defined in ``docs/review.md`` and counted so that per-file counts add up to the micro-averaged total.

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
import json
import math
import os
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

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


def projection(document_json: JsonObject) -> JsonObject:
    """The hand-checkable part of reflow's JSON output: ``{"articles": [...]}`` without ids and offsets.

    Each article keeps :data:`ARTICLE_FIELDS` (missing ones become ``None``) and its blocks as
    ``{"type", "level" (headings only), "text", "lines"}``. A projection projects to itself.

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
            kept["lines"] = [block["lines"][0], block["lines"][1]]
            blocks.append(kept)
        articles.append({**{key: article.get(key) for key in ARTICLE_FIELDS}, "blocks": blocks})
    return {"articles": articles}


def gold_problems(data: object) -> list[str]:
    """What keeps ``data`` from being a gold file (or reflow JSON output); ``[]`` when it is one.

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
    problems = []
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
            problems.extend(_block_problems(block, f"{where}.blocks[{index}]"))
    return problems


def _block_problems(block: object, where: str) -> list[str]:
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

    def __add__(self, other: Rate) -> Rate:
        return Rate(self.correct + other.correct, self.gold + other.gold)

    def as_json(self) -> JsonObject:
        return {"correct": self.correct, "gold": self.gold, "rate": self.rate}


@dataclass(frozen=True, slots=True)
class Scores:
    """Every metric of one comparison (or, added up, of many: micro-averages).

    ``boundaries``: first lines of body blocks; ``exact``: blocks with equal lines and text;
    ``headings``: heading blocks by lines and level; ``headlines``/``datelines``/``jumps``: aligned articles
    whose headline stack / dateline and byline / jump fields are all equal; ``articles``: pairs of gold
    paragraphs in the same article; ``characters``: non-whitespace characters of every text field.
    """

    boundaries: Overlap = Overlap()
    exact: Rate = Rate()
    headings: Overlap = Overlap()
    headlines: Rate = Rate()
    datelines: Rate = Rate()
    articles: Overlap = Overlap()
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


def score(gold: JsonObject, predicted: JsonObject) -> Scores:
    """Compare a conversion (reflow JSON or a projection) with the truth (a gold file)."""
    gold_articles = projection(gold)["articles"]
    predicted_articles = projection(predicted)["articles"]
    gold_blocks = [block for article in gold_articles for block in article["blocks"]]
    predicted_blocks = [block for article in predicted_articles for block in article["blocks"]]
    aligned = _align(gold_articles, predicted_articles)
    return Scores(
        boundaries=_overlap(_starts(gold_blocks), _starts(predicted_blocks)),
        exact=_exact(gold_blocks, predicted_blocks),
        headings=_overlap(_headings(gold_blocks), _headings(predicted_blocks)),
        headlines=_fields_equal(gold_articles, aligned, HEADLINE_FIELDS),
        datelines=_fields_equal(gold_articles, aligned, DATELINE_FIELDS),
        articles=_same_article_pairs(gold_articles, predicted_articles),
        jumps=_fields_equal(gold_articles, aligned, JUMP_FIELDS),
        characters=_overlap(_characters(gold_articles), _characters(predicted_articles)),
    )


def _overlap(gold: Counter[Any], predicted: Counter[Any]) -> Overlap:
    return Overlap((gold & predicted).total(), gold.total(), predicted.total())


def _starts(blocks: Iterable[JsonObject]) -> Counter[int]:
    """The set of source lines where a body block starts (a set: counts are 1)."""
    return Counter({block["lines"][0] for block in blocks})


def _headings(blocks: Iterable[JsonObject]) -> Counter[tuple[int, int, int]]:
    return Counter(
        (block["lines"][0], block["lines"][1], block["level"])
        for block in blocks
        if block["type"] == "heading"
    )


def _exact(gold: Sequence[JsonObject], predicted: Sequence[JsonObject]) -> Rate:
    def keys(blocks: Sequence[JsonObject]) -> Counter[tuple[int, int, str]]:
        return Counter((block["lines"][0], block["lines"][1], block["text"]) for block in blocks)

    return Rate((keys(gold) & keys(predicted)).total(), len(gold))


def _article_key(article: JsonObject, blockless: int) -> tuple[str, int]:
    blocks = article["blocks"]
    return ("line", blocks[0]["lines"][0]) if blocks else ("blockless", blockless)


def _keys(articles: Sequence[JsonObject]) -> Iterator[tuple[str, int]]:
    blockless = 0
    for article in articles:
        yield _article_key(article, blockless)
        if not article["blocks"]:
            blockless += 1


def _align(gold: Sequence[JsonObject], predicted: Sequence[JsonObject]) -> list[JsonObject | None]:
    """For each gold article, the predicted article with the same first body line (or ``None``).

    Articles without body blocks are aligned in order among themselves.
    """
    by_key: dict[tuple[str, int], JsonObject] = {}
    for key, article in zip(_keys(predicted), predicted, strict=True):
        by_key.setdefault(key, article)
    return [by_key.get(key) for key in _keys(gold)]


def _fields_equal(
    gold: Sequence[JsonObject], aligned: Sequence[JsonObject | None], keys: Sequence[str]
) -> Rate:
    correct = sum(
        1
        for want, have in zip(gold, aligned, strict=True)
        if have is not None and all(want[key] == have[key] for key in keys)
    )
    return Rate(correct, len(gold))


def _same_article_pairs(gold: Sequence[JsonObject], predicted: Sequence[JsonObject]) -> Overlap:
    """Pairs of gold paragraphs (by first line) in one article: gold pairs against predicted pairs.

    Counted without listing the pairs: ``n`` paragraphs in one cell of the gold-article x
    predicted-article table make ``n·(n-1)/2`` pairs.
    """
    gold_article: dict[int, int] = {}
    for number, article in enumerate(gold):
        for block in article["blocks"]:
            gold_article.setdefault(block["lines"][0], number)
    owner = _line_owner(predicted)
    cells: Counter[tuple[int, int]] = Counter()
    predicted_sizes: Counter[int] = Counter()
    for line, number in gold_article.items():
        found = owner.get(line)
        if found is not None:
            cells[number, found] += 1
            predicted_sizes[found] += 1
    gold_sizes = Counter(gold_article.values())
    return Overlap(
        matched=sum(math.comb(n, 2) for n in cells.values()),
        gold=sum(math.comb(n, 2) for n in gold_sizes.values()),
        predicted=sum(math.comb(n, 2) for n in predicted_sizes.values()),
    )


def _line_owner(articles: Sequence[JsonObject]) -> dict[int, int]:
    """Source line -> index of the article whose block covers it; the narrowest block wins.

    A stitched paragraph ``[34, 55]`` spans the lines of other articles printed in between; their own,
    narrower blocks keep those lines.
    """
    spans = sorted(
        (
            (block["lines"][1] - block["lines"][0], block["lines"][0], block["lines"][1], number)
            for number, article in enumerate(articles)
            for block in article["blocks"]
        ),
        reverse=True,
    )
    owner: dict[int, int] = {}
    for _, first, last, number in spans:
        owner.update(dict.fromkeys(range(first, last + 1), number))
    return owner


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


def find_cases(names: Sequence[str], default_rules: str) -> list[GoldCase]:
    """The gold cases named on the command line: fixture folders, folders of them, or gold JSON files."""
    cases: list[GoldCase] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            if (path / "expected.json").is_file():
                cases.append(_fixture_case(path, name, default_rules))
                continue
            inner = sorted(p for p in path.iterdir() if (p / "expected.json").is_file())
            if not inner:
                raise _usage_error(f"{name}: not a fixture folder (no expected.json) and holds none")
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
    problems = gold_problems(data)
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


def evaluate(cases: Sequence[GoldCase], rules_override: str | None = None) -> list[tuple[GoldCase, Scores]]:
    """Convert and score every case (each rule set loaded once)."""
    from reflow.cli import load_rules

    loaded: dict[str, RuleSet] = {}
    results = []
    for case in cases:
        rules = rules_override or case.rules
        if rules not in loaded:
            loaded[rules] = load_rules(rules)
        predicted = convert_file(case.input, loaded[rules])
        results.append((case, score(_read_gold(case.gold), predicted)))
    return results


def run_eval(args: argparse.Namespace) -> int:
    """``reflow eval GOLD... [-r R] [--format text|json]``."""
    from reflow.cli import DEFAULT_RULESET

    cases = find_cases(args.gold, DEFAULT_RULESET)
    results = evaluate(cases, args.rules)
    total = sum((scores for _, scores in results), Scores())
    if args.format == "json":
        data = {
            "files": [
                {
                    "gold": case.name,
                    "input": str(case.input),
                    "ruleset": args.rules or case.rules,
                    "perfect": scores.perfect,
                    "scores": scores.as_json(),
                }
                for case, scores in results
            ],
            "total": {"perfect": total.perfect, "scores": total.as_json()},
        }
        print(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        print(format_table([(case.name, scores) for case, scores in results], total), end="")
    return 0


_COLUMNS = (
    "bnd-P",
    "bnd-R",
    "bnd-F1",
    "exact",
    "hdg-F1",
    "headl",
    "datel",
    "art-F1",
    "jumps",
    "chr-F1",
    "chr-/+",
)
_LEGEND = """\
bnd     paragraph boundaries: the source lines where body blocks start (precision, recall, F1)
exact   gold blocks with a predicted block of the same lines and text
hdg     section headings, matched by lines and level (F1)
headl   gold articles whose headline, kicker and subheadline are right
datel   gold articles whose dateline and byline are right
art     pairs of gold paragraphs in one article, against the predicted articles (F1)
jumps   gold articles whose continued_from and continues_on are right
chr     non-whitespace characters of all text (F1; missing/extra counts)
All in percent, rounded down (100.0 is exact); articles aligned by first body line. See docs/review.md.
"""


def _percent(value: float) -> str:
    """Rounded down, so that ``100.0`` always means perfect."""
    return f"{math.floor(value * 1000) / 10:.1f}"


def _row(scores: Scores) -> list[str]:
    return [
        _percent(scores.boundaries.precision),
        _percent(scores.boundaries.recall),
        _percent(scores.boundaries.f1),
        _percent(scores.exact.rate),
        _percent(scores.headings.f1),
        _percent(scores.headlines.rate),
        _percent(scores.datelines.rate),
        _percent(scores.articles.f1),
        _percent(scores.jumps.rate),
        _percent(scores.characters.f1),
        f"{scores.characters.missing}/{scores.characters.extra}",
    ]


def format_table(rows: Sequence[tuple[str, Scores]], total: Scores) -> str:
    """The text report of ``reflow eval``: one row per gold file, a TOTAL row, a legend."""
    named = [(name, _row(scores)) for name, scores in rows] + [("TOTAL", _row(total))]
    width = max(len("gold"), *(len(name) for name, _ in named))
    widths = [max(len(column), *(len(cells[i]) for _, cells in named)) for i, column in enumerate(_COLUMNS)]

    def line(name: str, cells: Sequence[str]) -> str:
        return (
            f"{name:<{width}}  " + "  ".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True)) + "\n"
        )

    text = line("gold", _COLUMNS)
    for name, cells in named[:-1]:
        text += line(name, cells)
    text += line("TOTAL", named[-1][1])
    return text + "\n" + _LEGEND


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
