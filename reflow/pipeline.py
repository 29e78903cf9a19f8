"""The pipeline: source text -> lines -> normalised pieces -> break decisions -> blocks -> document."""

from __future__ import annotations

from reflow import breaks, normalize
from reflow.assemble import assemble
from reflow.join import JoinRules, WordEvidence
from reflow.model import Article, Document
from reflow.ruleset import RuleSet
from reflow.source import normalise_newlines, split_lines


def convert(text: str, ruleset: RuleSet, *, source_name: str = "-") -> Document:
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
    content, decisions = breaks.decide_all(lines, pieces, ruleset)
    joins = JoinRules(ruleset, WordEvidence(source))
    blocks, join_edits = assemble(source, lines, pieces, content, decisions, joins)
    edits = sorted(normal_edits + join_edits, key=lambda edit: (edit.start, edit.end))
    article = Article(id="a1", blocks=tuple(blocks))
    return Document(
        source_name=source_name,
        source=source,
        ruleset=ruleset.name,
        articles=(article,) if blocks else (),
        edits=tuple(edits),
    )
