"""The order of passes, as data: each stage lists its passes by stable dotted name, in the order they run.

A rule set switches a pass off by naming it in ``[ruleset] disable``; an unknown name is an error at load
time. Normalisation rules are named ``normalize.<rule name>`` from the rule file itself.
"""

from __future__ import annotations

#: Decisions about the gap between two consecutive non-blank lines, first match wins.
BREAK_PASSES: tuple[str, ...] = (
    "breaks.standalone",  # continuation markers and headline cue lines stand alone; datelines start anew
    "breaks.subtitle",  # a subtitle line (——…) under a short line starts a block
    "breaks.unwrapped",  # one paragraph per line (not hard-wrapped) here: every line ends a paragraph
    "breaks.no_line_start",  # next line starts with a mark that may not start a line: join
    "breaks.no_line_end",  # line ends with a mark that may not end a line: join
    "breaks.mid_sentence",  # blank line after a comma or semicolon: column break, join
    "breaks.column_break",  # blank line after a full, unfinished line: column break, join
    "breaks.blank_line",  # any other blank line: paragraph break
    "breaks.short_line",  # a short line that ends a sentence (or a very short line): paragraph break
    "breaks.lost_indent",  # after a sentence end, a line short by the lost indent starts a paragraph
    "breaks.indent",  # next line indented more than this one: paragraph break
)

#: How the two sides of a join are glued, first match wins.
JOIN_PASSES: tuple[str, ...] = (
    "join.hyphen",  # Latin word hyphenated at the line end
    "join.spaced",  # the rule set's join.spaced matches across the break: one space
    "join.cjk",  # either side is CJK: no space
    "join.latin",  # two Latin words: one space
)

#: Document structure (see :mod:`reflow.structure`); rule-file patterns add ``markers.<name>``,
#: ``end_cues.<name>``, ``headings.<name>``, ``datelines.<name>`` and ``furniture.<name>``.
STRUCTURE_PASSES: tuple[str, ...] = (
    "headlines.stack",  # runs of short lines with a headline cue or at a boundary: headline stacks
    "paragraphs.across_stack",  # decoded roles: a paragraph goes on across a stack printed inside it
    "headings.subhead",  # other runs of one to three short lines: an unnumbered subhead
    "articles.split",  # article boundaries at markers, datelines, end cues, stacks, page breaks
    "headlines.attach",  # each stack to the neighbouring article sharing most of its words
    "headlines.regroup",  # lines of stacks printed side by side go to the article sharing their words
    "headlines.inside",  # text under stacks that head no part of it goes on the article above them
    "articles.stitch",  # join the two halves of a jumped article
    "paragraphs.letter_spacing",  # spaces of a justified line's letter spacing out of paragraph text
)

#: The line-role decoder (:mod:`reflow.roles`), on when the rule set has ``[roles]`` weights: each line's
#: role decided for the whole page. Disabled, the break and structure passes decide pass by pass.
ROLE_PASSES: tuple[str, ...] = ("roles",)

#: Every switchable pass, for validation of ``disable`` lists.
PASS_NAMES: frozenset[str] = frozenset(BREAK_PASSES + JOIN_PASSES + STRUCTURE_PASSES + ROLE_PASSES)
