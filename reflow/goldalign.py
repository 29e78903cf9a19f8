"""Gold files against their source: block lines found by alignment, and one role per source line.

Hand-written gold rarely says which source lines a block came from, and a page's *line roles* (what
each physical line of the dump is: a paragraph's first line, a headline line, furniture ...) are what a
page-level line-role engine learns from. Both come from aligning gold texts to the dump.

The alignment works on the source's **non-whitespace characters in order** (:class:`Reference`): gold
texts were copied from the source, while the dump has extraction spaces, line breaks, line-end
hyphens and furniture lines interleaved. A text is located by exact runs of characters chained forward
through small differences (a character more or less on either side) and over gaps (a hyphen, a running
head, another article that pdftotext printed in between), starting from every place its opening,
middle or closing characters occur, so a block is found wherever it is, not only after the previous one.
Characters are compared folded (NFKC, case-folded, one character for one), so a full-width digit in the
gold matches a half-width one in the dump.

>>> source = "标题\\n\\n第一段开头，\\n第一段结尾。\\n第二段。\\n"
>>> gold = {"articles": [{"headline": "标题", "blocks": [
...     {"type": "paragraph", "text": "第一段开头，第一段结尾。"},
...     {"type": "paragraph", "text": "第二段。"}]}]}
>>> attached = attach_lines(gold, source)
>>> [block["lines"] for block in attached["articles"][0]["blocks"]], attached["articles"][0]["field_lines"]
([[3, 4], [5, 5]], {'headline': [1, 1]})
>>> line_roles(gold, source)
('headline', 'blank', 'para_start', 'para_cont', 'para_start')
"""

from __future__ import annotations

import copy
import itertools
import re
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from reflow.model import LINE_ROLES

__all__ = [
    "FIELD_ROLES",
    "ROLES",
    "GoldAlignment",
    "Locator",
    "Match",
    "Reference",
    "align_gold",
    "attach_lines",
    "line_roles",
    "predicted_roles",
    "source_lines",
]

JsonObject = dict[str, Any]

ROLES = LINE_ROLES
"""The line roles of the page-level line-role engine, one per source line."""

FIELD_ROLES = {
    "kicker": "kicker",
    "headline": "headline",
    "subheadline": "subtitle",
    "dateline": "dateline",
    "byline": "byline",
}
"""Article text fields and the role of the lines they are printed on."""

_FIELDS = tuple(FIELD_ROLES)
_WHITESPACE = re.compile(r"\s+")
_NON_BLANK = re.compile(r"\S+")
#: A text is located when at least this share of its characters is found.
_MIN_SHARE = 0.5
#: Characters that confirm a small detour (a character more or less) or a jump over a gap.
_CONFIRM = 3
_JUMP = 8
#: Needle characters given up before a jump over a gap (a gold correction of a longer stretch).
_GIVE_UP = (0, 1, 2, 3, 6, 10, 16, 24, 32)
_MAX_CANDIDATES = 64
#: Characters that confirm a jump back: the text goes on before where it is (printed out of order).
_WRAP = 16

_fold_cache: dict[int, str] = {}


def _fold(text: str) -> str:
    """``text`` compared folded: NFKC and case-folded where that gives one character for one."""
    table = {}
    for char in set(text):
        code = ord(char)
        folded = _fold_cache.get(code)
        if folded is None:
            candidate = unicodedata.normalize("NFKC", char).casefold()
            folded = candidate if len(candidate) == 1 and not candidate.isspace() else char
            _fold_cache[code] = folded
        if folded != char:
            table[code] = folded
    return text.translate(table) if table else text


def source_lines(source: str) -> list[str]:
    """The source's lines (split at ``\\n``; a final line break ends the last line, it starts none).

    >>> source_lines("a\\n\\nb\\n"), source_lines("a\\nb")
    (['a', '', 'b'], ['a', 'b'])
    """
    lines = source.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines


@dataclass(frozen=True, slots=True)
class Match:
    """Where a text was found: runs ``(start, length)`` of reference positions, in the text's order
    (increasing, unless pdftotext printed part of the text before the part that comes first).

    ``found`` of its ``size`` non-whitespace characters were matched.
    """

    runs: tuple[tuple[int, int], ...]
    found: int
    size: int

    @property
    def first(self) -> int:
        """The position of the text's first character found."""
        return self.runs[0][0]

    @property
    def last(self) -> int:
        """The position of the text's last character found (runs are in the text's order)."""
        start, length = self.runs[-1]
        return start + length - 1

    @property
    def lowest(self) -> int:
        """The first position found in the source (not the text's first when printed out of order)."""
        return min(start for start, _ in self.runs)

    @property
    def highest(self) -> int:
        return max(start + length - 1 for start, length in self.runs)

    def positions(self) -> Iterable[int]:
        for start, length in self.runs:
            yield from range(start, start + length)


