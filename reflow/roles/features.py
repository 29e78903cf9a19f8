"""Line evidence: every non-blank line of a page as a set of named features the decoder weighs.

A feature is a short name (``w<0.6``, ``end:terminal``, ``cue:caption``, ``old_above:breaks.blank_line``)
that holds for the line. What a feature *means* for each role is not written here: it is a weight in
the rule set (``[roles.weights]``), fitted on corrected pages. Features come from five kinds of evidence:

- geometry: width against the column width of the region, the fit test of the break passes, blank lines
  and page breaks around, position at the top or bottom of a page, indentation;
- punctuation: how the line starts and ends (GB/T 15834 marks, from the rule set's punctuation tables),
  and whether it leaves a paired mark open or closes one opened above;
- patterns of the rule files: markers, end cues, headings, datelines, headline and subtitle cues, and the
  ``[[cues]]`` table, whose patterns exist only to be evidence here;
- the page: the pass-by-pass break decision on each side, word overlap between a short line and the text
  around it (a headline's words recur in its body), lines that repeat on several pages (running heads),
  a line whose first character makes with the last one above a pair the page prints elsewhere (the text
  goes on across the line end);
- the run: the lines between two places where a paragraph could end, its length and how it ends, and the
  patterns matched on its lines glued together (a heading wrapped over two lines matches only as a whole).

Pair features (the previous line's role, with what lies between the two lines) are named by
:func:`pair_features`.
"""

from __future__ import annotations

import bisect
import itertools
import sys
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import regex

from reflow.breaks import BreakRules, Decision, Gap
from reflow.model import Line
from reflow.ruleset import Prefilter, RuleSet

_BIGRAM = regex.compile(r"(?=([\p{Han}\p{L}\p{N}]{2}))")
_DIGITS = regex.compile(r"\p{N}+")
_BLANKS = regex.compile(r"[\s\u3000]+")
_INNER_SPACE = regex.compile(r"\S[ \u3000]+\S")
_HAN_SPACE_HAN = regex.compile(r"[\p{Han}“”《》]\s+[\p{Han}“”《》]")
_LATIN_OR_DIGIT = regex.compile(r"[\p{Latin}\p{N}]")
_HAN = regex.compile(r"\p{Han}")
_HAN_BIGRAM = regex.compile(r"(?=(\p{Han}\p{Han}))")
#: How far (in non-blank lines) a short line looks for its words in the text around it.
OVERLAP_WINDOW = 30
#: Lines longer than this (in characters) are not checked for overlap: they are body text.
OVERLAP_MAX_LENGTH = 48
_LENGTHS = ((4, "len<=4"), (8, "len<=8"), (14, "len<=14"), (22, "len<=22"), (32, "len<=32"))
_RATIOS = ((0.35, "w<0.35"), (0.6, "w<0.6"), (0.8, "w<0.8"), (0.95, "w<0.95"))
#: The line ends (of :func:`_shape`) where a paragraph can end.
_FINISHED = ("end:terminal", "end:lead_in")


@dataclass(frozen=True, slots=True)
class LineEvidence:
    """The features of one non-blank line, and how it is separated from the non-blank line before it.

    ``gap`` is ``start`` (first line), ``tight``, ``blank`` (blank lines between) or ``page`` (a page
    break); ``old`` is the pass-by-pass decision on the gap above (``join``/``break``; ``start``).
    """

    index: int
    features: tuple[str, ...]
    gap: str
    old: str


def pair_features(previous: str, gap: str, old: str) -> tuple[str, str, str]:
    """Names of the features that join a line to the role of the line before it."""
    return f"prev={previous}", f"prev={previous}&{gap}", f"prev={previous}&old={old}"


_Rule = TypeVar("_Rule")


def _kept(group: Sequence[_Rule], start: int, may: set[int]) -> list[_Rule]:
    """The rules of ``group`` (numbered from ``start``) that the prefilter left as candidates."""
    return [rule for k, rule in enumerate(group, start) if k in may]


