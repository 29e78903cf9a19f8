"""The review report of one conversion: ``reflow diff INPUT``.

A plain text diff cannot show what reflow did to a dump: headlines move, articles split, lines join.
The review is built from the document's provenance instead. :func:`build_review` turns a
:class:`~reflow.model.Document` into a :class:`Review`: one :class:`Row` per output block (headline,
subtitle, dateline, paragraph, heading, jump marker, furniture), in output order, holding the source lines
it came from, its text as :class:`Segment` runs (kept, deleted, inserted) and the :class:`Operation` s
(the document's edits, one each) made inside it, named as badges.

Every source line belongs to exactly one row. A line that several blocks draw on (a dateline and the
paragraph after it) belongs to the first of them in output order; the others name it in ``shared``. A
blank line goes with the row of the line before it; lines no block kept become a ``removed`` row next
to the row of a neighbouring line (see :func:`_assign_lines`). "Source lines" are ``source.split("\\n")``
without the empty string after a final newline.

Three renderers decide nothing: :func:`render_review_html` (one self-contained page: inline CSS and
JavaScript, a Content-Security-Policy that allows nothing else), :func:`render_review_text` (for a
terminal or pager, ANSI colour on request) and :func:`render_review_json`. Each makes text safe in one
place (:func:`_html`, :func:`_term`, :func:`reflow.render._escape.clean`).

>>> from reflow import convert, load_ruleset
>>> review = build_review(convert("第一段文字，\\n\\n第二行。\\n", load_ruleset("zh-newspaper")))
>>> [(row.role, [line.number for line in row.lines]) for row in review.rows]
[('paragraph', [1, 2, 3])]
>>> [(op.kind, op.label) for op in review.operations]
[('column-break', 'column break healed')]
"""

from __future__ import annotations

import argparse
import base64
import bisect
import hashlib
import json
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from reflow.model import Block, Document, Edit, Jump
from reflow.render._common import headline_stack, jumps, language
from reflow.render._escape import clean, markup_attr, markup_text

__all__ = [
    "Badge",
    "KindCount",
    "Operation",
    "Review",
    "Row",
    "Segment",
    "SharedLine",
    "SourceLine",
    "build_review",
    "render_review_html",
    "render_review_json",
    "render_review_text",
    "run_report",
]

SegmentKind = Literal["keep", "del", "ins", "skip"]


# --- the review model ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One source line as the review shows it; ``blank`` when it holds only whitespace."""

    number: int
    text: str
    blank: bool


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of a row's output text: ``keep`` (copied from the source), ``del`` (source text the block
    leaves out between two of its pieces: a line break, an extraction space, a hyphen), ``ins`` (text
    reflow put in) or ``skip`` (the block goes on at ``line``, past lines shown in other rows).
    ``start``/``end`` is the source span (``start == end`` for inserted text); ``rule`` and
    ``operation`` (its kind) name the edit that made a deletion or insertion, when one did."""

    kind: SegmentKind
    text: str
    start: int
    end: int
    rule: str = ""
    operation: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class Operation:
    """One edit of the document, classified: ``kind`` is a stable slug for filtering, ``label`` the badge
    text, ``quiet`` operations (joined lines, blank-line paragraph breaks, extraction spaces) are marked
    inline and counted but get no badge. ``row`` is the id of the row the edit belongs to."""

    kind: str
    label: str
    quiet: bool
    rule: str
    action: str
    start: int
    end: int
    first_line: int
    last_line: int
    removed: str
    inserted: str
    note: str
    row: str | None


@dataclass(frozen=True, slots=True)
class Badge:
    """The operations of one kind and label in a row; ``line`` is a source line the badge points to."""

    kind: str
    label: str
    count: int
    detail: str
    line: int


@dataclass(frozen=True, slots=True)
class SharedLine:
    """A source line the row's block draws on that is shown in another row (``row``)."""

    number: int
    row: str


@dataclass(frozen=True, slots=True)
class Row:
    """One output block (or removed source lines) beside the source lines it owns.

    ``role`` is a :class:`~reflow.model.BlockKind` value, ``marker`` for a jump marker, ``removed`` for
    lines no block kept, ``blank`` for a source without any other line. ``block_lines`` is the block's
    own first and last line (``None`` for removed and blank rows). ``kinds`` lists the operation kinds in
    the row, for filtering.
    """

    id: str
    role: str
    article: str | None
    level: int
    block_lines: tuple[int, int] | None
    lines: tuple[SourceLine, ...]
    shared: tuple[SharedLine, ...]
    segments: tuple[Segment, ...]
    operations: tuple[int, ...]
    badges: tuple[Badge, ...]
    kinds: tuple[str, ...]

    @property
    def first_line(self) -> int:
        """The first source line the row shows (or, without one, the first line it draws on)."""
        if self.lines:
            return self.lines[0].number
        if self.shared:
            return self.shared[0].number
        return self.block_lines[0] if self.block_lines else 0

    @property
    def line_range(self) -> str:
        """``L79-81``: the first and last source line shown (or drawn on)."""
        numbers = [line.number for line in self.lines] or [line.number for line in self.shared]
        if not numbers:
            return ""
        low, high = min(numbers), max(numbers)
        return f"L{low}" if low == high else f"L{low}-{high}"


@dataclass(frozen=True, slots=True)
class KindCount:
    """How many operations of one kind the review holds, with the summary title of the kind."""

    kind: str
    title: str
    count: int
    quiet: bool


@dataclass(frozen=True, slots=True)
class Review:
    """The whole review: rows in output order, the operations and their counts by kind."""

    source_name: str
    ruleset: str
    line_count: int
    article_count: int
    rows: tuple[Row, ...]
    operations: tuple[Operation, ...]
    summary: tuple[KindCount, ...]


