"""Source text -> measured :class:`~reflow.model.Line` objects (one per physical line)."""

from __future__ import annotations

import regex

from reflow.model import Line
from reflow.width import display_width

_NEWLINES = regex.compile(r"\r\n?|[\u2028\u2029\x85\v]")
_LEADING_BLANK = regex.compile(r"[\s\x00-\x1f]*")
_TRAILING_BLANK = regex.compile(r"[\s\x00-\x1f]*\Z")


def normalise_newlines(text: str) -> str:
    """CRLF, CR and Unicode line separators become ``\\n`` (offsets in reflow refer to this text)."""
    return _NEWLINES.sub("\n", text)


def split_lines(source: str, *, ambiguous_wide: bool) -> tuple[Line, ...]:
    """Cut ``source`` into lines, measuring width and indentation and counting form feeds as pages."""
    lines: list[Line] = []
    page = 0
    start = 0
    for number, text in enumerate(source.split("\n"), start=1):
        page_before = page
        page += text.count("\f")
        lead = _LEADING_BLANK.match(text)
        content_start = lead.end() if lead else 0
        trail = _TRAILING_BLANK.search(text, content_start)
        content_end = trail.start() if trail else len(text)
        # a line that is only a form feed belongs to the page it ends
        line_page = page_before if not text.strip() else page
        lines.append(
            Line(
                number=number,
                start=start,
                end=start + len(text),
                text=text,
                page=line_page,
                indent=display_width(text[:content_start], ambiguous_wide=ambiguous_wide),
                width=display_width(text[content_start:content_end], ambiguous_wide=ambiguous_wide),
                content_start=start + content_start,
                content_end=start + content_end,
            )
        )
        start += len(text) + 1
    return tuple(lines)
