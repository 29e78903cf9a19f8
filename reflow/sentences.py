"""Sentence splitting: a block's text cut into sentences; nothing is inserted or dropped.

The vocabulary is the rule set's ``[punctuation]`` table: ``terminal`` marks end a sentence and the
``closers`` right after them (closing quotes and brackets) stay with it. The mechanism:

- a run of terminal marks is one sentence end (``……``, ``？！``, ``?!``, ``...``), and the closers after
  it belong to the sentence that ends (``他说：“好。”`` | ``然后``), terminal marks after those closers
  too (``“好！”。``);
- a run with a non-ASCII mark (``。！？…``) ends the sentence where it stands: Chinese puts no space
  after one;
- a run of ASCII marks only (``.!?``) ends a sentence at the end of the text, or before blanks followed by
  anything but a lower-case letter, unless it is one ``.`` after a single capital letter (an initial,
  ``J. Smith``, ``U.S. Army``): ``938.4``, ``e.g. the`` and ``"Stop!" he said`` go on; a run other than
  a lone ``.`` also ends one right before a wide (CJK) character (``真的吗?!我``);
- the blanks after a sentence end belong to the sentence they follow, so the sentences tile the text.

>>> from reflow import load_ruleset
>>> zh = load_ruleset("zh-newspaper").punctuation
>>> split_sentences("他说：“好。”然后走了……真的？！达938.4亿元", zh)
['他说：“好。”', '然后走了……', '真的？！', '达938.4亿元']
>>> split_sentences("J. Smith arrived. He said: “Stop!” and left... Then?", load_ruleset("latin").punctuation)
['J. Smith arrived. ', 'He said: “Stop!” and left... ', 'Then?']

An abbreviation before a capital (``Mr. Smith``) ends a sentence: the rule sets list no abbreviations.
"""

from __future__ import annotations

import functools

import regex

from reflow.ruleset import PunctuationRules

__all__ = ["sentence_spans", "split_sentences"]

_BLANKS = regex.compile(r"\s*")
_WIDE = regex.compile(r"[\p{East_Asian_Width=Wide}\p{East_Asian_Width=Fullwidth}]")


@functools.lru_cache(maxsize=16)
def _ends(terminal: str, closers: str) -> regex.Pattern[str]:
    """A terminal mark and the terminal marks and closers after it (compiled once per punctuation table)."""
    marks = "".join(regex.escape(char) for char in terminal)
    closing = "".join(regex.escape(char) for char in closers)
    return regex.compile(f"[{marks}][{marks}{closing}]*")


def sentence_spans(text: str, punctuation: PunctuationRules) -> list[tuple[int, int]]:
    """``(start, end)`` offsets in ``text`` of each sentence, in order; they tile ``text`` exactly.

    >>> from reflow import load_ruleset
    >>> sentence_spans("好。”然后", load_ruleset("zh-newspaper").punctuation)
    [(0, 3), (3, 5)]
    """
    if not punctuation.terminal:
        return [(0, len(text))] if text else []
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _ends(punctuation.terminal, punctuation.closers).finditer(text):
        after = _BLANKS.match(text, match.end()).end()  # type: ignore[union-attr]
        marks = "".join(char for char in match.group() if char in punctuation.terminal)
        if _ends_here(text, match, marks, after):
            spans.append((start, after))
            start = after
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _ends_here(text: str, match: regex.Match[str], marks: str, after: int) -> bool:
    """Does the run ``match`` of terminal ``marks`` and closers, followed by blanks up to ``after``, end a
    sentence?"""
    if not marks.isascii() or after == len(text):
        return True
    if after == match.end():
        return marks != "." and _WIDE.match(text, after) is not None
    if text[after].islower():
        return False
    at = match.start()
    initial = (
        marks == "."
        and at >= 1
        and text[at - 1].isupper()
        and (at == 1 or text[at - 2].isspace() or text[at - 2] == ".")
    )
    return not initial


def split_sentences(text: str, punctuation: PunctuationRules) -> list[str]:
    """The sentences of ``text`` (see :func:`sentence_spans`); ``"".join(result) == text``."""
    return [text[start:end] for start, end in sentence_spans(text, punctuation)]
