"""Source text -> measured :class:`~reflow.model.Line` objects (one per physical line)."""

from __future__ import annotations

import regex

from reflow.model import Line
from reflow.width import display_width

_NEWLINES = regex.compile(r"\r\n?|[\u2028\u2029\x85\v]")
_LEADING_BLANK = regex.compile(r"^[\s\f]*")


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
        lead_text = lead.group() if lead else ""
        body = text[len(lead_text) :].rstrip()
        # a line that is only a form feed belongs to the page it ends
        line_page = page_before if not body else page
        lines.append(
            Line(
                number=number,
                start=start,
                end=start + len(text),
                text=text,
                page=line_page,
                indent=display_width(lead_text.replace("\f", ""), ambiguous_wide=ambiguous_wide),
                width=display_width(body, ambiguous_wide=ambiguous_wide),
            )
        )
        start += len(text) + 1
    return tuple(lines)
