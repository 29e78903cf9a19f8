"""Output script conversion (``reflow convert --convert t2s``): OpenCC over each block, provenance kept.

A phrase conversion can change the length of the text and cross the boundaries of the pieces a block is
made of (``内存`` -> ``記憶體``), so each block's text is converted as a whole and the result aligned with
the old text character by character (:class:`difflib.SequenceMatcher`): unchanged runs keep their exact
source spans, and so do runs changed character for character (``軟體`` -> ``软体``); a run that changed
length becomes one piece with the union of the spans of what it replaced. Each changed run gets an
``output.convert`` edit. The source text itself is never changed.

>>> from reflow import convert, load_ruleset
>>> document = convert_script(convert("鼠标和软件的内存。\\n", load_ruleset("zh-newspaper")), "s2twp")
>>> block = document.articles[0].blocks[0]
>>> block.text
'滑鼠和軟體的記憶體。'
>>> [(piece.text, document.source[piece.start : piece.end]) for piece in block.pieces]
[('滑鼠', '鼠标'), ('和', '和'), ('軟體', '软件'), ('的', '的'), ('記憶體', '内存'), ('。', '。')]
"""

from __future__ import annotations

import bisect
import difflib
import functools
from collections.abc import Callable
from dataclasses import dataclass, replace

import opencc
import regex

from reflow.model import Article, Block, Document, Edit, Piece

__all__ = ["CONVERT_RULE", "convert_script", "script_configs"]

CONVERT_RULE = "output.convert"
_NEWLINE = regex.compile("\n")


def script_configs() -> tuple[str, ...]:
    """The OpenCC configurations ``--convert`` accepts (``t2s``, ``s2twp`` ...), sorted."""
    return tuple(sorted(name.removesuffix(".json") for name in opencc.CONFIGS))


@functools.cache
def _converter(config: str) -> Callable[[str], str]:
    if config not in script_configs():
        raise ValueError(
            f"unknown script conversion {config!r}; use one of the OpenCC configurations "
            f"{', '.join(script_configs())}"
        )
    convert: Callable[[str], str] = opencc.OpenCC(config).convert
    return convert


def convert_script(document: Document, config: str) -> Document:
    """``document`` with every block's text converted by the OpenCC configuration ``config``.

    Raises :class:`ValueError` naming the known configurations when ``config`` is not one of them.
    """
    convert = _converter(config)
    converter = _BlockConverter(document.source, convert)
    articles = tuple(converter.article(article) for article in document.articles)
    furniture = tuple(converter.block(block) for block in document.furniture)
    if not converter.edits:
        return document
    edits = sorted([*document.edits, *converter.edits], key=lambda edit: (edit.start, edit.end))
    return replace(document, articles=articles, furniture=furniture, edits=tuple(edits))


@dataclass(frozen=True, slots=True)
class _Overlap:
    """The part ``old[low:high]`` of the block's text that lies in one piece, and its source span."""

    low: int
    high: int
    start: int
    end: int


