"""Accuracy over a corpus of gold pages: every metric of ``reflow eval`` per split and per layout family,
a confusion table of line roles, how many titles are read as titles, and conversion speed.

A corpus is ``CORPUS_DIR/<split>/<case>/{input.txt, expected.json, case.toml}``; ``case.toml`` may name a
``ruleset`` and hold a ``[layout]`` table (``engine``, ``columns``, ``setting``, ``headline``,
``interleaved``, ``script``, ``family`` ...). A folder whose own subfolders are cases (``fixtures/``) is
one split named after the folder. Scores are page means (each case is a page); see docs/evaluation.md.

Run from the repository root::

    python benchmarks/accuracy.py fixtures
    python benchmarks/accuracy.py corpus --split dev,test --jobs 2 --json accuracy.json
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reflow import RuleFileError, RuleSet, convert_bytes, load_ruleset
from reflow.evaluate import (
    HEADLINE_OUTCOMES,
    METRICS,
    Scores,
    headline_outcomes,
    metric_value,
    page_means,
    score_case,
)
from reflow.goldalign import ROLES, line_roles, predicted_roles
from reflow.render.json import render_json
from reflow.roles.training import training_page

DEFAULT_RULESET = "zh-newspaper"
#: The [layout] keys of case.toml reported by default (``--by`` chooses others), in this order.
DIMENSIONS = ("content", "columns", "setting", "headline", "interleaved", "engine", "script", "family")
MB = 1_000_000


class CorpusError(Exception):
    """A problem with the corpus or the arguments: one line, exit status 2."""


@dataclass(frozen=True, slots=True)
class Case:
    split: str
    name: str
    folder: Path
    rules: str
    layout: dict[str, str]
    gold_roles: bool = False  # assemble from the gold line roles instead of decoding them


@dataclass(slots=True)
class Result:
    """What one case gave: its scores, line roles on both sides, size and conversion time."""

    case: Case
    scores: Scores | None = None
    gold_roles: tuple[str, ...] = ()
    predicted_roles: tuple[str, ...] = ()
    size: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    error: str = ""
    titles: tuple[int, int] = (0, 0)  # gold headlines read as a heading or stack line anywhere, of all
    headlines: Counter[str] = field(default_factory=Counter)  # what became of each gold article's headline


def _layout(settings: dict[str, Any], where: Path) -> dict[str, str]:
    layout = settings.get("layout", {})
    if not isinstance(layout, dict):
        raise CorpusError(f"{where}: [layout] must be a table")
    return {str(key): _label(value) for key, value in layout.items()}


def _label(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _case(split: str, folder: Path, rules: str | None) -> Case:
    settings: dict[str, Any] = {}
    toml = folder / "case.toml"
    if toml.is_file():
        try:
            settings = tomllib.loads(toml.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise CorpusError(f"{toml}: cannot read ({error})") from None
    ruleset = rules or settings.get("ruleset", DEFAULT_RULESET)
    if not isinstance(ruleset, str):
        raise CorpusError(f"{toml}: ruleset: expected a rule set name or file")
    if ruleset.endswith(".toml") and not Path(ruleset).is_absolute() and not rules:
        ruleset = str(folder / ruleset)
    return Case(split, folder.name, folder, ruleset, _layout(settings, toml))


def _is_case(folder: Path) -> bool:
    return (folder / "expected.json").is_file() and (folder / "input.txt").is_file()


def find_cases(corpus: Path, splits: Sequence[str] | None = None, rules: str | None = None) -> list[Case]:
    """The cases of ``corpus``, split by split (name order), restricted to ``splits`` when given."""
    if not corpus.is_dir():
        raise CorpusError(f"{corpus}: no such corpus folder")
    found: dict[str, list[Path]] = {}
    for folder in sorted(p for p in corpus.iterdir() if p.is_dir()):
        if _is_case(folder):
            found.setdefault(corpus.resolve().name, []).append(folder)
        else:
            inner = sorted(p for p in folder.iterdir() if p.is_dir() and _is_case(p))
            if inner:
                found.setdefault(folder.name, []).extend(inner)
    if splits:
        unknown = [split for split in splits if split not in found]
        if unknown:
            raise CorpusError(f"no split {unknown[0]!r} in {corpus}; it has {', '.join(found) or 'no cases'}")
        found = {split: found[split] for split in splits}
    if not found:
        raise CorpusError(f"{corpus}: no case folders (input.txt and expected.json) found")
    return [_case(split, folder, rules) for split, folders in found.items() for folder in folders]


_rulesets: dict[str, RuleSet] = {}


def run_case(case: Case) -> Result:
    """Convert and score one case (in a worker process with ``--jobs``)."""
    result = Result(case)
    try:
        if case.rules not in _rulesets:
            _rulesets[case.rules] = load_ruleset(case.rules)
        data = (case.folder / "input.txt").read_bytes()
        gold = json.loads((case.folder / "expected.json").read_text(encoding="utf-8-sig"))
        start = time.perf_counter()
        ruleset = _rulesets[case.rules]
        given = None
        if case.gold_roles:
            page = training_page(case.folder, ruleset)
            given = {item.index: role for item, role in zip(page.evidence, page.roles, strict=True)}
        document = convert_bytes(data, ruleset, source_name=str(case.folder / "input.txt"), line_roles=given)
        result.seconds = time.perf_counter() - start
        result.size = len(data)
        predicted = json.loads(render_json(document))
        result.scores, problems = score_case(gold, predicted, document.source)
        result.problems.extend(problems)
        try:
            result.gold_roles = line_roles(gold, document.source)
        except ValueError as error:
            result.problems.append(str(error))
        result.predicted_roles = predicted_roles(predicted, document.source)
        result.titles = titles_found(gold, predicted)
        result.headlines = headline_outcomes(gold, predicted, document.source)
    except Exception as error:  # one broken case is reported, the others still run
        result.error = f"{type(error).__name__}: {error}"
    return result


def _bare(text: object) -> str:
    return "".join(str(text).split()) if text else ""


def titles_found(gold: dict[str, Any], predicted: dict[str, Any]) -> tuple[int, int]:
    """(found, all) gold headlines that the prediction prints as a heading, kicker, headline or subtitle
    somewhere on the page, whichever article it went to (spaces ignored): the digest measure of the
    issue, item titles glued into the paragraph below them are not found."""
    printed = {
        _bare(article.get(key))
        for article in predicted["articles"]
        for key in ("kicker", "headline", "subheadline")
    }
    printed |= {
        _bare(block.get("text"))
        for article in predicted["articles"]
        for block in article.get("blocks", [])
        if block.get("type") == "heading"
    }
    wanted = [
        _bare(article.get("headline")) for article in gold.get("articles", []) if article.get("headline")
    ]
    return sum(title in printed for title in wanted), len(wanted)


def _titles(results: Sequence[Result]) -> tuple[int, int]:
    """(found, all) gold headlines of the cases together."""
    return sum(r.titles[0] for r in results), sum(r.titles[1] for r in results)


def _titles_line(label: str, results: Sequence[Result]) -> str:
    found, total = _titles(results)
    share = f"{100 * found / total:.1f}%" if total else "-"
    return f"  {label + ':':<15} {found:>5} of {total:<5} {share}\n"


def run(cases: Sequence[Case], jobs: int) -> list[Result]:
    if jobs <= 1 or len(cases) <= 1:
        return [run_case(case) for case in cases]
    with multiprocessing.Pool(min(jobs, len(cases))) as pool:
        return pool.map(run_case, cases, chunksize=max(1, len(cases) // (4 * jobs)))


# --- Report ---------------------------------------------------------------------------------------------


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{int(value * 1000 + 1e-9) / 10:.1f}"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    rows = [list(header), *(list(row) for row in rows)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for row in rows:
        first = f"{row[0]:<{widths[0]}}"
        lines.append("  ".join([first, *(f"{c:>{w}}" for c, w in zip(row[1:], widths[1:], strict=True))]))
    return "\n".join(lines) + "\n"


def _means_row(label: str, results: Sequence[Result]) -> list[str]:
    pages = [result.scores for result in results if result.scores is not None]
    means = page_means(pages)
    return [label, str(len(pages)), *(_percent(means[name]) for name in METRICS)]


def groups(results: Sequence[Result], keys: Sequence[str] = DIMENSIONS) -> dict[str, dict[str, list[Result]]]:
    """Results by layout key and value (cases without the key under ``-``); keys no case has are left
    out. ``keys`` ``["all"]`` is every key any case has."""
    if list(keys) == ["all"]:
        keys = sorted({key for result in results for key in result.case.layout})
    grouped: dict[str, dict[str, list[Result]]] = {}
    for key in keys:
        if not any(key in result.case.layout for result in results):
            continue
        by_value: dict[str, list[Result]] = defaultdict(list)
        for result in results:
            by_value[result.case.layout.get(key, "-")].append(result)
        grouped[key] = dict(sorted(by_value.items()))
    return grouped


def confusion(results: Sequence[Result]) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for result in results:
        if len(result.gold_roles) == len(result.predicted_roles):
            counts.update(zip(result.gold_roles, result.predicted_roles, strict=True))
    return counts


def _confusion_table(counts: Counter[tuple[str, str]]) -> str:
    gold = [role for role in ROLES if any(g == role for g, _ in counts)]
    predicted = [role for role in ROLES if any(p == role for _, p in counts)]
    rows = [[role, *(str(counts[role, other]) for other in predicted)] for role in gold]
    total = counts.total()
    right = sum(n for (g, p), n in counts.items() if g == p)
    accuracy = f"line-role accuracy {_percent(right / total if total else None)}% of {total} lines\n"
    return _table(["gold \\ predicted", *predicted], rows) + accuracy


def _by_split(results: Sequence[Result]) -> dict[str, list[Result]]:
    splits: dict[str, list[Result]] = {}
    for result in results:
        splits.setdefault(result.case.split, []).append(result)
    return splits


def _outcome_rows(splits: dict[str, list[Result]]) -> list[list[str]]:
    """Per split, and per content kind in it: how many gold articles, and the share of each outcome."""
    rows = []
    for split, members in splits.items():
        kinds = sorted({r.case.layout.get("content", "") for r in members} - {""})
        for label, group in [(f"{split}/all", members)] + [
            (f"{split}/{kind}", [r for r in members if r.case.layout.get("content") == kind])
            for kind in kinds
        ]:
            counts: Counter[str] = sum((r.headlines for r in group), Counter())
            total = sum(counts.values())
            shares = [f"{100 * counts[o] / total:.1f}" if total else "-" for o in HEADLINE_OUTCOMES]
            rows.append([label, str(total), *shares])
    return rows


def report(results: Sequence[Result], wall: float, keys: Sequence[str] = DIMENSIONS) -> str:
    """The text report: page means per split and per layout family, confusion tables, speed."""
    header = ["split", "pages", *METRICS]
    splits = _by_split(results)
    rows = [_means_row(split, members) for split, members in splits.items()]
    if len(splits) > 1:
        rows.append(_means_row("all", results))
    text = "Page means per split (percent, rounded down)\n" + _table(header, rows)
    for key, by_value in groups(results, keys).items():
        text += f"\nBy {key}\n" + _table(
            [key, "pages", *METRICS], [_means_row(value, members) for value, members in by_value.items()]
        )
    for split, members in splits.items():
        text += f"\nLine roles, {split} (lines: gold rows, predicted columns)\n"
        text += _confusion_table(confusion(members))
    text += "\nTitles read as a heading or headline-stack line (gold headlines, wherever they went)\n"
    for split, members in splits.items():
        text += _titles_line(split, members)
        digests = [r for r in members if r.case.layout.get("content") == "digest"]
        if digests:
            text += _titles_line(f"{split} digests", digests)
    text += "\nWhat became of the gold headlines (articles, percent of the row)\n" + _table(
        ["split / content", "articles", *HEADLINE_OUTCOMES], _outcome_rows(splits)
    )
    size = sum(result.size for result in results)
    seconds = sum(result.seconds for result in results)
    speed = size / MB / seconds if seconds else 0.0
    text += (
        f"\nSpeed: {size / MB:.2f} MB in {seconds:.2f} s of conversion: {speed:.2f} MB/s "
        f"(wall time {wall:.2f} s for conversion and scoring)\n"
    )
    for result in results:
        for problem in result.problems:
            text += f"problem: {result.case.split}/{result.case.name}: {problem}\n"
        if result.error:
            text += f"FAILED: {result.case.split}/{result.case.name}: {result.error}\n"
    return text


def as_json(results: Sequence[Result], wall: float, keys: Sequence[str] = DIMENSIONS) -> dict[str, Any]:
    """Everything of the report as data (fractions from 0 to 1, ``null`` where a metric has nothing)."""

    def means(members: Sequence[Result]) -> dict[str, Any]:
        pages = [result.scores for result in members if result.scores is not None]
        return {"pages": len(pages), "scores": page_means(pages)}

    size = sum(result.size for result in results)
    seconds = sum(result.seconds for result in results)
    return {
        "cases": [
            {
                "split": result.case.split,
                "case": result.case.name,
                "ruleset": result.case.rules,
                "layout": result.case.layout,
                "metrics": {name: metric_value(result.scores, name) for name in METRICS}
                if result.scores
                else None,
                "scores": result.scores.as_json() if result.scores else None,
                "problems": result.problems,
                "error": result.error or None,
                "bytes": result.size,
                "seconds": result.seconds,
            }
            for result in results
        ],
        "splits": {split: means(members) for split, members in _by_split(results).items()},
        "dimensions": {
            key: {value: means(members) for value, members in by_value.items()}
            for key, by_value in groups(results, keys).items()
        },
        "confusion": {
            split: [
                {"gold": g, "predicted": p, "lines": n} for (g, p), n in sorted(confusion(members).items())
            ]
            for split, members in _by_split(results).items()
        },
        "titles": {
            split: dict(zip(("found", "all"), _titles(members), strict=True))
            for split, members in _by_split(results).items()
        },
        "headlines": {
            split: dict(sum((result.headlines for result in members), Counter()))
            for split, members in _by_split(results).items()
        },
        "speed": {
            "bytes": size,
            "seconds": seconds,
            "mb_per_s": size / MB / seconds if seconds else None,
            "wall_seconds": wall,
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("corpus", metavar="CORPUS_DIR", help="a corpus folder (splits of cases) or fixtures/")
    parser.add_argument("--split", help="comma-separated splits to run (default: all)")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON here (- for stdout)")
    parser.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes (default 1)")
    parser.add_argument("-r", "--rules", metavar="RULESET|FILE", help="one rule set for every case")
    parser.add_argument(
        "--by",
        metavar="KEY,...",
        default=",".join(DIMENSIONS),
        help=f"[layout] keys to break the scores down by, or all (default: {','.join(DIMENSIONS)})",
    )
    parser.add_argument(
        "--gold-roles",
        action="store_true",
        help="assemble paragraphs, stacks and articles from the gold line roles instead of decoding them "
        "(what the pages would score if every line's role were right; rule sets with weights only)",
    )
    args = parser.parse_args(argv)
    try:
        splits = [s.strip() for s in args.split.split(",") if s.strip()] if args.split else None
        cases = find_cases(Path(args.corpus), splits, args.rules)
        if args.gold_roles:
            cases = [replace(case, gold_roles=True) for case in cases]
        if args.rules:
            load_ruleset(args.rules)
    except (CorpusError, RuleFileError) as error:
        print(f"accuracy: error: {error}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    results = run(cases, args.jobs)
    wall = time.perf_counter() - start
    keys = [key.strip() for key in args.by.split(",") if key.strip()]
    if args.json == "-":
        print(json.dumps(as_json(results, wall, keys), ensure_ascii=False, indent=1))
    else:
        print(report(results, wall, keys), end="")
        if args.json:
            data = as_json(results, wall, keys)
            Path(args.json).write_text(
                json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
    return 1 if any(result.error for result in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
