"""HTML5 renderer: a standalone page with one ``<article>`` per article.

Mapping:

- ``<html lang>``: ``zh`` for ``zh`` rule sets, else ``und``; ``<title>`` is the source name.
- Furniture blocks, when there are any, go into ``<aside class="furniture">`` before the articles.
- ``<article id>`` (the id made valid as in TEI); ``data-continued-from``, ``data-continues-on`` (pages)
  and ``data-prev``, ``data-next`` (ids of the other articles' elements) when set.
- ``<header>`` holds the parts of the headline stack that are present: with a headline, the kicker
  (``p.kicker``), ``h1`` and subheadline (``p.subtitle``) form an ``<hgroup>``; without one, the kicker and
  subheadline paragraphs stand in the header directly. ``p.dateline`` and ``p.byline`` follow.
- Jump markers are ``<p class="jump" data-direction data-page>``: ``from`` after the header, ``to`` at
  the end.
- A heading of level L is ``h(L+1)``, at most ``h6``; other blocks are ``<p>``.
- Every element made from a block or jump has ``data-lines="first-last"`` (1-based source lines).
"""

from __future__ import annotations

from typing import Final

from reflow.model import Article, Block, BlockKind, Document, Jump
from reflow.render._common import StackRole, heading_level, headline_stack, jumps, language, xml_id
from reflow.render._markup import MarkupWriter

__all__ = ["render_html"]

_STYLE: Final = (
    "body{max-width:42em;margin:0 auto;padding:1em;font-family:serif;line-height:1.6}"
    "article{margin:2em 0;padding-bottom:1em;border-bottom:1px solid #ccc}"
    "hgroup p,.dateline,.byline,.jump,.furniture{font-family:sans-serif;color:#555}"
    ".jump{font-style:italic}.furniture{font-size:.85em}"
)

_STACK_ELEMENTS: Final[dict[StackRole, tuple[str, str | None]]] = {
    "kicker": ("p", "kicker"),
    "headline": ("h1", None),
    "subheadline": ("p", "subtitle"),
    "dateline": ("p", "dateline"),
    "byline": ("p", "byline"),
}
_HGROUP: Final[frozenset[StackRole]] = frozenset({"kicker", "headline", "subheadline"})


def render_html(document: Document) -> str:
    """The document as a standalone HTML5 page."""
    w = MarkupWriter()
    w.raw("<!DOCTYPE html>")
    w.open("html", [("lang", language(document.ruleset))])
    w.open("head")
    w.void("meta", [("charset", "utf-8")])
    w.void("meta", [("name", "generator"), ("content", f"reflow (rule set {document.ruleset})")])
    w.leaf("title", (), document.source_name)
    w.raw(f"<style>{_STYLE}</style>")  # raw text element: a constant, never escaped
    w.close("head")
    w.open("body")
    if document.furniture:
        w.open("aside", [("class", "furniture")])
        for block in document.furniture:
            w.leaf("p", [("data-lines", _lines(block))], block.text)
        w.close("aside")
    for article in document.articles:
        _article(w, article)
    w.close("body")
    w.close("html")
    return w.getvalue()


def _article(w: MarkupWriter, article: Article) -> None:
    w.open(
        "article",
        [
            ("id", xml_id(article.id)),
            ("data-continued-from", article.continued_from),
            ("data-continues-on", article.continues_on),
            ("data-prev", None if article.prev is None else xml_id(article.prev)),
            ("data-next", None if article.next is None else xml_id(article.next)),
        ],
    )
    stack = headline_stack(article)
    if stack:
        w.open("header")
        titles = [(role, block) for role, block in stack if role in _HGROUP]
        if article.headline is not None:
            w.open("hgroup")
            _stack_parts(w, titles)
            w.close("hgroup")
        else:
            _stack_parts(w, titles)
        _stack_parts(w, [(role, block) for role, block in stack if role not in _HGROUP])
        w.close("header")
    for jump in jumps(article, "from"):
        _jump(w, jump)
    for block in article.blocks:
        tag = f"h{min(heading_level(block) + 1, 6)}" if block.kind is BlockKind.HEADING else "p"
        w.leaf(tag, [("data-lines", _lines(block))], block.text)
    for jump in jumps(article, "to"):
        _jump(w, jump)
    w.close("article")


def _stack_parts(w: MarkupWriter, parts: list[tuple[StackRole, Block]]) -> None:
    for role, block in parts:
        tag, css_class = _STACK_ELEMENTS[role]
        w.leaf(tag, [("class", css_class), ("data-lines", _lines(block))], block.text)


def _jump(w: MarkupWriter, jump: Jump) -> None:
    attributes = [
        ("class", "jump"),
        ("data-direction", jump.direction),
        ("data-page", jump.page),
        ("data-lines", f"{jump.line}-{jump.line}"),
    ]
    w.leaf("p", attributes, jump.text)


def _lines(block: Block) -> str:
    return f"{block.first_line}-{block.last_line}"