class _Patterns:
    """The rule set's patterns, compiled once, matched on the shadow copy of a line (a prefilter first
    tells which can match at all: most lines of body text match none)."""

    def __init__(self, ruleset: RuleSet, rules: BreakRules) -> None:
        on = ruleset.enabled
        self.shadow = rules.shadow
        self.line_markers = [r for r in ruleset.markers if on(r.name) and r.placement == "line"]
        self.glued_markers = [r for r in ruleset.markers if on(r.name) and r.placement != "line"]
        self.end_cues = [r for r in ruleset.end_cues if on(r.name)]
        self.headings = [r for r in ruleset.headings if on(r.name)]
        self.datelines = [r for r in ruleset.datelines if on(r.name)]
        self.cues = [r for r in ruleset.cues if on(r.name)]
        self.headlines = ruleset.headlines
        self.punctuation = ruleset.punctuation
        groups = (
            self.line_markers,
            self.glued_markers,
            self.end_cues,
            self.headings,
            self.datelines,
            self.cues,
        )
        every = [r.pattern for group in groups for r in group]
        self.offsets = list(itertools.accumulate((len(group) for group in groups), initial=0))
        self.prefilter = Prefilter([*every, self.headlines.cue, self.headlines.subtitle])
        self.count = len(every)

    def features(self, text: str) -> list[str]:
        folded = self.shadow(text)
        candidates = self.prefilter.candidates(folded)
        if not candidates:
            return []
        stripped = folded.strip()
        found: list[str] = []
        may = set(candidates)
        at = self.offsets
        line_markers = _kept(self.line_markers, at[0], may)
        glued_markers = _kept(self.glued_markers, at[1], may)
        end_cues = _kept(self.end_cues, at[2], may)
        headings = _kept(self.headings, at[3], may)
        datelines = _kept(self.datelines, at[4], may)
        cues = _kept(self.cues, at[5], may)
        if any(r.pattern.search(folded) for r in line_markers):
            found.append("marker")
        if any(r.pattern.search(folded) for r in glued_markers):
            found.append("marker_glued")
        for cue in end_cues:
            match = cue.pattern.search(folded)
            if match:
                found.append("end_cue_line" if match.group().strip() == stripped else "end_cue_in")
                break
        finished = self.punctuation.ends_paragraph(text)
        for heading in headings:
            if heading.pattern.search(folded):
                short = len(text) <= heading.max_length and not finished
                found.append(f"heading:{heading.name.removeprefix('headings.')}" + ("" if short else ":long"))
        for rule in datelines:
            match = rule.pattern.match(folded)
            if match and match.group().strip():
                rest = len(stripped) - len(match.group().strip())
                found.append("dateline_line" if rest <= 2 else "dateline_start")
                break
        if self.count in may and self.headlines.cue.search(folded):
            found.append("headline_cue")
        if self.count + 1 in may and self.headlines.subtitle.search(folded):
            found.append("subtitle_cue")
        found.extend(f"cue:{r.name.removeprefix('cues.')}" for r in cues if r.pattern.search(folded))
        return found


def _length(text: str) -> str:
    """The length bucket of a text in characters (spaces not counted)."""
    length = len(_BLANKS.sub("", text))
    return next((name for limit, name in _LENGTHS if length <= limit), "len>32")


def fills(features: Collection[str]) -> bool:
    """The features say the line is filled to the column (or spans columns)."""
    return "full" in features or "wide" in features


