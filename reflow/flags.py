"""Flag passes: likely OCR and extraction errors reported with their position, the text left alone.

Each ``[[flags]]`` rule is run once over the shadow copy of the whole source (traditional folded to
simplified, so one rule serves both scripts); every match becomes an :class:`~reflow.model.Edit` with
action ``flag``, removing and inserting nothing, so ``--explain`` and ``reflow diff`` show it.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from reflow.model import Edit, Line
from reflow.ruleset import RuleSet
from reflow.shadow import Shadow


def propose(source: str, lines: Sequence[Line], ruleset: RuleSet) -> list[Edit]:
    """A ``flag`` edit for every match of every enabled flag rule."""
    rules = [rule for rule in ruleset.flags if ruleset.enabled(rule.name)]
    if not rules:
        return []
    folded = Shadow(ruleset.matching.shadow)(source)
    starts = [line.start for line in lines]
    edits: list[Edit] = []
    for rule in rules:
        for match in rule.pattern.finditer(folded):
            start, end = match.span()
            if start == end:
                continue
            first = bisect.bisect_right(starts, start)
            last = bisect.bisect_right(starts, end - 1)
            note = f"{rule.note or rule.description}: {source[start:end]!r}"
            edits.append(Edit(rule.name, "flag", start, end, first, last, note=note))
    return edits
