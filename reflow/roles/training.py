"""``reflow rules fit``: fit a rule set's line-role weights on corrected pages and write them back.

A *case* is a folder laid out like ``fixtures/<case>/``: the dump ``input.txt`` and its truth
``expected.json`` (what ``reflow gold`` writes, corrected by hand). Gold blocks need no ``lines``: the gold
is aligned to the dump by text (:func:`reflow.goldalign.line_roles`), and a gold file may give the role of
every line directly (``"line_roles"``), as generated pages do.
"""

from __future__ import annotations

import json
import os
import sys
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import regex

from reflow.decode import decode
from reflow.goldalign import JsonObject, block_lines, line_roles
from reflow.pipeline import read_page
from reflow.roles.decoder import DECODED_ROLES
from reflow.roles.fit import FitReport, Page, fit_seeds, forked_map, strongest, weights_toml
from reflow.ruleset import RuleSet

#: The fitted weights of a rule file stand between these two lines (``--in-place`` rewrites them).
BEGIN = "# >>> [roles] weights fitted by `reflow rules fit`; refit rather than edit by hand"
END = "# <<< end of fitted weights"
_SECTION = regex.compile(rf"(?ms)^{regex.escape(BEGIN)}$.*?^{regex.escape(END)}$\n?")


class CaseError(Exception):
    """A case folder that cannot be used for fitting (the message says why and what to do)."""


@dataclass(frozen=True, slots=True)
class Fitted:
    """The result of a fit: the weights, the fit's report and the cases it used."""

    weights: dict[str, dict[str, float]]
    report: FitReport
    cases: tuple[str, ...]


