"""Cutting blocks of pieces by output-text offsets, keeping every piece's source span; the source offset
of every output character (:func:`offsets`, :func:`offset_runs`)."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from reflow.model import Piece


def cut(pieces: Sequence[Piece], start: int, end: int) -> tuple[Piece, ...]:
    """The pieces covering output text ``[start, end)``, split where needed.

    >>> cut([Piece("abc", 10, 13), Piece(" ", 13, 13), Piece("de", 20, 22)], 1, 5)
    (Piece(text='bc', start=11, end=13), Piece(text=' ', start=13, end=13), Piece(text='d', start=20, end=21))
    """
    out: list[Piece] = []
    at = 0
    for piece in pieces:
        low, high = at, at + len(piece.text)
        at = high
        if high <= start or low >= end:
            continue
        a, b = max(start, low) - low, min(end, high) - low
        if a == 0 and b == len(piece.text):
            out.append(piece)
        elif piece.end - piece.start == len(piece.text):  # copied text: the span can be cut too
            out.append(Piece(piece.text[a:b], piece.start + a, piece.start + b))
        else:  # inserted or replaced text keeps its whole span
            out.append(Piece(piece.text[a:b], piece.start, piece.end))
    return tuple(out)


def span(pieces: Sequence[Piece]) -> tuple[int, int]:
    """Source offsets from the first to the last piece."""
    if not pieces:
        return (0, 0)
    return min(p.start for p in pieces), max(p.end for p in pieces)


def strip(pieces: Sequence[Piece]) -> tuple[Piece, ...]:
    """Drop blank text at both ends (the offsets of what is kept do not change)."""
    text = "".join(p.text for p in pieces)
    left = len(text) - len(text.lstrip())
    right = len(text.rstrip())
    return cut(pieces, left, right) if right > left else ()


def offsets(pieces: Sequence[Piece]) -> tuple[int | None, ...]:
    """The source offset of every output character of ``pieces``; ``None`` for text the pipeline inserted.

    A piece of ``n`` characters standing for ``m`` source characters maps its character ``i`` to
    ``start + i * (m - 1) // (n - 1)`` (``start`` when ``n == 1``): copied text (``n == m``) maps one for
    one, and a replacement maps its first character to the first of its span, its last to the last, the
    others evenly between, so no offset falls outside the span it replaced (``ﬁ`` -> ``fi``: both
    characters map to the ligature). Inserted text (``m == 0``) maps to ``None``.

    >>> offsets([Piece("ab", 3, 5), Piece(" ", 5, 5), Piece("fi", 9, 10), Piece("記憶體", 20, 22)])
    (3, 4, None, 9, 9, 20, 20, 21)
    """
    out: list[int | None] = []
    for piece in pieces:
        n, m = len(piece.text), piece.end - piece.start
        if m == n:
            out.extend(range(piece.start, piece.end))
        elif m == 0:
            out.extend([None] * n)
        elif n == 1:
            out.append(piece.start)
        else:
            out.extend(piece.start + i * (m - 1) // (n - 1) for i in range(n))
    return tuple(out)


Run = tuple[int, int | None, int]
"""``(out_start, src_start, length)``: output characters ``out_start + i`` come from source offset
``src_start + i`` for ``i < length``; ``src_start`` is ``None`` for inserted text."""


def offset_runs(pieces: Sequence[Piece]) -> list[Run]:
    """:func:`offsets` in run-length form: the runs tile the output text in order, adjacent runs that
    continue each other merged.

    >>> offset_runs([Piece("ab", 3, 5), Piece("c", 5, 6), Piece(" ", 6, 6), Piece("fi", 9, 10)])
    [(0, 3, 3), (3, None, 1), (4, 9, 1), (5, 9, 1)]
    """
    runs: list[Run] = []
    at = 0
    for piece in pieces:
        n, m = len(piece.text), piece.end - piece.start
        if n == 0:
            continue
        parts: list[Run]
        if m == n:
            parts = [(at, piece.start, n)]
        elif m == 0:
            parts = [(at, None, n)]
        else:
            parts = [(at + i, offset, 1) for i, offset in enumerate(offsets((piece,)))]
        for out_start, src_start, length in parts:
            if runs:
                last_out, last_src, last_length = runs[-1]
                if (last_src is None and src_start is None) or (
                    last_src is not None and src_start is not None and last_src + last_length == src_start
                ):
                    runs[-1] = (last_out, last_src, last_length + length)
                    continue
            runs.append((out_start, src_start, length))
        at += n
    return runs


def expand_runs(runs: Sequence[Sequence[int | None]]) -> list[int | None]:
    """The one-offset-per-character form of :func:`offset_runs` (lists, as read from JSON, accepted).

    >>> expand_runs([[0, 3, 3], [3, None, 1], [4, 9, 1], [5, 9, 1]])
    [3, 4, 5, None, 9, 9]
    """
    out: list[int | None] = []
    for _out_start, src_start, length in runs:
        count = length or 0
        out.extend([None] * count if src_start is None else range(src_start, src_start + count))
    return out


def slice_runs(runs: Sequence[Run], start: int, end: int) -> list[Run]:
    """The runs of the output text ``[start, end)``, renumbered from 0.

    >>> slice_runs([(0, 3, 3), (3, None, 1), (4, 9, 2)], 2, 5)
    [(0, 5, 1), (1, None, 1), (2, 9, 1)]
    """
    out: list[Run] = []
    first = max(bisect.bisect_right(runs, start, key=lambda run: run[0]) - 1, 0)
    for out_start, src_start, length in runs[first:]:
        low, high = max(start, out_start), min(end, out_start + length)
        if low >= end:
            break
        if low < high:
            src = None if src_start is None else src_start + low - out_start
            out.append((low - start, src, high - low))
    return out