# --- classifying edits ----------------------------------------------------------------------------------

UNEXPLAINED: Final = "unexplained"
"""The kind counted for a removed row that no edit explains: a silent loss, to be reported as a bug."""

# kind -> (summary title, quiet); the order is the summary's order
_KINDS: Final[dict[str, tuple[str, bool]]] = {
    UNEXPLAINED: ("lines removed without an edit", False),
    "headline-moved": ("headlines moved", False),
    "article-split": ("article splits", False),
    "article-stitched": ("jumped articles stitched", False),
    "stitch-join": ("paragraphs rejoined across a jump", False),
    "continued-from": ("continued from another page", False),
    "continued-on": ("continued on another page", False),
    "jump-marker": ("jump markers", False),
    "headline-stack": ("headline stack lines", False),
    "dateline": ("datelines", False),
    "heading": ("headings", False),
    "end-cue": ("end marks", False),
    "furniture": ("furniture removed", False),
    "column-break": ("column breaks healed", False),
    "judged-break": ("breaks judged without a blank line", False),
    "hyphen-removed": ("hyphens removed", False),
    "replaced": ("replacements", False),
    "deleted": ("deletions", False),
    "space-removed": ("extraction spaces removed", True),
    "paragraph-break": ("paragraph breaks at blank lines", True),
    "line-joined": ("lines joined", True),
}
_HYPHENS: Final = frozenset("-\u2010\u00ad")
_PAGE_NOTE: Final = re.compile(r"(from|to) page (.*)")
_SLUG_UNSAFE: Final = re.compile(r"[^a-z0-9]+")


def _classify(edit: Edit, role: str) -> tuple[str, str]:
    """The kind slug and badge label of ``edit``, which belongs to a row of ``role``."""
    action = edit.action
    if action == "join":
        if edit.first_line != edit.last_line and edit.rule.startswith("articles."):
            return "stitch-join", "paragraph rejoined across the jump"
        return "line-joined", "line joined"
    if action == "heal-column-break":
        return "column-break", "column break healed"
    if action == "break":
        if edit.removed.count("\n") > 1 or "\f" in edit.removed:
            return "paragraph-break", "paragraph break"
        reason = f": {edit.note}" if edit.note else ""
        return "judged-break", f"break after L{edit.first_line}{reason}"
    if action == "delete":
        if edit.removed and edit.removed.isspace():
            return "space-removed", "extraction space removed"
        if edit.removed and set(edit.removed) <= _HYPHENS:
            return "hyphen-removed", "hyphen removed"
        return "deleted", f"removed {_short(edit.removed)}"
    if action == "replace":
        if not edit.removed and edit.note:
            return "replaced", edit.note.split(" at byte offset")[0]
        return "replaced", f"replaced {_short(edit.removed)} with {_short(edit.inserted)}"
    if action == "furniture":
        return "furniture", f"{_words(edit.rule)} removed"
    if action == "marker":
        match = _PAGE_NOTE.fullmatch(edit.note)
        if match and match.group(1) == "from":
            return "continued-from", f"continued from page {match.group(2)}"
        if match:
            return "continued-on", f"continued on page {match.group(2)}"
        return "jump-marker", "jump marker"
    if action == "end-cue":
        return "end-cue", "end mark"
    if action == "heading":
        return "heading", "heading"
    if action == "headline":
        return "headline-stack", "headline stack"
    if action == "dateline":
        return "dateline", "dateline"
    if action == "split":
        return "article-split", "article split"
    if action == "move-headline":
        return "headline-moved", f"moved from line {edit.first_line} to {role}"
    if action == "stitch":
        return "article-stitched", "jumped article stitched"
    return _SLUG_UNSAFE.sub("-", action.lower()).strip("-") or "edit", action.replace("-", " ")


def _words(rule: str) -> str:
    """``furniture.running_head`` -> ``running head``."""
    return rule.rsplit(".", 1)[-1].replace("_", " ")


def _short(text: str, limit: int = 12) -> str:
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"“{shown}”"


def _title(kind: str) -> tuple[str, bool]:
    return _KINDS.get(kind, (kind.replace("-", " "), False))


# --- building the review ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    """A row while the review is built (mutable; frozen into a :class:`Row` at the end)."""

    role: str
    article: str | None
    level: int
    block_lines: tuple[int, int] | None
    claims: list[int]
    intervals: list[tuple[int, int]]
    segments: list[Segment]
    owned: list[int]
    shared: list[int]
    edits: list[int]
    joints: set[tuple[int, int]] = field(default_factory=set)


class _Lines:
    """The source lines and offset -> line lookup."""

    def __init__(self, source: str) -> None:
        texts = source.split("\n")
        if texts and texts[-1] == "" and len(texts) > 1:
            texts.pop()  # the empty string after the final newline is not a line
        if texts == [""]:
            texts = []
        self.lines = [SourceLine(n, text, not text.strip()) for n, text in enumerate(texts, 1)]
        self.starts: list[int] = []
        at = 0
        for text in texts:
            self.starts.append(at)
            at += len(text) + 1

    @property
    def count(self) -> int:
        return len(self.lines)

    def of(self, offset: int) -> int:
        """The 1-based line holding ``offset`` (clamped to the lines there are)."""
        return min(max(bisect.bisect_right(self.starts, offset), 1), max(self.count, 1))

    def clamp(self, number: int) -> int:
        return min(max(number, 1), self.count)


