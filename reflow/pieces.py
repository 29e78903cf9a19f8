"""Cutting blocks of pieces by output-text offsets, keeping every piece's source span."""

from __future__ import annotations

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
