"""Page-level line roles: what each line of a page is, decided for the whole page at once.

Roles in, evidence and weights from the rule set, roles out:

1. :mod:`reflow.roles.features` describes every non-blank line by named features (its width against
   the column, punctuation, blank lines around, rule-file patterns, the pass-by-pass break verdicts on
   both sides, word overlap with the text around it, repetition across pages);
2. :mod:`reflow.roles.decoder` chooses the best role sequence for the page (Viterbi over role pairs)
   with the weights of ``[roles.weights]`` in the rule set;
3. :func:`assign` turns the roles into what the downstream stages consume: lines that are furniture or
   captions are set aside (and recorded), and each gap between the remaining lines becomes a join or a
   break — a line joins the one before only when it continues a paragraph (or a dateline or byline set
   on lines of its own wraps onto it). Paragraphs, headline stacks
   and articles are assembled from the roles downstream and never re-decided.

:mod:`reflow.roles.fit` fits the weights on corrected pages (``reflow rules fit``).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reflow.breaks import Decision, Gap
from reflow.model import Block, BlockKind, Edit, Line, Piece
from reflow.roles.decoder import DECODED_ROLES, RoleDecision, decisions, filled
from reflow.roles.features import LineEvidence, evidence
from reflow.roles.reading import reading
from reflow.ruleset import RuleSet

__all__ = [
    "DECODED_ROLES",
    "MIN_PAGE_LINES",
    "PageRoles",
    "RoleDecision",
    "assign",
    "line_evidence",
    "reading",
]

#: Roles whose lines are set aside, out of the text of any article.
ASIDE_ROLES = frozenset({"furniture", "caption"})
#: Roles a paragraph line can follow and continue (a dateline or byline glued to its first line).
PARAGRAPH_ROLES = frozenset({"para_start", "para_cont", "dateline", "byline"})
#: Roles whose lines, set on lines of their own, wrap: two such lines in a row are one element.
WRAPPING_ROLES = frozenset({"dateline", "byline"})
#: Fewer non-blank lines than this are not a page: there is no layout to weigh (no column, no stack
#: among paragraphs), and the break passes decide them alone.
MIN_PAGE_LINES = 8
#: Break passes whose verdict stands whatever the roles say: they judge the whole text, not one gap
#: (a file set one paragraph per line is not hard-wrapped, so no line continues the one above).
BINDING_PASSES = frozenset({"breaks.unwrapped"})


@dataclass(frozen=True, slots=True)
class PageRoles:
    """The decoded roles and what follows from them for assembly.

    ``roles`` maps a 1-based line number to its decision; ``content`` are the indices of the lines left
    for paragraphs, ``decisions`` one per gap between consecutive ones; ``aside`` the blocks set aside.
    """

    roles: dict[int, RoleDecision]
    content: list[int]
    decisions: list[Decision]
    aside: tuple[Block, ...]
    edits: tuple[Edit, ...]


def line_evidence(
    lines: Sequence[Line],
    pieces: Sequence[tuple[Piece, ...]],
    content: Sequence[int],
    decisions_: Sequence[Decision],
    gaps: Sequence[Gap],
    ruleset: RuleSet,
    passes: Mapping[int, str],
) -> list[LineEvidence]:
    """The evidence of every non-blank line (as the decoder and the fit see it); ``passes`` is the
    pass-by-pass reading (:func:`reading`)."""
    texts = ["".join(p.text for p in line_pieces) for line_pieces in pieces]
    return evidence(lines, texts, content, decisions_, gaps, ruleset, passes)


def assign(
    pieces: Sequence[tuple[Piece, ...]],
    evidence_: Sequence[LineEvidence],
    content: Sequence[int],
    old: Sequence[Decision],
    lines: Sequence[Line],
    ruleset: RuleSet,
    given: Mapping[int, str] | None = None,
) -> PageRoles:
    """Decode the roles of the lines ``content`` from their evidence and derive the blocks' boundaries.

    ``old`` are the break passes' decisions: where the roles agree with one, it is kept (with its rule
    and note), so the explain log says which pass saw it; where they do not, the decision is tagged
    ``roles.<role>`` with the evidence that carried the role. ``given`` roles (line index -> role, as a
    gold file's ``line_roles`` say) are taken instead of decoding: what assembly makes of right roles.
    """
    if given is None:
        found = decisions(evidence_, ruleset.roles.weights)
    else:
        found = [
            RoleDecision(
                item.index,
                given.get(item.index, "para_cont"),
                0.0,
                (("given", 0.0),),
                filled(item),
            )
            for item in evidence_
        ]
    by_index = {d.index: d for d in found}
    aside: list[Block] = []
    edits: list[Edit] = []
    kept: list[int] = []
    # a line with a jump marker is kept whatever its role: it carries the page label of a jump
    markers = {item.index for item in evidence_ if {"marker", "marker_glued"} & set(item.features)}
    for index in content:
        decision = by_index[index]
        if decision.role not in ASIDE_ROLES or index in markers:
            kept.append(index)
            continue
        line, line_pieces = lines[index], pieces[index]
        rule = f"roles.{decision.role}"
        aside.append(Block(BlockKind.FURNITURE, line_pieces, line.number, line.number, line.page, rule=rule))
        start, end = line_pieces[0].start, line_pieces[-1].end
        edits.append(
            Edit(
                rule,
                "furniture",
                start,
                end,
                line.number,
                line.number,
                removed=line.text[start - line.start : end - line.start],
                note=decision.explain(),
            )
        )
    position = {index: k for k, index in enumerate(content)}
    joined: list[Decision] = []
    for before, after in itertools.pairwise(kept):
        role, previous = by_index[after].role, by_index[before].role
        # a paragraph line goes on from the one before; a dateline or byline set on lines of its own
        # may wrap
        join = (role == "para_cont" and previous in PARAGRAPH_ROLES) or (
            role == previous and role in WRAPPING_ROLES
        )
        adjacent = position[after] == position[before] + 1
        verdict = old[position[before]]
        if adjacent and (verdict.join == join or verdict.rule in BINDING_PASSES):
            joined.append(verdict)
        else:
            joined.append(Decision(join, f"roles.{role}", by_index[after].explain()))
    return PageRoles({lines[d.index].number: d for d in found}, kept, joined, tuple(aside), tuple(edits))
