"""Break passes: for each gap between two consecutive non-blank lines, decide paragraph break or join.

Each pass in :data:`reflow.stages.BREAK_PASSES` looks at one gap and either decides it or passes; the
first decision wins and is tagged with the pass name. The passes only *propose*; :mod:`reflow.assemble`
applies the decisions.

Widths are judged against the *full-line width* of the region around a line: the smoothed mode of the
widths of the ``layout.window`` non-blank lines around it, since column widths change between articles.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import regex

from reflow.model import Line, Piece
from reflow.ruleset import RuleSet
from reflow.shadow import Shadow
from reflow.stages import BREAK_PASSES
from reflow.width import display_width

#: Lines wider than the ordinary full lines of their region (their upper quartile, or the column width)
#: by more than two CJK characters of squeezed punctuation are *wide*: headlines and subtitles spanning
#: several columns.
WIDE_SLACK = 4
#: A word or number, a run of one punctuation mark (—— …… are never split), or one character.
_LATIN_OR_DIGIT = regex.compile(r"[\p{Latin}\p{N}]")
_FIRST_TOKEN = regex.compile(r"(?:[\p{Latin}\p{N}][\p{Latin}\p{N}\p{Pd}.,%'’]*|(\p{P})\1+|\X)")


@dataclass(frozen=True, slots=True)
class Gap:
    """Two consecutive non-blank lines and what lies between them."""

    before: Line
    after: Line
    before_text: str
    after_text: str
    blank_lines: int
    page_break: bool
    region: Region
    paragraph_start: bool  # ``before`` is the first line of a paragraph
    standalone: bool  # either line must stand alone (a continuation marker)
    under_headline: bool  # the line above ``before`` is a headline line (a cue, or short above a subtitle)
    after_fill: float | None = None  # width of ``after`` plus the first token of the line below it


@dataclass(frozen=True, slots=True)
class Decision:
    """The verdict on one gap: ``join`` or not, and the pass that decided."""

    join: bool
    rule: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Region:
    """What the lines around a line say about the column they are set in.

    ``width`` is the full-line width (smoothed mode); ``established`` says at least three lines share it,
    so "a full line ending in a full stop still continues" can be trusted; ``unwrapped`` says most full
    lines end a sentence, i.e. the text is one paragraph per line, not hard-wrapped at a column width.
    """

    width: float
    established: bool
    unwrapped: bool
    widest: float = 0.0  # upper quartile of the full lines' widths
    support: int = 0  # how many lines around are at the column width
    inner_width: float | None = None  # the width of filled lines inside paragraphs, when five agree


def regions(
    lines: Sequence[Line],
    texts: Sequence[str],
    window: int,
    rules: BreakRules,
    aside: Sequence[bool] = (),
) -> list[Region]:
    """The :class:`Region` of each line of ``lines`` (all non-blank), from the lines around it.

    Lines flagged in ``aside`` (markers, headline-like lines) are no evidence of the column width.
    """
    if not lines:
        return []
    chunk = max(1, window // 2)
    found: list[Region] = []
    aside_flags = [k < len(aside) and aside[k] for k in range(len(texts))]
    finished = [rules.finished(text) or aside_flags[k] for k, text in enumerate(texts)]
    for start in range(0, len(lines), chunk):
        low, high = max(0, start - chunk), min(len(lines), start + 2 * chunk)
        found.append(_region(lines, texts, finished, aside_flags, range(low, high), rules))
    return [found[i // chunk] for i in range(len(lines))]


def _region(
    lines: Sequence[Line],
    texts: Sequence[str],
    finished: Sequence[bool],
    aside: Sequence[bool],
    near: range,
    rules: BreakRules,
) -> Region:
    """Estimate the column width from the lines ``near``.

    The width shows in lines broken mid-sentence (lines ending a sentence prove nothing), best in those
    whose successor starts with a short token (they were filled to the brim). A line after a sentence end
    is probably a paragraph's first line and has lost its indent: its width is corrected by it, and it
    counts for less, since a sentence may also end at the end of a line inside a paragraph. Closing marks
    squeezed in at a line end do not count: they may overflow the column.
    """
    indent = 2 * rules.ruleset.layout.first_line_indent
    broken = [k for k in near if k + 1 < len(lines) and not finished[k]]
    if not broken:
        return Region(float(max(lines[k].width for k in near)), established=False, unwrapped=True)
    evidence: dict[float, float] = defaultdict(float)
    inner: list[float] = []  # widths of filled lines inside paragraphs: no indent correction needed
    for k in broken:
        first = k == 0 or finished[k - 1]
        tight = rules.token_width(texts[k + 1]) <= 2  # one CJK character: the line was filled to the brim
        weight = (0.4 if first else 1.0) * (1.0 if tight else 0.25)
        measured = rules.unsqueezed_width(lines[k], texts[k])
        evidence[float(measured + (indent if first else 0))] += weight
        if tight and not first:
            inner.append(float(measured))
    width = _smoothed_mode(evidence)
    at_width = sum(1 for k in near if width - 2 <= lines[k].width <= width + WIDE_SLACK)
    least = width * rules.ruleset.layout.full_ratio
    full = [k for k in near if k + 1 < len(lines) and lines[k].width >= least]
    ending = sum(1 for k in full if finished[k])
    ordinary = sorted(lines[k].width for k in near if lines[k].width >= least and not aside[k])
    widest = max(width, float(ordinary[(3 * (len(ordinary) - 1)) // 4])) if ordinary else width
    # one paragraph per line: most full lines end a sentence, and so do most lines
    candidates = [k for k in near if k + 1 < len(lines)]
    unwrapped = len(full) >= 4 and ending >= 0.75 * len(full) and len(broken) <= 0.25 * len(candidates)
    inner_width = _smoothed_mode({w: float(inner.count(w)) for w in set(inner)})
    return Region(
        width,
        established=at_width >= 3,
        unwrapped=unwrapped,
        widest=widest,
        support=at_width,
        inner_width=inner_width if len(inner) >= 5 else None,
    )


def _smoothed_mode(counts: Mapping[float, float]) -> float:
    """The width with the most lines within ±2 columns of it (ties: the wider)."""
    best_width, best_score = 0.0, -1.0
    for width in counts:
        score = sum(counts.get(width + d, 0) * (1.0 if d == 0 else 0.5) for d in (-2, -1, 0, 1, 2))
        if score > best_score or (score == best_score and width > best_width):
            best_width, best_score = width, score
    return float(best_width)


class BreakRules:
    """The break passes of one rule set, as methods named after their dotted pass names."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        punct = ruleset.punctuation
        self.no_line_start = frozenset(punct.no_line_start)
        self.no_line_end = frozenset(punct.no_line_end)
        self.mid_sentence = frozenset(punct.mid_sentence)
        self.no_start_chars = punct.no_line_start
        self.no_end_chars = punct.no_line_end
        self._token_widths: dict[str, int] = {}
        self.shadow = Shadow(ruleset.matching.shadow)
        self.datelines = [rule for rule in ruleset.datelines if ruleset.enabled(rule.name)]
        self.passes: list[tuple[str, Callable[[Gap], Decision | None]]] = [
            (name, getattr(self, name.replace(".", "_"))) for name in BREAK_PASSES if ruleset.enabled(name)
        ]

    def decide(self, gap: Gap) -> Decision:
        for _name, rule in self.passes:
            decision = rule(gap)
            if decision is not None:
                return decision
        return Decision(True, "breaks.continue", "no pass broke the line")

    # --- measures -------------------------------------------------------------------------------
    def finished(self, text: str) -> bool:
        """Does ``text`` end like a paragraph can end (terminal mark, closers, or a lead-in ending)?"""
        return self.ruleset.punctuation.ends_paragraph(text)

    def expected_width(self, gap: Gap) -> float:
        indent = 2 * self.ruleset.layout.first_line_indent if gap.paragraph_start else 0
        return max(1.0, gap.region.width - indent)

    @staticmethod
    def is_wide(line: Line, gap: Gap) -> bool:
        return line.width > max(gap.region.width, gap.region.widest) + WIDE_SLACK

    def unsqueezed_width(self, line: Line, text: str) -> int:
        """Width of a line without the closing marks squeezed in at its end (they may overflow)."""
        tail = len(text) - len(text.rstrip(self.no_start_chars))
        if not tail:
            return line.width
        return line.width - display_width(text[-tail:], ambiguous_wide=self.ruleset.layout.ambiguous_wide)

    def token_width(self, text: str) -> int:
        """Display width of the first unbreakable token of ``text`` (a word, a number, or a character
        with the opening marks before it); marks that may not start a line are left out, since they
        could have been squeezed onto the line above."""
        known = self._token_widths.get(text)
        if known is None:
            known = self._token_widths[text] = self._measure_token(text)
        return known

    def _measure_token(self, text: str) -> int:
        opening = len(text) - len(text.lstrip(self.no_end_chars))
        token = _FIRST_TOKEN.match(text, opening)
        head = text[: token.end()] if token else text[: opening + 1]
        return display_width(head, ambiguous_wide=self.ruleset.layout.ambiguous_wide)

    def fill(self, gap: Gap) -> float:
        """Width of the line plus the first token of the next: what the line would need to take it.

        A line is *full* when the next line's first word (or character) would not have fitted on it;
        measuring that, rather than the bare width, copes with Latin words and digits in CJK columns.
        """
        sep = 1 if gap.after_text[:1].isascii() and gap.before_text[-1:].isascii() else 0
        return gap.before.width + sep + self.token_width(gap.after_text)

    def is_full(self, gap: Gap, *, sentence_end: bool = False) -> bool:
        """Would the next line's first token not have fitted on ``before``?

        Judged with ``layout.full_ratio`` slack for measuring (digits, Latin letters, squeezed marks),
        and with the stricter ``layout.sentence_end_ratio`` when a sentence ends there, since then the
        answer decides whether the paragraph ends.
        """
        subtitle = gap.under_headline and self.ruleset.headlines.subtitle.search(self.shadow(gap.before_text))
        if subtitle or self.is_wide(gap.before, gap):
            # a wide line (spanning headline, subtitle) is full only if the next line is wide too; so is
            # a subtitle under a headline, whose column is its own
            return self.is_wide(gap.after, gap)
        layout = self.ruleset.layout
        ratio = layout.sentence_end_ratio if sentence_end else layout.full_ratio
        return self.fill(gap) > self.expected_width(gap) * ratio

    # --- passes, in the order of reflow.stages.BREAK_PASSES -------------------------------------
    def headline_like(self, text: str) -> bool:
        """A two-phrase headline: never evidence of the column width."""
        return bool(self.ruleset.headlines.cue.search(self.shadow(text)))

    def breaks_standalone(self, gap: Gap) -> Decision | None:
        if gap.standalone:
            return Decision(False, "breaks.standalone", "a continuation marker stands alone")
        cue = self.ruleset.headlines.cue
        after = self.shadow(gap.after_text)
        if cue.search(self.shadow(gap.before_text)) or cue.search(after):
            return Decision(False, "breaks.standalone", "a headline line stands alone")
        if any(rule.pattern.match(after) for rule in self.datelines):
            return Decision(False, "breaks.standalone", "a dateline starts a paragraph")
        return None

    def breaks_unwrapped(self, gap: Gap) -> Decision | None:
        # across a blank line the column-break test still decides: text broken mid-sentence at a blank
        # line is wrapped text, whatever the lines around it look like
        if gap.blank_lines or gap.page_break:
            return None
        if gap.region.unwrapped or gap.before.width > self.ruleset.layout.max_line_width:
            return Decision(False, "breaks.unwrapped", "text is one paragraph per line here")
        return None

    def breaks_no_line_start(self, gap: Gap) -> Decision | None:
        if gap.after_text[:1] in self.no_line_start:
            return Decision(True, "breaks.no_line_start", f"next line starts with {gap.after_text[:1]!r}")
        return None

    def breaks_no_line_end(self, gap: Gap) -> Decision | None:
        if gap.before_text[-1:] in self.no_line_end:
            return Decision(True, "breaks.no_line_end", f"line ends with {gap.before_text[-1:]!r}")
        return None

    def breaks_mid_sentence(self, gap: Gap) -> Decision | None:
        if (gap.blank_lines or gap.page_break) and gap.before_text[-1:] in self.mid_sentence:
            mark = gap.before_text[-1:]
            return Decision(True, "breaks.mid_sentence", f"break after {mark!r} in mid-sentence")
        return None

    def first_line_like(self, gap: Gap) -> bool | None:
        """Is ``after`` as short as a first line that lost its indent (None: cannot tell)?

        A line inside a paragraph is filled to the column width: the first word of the line below
        did not fit. A first line is shorter by the indent the extraction dropped.
        """
        indent = 2 * self.ruleset.layout.first_line_indent
        inner = gap.region.inner_width
        # telling a first line by two characters needs a column width that many lines agree on, measured
        # on lines inside paragraphs (not corrected for an indent they may or may not have lost)
        if not indent or gap.after_fill is None or gap.region.support < 8 or self.finished(gap.after_text):
            return None
        if inner is not None and gap.after_fill <= min(inner, gap.region.width) - indent / 2:
            return True
        # the next character surely did not fit (not told from lines with Latin words: they end early)
        widest = max(gap.region.width, gap.region.widest)
        if gap.after_fill >= widest + 2 and not _LATIN_OR_DIGIT.search(gap.after_text):
            return False
        return None

    def breaks_subtitle(self, gap: Gap) -> Decision | None:
        subtitle = self.ruleset.headlines.subtitle
        if subtitle.search(self.shadow(gap.after_text)) and not self.is_full(gap):
            return Decision(False, "breaks.subtitle", "a subtitle under a short line")
        if (
            gap.under_headline
            and subtitle.search(self.shadow(gap.before_text))
            and not (self.is_wide(gap.before, gap) and self.is_wide(gap.after, gap))
        ):
            return Decision(False, "breaks.subtitle", "a subtitle under a headline ends its stack")
        return None

    def breaks_column_break(self, gap: Gap) -> Decision | None:
        if (
            (gap.blank_lines or gap.page_break)
            and self.finished(gap.before_text)
            and self.is_full(gap, sentence_end=True)
            and self.first_line_like(gap) is False
        ):
            return Decision(
                True, "breaks.column_break", "column break after a full line; the next is no first line"
            )
        if (gap.blank_lines or gap.page_break) and self.is_full(gap) and not self.finished(gap.before_text):
            kind = "page" if gap.page_break else "column"
            return Decision(True, "breaks.column_break", f"{kind} break after a full, unfinished line")
        return None

    def breaks_blank_line(self, gap: Gap) -> Decision | None:
        if gap.blank_lines or gap.page_break:
            return Decision(False, "breaks.blank_line", "blank line" if gap.blank_lines else "page break")
        return None

    def breaks_short_line(self, gap: Gap) -> Decision | None:
        if self.is_wide(gap.before, gap):
            if self.is_wide(gap.after, gap) and not self.finished(gap.before_text):
                return None
            return Decision(
                False, "breaks.short_line", "a wide line above narrower ones, or ending a sentence"
            )
        if self.fill(gap) < gap.region.width * self.ruleset.layout.very_short_ratio:
            return Decision(False, "breaks.short_line", "very short line")
        if self.finished(gap.before_text):
            if not self.is_full(gap, sentence_end=True):
                return Decision(False, "breaks.short_line", "short line ending a sentence")
            if not gap.region.established:
                return Decision(False, "breaks.short_line", "line ends a sentence; no column width to tell")
        return None

    def breaks_lost_indent(self, gap: Gap) -> Decision | None:
        if self.finished(gap.before_text) and self.first_line_like(gap):
            return Decision(False, "breaks.lost_indent", "next line is short by the lost paragraph indent")
        return None

    def breaks_indent(self, gap: Gap) -> Decision | None:
        if gap.after.indent > gap.before.indent + 1 and gap.after.indent >= 2:
            return Decision(False, "breaks.indent", "next line indented")
        return None