class Reference:
    """The non-whitespace characters of a source text, folded, with their offsets and lines.

    >>> ref = Reference("ab c\\n\\nde")
    >>> ref.text, list(ref.offsets), list(ref.lines), ref.line_count
    ('abcde', [0, 1, 3, 6, 7], [1, 1, 1, 3, 3], 3)
    >>> ref.line_range(2, 3), ref.position(3)
    ((3, 5), 2)
    """

    __slots__ = (
        "_ends",
        "_reversed",
        "_starts",
        "line_count",
        "line_starts",
        "line_texts",
        "lines",
        "offsets",
        "source",
        "text",
    )

    def __init__(self, source: str) -> None:
        self.source = source
        self.line_texts = source_lines(source)
        self.line_count = len(self.line_texts)
        self.offsets = array("q")
        self.lines = array("l")
        self.line_starts = array("q")
        chunks = []
        offset = 0
        for number, line in enumerate(self.line_texts, start=1):
            self.line_starts.append(len(self.offsets))
            for run in _NON_BLANK.finditer(line):
                chunks.append(run.group())
                self.offsets.extend(range(offset + run.start(), offset + run.end()))
            self.lines.extend([number] * (len(self.offsets) - self.line_starts[-1]))
            offset += len(line) + 1
        self.line_starts.append(len(self.offsets))
        self.text = _fold("".join(chunks))
        self._reversed: str | None = None
        self._starts: bytes | None = None
        self._ends: bytes | None = None

    @property
    def reversed(self) -> str:
        """:attr:`text` backwards (for aligning towards the start)."""
        if self._reversed is None:
            self._reversed = self.text[::-1]
        return self._reversed

    @property
    def starts(self) -> bytes:
        """1 at every position that is a line's first character, else 0."""
        if self._starts is None:
            flags = bytearray(len(self.text) + 1)
            for start in self.line_starts:
                flags[start] = 1
            self._starts = bytes(flags[: len(self.text)])
        return self._starts

    @property
    def ends(self) -> bytes:
        """1 at every position of :attr:`reversed` that is a line's last character, else 0."""
        if self._ends is None:
            flags = bytearray(len(self.text) + 1)
            for end in self.line_starts[1:]:
                flags[len(self.text) - end] = 1
            self._ends = bytes(flags[: len(self.text)])
        return self._ends

    def line_range(self, first: int, last: int) -> tuple[int, int]:
        """The reference positions ``[lo, hi)`` of source lines ``first`` to ``last`` (1-based)."""
        first = min(max(first, 1), self.line_count + 1)
        last = min(max(last, first - 1), self.line_count)
        return self.line_starts[first - 1], self.line_starts[last]

    def position(self, offset: int) -> int:
        """The reference position of the first non-whitespace character at or after source ``offset``."""
        return bisect_left(self.offsets, offset)

    def span_runs(self, spans: Iterable[Sequence[int]]) -> tuple[tuple[int, int], ...]:
        """Source character spans ``[start, end)`` as runs of reference positions."""
        runs: list[tuple[int, int]] = []
        for start, end in spans:
            lo, hi = bisect_left(self.offsets, start), bisect_left(self.offsets, end)
            if hi > lo:
                if runs and runs[-1][0] + runs[-1][1] == lo:
                    runs[-1] = (runs[-1][0], runs[-1][1] + hi - lo)
                else:
                    runs.append((lo, hi - lo))
        return tuple(runs)


