"""Typed, frozen data of every stage: source lines, pieces, blocks, articles, the document and its edits.

Data flows one way: source text -> :class:`Line` -> :class:`Block` -> :class:`Article` -> :class:`Document`.
Every piece of output text carries the source span it came from, so provenance is built in, not logged
on the side. Offsets are code-point offsets into :attr:`Document.source` (the decoded input with line
endings normalised to ``\\n``); line numbers are 1-based.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

#: What a line of a page can be, as the line-role decoder (:mod:`reflow.roles`) decides it. Blank lines
#: are ``blank``; every other line gets exactly one of the other roles.
LINE_ROLES: tuple[str, ...] = (
    "blank",
    "furniture",
    "marker",
    "kicker",
    "headline",
    "subtitle",
    "heading",
    "dateline",
    "byline",
    "caption",
    "end_cue",
    "para_start",
    "para_cont",
)


@dataclass(frozen=True, slots=True)
class Line:
    """One physical line of the source, measured.

    ``start``/``end`` delimit the whole line (without its ``\\n``); ``text`` is ``source[start:end]``.
    ``content_start``/``content_end`` delimit it without surrounding blanks and control characters;
    ``width`` is the display width (East Asian Width) of that content, ``indent`` the display width of
    the blanks before it. ``page`` counts form feeds before the line.
    """

    number: int
    start: int
    end: int
    text: str
    page: int
    indent: int
    width: int
    content_start: int = 0
    content_end: int = 0

    @property
    def is_blank(self) -> bool:
        return self.width == 0


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of output text and the source span it stands for.

    For text copied from the source, ``text == source[start:end]``. For text the pipeline inserted
    (a space joining two Latin lines) ``start == end``. For a replacement, ``text`` differs from the
    source slice and an :class:`Edit` says which rule made it.
    """

    text: str
    start: int
    end: int


class BlockKind(StrEnum):
    """What a block is on the page."""

    PARAGRAPH = "paragraph"
    HEADING = "heading"
    HEADLINE = "headline"
    KICKER = "kicker"
    SUBHEADLINE = "subheadline"
    DATELINE = "dateline"
    BYLINE = "byline"
    MARKER = "marker"
    FURNITURE = "furniture"


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph (or heading, headline ...) rebuilt from one or more source lines."""

    kind: BlockKind
    pieces: tuple[Piece, ...]
    first_line: int
    last_line: int
    page: int = 0
    level: int = 0
    rule: str = ""

    @property
    def text(self) -> str:
        return "".join(piece.text for piece in self.pieces)

    @property
    def start(self) -> int:
        return min((p.start for p in self.pieces), default=0)

    @property
    def end(self) -> int:
        return max((p.end for p in self.pieces), default=0)


@dataclass(frozen=True, slots=True)
class Edit:
    """One change the pipeline made, tagged with the rule that made it.

    ``removed`` is the source text taken out (``source[start:end]``), ``inserted`` the text put in
    its place. ``action`` is a short verb such as ``join``, ``heal-column-break``, ``delete``.
    """

    rule: str
    action: str
    start: int
    end: int
    first_line: int
    last_line: int
    removed: str = ""
    inserted: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Jump:
    """A continuation marker kept as structure: ``direction`` is ``from`` or ``to``."""

    direction: str
    page: str
    line: int
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    """One article: its headline stack, furniture fields and body blocks in reading order."""

    id: str
    blocks: tuple[Block, ...]
    headline: Block | None = None
    kicker: Block | None = None
    subheadline: Block | None = None
    dateline: Block | None = None
    byline: Block | None = None
    jumps: tuple[Jump, ...] = ()
    prev: str | None = None
    next: str | None = None

    @property
    def continued_from(self) -> str | None:
        return next((j.page for j in self.jumps if j.direction == "from"), None)

    @property
    def continues_on(self) -> str | None:
        return next((j.page for j in self.jumps if j.direction == "to"), None)


@dataclass(frozen=True, slots=True)
class Document:
    """The whole converted input: articles, the edits that made them, and what was set aside."""

    source_name: str
    source: str
    ruleset: str
    articles: tuple[Article, ...]
    edits: tuple[Edit, ...] = ()
    furniture: tuple[Block, ...] = field(default=())
    #: How the input bytes were decoded ("" when text was given), and why that encoding was chosen.
    encoding: str = ""
    #: ``(page, label)`` for every page whose printed label the furniture rules found (``Block.page`` is
    #: the page index: form feeds before the line), in page order.
    page_labels: tuple[tuple[int, str], ...] = ()
