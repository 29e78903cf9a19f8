"""The pass-by-pass reading of a page as line roles: evidence for the decoder.

The break and structure passes, run without line roles, already say what each line is (first match
wins); that reading is one more piece of evidence (``read:<role>``), weighed against the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from reflow.model import Article, Block, BlockKind, Edit

_STACK = (
    (lambda a: a.kicker, "kicker"),
    (lambda a: a.headline, "headline"),
    (lambda a: a.subheadline, "subtitle"),
)


def _claim(roles: dict[int, str], first: int, last: int, role: str) -> None:
    for line in range(first, last + 1):
        roles.setdefault(line, role)


def reading(articles: Sequence[Article], furniture: Iterable[Block], edits: Iterable[Edit]) -> dict[int, str]:
    """The role of each line number the passes gave a role (furniture first, then stacks, datelines,
    bodies, markers and end cues)."""
    roles: dict[int, str] = {}
    for block in furniture:
        _claim(roles, block.first_line, block.last_line, "furniture")
    for edit in edits:
        if edit.action == "end-cue":
            _claim(roles, edit.first_line, edit.last_line, "end_cue")
    body_starts = {b.first_line for a in articles for b in a.blocks if b.kind == BlockKind.PARAGRAPH}
    for article in articles:
        fields = {"kicker": article.kicker, "headline": article.headline, "subtitle": article.subheadline}
        for role, field in fields.items():
            if field is not None:
                _claim(roles, field.first_line, field.last_line, role)
        for role, field in (("dateline", article.dateline), ("byline", article.byline)):
            if field is not None:
                glued = field.first_line in body_starts
                _claim(roles, field.first_line, field.last_line, "para_start" if glued else role)
        for jump in article.jumps:
            _claim(roles, jump.line, jump.line, "marker")
        for block in article.blocks:
            if block.kind == BlockKind.HEADING:
                _claim(roles, block.first_line, block.last_line, "heading")
            else:
                _claim(roles, block.first_line, block.first_line, "para_start")
                _claim(roles, block.first_line + 1, block.last_line, "para_cont")
    return roles