def _shape(text: str, rules: BreakRules) -> list[str]:
    """How the line starts and ends, and how long it is in characters."""
    found = []
    punct = rules.ruleset.punctuation
    last, first = text[-1:], text[:1]
    if rules.finished(text):
        found.append("end:terminal" if last in punct.terminal or last in punct.closers else "end:lead_in")
    elif last in rules.mid_sentence:
        found.append("end:mid")
    elif last in rules.no_line_end:
        found.append("end:open")
    elif last in punct.closers:
        found.append("end:closer")
    else:
        found.append("end:open_text")
    if first in rules.no_line_start:
        found.append("start:closer")
    elif first in rules.no_line_end:
        found.append("start:opener")
    if text.startswith("——"):
        found.append("start:dash")
    # paired marks (GB/T 15834) left open on the line, or closed that opened above: the text goes on
    opened = sum(text.count(mark) for mark in punct.no_line_end)
    closed = sum(text.count(mark) for mark in punct.closers if mark not in "\"'")
    if opened != closed:
        found.append("brackets:unclosed" if opened > closed else "brackets:unopened")
    if _INNER_SPACE.search(text):
        found.append("inner_space")
    marks = rules.mid_sentence | set(punct.terminal)
    if any(mark in marks for mark in text.rstrip()[:-1]):
        found.append("inner_punct")  # a pause or a stop inside the line: prose (a title rarely has one)
    if _HAN_SPACE_HAN.search(text):
        found.append("han_space_han")  # two phrases of Han text: a headline set in two parts
    if _LATIN_OR_DIGIT.search(text):
        found.append("latin")  # Latin letters and digits make widths less telling
    bucket = _length(text)
    if "inner_punct" in found:
        found.append(f"inner_punct&{bucket}")
    found.append(bucket)
    return found


def _geometry(line: Line, gap: Gap | None, below: Gap | None, rules: BreakRules) -> list[str]:
    """Width against the column (first, when measured), fullness, indentation."""
    found = []
    measured = below or gap
    if measured is not None:
        region = measured.region
        ratio = line.width / max(1.0, region.width)
        if below is not None and rules.is_wide(line, below):
            found.append("wide")
        else:
            found.append(next((name for limit, name in _RATIOS if ratio < limit), "w>=0.95"))
        if below is not None:
            if rules.is_full(below):
                found.append("full")
            if rules.is_full(below, sentence_end=True):
                found.append("full_strict")
        if not region.established:
            found.append("no_column")
    if line.indent >= 2:
        found.append("indented")
    return found


def _bigrams(text: str) -> set[str]:
    return set(_BIGRAM.findall(text))


def _overlaps(texts: Sequence[str]) -> list[tuple[float, float]]:
    """For each short line, the share of its bigrams found in the lines after and before it."""
    grams = [_bigrams(t) if len(t) <= OVERLAP_MAX_LENGTH else set() for t in texts]
    where: dict[str, list[int]] = defaultdict(list)  # bigram -> lines it is on, in order
    for k, text in enumerate(texts):
        for gram in grams[k] or _bigrams(text):
            where[gram].append(k)
    result = []
    for k, own in enumerate(grams):
        if not own:
            result.append((0.0, 0.0))
            continue
        after = before = 0
        for gram in own:
            lines = where[gram]
            at = bisect.bisect_left(lines, k)
            after += at + 1 < len(lines) and lines[at + 1] <= k + OVERLAP_WINDOW
            before += at > 0 and lines[at - 1] >= k - OVERLAP_WINDOW
        result.append((after / len(own), before / len(own)))
    return result


def _junctions(texts: Sequence[str]) -> list[bool]:
    """For each line, whether the last character of the line before it and its own first character (both
    Han) are a pair of characters the page prints inside a line somewhere: the line goes on a word or a
    phrase of the line above (a new paragraph or title starts one only by chance)."""
    pairs = {pair for text in texts for pair in _HAN_BIGRAM.findall(text)}
    found = [False]
    for above, text in itertools.pairwise(texts):
        last, first = above.rstrip()[-1:], text.lstrip()[:1]
        found.append(bool(_HAN.match(last) and _HAN.match(first)) and last + first in pairs)
    return found


def _repeated(lines: Sequence[Line], texts: Sequence[str], rules: BreakRules) -> list[bool]:
    """Lines whose text (digits aside) is printed on more than one page: running heads."""
    keys = [_DIGITS.sub("#", _BLANKS.sub("", rules.shadow(t))) for t in texts]
    pages: dict[str, set[int]] = defaultdict(set)
    for key, line in zip(keys, lines, strict=True):
        if len(key) <= OVERLAP_MAX_LENGTH:
            pages[key].add(line.page)
    return [len(pages.get(key, ())) >= 2 for key in keys]


