"""JSON renderer: the document as data, with source lines and character spans for every block.

Shape (keys in this order; every string passed through :func:`reflow.render._escape.clean`)::

    {"source": str, "ruleset": str,
     "furniture": [{"type": "furniture", "text", "lines", "spans"}],
     "articles": [{"id": str, "headline": str|null, "kicker": str|null, "subheadline": str|null,
                   "dateline": str|null, "byline": str|null,
                   "continued_from": str|null, "continues_on": str|null,
                   "prev": str|null, "next": str|null,
                   "jumps": [{"direction": "from"|"to", "page": str, "line": int, "text": str}],
                   "stack": [{"type": "kicker"|"headline"|"subheadline"|"dateline"|"byline",
                              "text", "lines", "spans", "offsets"}],
                   "blocks": [{"type": "paragraph"|"heading", "level": int (headings only),
                               "text": str, "lines": [first, last], "spans": [[start, end], ...],
                               "offsets": [[out_start, src_start|null, length], ...]}]}]}

``lines`` are 1-based source lines; ``spans`` are code-point offsets into the source: the pieces' spans
in order, adjacent ones merged, inserted text (``start == end``) left out. ``offsets`` aligns the text with
the source character by character, run-length encoded as in JSON Lines (:mod:`reflow.render.jsonl`):
where a normalisation changed the length (``ﬁ`` -> ``fi``) the spans cannot say which output character
came from where, the offsets can. ``stack`` is the headline stack in reading order with the lines and
offsets of each part; the string fields ``headline`` ... ``byline`` stay for the gold files ``reflow
eval`` reads. Ids are the model's, unchanged.
"""

from __future__ import annotations

import json
from typing import Any

from reflow.model import Article, Block, BlockKind, Document, Jump
from reflow.pieces import offset_runs
from reflow.render._common import headline_stack
from reflow.render._escape import clean

__all__ = ["render_json", "source_spans"]

JsonObject = dict[str, Any]


def render_json(document: Document) -> str:
    """The document as pretty-printed JSON (UTF-8 text, not ASCII-escaped)."""
    data: JsonObject = {
        "source": clean(document.source_name),
        "ruleset": clean(document.ruleset),
        "encoding": clean(document.encoding) or None,
        "furniture": [_block(block, "furniture") for block in document.furniture],
        "articles": [_article(article) for article in document.articles],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def source_spans(block: Block) -> list[list[int]]:
    """The source character spans a block's text stands for, adjacent spans merged.

    >>> from reflow.model import Piece
    >>> pieces = (Piece("ab", 0, 2), Piece("c", 2, 3), Piece(" ", 4, 4), Piece("d", 5, 6))
    >>> source_spans(Block(BlockKind.PARAGRAPH, pieces, 1, 2))
    [[0, 3], [5, 6]]
    """
    spans: list[list[int]] = []
    for piece in block.pieces:
        if piece.start == piece.end:
            continue
        if spans and spans[-1][1] == piece.start:
            spans[-1][1] = piece.end
        else:
            spans.append([piece.start, piece.end])
    return spans


def _article(article: Article) -> JsonObject:
    return {
        "id": clean(article.id),
        "headline": _text(article.headline),
        "kicker": _text(article.kicker),
        "subheadline": _text(article.subheadline),
        "dateline": _text(article.dateline),
        "byline": _text(article.byline),
        "continued_from": optional_text(article.continued_from),
        "continues_on": optional_text(article.continues_on),
        "prev": optional_text(article.prev),
        "next": optional_text(article.next),
        "jumps": [jump_object(jump) for jump in article.jumps],
        "stack": [_block(block, role) for role, block in headline_stack(article)],
        "blocks": [
            _block(block, "heading" if block.kind is BlockKind.HEADING else "paragraph")
            for block in article.blocks
        ],
    }


def _block(block: Block, block_type: str) -> JsonObject:
    data: JsonObject = {"type": block_type}
    if block_type == "heading":
        data["level"] = block.level
    data["text"] = clean(block.text)
    data["lines"] = [block.first_line, block.last_line]
    data["spans"] = source_spans(block)
    data["offsets"] = [list(run) for run in offset_runs(block.pieces)]
    return data


def jump_object(jump: Jump) -> JsonObject:
    """A jump as JSON (also each JSON Lines article's ``jumps``)."""
    return {
        "direction": clean(jump.direction),
        "page": clean(jump.page),
        "line": jump.line,
        "text": clean(jump.text),
    }


def _text(block: Block | None) -> str | None:
    return None if block is None else clean(block.text)


def optional_text(value: str | None) -> str | None:
    """A string field as JSON: made safe, or null."""
    return None if value is None else clean(value)