def build_review(document: Document) -> Review:
    """The review of ``document``: every source line in exactly one row, every edit in one operation."""
    source = document.source
    lines = _Lines(source)
    drafts = [
        _jump_draft(target, article, lines)
        if isinstance(target, Jump)
        else _block_draft(role, article, target, source, lines)
        for role, article, target in _targets(document)
    ]
    order = _assign_lines(drafts, lines)
    homes = _assign_edits(document.edits, drafts, lines)
    return _freeze(document, lines, drafts, order, homes)


def _targets(document: Document) -> list[tuple[str, str | None, Block | Jump]]:
    """What the output shows, in its order: furniture, then each article's headline stack, ``from``
    jump markers, blocks and ``to`` jump markers."""
    found: list[tuple[str, str | None, Block | Jump]] = [
        ("furniture", None, block) for block in document.furniture
    ]
    for article in document.articles:
        found.extend((role, article.id, block) for role, block in headline_stack(article))
        found.extend(("marker", article.id, jump) for jump in jumps(article, "from"))
        found.extend((block.kind.value, article.id, block) for block in article.blocks)
        found.extend(("marker", article.id, jump) for jump in jumps(article, "to"))
    return found


def _block_draft(role: str, article: str | None, block: Block, source: str, lines: _Lines) -> _Draft:
    """A block's draft: the lines its pieces come from, the spans it covers, its text as segments."""
    claims: list[int] = []
    intervals: list[tuple[int, int]] = []
    segments: list[Segment] = []
    pending: list[Segment] = []  # inserted text waits until the gap before the next piece is shown
    joints: set[tuple[int, int]] = set()  # (end, start) of consecutive pieces: where join edits sit
    previous: int | None = None
    for piece in block.pieces:
        if piece.start == piece.end:
            intervals.append((piece.start, piece.start))
            if piece.text:
                pending.append(Segment("ins", piece.text, piece.start, piece.start))
            continue
        if previous is not None and piece.start != previous:
            segments.append(_gap(source, lines, previous, piece.start, claims, intervals))
            joints.add((previous, piece.start))
        segments.extend(pending)
        pending.clear()
        original = source[piece.start : piece.end]
        if original == piece.text:
            segments.append(Segment("keep", piece.text, piece.start, piece.end))
        else:
            segments.append(Segment("del", original, piece.start, piece.end))
            segments.append(Segment("ins", piece.text, piece.start, piece.start))
        intervals.append((piece.start, piece.end))
        claims.extend(range(lines.of(piece.start), lines.of(piece.end - 1) + 1))
        previous = piece.end
    segments.extend(pending)
    if not claims and block.first_line > 0 and lines.count:
        claims.extend(range(lines.clamp(block.first_line), lines.clamp(block.last_line) + 1))
    lines_of_block = (block.first_line, block.last_line)
    return _Draft(role, article, block.level, lines_of_block, claims, intervals, segments, [], [], [], joints)


def _gap(
    source: str, lines: _Lines, start: int, end: int, claims: list[int], intervals: list[tuple[int, int]]
) -> Segment:
    """The segment for the source between two pieces of one block; a gap of blank lines (a column
    break) is the block's, a gap over other text (a jump) is skipped."""
    resume = lines.of(end)
    if end < start:
        return Segment("skip", "", end, end, line=resume)
    inner = range(lines.of(start) + 1, resume)
    if any(not lines.lines[n - 1].blank for n in inner):
        return Segment("skip", "", start, end, line=resume)
    claims.extend(inner)
    intervals.append((start, end))
    return Segment("del", source[start:end], start, end)


def _jump_draft(jump: Jump, article: str | None, lines: _Lines) -> _Draft:
    """A jump marker's draft: its line, and the span of its text on that line when it can be found."""
    intervals: list[tuple[int, int]] = []
    claims: list[int] = []
    start = end = 0
    if 1 <= jump.line <= lines.count:
        claims.append(jump.line)
        at = lines.lines[jump.line - 1].text.find(jump.text) if jump.text else -1
        if at >= 0:
            start = lines.starts[jump.line - 1] + at
            end = start + len(jump.text)
            intervals.append((start, end))
    segment = Segment("keep", jump.text, start, end)
    return _Draft("marker", article, 0, (jump.line, jump.line), claims, intervals, [segment], [], [], [])


def _assign_lines(drafts: list[_Draft], lines: _Lines) -> list[int]:
    """Give every source line to one draft (adding ``removed`` and ``blank`` drafts as needed); return
    the output order of the drafts as indices.

    A line goes to the first draft in output order whose block draws on it. Lines no block draws on
    come in runs: blank lines before the first non-blank one go with the row of the line before (a
    paragraph break), the rest become a ``removed`` row placed after that row, or, when that row is
    furniture (set apart at the top) or there is none, before the row of the line after the run.
    """
    owner: list[int | None] = [None] * (lines.count + 2)
    for index, draft in enumerate(drafts):
        for number in dict.fromkeys(claim for claim in draft.claims if 1 <= claim <= lines.count):
            if owner[number] is None:
                owner[number] = index
            elif owner[number] != index:
                draft.shared.append(number)
    after: dict[int | None, list[int]] = {}
    before: dict[int, list[int]] = {}
    number = 1
    while number <= lines.count:
        if owner[number] is not None:
            number += 1
            continue
        first = number
        while number <= lines.count and owner[number] is None:
            number += 1
        last = number - 1
        previous, following = owner[first - 1], owner[last + 1]
        run = list(range(first, last + 1))
        if previous is not None:
            while run and lines.lines[run[0] - 1].blank:
                owner[run.pop(0)] = previous
        if run and all(lines.lines[n - 1].blank for n in run) and following is not None:
            for blank in run:
                owner[blank] = following
            continue
        if not run:
            continue
        blank_only = all(lines.lines[n - 1].blank for n in run)
        index = len(drafts)
        drafts.append(_Draft("blank" if blank_only else "removed", None, 0, None, [], [], [], [], [], []))
        for taken in run:
            owner[taken] = index
        if previous is not None and drafts[previous].role != "furniture":
            after.setdefault(previous, []).append(index)
        elif following is not None:
            before.setdefault(following, []).append(index)
        else:
            after.setdefault(previous, []).append(index)
    for number in range(1, lines.count + 1):
        found = owner[number]
        assert found is not None
        drafts[found].owned.append(number)
    order: list[int] = list(after.get(None, []))
    for index, draft in enumerate(drafts):
        if draft.role in ("removed", "blank"):
            continue
        order.extend(before.get(index, []))
        order.append(index)
        order.extend(after.get(index, []))
    return order