def _common(a: str, i: int, b: str, j: int, limit: int) -> int:
    """Length of the common prefix of ``a[i:]`` and ``b[j:]``, at most ``limit`` (doubling steps)."""
    length, step = 0, 16
    while length < limit:
        size = min(step, limit - length)
        if a[i + length : i + length + size] == b[j + length : j + length + size]:
            length += size
            step *= 2
        elif size == 1:
            break
        else:
            step = max(1, size // 2)
    return length


def _detour(needle: str, i: int, hay: str, j: int, hi: int) -> tuple[int, int] | None:
    """After a mismatch at ``(i, j)``: skip up to 2 needle and 3 reference characters, cheapest first."""
    for cost in range(1, 6):
        for skip_needle in range(min(cost, 2), -1, -1):
            skip_hay = cost - skip_needle
            if skip_hay > 3:
                continue
            ni, hj = i + skip_needle, j + skip_hay
            if ni >= len(needle):
                continue  # not found is for the walk to decide, after trying a jump
            size = min(_CONFIRM, len(needle) - ni)
            if hj + size <= hi and needle[ni : ni + size] == hay[hj : hj + size]:
                return ni, hj
    return None


def _jump(needle: str, i: int, hay: str, j: int, hi: int, starts: bytes) -> tuple[int, int] | None:
    """After a mismatch no detour explains: the next place the needle goes on, over a gap.

    A last character or two (too few to confirm a jump anywhere) may only jump to the start of a line
    (``starts``): after a gap, a text goes on at the start of a line (the last line of a paragraph,
    ``”。``, printed after a running head or another article). A tail shorter than a jump piece
    prefers a line start too.
    """
    for skip in _GIVE_UP:
        ni = i + skip
        size = min(_JUMP, len(needle) - ni)
        if size <= 0:
            return None
        if size < _CONFIRM:
            found = _at_line_start(needle[ni:], hay, j, hi, starts) if skip == 0 else -1
            return (ni, found) if found >= 0 else None
        found = hay.find(needle[ni : ni + size], j, hi)
        if found >= 0 and size < _JUMP and not starts[found]:
            # a text's short tail: where it starts a line rather than inside another text
            at_start = _at_line_start(needle[ni : ni + size], hay, found, hi, starts)
            found = at_start if at_start >= 0 else found
        if found >= 0:
            return ni, found
    return None


def _at_line_start(piece: str, hay: str, j: int, hi: int, starts: bytes) -> int:
    """The first place from ``j`` where ``piece`` starts a line, or -1."""
    found, tries = hay.find(piece, j, hi), 0
    while found >= 0 and not starts[found] and tries < _MAX_CANDIDATES:
        found, tries = hay.find(piece, found + 1, hi), tries + 1
    return found if found >= 0 and starts[found] else -1


def _step(needle: str, i: int, hay: str, j: int, hi: int, starts: bytes) -> tuple[int, int] | None:
    """Where to go on after a mismatch at ``(i, j)``: a detour, unless it leads only to a short run and
    a jump leads to a longer one (the text goes on after another article that begins like it)."""
    detour = _detour(needle, i, hay, j, hi)
    if detour is None:
        return _jump(needle, i, hay, j, hi, starts)

    def run_from(at: tuple[int, int]) -> int:
        return _common(needle, at[0], hay, at[1], min(len(needle) - at[0], hi - at[1]))

    run = run_from(detour)
    if run >= _JUMP or (run >= _CONFIRM and detour[0] + run >= len(needle)):
        return detour
    jump = _jump(needle, i, hay, j, hi, starts)
    return jump if jump is not None and run_from(jump) > run else detour


def _extend(
    needle: str, i: int, hay: str, j: int, hi: int, starts: bytes, back_to: int
) -> list[tuple[int, int, int]]:
    """Greedy forward alignment from needle ``i`` / reference ``j``: runs ``(i, j, length)``.

    Where neither a detour nor a jump explains a mismatch (two differences close together), up to two
    characters are passed over on both sides; a single character matching after that is not counted.
    Where the text goes on nowhere after ``j``, it may go on (by a full jump piece) anywhere from
    ``back_to`` (confirmed by :data:`_WRAP` characters): pdftotext printed that part of it earlier.
    """
    runs = []
    blind = 0
    while i < len(needle) and j < hi:
        length = _common(needle, i, hay, j, min(len(needle) - i, hi - j))
        if length > 1 or (length and not blind):
            runs.append((i, j, length))
            i, j, blind = i + length, j + length, 0
            continue
        step = None if length else _step(needle, i, hay, j, hi, starts)
        if step is None and not length and len(needle) - i >= _WRAP:
            found = hay.find(needle[i : i + _WRAP], back_to, j)
            step = (i, found) if found >= 0 else None
        if step is not None:
            i, j = _hand_over(runs, step, needle, hay, j, starts)
        elif blind < 2:
            i, j, blind = i + max(length, 1), j + max(length, 1), blind + 1
        else:
            break
    return runs


def _hand_over(
    runs: list[tuple[int, int, int]],
    step: tuple[int, int],
    needle: str,
    hay: str,
    j: int,
    starts: bytes,
) -> tuple[int, int]:
    """A jump from ``j`` to ``step``: the characters the last run took from the start of a line before
    the gap are handed over to the place after it when they are there too (the text ended at a line
    end; the next line began like its continuation). ``runs`` is changed in place."""
    ni, target = step
    if not runs or target <= j:
        return step
    ri, rj, length = runs[-1]
    if ri + length != ni:
        return step  # a detour or give-up came between
    tail = next((rj + length - p for p in range(rj + length - 1, rj, -1) if starts[p]), 0)
    if not 0 < tail <= _CONFIRM or target < tail or hay[target - tail : target] != needle[ni - tail : ni]:
        return step
    if length == tail:
        runs.pop()
    else:
        runs[-1] = (ri, rj, length - tail)
    return ni - tail, target - tail


def _occurrences(hay: str, piece: str, lo: int, hi: int, near: int, claimed: bytearray) -> Iterable[int]:
    """Where ``piece`` occurs in ``hay[lo:hi]`` and is not all claimed by other texts: the nearest ones
    after ``near``, then before it."""
    near = min(max(near, lo), hi)
    size = len(piece)
    found, count = hay.find(piece, near, hi), 0
    while found >= 0 and count < _MAX_CANDIDATES:
        if claimed[found : found + size].count(1) < size:
            yield found
            count += 1
        found = hay.find(piece, found + 1, hi)
    end = min(near + size - 1, hi)
    found, count = hay.rfind(piece, lo, end), 0
    while found >= 0 and count < _MAX_CANDIDATES:
        if claimed[found : found + size].count(1) < size:
            yield found
            count += 1
        found = hay.rfind(piece, lo, found + size - 1)


class Locator:
    """Locates texts in one reference; what it found is claimed, so a repeated text goes elsewhere."""

    def __init__(self, reference: Reference) -> None:
        self.reference = reference
        self.claimed = bytearray(len(reference.text))

    def claim(self, match: Match) -> None:
        for start, length in match.runs:
            self.claimed[start : start + length] = b"\x01" * length

    def locate(self, text: str, lo: int = 0, hi: int | None = None, near: int = 0) -> Match | None:
        """Where ``text`` is in positions ``[lo, hi)``: the candidate matching most characters not yet
        claimed, then the one nearest ``near``; ``None`` if under half its characters are found apart
        from text already claimed (a headline string found only inside a paragraph is not found)."""
        needle = _fold(_WHITESPACE.sub("", text))
        hi = len(self.reference.text) if hi is None else hi
        size = len(needle)
        if not size or lo >= hi:
            return None
        best: tuple[tuple[int, int, int], Match] | None = None
        piece = min(_JUMP, size)
        # anchored at opening, middle and closing pieces; shorter pieces when that finds too little
        while True:
            best = self._best(needle, piece, lo, hi, near, best)
            if (best is not None and self._new(best[1]) >= _MIN_SHARE * size) or piece <= 2:
                break
            piece = max(2, piece // 2)
        if best is None or self._new(best[1]) < _MIN_SHARE * size:
            return None
        return best[1]

    def _new(self, match: Match) -> int:
        """How many of the match's characters no other text has taken."""
        return match.found - sum(self.claimed[s : s + n].count(1) for s, n in match.runs)

    def _best(
        self,
        needle: str,
        piece: int,
        lo: int,
        hi: int,
        near: int,
        best: tuple[tuple[int, int, int], Match] | None,
    ) -> tuple[tuple[int, int, int], Match] | None:
        size = len(needle)
        hay = self.reference.text
        anchors = sorted({*range(0, size - piece + 1, max(piece, size // 6)), size - piece})
        diagonals: set[int] = set()  # offsets (reference - needle position) of the alignments made so far
        for anchor in anchors:
            for start in _occurrences(hay, needle[anchor : anchor + piece], lo, hi, near, self.claimed):
                if start - anchor in diagonals:
                    continue  # the same alignment again
                match = self._from(needle, anchor, start, lo, hi, diagonals)
                taken = match.found - self._new(match)
                # a jump over a gap costs two characters, and one more per 256 characters jumped
                # a jump back (out of order) as much as four jumps
                gaps = sum(
                    (1 if b > a else 4) + abs(b - a - n) // 512
                    for (a, n), (b, _) in itertools.pairwise(match.runs)
                    if not 0 <= b - (a + n) <= _CONFIRM
                )
                key = (match.found - 2 * taken - 2 * gaps, -abs(match.first - near), -match.first)
                if best is None or key > best[0]:
                    best = (key, match)
        return best

    def _from(self, needle: str, anchor: int, start: int, lo: int, hi: int, diagonals: set[int]) -> Match:
        """The alignment through needle ``anchor`` at reference ``start``, extended both ways; the
        diagonals of its runs near the anchor are added to ``diagonals`` (when it never jumped back)."""
        hay = self.reference.text
        forward = _extend(needle, anchor, hay, start, hi, self.reference.starts, lo)
        # backwards: the same walk over both strings reversed
        n, m = len(hay), len(needle)
        reverse = self.reference.reversed
        back = _extend(needle[::-1], m - anchor, reverse, n - start, n - lo, self.reference.ends, n - hi)
        runs = [(n - j - length, length) for _, j, length in reversed(back)]
        runs += [(j, length) for _, j, length in forward]
        if all(a < b for (a, _), (b, _) in itertools.pairwise(runs)):
            # an alignment that jumped back is not "the same" as one through its anchor alone
            diagonals.update(j - i for i, j, _ in _local(forward))
            diagonals.update(n - j - m + i for i, j, _ in _local(back))
        merged: list[tuple[int, int]] = []
        for run_start, length in runs:
            if merged and merged[-1][0] + merged[-1][1] == run_start:
                merged[-1] = (merged[-1][0], merged[-1][1] + length)
            else:
                merged.append((run_start, length))
        return Match(tuple(merged), sum(length for _, length in merged), m)


def _local(runs: Sequence[tuple[int, int, int]]) -> Iterable[tuple[int, int, int]]:
    """The runs up to the first jump over a gap: the alignment's part around its anchor."""
    end = runs[0][1] if runs else 0
    for run in runs:
        if run[1] - end > _CONFIRM:
            return
        yield run
        end = run[1] + run[2]


# --- Gold ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoldAlignment:
    """A gold file aligned to its source: a match per block and per text field, and what was not found.

    ``blocks[a][b]`` is block ``b`` of article ``a`` (``None``: not found); ``fields[a]`` maps the
    article's text fields to their matches.
    """

    reference: Reference
    blocks: tuple[tuple[Match | None, ...], ...]
    fields: tuple[dict[str, Match], ...]
    problems: tuple[str, ...]


def block_lines(block: JsonObject) -> tuple[int, int] | None:
    """A gold block's first and last line (1-based), where it gives them."""
    lines = block.get("lines")
    if isinstance(lines, list) and len(lines) == 2 and all(isinstance(n, int) for n in lines):
        return lines[0], lines[1]
    return None


def align_gold(gold: JsonObject, source: str | Reference) -> GoldAlignment:
    """Locate every block and text field of ``gold`` in ``source``.

    Blocks with ``lines`` are looked for in those lines only, and first, so that blocks without take
    what is left; then the other blocks in order, each preferring the place nearest the end of the one
    before; then headline, kicker, subheadline, dateline and byline strings, nearest their article.
    """
    reference = source if isinstance(source, Reference) else Reference(source)
    locator = Locator(reference)
    articles = gold.get("articles", [])
    found: list[list[Match | None]] = [[None] * len(article["blocks"]) for article in articles]
    problems: list[str] = []
    for number, article in enumerate(articles):
        for index, block in enumerate(article["blocks"]):
            lines = block_lines(block)
            if lines is None:
                continue
            lo, hi = reference.line_range(*lines)
            match = locator.locate(block["text"], lo, hi, near=lo)
            if match is None:
                # trust the hand-written lines: the block is every character on them
                match = Match(((lo, hi - lo),), hi - lo, hi - lo) if hi > lo else None
            if match is not None:
                locator.claim(match)
            found[number][index] = match
    near = 0
    for number, article in enumerate(articles):
        for index, block in enumerate(article["blocks"]):
            if block_lines(block) is not None:
                match = found[number][index]
            else:
                match = locator.locate(block["text"], near=near)
                if match is None:
                    problems.append(
                        f"articles[{number}].blocks[{index}]: text not found in the source "
                        f"({_excerpt(block['text'])}); correct the text or give the block's lines"
                    )
                else:
                    locator.claim(match)
                    found[number][index] = match
            if match is not None:
                near = match.last + 1
    fields: list[dict[str, Match]] = []
    for number, article in enumerate(articles):
        located = [match for match in found[number] if match is not None]
        home = located[0].first if located else 0
        article_fields: dict[str, Match] = {}
        for key in _FIELDS:
            value = article.get(key)
            if not isinstance(value, str) or not value.strip():
                continue
            match = locator.locate(value, near=home)
            if match is None:
                problems.append(f"articles[{number}].{key}: not found in the source ({_excerpt(value)})")
                continue
            locator.claim(match)
            article_fields[key] = match
        fields.append(article_fields)
    return GoldAlignment(reference, tuple(tuple(blocks) for blocks in found), tuple(fields), tuple(problems))


def _excerpt(text: str) -> str:
    text = _WHITESPACE.sub(" ", text).strip()
    return repr(text if len(text) <= 24 else text[:23] + "…")


def _match_lines(reference: Reference, match: Match) -> list[int]:
    return [reference.lines[match.lowest], reference.lines[match.highest]]


def attach_lines(gold: JsonObject, source: str) -> JsonObject:
    """A copy of ``gold`` where every block without ``lines`` has them, found in ``source``.

    Blocks that have ``lines`` keep them. Each article gets ``field_lines``: ``{field: [first, last]}``
    for the headline, kicker, subheadline, dateline and byline strings found; the fields themselves stay
    strings. The copy's ``alignment_problems`` lists what could not be found (such a block stays
    without ``lines``); it is empty when everything was.
    """
    alignment = align_gold(gold, source)
    result: JsonObject = copy.deepcopy(gold)
    reference = alignment.reference
    for number, article in enumerate(result.get("articles", [])):
        for index, block in enumerate(article["blocks"]):
            match = alignment.blocks[number][index]
            if block_lines(block) is None and match is not None:
                block["lines"] = _match_lines(reference, match)
        article["field_lines"] = {
            key: _match_lines(reference, match) for key, match in alignment.fields[number].items()
        }
    result["alignment_problems"] = list(alignment.problems)
    return result


# --- Line roles ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Element:
    role: str  # "paragraph" for paragraphs (para_start/para_cont by line), else a line role
    match: Match


#: Roles of text that may open a paragraph's first line; that line is the paragraph's start.
GLUED_ROLES = frozenset({"dateline", "byline"})


#: Characters between a dateline or byline and what it is glued to (the brackets of 本报讯（记者 X）).
_GLUE_GAP = 2


def _openings(owner: array[int], elements: Sequence[_Element]) -> dict[int, int]:
    """Element index -> the position where its paragraph opens: a paragraph's own first character, or
    the first character of the datelines and bylines glued in front of it (no more than
    :data:`_GLUE_GAP` unclaimed characters apart, on the same line or not), for those and for the
    paragraph."""
    openings: dict[int, int] = {}
    for number, element in enumerate(elements):
        if element.role != "paragraph":
            continue
        group, start = [number], element.match.first
        while True:
            before = next(
                (owner[p] for p in range(start - 1, max(start - 2 - _GLUE_GAP, -1), -1) if owner[p] >= 0), -1
            )
            if before < 0 or before in group or elements[before].role not in GLUED_ROLES:
                break
            end = next(p for p in range(start - 1, -1, -1) if owner[p] == before)
            if elements[before].match.highest != end:
                break  # not the end of the dateline: it does not lead into this paragraph
            group.append(before)
            start = elements[before].match.lowest
        openings.update(dict.fromkeys(group, start))
    return openings


def _roles_from(
    reference: Reference, elements: Sequence[_Element], markers: Iterable[int] = ()
) -> tuple[str, ...]:
    """Each line takes the role of the element its first claimed character belongs to (earlier elements
    win a character); a paragraph's line is ``para_start`` where the paragraph opens — at its first
    character, or at a dateline or byline glued in front of it, whose lines are then the paragraph's
    (``para_start``, ``para_cont``) — and ``para_cont`` on its other lines.
    Lines of no element are ``blank`` (no character), ``marker`` (in ``markers``) or ``furniture``."""
    owner = array("l", [-1]) * len(reference.text)
    for number, element in enumerate(elements):
        for start, length in element.match.runs:
            for position in range(start, start + length):
                if owner[position] < 0:
                    owner[position] = number
    openings = _openings(owner, elements)
    marker_lines = set(markers)
    roles = []
    for line in range(1, reference.line_count + 1):
        lo, hi = reference.line_starts[line - 1], reference.line_starts[line]
        if lo == hi:
            roles.append("blank")
            continue
        number = next((owner[p] for p in range(lo, hi) if owner[p] >= 0), -1)
        if number < 0:
            roles.append("marker" if line in marker_lines else "furniture")
        elif number in openings:
            roles.append("para_start" if reference.lines[openings[number]] == line else "para_cont")
        else:
            roles.append(elements[number].role)
    return tuple(roles)


def _given_roles(roles: object, reference: Reference) -> tuple[str, ...]:
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise ValueError("line_roles: expected a list of role names")
    unknown = sorted({role for role in roles if role not in ROLES})
    if unknown:
        raise ValueError(f"line_roles: unknown role {unknown[0]!r}; use one of {', '.join(ROLES)}")
    if len(roles) == reference.line_count + 1 and roles[-1] == "blank" and reference.source.endswith("\n"):
        roles = roles[:-1]  # a role for the empty "line" after the final line break
    if len(roles) != reference.line_count:
        raise ValueError(
            f"line_roles: {len(roles)} roles for {reference.line_count} source lines; give one per line"
        )
    return tuple(roles)


def line_roles(gold: JsonObject, source: str) -> tuple[str, ...]:
    """One role from :data:`ROLES` per source line (index 0 is line 1).

    A gold file's own ``line_roles`` list is used as it is (its length and names checked: a
    ``ValueError`` says what is wrong; a last ``blank`` for the empty "line" after a final line break
    is dropped). Otherwise the roles are derived from the aligned gold: a line
    takes the role of the gold element its first found character belongs to — ``para_start`` on a
    paragraph's first line, ``para_cont`` on its others, ``heading``, and ``headline``, ``kicker``,
    ``subtitle`` (the subheadline), ``dateline``, ``byline`` for the text fields (these win over a
    paragraph that goes on on the same line). A line with no character is ``blank``; a line no element
    covers is ``marker`` when it is a jump marker (see :func:`_marker_lines`), else ``furniture``.
    """
    reference = Reference(source)
    if "line_roles" in gold:
        return _given_roles(gold["line_roles"], reference)
    alignment = align_gold(gold, reference)
    articles = gold.get("articles", [])
    elements = [
        _Element(FIELD_ROLES[key], match) for fields in alignment.fields for key, match in fields.items()
    ]
    for article, matches in zip(articles, alignment.blocks, strict=True):
        for block, found in zip(article["blocks"], matches, strict=True):
            if found is not None:
                elements.append(_Element("heading" if block["type"] == "heading" else "paragraph", found))
    markers = _marker_lines(reference, articles, alignment.blocks, alignment.fields)
    return _roles_from(reference, elements, markers)


def _marker_lines(
    reference: Reference,
    articles: Sequence[JsonObject],
    blocks: Sequence[Sequence[Match | None]],
    fields: Sequence[dict[str, Match]],
) -> set[int]:
    """Lines that are an article's jump markers, found without knowing what markers look like.

    For ``continued_from``/``continues_on`` page ``P``: the nearest line before the article's body
    (after it), past blank lines and the article's own field lines, when it is in no element and its
    text contains ``P``; also a line among the article's own lines in no element, one bracketed phrase
    with ``P`` in it (pdftotext printed the marker in the middle). For an article cut by a page break
    (a form feed between two of its consecutive characters: a jump stitched into one article): the
    lines right next to the cut, when they are in no element, are one bracketed phrase and are not the
    line with the form feed (the next running head).
    """
    covered = {
        line
        for article_blocks, article_fields in zip(blocks, fields, strict=True)
        for match in [*article_blocks, *article_fields.values()]
        if match is not None
        for line in _lines_touched(reference, match)
    }
    markers: set[int] = set()
    for article, article_blocks, article_fields in zip(articles, blocks, fields, strict=True):
        matches = [match for match in article_blocks if match is not None]
        if not matches:
            continue
        own = {line for m in article_fields.values() for line in _lines_touched(reference, m)}
        first = reference.lines[min(match.lowest for match in matches)]
        last = reference.lines[max(match.highest for match in matches)]
        for key, start, step in (("continued_from", first, -1), ("continues_on", last, 1)):
            page = article.get(key)
            if isinstance(page, str) and page:
                line = _next_line(reference, start, step, skip=own)
                if line and line not in covered and page in reference.line_texts[line - 1]:
                    markers.add(line)
                # printed among the article's own lines (pdftotext's order is not the page's)
                markers.update(
                    number
                    for number in range(first + 1, last)
                    if number not in covered
                    and page in reference.line_texts[number - 1]
                    and _bracketed(reference.line_texts[number - 1])
                )
        runs = [run for match in matches for run in match.runs]
        for (start_a, length_a), (start_b, _) in itertools.pairwise(runs):
            end = start_a + length_a - 1
            between = reference.source[reference.offsets[end] : reference.offsets[start_b]]
            if start_b <= end or "\f" not in between:
                continue
            for line in (
                _next_line(reference, reference.lines[end], 1),
                _next_line(reference, reference.lines[start_b], -1),
            ):
                text = reference.line_texts[line - 1] if line else ""
                if line and line not in covered and "\f" not in text and _bracketed(text):
                    markers.add(line)
    return markers


def _bracketed(text: str) -> bool:
    """Whether ``text`` is one bracketed phrase, as jump markers are printed (（下转第4版）, 〔上接第1版〕).

    >>> _bracketed(" （下转第4版）"), _bracketed("第4版 要闻"), _bracketed("- 2 -")
    (True, False, False)
    """
    text = text.strip()
    return len(text) > 2 and unicodedata.category(text[0]) == "Ps" and unicodedata.category(text[-1]) == "Pe"


def _lines_touched(reference: Reference, match: Match) -> set[int]:
    lines: set[int] = set()
    for start, length in match.runs:
        lines.update(range(reference.lines[start], reference.lines[start + length - 1] + 1))
    return lines


def _next_line(reference: Reference, line: int, step: int, skip: Iterable[int] = ()) -> int:
    """The nearest non-blank line from ``line`` in direction ``step``, not in ``skip`` (0: none)."""
    skipped = set(skip)
    line += step
    while 1 <= line <= reference.line_count:
        blank = reference.line_starts[line - 1] == reference.line_starts[line]
        if not blank and line not in skipped:
            return line
        line += step
    return 0


def predicted_roles(output: JsonObject, source: str) -> tuple[str, ...]:
    """The line roles a reflow JSON output gives ``source`` (its conversion), in :data:`ROLES`.

    Blocks, furniture and the parts of the headline ``stack`` are placed by their ``spans`` (by their
    text in their ``lines`` when there are none); without a ``stack`` (older output, a projection) the
    headline, kicker, subheadline, dateline and byline strings are located in the source like a gold
    file's. The lines of ``jumps`` are markers. Then the same rule as :func:`line_roles`.
    """
    reference = Reference(source)
    locator = Locator(reference)
    body: list[_Element] = []
    placed: dict[int, Match] = {}
    for article in output.get("articles", []):
        for block in article["blocks"]:
            match = _placed(locator, block)
            if match is not None:
                placed[id(block)] = match
                body.append(_Element("heading" if block["type"] == "heading" else "paragraph", match))
    furniture = [
        _Element("furniture", match)
        for block in output.get("furniture", [])
        if (match := _placed(locator, block)) is not None
    ]
    articles = output.get("articles", [])
    fields: list[_Element] = []
    article_fields: list[dict[str, Match]] = []
    markers: set[int] = set()
    for article in articles:
        home = next((match.first for b in article["blocks"] if (match := placed.get(id(b)))), 0)
        article_fields.append({})
        stack = [part for part in article.get("stack", []) if part.get("type") in FIELD_ROLES]
        for part in stack:  # the headline stack with its spans: placed exactly
            match = _placed(locator, part)
            if match is not None:
                fields.append(_Element(FIELD_ROLES[part["type"]], match))
                article_fields[-1].setdefault(part["type"], match)
        for key in _FIELDS if not stack else ():
            value = article.get(key)
            if isinstance(value, str) and value.strip():
                match = locator.locate(value, near=home)
                if match is not None:
                    locator.claim(match)
                    fields.append(_Element(FIELD_ROLES[key], match))
                    article_fields[-1][key] = match
        markers.update(jump["line"] for jump in article.get("jumps", []) if isinstance(jump.get("line"), int))
    blocks = [[placed.get(id(block)) for block in article["blocks"]] for article in articles]
    furniture_lines = {line for e in furniture for line in _lines_touched(reference, e.match)}
    markers |= _marker_lines(reference, articles, blocks, article_fields) - furniture_lines
    return _roles_from(reference, [*fields, *body, *furniture], markers)


def _placed(locator: Locator, block: JsonObject) -> Match | None:
    """A predicted block's characters: its spans, else its text located in its lines."""
    reference = locator.reference
    spans = block.get("spans")
    if spans:
        runs = reference.span_runs(spans)
        match = Match(runs, sum(n for _, n in runs), sum(n for _, n in runs)) if runs else None
    else:
        lines = block_lines(block)
        lo, hi = reference.line_range(*lines) if lines else (0, len(reference.text))
        match = locator.locate(block["text"], lo, hi, near=lo)
    if match is not None:
        locator.claim(match)
    return match
