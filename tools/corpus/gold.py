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

ROLES = (
    "blank",
    "furniture",
    "marker",
    "kicker",
    "headline",
    "subtitle",
    "heading",
    "dateline",
    "byline",
    "caption",
    "end_cue",
    "para_start",
    "para_cont",
)

_FOLD = str.maketrans({"\u2215": "／", "\u2013": "-", "\u2014": "—", "\u2212": "-", "\u00a0": " "})


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
    read: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        self.folded = fold(self.text)
        if not self.folded:
            raise MatchError(f"empty piece {self.text!r}")

    @property
    def rest(self) -> str:
        return self.folded[self.read :]

    @property
    def done(self) -> bool:
        return self.read >= len(self.folded)


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
        piece.read = 0
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
        candidates = [i for i in by_page.get(pages[number], ()) if pieces[i].rest.startswith(want)]
        if not candidates:
            raise MatchError(f"dump line {number + 1} belongs to nothing printed: {line.strip()[:40]!r}")

        def rank(i: int, last: int | None = last) -> tuple[int, int]:
            piece = pieces[i]
            if i == last:
                return (0, 0)
            if piece.read:
                return (1, i)
            before = previous_in_flow[i]
            if before is None or pieces[before].done:
                recency = matched_at.get(before, -1) if before is not None else -1
                return (2, -recency)
            return (3, i)

        chosen = min(candidates, key=rank)
        pieces[chosen].read += len(want)
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
    roles = []
    seen: set[int] = set()
    for index in where:
        if index is None:
            roles.append("blank")
            continue
        piece = pieces[index]
        if piece.role == "para":
            roles.append("para_start" if index not in seen and piece.starts else "para_cont")
        else:
            roles.append(piece.role)
        seen.add(index)
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


def interleaved(pieces: Sequence[Piece], where: Sequence[int | None]) -> bool:
    """Whether pdftotext mixed flows: a block's lines on one page have another piece's line between them,
    or an article's blocks come out of order (a block starting before the one printed before it ended).

    Furniture, captions and markers inside a block count as interruptions as well; the parts of a
    paragraph on two pages (a jump) do not.
    """
    per_page: dict[tuple[tuple[int, int], int], list[int]] = {}
    for number, index in enumerate(where):
        if index is None:
            continue
        owner = pieces[index].owner
        if owner is not None:
            per_page.setdefault((owner, pieces[index].page), []).append(number)
    for (owner, _page), numbers in per_page.items():
        for a, b in pairwise(numbers):
            for k in range(a + 1, b):
                index = where[k]
                if index is not None and pieces[index].owner != owner:
                    return True
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
                return True
    return False


def article_json(fields: dict[str, Any], blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """An article of expected.json, keys in the order the fixtures use."""
    keys = ("headline", "kicker", "subheadline", "dateline", "byline", "continued_from", "continues_on")
    return {**{key: fields.get(key) for key in keys}, "blocks": blocks}