class _Spans:
    """A draft's source intervals sorted by start, searched in the window an edit can reach."""

    __slots__ = ("intervals", "longest", "starts")

    def __init__(self, intervals: Sequence[tuple[int, int]]) -> None:
        self.intervals = sorted(intervals)
        self.starts = [start for start, _ in self.intervals]
        self.longest = max((end - start for start, end in self.intervals), default=0)

    def near(self, start: int, end: int) -> list[tuple[int, int]]:
        """The intervals that overlap or touch ``[start, end]``."""
        low = bisect.bisect_left(self.starts, start - self.longest)
        high = bisect.bisect_right(self.starts, end)
        return [(s, e) for s, e in self.intervals[low:high] if e >= start]


def _assign_edits(edits: Sequence[Edit], drafts: list[_Draft], lines: _Lines) -> list[int | None]:
    """The draft index each edit belongs to (see :func:`_score`); ``None`` only without source lines."""
    touching: dict[int, list[int]] = {}
    for index, draft in enumerate(drafts):
        numbers = {lines.of(s) for s, _ in draft.intervals} | {
            lines.of(max(s, e - 1)) for s, e in draft.intervals
        }
        for number in numbers | set(draft.owned):
            touching.setdefault(number, []).append(index)
    owner = {number: index for index, draft in enumerate(drafts) for number in draft.owned}
    spans: dict[int, _Spans] = {}
    found: list[int | None] = []
    for position, edit in enumerate(edits):
        if not lines.count:
            found.append(None)
            continue
        first, last = lines.clamp(edit.first_line), lines.clamp(edit.last_line)
        reach = range(first, last + 1) if last - first <= 12 else (first, last)
        candidates = dict.fromkeys(index for number in reach for index in touching.get(number, ()))
        home = owner.get(first)
        best: _Score | None = None
        chosen = home
        for index in candidates:
            if index not in spans:
                spans[index] = _Spans(drafts[index].intervals)
            score = _score(edit, spans[index], drafts[index].joints, index == home)
            if score is not None and (best is None or score > best):
                best, chosen = score, index
        found.append(chosen)
        if chosen is not None:
            drafts[chosen].edits.append(position)
    return found


_Score = tuple[bool, bool, int, bool, bool]


def _score(edit: Edit, spans: _Spans, joints: set[tuple[int, int]], home: bool) -> _Score | None:
    """How well ``edit`` fits a draft, compared as a tuple (``None``: not at all). A join sits exactly
    between two of the block's pieces; other edits start inside the block's span or overlap it most;
    else the owner of the edit's first line takes it (a paragraph break goes with the block it ends),
    else a block it touches."""
    joint = (edit.start, edit.end) in joints
    near = spans.near(edit.start, edit.end)
    holds = any(start <= edit.start < end for start, end in near)
    overlap = sum(max(0, min(end, edit.end) - max(start, edit.start)) for start, end in near)
    if not (joint or near or home):
        return None
    return joint, holds, overlap, home, bool(near)


def _freeze(
    document: Document, lines: _Lines, drafts: list[_Draft], order: list[int], homes: list[int | None]
) -> Review:
    ids = {index: f"r{rank}" for rank, index in enumerate(order, 1)}
    owner = {number: index for index, draft in enumerate(drafts) for number in draft.owned}
    operations: list[Operation] = []
    for edit, home in zip(document.edits, homes, strict=True):
        role = drafts[home].role if home is not None else ""
        kind, label = _classify(edit, role)
        operations.append(
            Operation(
                kind,
                label,
                _title(kind)[1],
                edit.rule,
                edit.action,
                edit.start,
                edit.end,
                edit.first_line,
                edit.last_line,
                edit.removed,
                edit.inserted,
                edit.note,
                None if home is None else ids[home],
            )
        )
    rows: list[Row] = []
    counts: dict[str, int] = {}
    for operation in operations:
        counts[operation.kind] = counts.get(operation.kind, 0) + 1
    for index in order:
        draft = drafts[index]
        mine = [operations[position] for position in draft.edits]
        badges = _badges(mine)
        if draft.role == "removed" and not mine:
            badges.append(Badge(UNEXPLAINED, "removed without an edit", 1, "no edit explains these lines", 0))
            counts[UNEXPLAINED] = counts.get(UNEXPLAINED, 0) + 1
        rows.append(
            Row(
                id=ids[index],
                role=draft.role,
                article=draft.article,
                level=draft.level,
                block_lines=draft.block_lines,
                lines=tuple(lines.lines[number - 1] for number in draft.owned),
                shared=tuple(SharedLine(number, ids[owner[number]]) for number in sorted(set(draft.shared))),
                segments=tuple(_merged(draft.segments, mine)),
                operations=tuple(draft.edits),
                badges=tuple(badges),
                kinds=tuple(dict.fromkeys([badge.kind for badge in badges] + [op.kind for op in mine])),
            )
        )
    known = list(_KINDS)
    summary = []
    for kind in sorted(counts, key=lambda k: (known.index(k) if k in known else len(known), k)):
        title, quiet = _title(kind)
        summary.append(KindCount(kind, title, counts[kind], quiet))
    return Review(
        source_name=document.source_name,
        ruleset=document.ruleset,
        line_count=lines.count,
        article_count=len(document.articles),
        rows=tuple(rows),
        operations=tuple(operations),
        summary=tuple(summary),
    )


