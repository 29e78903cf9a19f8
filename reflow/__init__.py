"""reflow: rebuild clean, structured articles from raw newspaper text dumps.

>>> from reflow import convert, iter_sentences
>>> document = convert("第一段文字。第二句。\\n")
>>> document.articles[0].blocks[0].text
'第一段文字。第二句。'
>>> [(s.sentence, s.text, s.offsets[0]) for s in iter_sentences(document)]
[('a1.b1.s1', '第一段文字。', 0), ('a1.b1.s2', '第二句。', 6)]

:func:`convert` also takes a loaded rule set, ``convert(text, load_ruleset("zh-newspaper"))``, or its
name or path; see :mod:`reflow.api`.
"""

from __future__ import annotations

from reflow.api import ArticleUnit, TextUnit, convert, iter_articles, iter_paragraphs, iter_sentences
from reflow.model import Article, Block, BlockKind, Document, Edit, Piece
from reflow.pipeline import convert_bytes
from reflow.ruleset import RuleFileError, RuleSet, load_ruleset

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ArticleUnit",
    "Block",
    "BlockKind",
    "Document",
    "Edit",
    "Piece",
    "RuleFileError",
    "RuleSet",
    "TextUnit",
    "__version__",
    "convert",
    "convert_bytes",
    "iter_articles",
    "iter_paragraphs",
    "iter_sentences",
    "load_ruleset",
]
