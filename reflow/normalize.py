"""Normalisation passes: rule-file regexes (and XML-illegal characters) proposed as edits inside lines.

Each rule is run once over the whole source; its matches become :class:`~reflow.model.Edit` proposals.
:func:`line_pieces` applies them: it cuts each line's content into :class:`~reflow.model.Piece` runs, so
every output character keeps its source offset and every removed character has a recorded reason.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

import regex

from reflow.model import Edit, Line, Piece
from reflow.ruleset import TRANSLATIONS, NormalizeRule, RulePattern, RuleSet
from reflow.shadow import Shadow

#: Characters XML 1.0 cannot carry (and form feeds inside a line); removed with a record.
CONTROL_RULE = "input.control_char"
_CONTROL = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]+")


def propose(source: str, lines: Sequence[Line], ruleset: RuleSet) -> list[Edit]:
    """Every normalisation edit inside line contents, in source order, overlaps resolved (first rule wins)."""
    starts = [line.start for line in lines]
    spans = [(line.content_start, line.content_end) for line in lines]
    proposals: list[tuple[int, int, int, Edit]] = []
    rules: list[tuple[str, regex.Pattern[str] | RulePattern, Callable[[regex.Match[str]], str]]]
    rules = [(CONTROL_RULE, _CONTROL, lambda _match: "")]
    rules += [
        (r.name, r.pattern, _on_source(r, source)) for r in ruleset.normalize if ruleset.enabled(r.name)
    ]
    # rules written in simplified Chinese match traditional text too: they run on a script-folded copy
    # (one code point for one), and what they put in is taken from the source itself
    folded = Shadow(ruleset.matching.shadow, fold_widths=False)(source)
    translations = {r.name: TRANSLATIONS[r.translate] for r in ruleset.normalize if r.translate}
    for order, (name, pattern, expand) in enumerate(rules):
        for match in pattern.finditer(folded if name != CONTROL_RULE else source):
            start, end = match.span()
            if start == end or "\n" in source[start:end]:
                continue
            index = bisect.bisect_right(starts, start) - 1
            content_start, content_end = spans[index]
            if name != CONTROL_RULE:
                start, end = max(start, content_start), min(end, content_end)
                if start >= end:
                    continue
            inserted = expand(match)
            removed = source[start:end]
            if inserted == removed:
                continue
            number = lines[index].number
            edit = Edit(
                rule=name,
                action="replace" if inserted else "delete",
                start=start,
                end=end,
                first_line=number,
                last_line=number,
                removed=removed,
                inserted=inserted,
            )
            for part in _one_per_character(edit, translations.get(name)):
                proposals.append((part.start, order, part.end, part))
    proposals.sort(key=lambda item: (item[0], item[1]))
    accepted: list[Edit] = []
    last_end = -1
    for start, _order, end, edit in proposals:
        if start >= last_end:
            accepted.append(edit)
            last_end = end
    return accepted


def _on_source(rule: NormalizeRule, source: str) -> Callable[[regex.Match[str]], str]:
    """What replaces a match found on the folded copy, computed from the source text: a translation of
    the source slice, a literal replacement, or the template expanded against the same match in the
    source (against the folded copy only if the pattern does not match the source there)."""

    def expand(match: regex.Match[str]) -> str:
        start, end = match.span()
        if rule.translate:
            return rule.expand(match) if match.string is source else _translate(rule, source[start:end])
        if "\\" not in rule.replace:
            return rule.replace
        again = rule.pattern.fullmatch(source, start, end)
        return rule.expand(again if again is not None else match)

    return expand


def _one_per_character(edit: Edit, translate: Callable[[str], str] | None) -> list[Edit]:
    """A translation that changes the length of a run (``ﬁﬃ`` -> ``fiffi``) as one edit per source
    character, when it translates character by character: each output piece then stands for exactly the
    character it replaced, and no output offset points at a neighbour in the run."""
    removed, inserted = edit.removed, edit.inserted
    if translate is None or len(removed) < 2 or len(inserted) == len(removed):
        return [edit]
    parts = [translate(char) for char in removed]
    if "".join(parts) != inserted:
        return [edit]
    return [
        replace(
            edit,
            action="replace" if part else "delete",
            start=edit.start + i,
            end=edit.start + i + 1,
            removed=char,
            inserted=part,
        )
        for i, (char, part) in enumerate(zip(removed, parts, strict=True))
        if part != char
    ]


def _translate(rule: NormalizeRule, text: str) -> str:
    return TRANSLATIONS[rule.translate](text)


def line_pieces(source: str, lines: Sequence[Line], edits: Iterable[Edit]) -> list[tuple[Piece, ...]]:
    """Apply ``edits`` (sorted, non-overlapping) and return each line's content as pieces."""
    by_line: dict[int, list[Edit]] = {}
    for edit in edits:
        by_line.setdefault(edit.first_line, []).append(edit)
    result: list[tuple[Piece, ...]] = []
    for line in lines:
        start, end = line.content_start, line.content_end
        pieces: list[Piece] = []
        cursor = start
        for edit in by_line.get(line.number, ()):
            edit_start, edit_end = max(edit.start, start), min(edit.end, end)
            if edit_start >= edit_end:
                continue
            if edit_start > cursor:
                pieces.append(Piece(source[cursor:edit_start], cursor, edit_start))
            if edit.inserted:
                pieces.append(Piece(edit.inserted, edit_start, edit_end))
            cursor = edit_end
        if end > cursor:
            pieces.append(Piece(source[cursor:end], cursor, end))
        result.append(tuple(pieces))
    return result