def _badges(operations: Sequence[Operation]) -> list[Badge]:
    """The row's loud operations as badges, one per kind and label, in order of first appearance."""
    grouped: dict[tuple[str, str], list[Operation]] = {}
    for operation in operations:
        if not operation.quiet:
            grouped.setdefault((operation.kind, operation.label), []).append(operation)
    badges = []
    for (kind, label), members in grouped.items():
        first = members[0]
        detail = "; ".join(
            dict.fromkeys(f"{op.rule}: {op.action}" + (f" ({op.note})" if op.note else "") for op in members)
        )
        badges.append(Badge(kind, label, len(members), detail, first.first_line))
    return badges


def _merged(segments: Sequence[Segment], operations: Sequence[Operation]) -> list[Segment]:
    """The segments with the edit that made each deletion or insertion, adjacent kept runs merged."""
    at: dict[int, list[Operation]] = {}
    for operation in operations:
        at.setdefault(operation.start, []).append(operation)
    out: list[Segment] = []
    for segment in segments:
        if segment.kind in ("del", "ins"):
            made = next((op for op in at.get(segment.start, ()) if _made(op, segment)), None)
            if made is not None:
                segment = Segment(
                    segment.kind, segment.text, segment.start, segment.end, made.rule, made.kind
                )
        if out and segment.kind == "keep" and out[-1].kind == "keep" and out[-1].end == segment.start:
            out[-1] = Segment("keep", out[-1].text + segment.text, out[-1].start, segment.end)
        else:
            out.append(segment)
    return out


def _made(operation: Operation, segment: Segment) -> bool:
    """Whether ``operation`` removed (``del``) or inserted (``ins``) the text of ``segment``."""
    return bool(operation.removed) if segment.kind == "del" else operation.inserted == segment.text


# --- making text safe: the one place ------------------------------------------------------------------

# Control characters, bidirectional overrides and isolates become visible: nothing in a line can hide
# or reorder what the reviewer sees, and no escape sequence reaches a terminal.
_VISIBLE: Final[dict[int, str]] = {
    **{code: chr(0x2400 + code) for code in range(0x20)},
    0x0A: "⏎",
    0x09: "⇥",
    0x7F: "␡",
    **{code: f"<U+{code:04X}>" for code in range(0x80, 0xA0)},
    **{code: f"<U+{code:04X}>" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F)},
}


def _visible(text: str) -> str:
    """``text`` with controls shown as symbols (``⏎`` for a line break) and lone surrogates as U+FFFD."""
    return clean(text.translate(_VISIBLE))


def _html(text: str) -> str:
    """Text content for the HTML report: visible, then escaped."""
    return markup_text(_visible(text))


def _attr(value: str) -> str:
    """An attribute value for the HTML report (to go between double quotes)."""
    return markup_attr(_visible(value))


def _term(text: str) -> str:
    """Text for a terminal: visible (no control character, so no escape sequence, gets through)."""
    return _visible(text)


# --- HTML -----------------------------------------------------------------------------------------------

