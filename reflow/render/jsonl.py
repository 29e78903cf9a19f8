"""JSON Lines renderer: one record per article, paragraph or sentence, each with its source alignment.

Every line is one JSON object (UTF-8, not ASCII-escaped, no blank lines; a document without articles
renders as nothing). The records are those of :mod:`reflow.api`, keys in this order::

    paragraph / sentence (--unit paragraph, --unit sentence):
    {"unit": "paragraph"|"sentence", "document": str, "article": "a1", "block": "a1.b1"|"a1.headline"|...,
     "sentence": "a1.b1.s1"|null, "role": "paragraph"|"heading"|"kicker"|"headline"|"subheadline"|
     "dateline"|"byline", "level": int|null, "text": str, "offsets": RUNS, "lines": [first, last],
     "page": int, "page_label": str|null, "in_block": [start, end],
     "continued_from": str|null, "continues_on": str|null}

    article (--unit article, the default):
    {"unit": "article", "document": str, "article": "a1", "lines": [first, last], "page": int,
     "page_label": str|null, "continued_from": str|null, "continues_on": str|null,
     "prev": str|null, "next": str|null,
     "jumps": [{"direction": "from"|"to", "page": str, "line": int, "text": str}],
     "stack": [PART, ...], "blocks": [PART, ...]}
    PART = {"block", "role", "level", "text", "offsets", "lines", "page", "page_label"}

``offsets`` (RUNS) is the alignment of ``text`` with the source, run-length encoded: a list of
``[out_start, src_start, length]`` that tile the text in order (each run starts where the previous one
ends, the lengths add up to ``len(text)``): characters ``text[out_start + i]`` come from
``source[src_start + i]``, ``i < length``; ``src_start`` is ``null`` for text reflow inserted. Offsets are
code points into the decoded source with line endings normalised to ``\\n``. A character a normalisation
replaced maps inside the span it replaced (``ﬁ`` -> ``fi``: both to the ligature), as
:func:`reflow.pieces.offsets` states; :func:`reflow.pieces.expand_runs` gives one offset per character.
"""

from __future__ import annotations

import json
from typing import Any, Final

from reflow.api import ArticleUnit, TextUnit, iter_articles, iter_paragraphs, iter_sentences
from reflow.model import Document
from reflow.render._escape import clean
from reflow.render.json import jump_object, optional_text
from reflow.ruleset import RuleSet

__all__ = ["UNITS", "render_jsonl"]

UNITS: Final[tuple[str, ...]] = ("article", "paragraph", "sentence")
"""What one JSON Lines record can be."""

JsonObject = dict[str, Any]


def render_jsonl(document: Document, unit: str = "article", ruleset: RuleSet | None = None) -> str:
    """One JSON record per ``unit`` (one of :data:`UNITS`) per line.

    Sentences are split with the punctuation of ``ruleset`` (default: the built-in rule set named by the
    document).

    >>> import json
    >>> from reflow import convert
    >>> records = render_jsonl(convert("第一句。第\\n二句。\\n"), "sentence").splitlines()
    >>> [(r["sentence"], r["text"], r["offsets"]) for r in map(json.loads, records)]
    [('a1.b1.s1', '第一句。', [[0, 0, 4]]), ('a1.b1.s2', '第二句。', [[0, 4, 1], [1, 6, 3]])]
    """
    records: list[JsonObject]
    if unit == "article":
        records = [_article(article) for article in iter_articles(document)]
    elif unit == "paragraph":
        records = [_text_unit(paragraph) for paragraph in iter_paragraphs(document)]
    elif unit == "sentence":
        records = [_text_unit(sentence) for sentence in iter_sentences(document, ruleset)]
    else:
        raise ValueError(f"unknown unit {unit!r}; use one of: {', '.join(UNITS)}")
    return "".join(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n" for record in records)


def _runs(unit: TextUnit) -> list[list[int | None]]:
    return [list(run) for run in unit.runs]


def _part(unit: TextUnit) -> JsonObject:
    """A block of an article record: its id and where its text stands."""
    return {"block": clean(unit.block), **_placed(unit)}


def _text_unit(unit: TextUnit) -> JsonObject:
    return {
        "unit": unit.unit,
        "document": clean(unit.document),
        "article": clean(unit.article),
        "block": clean(unit.block),
        "sentence": optional_text(unit.sentence),
        **_placed(unit),
        "in_block": list(unit.in_block),
        "continued_from": optional_text(unit.continued_from),
        "continues_on": optional_text(unit.continues_on),
    }


def _placed(unit: TextUnit) -> JsonObject:
    """What every text unit says of itself, in record order: role, text and where it comes from."""
    return {
        "role": unit.role,
        "level": unit.level,
        "text": clean(unit.text),
        "offsets": _runs(unit),
        "lines": list(unit.lines),
        "page": unit.page,
        "page_label": optional_text(unit.page_label),
    }


def _article(article: ArticleUnit) -> JsonObject:
    return {
        "unit": "article",
        "document": clean(article.document),
        "article": clean(article.article),
        "lines": list(article.lines),
        "page": article.page,
        "page_label": optional_text(article.page_label),
        "continued_from": optional_text(article.continued_from),
        "continues_on": optional_text(article.continues_on),
        "prev": optional_text(article.prev),
        "next": optional_text(article.next),
        "jumps": [jump_object(jump) for jump in article.jumps],
        "stack": [_part(part) for part in article.stack],
        "blocks": [_part(part) for part in article.blocks],
    }
