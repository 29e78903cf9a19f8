"""The engine that applies break and join decisions: lines -> blocks, with every edit recorded."""

from __future__ import annotations

from collections.abc import Sequence

from reflow.breaks import Decision
from reflow.join import JoinRules
from reflow.model import Block, BlockKind, Edit, Line, Piece


def assemble(
    source: str,
    lines: Sequence[Line],
    pieces: Sequence[tuple[Piece, ...]],
    content: Sequence[int],
    decisions: Sequence[Decision],
    joins: JoinRules,
) -> tuple[list[Block], list[Edit]]:
    """Group the non-blank lines ``content`` into paragraphs as ``decisions`` say, glued as ``joins`` say."""
    blocks: list[Block] = []
    edits: list[Edit] = []
    current: list[Piece] = []
    first = 0

    def close(last: int) -> None:
        if current:
            blocks.append(
                Block(
                    BlockKind.PARAGRAPH,
                    tuple(current),
                    lines[first].number,
                    lines[last].number,
                    page=lines[first].page,
                )
            )

    for k, index in enumerate(content):
        line_pieces = pieces[index]
        if k == 0:
            first = index
            current = list(line_pieces)
            continue
        previous = content[k - 1]
        decision = decisions[k - 1]
        gap_start, gap_end = current[-1].end, line_pieces[0].start
        span = dict(
            start=gap_start,
            end=gap_end,
            first_line=lines[previous].number,
            last_line=lines[index].number,
            removed=source[gap_start:gap_end],
        )
        if not decision.join:
            edits.append(Edit(decision.rule, "break", note=decision.note, **span))  # type: ignore[arg-type]
            close(previous)
            first = index
            current = list(line_pieces)
            continue
        left = "".join(p.text for p in current[-3:])
        right = "".join(p.text for p in line_pieces[:3])
        joint = joins.joint(left, right)
        if joint.drop_hyphen:
            last = current.pop()
            hyphen_at = last.end - 1
            if last.text[:-1]:
                current.append(Piece(last.text[:-1], last.start, hyphen_at))
            edits.append(
                Edit(
                    joint.rule,
                    "delete",
                    hyphen_at,
                    last.end,
                    lines[previous].number,
                    lines[previous].number,
                    removed=source[hyphen_at : last.end],
                    note=joint.note,
                )
            )
        healed = source.count("\n", gap_start, gap_end) > 1 or "\f" in source[gap_start:gap_end]
        action = "heal-column-break" if healed else "join"
        note = f"{decision.note}; {joint.rule}" + (f" ({joint.note})" if joint.note else "")
        edits.append(Edit(decision.rule, action, inserted=joint.joiner, note=note, **span))  # type: ignore[arg-type]
        if joint.joiner:
            current.append(Piece(joint.joiner, gap_start, gap_start))
        current.extend(line_pieces)
    if content:
        close(content[-1])
    return blocks, edits