def _page_style(ending: Sequence[str], gaps: Sequence[Gap]) -> str:
    """How the page's blocks end: the share of lines above a blank line that end a sentence (a daily's
    prose ends its paragraphs with a stop; notices and lists often do not)."""
    above_blank = [ending[k] for k, gap in enumerate(gaps) if gap.blank_lines and not gap.page_break]
    if len(above_blank) < 4:
        return "style:few"
    share = sum(end in _FINISHED for end in above_blank) / len(above_blank)
    return "style:stops" if share >= 0.8 else "style:mixed" if share >= 0.5 else "style:open"


def _segments(geometry: Sequence[Sequence[str]], ending: Sequence[str], gaps: Sequence[Gap]) -> list[range]:
    """The page's lines cut where a paragraph could end: after a line that does not fill its column, that
    ends a sentence, or that has a blank line or a page break under it. A short run that ends without a
    stop is a title wrapped over lines (a heading, a headline) as often as it is a paragraph's end."""
    runs: list[range] = []
    first = 0
    for k in range(len(geometry)):
        below = gaps[k] if k < len(gaps) else None
        goes_on = (
            below is not None
            and not below.blank_lines
            and not below.page_break
            and fills(geometry[k])
            and ending[k] not in _FINISHED
        )
        if not goes_on:
            runs.append(range(first, k + 1))
            first = k + 1
    return runs


def _glued(texts: Sequence[str]) -> str:
    """The lines of a run as one text (no space between Han characters, one between words)."""
    out = ""
    for text in texts:
        text = text.strip()
        if out and _LATIN_OR_DIGIT.match(out[-1]) and _LATIN_OR_DIGIT.match(text[:1]):
            out += " "
        out += text
    return out


def _side(gap: Gap | None, edge: str) -> str:
    """What separates a line from its neighbour on one side: the document's edge, a page break, blank
    lines or nothing."""
    if gap is None:
        return edge
    return "page" if gap.page_break else "blank" if gap.blank_lines else "tight"


