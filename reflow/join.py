"""Join passes: how the end of one line and the start of the next are glued back together.

The passes of :data:`reflow.stages.JOIN_PASSES` are tried in order; the first that applies says what
goes between the lines (nothing, one space) and whether a line-end hyphen is dropped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import regex

from reflow.ruleset import RuleSet
from reflow.stages import JOIN_PASSES

_WORD = regex.compile(r"\p{L}+(?:[-‐]\p{L}+)*")
_TRAILING_WORD = regex.compile(r"\p{L}+\Z")
_LEADING_WORD = regex.compile(r"\A\p{L}+")
#: How much of each line ``join.spaced`` sees on either side of the break (characters).
_REACH = 40
_CJK_PUNCT = regex.compile(r"[\p{East_Asian_Width=Wide}\p{East_Asian_Width=Fullwidth}]")


@dataclass(frozen=True, slots=True)
class Joint:
    """What to put between two lines: ``joiner`` text, and whether to drop the left line's last char."""

    rule: str
    joiner: str
    drop_hyphen: bool = False
    note: str = ""


class WordEvidence:
    """Counts of the words and hyphenated compounds of a document, for the hyphenation pass."""

    def __init__(self, text: str) -> None:
        self.counts: Counter[str] = Counter(match.casefold() for match in _WORD.findall(text))
        for compound in [w for w in self.counts if "-" in w or "‐" in w]:
            for part in regex.split(r"[-‐]", compound):
                self.counts[part] += self.counts[compound]

    def prefers_joined(self, left: str, right: str) -> bool:
        joined = (left + right).casefold()
        hyphenated = sum(self.counts.get(f"{left}{h}{right}".casefold(), 0) for h in "-‐")
        return self.counts.get(joined, 0) > 0 and hyphenated == 0


class JoinRules:
    """The join passes of one rule set."""

    def __init__(self, ruleset: RuleSet, evidence: WordEvidence) -> None:
        self.rules = ruleset.join
        self.evidence = evidence
        scripts = "".join(rf"\p{{{name}}}" for name in self.rules.no_space_scripts)
        self.no_space = regex.compile(f"[{scripts}]") if scripts else None
        self.passes = [name for name in JOIN_PASSES if ruleset.enabled(name)]

    def joint(self, left: str, right: str) -> Joint:
        """How to join a line ending in ``left`` to one starting with ``right``."""
        for name in self.passes:
            decided = getattr(self, name.replace(".", "_"))(left, right)
            if decided is not None:
                return decided  # type: ignore[no-any-return]
        return Joint("join.none", "")

    def join_hyphen(self, left: str, right: str) -> Joint | None:
        if len(left) < 2 or left[-1] not in self.rules.hyphens:
            return None
        before = _TRAILING_WORD.search(left[:-1])
        after = _LEADING_WORD.search(right)
        if before is None or after is None:
            return None
        policy = self.rules.hyphen_policy
        drop = policy == "drop" or (
            policy == "evidence"
            and right[:1].islower()
            and self.evidence.prefers_joined(before.group(), after.group())
        )
        word = before.group() + ("" if drop else "-") + after.group()
        return Joint(
            "join.hyphen", "", drop_hyphen=drop, note=f"{'dropped' if drop else 'kept'} hyphen: {word}"
        )

    def join_spaced(self, left: str, right: str) -> Joint | None:
        tail, head = left[-_REACH:], right[:_REACH]
        for match in self.rules.spaced.finditer(f"{tail}\n{head}"):
            if match.start() <= len(tail) < match.end():
                return Joint("join.spaced", " ", note=f"join.spaced matched {match.group()!r}")
        return None

    def join_cjk(self, left: str, right: str) -> Joint | None:
        a, b = left[-1:], right[:1]
        if self._is_cjk(a) or self._is_cjk(b):
            return Joint("join.cjk", "")
        return None

    def join_latin(self, left: str, right: str) -> Joint | None:
        if self.rules.space_before.fullmatch(left[-1:]) and self.rules.space_after.fullmatch(right[:1]):
            return Joint("join.latin", " ")
        return None

    def _is_cjk(self, char: str) -> bool:
        if not char:
            return False
        if self.no_space is not None and self.no_space.match(char):
            return True
        return bool(self.no_space is not None and _CJK_PUNCT.match(char))
