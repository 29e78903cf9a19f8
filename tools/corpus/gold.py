"""Ground truth from what was printed: every printed piece is found again in the pdftotext dump.

A *piece* is one thing the typesetter put on a page, in reading order within its flow: a drawn line
(reportlab), or a whole paragraph, heading or headline (XeLaTeX, which breaks the lines itself). Each dump
line must be the next unread stretch of exactly one piece of its page (spaces ignored); each piece must be
read to its end. What a line is (``line_roles``) and which lines a block spans follow from that. Pure
functions, no typesetting dependencies.

>>> pieces = [Piece("标题", "headline", 1, "a"), Piece("第一段文字很长", "para", 1, "a", (0, 0)),
...           Piece("第二段", "para", 1, "a", (0, 1))]
>>> dump = "第一段文字\\n很长\\n\\n第二段\\n标题\\n\\f"
>>> where = assign(dump, pieces)
>>> where
[1, 1, None, 2, 0, None]
>>> line_roles(dump, pieces, where)
['para_start', 'para_cont', 'blank', 'para_start', 'headline', 'blank']
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from reflow.model import LINE_ROLES

__all__ = [
    "ROLES",
    "MatchError",
    "Piece",
    "assign",
    "block_lines",
    "dump_pages",
    "fold",
    "interleaved",
    "line_roles",
]

ROLES = LINE_ROLES

# forms an extraction gives for what was printed: ∕ for ／ (MSung-Light), ⋯ for … and ・ for · (XeLaTeX
# fonts), ” ’ ‘ for ASCII " ' ` (TeX's text mapping)
_FOLD = str.maketrans(
    {"\u2215": "／", "\u2236": ":", "\u2013": "-", "\u2014": "—", "\u2212": "-", "\u00a0": " ", "\u22ef": "…"}
    | {"\u30fb": "·", '"': "”", "'": "’", "`": "‘"}
)


class MatchError(Exception):
    """A printed piece or a dump line could not be accounted for: the page is dropped with this reason."""


@dataclass
class Piece:
    """Something printed: its text, its role (``para`` for paragraph lines), page, flow and owning block.

    ``owner`` is (article index, block index) for body blocks and None for everything else. ``starts``
    is False for the second part of a paragraph cut by a jump (its first line continues the paragraph).
    """

    text: str
    role: str
    page: int
    flow: str
    owner: tuple[int, int] | None = None
    starts: bool = True
    folded: str = field(init=False, repr=False)
    taken: bytearray = field(init=False, repr=False)
    cursor: int = field(default=0, repr=False)  # where the last matched line ended
    positions: list[tuple[int, int]] = field(default_factory=list, repr=False)  # (dump line, offset)

    def __post_init__(self) -> None:
        self.folded = fold(self.text)
        if not self.folded:
            raise MatchError(f"empty piece {self.text!r}")
        self.reset()

    def reset(self) -> None:
        self.taken = bytearray(len(self.folded))
        self.cursor = 0
        self.positions = []

    def free(self, start: int, length: int) -> bool:
        return not any(self.taken[start : start + length])

    def next_at(self, want: str) -> int | None:
        """Where ``want`` continues this piece: at the cursor, else at the first free place (out of order)."""
        if self.folded.startswith(want, self.cursor) and self.free(self.cursor, len(want)):
            return self.cursor
        start = self.folded.find(want)
        while start >= 0:
            if self.free(start, len(want)):
                return start
            start = self.folded.find(want, start + 1)
        return None

    def take(self, line: int, start: int, length: int) -> None:
        self.taken[start : start + length] = b"\x01" * length
        self.cursor = start + length
        self.positions.append((line, start))

    @property
    def read(self) -> int:
        return sum(self.taken)

    @property
    def done(self) -> bool:
        return all(self.taken)

    @property
    def in_order(self) -> bool:
        offsets = [start for _, start in self.positions]
        return offsets == sorted(offsets)


def fold(text: str) -> str:
    """The comparison form of a text: no whitespace or form feeds, compatibility forms folded.

    >>> fold("〔記者王小明∕台北報導〕 ﬁ  42 公里")
    '〔記者王小明/台北報導〕fi42公里'
    """
    text = unicodedata.normalize("NFKC", text.translate(_FOLD))
    return "".join(ch for ch in text if not ch.isspace())


def dump_pages(lines: Sequence[str]) -> list[int]:
    """The 1-based page of each dump line: pdftotext ends every page with a form feed."""
    pages = []
    page = 1
    for line in lines:
        page += len(line) - len(line.lstrip("\f"))
        pages.append(page)
        page += line.lstrip("\f").count("\f")
    return pages


def assign(dump: str, pieces: Sequence[Piece]) -> list[int | None]:
    """The index of the piece each dump line belongs to (None for blank lines); raises MatchError.

    A line belongs to a piece whose unread text starts with it. Preference: the piece the previous line
    was part of, then a piece already begun, then a fresh piece whose flow predecessor is read, the most
    recently matched flow first, then the first fresh piece in printing order.
    """
    lines = dump.split("\n")
    pages = dump_pages(lines)
    by_page: dict[int, list[int]] = {}
    for index, piece in enumerate(pieces):
        piece.reset()
        by_page.setdefault(piece.page, []).append(index)
    previous_in_flow: dict[int, int | None] = {}
    last_of_flow: dict[str, int] = {}
    for indices in by_page.values():
        for index in indices:
            flow = pieces[index].flow
            previous_in_flow[index] = last_of_flow.get(flow)
            last_of_flow[flow] = index
    matched_at: dict[int, int] = {}  # piece -> dump line of its last match
    where: list[int | None] = []
    last: int | None = None
    for number, line in enumerate(lines):
        want = fold(line)
        if not want:
            where.append(None)
            continue
        here = [*by_page.get(pages[number], ()), *by_page.get(0, ())]  # page 0: any page (TeX decides)
        found = {i: at for i in here if (at := pieces[i].next_at(want)) is not None}
        if not found:
            raise MatchError(f"dump line {number + 1} belongs to nothing printed: {line.strip()[:40]!r}")

        def rank(i: int, last: int | None = last, found: dict[int, int] = found) -> tuple[int, int, int]:
            piece = pieces[i]
            in_order = 0 if found[i] == piece.cursor else 1
            if i == last:
                return (in_order, 0, 0)
            if piece.read:
                return (in_order, 1, i)
            before = previous_in_flow[i]
            if before is None or pieces[before].done:
                recency = matched_at.get(before, -1) if before is not None else -1
                return (in_order, 2, -recency)
            return (in_order, 3, i)

        chosen = min(found, key=rank)
        pieces[chosen].take(number, found[chosen], len(want))
        matched_at[chosen] = number
        where.append(chosen)
        last = chosen
    unread = [p for p in pieces if not p.done]
    if unread:
        p = unread[0]
        raise MatchError(f"{len(unread)} printed piece(s) not found in the dump, first: {p.text[:40]!r}")
    return where


def line_roles(dump: str, pieces: Sequence[Piece], where: Sequence[int | None]) -> list[str]:
    """One role per dump line; a paragraph's first line is ``para_start``, the others ``para_cont``."""
    starts = {line for piece in pieces if piece.starts for line, at in piece.positions if at == 0}
    roles = []
    for number, index in enumerate(where):
        if index is None:
            roles.append("blank")
            continue
        piece = pieces[index]
        if piece.role == "para":
            roles.append("para_start" if number in starts else "para_cont")
        else:
            roles.append(piece.role)
    return roles


