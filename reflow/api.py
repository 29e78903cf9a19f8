"""The Python API: convert a dump, then walk it as NLP units with the source offset of every character.

:func:`convert` takes the rule set as a name, a path or a loaded :class:`~reflow.ruleset.RuleSet`. It is
pure (same input, same output; nothing global changes) and picklable, and so is the
:class:`~reflow.model.Document` it returns, so it can run in a process pool.

:func:`iter_articles`, :func:`iter_paragraphs` and :func:`iter_sentences` walk a document in reading
order. Each yields frozen records: a :class:`TextUnit` is a block (a body paragraph or heading, or a part
of an article's headline stack) or one sentence of a block; an :class:`ArticleUnit` is an article with
its stack and blocks as text units. Every text unit carries ``offsets``, the source offset of each of its
characters (``None`` for text reflow inserted, such as the space joining two Latin lines; see
:func:`reflow.pieces.offsets` for replacements), so ``document.source[unit.offsets[i]]`` is where
``unit.text[i]`` came from.

>>> document = convert("（上接1版）\\n新华社北京11月22日电 第一句。第二\\n句“好。”然后。\\n")
>>> [(p.block, p.role, p.text) for p in iter_paragraphs(document)]
[('a1.dateline', 'dateline', '新华社北京11月22日电'), ('a1.b1', 'paragraph', '第一句。第二句“好。”然后。')]
>>> [(s.sentence, s.text, s.lines) for s in iter_sentences(document)][1:]
[('a1.b1.s1', '第一句。', (2, 2)), ('a1.b1.s2', '第二句“好。”', (2, 3)), ('a1.b1.s3', '然后。', (3, 3))]
>>> second = list(iter_sentences(document))[2]
>>> second.offsets[:3], document.source[second.offsets[2]]
((24, 25, 27), '句')
>>> start, end = second.source_span()
>>> document.source[start:end]
'第二\\n句“好。”'
>>> next(iter_articles(document)).continued_from
'1'
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final, Literal

import regex

from reflow import pipeline
from reflow.model import Article, Block, Document, Jump
from reflow.pieces import Run, offset_runs, offsets, slice_runs
from reflow.ruleset import RuleSet, load_ruleset
from reflow.sentences import sentence_spans

__all__ = [
    "DEFAULT_RULESET",
    "ArticleUnit",
    "TextUnit",
    "convert",
    "iter_articles",
    "iter_paragraphs",
    "iter_sentences",
]

DEFAULT_RULESET: Final = "zh-newspaper"
"""The rule set :func:`convert` uses when none is given."""

RuleSetLike = RuleSet | str | os.PathLike[str]
"""A loaded rule set, a built-in rule set name, or the path of a rule file."""


def _ruleset(ruleset: RuleSetLike) -> RuleSet:
    return ruleset if isinstance(ruleset, RuleSet) else load_ruleset(os.fspath(ruleset))


def convert(
    text: str | bytes,
    ruleset: RuleSetLike = DEFAULT_RULESET,
    *,
    source_name: str = "-",
    encoding: str = "auto",
) -> Document:
    """Rebuild the articles of a raw dump: ``text`` as a string, or as bytes to be decoded (``encoding``
    ``auto`` detects UTF-8, UTF-16, GB18030 or Big5; any Python codec name forces one).

    ``ruleset`` is a built-in name (``"zh-newspaper"``, ``"latin"``), a rule file path, or a loaded
    :class:`~reflow.ruleset.RuleSet`. Raises :class:`~reflow.ruleset.RuleFileError` for a rule set that
    cannot be loaded, :class:`LookupError` for an unknown encoding.

    >>> document = convert("The State of New York gave these\\nfigures on President.\\n", "latin")
    >>> document.articles[0].blocks[0].text
    'The State of New York gave these figures on President.'
    """
    rules = _ruleset(ruleset)
    if isinstance(text, bytes):
        return pipeline.convert_bytes(text, rules, source_name=source_name, encoding=encoding)
    return pipeline.convert(text, rules, source_name=source_name)


@dataclass(frozen=True, slots=True)
class TextUnit:
    """One block of an article, or one sentence of a block, with ids and the source offset of each character.

    ``unit`` is ``paragraph`` or ``sentence``. Ids: ``document`` is the source name; ``article`` the
    article id (``a1``); ``block`` is ``a1.kicker``, ``a1.headline``, ``a1.subheadline``, ``a1.dateline``
    or ``a1.byline`` for the headline stack and ``a1.b1``, ``a1.b2`` ... for the body in reading order;
    ``sentence`` is ``a1.b1.s1`` ... (``None`` for a paragraph unit). ``role`` is the block's: ``paragraph``,
    ``heading`` (with its ``level``; ``None`` for other roles) or the stack part. ``offsets[i]`` is the
    source offset of ``text[i]`` (``None``: inserted), and ``runs`` says the same run-length encoded
    (:func:`reflow.pieces.offset_runs`, the form JSON Lines records use). ``lines`` are the first and last
    1-based source lines, ``page`` the 1-based page (form feeds before it, plus one) and ``page_label`` the
    page as printed when the furniture rules found it; ``continued_from``/``continues_on`` are the
    article's. ``in_block`` is where the text lies in its block's text (all of it for a paragraph unit).
    """

    unit: Literal["paragraph", "sentence"]
    document: str
    article: str
    block: str
    sentence: str | None
    role: str
    level: int | None
    text: str
    offsets: tuple[int | None, ...]
    runs: tuple[Run, ...]
    lines: tuple[int, int]
    page: int
    page_label: str | None
    continued_from: str | None
    continues_on: str | None
    in_block: tuple[int, int]

    def source_span(self, start: int = 0, end: int | None = None) -> tuple[int, int] | None:
        """The source offsets from the first to the last source character of ``text[start:end]`` (a token,
        say), end exclusive; ``None`` when that text was all inserted.

        >>> unit = TextUnit("paragraph", "-", "a1", "a1.b1", None, "paragraph", None, "ab cd",
        ...                 (10, 11, None, 15, 16), ((0, 10, 2), (2, None, 1), (3, 15, 2)),
        ...                 (1, 2), 1, None, None, None, (0, 5))
        >>> unit.source_span(3), unit.source_span(2, 3)
        ((15, 17), None)
        """
        mapped = [offset for offset in self.offsets[start:end] if offset is not None]
        return (min(mapped), max(mapped) + 1) if mapped else None


@dataclass(frozen=True, slots=True)
class ArticleUnit:
    """One article: ids, lines, pages, continuation, jump markers, and its stack and body as text units.

    ``stack`` holds the headline-stack parts present, in reading order (kicker, headline, subheadline,
    dateline, byline); ``blocks`` the body. ``lines`` span all of them; ``page`` is the first page.
    ``prev``/``next`` are the ids of the other parts of an article stitched across pages.
    """

    document: str
    article: str
    lines: tuple[int, int]
    page: int
    page_label: str | None
    continued_from: str | None
    continues_on: str | None
    prev: str | None
    next: str | None
    jumps: tuple[Jump, ...]
    stack: tuple[TextUnit, ...]
    blocks: tuple[TextUnit, ...]


_NEWLINE = regex.compile("\n")
_FORM_FEED = regex.compile("\f")


class _Walker:
    """Builds the units of one document (line and page lookups computed once)."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.labels = dict(document.page_labels)
        self.newlines = [match.start() for match in _NEWLINE.finditer(document.source)]
        self.form_feeds = [match.start() for match in _FORM_FEED.finditer(document.source)]

    def articles(self) -> Iterator[ArticleUnit]:
        for article in self.document.articles:
            stack = tuple(self.paragraphs_of_stack(article))
            blocks = tuple(self.paragraphs_of_body(article))
            parts = stack + blocks
            page = min((part.page for part in parts), default=1)
            yield ArticleUnit(
                document=self.document.source_name,
                article=article.id,
                lines=(
                    min((p.lines[0] for p in parts), default=0),
                    max((p.lines[1] for p in parts), default=0),
                ),
                page=page,
                page_label=self.labels.get(page - 1),
                continued_from=article.continued_from,
                continues_on=article.continues_on,
                prev=article.prev,
                next=article.next,
                jumps=article.jumps,
                stack=stack,
                blocks=blocks,
            )

    def paragraphs(self) -> Iterator[TextUnit]:
        for article in self.document.articles:
            yield from self.paragraphs_of_stack(article)
            yield from self.paragraphs_of_body(article)

    def paragraphs_of_stack(self, article: Article) -> Iterator[TextUnit]:
        stack = (
            ("kicker", article.kicker),
            ("headline", article.headline),
            ("subheadline", article.subheadline),
            ("dateline", article.dateline),
            ("byline", article.byline),
        )
        for role, block in stack:
            if block is not None:
                yield self.paragraph(article, block, f"{article.id}.{role}", role)

    def paragraphs_of_body(self, article: Article) -> Iterator[TextUnit]:
        for number, block in enumerate(article.blocks, 1):
            yield self.paragraph(article, block, f"{article.id}.b{number}", block.kind.value)

    def paragraph(self, article: Article, block: Block, ident: str, role: str) -> TextUnit:
        text = block.text
        return TextUnit(
            unit="paragraph",
            document=self.document.source_name,
            article=article.id,
            block=ident,
            sentence=None,
            role=role,
            level=block.level if role == "heading" else None,
            text=text,
            offsets=offsets(block.pieces),
            runs=tuple(offset_runs(block.pieces)),
            lines=(block.first_line, block.last_line),
            page=block.page + 1,
            page_label=self.labels.get(block.page),
            continued_from=article.continued_from,
            continues_on=article.continues_on,
            in_block=(0, len(text)),
        )

    def sentences(self, ruleset: RuleSet) -> Iterator[TextUnit]:
        for paragraph in self.paragraphs():
            spans = sentence_spans(paragraph.text, ruleset.punctuation)
            for number, (start, end) in enumerate(spans, 1):
                sentence_offsets = paragraph.offsets[start:end]
                mapped = [offset for offset in sentence_offsets if offset is not None]
                lines, page = paragraph.lines, paragraph.page
                if mapped:
                    lines = (self.line(mapped[0]), self.line(mapped[-1]))
                    page = self.page(lines[0])
                yield TextUnit(
                    unit="sentence",
                    document=paragraph.document,
                    article=paragraph.article,
                    block=paragraph.block,
                    sentence=f"{paragraph.block}.s{number}",
                    role=paragraph.role,
                    level=paragraph.level,
                    text=paragraph.text[start:end],
                    offsets=sentence_offsets,
                    runs=tuple(slice_runs(paragraph.runs, start, end)),
                    lines=lines,
                    page=page,
                    page_label=self.labels.get(page - 1),
                    continued_from=paragraph.continued_from,
                    continues_on=paragraph.continues_on,
                    in_block=(start, end),
                )

    def line(self, offset: int) -> int:
        """The 1-based line of a source offset."""
        return bisect.bisect_left(self.newlines, offset) + 1

    def page(self, line: int) -> int:
        """The 1-based page of a line with text, counted as :func:`reflow.source.split_lines` counts it:
        the form feeds up to the end of the line."""
        end = self.newlines[line - 1] if line <= len(self.newlines) else len(self.document.source)
        return bisect.bisect_left(self.form_feeds, end) + 1


def iter_articles(document: Document) -> Iterator[ArticleUnit]:
    """The articles of ``document`` in order, each with its stack and blocks as paragraph units."""
    return _Walker(document).articles()


def iter_paragraphs(document: Document) -> Iterator[TextUnit]:
    """Every block of every article in reading order: the headline stack's parts, then the body.

    Furniture (running heads, page numbers) and jump markers are left out.
    """
    return _Walker(document).paragraphs()


def iter_sentences(document: Document, ruleset: RuleSetLike | None = None) -> Iterator[TextUnit]:
    """Every sentence of every block of :func:`iter_paragraphs`, split with the punctuation of ``ruleset``
    (by default the built-in rule set the document was converted with; see :mod:`reflow.sentences`).

    A sentence's text is a slice of its block's text (``in_block``), and a block's sentences join back to
    it exactly; ``lines`` and ``page`` are those of its own first and last source characters.
    """
    rules = _ruleset(document.ruleset if ruleset is None else ruleset)
    return _Walker(document).sentences(rules)
