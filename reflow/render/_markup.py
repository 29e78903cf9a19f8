"""A tiny indented writer for XML and HTML: element names are literals, every value is escaped here.

>>> w = MarkupWriter()
>>> w.open("div", [("type", "article"), ("next", None)])
>>> w.leaf("p", [("n", "L1-L2")], "a < b")
>>> w.close("div")
>>> print(w.getvalue(), end="")
<div type="article">
  <p n="L1-L2">a &lt; b</p>
</div>
"""

from __future__ import annotations

from collections.abc import Sequence

from reflow.render._escape import markup_attr, markup_text

__all__ = ["Attributes", "MarkupWriter"]

Attributes = Sequence[tuple[str, str | None]]
"""Attributes in output order; a pair whose value is ``None`` is left out."""


def _start_tag(tag: str, attributes: Attributes) -> str:
    written = "".join(f' {name}="{markup_attr(value)}"' for name, value in attributes if value is not None)
    return f"<{tag}{written}>"


class MarkupWriter:
    """Collects one element per line, indented by nesting depth; text stays inside its element."""

    __slots__ = ("_depth", "_indent", "_lines")

    def __init__(self, indent: str = "  ") -> None:
        self._lines: list[str] = []
        self._depth = 0
        self._indent = indent

    def raw(self, line: str) -> None:
        """A literal line (declaration, doctype, fixed markup); not escaped."""
        self._lines.append(self._indent * self._depth + line)

    def open(self, tag: str, attributes: Attributes = ()) -> None:
        self.raw(_start_tag(tag, attributes))
        self._depth += 1

    def close(self, tag: str) -> None:
        self._depth -= 1
        self.raw(f"</{tag}>")

    def void(self, tag: str, attributes: Attributes) -> None:
        """An HTML void element (no end tag)."""
        self.raw(_start_tag(tag, attributes))

    def leaf(self, tag: str, attributes: Attributes, text: str) -> None:
        """An element holding only text."""
        self.raw(f"{_start_tag(tag, attributes)}{markup_text(text)}</{tag}>")

    def getvalue(self) -> str:
        return "\n".join(self._lines) + "\n"
