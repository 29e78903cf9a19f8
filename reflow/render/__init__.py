"""Renderers: one :class:`~reflow.model.Document` to TEI, HTML5, JSON, JSON Lines or plain text.

Renderers decide nothing: they walk the document in order and map each part to its format;
every string is made safe in one place, :mod:`reflow.render._escape`. Output is deterministic and
ends with a newline (JSON Lines of a document without articles is empty).

>>> from reflow.model import Document
>>> render(Document("empty.txt", "", "latin", ()), "text")
'\\n'
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Final

from reflow.model import Document
from reflow.render.html import render_html
from reflow.render.json import render_json
from reflow.render.jsonl import UNITS, render_jsonl
from reflow.render.tei import render_tei
from reflow.render.text import render_text
from reflow.ruleset import RuleSet

__all__ = ["FORMATS", "UNITS", "render"]

_RENDERERS: Final[dict[str, Callable[[Document], str]]] = {
    "tei": render_tei,
    "html": render_html,
    "json": render_json,
    "text": render_text,
    "jsonl": render_jsonl,
}

FORMATS: Final[tuple[str, ...]] = tuple(_RENDERERS)
"""The output formats :func:`render` accepts."""


def render(document: Document, fmt: str, *, unit: str = "article", ruleset: RuleSet | None = None) -> str:
    """The document in output format ``fmt``, one of :data:`FORMATS`.

    ``unit`` and ``ruleset`` are for ``jsonl``: one record per ``unit`` (one of :data:`UNITS`), sentences
    split with the punctuation of ``ruleset`` (default: the built-in rule set named by the document).
    """
    if fmt == "jsonl":
        return render_jsonl(document, unit, ruleset)
    renderer = _RENDERERS.get(fmt)
    if renderer is None:
        close = difflib.get_close_matches(fmt, FORMATS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"unknown output format {fmt!r}{hint}; use one of: {', '.join(FORMATS)}")
    return renderer(document)
