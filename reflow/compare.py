"""``reflow diff --against``: what changed between two conversions of the same input, block by block.

Each side is a raw dump (converted with its rule set), a saved JSON output (reflow's or a gold file), or
a directory of them paired by relative path. Both sides are reduced to their :func:`~reflow.evaluate.
projection` and compared through the source lines their blocks cover, so the comparison needs no
offsets and works for every pair of conversions of one input:

* blocks are linked when they cover a common source line; each connected group of old and new blocks
  is one change (``split``, ``merged``, ``regrouped``, ``added``, ``removed``) or, one old and one new,
  ``retyped``, ``resized`` or ``text`` — or no change at all;
* a block that disappears while its text turns up as a headline, kicker, subheadline, dateline or byline
  (or the reverse) is ``retyped`` into (out of) that field;
* articles are linked the same way, through the lines of their blocks: ``article-split``,
  ``article-merged``, ``article-regrouped``, ``article-added``, ``article-removed``, and ``article-fields``
  for an article whose headline stack, dateline, byline or jump fields changed.

OTHER (``--against``) is the old side, INPUT the new one. Exit status as diff(1): 0 when nothing changed,
1 when something did, 2 on errors.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from reflow.evaluate import ARTICLE_FIELDS, TEXT_FIELDS, convert_file, gold_problems, projection
from reflow.ruleset import RuleSet

__all__ = [
    "Change",
    "ChangeKind",
    "Comparison",
    "FieldChange",
    "Part",
    "as_text",
    "compare_documents",
    "compare_paths",
    "describe",
    "diff_segments",
    "format_html",
    "format_json",
    "format_text",
    "inline_diff",
    "run_against",
]

JsonObject = dict[str, Any]


class ChangeKind(StrEnum):
    """What happened; stable names, used in the JSON output and the counts."""

    ADDED = "added"
    REMOVED = "removed"
    SPLIT = "split"
    MERGED = "merged"
    REGROUPED = "regrouped"
    RETYPED = "retyped"
    RESIZED = "resized"
    TEXT = "text"
    ARTICLE_ADDED = "article-added"
    ARTICLE_REMOVED = "article-removed"
    ARTICLE_SPLIT = "article-split"
    ARTICLE_MERGED = "article-merged"
    ARTICLE_REGROUPED = "article-regrouped"
    ARTICLE_FIELDS = "article-fields"


_DESCRIPTIONS = {
    ChangeKind.ADDED: "added",
    ChangeKind.REMOVED: "removed",
    ChangeKind.SPLIT: "split",
    ChangeKind.MERGED: "merged",
    ChangeKind.REGROUPED: "regrouped",
    ChangeKind.RETYPED: "retyped",
    ChangeKind.RESIZED: "resized",
    ChangeKind.TEXT: "text changed",
    ChangeKind.ARTICLE_ADDED: "articles added",
    ChangeKind.ARTICLE_REMOVED: "articles removed",
    ChangeKind.ARTICLE_SPLIT: "articles split",
    ChangeKind.ARTICLE_MERGED: "articles merged",
    ChangeKind.ARTICLE_REGROUPED: "articles regrouped",
    ChangeKind.ARTICLE_FIELDS: "article fields changed",
}


@dataclass(frozen=True, slots=True)
class Part:
    """One side of a change: a body block, an article field, or an article (``kind == "article"``).

    ``article`` is the article's id (``a1``: its position); ``first``/``last`` are source lines (0 for a
    field, which has no lines in a projection).
    """

    article: str
    kind: str
    text: str
    first: int = 0
    last: int = 0
    level: int = 0

    @property
    def label(self) -> str:
        """``paragraph``, ``heading 2``, ``headline of a1``, ``article a1``."""
        if self.kind == "heading":
            return f"heading {self.level}"
        if self.kind == "article":
            return f"article {self.article}"
        if self.kind in TEXT_FIELDS:
            return f"{self.kind} of {self.article}"
        return self.kind

    @property
    def where(self) -> str:
        """The source lines, ``L39`` or ``L79-81``; ``""`` for a field."""
        if not self.first:
            return ""
        return f"L{self.first}" if self.first == self.last else f"L{self.first}-{self.last}"

    def as_json(self) -> JsonObject:
        data: JsonObject = {"article": self.article, "type": self.kind}
        if self.kind == "heading":
            data["level"] = self.level
        data["text"] = self.text
        data["lines"] = [self.first, self.last] if self.first else None
        return data


@dataclass(frozen=True, slots=True)
class FieldChange:
    """An article field (``headline``, ``dateline``, ``continued_from`` ...) with its old and new value."""

    name: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class Change:
    """One change between the old and the new conversion of a document."""

    kind: ChangeKind
    old: tuple[Part, ...] = ()
    new: tuple[Part, ...] = ()
    fields: tuple[FieldChange, ...] = ()
    note: str = ""

    @property
    def line(self) -> int:
        """First source line involved, for ordering (0 when only fields are involved)."""
        return min((part.first for part in self.old + self.new if part.first), default=0)

    def as_json(self) -> JsonObject:
        data: JsonObject = {
            "kind": str(self.kind),
            "old": [part.as_json() for part in self.old],
            "new": [part.as_json() for part in self.new],
        }
        if self.fields:
            data["fields"] = {change.name: [change.old, change.new] for change in self.fields}
        if self.note:
            data["note"] = self.note
        return data


@dataclass(frozen=True, slots=True)
class Comparison:
    """The changes of one document (``name``), or one file present on only one side."""

    name: str
    old: str
    new: str
    changes: tuple[Change, ...] = ()
    only: str = ""  # "old" or "new" for an unpaired file in directory mode

    @property
    def changed(self) -> bool:
        return bool(self.changes or self.only)

    def counts(self) -> Counter[str]:
        return Counter(str(change.kind) for change in self.changes)


# --- Comparing two documents ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Side:
    """One conversion, flattened: its articles, body blocks, and the source spans of each block if known."""

    articles: tuple[JsonObject, ...]
    blocks: tuple[Part, ...]
    block_article: tuple[int, ...]
    article_lines: tuple[tuple[int, int], ...]
    spans: tuple[tuple[tuple[int, int], ...], ...] | None
    furniture: frozenset[int] | None


def _side(data: JsonObject) -> _Side:
    articles = tuple(projection(data)["articles"])
    blocks: list[Part] = []
    block_article: list[int] = []
    for number, article in enumerate(articles):
        for block in article["blocks"]:
            first, last = block["lines"]
            level = block.get("level", 0)
            blocks.append(Part(f"a{number + 1}", block["type"], block["text"], first, last, level))
            block_article.append(number)
    article_lines = tuple(
        (
            min((block["lines"][0] for block in article["blocks"]), default=0),
            max((block["lines"][1] for block in article["blocks"]), default=0),
        )
        for article in articles
    )
    furniture = None
    if isinstance(data.get("furniture"), list):
        furniture = frozenset(
            line for block in data["furniture"] for line in range(block["lines"][0], block["lines"][1] + 1)
        )
    return _Side(articles, tuple(blocks), tuple(block_article), article_lines, _spans(data), furniture)


def _spans(data: JsonObject) -> tuple[tuple[tuple[int, int], ...], ...] | None:
    """Every body block's source spans (reflow's JSON output has them, gold files do not), else ``None``."""
    spans = []
    for article in data["articles"]:
        for block in article["blocks"]:
            found = block.get("spans")
            if not isinstance(found, list) or not all(
                isinstance(span, list) and len(span) == 2 and all(_is_int(x) for x in span) for span in found
            ):
                return None
            spans.append(tuple((start, end) for start, end in found if end > start))
    return tuple(spans)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _block_links(old: _Side, new: _Side) -> set[tuple[int, int]]:
    """Pairs (old block, new block) made from the same source text.

    With the source spans of both sides (reflow's JSON output, saved or fresh), blocks are linked when
    their character spans overlap: exact, also for stitched paragraphs and through furniture. Without
    them (a gold file), when they own a common source line (see :func:`_owners`).
    """
    if old.spans is not None and new.spans is not None:
        return _span_links(old.spans, new.spans)
    old_owner, new_owner = _owners(old.blocks), _owners(new.blocks)
    links = {(index, new_owner[line]) for line, index in old_owner.items() if line in new_owner}
    # A block left without a line (an equally narrow block owns them) is linked through its first line.
    for index in set(range(len(old.blocks))) - set(old_owner.values()):
        if old.blocks[index].first in new_owner:
            links.add((index, new_owner[old.blocks[index].first]))
    for index in set(range(len(new.blocks))) - set(new_owner.values()):
        if new.blocks[index].first in old_owner:
            links.add((old_owner[new.blocks[index].first], index))
    return links


def _span_links(
    old: Sequence[Sequence[tuple[int, int]]], new: Sequence[Sequence[tuple[int, int]]]
) -> set[tuple[int, int]]:
    """Blocks whose spans overlap, in one sweep over both sides' spans sorted by offset.

    >>> sorted(_span_links([[(0, 5)], [(6, 9)]], [[(0, 2)], [(3, 7)], [(8, 9)]]))
    [(0, 0), (0, 1), (1, 1), (1, 2)]
    """
    olds = sorted((start, end, index) for index, spans in enumerate(old) for start, end in spans)
    news = sorted((start, end, index) for index, spans in enumerate(new) for start, end in spans)
    links = set()
    at_old = at_new = 0
    while at_old < len(olds) and at_new < len(news):
        old_start, old_end, old_index = olds[at_old]
        new_start, new_end, new_index = news[at_new]
        if old_start < new_end and new_start < old_end:
            links.add((old_index, new_index))
        if old_end <= new_end:
            at_old += 1
        else:
            at_new += 1
    return links


def _owners(blocks: Sequence[Part]) -> dict[int, int]:
    """Source line -> index of the block that owns it: the narrowest block whose lines cover it.

    A stitched paragraph ``[34, 55]`` spans lines of other articles printed in between; their own,
    narrower blocks keep those lines (the lines between them stay the stitched paragraph's: a gold
    file does not say which lines a block really comes from).
    """
    order = sorted(range(len(blocks)), key=lambda i: (blocks[i].last - blocks[i].first, -i), reverse=True)
    owner: dict[int, int] = {}
    for index in order:
        owner.update(dict.fromkeys(range(blocks[index].first, blocks[index].last + 1), index))
    return owner


class _Groups:
    """Union-find over old (``0, i``) and new (``1, j``) items: the connected groups of a link graph."""

    def __init__(self) -> None:
        self.parent: dict[tuple[int, int], tuple[int, int]] = {}

    def add(self, item: tuple[int, int]) -> None:
        self.parent.setdefault(item, item)

    def find(self, item: tuple[int, int]) -> tuple[int, int]:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def link(self, a: tuple[int, int], b: tuple[int, int]) -> None:
        self.add(a)
        self.add(b)
        self.parent[self.find(a)] = self.find(b)

    def groups(self) -> list[tuple[list[int], list[int]]]:
        """Each group as (old indices, new indices), both sorted."""
        found: dict[tuple[int, int], tuple[list[int], list[int]]] = {}
        for item in sorted(self.parent):
            olds, news = found.setdefault(self.find(item), ([], []))
            (olds if item[0] == 0 else news).append(item[1])
        return list(found.values())


def _normal(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def compare_documents(old_data: JsonObject, new_data: JsonObject) -> tuple[Change, ...]:
    """Every change from the old conversion to the new one (reflow JSON output or gold projections).

    >>> old = {"articles": [{"blocks": [{"type": "paragraph", "text": "甲乙", "lines": [1, 2]}]}]}
    >>> new = {"articles": [{"blocks": [{"type": "paragraph", "text": "甲", "lines": [1, 1]},
    ...                                 {"type": "paragraph", "text": "乙", "lines": [2, 2]}]}]}
    >>> [(change.kind.value, [p.where for p in change.new]) for change in compare_documents(old, new)]
    [('split', ['L1', 'L2'])]
    >>> compare_documents(old, old)
    ()
    """
    old, new = _side(old_data), _side(new_data)
    groups = _Groups()
    for index in range(len(old.blocks)):
        groups.add((0, index))
    for index in range(len(new.blocks)):
        groups.add((1, index))
    links = _block_links(old, new)
    for a, b in sorted(links):
        groups.link((0, a), (1, b))

    changes: list[Change] = []
    unpaired_old: list[int] = []
    unpaired_new: list[int] = []
    for olds, news in groups.groups():
        if not news:
            unpaired_old.append(olds[0])
        elif not olds:
            unpaired_new.append(news[0])
        else:
            change = _group_change([old.blocks[i] for i in olds], [new.blocks[j] for j in news])
            if change is not None:
                changes.append(change)

    explained: set[tuple[int, int, str]] = set()  # (side, article, field) a block moved into or out of
    changes += _moved_blocks(unpaired_old, old, new, 0, explained)
    changes += _moved_blocks(unpaired_new, new, old, 1, explained)
    changes.sort(key=lambda change: (change.line, str(change.kind)))
    return tuple(changes) + tuple(_article_changes(old, new, links, explained))


def _group_change(olds: list[Part], news: list[Part]) -> Change | None:
    if len(olds) > 1 or len(news) > 1:
        return Change(_grouping(len(olds), len(news), article=False), tuple(olds), tuple(news))
    before, after = olds[0], news[0]
    same_lines = (before.first, before.last) == (after.first, after.last)
    notes = []
    if not same_lines:
        notes.append("lines changed")
    if before.text != after.text:
        notes.append("text changed")
    if before.label != after.label:
        return Change(ChangeKind.RETYPED, (before,), (after,), note=", ".join(notes))
    if not same_lines:
        return Change(ChangeKind.RESIZED, (before,), (after,), note=", ".join(notes[1:]))
    if before.text != after.text:
        return Change(ChangeKind.TEXT, (before,), (after,))
    return None


def _grouping(olds: int, news: int, *, article: bool) -> ChangeKind:
    """One old item in several new ones is a split, several in one a merge, several in several a regroup."""
    if olds == 1:
        return ChangeKind.ARTICLE_SPLIT if article else ChangeKind.SPLIT
    if news == 1:
        return ChangeKind.ARTICLE_MERGED if article else ChangeKind.MERGED
    return ChangeKind.ARTICLE_REGROUPED if article else ChangeKind.REGROUPED


def _moved_blocks(
    indices: Iterable[int], side: _Side, other: _Side, side_number: int, explained: set[tuple[int, int, str]]
) -> list[Change]:
    """Blocks only one side has: added or removed, or retyped into (out of) a field of the other side."""
    fields: dict[str, list[tuple[int, str]]] = {}
    for number, article in enumerate(other.articles):
        for name in TEXT_FIELDS:
            if article[name]:
                fields.setdefault(_normal(article[name]), []).append((number, name))
    changes = []
    for index in indices:
        block = side.blocks[index]
        candidates = fields.get(_normal(block.text), [])
        if candidates:
            number, name = candidates.pop(0)
            moved = Part(f"a{number + 1}", name, other.articles[number][name])
            explained.add((1 - side_number, number, name))
            pair = ((block,), (moved,)) if side_number == 0 else ((moved,), (block,))
            changes.append(Change(ChangeKind.RETYPED, *pair))
            continue
        note = ""
        if other.furniture is not None and all(
            line in other.furniture for line in range(block.first, block.last + 1)
        ):
            note = "set aside as furniture" if side_number == 0 else "was furniture"
        if side_number == 0:
            changes.append(Change(ChangeKind.REMOVED, old=(block,), note=note))
        else:
            changes.append(Change(ChangeKind.ADDED, new=(block,), note=note))
    return changes


def _article_part(side: _Side, number: int) -> Part:
    first, last = side.article_lines[number]
    return Part(f"a{number + 1}", "article", side.articles[number]["headline"] or "", first, last)


def _article_changes(
    old: _Side, new: _Side, links: set[tuple[int, int]], explained: set[tuple[int, int, str]]
) -> list[Change]:
    """Articles linked through their linked blocks; each connected group is one change, or none."""
    groups = _Groups()
    for side_number, side in ((0, old), (1, new)):
        for number, article in enumerate(side.articles):
            if article["blocks"]:
                groups.add((side_number, number))
    for a, b in sorted(links):
        groups.link((0, old.block_article[a]), (1, new.block_article[b]))
    pairs = groups.groups()
    # Articles without body blocks have no lines to link them: paired in order among themselves.
    old_empty = [n for n, article in enumerate(old.articles) if not article["blocks"]]
    new_empty = [n for n, article in enumerate(new.articles) if not article["blocks"]]
    for position in range(max(len(old_empty), len(new_empty))):
        pairs.append((old_empty[position : position + 1], new_empty[position : position + 1]))

    changes = []
    for olds, news in pairs:
        before = tuple(_article_part(old, n) for n in olds)
        after = tuple(_article_part(new, n) for n in news)
        if not news:
            changes.append(Change(ChangeKind.ARTICLE_REMOVED, before))
        elif not olds:
            changes.append(Change(ChangeKind.ARTICLE_ADDED, (), after))
        elif len(olds) > 1 or len(news) > 1:
            changes.append(Change(_grouping(len(olds), len(news), article=True), before, after))
        else:
            field_changes = tuple(
                FieldChange(name, old.articles[olds[0]][name], new.articles[news[0]][name])
                for name in ARTICLE_FIELDS
                if _field_changed(name, olds[0], news[0], old, new, explained)
            )
            if field_changes:
                changes.append(Change(ChangeKind.ARTICLE_FIELDS, before, after, field_changes))
    changes.sort(key=lambda change: (change.line, str(change.kind)))
    return changes


def _field_changed(
    name: str, old_number: int, new_number: int, old: _Side, new: _Side, explained: set[tuple[int, int, str]]
) -> bool:
    """A field differs, and not only because a block moved into or out of it (reported as a retype)."""
    before, after = old.articles[old_number][name], new.articles[new_number][name]
    if before == after:
        return False
    if before is None and (1, new_number, name) in explained:
        return False
    return not (after is None and (0, old_number, name) in explained)


# --- Reporting ------------------------------------------------------------------------------------------

# A line of the report as segments: plain text (""), removed ("-") and inserted ("+") text. The text
# report marks them [-like this-]{+and this+}, the HTML report <del>/<ins>.
Segments = list[tuple[str, str]]


def diff_segments(old: str, new: str, context: int = 8, most: int = 3) -> Segments:
    """Where two texts differ, with ``context`` characters around each difference (``most`` of them)."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    groups = list(matcher.get_grouped_opcodes(context))
    segments: Segments = []
    for number, group in enumerate(groups[:most]):
        if number:
            segments.append(("", " "))
        if group[0][0] == "equal" and group[0][1] > 0:
            segments.append(("", "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                segments.append(("", old[i1:i2]))
            if tag in ("delete", "replace"):
                segments.append(("-", old[i1:i2]))
            if tag in ("insert", "replace"):
                segments.append(("+", new[j1:j2]))
        if group[-1][0] == "equal" and group[-1][2] < len(old):
            segments.append(("", "…"))
    if len(groups) > most:
        segments.append(("", f" (+{len(groups) - most} more)"))
    return [(kind, text.replace("\n", "⏎")) for kind, text in segments]


def as_text(segments: Segments) -> str:
    """Segments marked ``[-removed-]`` and ``{+inserted+}``."""
    marks = {"": "{}", "-": "[-{}-]", "+": "{{+{}+}}"}
    return "".join(marks[kind].format(text) for kind, text in segments)


def inline_diff(old: str, new: str, context: int = 8, most: int = 3) -> str:
    """The differences of two texts, ``[-removed-]{+inserted+}`` with a little context.

    >>> inline_diff("成功实践，提出了推动", "成功实践，提 出了推动")
    '成功实践，提{+ +}出了推动'
    >>> inline_diff("abcdefghijklmnopqrstuvwxyz", "abcdefghijklmXopqrstuvwxyz", context=3)
    '…klm[-n-]{+X+}opq…'
    """
    return as_text(diff_segments(old, new, context, most))


def _short(text: str, limit: int = 40) -> str:
    text = text.replace("\n", "⏎")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _parts(parts: Sequence[Part]) -> str:
    return " + ".join(f"{part.label} {part.where}".rstrip() for part in parts)


def describe(change: Change) -> tuple[str, Segments]:
    """Where (old source lines, else new ones) and what: one line of the report."""
    kind = change.kind
    where_parts = change.old if change.old and change.old[0].first else change.new
    where = " + ".join(part.where for part in where_parts if part.where)
    if kind in (ChangeKind.SPLIT, ChangeKind.MERGED, ChangeKind.REGROUPED):
        what = [("", f"{_parts(change.old)} -> {_parts(change.new)}: {_short(change.old[0].text, 24)}")]
    elif kind in (ChangeKind.RETYPED, ChangeKind.RESIZED):
        before, after = change.old[0], change.new[0]
        if kind is ChangeKind.RETYPED:
            moved = before.where and after.where and before.where != after.where
            lines = f" ({before.where} -> {after.where})" if moved else ""
            head = f"{before.label} -> {after.label}{lines}: "
        else:
            head = f"{before.label} {before.where} -> {after.where}: "
        text = (
            diff_segments(before.text, after.text)
            if before.text != after.text
            else [("", _short(after.text))]
        )
        what = [("", head), *text]
    elif kind is ChangeKind.TEXT:
        what = diff_segments(change.old[0].text, change.new[0].text)
    elif kind in (ChangeKind.ADDED, ChangeKind.REMOVED):
        part = (change.old or change.new)[0]
        what = [("", f"{part.label}: {_short(part.text)}" + (f" ({change.note})" if change.note else ""))]
    elif kind is ChangeKind.ARTICLE_FIELDS:
        before_id, after_id = change.old[0].article, change.new[0].article
        names = before_id if before_id == after_id else f"{before_id} -> {after_id}"
        listed = "; ".join(
            f"{item.name} {_quoted(item.old)} -> {_quoted(item.new)}" for item in change.fields
        )
        what = [("", f"{names}: {listed}")]
    else:
        olds = "+".join(part.article for part in change.old) or "-"
        news = "+".join(part.article for part in change.new) or "-"
        headline = next((part.text for part in change.old + change.new if part.text), "")
        what = [("", f"{olds} -> {news}" + (f": {_short(headline, 24)}" if headline else ""))]
    return where, what


def _quoted(value: str | None) -> str:
    return "null" if value is None else json.dumps(_short(value), ensure_ascii=False)


def _summary(counts: Counter[str]) -> str:
    total = sum(counts.values())
    if not total:
        return "no changes"
    listed = ", ".join(f"{counts[kind]} {_DESCRIPTIONS[kind]}" for kind in ChangeKind if counts[kind])
    return f"{total} change{'s' if total != 1 else ''}: {listed}"


def _totals(comparisons: Sequence[Comparison]) -> Counter[str]:
    return sum((comparison.counts() for comparison in comparisons), Counter())


def _total_line(comparisons: Sequence[Comparison]) -> str:
    paired = [c for c in comparisons if not c.only]
    changed = sum(1 for c in paired if c.changes)
    unpaired = len(comparisons) - len(paired)
    head = f"{len(paired)} document{'s' if len(paired) != 1 else ''} compared, {changed} changed"
    if unpaired:
        head += f", {unpaired} only on one side"
    return f"TOTAL {head}; {_summary(_totals(comparisons))}"


def format_text(comparisons: Sequence[Comparison]) -> str:
    """The text report: per document its changes and a summary line, then the totals."""
    out = []
    for comparison in comparisons:
        if comparison.only:
            out.append(f"only in {comparison.only}: {comparison.old or comparison.new}\n")
            continue
        out.append(f"--- {comparison.old}\n+++ {comparison.new}\n")
        for change in comparison.changes:
            where, what = describe(change)
            out.append(f"  {where:<12} {change.kind.value:<17} {as_text(what)}\n")
        out.append(f"  {_summary(comparison.counts())}\n")
    out.append(f"\n{_total_line(comparisons)}\n")
    return "".join(out)


def format_json(comparisons: Sequence[Comparison], old: str, new: str) -> str:
    """The comparison as data: documents with their changes and counts, unpaired files, totals."""
    data = {
        "old": old,
        "new": new,
        "changed": any(c.changed for c in comparisons),
        "documents": [
            {
                "name": c.name,
                "old": c.old,
                "new": c.new,
                "changes": [change.as_json() for change in c.changes],
                "counts": dict(sorted(c.counts().items())),
            }
            for c in comparisons
            if not c.only
        ],
        "only_old": [c.old for c in comparisons if c.only == "old"],
        "only_new": [c.new for c in comparisons if c.only == "new"],
        "totals": dict(sorted(_totals(comparisons).items())),
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


_HTML_HEAD = """<!DOCTYPE html>
<html lang="und">
<head>
<meta charset="utf-8">
<title>reflow diff</title>
<style>
body { font-family: sans-serif; }
td { vertical-align: top; padding: 2px 8px; }
del { background: #fcc; }
ins { background: #cfc; text-decoration: none; }
</style>
</head>
<body>
"""


def format_html(comparisons: Sequence[Comparison], old: str, new: str) -> str:
    """The text report as a standalone HTML page: a table of changes per document."""
    from reflow.render._escape import markup_text as esc

    tags = {"": "{}", "-": "<del>{}</del>", "+": "<ins>{}</ins>"}
    out = [_HTML_HEAD, f"<h1>{esc(old)} &#8594; {esc(new)}</h1>\n"]
    for comparison in comparisons:
        if comparison.only:
            out.append(f"<p>only in {esc(comparison.only)}: {esc(comparison.old or comparison.new)}</p>\n")
            continue
        out.append(f"<h2>{esc(comparison.old)} &#8594; {esc(comparison.new)}</h2>\n")
        if comparison.changes:
            out.append("<table>\n")
            for change in comparison.changes:
                where, what = describe(change)
                text = "".join(tags[kind].format(esc(segment)) for kind, segment in what)
                out.append(
                    f"<tr><td>{esc(where)}</td><td>{esc(change.kind.value)}</td><td>{text}</td></tr>\n"
                )
            out.append("</table>\n")
        out.append(f"<p>{esc(_summary(comparison.counts()))}</p>\n")
    out.append(f"<p>{esc(_total_line(comparisons))}</p>\n</body>\n</html>\n")
    return "".join(out)


# --- The command ----------------------------------------------------------------------------------------


class _Loader:
    """Reads one side's documents: saved JSON as it is, raw dumps converted (each rule set loaded once)."""

    def __init__(self, rules: str, encoding: str) -> None:
        self.rules = rules
        self.encoding = encoding
        self._ruleset: RuleSet | None = None

    def ruleset(self) -> RuleSet:
        if self._ruleset is None:
            from reflow.io import load_rules

            self._ruleset = load_rules(self.rules)
        return self._ruleset

    def load(self, path: str) -> tuple[JsonObject, str]:
        """The document as reflow JSON (or a gold projection) and how it was obtained, for the header."""
        saved = _saved_json(path)
        if saved is not None:
            return saved, f"{path} (saved JSON)"
        return convert_file(path, self.ruleset(), self.encoding), f"{path} (rules {self.rules})"


def _saved_json(path: str) -> JsonObject | None:
    """A saved JSON output: by its ``.json`` name, or because a file that starts with ``{`` parses as one."""
    from reflow.io import UsageError, read_input

    if path == "-":
        return None
    is_json = path.endswith(".json")
    data = read_input(path)
    if not is_json and not data.lstrip().startswith(b"{"):
        return None
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        if not is_json:
            return None
        raise UsageError(f"{path}: not valid JSON ({error})") from None
    problems = gold_problems(parsed)
    if problems:
        if not is_json:
            return None
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise UsageError(f"{path}: not a reflow JSON output or gold file: {problems[0]}{more}")
    assert isinstance(parsed, dict)
    return parsed


_DOCUMENT_SUFFIXES = (".txt", ".json")


def _documents(folder: Path) -> dict[str, Path]:
    """The raw dumps (``.txt``) and saved outputs (``.json``) under a folder, by relative path sans suffix."""
    from reflow.io import UsageError

    found: dict[str, Path] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.suffix not in _DOCUMENT_SUFFIXES or any(p.startswith(".") for p in relative.parts):
            continue
        if not path.is_file():
            continue
        key = relative.with_suffix("").as_posix()
        if key in found:
            raise UsageError(
                f"{folder}: both {found[key].relative_to(folder)} and {relative} stand for {key}; keep one"
            )
        found[key] = path
    return found


def compare_paths(new: str, old: str, new_loader: _Loader, old_loader: _Loader) -> list[Comparison]:
    """Compare two files, or two folders file by file (paired by relative path without suffix)."""
    from reflow.io import UsageError

    new_is_dir, old_is_dir = Path(new).is_dir(), Path(old).is_dir()
    if new_is_dir != old_is_dir:
        folder, file = (new, old) if new_is_dir else (old, new)
        raise UsageError(f"{folder} is a directory but {file} is not; compare two files or two directories")
    if not new_is_dir:
        return [_compare_one(Path(new).name, old, new, old_loader, new_loader)]
    olds, news = _documents(Path(old)), _documents(Path(new))
    if not olds and not news:
        raise UsageError(f"{new} and {old}: no .txt or .json files to compare")
    comparisons = []
    for key in sorted(olds.keys() | news.keys()):
        if key not in news:
            comparisons.append(Comparison(key, str(olds[key]), "", only="old"))
        elif key not in olds:
            comparisons.append(Comparison(key, "", str(news[key]), only="new"))
        else:
            comparisons.append(_compare_one(key, str(olds[key]), str(news[key]), old_loader, new_loader))
    return comparisons


def _compare_one(name: str, old: str, new: str, old_loader: _Loader, new_loader: _Loader) -> Comparison:
    old_data, old_label = old_loader.load(old)
    new_data, new_label = new_loader.load(new)
    return Comparison(name, old_label, new_label, compare_documents(old_data, new_data))


def run_against(args: argparse.Namespace) -> int:
    """``reflow diff INPUT --against OTHER [-r R] [--against-rules R] [--format text|json|html] [-o OUT]``."""
    from reflow.io import UsageError, write_output

    if args.input == "-" and args.against == "-":
        raise UsageError("only one of INPUT and --against can be standard input")
    new_loader = _Loader(args.rules, args.encoding)
    old_loader = _Loader(args.against_rules or args.rules, args.encoding)
    comparisons = compare_paths(args.input, args.against, new_loader, old_loader)
    fmt = args.format or ("html" if args.output not in (None, "-") else "text")
    if fmt == "json":
        report = format_json(comparisons, args.against, args.input)
    elif fmt == "html":
        report = format_html(comparisons, args.against, args.input)
    else:
        report = format_text(comparisons)
    write_output(report, args.output)
    return 1 if any(comparison.changed for comparison in comparisons) else 0
