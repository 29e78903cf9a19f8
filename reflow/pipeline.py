"""The pipeline: source text -> lines -> normalised pieces -> break decisions -> blocks -> document."""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from reflow import breaks, flags, furniture, normalize, roles, structure
from reflow.assemble import assemble
from reflow.breaks import Decision, Gap
from reflow.decode import decode
from reflow.furniture import Furniture
from reflow.join import JoinRules, WordEvidence
from reflow.model import Article, Document, Edit, Line, Piece
from reflow.roles.decoder import RoleDecision
from reflow.roles.features import LineEvidence
from reflow.ruleset import RuleSet
from reflow.shadow import Shadow
from reflow.source import normalise_newlines, split_lines


def convert_bytes(
    data: bytes,
    ruleset: RuleSet,
    *,
    source_name: str = "-",
    encoding: str = "auto",
    line_roles: Mapping[int, str] | None = None,
) -> Document:
    """Decode ``data`` (recording every undecodable byte) and :func:`convert` it."""
    decoded = decode(data, encoding)
    text = decoded.text
    edits = newline_normalised(text, decoded.edits)
    document = convert(text, ruleset, source_name=source_name, input_edits=edits, line_roles=line_roles)
    why = f" ({decoded.why})" if decoded.why else ""
    return replace(document, encoding=f"{decoded.encoding}{why}")


def newline_normalised(text: str, edits: Sequence[Edit]) -> list[Edit]:
    """``edits`` of the decoded ``text`` with their offsets moved to the text after newline
    normalisation (each CRLF before an edit becomes one character shorter)."""
    shifts = _crlf_positions(text)
    moved = []
    for edit in edits:
        shift = bisect.bisect_left(shifts, edit.start)
        moved.append(replace(edit, start=edit.start - shift, end=edit.end - shift))
    return moved


def _crlf_positions(text: str) -> list[int]:
    """Offsets of the ``\\r`` of every CRLF pair (each removed by newline normalisation)."""
    positions = []
    at = text.find("\r\n")
    while at != -1:
        positions.append(at)
        at = text.find("\r\n", at + 2)
    return positions


@dataclass(frozen=True, slots=True)
class Page:
    """A dump read up to the line-role decision: measured lines, normalised pieces (furniture lines
    emptied), and the break passes' verdict and measures for each gap between non-blank lines."""

    source: str
    lines: Sequence[Line]
    pieces: list[tuple[Piece, ...]]
    normal_edits: list[Edit]
    furniture: Furniture
    content: list[int]
    decisions: list[Decision]
    gaps: list[Gap]

    def reading(self, ruleset: RuleSet) -> dict[int, str]:
        """The line roles the passes give without the decoder (line number -> role)."""
        articles, _joins, structure_edits = _assemble(self, ruleset, self.content, self.decisions, None)
        return roles.reading(articles, self.furniture.blocks, structure_edits)

    def evidence(self, ruleset: RuleSet) -> list[LineEvidence]:
        """What the line-role decoder sees of every non-blank line."""
        return roles.line_evidence(
            self.lines, self.pieces, self.content, self.decisions, self.gaps, ruleset, self.reading(ruleset)
        )


def _assemble(
    page: Page,
    ruleset: RuleSet,
    content: Sequence[int],
    decisions: Sequence[Decision],
    line_roles: Mapping[int, RoleDecision] | None,
) -> tuple[list[Article], list[Edit], list[Edit]]:
    """Blocks from the lines ``content`` as ``decisions`` join them, then articles (by ``line_roles``
    when the decoder gave them): the articles, the join edits and the structure edits."""
    joins = JoinRules(ruleset, WordEvidence(page.source))
    blocks, join_edits = assemble(page.source, page.lines, page.pieces, content, decisions, joins)
    articles, structure_edits = structure.build(
        blocks,
        ruleset,
        source=page.source,
        line_starts=[line.start for line in page.lines],
        line_pages=[line.page for line in page.lines],
        page_labels=page.furniture.page_labels,
        joiner=lambda left, right: joins.joint(left, right).joiner,
        line_roles=line_roles,
    )
    return articles, join_edits, structure_edits


def read_page(text: str, ruleset: RuleSet) -> Page:
    """The stages before the line roles are decided (shared by :func:`convert` and the weight fit)."""
    source = normalise_newlines(text)
    lines = split_lines(source, ambiguous_wide=ruleset.layout.ambiguous_wide)
    normal_edits = normalize.propose(source, lines, ruleset)
    pieces = normalize.line_pieces(source, lines, normal_edits)
    found = furniture.find(source, lines, pieces, ruleset, Shadow(ruleset.matching.shadow))
    pieces = [() if index in found.lines else line_pieces for index, line_pieces in enumerate(pieces)]
    standalone = structure.standalone_lines(pieces, ruleset)
    content, decisions, gaps = breaks.decide_all(lines, pieces, ruleset, standalone)
    return Page(source, lines, pieces, list(normal_edits), found, content, decisions, gaps)


def convert(
    text: str,
    ruleset: RuleSet,
    *,
    source_name: str = "-",
    input_edits: Sequence[Edit] = (),
    line_roles: Mapping[int, str] | None = None,
) -> Document:
    """Rebuild the paragraphs of a raw dump ``text`` under ``ruleset``.

    ``line_roles`` (0-based line index -> role, as a gold file's ``line_roles``) replaces the decoded
    roles: ``benchmarks/accuracy.py --gold-roles`` measures with it what assembly makes of right roles.

    >>> from reflow.ruleset import load_ruleset
    >>> doc = convert("习近平主席结合中国统筹疫情防控和经济\\n社会发展。\\n", load_ruleset("zh-newspaper"))
    >>> [block.text for block in doc.articles[0].blocks]
    ['习近平主席结合中国统筹疫情防控和经济社会发展。']
    """
    page = read_page(text, ruleset)
    source, lines, found = page.source, page.lines, page.furniture
    content, decisions = page.content, page.decisions
    page_roles = None
    if ruleset.decodes_roles and len(content) >= roles.MIN_PAGE_LINES:
        page_roles = roles.assign(
            page.pieces, page.evidence(ruleset), content, decisions, lines, ruleset, line_roles
        )
        content, decisions = page_roles.content, page_roles.decisions
    articles, join_edits, structure_edits = _assemble(
        page, ruleset, content, decisions, page_roles.roles if page_roles is not None else None
    )
    edits = sorted(
        [
            *input_edits,
            *page.normal_edits,
            *flags.propose(source, lines, ruleset),
            *found.edits,
            *(page_roles.edits if page_roles is not None else ()),
            *join_edits,
            *structure_edits,
        ],
        key=lambda edit: (edit.start, edit.end),
    )
    return Document(
        source_name=source_name,
        source=source,
        ruleset=ruleset.name,
        articles=tuple(articles),
        edits=tuple(edits),
        furniture=tuple(
            sorted(
                found.blocks + (page_roles.aside if page_roles is not None else ()),
                key=lambda block: block.first_line,
            )
        ),
        page_labels=tuple(sorted(found.page_labels.items())),
    )