_CSS: Final = """
:root{--line:#e3e3e3;--dim:#6b6b6b;--del:#ffd7d5;--del-fg:#a1120a;--ins:#cdf5cf;--ins-fg:#0b6b1a}
*{box-sizing:border-box}
body{margin:0;font:15px/1.55 system-ui,"Noto Sans CJK SC","Noto Sans",sans-serif;
 color:#1b1b1b;background:#fff}
header{padding:.8em 1.2em;border-bottom:1px solid var(--line);background:#f7f7f9}
h1{font-size:1.15em;margin:0 0 .2em}
h1 .name{font-weight:normal;color:var(--dim)}
.facts{margin:.2em 0 .6em;color:var(--dim)}
.summary{display:flex;flex-wrap:wrap;gap:.35em}
.summary a,.badge{display:inline-block;border-radius:1em;padding:.05em .65em;font-size:.82em;
 text-decoration:none;color:#1b1b1b;background:#e8eaf3;border:1px solid #cfd3e4;white-space:nowrap}
.summary a .n{font-weight:600;margin-left:.3em}
.summary a.quiet{background:#f1f1f1;border-color:#dedede;color:var(--dim)}
.summary a.active{background:#2447b8;border-color:#2447b8;color:#fff}
.legend{margin:.6em 0 0;font-size:.85em;color:var(--dim)}
table{border-collapse:collapse;width:100%;table-layout:fixed}
th,td{vertical-align:top;text-align:left;padding:.35em .8em;border-top:1px solid var(--line)}
thead th{font-size:.8em;text-transform:uppercase;letter-spacing:.05em;color:var(--dim)}
col.src{width:46%}
tr.article th{background:#f0f3fb;font-size:.9em;border-top:2px solid #b9c3e3}
tr[hidden]{display:none}
tr.row:target,.line:target{background:#fff4c2}
td.src{font-family:"Noto Sans Mono CJK SC","DejaVu Sans Mono",monospace;font-size:.9em;background:#fbfbfb}
.line{display:flex;white-space:pre-wrap;overflow-wrap:anywhere}
.line.blank{color:var(--dim);min-height:1.2em}
.ln{flex:none;width:3.2em;padding-right:.7em;text-align:right;color:#9a9a9a;text-decoration:none;user-select:none}
.ln:hover{color:#2447b8}
.shared{font-size:.85em;color:var(--dim)}
.shared a{color:inherit}
.meta{display:flex;flex-wrap:wrap;align-items:baseline;gap:.4em;margin-bottom:.15em}
.at{font-size:.82em;color:var(--dim)}
.role{font-size:.72em;text-transform:uppercase;letter-spacing:.06em;color:#fff;background:#6b7280;
 border-radius:.3em;padding:0 .45em}
.role-headline .role,.role-kicker .role,.role-subheadline .role{background:#7c3aed}
.role-dateline .role,.role-byline .role{background:#0e7490}
.role-heading .role{background:#b45309}
.role-marker .role{background:#2563eb}
.role-furniture .role,.role-removed .role,.role-blank .role{background:#9ca3af}
.article-id{font-size:.8em;color:var(--dim)}
.badge{background:#fff3d6;border-color:#f0cf85}
.k-unexplained{background:#ffd7d5;border-color:#e08a84}
.text{white-space:pre-wrap;overflow-wrap:anywhere}
.role-headline .text{font-size:1.3em;font-weight:700}
.role-kicker .text,.role-subheadline .text{font-weight:600}
.role-heading .text{font-weight:700}
.role-dateline .text,.role-byline .text,.role-marker .text{font-style:italic}
.role-furniture .text{color:var(--dim);text-decoration:line-through}
.none{color:var(--dim);font-style:italic}
del{background:var(--del);color:var(--del-fg);text-decoration:none;border-radius:2px;padding:0 1px}
ins{background:var(--ins);color:var(--ins-fg);text-decoration:none;border-radius:2px;padding:0 1px}
del.k-line-joined{background:none;color:#d98a84;padding:0}
del.k-column-break,del.k-hyphen-removed{outline:1px solid var(--del-fg)}
a.skip{font-size:.85em;color:#2447b8}
""".strip()

_JS: Final = """
"use strict";
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.row"));
  var links = Array.prototype.slice.call(document.querySelectorAll("a[data-kind]"));
  var status = document.getElementById("status");
  function wanted() {
    var match = /^#filter=([a-z0-9-]*)$/.exec(window.location.hash);
    return match ? match[1] : null;
  }
  function apply() {
    var kind = wanted();
    var shown = 0;
    var heading = null;
    Array.prototype.forEach.call(document.querySelectorAll("tbody tr"), function (row) {
      if (row.classList.contains("article")) {
        heading = row;
        row.hidden = !!kind;
        return;
      }
      var kinds = " " + row.getAttribute("data-kinds") + " ";
      row.hidden = !!kind && kinds.indexOf(" " + kind + " ") < 0;
      if (!row.hidden) {
        shown += 1;
        if (heading && row.hasAttribute("data-article")) { heading.hidden = false; }
      }
    });
    links.forEach(function (link) {
      link.classList.toggle("active", link.getAttribute("data-kind") === (kind || ""));
    });
    document.body.setAttribute("data-filter", kind || "");
    var total = rows.length + (rows.length === 1 ? " row" : " rows");
    status.textContent = kind ? shown + " of " + total + " shown" : total;
    if (kind === null && window.location.hash.length > 1) {
      var target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
      if (target) { target.scrollIntoView(); }
    }
  }
  links.forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (link.classList.contains("active") && link.getAttribute("data-kind")) {
        event.preventDefault();
        window.location.hash = "filter=";
      }
    });
  });
  window.addEventListener("hashchange", apply);
  apply();
})();
""".strip()


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


# Only the page's own style and script may run; nothing is fetched (no images, fonts, frames, forms).
_CSP: Final = (
    f"default-src 'none'; style-src {_sha256(_CSS)}; script-src {_sha256(_JS)}; "
    "img-src 'none'; base-uri 'none'; form-action 'none'"
)

_LEGEND: Final = (
    "<del>⏎</del> a line break, space or hyphen the output leaves out · <ins>+</ins> text reflow added · "
    "every source line appears once, on the left; click a line number or a row's lines to link to it; "
    "click a kind to show only its rows"
)


