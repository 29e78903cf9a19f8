"""TEI P5 renderer: one ``<div type="article">`` per article, validated by ``reflow/schema/reflow-tei.rng``.

Mapping (the schema states it exactly; everything is also valid against the TEI P5 DTD):

- ``teiHeader``: ``title`` and ``sourceDesc/p`` hold the source name, ``publicationStmt/p`` the rule set.
- ``TEI/@xml:lang``: ``zh`` for ``zh`` rule sets, else ``und`` (see :func:`reflow.render._common.language`).
- Source provenance: every text-bearing element made from a block (``head``, ``dateline``, ``byline``,
  ``p``, ``ab``) carries ``@n="L<first>-L<last>"``, the 1-based source lines it was rebuilt from.
  (``@n`` is TEI's free label; ``@facs`` would claim an image, ``@corresp`` an element.)
- Furniture (running heads, page numbers ...): TEI's ``fw`` is not part of the P5 DTD reflow validates
  against (no transcription module), so the body always starts with one ``<div type="furniture">``
  holding an ``<ab n="L..">`` per furniture block, in document order; it is empty when there is none,
  which also keeps ``body`` valid for a document without articles.
- Article: ``xml:id`` (see :func:`~reflow.render._common.xml_id`); ``prev``/``next`` as ``#id``
  pointers, and ``part`` ``I``/``M``/``F`` for the first, middle and final part of a stitched chain.
  Content in TEI's order for ``div``: ``head`` kicker/main/sub, ``dateline``, ``byline`` (div-top
  elements), ``<note type="jump" subtype="from" n="PAGE">``, paragraphs and sections, then
  ``subtype="to"`` jump notes. A jump note's ``@n`` is the page as printed (its source line is in the
  HTML and JSON output).
- A heading of level L opens ``<div type="section">`` at depth L under the article, closing open sections
  of depth >= L first; a level deeper than one below the open sections is attached one below them, so
  nesting never skips a level. Its ``head`` has no ``@type``. Blocks other than headings become ``p``.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Final

from lxml import etree

from reflow.model import Article, Block, BlockKind, Document, Jump
from reflow.render._common import chain_part, heading_level, headline_stack, jumps, language, xml_id
from reflow.render._markup import MarkupWriter

__all__ = ["TEI_NAMESPACE", "render_tei", "tei_schema"]

TEI_NAMESPACE: Final = "http://www.tei-c.org/ns/1.0"

_STACK_ELEMENTS: Final = {
    "kicker": ("head", "kicker"),
    "headline": ("head", "main"),
    "subheadline": ("head", "sub"),
    "dateline": ("dateline", None),
    "byline": ("byline", None),
}


@functools.cache
def tei_schema() -> etree.RelaxNG:
    """The RELAX NG schema of exactly what :func:`render_tei` emits (parsed once)."""
    rng = resources.files("reflow.schema").joinpath("reflow-tei.rng").read_bytes()
    return etree.RelaxNG(etree.fromstring(rng))


def render_tei(document: Document) -> str:
    """The document as a TEI P5 XML file (UTF-8 declaration, two-space indentation)."""
    w = MarkupWriter()
    w.raw('<?xml version="1.0" encoding="UTF-8"?>')
    w.open("TEI", [("xmlns", TEI_NAMESPACE), ("xml:lang", language(document.ruleset))])
    _header(w, document)
    w.open("text")
    w.open("body")
    w.open("div", [("type", "furniture")])
    for block in document.furniture:
        w.leaf("ab", [("n", _lines(block))], block.text)
    w.close("div")
    for article in document.articles:
        _article(w, article)
    w.close("body")
    w.close("text")
    w.close("TEI")
    return w.getvalue()


def _header(w: MarkupWriter, document: Document) -> None:
    w.open("teiHeader")
    w.open("fileDesc")
    w.open("titleStmt")
    w.leaf("title", (), document.source_name)
    w.close("titleStmt")
    w.open("publicationStmt")
    w.leaf("p", (), f"Converted by reflow (rule set {document.ruleset})")
    w.close("publicationStmt")
    w.open("sourceDesc")
    w.leaf("p", (), document.source_name)
    w.close("sourceDesc")
    w.close("fileDesc")
    w.close("teiHeader")


def _article(w: MarkupWriter, article: Article) -> None:
    w.open(
        "div",
        [
            ("type", "article"),
            ("xml:id", xml_id(article.id)),
            ("part", chain_part(article)),
            ("prev", _pointer(article.prev)),
            ("next", _pointer(article.next)),
        ],
    )
    for role, block in headline_stack(article):
        tag, head_type = _STACK_ELEMENTS[role]
        w.leaf(tag, [("type", head_type), ("n", _lines(block))], block.text)
    for jump in jumps(article, "from"):
        _jump(w, jump)
    _body(w, article.blocks)
    for jump in jumps(article, "to"):
        _jump(w, jump)
    w.close("div")


def _body(w: MarkupWriter, blocks: tuple[Block, ...]) -> None:
    depth = 0  # open section divs
    for block in blocks:
        if block.kind is BlockKind.HEADING:
            target = min(heading_level(block), depth + 1)
            while depth >= target:
                w.close("div")
                depth -= 1
            w.open("div", [("type", "section")])
            depth += 1
            w.leaf("head", [("n", _lines(block))], block.text)
        else:
            w.leaf("p", [("n", _lines(block))], block.text)
    for _ in range(depth):
        w.close("div")


def _jump(w: MarkupWriter, jump: Jump) -> None:
    w.leaf("note", [("type", "jump"), ("subtype", jump.direction), ("n", jump.page)], jump.text)


def _lines(block: Block) -> str:
    return f"L{block.first_line}-L{block.last_line}"


def _pointer(article_id: str | None) -> str | None:
    return None if article_id is None else f"#{xml_id(article_id)}"
