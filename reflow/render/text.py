"""Plain-text renderer: one line per headline-stack part, heading and paragraph; a blank line between
articles (an article without blocks has no lines). Line breaks inside a block become spaces, so a line
is always one block. Furniture and jump markers are left out: this format is for reading.
"""

from __future__ import annotations

from reflow.model import Article, Document
from reflow.render._common import headline_stack
from reflow.render._escape import one_line

__all__ = ["render_text"]


def render_text(document: Document) -> str:
    """The articles' text, blocks one per line, articles separated by a blank line."""
    articles = [_lines(article) for article in document.articles]
    return "\n\n".join("\n".join(lines) for lines in articles if lines) + "\n"


def _lines(article: Article) -> list[str]:
    blocks = [block for _, block in headline_stack(article)] + list(article.blocks)
    return [one_line(block.text) for block in blocks]
