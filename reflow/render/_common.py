"""Mappings every markup renderer shares, so that the formats cannot drift apart.

These only translate what the document says into the names a format needs; none looks at text.
"""

from __future__ import annotations

import re
from typing import Literal

from reflow.model import Article, Block, Jump

__all__ = ["chain_part", "heading_level", "headline_stack", "jumps", "language", "xml_id"]

StackRole = Literal["kicker", "headline", "subheadline", "dateline", "byline"]

_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_ID_START = re.compile(r"[A-Za-z]")


def xml_id(article_id: str) -> str:
    """The article id as a valid ``xml:id`` (and HTML id): unsafe characters become ``_``, and an id
    that does not start with an ASCII letter gets the prefix ``id-``.

    >>> xml_id("a1"), xml_id("12"), xml_id("p 3")
    ('a1', 'id-12', 'p_3')
    """
    safe = _ID_UNSAFE.sub("_", article_id)
    return safe if _ID_START.match(safe) else f"id-{safe}"


def chain_part(article: Article) -> Literal["I", "M", "F"] | None:
    """TEI ``@part`` of an article stitched across pages: initial, medial, final; ``None`` alone."""
    if article.prev is None:
        return None if article.next is None else "I"
    return "F" if article.next is None else "M"


def headline_stack(article: Article) -> list[tuple[StackRole, Block]]:
    """The headline stack in reading order, present parts only."""
    stack: tuple[tuple[StackRole, Block | None], ...] = (
        ("kicker", article.kicker),
        ("headline", article.headline),
        ("subheadline", article.subheadline),
        ("dateline", article.dateline),
        ("byline", article.byline),
    )
    return [(role, block) for role, block in stack if block is not None]


def jumps(article: Article, direction: Literal["from", "to"]) -> list[Jump]:
    """The article's jump markers in one direction, in document order."""
    return [jump for jump in article.jumps if jump.direction == direction]


def heading_level(block: Block) -> int:
    """A heading's level, at least 1 (a heading block built without a level counts as level 1)."""
    return max(block.level, 1)


def language(ruleset: str) -> str:
    """BCP 47 language of the output, from the rule set name: ``zh`` rule sets are Chinese, any other
    (``latin`` covers many languages) is undetermined.

    >>> language("zh-newspaper"), language("latin")
    ('zh', 'und')
    """
    return "zh" if ruleset == "zh" or ruleset.startswith("zh-") else "und"