class _BlockConverter:
    """Converts blocks of one document, collecting an edit for every changed run."""

    def __init__(self, source: str, convert: Callable[[str], str]) -> None:
        self.source = source
        self.convert = convert
        self.edits: list[Edit] = []
        self._line_starts = [0, *(match.end() for match in _NEWLINE.finditer(source))]

    def article(self, article: Article) -> Article:
        return replace(
            article,
            blocks=tuple(self.block(block) for block in article.blocks),
            headline=self.optional(article.headline),
            kicker=self.optional(article.kicker),
            subheadline=self.optional(article.subheadline),
            dateline=self.optional(article.dateline),
            byline=self.optional(article.byline),
        )

    def optional(self, block: Block | None) -> Block | None:
        return None if block is None else self.block(block)

    def block(self, block: Block) -> Block:
        old = block.text
        new = self.convert(old)
        if new == old:
            return block
        return replace(block, pieces=tuple(self._pieces(block.pieces, old, new)))

    def _pieces(self, pieces: tuple[Piece, ...], old: str, new: str) -> list[Piece]:
        """New pieces for ``new``, aligned with ``old`` (the text of ``pieces``)."""
        bounds = [0]
        for piece in pieces:
            bounds.append(bounds[-1] + len(piece.text))
        result: list[Piece] = []
        for tag, i1, i2, j1, j2 in _opcodes(old, new):
            overlaps = self._overlaps(pieces, bounds, i1, i2)
            if tag == "equal" or i2 - i1 == j2 - j1:
                # unchanged, or changed character for character: cut at the old pieces' boundaries
                for o in overlaps:
                    text = new[j1 + o.low - i1 : j1 + o.high - i1]
                    result.append(Piece(text, o.start, o.end))
                    if tag != "equal":
                        self._record(o.start, o.end, old[o.low : o.high], text)
                continue
            if overlaps:
                start, end = min(o.start for o in overlaps), max(o.end for o in overlaps)
            else:  # an insertion: an empty span where it goes
                start = end = self._position(pieces, bounds, i1)
            if j2 > j1:
                result.append(Piece(new[j1:j2], start, end))
            self._record(start, end, old[i1:i2], new[j1:j2])
        return result

    def _overlaps(self, pieces: tuple[Piece, ...], bounds: list[int], i1: int, i2: int) -> list[_Overlap]:
        """``old[i1:i2]`` piece by piece: exact spans within copied pieces, a whole piece's span otherwise."""
        result = []
        for index in range(max(bisect.bisect_right(bounds, i1) - 1, 0), len(pieces)):
            low, high = max(i1, bounds[index]), min(i2, bounds[index + 1])
            if low >= i2:
                break
            if low >= high:
                continue
            piece = pieces[index]
            if piece.text == self.source[piece.start : piece.end]:
                offset = piece.start - bounds[index]
                result.append(_Overlap(low, high, low + offset, high + offset))
            else:  # replaced or inserted by the pipeline: only the whole piece has a span
                result.append(_Overlap(low, high, piece.start, piece.end))
        return result

    def _position(self, pieces: tuple[Piece, ...], bounds: list[int], at: int) -> int:
        """Source offset of the boundary before ``old[at]`` (after the last piece at the end)."""
        following = self._overlaps(pieces, bounds, at, at + 1)
        if following:
            return following[0].start
        return pieces[-1].end if pieces else 0

    def _record(self, start: int, end: int, old: str, new: str) -> None:
        first = bisect.bisect_right(self._line_starts, start)
        last = bisect.bisect_right(self._line_starts, max(start, end - 1))
        copied = old == self.source[start:end]
        self.edits.append(
            Edit(
                CONVERT_RULE,
                "convert",
                start,
                end,
                first,
                last,
                removed=old if copied else "",
                inserted=new,
                note="" if copied else f"was {old!r}",
            )
        )


_Opcode = tuple[str, int, int, int, int]


def _opcodes(old: str, new: str) -> list[_Opcode]:
    """Alignment of ``old`` and ``new``, a moved character absorbed into its phrase.

    Phrase conversions move characters (鼠标 -> 滑鼠): the matcher keeps ``鼠`` and reports an insertion
    before it and a deletion after it. An unchanged character between two changes, one of them an
    insertion or a deletion, is made part of one replacement, so the phrase maps onto the phrase.
    """
    merged: list[_Opcode] = []
    for code in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if code[0] != "equal" and len(merged) >= 2:
            middle, before = merged[-1], merged[-2]
            moved = "insert" in (code[0], before[0]) or "delete" in (code[0], before[0])
            if middle[0] == "equal" and middle[2] - middle[1] == 1 and before[0] != "equal" and moved:
                del merged[-2:]
                code = ("replace", before[1], code[2], before[3], code[4])
        merged.append(code)
    return merged
