"""Furniture pass: whole lines that are page furniture (running heads, page numbers, credits).

It runs on lines, before paragraphs are rebuilt, so a running head between the two halves of a sentence
broken across a page does not stop the halves from being joined. Each furniture line is set aside as a
block of its own (and recorded as an edit); a ``page`` group in a rule gives the page's printed label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reflow.model import Block, BlockKind, Edit, Line, Piece
from reflow.ruleset import RuleSet
from reflow.shadow import Shadow


@dataclass(frozen=True, slots=True)
class Furniture:
    """What the furniture pass found: the blocks set aside, their edits, and page labels by page index."""

    blocks: tuple[Block, ...]
    edits: tuple[Edit, ...]
    page_labels: dict[int, str]
    lines: frozenset[int]  # indices of the furniture lines


def find(
    source: str, lines: Sequence[Line], pieces: Sequence[tuple[Piece, ...]], ruleset: RuleSet, shadow: Shadow
) -> Furniture:
    """Propose every furniture line of the document."""
    rules = [rule for rule in ruleset.furniture if ruleset.enabled(rule.name)]
    blocks: list[Block] = []
    edits: list[Edit] = []
    labels: dict[int, str] = {}
    found: set[int] = set()
    if not rules:
        return Furniture((), (), {}, frozenset())
    for index, line_pieces in enumerate(pieces):
        if not line_pieces:
            continue
        text = "".join(p.text for p in line_pieces)
        folded = shadow(text)
        for rule in rules:
            match = rule.pattern.search(folded)
            if match is None:
                continue
            line = lines[index]
            page = match.groupdict().get("page")
            if page:
                labels.setdefault(line.page, text[match.start("page") : match.end("page")])
            start, end = line_pieces[0].start, line_pieces[-1].end
            blocks.append(
                Block(BlockKind.FURNITURE, line_pieces, line.number, line.number, line.page, rule=rule.name)
            )
            edits.append(
                Edit(
                    rule.name,
                    "furniture",
                    start,
                    end,
                    line.number,
                    line.number,
                    removed=source[start:end],
                    note=rule.kind,
                )
            )
            found.add(index)
            break
    return Furniture(tuple(blocks), tuple(edits), labels, frozenset(found))
