"""Structure passes: paragraphs -> articles.

The passes, in order (each named, each switchable in a rule set):

1. ``markers.<name>``   continuation markers, whole lines or glued to a paragraph, kept as :class:`Jump`;
2. ``end_cues.<name>``  （完）, editor credits: removed from the body, they end an article;
3. ``headings.<name>``  numbered section headings;
4. ``datelines.<name>`` datelines opening a paragraph (applied to an article's first paragraph);
5. ``headlines.stack``  runs of short lines are headline stacks (kicker / headline / subtitle) when they
   carry a headline cue or stand at an article boundary, otherwise ``headings.subhead`` (one or two-line
   unnumbered subheads) or plain paragraphs;
6. ``articles.split``   article boundaries at markers, datelines, end cues, headline stacks, page breaks and
   lead-ins (an editor's note opens an article ahead of its dateline);
7. ``headlines.attach`` each stack goes to the neighbouring article whose text it shares most words with
   (a headline's words recur in its own body), not to a fixed side;
   ``headlines.regroup`` (decoded roles) gives the lines of stacks printed side by side, which pdftotext
   reads row by row, back to the article whose text shares their words;
8. ``articles.stitch``  the two halves of a jumped article found in one input are joined;
9. ``paragraphs.letter_spacing`` the spaces ``join.letter_spacing`` matches in a paragraph's text (a
   justified line's letter spacing) are deleted.

Every decision becomes an :class:`~reflow.model.Edit` naming its rule.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

import regex

from reflow import pieces as cutter
from reflow.model import Article, Block, BlockKind, Edit, Jump, Piece
from reflow.roles.decoder import RoleDecision
from reflow.ruleset import HeadlineRules, RulePattern, RuleSet
from reflow.shadow import Shadow
from reflow.width import display_width

_HAN_BIGRAM = regex.compile(r"(?=(\p{Han}\p{Han}))")
_WORD = regex.compile(r"(?:(?!\p{Han})[\p{L}\p{N}]){3,}")
_CHINESE_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


@dataclass(frozen=True, slots=True)
class Unit:
    """A block with the role the structure passes gave it."""

    block: Block
    role: str  # paragraph | heading | marker | end | short | stack
    last_page: int
    jumps: tuple[Jump, ...] = ()
    dateline: tuple[str, int, int, int, int] | None = None  # rule, dateline span, byline span (text offsets)
    ends_article: bool = False
    stack_role: str = ""  # kicker | headline | subtitle, for a stack line whose role the decoder chose
    note: str = ""  # the evidence of the decoded role


@dataclass(frozen=True, slots=True)
class Stack:
    """A headline stack: its member blocks in page order (and their decoded roles, when known)."""

    members: tuple[Block, ...]
    roles: tuple[str, ...] = ()
    #: printed inside a paragraph, which goes on after it: the stack does not split the article there
    inset: bool = False


@dataclass(slots=True)
class _Segment:
    units: list[Unit] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        return any(u.role in ("paragraph", "heading") for u in self.units)


class StructureRules:
    """The structure passes of one rule set, with its patterns matched on the shadow copy."""

    def __init__(
        self,
        ruleset: RuleSet,
        source: str,
        line_starts: Sequence[int] = (),
        *,
        line_roles: Mapping[int, RoleDecision] | None = None,
        joiner: Callable[[str, str], str] = lambda left, right: "",
    ) -> None:
        self.ruleset = ruleset
        self.line_roles = line_roles or {}
        self.joiner = joiner
        self.source = source
        self.line_starts = line_starts
        self.shadow = Shadow(ruleset.matching.shadow)
        on = ruleset.enabled
        self.markers = [r for r in ruleset.markers if on(r.name)]
        self.end_cues = [r for r in ruleset.end_cues if on(r.name)]
        self.headings = [r for r in ruleset.headings if on(r.name)]
        self.datelines = [r for r in ruleset.datelines if on(r.name)]

    def edit(
        self, rule: str, action: str, block_pieces: Sequence[Piece], block: Block, note: str = ""
    ) -> Edit:
        """An edit over ``block_pieces``; what a heading keeps in the body is not ``removed``."""
        start, end = cutter.span(block_pieces)
        removed = "" if action == "heading" else self.source[start:end]
        return Edit(rule, action, start, end, block.first_line, block.last_line, removed=removed, note=note)

    def trimmed(self, block: Block, pieces: tuple[Piece, ...]) -> Block:
        """``block`` reduced to ``pieces``, its line range shrunk to the lines they come from."""
        if not pieces or not self.line_starts:
            return replace(block, pieces=pieces)
        start, end = cutter.span(pieces)
        first = bisect.bisect_right(self.line_starts, start)
        last = bisect.bisect_right(self.line_starts, max(start, end - 1))
        return replace(block, pieces=pieces, first_line=first, last_line=last)

    def is_lead_in(self, block: Block) -> bool:
        """An editor's note or boxed summary ahead of an article's dateline (``headlines.lead_in``)."""
        return bool(self.ruleset.headlines.lead_in.search(self.shadow(block.text)))

    def finished(self, text: str) -> bool:
        return self.ruleset.punctuation.ends_paragraph(text)

    def glue(self, above: Block, below: Block, widest: int, *, pair: bool = False) -> str:
        """What joins a stack or heading line to the line of the same role below it: the join passes'
        glue when the line above is filled to the column, or to within a character of the widest line
        of the element (``widest``, display width), which is as wide as its box: one line wrapped; a
        space when it is shorter (a headline of two phrases, the first ended early). A line whose next
        one starts with a mark that may not start a line, or that may not end one, gave a character to
        it or took one from it, and counts as filled. A ``pair`` (a stack element of two lines) whose
        second line is as long as the first or longer is two phrases: a space."""
        if pair and self.width(above.text.strip()) <= self.width(below.text.strip()):
            # a line breaker fills a line before it starts the next: a title of two lines whose second
            # is as long or longer is two phrases set one to a line (小店开得好 / 街巷更兴旺)
            return " "
        decided = self.line_roles.get(above.last_line)
        if decided is not None and decided.full:
            return self.joiner(above.text, below.text)
        punct = self.ruleset.punctuation
        head = below.text.lstrip()[:1]
        slack = 2 + (2 if head and (head in punct.no_line_start or head in punct.no_line_end) else 0)
        if self.width(above.text.strip()) + slack > widest:
            return self.joiner(above.text, below.text)
        return " "

    def role_prefix(self, block: Block, role: str) -> int:
        """How much of ``block``'s text is on its first lines that have the decoded ``role`` (a byline
        line the paragraph under it was joined to keeps only its own line)."""
        if not self.line_starts:
            return len(block.text)
        length, kept = 0, 0
        for piece in block.pieces:
            if piece.end > piece.start:
                line = bisect.bisect_right(self.line_starts, piece.start)
                decided = self.line_roles.get(line)
                if decided is None or decided.role != role:
                    break
                kept = length + len(piece.text)
            length += len(piece.text)
        return kept or len(block.text)

    def width(self, text: str) -> int:
        return display_width(text, ambiguous_wide=self.ruleset.layout.ambiguous_wide)


def standalone_lines(pieces: Sequence[Sequence[Piece]], ruleset: RuleSet) -> frozenset[int]:
    """Indices of the lines that are a whole continuation marker: they never join a paragraph."""
    rules = StructureRules(ruleset, "")
    markers = [rule for rule in rules.markers if rule.placement == "line"]
    found = set()
    for index, line_pieces in enumerate(pieces):
        if line_pieces and len(line_pieces) <= 8:
            folded = rules.shadow("".join(p.text for p in line_pieces))
            if len(folded) <= 40 and any(rule.pattern.search(folded) for rule in markers):
                found.add(index)
    return frozenset(found)


def build(
    blocks: Sequence[Block],
    ruleset: RuleSet,
    *,
    source: str,
    line_starts: Sequence[int],
    line_pages: Sequence[int],
    page_labels: dict[int, str],
    joiner: Callable[[str, str], str] = lambda left, right: "",
    line_roles: Mapping[int, RoleDecision] | None = None,
) -> tuple[list[Article], list[Edit]]:
    """Turn the document's paragraphs into articles, recording every structural edit.

    ``joiner`` says what goes between the two halves of a paragraph cut by a jump (the join passes).
    ``line_roles`` are the decoded roles by line number: a block is what the role of its first line says
    (headings, stack lines, datelines, end cues); without them, runs of short blocks are judged here.
    """
    rules = StructureRules(ruleset, source, line_starts, line_roles=line_roles, joiner=joiner)
    edits: list[Edit] = []
    units = [
        _classify(block, rules, line_pages, edits, (line_roles or {}).get(block.first_line))
        for block in blocks
    ]
    if line_roles:
        items = _role_stacks(units, rules, edits)
        if ruleset.enabled("paragraphs.across_stack"):
            items = _inset_stacks(items, rules, edits)
    else:
        items = _resolve_short_runs(units, rules, edits)
    sequence = _split(items, rules, edits)
    articles = _attach_and_build(sequence, rules, edits)
    if ruleset.enabled("articles.stitch"):
        articles = _stitch(articles, page_labels, edits, rules)
    if ruleset.enabled("paragraphs.letter_spacing"):
        articles = [_without_letter_spacing(article, rules, edits) for article in articles]
    return articles, edits


# --- 1-4: classify each block ------------------------------------------------------------------------------


def _classify(
    block: Block,
    rules: StructureRules,
    line_pages: Sequence[int],
    edits: list[Edit],
    decided: RoleDecision | None = None,
) -> Unit:
    text = block.text
    folded = rules.shadow(text)
    last_page = line_pages[block.last_line - 1]
    jumps: list[Jump] = []
    for rule in rules.markers:
        match = rule.pattern.search(folded)
        if match is None:
            continue
        page = text[match.start("page") : match.end("page")] if match.groupdict().get("page") else ""
        marker = text[match.start() : match.end()]
        jump = Jump(rule.direction, page, block.first_line, marker.strip())
        if rule.placement == "line" or match.group().strip() == folded.strip():
            edits.append(
                rules.edit(rule.name, "marker", block.pieces, block, f"{rule.direction} page {page}")
            )
            return Unit(block, "marker", last_page, jumps=(jump,))
        kept = (0, match.start()) if rule.placement == "end" else (match.end(), len(text))
        edits.append(
            rules.edit(
                rule.name,
                "marker",
                cutter.cut(block.pieces, *match.span()),
                block,
                f"{rule.direction} page {page}",
            )
        )
        block = rules.trimmed(block, cutter.strip(cutter.cut(block.pieces, *kept)))
        text, folded = block.text, rules.shadow(block.text)
        jumps.append(jump)
    ends = False
    for cue in rules.end_cues:
        match = cue.pattern.search(folded)
        if match is None:
            continue
        if match.group().strip() == folded.strip():
            edits.append(rules.edit(cue.name, "end-cue", block.pieces, block))
            return Unit(block, "end", last_page, jumps=tuple(jumps), ends_article=True)
        if not folded[match.end() :].strip():
            edits.append(rules.edit(cue.name, "end-cue", cutter.cut(block.pieces, *match.span()), block))
            block = rules.trimmed(block, cutter.strip(cutter.cut(block.pieces, 0, match.start())))
            text, folded = block.text, rules.shadow(block.text)
            ends = True
    if decided is not None:
        return _by_role(block, decided, rules, last_page, tuple(jumps), ends, edits)
    for heading in rules.headings:
        if len(text) <= heading.max_length and not rules.finished(text) and heading.pattern.search(folded):
            edits.append(rules.edit(heading.name, "heading", block.pieces, block, f"level {heading.level}"))
            block = replace(block, kind=BlockKind.HEADING, level=heading.level, rule=heading.name)
            return Unit(block, "heading", last_page, jumps=tuple(jumps), ends_article=ends)
    dateline = _dateline(folded, rules)
    headlines = rules.ruleset.headlines
    short = not rules.finished(text) and (
        len(text) <= headlines.max_length
        or (len(text) <= headlines.subtitle_max_length and bool(headlines.subtitle.search(folded)))
    )
    role = "short" if short and dateline is None and not jumps else "paragraph"
    return Unit(block, role, last_page, jumps=tuple(jumps), dateline=dateline, ends_article=ends)


_STACK_ORDER = {"kicker": 0, "headline": 1, "subtitle": 2}


def _by_role(
    block: Block,
    decided: RoleDecision,
    rules: StructureRules,
    last_page: int,
    jumps: tuple[Jump, ...],
    ends: bool,
    edits: list[Edit],
) -> Unit:
    """The unit a block is, as the decoded role of its first line says (markers and end cues glued to
    the text were taken off already)."""
    role, why = decided.role, decided.explain()
    folded = rules.shadow(block.text)
    if role == "heading":
        heading = next((h for h in rules.headings if h.pattern.search(folded)), None)
        level, name = (heading.level, heading.name) if heading else (1, "roles.heading")
        block = replace(block, kind=BlockKind.HEADING, level=level, rule=name)
        return Unit(block, "heading", last_page, jumps=jumps, ends_article=ends, note=why)
    if role in _STACK_ORDER and not jumps:
        return Unit(block, "stack", last_page, stack_role=role, note=why)
    if role == "end_cue" and not jumps:
        edits.append(rules.edit("roles.end_cue", "end-cue", block.pieces, block, why))
        return Unit(block, "end", last_page, ends_article=True, note=why)
    dateline = _dateline(folded, rules)
    if dateline is None and role == "dateline":
        dateline = ("roles.dateline", 0, rules.role_prefix(block, role), 0, 0)
    elif dateline is None and role == "byline":
        dateline = ("roles.byline", 0, 0, 0, rules.role_prefix(block, role))
    return Unit(block, "paragraph", last_page, jumps=jumps, dateline=dateline, ends_article=ends, note=why)


def _role_stacks(units: Sequence[Unit], rules: StructureRules, edits: list[Edit]) -> list[Unit | Stack]:
    """Consecutive stack lines are one headline stack; a stack ends where the order kicker, headline,
    subtitle goes back (the next article's stack), where two lines of the same role are printed apart
    (two headlines, not one wrapped), or at a page break."""
    out: list[Unit | Stack] = []
    run: list[Unit] = []

    def flush() -> None:
        if run:
            out.append(Stack(tuple(u.block for u in run), tuple(u.stack_role for u in run)))
            for u in run:
                edits.append(rules.edit(f"roles.{u.stack_role}", "headline", u.block.pieces, u.block, u.note))
            run.clear()

    for unit in units:
        previous = out[-1] if out and not run else None
        if unit.role == "heading" and _continues_heading(previous, unit, rules):
            assert isinstance(previous, Unit)
            merged = _merge([previous.block, unit.block], BlockKind.HEADING, rules)
            assert merged is not None
            block = replace(merged, level=previous.block.level, rule=previous.block.rule)
            out[-1] = replace(previous, block=block, last_page=unit.last_page)
            continue
        if unit.role != "stack":
            flush()
            out.append(unit)
            continue
        if run and (
            _STACK_ORDER[unit.stack_role] < _STACK_ORDER[run[-1].stack_role]
            or unit.block.page != run[-1].block.page
            or (
                unit.stack_role == run[-1].stack_role
                and not _wrapped(run[-1].block, unit.block, unit.stack_role, rules)
            )
        ):
            flush()
        run.append(unit)
    flush()
    for item in out:
        if isinstance(item, Unit) and item.role == "heading":
            block = item.block
            why = f"level {block.level}; {item.note}"
            edits.append(rules.edit(block.rule, "heading", block.pieces, block, why))
    return out


def _inset_stacks(
    items: Sequence[Unit | Stack], rules: StructureRules, edits: list[Edit]
) -> list[Unit | Stack]:
    """Paragraphs that go on across a headline stack: where the line after a stack continues a
    paragraph (the decoder read it as ``para_cont``) and the paragraph before the stack is unfinished on
    the same page, pdftotext printed the stack inside the text: a title set inside the body, or another
    story's title across the columns. The two halves are one paragraph, and the stack comes after it,
    marked inset: it gets an article by its words, and does not split the one it was printed in."""
    out: list[Unit | Stack] = []
    k = 0
    while k < len(items):
        item = items[k]
        previous = out[-1] if out else None
        if isinstance(item, Stack) and isinstance(previous, Unit) and previous.role == "paragraph":
            j = k
            while j < len(items) and isinstance(items[j], Stack):
                j += 1
            after = items[j] if j < len(items) else None
            if isinstance(after, Unit) and _goes_on(previous, after, rules):
                stacks = [replace(stack, inset=True) for stack in items[k:j] if isinstance(stack, Stack)]
                out[-1] = _continued(previous, after, stacks, rules, edits)
                out.extend(stacks)
                k = j + 1
                continue
        out.append(item)
        k += 1
    return out


def _goes_on(before: Unit, after: Unit, rules: StructureRules, *, finished: bool = False) -> bool:
    """Whether the text under a run of stacks goes on the paragraph ``before`` it (decoded ``para_cont``
    on the same page, nothing ending the article between); with ``finished``, the same when ``before``
    has ended its sentence: the text goes on a paragraph printed further up."""
    decided = rules.line_roles.get(after.block.first_line)
    return (
        after.role == "paragraph"
        and decided is not None
        and decided.role == "para_cont"
        and after.dateline is None
        and not before.ends_article
        and not before.jumps
        and not after.jumps
        and after.block.page == before.last_page
        and rules.finished(before.block.text) == finished
    )


def _continued(
    before: Unit, after: Unit, stacks: Sequence[Stack], rules: StructureRules, edits: list[Edit]
) -> Unit:
    """``before`` and ``after`` as one paragraph (a join recorded, noting the stacks between them)."""
    first, second = before.block, after.block
    glue = rules.joiner(first.text, second.text)
    at = second.pieces[0].start
    lines = ", ".join(f"{s.members[0].first_line}-{s.members[-1].last_line}" for s in stacks)
    edits.append(
        Edit(
            "paragraphs.across_stack",
            "join",
            at,
            at,
            first.last_line,
            second.first_line,
            inserted=glue,
            note=f"the paragraph goes on after the headline stack at lines {lines}",
        )
    )
    return replace(
        before,
        block=_joined(first, second, glue, at),
        last_page=after.last_page,
        jumps=before.jumps + after.jumps,
        ends_article=after.ends_article,
    )


def _joined(first: Block, second: Block, glue: str, at: int) -> Block:
    """One paragraph of ``first`` and the ``second`` that goes on from it, ``glue`` inserted at source
    offset ``at`` between them."""
    pieces = (*first.pieces, *((Piece(glue, at, at),) if glue else ()), *second.pieces)
    return replace(first, pieces=pieces, last_line=second.last_line)


def _adjacent(above: Block, below: Block) -> bool:
    """No line between the two blocks: one element wrapped, not two printed apart."""
    return below.first_line == above.last_line + 1


def _wrapped(above: Block, below: Block, role: str, rules: StructureRules) -> bool:
    """The block below continues the one above as one element wrapped: nothing between them; or, for a
    subtitle, only blank lines under a line filled to the column and longer than the one below, when the
    line below does not start a subtitle of its own (pdftotext puts a blank line inside a subtitle that
    spans the page). Headline and kicker lines printed apart are two titles: on the generated pages,
    622 of 631 pairs of blank-separated headline lines belonged to two articles."""
    if _adjacent(above, below):
        return True
    if role != "subtitle" or rules.ruleset.headlines.subtitle.search(rules.shadow(below.text)):
        return False
    decided = rules.line_roles.get(above.last_line)
    between = rules.source[above.end : below.start]
    longer = len(above.text.strip()) >= len(below.text.strip())  # a wrapped line's rest is shorter
    return decided is not None and decided.full and longer and not between.strip()


def _continues_heading(previous: Unit | Stack | None, unit: Unit, rules: StructureRules) -> bool:
    """A heading line right under a heading line is its second line, unless it is numbered itself."""
    return (
        isinstance(previous, Unit)
        and previous.role == "heading"
        and previous.block.page == unit.block.page
        and unit.block.rule == "roles.heading"
        and _adjacent(previous.block, unit.block)
    )


def _dateline(folded: str, rules: StructureRules) -> tuple[str, int, int, int, int] | None:
    """The first dateline rule that matches the start of the text: (rule, dateline span, byline span).

    A justified line may come out of pdftotext letter-spaced (``新 竹 15 日 电 ）``): where no rule
    matches the text as it is, or one matches a dateline but no byline (``电 （记 者 X）``), the rules
    are tried on it without the spaces inside its first characters, and the spans mapped back to the
    text; the reading that reaches further wins."""
    found = _dateline_match(folded, rules)
    if found is not None and found[4] > found[3]:  # a dateline with its byline
        return found
    head = folded[:_DATELINE_REACH]
    if not _LETTER_SPACE.search(head):
        return found
    kept = [k for k, char in enumerate(head) if not char.isspace()]
    squeezed = "".join(head[k] for k in kept) + folded[len(head) :]
    again = _dateline_match(squeezed, rules)
    if again is None:
        return found
    where = [*kept, *range(len(head), len(folded))]

    def back(start: int, end: int) -> tuple[int, int]:
        return (where[start], where[end - 1] + 1) if end > start else (0, 0)

    rule, d_start, d_end, b_start, b_end = again
    spaced = (rule, *back(d_start, d_end), *back(b_start, b_end))
    # the letter-spaced reading wins where it reaches further (the byline after a dateline found as is)
    if found is None or max(spaced[2], spaced[4]) > max(found[2], found[4]):
        return spaced
    return found


#: How far into a paragraph a letter-spaced dateline is looked for (characters).
_DATELINE_REACH = 60
_LETTER_SPACE = regex.compile(r"[\p{Han}\p{N}][ \u3000][\p{Han}\p{N}]")


def _dateline_match(folded: str, rules: StructureRules) -> tuple[str, int, int, int, int] | None:
    for rule in rules.datelines:
        match = rule.pattern.match(folded)
        if match is None or not match.group().strip():
            continue
        groups = match.groupdict()
        span = match.span("dateline") if groups.get("dateline") else match.span()
        byline = match.span("byline") if groups.get("byline") else (0, 0)
        if groups.get("dateline") is None and groups.get("byline"):
            span = (0, 0)
        return (rule.name, *span, *byline)
    return None


# --- 5: runs of short blocks: headline stacks, subheads or paragraphs ---------------------------------


def _resolve_short_runs(
    units: Sequence[Unit], rules: StructureRules, edits: list[Edit]
) -> list[Unit | Stack]:
    out: list[Unit | Stack] = []
    index = 0
    headlines = rules.ruleset.headlines
    while index < len(units):
        unit = units[index]
        if unit.role != "short":
            out.append(unit)
            index += 1
            continue
        end = index
        while end < len(units) and units[end].role == "short" and units[end].block.page == unit.block.page:
            end += 1
        run = units[index:end]
        before = units[index - 1] if index > 0 else None
        after = units[end] if end < len(units) else None
        texts = [rules.shadow(u.block.text) for u in run]
        cue = any(headlines.subtitle.search(t) or headlines.cue.search(t) for t in texts)
        at_start = (
            before is None
            or before.ends_article
            or before.block.page != unit.block.page
            or any(j.direction == "to" for j in before.jumps)
        )
        at_end = (
            after is None
            or after.dateline is not None
            or after.block.page != run[-1].last_page
            or (after.role == "marker" and any(j.direction == "from" for j in after.jumps))
        )
        # text cut off by a "continues on" marker is the body of an article, whatever its length
        cut_off = (
            after is not None and any(j.direction == "to" for j in after.jumps) and after.role == "marker"
        )
        if cut_off and not cue:
            out.extend(replace(u, role="paragraph") for u in run)
        elif rules.ruleset.enabled("headlines.stack") and (cue or at_start or at_end):
            out.append(Stack(tuple(u.block for u in run)))
            why = "headline cue" if cue else "at an article boundary"
            for u in run:
                edits.append(rules.edit("headlines.stack", "headline", u.block.pieces, u.block, why))
        elif (
            rules.ruleset.enabled("headings.subhead")
            and len(run) <= 3
            and all(len(u.block.text) <= headlines.subhead_max_length for u in run)
        ):
            out.append(_subhead(run, rules, edits))
        else:
            out.extend(replace(u, role="paragraph") for u in run)
        index = end
    return out


def _subhead(run: Sequence[Unit], rules: StructureRules, edits: list[Edit]) -> Unit:
    """One unnumbered subhead from one to three short lines, joined with a space."""
    merged = _merge([u.block for u in run], BlockKind.HEADING)
    assert merged is not None
    block = replace(merged, level=1, rule="headings.subhead")
    edits.append(rules.edit("headings.subhead", "heading", block.pieces, block, f"{len(run)}-line subhead"))
    return Unit(block, "heading", run[-1].last_page)


# --- 6: article boundaries ---------------------------------------------------------------------------------


def _split(items: Sequence[Unit | Stack], rules: StructureRules, edits: list[Edit]) -> list[_Segment | Stack]:
    sequence: list[_Segment | Stack] = []
    current = _Segment()
    split_on = rules.ruleset.enabled("articles.split")
    insets: list[Stack] = []  # stacks printed inside the current segment: they follow it

    def close(reason: str, at: Block | None) -> None:
        nonlocal current
        if at is not None and current.units and not insets and all(_credit(u) for u in current.units):
            return  # a byline or dateline alone, above a title or a lead-in: it opens the article below
        if current.units:
            sequence.append(current)
            sequence.extend(insets)
            insets.clear()
            if at is not None:
                edits.append(
                    Edit(
                        "articles.split",
                        "split",
                        at.start,
                        at.start,
                        at.first_line,
                        at.first_line,
                        note=reason,
                    )
                )
        current = _Segment()

    for index, item in enumerate(items):
        if (
            isinstance(item, Stack)
            and current.units
            and (item.inset or _before_dateline(current, items, index, rules))
        ):
            insets.append(item)
            continue
        if isinstance(item, Stack):
            close("headline stack", item.members[0])
            sequence.append(item)
            continue
        if split_on and current.units:
            previous = current.units[-1]
            if item.role == "marker" and any(j.direction == "from" for j in item.jumps):
                close("continuation marker", item.block)
            elif item.dateline is not None and current.has_text and not _lead_in(current, rules):
                close("dateline", item.block)
            elif item.role in ("paragraph", "heading") and current.has_text and rules.is_lead_in(item.block):
                close("lead-in", item.block)
            elif item.block.page != previous.last_page and current.has_text:
                close("page break", item.block)
        if item.role == "end" and not current.units and (ended := _last_segment(sequence)) is not None:
            # the rest of an end line wrapped after the article it ended (…研究院）), also when a stack was
            # printed between its two lines: it ends that article
            ended.units.append(item)
            continue
        current.units.append(item)
        if split_on and (
            item.ends_article or (item.role == "marker" and any(j.direction == "to" for j in item.jumps))
        ):
            close("end of article", None)
    close("", None)
    return sequence


def _last_segment(sequence: Sequence[_Segment | Stack]) -> _Segment | None:
    return next((item for item in reversed(sequence) if isinstance(item, _Segment)), None)


def _credit(unit: Unit) -> bool:
    """Whether the unit is a dateline or byline and nothing else (文／记者 X on its own line): what
    :func:`_article` leaves of its block after the dateline is blank."""
    if unit.dateline is None:
        return False
    text = unit.block.text
    return not text[_credit_end(text, unit.dateline) :].strip()


def _credit_end(text: str, dateline: tuple[str, int, int, int, int]) -> int:
    """Where the body starts after the dateline and byline spans of ``text``: the brackets around a
    byline belong to the dateline furniture, not the body."""
    _, _, d_end, _, b_end = dateline
    end = max(d_end, b_end)
    while end < len(text) and text[end] in "）)】〕] \u3000":
        end += 1
    return end


#: The blocks of a lead-in box, at most: ``核心阅读`` and its paragraph, or ``编者按：…``.
LEAD_IN_BLOCKS = 2


def _before_dateline(
    segment: _Segment, items: Sequence[Unit | Stack], index: int, rules: StructureRules
) -> bool:
    """Whether the stack at ``index`` stands between a lead-in and its dateline: the segment so far is
    just an editor's note or a boxed summary (its heading and a paragraph at most), and the text after
    the stacks there opens with a dateline. pdftotext printed the box before (part of) the article's
    own title: the stack does not part the lead-in from its article."""
    text = [u for u in segment.units if u.role in ("paragraph", "heading")]
    if len(text) > LEAD_IN_BLOCKS or not _lead_in(segment, rules):
        return False
    after = next((item for item in itertools.islice(items, index, None) if not isinstance(item, Stack)), None)
    return after is not None and after.dateline is not None


def _lead_in(segment: _Segment, rules: StructureRules) -> bool:
    """Whether the segment so far is the lead-in of an article still to get its dateline: its first
    block is an editor's note or a boxed summary (``headlines.lead_in``) and no dateline came yet."""
    first = next((u for u in segment.units if u.role in ("paragraph", "heading")), None)
    return (
        first is not None
        and rules.is_lead_in(first.block)
        and not any(u.dateline is not None for u in segment.units)
    )


# --- 7: attach headline stacks, build articles -------------------------------------------------------------


def _words(text: str) -> set[str]:
    return set(_HAN_BIGRAM.findall(text)) | {w.casefold() for w in _WORD.findall(text)}


def _overlap(stack: Stack, segment: _Segment, words: dict[int, set[str]]) -> float:
    """Share of the stack's words that recur in the segment (``words`` caches each segment's)."""
    head = _words(" ".join(b.text for b in stack.members))
    if not head:
        return 0.0
    key = id(segment)
    if key not in words:
        words[key] = _words(" ".join(u.block.text for u in segment.units))
    return len(head & words[key]) / len(head)


def _inset(item: _Segment | Stack) -> bool:
    return isinstance(item, Stack) and item.inset


#: What a piece of a stack (no headline line in it: a kicker or a subtitle alone) pays to head an article:
#: more than any share of words, so whole stacks choose their articles first.
FRAGMENT_COST = 1.0


def _attach_options(
    sequence: Sequence[_Segment | Stack], headlines: HeadlineRules, words: dict[int, set[str]]
) -> list[tuple[float, int, int, int]]:
    """(score, side, stack index, segment index) of every article a stack may head.

    With ``prefer = "overlap"`` pdftotext's habit of printing the titles of two or three stories
    together, above (or under) their bodies, or between them (the first under its body, the next above
    its own), is read in text order: the m-th stack of a run of k goes to one of the first m+1 articles
    after the run, or of the first k-m before it, as word overlap says; each article further away
    costs ``skip_cost``, up to ``reach`` articles past those. ``"next"``/``"previous"`` keep to the
    article right after/before the stack."""
    prefer = headlines.prefer
    segments = [j for j, item in enumerate(sequence) if isinstance(item, _Segment)]
    options: list[tuple[float, int, int, int]] = []
    for start, end in _stack_runs(sequence):
        cut = bisect.bisect_left(segments, start)  # the articles before the run and after it
        # a stack printed inside the article before the run may head it or the article after it; the
        # others are read in text order
        run = [i for i in range(start, end) if not _inset(sequence[i])]
        places = {i: (m, len(run) - 1 - m) for m, i in enumerate(run)}
        for i in range(start, end):
            stack = sequence[i]
            assert isinstance(stack, Stack)
            if prefer != "overlap":
                near = segments[cut : cut + 1] if prefer == "next" else segments[max(0, cut - 1) : cut]
                options.extend((0.0, 1 if prefer == "next" else 0, i, j) for j in near)
                continue
            after, before = places.get(i, (0, 0))
            for side, place in ((1, after), (0, before)):
                reach = place + headlines.reach + 1
                targets = segments[cut : cut + reach] if side else segments[max(0, cut - reach) : cut][::-1]
                for r, j in enumerate(targets):
                    segment = sequence[j]
                    assert isinstance(segment, _Segment)
                    cost = headlines.skip_cost * max(0, r - place)
                    if stack.roles and "headline" not in stack.roles:
                        cost += FRAGMENT_COST
                    options.append((_overlap(stack, segment, words) - cost, side, i, j))
    return options


def _stack_runs(sequence: Sequence[_Segment | Stack]) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each run of consecutive stacks in the sequence (stacks printed together)."""
    start = 0
    while start < len(sequence):
        if not isinstance(sequence[start], Stack):
            start += 1
            continue
        end = start
        while end < len(sequence) and isinstance(sequence[end], Stack):
            end += 1
        yield start, end
        start = end


def _attach_and_build(
    sequence: Sequence[_Segment | Stack], rules: StructureRules, edits: list[Edit]
) -> list[Article]:
    options = _attach_options(sequence, rules.ruleset.headlines, {})
    options.sort(key=lambda o: (-o[0], -o[1], o[2]))
    stack_of: dict[int, int] = {}
    taken: set[int] = set()
    for _score, _side, i, j in options:
        if i not in taken and j not in stack_of:
            stack_of[j] = i
            taken.add(i)
    _fold_taken_subtitles(sequence, stack_of, taken)
    stacks, absorbed = _fold_fragments(sequence, taken, edits)
    if rules.line_roles and rules.ruleset.enabled("headlines.regroup"):
        absorbed |= _regroup(sequence, stacks, stack_of, absorbed, edits)
    continued = (
        _printed_inside(sequence, stack_of, rules, edits) if rules.ruleset.enabled("headlines.inside") else {}
    )
    merged: dict[int, _Segment] = {}
    for j, item in enumerate(sequence):
        if isinstance(item, _Segment):
            owner = j
            while owner in continued:
                owner = continued[owner]
            merged.setdefault(owner, _Segment()).units.extend(item.units)
    articles: list[Article] = []
    for j, item in enumerate(sequence):
        if isinstance(item, _Segment):
            if j in continued:
                continue
            stack = stacks[stack_of[j]] if j in stack_of else None
            articles.append(
                _article(
                    f"a{len(articles) + 1}", merged[j], stack, rules, edits, moved=stack_of.get(j, j) > j
                )
            )
        elif j not in taken and j not in absorbed:
            # the stack as regrouped: a line it gave to another stack is printed there, not twice
            article = _article(f"a{len(articles) + 1}", _Segment(), stacks[j], rules, edits, moved=False)
            articles.append(article)
    return articles


def _fold_taken_subtitles(
    sequence: Sequence[_Segment | Stack], stack_of: dict[int, int], taken: set[int]
) -> None:
    """A subtitle alone that took an article gives it up for the nearest stack before it on the page
    with a headline and no subtitle: to that stack when it heads no article, else to no stack; the
    subtitle then folds into that stack (:func:`_fold_fragments`)."""
    owner = {i: j for j, i in stack_of.items()}
    for i, item in enumerate(sequence):
        if not isinstance(item, Stack) or i not in owner or set(item.roles) != {"subtitle"}:
            continue
        page = item.members[0].page
        for k in range(i - 1, -1, -1):
            host = sequence[k]
            if not isinstance(host, Stack):
                continue
            if host.members[0].page != page or host.inset:
                break
            if "headline" in host.roles and "subtitle" not in host.roles:
                j = owner[i]
                del stack_of[j]
                taken.discard(i)
                if k not in taken:
                    stack_of[j] = k
                    taken.add(k)
            break


def _fold_fragments(
    sequence: Sequence[_Segment | Stack], taken: set[int], edits: list[Edit]
) -> tuple[dict[int, Stack], set[int]]:
    """The stacks by index, with each piece of a stack that headed no article folded into its neighbour:
    a kicker alone goes to the next stack on the page that heads an article and has no kicker, a
    subtitle alone to the one before that has no subtitle (pdftotext printed the stack in pieces).
    Returns the stacks and the indices of the pieces folded away."""
    stacks = {i: item for i, item in enumerate(sequence) if isinstance(item, Stack)}
    absorbed: set[int] = set()
    for i, piece in sorted(stacks.items()):
        if i in taken or set(piece.roles) not in ({"kicker"}, {"subtitle"}):
            continue
        role = piece.roles[0]
        page = piece.members[0].page
        order = range(i + 1, len(sequence)) if role == "kicker" else range(i - 1, -1, -1)
        target = next((k for k in order if k in taken and k in stacks), None)
        if target is None:
            continue
        host = stacks[target]
        if role in host.roles or host.members[0].page != page:
            continue
        first, last = piece.members[0], piece.members[-1]
        top, bottom = (piece, host) if role == "kicker" else (host, piece)  # a kicker stands above
        stacks[target] = replace(host, members=top.members + bottom.members, roles=top.roles + bottom.roles)
        absorbed.add(i)
        edits.append(
            Edit(
                "headlines.attach",
                "move-headline",
                first.start,
                last.end,
                first.first_line,
                last.last_line,
                note=f"the {role} alone joins the headline stack at line {host.members[0].first_line}",
            )
        )
    return stacks, absorbed


#: A stack line moves to another article of its band when it shares at least this share of its words
#: with that article's text, and this much more than with the article of its own stack.
REGROUP_MIN_OVERLAP = 0.4
REGROUP_MARGIN = 0.25


def _regroup(
    sequence: Sequence[_Segment | Stack],
    stacks: dict[int, Stack],
    stack_of: dict[int, int],
    absorbed: set[int],
    edits: list[Edit],
) -> set[int]:
    """Stack lines that pdftotext interleaved, given back to their articles by their words.

    Where the titles of two or three stories stand side by side across the columns, pdftotext reads them
    row by row: kicker A, kicker B, the first line of headline A, headline B, the rest of headline A.
    Read in text order those are stacks made of pieces of several titles. Within a band (a run of
    stacks printed together), each line goes to the article, among those the band's stacks head, whose
    text shares most of its words, when it shares clearly more with it than with the article its own
    stack heads (or heads none); a line without such evidence (a column name, a generic title) stays.
    The stacks are rebuilt from their lines in page order. Updates ``stacks`` (and ``stack_of``) in
    place and returns the indices of the stacks left with no line."""
    words: dict[int, set[str]] = {}
    emptied: set[int] = set()
    owner = {i: j for j, i in stack_of.items()}
    for start, end in _stack_runs(sequence):
        band = [i for i in range(start, end) if i in stacks and i not in absorbed and not stacks[i].inset]
        targets = sorted({owner[i] for i in band if i in owner})
        if not targets or len(band) < 2:
            continue
        lines: dict[int, list[tuple[Block, str]]] = {i: [] for i in band}
        moved = False
        for i in band:
            stack = stacks[i]
            for block, role in zip(stack.members, stack.roles or ("",) * len(stack.members), strict=True):
                scores = {j: _line_overlap(block, sequence[j], words) for j in targets}
                own = owner.get(i)
                best = max(targets, key=lambda j: (scores[j], j == own))
                own_share = scores[own] if own is not None else 0.0
                gain = scores[best] - own_share
                if best != own and scores[best] >= REGROUP_MIN_OVERLAP and gain >= REGROUP_MARGIN:
                    lines[stack_of[best]].append((block, role))
                    moved = True
                    edits.append(
                        Edit(
                            "headlines.regroup",
                            "move-headline",
                            block.start,
                            block.end,
                            block.first_line,
                            block.last_line,
                            note=f"shares {scores[best]:.0%} of its words with the article at line "
                            f"{_first_line(sequence[best])}, "
                            f"{own_share:.0%} with its own stack's",
                        )
                    )
                else:
                    lines[i].append((block, role))
        if not moved:
            continue
        for i in band:
            kept = sorted(lines[i], key=lambda line: line[0].first_line)
            if not kept:
                emptied.add(i)
                if i in owner:
                    del stack_of[owner[i]]
                continue
            roles = tuple(role for _, role in kept) if stacks[i].roles else ()
            stacks[i] = replace(stacks[i], members=tuple(b for b, _ in kept), roles=roles)
    return emptied


def _line_overlap(block: Block, segment: _Segment | Stack, words: dict[int, set[str]]) -> float:
    assert isinstance(segment, _Segment)
    return _overlap(Stack((block,)), segment, words)


def _first_line(segment: _Segment | Stack) -> int:
    assert isinstance(segment, _Segment)
    return segment.units[0].block.first_line if segment.units else 0


def _printed_inside(
    sequence: Sequence[_Segment | Stack],
    stack_of: dict[int, int],
    rules: StructureRules,
    edits: list[Edit],
) -> dict[int, int]:
    """Segments that go on the article before the stacks above them: where the text under a run of stacks
    got none of them, opens with no dateline, lead-in or jump marker and is on the same page, and just one
    of it and the text above the run has a stack, the stacks were printed inside that article: as a
    daily sets a title inside the body, after the lead (the stack went to the text above it), or as
    pdftotext puts another story's title in the middle of one (the stack went further away). The text
    under the run is the same article as the text above it; a stack that went to the text under the run
    (printed under its article) then heads the whole article. Maps such a segment's index to the index
    of the segment it goes on; ``stack_of`` is updated."""
    continued: dict[int, int] = {}
    undone: set[int] = set()  # source offsets of the splits at the stacks printed inside
    for start, end in _stack_runs(sequence):
        k, j = start - 1, end  # the texts above and under the run
        if k < 0 or j >= len(sequence):
            continue
        before, after = sequence[k], sequence[j]
        assert isinstance(before, _Segment) and isinstance(after, _Segment)
        run = [item for item in sequence[start:end] if isinstance(item, Stack)]
        owner = k
        while owner in continued:
            owner = continued[owner]
        if (
            stack_of.get(j, -1) in range(k + 1, j)
            or (owner in stack_of) == (j in stack_of)
            or any(stack.inset for stack in run)
            or not after.units
            or not before.units
        ):
            continue
        first, last = after.units[0], before.units[-1]
        opens = first.dateline is not None or first.jumps or rules.is_lead_in(first.block)
        closed = last.ends_article or last.jumps or first.block.page != last.last_page
        if opens or closed:
            continue
        continued[j] = k
        if j in stack_of:
            stack_of[owner] = stack_of.pop(j)
        top = run[0].members[0]
        undone.update(stack.members[0].start for stack in run)
        edits.append(
            Edit(
                "headlines.inside",
                "join",
                top.start,
                top.start,
                last.block.last_line,
                first.block.first_line,
                note=f"the headline stack at line {top.first_line} was printed inside an article: the text "
                f"under it goes on the article above",
            )
        )
    if undone:
        edits[:] = [
            e for e in edits if not (e.rule == "articles.split" and e.start == e.end and e.start in undone)
        ]
    return continued


def _article(
    ident: str,
    segment: _Segment,
    stack: Stack | None,
    rules: StructureRules,
    edits: list[Edit],
    *,
    moved: bool,
) -> Article:
    kicker = headline = subheadline = dateline = byline = None
    if stack is not None:
        kicker, headline, subheadline = _stack_roles(stack, rules)
        if moved:
            first = stack.members[0]
            edits.append(
                Edit(
                    "headlines.attach",
                    "move-headline",
                    first.start,
                    stack.members[-1].end,
                    first.first_line,
                    stack.members[-1].last_line,
                    note=f"moved from line {first.first_line} to the head of article {ident}",
                )
            )
    blocks: list[Block] = []
    jumps: list[Jump] = []
    for unit in segment.units:
        jumps.extend(unit.jumps)
        if unit.role in ("marker", "end"):
            continue
        block = unit.block
        if (
            unit.dateline is not None
            and dateline is None
            and (not any(b.kind == BlockKind.PARAGRAPH for b in blocks) or rules.is_lead_in(blocks[0]))
        ):
            rule, d_start, d_end, b_start, b_end = unit.dateline
            if d_end > d_start:
                dateline = replace(
                    cutter_block(block, d_start, d_end, rules), kind=BlockKind.DATELINE, rule=rule
                )
            if b_end > b_start:
                byline = replace(cutter_block(block, b_start, b_end, rules), kind=BlockKind.BYLINE, rule=rule)
            text = block.text
            cut_end = _credit_end(text, unit.dateline)
            edits.append(rules.edit(rule, "dateline", cutter.cut(block.pieces, 0, cut_end), block))
            rest = cutter.strip(cutter.cut(block.pieces, cut_end, len(text)))
            if not rest:
                continue
            block = rules.trimmed(block, rest)
        if block.kind == BlockKind.HEADING or block.kind == BlockKind.PARAGRAPH:
            blocks.append(block)
        else:
            blocks.append(replace(block, kind=BlockKind.PARAGRAPH))
    return Article(
        ident,
        tuple(blocks),
        headline=headline,
        kicker=kicker,
        subheadline=subheadline,
        dateline=dateline,
        byline=byline,
        jumps=tuple(jumps),
    )


def cutter_block(block: Block, start: int, end: int, rules: StructureRules) -> Block:
    """The part ``[start, end)`` of ``block``'s text as a block of its own."""
    return rules.trimmed(block, cutter.strip(cutter.cut(block.pieces, start, end)))


def _stack_roles(stack: Stack, rules: StructureRules) -> tuple[Block | None, Block | None, Block | None]:
    """Kicker, headline and subtitle of a stack."""
    if stack.roles:
        parts = {
            role: [b for b, r in zip(stack.members, stack.roles, strict=True) if r == role]
            for role in _STACK_ORDER
        }
        if not parts["headline"]:  # a stack needs a headline: its first line is it
            first = next(role for role in _STACK_ORDER if parts[role])
            parts["headline"], parts[first] = parts[first][:1], parts[first][1:]
        kicker, headline, subtitle = (
            _merge(parts[role], kind, rules) for role, kind in zip(_STACK_ORDER, STACK_KINDS, strict=True)
        )
        return kicker, headline, subtitle
    headlines = rules.ruleset.headlines
    subtitle_index = next(
        (i for i, b in enumerate(stack.members) if i > 0 and headlines.subtitle.search(rules.shadow(b.text))),
        None,
    )
    titles = list(stack.members if subtitle_index is None else stack.members[:subtitle_index])
    subtitles = [] if subtitle_index is None else list(stack.members[subtitle_index:])
    kicker = None
    if not headlines.kicker_first:  # main headline first, decks below it
        subtitles, titles = titles[1:] + subtitles, titles[:1]
    if len(titles) >= 3:
        subtitles, titles = titles[2:] + subtitles, titles[:2]
    if len(titles) == 2:
        kicker, titles = titles[0], titles[1:]
    headline = _merge(titles, BlockKind.HEADLINE)
    subheadline = _merge(subtitles, BlockKind.SUBHEADLINE)
    return (replace(kicker, kind=BlockKind.KICKER) if kicker else None), headline, subheadline


STACK_KINDS = (BlockKind.KICKER, BlockKind.HEADLINE, BlockKind.SUBHEADLINE)


def _merge(blocks: Sequence[Block], kind: BlockKind, rules: StructureRules | None = None) -> Block | None:
    """The lines of a stack or subhead as one block, joined by what ``rules.glue`` says (inserted text;
    without rules, a space)."""
    if not blocks:
        return None
    widest = max(rules.width(b.text.strip()) for b in blocks) if rules is not None else 0
    joined: list[Piece] = []
    for previous, block in zip((None, *blocks), blocks, strict=False):
        if previous is not None:
            pair = len(blocks) == 2 and kind is not BlockKind.HEADING
            between = rules.glue(previous, block, widest, pair=pair) if rules is not None else " "
            if between:
                joined.append(Piece(between, joined[-1].end, joined[-1].end))
        joined.extend(block.pieces)
    return Block(kind, tuple(joined), blocks[0].first_line, blocks[-1].last_line, blocks[0].page)


# --- 8: stitch jumped articles -------------------------------------------------------------------------


def page_key(label: str) -> str:
    """A page label for comparison: 'A02' -> 'A2', '一' -> '1', '十二' -> '12'.

    >>> page_key("第04"), page_key("十二"), page_key("a2")
    ('4', '12', 'A2')
    """
    label = label.strip().lstrip("第").upper()
    if label and all(c in _CHINESE_DIGITS or c == "十" for c in label):
        if "十" in label:
            tens, _, ones = label.partition("十")
            value = (_CHINESE_DIGITS.get(tens, 1) if tens else 1) * 10 + (
                _CHINESE_DIGITS.get(ones, 0) if ones else 0
            )
        else:
            value = int("".join(str(_CHINESE_DIGITS[c]) for c in label))
        return str(value)
    prefix = label.rstrip("0123456789")
    digits = label[len(prefix) :]
    return prefix + (str(int(digits)) if digits else "")


def _article_page(article: Article) -> int:
    return min((b.page for b in _all_blocks(article)), default=0)


def _all_blocks(article: Article) -> Iterable[Block]:
    for block in (article.kicker, article.headline, article.subheadline, article.dateline, article.byline):
        if block is not None:
            yield block
    yield from article.blocks


def _stitch(
    articles: list[Article],
    labels: dict[int, str],
    edits: list[Edit],
    rules: StructureRules,
) -> list[Article]:
    """Join jumped halves: a 'continues on p' half with a 'continued from q' half on page p."""

    def label(page: int) -> str:
        return page_key(labels.get(page, str(page + 1)))

    result = list(articles)
    for a_index, first in enumerate(result):
        to = next((j for j in first.jumps if j.direction == "to"), None)
        if to is None:
            continue
        first_page = _article_page(first)
        best, best_score = None, 0.0
        for b_index in range(a_index + 1, len(result)):
            second = result[b_index]
            back = next((j for j in second.jumps if j.direction == "from"), None)
            if back is None:
                continue
            second_page = _article_page(second)
            # a page whose number the dump does not print (no running head with it) matches any label
            # on a later page: the text overlap then chooses among the halves
            later = second_page > first_page
            forward_ok = (
                label(second_page) == page_key(to.page)
                or (to.page == "下" and second_page == first_page + 1)
                or (later and second_page not in labels)
            )
            back_ok = (
                page_key(back.page) == label(first_page)
                or (back.page == "上" and second_page == first_page + 1)
                or (later and first_page not in labels)
            )
            if not (forward_ok and back_ok):
                continue
            score = _text_overlap(first, second)
            if best is None or score > best_score:
                best, best_score = b_index, score
        if best is None:
            continue
        second = result[best]
        credits = _stitched_credits(first, second, edits)
        blocks = first.blocks + credits + second.blocks
        cut = first.blocks[-1] if first.blocks else None
        resumed = second.blocks[0] if second.blocks else None
        if (
            not credits
            and cut is not None
            and resumed is not None
            and cut.kind == resumed.kind == BlockKind.PARAGRAPH
            and not rules.finished(cut.text)
        ):
            # the paragraph cut by the jump goes on in the second half
            glue = rules.joiner(cut.text, resumed.text)
            whole = _joined(cut, resumed, glue, cut.end)
            blocks = (*first.blocks[:-1], whole, *second.blocks[1:])
            edits.append(
                Edit(
                    "articles.stitch",
                    "join",
                    cut.end,
                    resumed.start,
                    cut.last_line,
                    resumed.first_line,
                    inserted=glue,
                    note="the paragraph cut by the jump goes on after the marker",
                )
            )
        # one stack per article: the first half's if it has one, else the second's
        head = (
            first if any(b is not None for b in (first.kicker, first.headline, first.subheadline)) else second
        )
        merged = replace(
            first,
            blocks=blocks,
            headline=head.headline,
            kicker=head.kicker,
            subheadline=head.subheadline,
            dateline=first.dateline or second.dateline,
            byline=first.byline or second.byline,
            jumps=tuple(j for j in first.jumps if j.direction == "from")
            + tuple(j for j in second.jumps if j.direction == "to"),
        )
        at = second.blocks[0] if second.blocks else None
        edits.append(
            Edit(
                "articles.stitch",
                "stitch",
                at.start if at else 0,
                at.start if at else 0,
                at.first_line if at else 0,
                at.first_line if at else 0,
                note=f"article {second.id} (page {label(_article_page(second))}) continues article "
                f"{first.id} (page {label(first_page)}); word overlap {best_score:.2f}",
            )
        )
        result[a_index] = merged
        # the second half's own stack, where the first half has one, stays where it was printed: an
        # article of its own with no text (a jump head, or the title of another story)
        left = head is first and any(
            b is not None for b in (second.kicker, second.headline, second.subheadline)
        )
        result[best] = replace(
            second,
            blocks=(),
            jumps=(),
            headline=second.headline if left else None,
            kicker=second.kicker if left else None,
            subheadline=second.subheadline if left else None,
            dateline=None,
            byline=None,
            id=second.id if left else "",
        )
    kept = [a for a in result if a.id]
    return [replace(a, id=f"a{i}") for i, a in enumerate(kept, 1)]


def _stitched_credits(first: Article, second: Article, edits: list[Edit]) -> tuple[Block, ...]:
    """The second half's dateline and byline where the first half has its own: paragraphs at the head of
    the second half (recorded), so that no line of them is lost."""
    kept: list[Block] = []
    for name in ("dateline", "byline"):
        block = getattr(second, name)
        if block is None or getattr(first, name) is None:
            continue
        kept.append(replace(block, kind=BlockKind.PARAGRAPH))
        edits.append(
            Edit(
                "articles.stitch",
                "keep",
                block.start,
                block.end,
                block.first_line,
                block.last_line,
                note=f"the continued half's {name} stays in the text where the half begins: the article has "
                f"its {name} from the first half",
            )
        )
    return tuple(kept)


# --- 9: letter spacing -------------------------------------------------------------------------------------


def _without_letter_spacing(article: Article, rules: StructureRules, edits: list[Edit]) -> Article:
    """The article with the spaces ``join.letter_spacing`` matches taken out of its paragraphs' text, and
    every space between two characters of its dateline (a dateline has none: ``新 竹 15 日 电``)."""
    pattern = rules.ruleset.join.letter_spacing
    blocks = tuple(
        _unspaced(block, pattern, rules, edits) if block.kind == BlockKind.PARAGRAPH else block
        for block in article.blocks
    )
    dateline = article.dateline
    if dateline is not None:
        dateline = _unspaced(dateline, _DATELINE_SPACE, rules, edits)
    return replace(article, blocks=blocks, dateline=dateline)


_DATELINE_SPACE = RulePattern(regex.compile(r"(?<=[\p{Han}\p{N}])[ \t\u3000]+(?=[\p{Han}\p{N}])"))


def _unspaced(block: Block, pattern: RulePattern, rules: StructureRules, edits: list[Edit]) -> Block:
    """The block without the spaces ``pattern`` matches in its text (each deletion recorded)."""
    spaces = [m.span() for m in pattern.finditer(block.text)]
    if not spaces:
        return block
    kept: list[Piece] = []
    at = 0
    for start, end in spaces:
        kept.extend(cutter.cut(block.pieces, at, start))
        space = rules.trimmed(block, cutter.cut(block.pieces, start, end))
        edits.append(rules.edit("paragraphs.letter_spacing", "delete", space.pieces, space))
        at = end
    kept.extend(cutter.cut(block.pieces, at, len(block.text)))
    return replace(block, pieces=tuple(kept))


def _text_overlap(first: Article, second: Article) -> float:
    a = _words(" ".join(b.text for b in _all_blocks(first)))
    b = _words(" ".join(b.text for b in _all_blocks(second)))
    return len(a & b) / max(1, min(len(a), len(b)))