def block_lines(pieces: Sequence[Piece], where: Sequence[int | None]) -> dict[tuple[int, int], list[int]]:
    """The sorted 1-based dump lines of every body block."""
    out: dict[tuple[int, int], list[int]] = {}
    for number, index in enumerate(where, 1):
        if index is not None and pieces[index].owner is not None:
            owner = pieces[index].owner
            assert owner is not None
            out.setdefault(owner, []).append(number)
    return out


def interleaved(pieces: Sequence[Piece], where: Sequence[int | None], pages: Sequence[int]) -> str | None:
    """How pdftotext mixed flows, or None: a block's lines on one page have another piece's line between
    them, a piece's lines come out of order, or an article's blocks do (one starting before the one
    printed before it ended). Furniture, captions and markers inside a block count as interruptions as
    well; the parts of a paragraph on two pages (a jump) do not.
    """
    per_page: dict[tuple[tuple[int, int], int], list[int]] = {}
    for number, index in enumerate(where):
        if index is None:
            continue
        owner = pieces[index].owner
        if owner is not None:
            per_page.setdefault((owner, pages[number]), []).append(number)
    for (owner, _page), numbers in per_page.items():
        for a, b in pairwise(numbers):
            for k in range(a + 1, b):
                index = where[k]
                if index is not None and pieces[index].owner != owner:
                    span = f"{numbers[0] + 1}-{numbers[-1] + 1}"
                    return f"line {k + 1} ({pieces[index].role}) inside the block at lines {span}"
    for piece in pieces:
        if not piece.in_order:
            return f"the lines of {piece.text[:12]!r} come out of order"
    first_last: dict[tuple[int, int], tuple[int, int]] = {}
    for (owner, _page), numbers in per_page.items():
        lo, hi = first_last.get(owner, (numbers[0], numbers[-1]))
        first_last[owner] = (min(lo, numbers[0]), max(hi, numbers[-1]))
    by_article: dict[int, list[tuple[int, int, int]]] = {}
    for (article, block), (lo, hi) in first_last.items():
        by_article.setdefault(article, []).append((block, lo, hi))
    for blocks in by_article.values():
        blocks.sort()
        for (_, _, hi), (_, lo, _) in pairwise(blocks):
            if lo < hi:
                return f"a block starts on line {lo + 1}, before the one printed before it ends"
    return None


def article_json(fields: dict[str, Any], blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """An article of expected.json, keys in the order the fixtures use."""
    keys = ("headline", "kicker", "subheadline", "dateline", "byline", "continued_from", "continues_on")
    return {**{key: fields.get(key) for key in keys}, "blocks": blocks}