def _fill_below(
    k: int, content: Sequence[int], lines: Sequence[Line], texts: Sequence[str], rules: BreakRules
) -> float | None:
    """Width of content line ``k`` plus the first token of the next, when that token is short enough
    (a character or two) for the sum to show how full the line was; None otherwise."""
    if k + 1 >= len(content):
        return None
    token = rules.token_width(texts[content[k + 1]])
    if token > 4:
        return None
    return rules.unsqueezed_width(lines[content[k]], texts[content[k]]) + token


def decide_all(
    lines: Sequence[Line],
    pieces: Sequence[tuple[Piece, ...]],
    ruleset: RuleSet,
    standalone: frozenset[int] = frozenset(),
) -> tuple[list[int], list[Decision], list[Gap]]:
    """Indices of the non-blank lines, and one decision for each gap between consecutive ones (with the
    measured gap, which the line-role decoder reads as evidence)."""
    texts = ["".join(p.text for p in line_pieces) for line_pieces in pieces]
    content = [i for i, text in enumerate(texts) if text]
    rules = BreakRules(ruleset)
    aside = [i in standalone or rules.headline_like(texts[i]) for i in content]
    around = regions(
        [lines[i] for i in content], [texts[i] for i in content], ruleset.layout.window, rules, aside
    )
    decisions: list[Decision] = []
    gaps: list[Gap] = []
    paragraph_start = True
    for k in range(len(content) - 1):
        i, j = content[k], content[k + 1]
        gap = Gap(
            before=lines[i],
            after=lines[j],
            before_text=texts[i],
            after_text=texts[j],
            blank_lines=j - i - 1,
            page_break=lines[j].page != lines[i].page,
            region=around[k],
            paragraph_start=paragraph_start,
            standalone=i in standalone or j in standalone,
            under_headline=k > 0 and (aside[k - 1] or decisions[-1].rule == "breaks.subtitle"),
            after_fill=_fill_below(k + 1, content, lines, texts, rules),
        )
        decision = rules.decide(gap)
        decisions.append(decision)
        gaps.append(gap)
        paragraph_start = not decision.join
    return content, decisions, gaps
