"""The pipeline: source text -> lines -> normalised pieces -> break decisions -> blocks -> document."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace

from reflow import breaks, flags, furniture, normalize, structure
from reflow.assemble import assemble
from reflow.decode import decode
from reflow.join import JoinRules, WordEvidence
from reflow.model import Document, Edit
from reflow.ruleset import RuleSet
from reflow.shadow import Shadow
from reflow.source import normalise_newlines, split_lines


def convert_bytes(
    data: bytes, ruleset: RuleSet, *, source_name: str = "-", encoding: str = "auto"
) -> Document:
    """Decode ``data`` (recording every undecodable byte) and :func:`convert` it."""
    decoded = decode(data, encoding)
    text = decoded.text
    shifts = _crlf_positions(text)
    edits = [
        replace(
            edit,
            start=edit.start - bisect.bisect_left(shifts, edit.start),
            end=edit.end - bisect.bisect_left(shifts, edit.start),
        )
        for edit in decoded.edits
    ]
    document = convert(text, ruleset, source_name=source_name, input_edits=edits)
    why = f" ({decoded.why})" if decoded.why else ""
    return replace(document, encoding=f"{decoded.encoding}{why}")


def _crlf_positions(text: str) -> list[int]:
    """Offsets of the ``\\r`` of every CRLF pair (each removed by newline normalisation)."""
    positions = []
    at = text.find("\r\n")
    while at != -1:
        positions.append(at)
        at = text.find("\r\n", at + 2)
    return positions


def convert(
    text: str, ruleset: RuleSet, *, source_name: str = "-", input_edits: Sequence[Edit] = ()
) -> Document:
    """Rebuild the paragraphs of a raw dump ``text`` under ``ruleset``.

    >>> from reflow.ruleset import load_ruleset
    >>> doc = convert("习近平主席结合中国统筹疫情防控和经济\\n社会发展。\\n", load_ruleset("zh-newspaper"))
    >>> [block.text for block in doc.articles[0].blocks]
    ['习近平主席结合中国统筹疫情防控和经济社会发展。']
    """
    source = normalise_newlines(text)
    lines = split_lines(source, ambiguous_wide=ruleset.layout.ambiguous_wide)
    normal_edits = normalize.propose(source, lines, ruleset)
    pieces = normalize.line_pieces(source, lines, normal_edits)
    found = furniture.find(source, lines, pieces, ruleset, Shadow(ruleset.matching.shadow))
    pieces = [() if index in found.lines else line_pieces for index, line_pieces in enumerate(pieces)]
    standalone = structure.standalone_lines(pieces, ruleset)
    content, decisions = breaks.decide_all(lines, pieces, ruleset, standalone)
    joins = JoinRules(ruleset, WordEvidence(source))
    blocks, join_edits = assemble(source, lines, pieces, content, decisions, joins)
    articles, structure_edits = structure.build(
        blocks,
        ruleset,
        source=source,
        line_starts=[line.start for line in lines],
        line_pages=[line.page for line in lines],
        page_labels=found.page_labels,
        joiner=lambda left, right: joins.joint(left, right).joiner,
    )
    edits = sorted(
        [
            *input_edits,
            *normal_edits,
            *flags.propose(source, lines, ruleset),
            *found.edits,
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
        furniture=found.blocks,
        page_labels=tuple(sorted(found.page_labels.items())),
    )