def render_review_html(review: Review) -> str:
    """The review as one self-contained HTML page (inline CSS and JavaScript, nothing fetched)."""
    out: list[str] = [
        "<!DOCTYPE html>",
        f'<html lang="{_attr(language(review.ruleset))}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_attr(_CSP)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="reflow diff (rule set {_attr(review.ruleset)})">',
        f"<title>reflow review: {_html(review.source_name)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f'<h1>reflow review <span class="name">{_html(review.source_name)}</span></h1>',
        f'<p class="facts">rule set {_html(review.ruleset)} · {_count(review.line_count, "source line")} · '
        f"{_count(review.article_count, 'article')} · {_count(len(review.operations), 'operation')} · "
        f'<span id="status">{_count(len(review.rows), "row")}</span></p>',
        '<nav class="summary">',
        '<a href="#filter=" data-kind="" class="all">all rows</a>',
    ]
    for item in review.summary:
        css = "kind quiet" if item.quiet else "kind"
        out.append(
            f'<a href="#filter={_attr(item.kind)}" data-kind="{_attr(item.kind)}" class="{css} '
            f'k-{_attr(item.kind)}">{_html(item.title)}<span class="n">{item.count}</span></a>'
        )
    out += ["</nav>", f'<p class="legend">{_LEGEND}</p>', "</header>", "<main>"]
    out += [
        '<table class="review">',
        '<colgroup><col class="src"><col class="out"></colgroup>',
        "<thead><tr><th>source line</th><th>output</th></tr></thead>",
        "<tbody>",
    ]
    article: str | None = None
    for row in review.rows:
        if row.article is not None and row.article != article:
            article = row.article
            out.append(f'<tr class="article"><th colspan="2">article {_html(article)}</th></tr>')
        out.append(_html_row(row))
    out += ["</tbody>", "</table>", "</main>", f"<script>{_JS}</script>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def _html_row(row: Row) -> str:
    kinds = " ".join(row.kinds)
    cells = [
        f'<tr class="row role-{_attr(row.role)}" id="{_attr(row.id)}" data-kinds="{_attr(kinds)}"'
        + (f' data-article="{_attr(row.article)}"' if row.article else "")
        + ">",
        '<td class="src">',
    ]
    for shared in row.shared:
        cells.append(
            f'<div class="shared"><a href="#L{shared.number}">L{shared.number}</a> is shown with '
            f'<a href="#{_attr(shared.row)}">{_html(shared.row)}</a></div>'
        )
    for line in row.lines:
        css = "line blank" if line.blank else "line"
        cells.append(
            f'<div class="{css}" id="L{line.number}"><a class="ln" href="#L{line.number}">{line.number}</a>'
            f'<span class="txt">{_html(line.text)}</span></div>'
        )
    cells.append('</td>\n<td class="out">')
    meta = [f'<a class="at" href="#L{row.first_line}">{_html(row.line_range)}</a>'] if row.line_range else []
    meta.append(f'<span class="role">{_html(_role_label(row))}</span>')
    if row.article:
        meta.append(f'<span class="article-id">{_html(row.article)}</span>')
    for badge in row.badges:
        count = f" ×{badge.count}" if badge.count > 1 else ""
        meta.append(
            f'<a class="badge k-{_attr(badge.kind)}" href="#filter={_attr(badge.kind)}" '
            f'title="{_attr(badge.detail)}">{_html(badge.label)}{count}</a>'
        )
    cells.append(f'<div class="meta">{" ".join(meta)}</div>')
    cells.append(f'<div class="text">{_html_segments(row)}</div>')
    cells.append("</td>\n</tr>")
    return "\n".join(cells)


def _html_segments(row: Row) -> str:
    if not row.segments:
        return f'<span class="none">{_html(_EMPTY.get(row.role, "no text"))}</span>'
    parts = []
    for segment in row.segments:
        title = f' class="k-{_attr(segment.operation)}" title="{_attr(segment.rule)}"' if segment.rule else ""
        if segment.kind == "keep":
            parts.append(_html(segment.text))
        elif segment.kind == "del":
            parts.append(f"<del{title}>{_html(segment.text)}</del>")
        elif segment.kind == "ins":
            parts.append(f"<ins{title}>{_html(segment.text)}</ins>")
        else:
            parts.append(f'<a class="skip" href="#L{segment.line}">⋯ goes on at L{segment.line} ⋯</a>')
    return "".join(parts)


_EMPTY: Final[dict[str, str]] = {
    "removed": "not in the output",
    "blank": "blank lines only",
}


def _count(number: int, noun: str) -> str:
    """``1 row``, ``2 rows``."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _role_label(row: Row) -> str:
    return f"heading {row.level}" if row.role == "heading" and row.level > 1 else row.role


# --- text -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Style:
    head: str = ""
    dim: str = ""
    badge: str = ""
    warn: str = ""
    deleted: str = ""
    inserted: str = ""
    reset: str = ""

    def paint(self, colour: str, text: str) -> str:
        return f"{colour}{text}{self.reset}" if colour else text


_PLAIN: Final = _Style()
_ANSI: Final = _Style(
    head="\x1b[1m",
    dim="\x1b[2m",
    badge="\x1b[33m",
    warn="\x1b[1;31m",
    deleted="\x1b[31;7m",
    inserted="\x1b[32;7m",
    reset="\x1b[0m",
)


def render_review_text(review: Review, *, colour: bool = False) -> str:
    """The review for a terminal or pager: a summary, then per row its header (id, lines, role, badges),
    its source lines and, after ``>``, its output with ``[-removed-]`` and ``{+added+}`` marks (with
    ``colour``: ANSI reverse red and green instead)."""
    style = _ANSI if colour else _PLAIN
    out = [
        style.paint(
            style.head, f"reflow review of {_term(review.source_name)} (rule set {_term(review.ruleset)})"
        ),
        f"{_count(review.line_count, 'source line')}, {_count(review.article_count, 'article')}, "
        f"{_count(len(review.rows), 'row')}, {_count(len(review.operations), 'operation')}",
    ]
    if review.summary:
        counts = [f"{_term(item.title)}: {item.count} [{_term(item.kind)}]" for item in review.summary]
        out.append(_wrapped(counts, "  ", " · ", 100))
    article: str | None = None
    width = len(str(review.line_count))
    for row in review.rows:
        if row.article is not None and row.article != article:
            article = row.article
            out += ["", style.paint(style.head, f"== article {_term(article)} ==")]
        out.append(_text_row(row, style, width))
    return "\n".join(out) + "\n"


def _text_row(row: Row, style: _Style, width: int) -> str:
    head = [style.paint(style.head, f"{row.id} {_term(_role_label(row))}"), row.line_range]
    for badge in row.badges:
        colour = style.warn if badge.kind == UNEXPLAINED else style.badge
        count = f" ×{badge.count}" if badge.count > 1 else ""
        head.append(style.paint(colour, f"[{_term(badge.label)}{count}]"))
    lines = [" ".join(head)]
    for shared in row.shared:
        lines.append(style.paint(style.dim, f"  {'':>{width}} ^ L{shared.number} is shown with {shared.row}"))
    for line in row.lines:
        lines.append(f"  {style.paint(style.dim, f'{line.number:>{width}} |')} {_term(line.text)}".rstrip())
    text = "".join(_text_segment(segment, style) for segment in row.segments)
    if row.segments:
        lines.append(f"  {'':>{width}} > {text}")
    else:
        lines.append(style.paint(style.dim, f"  {'':>{width}} > ({_EMPTY.get(row.role, 'no text')})"))
    return "\n".join(lines)


def _text_segment(segment: Segment, style: _Style) -> str:
    if segment.kind == "keep":
        return _term(segment.text)
    if segment.kind == "del":
        return (
            style.paint(style.deleted, _term(segment.text)) if style.reset else f"[-{_term(segment.text)}-]"
        )
    if segment.kind == "ins":
        return (
            style.paint(style.inserted, _term(segment.text))
            if style.reset
            else f"{{+{_term(segment.text)}+}}"
        )
    return style.paint(style.dim, f" [... goes on at L{segment.line} ...] ")


def _wrapped(items: Sequence[str], indent: str, separator: str, limit: int) -> str:
    lines: list[str] = []
    current = ""
    for item in items:
        candidate = f"{current}{separator}{item}" if current else item
        if current and len(indent + candidate) > limit:
            lines.append(indent + current)
            current = item
        else:
            current = candidate
    if current:
        lines.append(indent + current)
    return "\n".join(lines)


# --- JSON -----------------------------------------------------------------------------------------------


def render_review_json(review: Review) -> str:
    """The review as data: the summary, every operation (kind, rule, source lines and span, target row)
    and every row (its source lines, segments, operation indices and badges)."""
    rows = {row.id: row for row in review.rows}
    data: dict[str, Any] = {
        "source": clean(review.source_name),
        "ruleset": clean(review.ruleset),
        "lines": review.line_count,
        "articles": review.article_count,
        "summary": [
            {"kind": item.kind, "title": item.title, "count": item.count, "quiet": item.quiet}
            for item in review.summary
        ],
        "operations": [_json_operation(operation, rows) for operation in review.operations],
        "rows": [_json_row(row) for row in review.rows],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _json_operation(operation: Operation, rows: dict[str, Row]) -> dict[str, Any]:
    row = rows.get(operation.row) if operation.row else None
    return {
        "kind": operation.kind,
        "label": clean(operation.label),
        "quiet": operation.quiet,
        "rule": clean(operation.rule),
        "action": clean(operation.action),
        "lines": [operation.first_line, operation.last_line],
        "span": [operation.start, operation.end],
        "removed": clean(operation.removed),
        "inserted": clean(operation.inserted),
        "note": clean(operation.note),
        "target": None
        if row is None
        else {"row": row.id, "role": row.role, "article": row.article, "lines": row.block_lines},
    }


def _json_row(row: Row) -> dict[str, Any]:
    return {
        "id": row.id,
        "role": row.role,
        "article": row.article,
        "level": row.level,
        "block_lines": row.block_lines,
        "lines": [{"line": line.number, "text": clean(line.text), "blank": line.blank} for line in row.lines],
        "shared": [{"line": shared.number, "row": shared.row} for shared in row.shared],
        "segments": [
            {
                "kind": s.kind,
                "text": clean(s.text),
                "span": [s.start, s.end],
                "rule": s.rule,
                "operation": s.operation,
            }
            | ({"line": s.line} if s.kind == "skip" else {})
            for s in row.segments
        ],
        "operations": list(row.operations),
        "badges": [
            {
                "kind": b.kind,
                "label": clean(b.label),
                "count": b.count,
                "detail": clean(b.detail),
                "line": b.line,
            }
            for b in row.badges
        ],
        "kinds": list(row.kinds),
    }


# --- the command --------------------------------------------------------------------------------------


def run_report(args: argparse.Namespace) -> int:
    """``reflow diff INPUT`` without ``--against``: convert INPUT and write its review (exit status 0)."""
    from reflow.io import UsageError, load_rules, read_input, write_output
    from reflow.pipeline import convert_bytes

    if getattr(args, "against_rules", None):
        raise UsageError("--against-rules only applies with --against OTHER")
    to_file = args.output is not None and args.output != "-"
    fmt = args.format or ("html" if to_file else "text")
    ruleset = load_rules(args.rules)
    data = read_input(args.input)
    if _looks_like_json_output(data):
        raise UsageError(
            f"{args.input}: is a saved JSON output; the review needs the raw dump (or compare with --against)"
        )
    name = "<stdin>" if args.input == "-" else args.input
    try:
        document = convert_bytes(data, ruleset, source_name=name, encoding=args.encoding)
    except LookupError:
        raise UsageError(f"unknown encoding {args.encoding!r}; use a Python codec name or auto") from None
    review = build_review(document)
    if fmt == "html":
        text = render_review_html(review)
    elif fmt == "json":
        text = render_review_json(review)
    else:
        colour = not to_file and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        text = render_review_text(review, colour=colour)
    write_output(text, args.output)
    return 0


def _looks_like_json_output(data: bytes) -> bool:
    """Whether ``data`` is a JSON object with ``articles`` (what ``reflow convert --to json`` writes)."""
    if data.lstrip()[:1] != b"{":
        return False
    try:
        parsed = json.loads(data)
    except ValueError:
        return False
    return isinstance(parsed, dict) and "articles" in parsed