def evidence(
    lines: Sequence[Line],
    texts: Sequence[str],
    content: Sequence[int],
    decisions: Sequence[Decision],
    gaps: Sequence[Gap],
    ruleset: RuleSet,
    passes: Mapping[int, str],
) -> list[LineEvidence]:
    """The evidence for each non-blank line ``content[k]`` (``texts`` are the normalised line texts).

    ``decisions`` and ``gaps`` are the break passes' verdicts and measures of the gaps between
    consecutive non-blank lines (``k - 1`` is the gap above line ``k``); ``passes`` the role each line
    number has in the pass-by-pass reading (``read:<role>``).
    """
    rules = BreakRules(ruleset)
    patterns = _Patterns(ruleset, rules)
    own = [texts[i] for i in content]
    content_lines = [lines[i] for i in content]
    overlaps = _overlaps(own)
    junctions = _junctions(own)
    repeated = _repeated(content_lines, own, rules)
    shapes = [_shape(t, rules) for t in own]
    matched = [patterns.features(t) for t in own]
    found: list[LineEvidence] = []
    last = len(content) - 1
    geometry = [
        _geometry(lines[index], gaps[k - 1] if k > 0 else None, gaps[k] if k < last else None, rules)
        for k, index in enumerate(content)
    ]
    ending = [next(name for name in shape if name.startswith("end:")) for shape in shapes]
    read = [f"read:{passes.get(lines[index].number, 'furniture')}" for index in content]
    conjunctions = [f"{g[0] if g else 'w?'}&{e}" for g, e in zip(geometry, ending, strict=True)]
    latin = [
        f"{g[0] if g else 'w?'}&latin" if "latin" in shape else ""
        for g, shape in zip(geometry, shapes, strict=True)
    ]
    style = _page_style(ending, gaps)
    run_features: list[list[str]] = [[] for _ in content]
    for run in _segments(geometry, ending, gaps):
        size = min(len(run), 4)
        glued = _glued([own[k] for k in run]) if len(run) > 1 else own[run[0]]
        bucket = _length(glued)
        # a title wrapped over lines matches its pattern only as a whole ("【订阅方式和加入编辑" / "部】")
        whole = patterns.features(glued) if len(run) > 1 and len(glued) <= OVERLAP_MAX_LENGTH else []
        end = ending[run[-1]]
        for k in run:
            place = "only" if len(run) == 1 else "first" if k == run[0] else "last" if k == run[-1] else "mid"
            run_features[k] = [
                f"run:{size}&{place}&{end}",
                f"run:{size}&{bucket}&{end}",
                *(f"run:{name}" for name in whole),
                *(f"run:{name}&{place}" for name in whole),
            ]
    for k, index in enumerate(content):
        above = gaps[k - 1] if k > 0 else None
        below = gaps[k] if k < last else None
        length = f"{shapes[k][-1]}&{ending[k]}"
        with_ending = [f"{name}&{ending[k]}" for name in matched[k]]
        features = [
            "bias",
            *shapes[k],
            *matched[k],
            *with_ending,
            *([latin[k]] if latin[k] else []),
            *geometry[k],
            conjunctions[k],
            length,
            read[k],
            *run_features[k],
        ]
        if above is None:
            features.append("doc_top")
            gap, old = "start", "start"
        else:
            gap = "page" if above.page_break else "blank" if above.blank_lines else "tight"
            old = "join" if decisions[k - 1].join else "break"
            features.append(f"old_above:{decisions[k - 1].rule}")
            if above.page_break:
                features.append("page_top")
            elif above.blank_lines:
                features.append("blank_above")
        if below is None:
            features.append("doc_end")
        else:
            features.append(f"old_below:{decisions[k].rule}")
            if below.page_break:
                features.append("page_bottom")
            elif below.blank_lines:
                features.append("blank_below")
        if above is not None and below is not None and above.blank_lines and below.blank_lines:
            features.append("isolated")
        context = f"{_side(above, 'top')}|{_side(below, 'end')}"
        features.append(f"ctx:{context}&{shapes[k][-1]}&{ending[k]}")
        features.append(f"ctx:{context}&{geometry[k][0] if geometry[k] else 'w?'}")
        if k > 0:  # how this page's text ends its paragraphs says what a blank line under a line means
            features.append(f"{style}&{_side(above, 'top')}&prev:{conjunctions[k - 1]}")
        for side, neighbour in (("prev", k - 1), ("next", k + 1)):
            if 0 <= neighbour <= last:
                features.extend(f"{side}:{name}" for name in geometry[neighbour] if name != "no_column")
                features.append(f"{side}:{conjunctions[neighbour]}")
                features.append(f"{side}:{read[neighbour]}")
                shape = (name for name in shapes[neighbour] if name.startswith(("end:", "len", "brackets:")))
                features.extend(f"{side}:{name}" for name in shape)
                features.extend(f"{side}:{name}" for name in matched[neighbour])
        for side, neighbour in (("prev2", k - 2), ("next2", k + 2)):
            # two lines away: a kicker is followed by a headline and then a subtitle or a dateline
            if 0 <= neighbour <= last:
                features.append(f"{side}:{shapes[neighbour][-1]}&{ending[neighbour]}")
                features.extend(f"{side}:{name}" for name in matched[neighbour])
        after, before = overlaps[k]
        for share, name in ((after, "overlap_next"), (before, "overlap_prev")):
            if share >= 0.6:
                features.append(f"{name}>=0.6")
            elif share >= 0.3:
                features.append(f"{name}>=0.3")
        if junctions[k]:
            features.extend(("junction", f"junction&{gap}"))
        if k < last and junctions[k + 1]:
            features.append("next:junction")
        if repeated[k]:
            features.append("repeats")
        # a page has a few thousand distinct feature names over many lines: one string object each
        found.append(LineEvidence(index, tuple(dict.fromkeys(map(sys.intern, features))), gap, old))
    return found
