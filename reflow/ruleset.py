"""Rule sets: newspaper vocabulary loaded from TOML files into typed, compiled, validated objects.

A rule file is validated once, at load time; every problem in it (and in the files it ``extends``) is
reported together, with the file, the rule, the key, what is allowed and a did-you-mean. Passes then
trust the compiled :class:`RuleSet` and never look at raw TOML.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import regex

HyphenPolicy = Literal["keep", "drop", "evidence"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a rule file."""

    file: str
    rule: str
    key: str
    message: str

    def __str__(self) -> str:
        where = ".".join(part for part in (self.rule, self.key) if part)
        return f"{self.file}: {where}: {self.message}" if where else f"{self.file}: {self.message}"


class RuleFileError(Exception):
    """Raised with every problem found while loading a rule set."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True, slots=True)
class Example:
    """A conversion example carried by a rule file: raw ``input`` must give ``expected`` paragraphs."""

    title: str
    input: str
    expected: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LayoutRules:
    """How line widths are judged (see docs/rules.md)."""

    full_ratio: float
    very_short_ratio: float
    first_line_indent: int
    window: int
    max_line_width: int
    ambiguous_wide: bool


@dataclass(frozen=True, slots=True)
class PunctuationRules:
    """Which characters end sentences, close them, and may not start or end a line."""

    terminal: str
    closers: str
    no_line_start: str
    no_line_end: str
    paragraph_end: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class JoinRules:
    """How two hard-wrapped lines are joined back."""

    no_space_scripts: tuple[str, ...]
    space_before: regex.Pattern[str]
    space_after: regex.Pattern[str]
    hyphens: str
    hyphen_policy: HyphenPolicy


@dataclass(frozen=True, slots=True)
class NormalizeRule:
    """A regex applied to each source line; every match is replaced by ``replace`` (deleted if empty)."""

    name: str
    description: str
    pattern: regex.Pattern[str]
    replace: str
    examples: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A compiled, validated rule set."""

    name: str
    description: str
    files: tuple[str, ...]
    layout: LayoutRules
    punctuation: PunctuationRules
    join: JoinRules
    normalize: tuple[NormalizeRule, ...]
    disabled: frozenset[str]
    examples: tuple[Example, ...]

    def enabled(self, pass_name: str) -> bool:
        """Whether the pass or rule called ``pass_name`` (dotted) is switched on."""
        return pass_name not in self.disabled