def training_page(case: Path, ruleset: RuleSet) -> Page:
    """The evidence and gold roles of the non-blank lines of one case folder."""
    dump, truth = case / "input.txt", case / "expected.json"
    if not dump.is_file() or not truth.is_file():
        raise CaseError(f"{case}: a case folder needs input.txt and expected.json (reflow gold writes one)")
    try:
        gold = json.loads(truth.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise CaseError(f"{truth}: not a readable JSON gold file ({err})") from err
    page = read_page(decode(dump.read_bytes(), "auto").text, ruleset)
    roles = line_roles(gold, page.source)
    evidence = page.evidence(ruleset)
    weight = _fit_weight(case)
    ends = _block_ends(gold)
    gold_roles: list[str] = []
    above: int | None = None
    for item in evidence:
        role = _decodable(roles[item.index]) if item.index < len(roles) else "furniture"
        if role == "para_cont" and above in ends:
            # the line above ended its block, so this one continues a block printed further up (pdftotext
            # interleaved the two): read in text order it starts a block, and a fit that learned to join
            # it would join the next paragraph to one that has ended
            role = "para_start"
        gold_roles.append(role)
        above = item.index
    return Page(str(case), tuple(evidence), tuple(gold_roles), weight)


def _block_ends(gold: JsonObject) -> frozenset[int]:
    """The (0-based) last lines of the gold's blocks, where the gold gives them."""
    spans = (
        block_lines(block) for article in gold.get("articles", []) for block in article.get("blocks", [])
    )
    return frozenset(span[1] - 1 for span in spans if span is not None)


def _fit_weight(case: Path) -> int:
    """``fit_weight`` in the case's case.toml: how much the page counts in a fit (default 1)."""
    path = case / "case.toml"
    if not path.is_file():
        return 1
    try:
        weight = tomllib.loads(path.read_text(encoding="utf-8")).get("fit_weight", 1)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise CaseError(f"{path}: not readable TOML ({err})") from err
    if not isinstance(weight, int) or isinstance(weight, bool) or not 1 <= weight <= 100:
        raise CaseError(f"{path}: fit_weight must be a whole number from 1 to 100, got {weight!r}")
    return weight


def _decodable(role: str) -> str:
    """Gold says blank for a line the pipeline sees text on (only controls, say): it is furniture."""
    return role if role in DECODED_ROLES else "furniture"


def find_cases(paths: Sequence[Path]) -> list[Path]:
    """The case folders among ``paths`` and below them (a folder holding input.txt and expected.json)."""
    found: set[Path] = set()
    for path in paths:
        if not path.is_dir():
            raise CaseError(
                f"{path}: not a folder; give case folders (input.txt + expected.json) or their parents"
            )
        if (path / "expected.json").is_file():
            found.add(path)
            continue
        below = {p.parent for p in path.rglob("expected.json") if (p.parent / "input.txt").is_file()}
        if not below:
            raise CaseError(f"{path}: no case folder (input.txt + expected.json) in it")
        found |= below
    return sorted(found)


def _read_page(ruleset: RuleSet, case: Path) -> Page:
    return training_page(case, ruleset)


def _read_pages(cases: Sequence[Path], ruleset: RuleSet, jobs: int) -> Iterator[Page]:
    """The training pages of the cases, in their order, read in up to ``jobs`` worker processes (the
    feature names of pages read elsewhere are interned again here, one string object each)."""
    for page in forked_map(_read_page, ruleset, cases, jobs, chunksize=8):
        if jobs > 1:
            evidence = tuple(
                replace(item, features=tuple(map(sys.intern, item.features))) for item in page.evidence
            )
            page = replace(page, evidence=evidence, roles=tuple(map(sys.intern, page.roles)))
        yield page


def fit_cases(
    cases: Sequence[Path],
    ruleset: RuleSet,
    *,
    epochs: int = 8,
    seeds: Sequence[int] = (0,),
    progress: bool = False,
    warm: bool = False,
    jobs: int = 1,
    margin: float = 0.0,
) -> Fitted:
    """Fit role weights for ``ruleset`` on the case folders (deterministic for the same cases and seeds;
    several seeds: one fit per seed, their weights averaged).

    ``warm`` starts from the rule set's own weights: a few corrected pages of one paper then adjust
    what the shipped weights learned from many pages, instead of replacing it with what ten pages show.
    ``jobs`` reads the cases and fits the seeds in that many worker processes at once; ``margin`` is the
    loss-augmented fit's margin (:func:`reflow.roles.fit.fit`).
    """
    pages = []
    for number, page in enumerate(_read_pages(sorted(cases), ruleset, jobs), 1):
        pages.append(page)
        if progress and (number % 100 == 0 or number == len(cases)):
            print(f"read {number}/{len(cases)} cases", file=sys.stderr)
    initial = ruleset.roles.weights if warm else None
    weights, report = fit_seeds(pages, epochs=epochs, seeds=seeds, initial=initial, jobs=jobs, margin=margin)
    return Fitted(weights, report, tuple(str(c) for c in sorted(cases)))


def section(fitted: Fitted) -> str:
    """The fitted weights as the marked ``[roles.weights.*]`` section of a rule file."""
    accuracy = ", ".join(f"{a:.3f}" for a in fitted.report.epochs)
    header = [
        f"Fitted on {fitted.report.pages} pages ({fitted.report.lines} lines); line accuracy on them by "
        f"epoch: {accuracy}; {fitted.report.averaged:.4f} with these (averaged) weights.",
        *_seeds_line(fitted.report),
        "A positive weight favours the role for a line with the feature; pair features (prev=...) weigh the",
        "role of the line before. Features are described in docs/roles.md.",
    ]
    body = weights_toml(fitted.weights, header=header)
    return f"{BEGIN}\n{body}{END}\n"


def rule_file(fitted: Fitted, *, name: str, extends: str) -> str:
    """A complete rule file: ``extends`` the base rule set and adds the fitted weights."""
    description = f"{extends} with line-role weights fitted on {fitted.report.pages} pages"
    return (
        "# A rule set fitted by `reflow rules fit`: the vocabulary of the rule set it extends, with\n"
        "# line-role weights fitted on corrected pages of this newspaper.\n\n"
        "[ruleset]\n"
        f"name = {json.dumps(name, ensure_ascii=False)}\n"
        f"description = {json.dumps(description, ensure_ascii=False)}\n"
        f"extends = {json.dumps(extends, ensure_ascii=False)}\n\n" + section(fitted)
    )


def _seeds_line(report: FitReport) -> list[str]:
    lines = []
    if len(report.seeds) > 1:
        seeds = ", ".join(str(s) for s in report.seeds)
        lines.append(f"The mean of {len(report.seeds)} fits, the pages met in the orders of seeds {seeds}.")
    if report.margin:
        lines.append(f"Loss-augmented fit: the gold role had to win each line by {report.margin:g}.")
    return lines


def replace_section(text: str, fitted: Fitted) -> str:
    """``text`` (a rule file) with its fitted-weights section replaced, or appended when it has none."""
    new = section(fitted)
    if _SECTION.search(text):
        return _SECTION.sub(lambda _match: new, text, count=1)
    return text.rstrip("\n") + "\n\n" + new


def extends_reference(base: str, output: Path) -> str:
    """How the fitted file names its base: a built-in name as it is, a path relative to the output."""
    if not base.endswith(".toml") and "/" not in base and os.sep not in base:
        return base
    return os.path.relpath(Path(base).resolve(), output.resolve().parent).replace(os.sep, "/")


def summary(fitted: Fitted, count: int = 10) -> Iterable[str]:
    """Lines telling what the fit learned: accuracy by epoch and the strongest weights."""
    yield f"fitted on {fitted.report.pages} pages, {fitted.report.lines} lines"
    epochs = " ".join(f"{a:.3f}" for a in fitted.report.epochs)
    fits = f" (mean of {len(fitted.report.seeds)} fits)" if len(fitted.report.seeds) > 1 else ""
    yield f"line accuracy on the training pages by epoch{fits}: {epochs}"
    yield f"line accuracy on the training pages with the averaged weights: {fitted.report.averaged:.4f}"
    yield f"the {count} strongest weights:"
    for role, feature, weight in strongest(fitted.weights, count):
        yield f"  {weight:+8.3f}  {role:<10} {feature}"
