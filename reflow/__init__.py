"""reflow: rebuild clean, structured articles from raw newspaper text dumps.

>>> from reflow import convert, load_ruleset
>>> document = convert("第一段文字。\\n", load_ruleset("zh-newspaper"))
>>> document.articles[0].blocks[0].text
'第一段文字。'
"""

from __future__ import annotations

from reflow.model import Article, Block, BlockKind, Document, Edit, Piece
from reflow.pipeline import convert, convert_bytes
from reflow.ruleset import RuleFileError, RuleSet, load_ruleset

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Block",
    "BlockKind",
    "Document",
    "Edit",
    "Piece",
    "RuleFileError",
    "RuleSet",
    "__version__",
    "convert",
    "convert_bytes",
    "load_ruleset",
]
