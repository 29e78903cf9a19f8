"""Display width of text by East Asian Width, computed with whole-string regex passes (no per-char loop).

Wide and Fullwidth characters take two columns; East Asian Ambiguous punctuation (“ ” ‘ ’ — … ·) takes
two columns in CJK text, one elsewhere; combining marks and format/control characters take none.

>>> display_width("中文ab")
6
>>> display_width("“中”", ambiguous_wide=True), display_width("“中”", ambiguous_wide=False)
(6, 4)
"""

from __future__ import annotations

import regex

_WIDE = regex.compile(r"[\p{East_Asian_Width=Wide}\p{East_Asian_Width=Fullwidth}]")
_WIDE_OR_AMBIGUOUS_PUNCT = regex.compile(
    r"[\p{East_Asian_Width=Wide}\p{East_Asian_Width=Fullwidth}]|(?=[\p{P}\p{S}])\p{East_Asian_Width=Ambiguous}"
)
_ZERO = regex.compile(r"[\p{Mn}\p{Me}\p{Cf}\p{Cc}]")


def display_width(text: str, *, ambiguous_wide: bool = False) -> int:
    """Columns ``text`` takes in a monospaced CJK-aware terminal."""
    if text.isascii() and text.isprintable():
        return len(text)
    wide = _WIDE_OR_AMBIGUOUS_PUNCT if ambiguous_wide else _WIDE
    narrow = wide.sub("", text)
    zero = len(narrow) - len(_ZERO.sub("", narrow))
    return len(narrow) - zero + 2 * (len(text) - len(narrow))
