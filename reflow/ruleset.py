"""Rule sets: newspaper vocabulary loaded from TOML files into typed, compiled, validated objects.

A rule file is validated once, at load time; every problem in it (and in the files it ``extends``) is
reported together, with the file, the rule, the key, what is allowed and a did-you-mean. Passes then
trust the compiled :class:`RuleSet` and never look at raw TOML.

What a rule file may contain is declared in one place, :data:`_SPEC`: each table, each key, its type,
range or allowed values, its default and whether it is required. Adding a table (``[markers]`` ...) means
adding a frozen dataclass, a :data:`_SPEC` entry and a :class:`RuleSet` field of the same name; loading,
validation, ``extends`` merging and :func:`describe` follow from the spec. docs/rules.md documents it.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import hashlib
import importlib
import importlib.resources
import os
import tomllib
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

import regex

from reflow.model import LINE_ROLES
from reflow.stages import PASS_NAMES

__all__ = [
    "Example",
    "FlagRule",
    "FurnitureRule",
    "HeadingRule",
    "HeadlineRules",
    "HyphenPolicy",
    "JoinRules",
    "LayoutRules",
    "MarkerRule",
    "MatchingRules",
    "NormalizeRule",
    "PatternGuard",
    "PatternRule",
    "PatternTimeoutWarning",
    "Problem",
    "PunctuationRules",
    "RuleFileError",
    "RulePattern",
    "RuleSet",
    "builtin_rulesets",
    "check_files",
    "check_warnings",
    "describe",
    "fingerprint",
    "load_ruleset",
    "pattern_guard",
    "pattern_warnings",
]

HyphenPolicy = Literal["keep", "drop", "evidence"]


# --- Compiled patterns with a time limit --------------------------------------------------------------------

#: Seconds (of CPU time, as the regex module counts them) one match of a rule-file pattern may take, plus
#: :data:`SECONDS_PER_CHARACTER` for each character of the text it runs on; past that it is abandoned and
#: the rule skipped there (a recorded warning).
PATTERN_TIMEOUT = 0.5
SECONDS_PER_CHARACTER = 1e-6
#: After this many timeouts of one pattern in one conversion it is skipped for the rest of the conversion.
MAX_TIMEOUTS = 3
#: Whole-text scans (:meth:`RulePattern.finditer`) restart with a fresh time limit every so many characters.
_SCAN_CHUNK = 1 << 18
#: After a timeout, a scan goes on line by line for at most so many lines before scanning whole text again.
_RECOVERY_LINES = 1000


class PatternTimeoutWarning(RuntimeWarning):
    """A rule-file pattern ran out of time; issued when no :func:`pattern_guard` collects the warnings."""


@dataclass(slots=True)
class PatternGuard:
    """The time limit of rule-file patterns in one conversion and the timeouts met (:func:`pattern_guard`)."""

    timeout: float = PATTERN_TIMEOUT
    limit: int = MAX_TIMEOUTS
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def exhausted(self, pattern: RulePattern) -> bool:
        return self.counts.get(pattern.label, 0) >= self.limit

    def record(self, pattern: RulePattern, text: str, start: int, end: int, seconds: float) -> None:
        count = self.counts.get(pattern.label, 0) + 1
        self.counts[pattern.label] = count
        self.warnings.append(pattern.timeout_message(text, start, end, seconds, last=count >= self.limit))


_GUARD: ContextVar[PatternGuard | None] = ContextVar("reflow_pattern_guard", default=None)


@contextlib.contextmanager
def pattern_guard(timeout: float = PATTERN_TIMEOUT, limit: int = MAX_TIMEOUTS) -> Iterator[PatternGuard]:
    """Collect the pattern timeouts of the code run inside, with this time limit (one guard per conversion).

    >>> slow = RulePattern(regex.compile(r"(a|aa)+$"), "normalize.slow", "pattern", "mine.toml")
    >>> with pattern_guard(timeout=0.05) as guard:
    ...     print(slow.search("a" * 40 + "b"))
    None
    >>> print(guard.warnings[0][:75])
    mine.toml: normalize.slow.pattern: pattern '(a|aa)+$' took more than 0.05 s
    """
    guard = PatternGuard(timeout, limit)
    token = _GUARD.set(guard)
    try:
        yield guard
    finally:
        _GUARD.reset(token)


def _time_limit(length: int) -> float:
    """Seconds a pattern may take on ``length`` characters: the active guard's limit (``--regex-timeout``)
    or the default, plus a little per character."""
    guard = _GUARD.get()
    base = guard.timeout if guard is not None else PATTERN_TIMEOUT
    return base + length * SECONDS_PER_CHARACTER


_BACKREFERENCE = regex.compile(r"\\[1-9]|\\g<|\(\?P=|\(\?[0-9R&]")


class Prefilter:
    """Which of several rule patterns may match a text, found with one search per flag group.

    The patterns of a group are searched as one alternation: where it finds nothing, none of them can
    match anywhere in the text, so a line of body text costs one search instead of one per rule.
    Patterns that cannot join an alternation (backreferences, recursion) are always candidates, and so
    is every pattern of a group whose alternation runs out of time (each then runs under its own limit).
    """

    def __init__(self, patterns: Sequence[RulePattern]) -> None:
        groups: dict[int, list[int]] = {}
        self.always: list[int] = []
        for index, pattern in enumerate(patterns):
            if _BACKREFERENCE.search(pattern.pattern):
                self.always.append(index)
            else:
                groups.setdefault(pattern.flags, []).append(index)
        self.groups: list[tuple[regex.Pattern[str] | None, list[int]]] = []
        for flags, members in groups.items():
            joined = "|".join(f"(?:{patterns[i].pattern})" for i in members)
            try:
                compiled: regex.Pattern[str] | None = regex.compile(joined, flags)
            except regex.error:
                compiled = None  # each pattern compiles alone; together they do not: check each
            self.groups.append((compiled, members))

    def candidates(self, text: str) -> list[int]:
        """Indices (in the order given) of the patterns that may match ``text``."""
        found = list(self.always)
        for compiled, members in self.groups:
            if compiled is None:
                found.extend(members)
                continue
            try:
                hit = compiled.search(text, timeout=_time_limit(len(text))) is not None
            except TimeoutError:
                hit = True
            if hit:
                found.extend(members)
        return sorted(found)


@dataclass(frozen=True, slots=True)
class RulePattern:
    """A rule file's compiled pattern: ``regex`` matching with a time limit, so no pattern can hang a run.

    Offers the methods passes use (:meth:`search`, :meth:`match`, :meth:`fullmatch`, :meth:`finditer`,
    :meth:`sub`). A match that runs out of time counts as no match: the rule is skipped for that text
    (that line, in a whole-text :meth:`finditer`), and a warning naming the file, the rule and the line is
    recorded in the active :func:`pattern_guard` (else issued as a :class:`PatternTimeoutWarning`).
    """

    compiled: regex.Pattern[str]
    rule: str = field(default="", compare=False)
    key: str = field(default="", compare=False)
    file: str = field(default="", compare=False)

    @property
    def pattern(self) -> str:
        return self.compiled.pattern

    @property
    def flags(self) -> int:
        return self.compiled.flags

    @property
    def label(self) -> str:
        return f"{self.file}: {self.rule}.{self.key}" if self.rule else repr(self.pattern)

    def named(self, file: str, rule: str, key: str) -> RulePattern:
        """The same pattern, saying where it was defined."""
        return RulePattern(self.compiled, rule, key, file)

    def search(self, string: str, pos: int = 0, endpos: int | None = None) -> regex.Match[str] | None:
        return self._once(self.compiled.search, string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int | None = None) -> regex.Match[str] | None:
        return self._once(self.compiled.match, string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int | None = None) -> regex.Match[str] | None:
        return self._once(self.compiled.fullmatch, string, pos, endpos)

    def sub(self, repl: str | Callable[[regex.Match[str]], str], string: str) -> str:
        """``string`` with every match replaced; unchanged where the pattern runs out of time."""
        out: list[str] = []
        at = 0
        for found in self.finditer(string):
            out += [string[at : found.start()], repl(found) if callable(repl) else found.expand(repl)]
            at = found.end()
        return "".join([*out, string[at:]])

    def finditer(self, string: str, pos: int = 0, endpos: int | None = None) -> Iterator[regex.Match[str]]:
        """Every match in ``string[pos:endpos]``, scanning in chunks that each get their own time limit.

        After a timeout the scan goes on line by line from the last match, skipping the line where the
        pattern ran out of time (matches spanning lines are not found in those lines).
        """
        end = len(string) if endpos is None else min(endpos, len(string))
        at = pos
        while at <= end:
            guard = _GUARD.get()
            if guard is not None and guard.exhausted(self):
                return
            found, at, state = self._scan(string, at, end)
            yield from found
            if state == "done":
                return
            if state == "timeout":
                found, at = self._by_lines(string, at, end)
                yield from found

    def _once(
        self, method: Callable[..., regex.Match[str] | None], string: str, pos: int, endpos: int | None
    ) -> regex.Match[str] | None:
        guard = _GUARD.get()
        if guard is not None and guard.exhausted(self):
            return None
        end = len(string) if endpos is None else endpos
        limit = _time_limit(end - pos)
        try:
            return method(string, pos, endpos, timeout=limit)
        except TimeoutError:
            self._timed_out(string, pos, end, limit)
            return None

    def _scan(self, string: str, at: int, end: int) -> tuple[list[regex.Match[str]], int, str]:
        """Matches from ``at`` until one ends a chunk past it: (matches, where to go on, done|more|timeout).

        Each chunk gets its own time limit: a long text is not one match, and must not be timed as one."""
        found: list[regex.Match[str]] = []
        try:
            limit = _time_limit(min(_SCAN_CHUNK, end - at))
            for match in self.compiled.finditer(string, at, end, timeout=limit):
                found.append(match)
                if match.end() - at >= _SCAN_CHUNK and match.end() > match.start():
                    return found, match.end(), "more"
        except TimeoutError:
            return found, found[-1].end() if found else at, "timeout"
        return found, end, "done"

    def _by_lines(self, string: str, at: int, end: int) -> tuple[list[regex.Match[str]], int]:
        """Matches line by line from ``at``, up to and past the first line that runs out of time."""
        found: list[regex.Match[str]] = []
        for _ in range(_RECOVERY_LINES):
            if at >= end:
                return found, end + 1
            newline = string.find("\n", at, end)
            stop = end if newline == -1 else newline + 1
            limit = _time_limit(stop - at)
            try:
                found += self.compiled.finditer(string, at, stop, timeout=limit)
            except TimeoutError:
                self._timed_out(string, at, stop, limit)
                return found, stop
            at = stop
        return found, at

    def _timed_out(self, string: str, start: int, end: int, seconds: float) -> None:
        guard = _GUARD.get()
        if guard is not None:
            guard.record(self, string, start, end, seconds)
        else:
            warnings.warn(
                PatternTimeoutWarning(self.timeout_message(string, start, end, seconds, last=False)),
                stacklevel=3,
            )

    def timeout_message(self, string: str, start: int, end: int, seconds: float, *, last: bool) -> str:
        text = string[start:end].rstrip("\n")
        where = f"line {string.count(chr(10), 0, start) + 1} " if "\n" in string else ""
        excerpt = text if len(text) <= 30 else f"{text[:30]}…"
        then = "; the rule is skipped for the rest of this input" if last else "; the rule was skipped there"
        return (
            f"{self.label}: pattern {self.pattern!r} took more than {seconds:.2g} s on {where}"
            f"({len(text)} characters: {excerpt!r}){then}; rewrite it without nested or overlapping "
            "repeats (see 'reflow rules check')"
        )


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
    sentence_end_ratio: float
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
    mid_sentence: str

    def ends_paragraph(self, text: str) -> bool:
        """Does ``text`` end as a paragraph can: a terminal mark (closers may follow) or a lead-in ending?"""
        text = text.rstrip()
        stripped = text.rstrip(self.closers)
        return bool(stripped) and (stripped[-1] in self.terminal or text.endswith(self.paragraph_end))


@dataclass(frozen=True, slots=True)
class JoinRules:
    """How two hard-wrapped lines are joined back."""

    no_space_scripts: tuple[str, ...]
    space_before: RulePattern
    space_after: RulePattern
    hyphens: str
    hyphen_policy: HyphenPolicy
    letter_spacing: RulePattern
    spaced: RulePattern


#: Character mappings a [[normalize]] rule can apply to each match (``translate``) instead of a template.
_FULLWIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)}
TRANSLATIONS: Mapping[str, Callable[[str], str]] = {
    "NFKC": functools.partial(unicodedata.normalize, "NFKC"),
    "fullwidth": lambda text: text.translate(_FULLWIDTH),
}


@dataclass(frozen=True, slots=True)
class NormalizeRule:
    """A regex applied to each source line; every match is replaced by ``replace`` (deleted if empty),
    or by its ``translate`` form (``NFKC``: Unicode compatibility form; ``fullwidth``: ASCII made full-width).
    """

    name: str
    description: str
    pattern: RulePattern
    replace: str
    translate: str
    examples: tuple[tuple[str, str], ...]

    def expand(self, match: regex.Match[str]) -> str:
        """The text that replaces ``match``."""
        if self.translate:
            return TRANSLATIONS[self.translate](match.group())
        return match.expand(self.replace) if self.replace else ""

    def apply(self, text: str) -> str:
        """``text`` with every match replaced, as the rule's examples are checked."""
        return self.pattern.sub(self.expand, text)


FurnitureKind = Literal["header", "footer", "page_number", "masthead", "credit", "caption"]
JumpDirection = Literal["from", "to"]
MarkerPlacement = Literal["line", "end", "start"]
HeadlinePreference = Literal["overlap", "previous", "next"]


@dataclass(frozen=True, slots=True)
class MatchingRules:
    """How structure patterns are matched: on a script-folded shadow copy of the text."""

    shadow: str


@dataclass(frozen=True, slots=True)
class FurnitureRule:
    """Page furniture (running heads, page numbers, credits): whole lines kept out of the body."""

    name: str
    description: str
    pattern: RulePattern
    kind: FurnitureKind
    examples: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class MarkerRule:
    """A continuation (jump) marker; its ``page`` group is the page label as printed."""

    name: str
    description: str
    pattern: RulePattern
    direction: JumpDirection
    placement: MarkerPlacement
    examples: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class HeadingRule:
    """A numbered or marked section heading of a given level."""

    name: str
    description: str
    pattern: RulePattern
    level: int
    max_length: int
    examples: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class PatternRule:
    """A named pattern with no other settings: a dateline opening an article's first paragraph (with
    optional ``dateline`` and ``byline`` groups) or an end cue (（完）, editor credits)."""

    name: str
    description: str
    pattern: RulePattern
    examples: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class FlagRule:
    """A likely OCR or extraction error to report, never to change: the match is flagged with ``note``."""

    name: str
    description: str
    pattern: RulePattern
    note: str
    examples: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class HeadlineRules:
    """What headline stacks look like and where to attach them."""

    subtitle: RulePattern
    cue: RulePattern
    max_length: int
    subtitle_max_length: int
    subhead_max_length: int
    kicker_first: bool
    prefer: HeadlinePreference
    reach: int
    skip_cost: float
    lead_in: RulePattern


@dataclass(frozen=True, slots=True)
class RoleRules:
    """Weights of the line-role decoder: ``weights[role][feature]`` (see :mod:`reflow.roles`).

    Empty weights switch the decoder off: breaks and structure are then decided pass by pass.
    """

    weights: Mapping[str, Mapping[str, float]]

    @property
    def enabled(self) -> bool:
        return bool(self.weights)


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
    matching: MatchingRules
    headlines: HeadlineRules
    furniture: tuple[FurnitureRule, ...]
    markers: tuple[MarkerRule, ...]
    headings: tuple[HeadingRule, ...]
    datelines: tuple[PatternRule, ...]
    end_cues: tuple[PatternRule, ...]
    flags: tuple[FlagRule, ...]
    cues: tuple[PatternRule, ...] = ()
    roles: RoleRules = RoleRules({})
    #: The rule files read, as absolute paths (the set's own file first, then those it extends).
    paths: tuple[str, ...] = ()

    def enabled(self, pass_name: str) -> bool:
        """Whether the pass or rule called ``pass_name`` (dotted) is switched on."""
        return pass_name not in self.disabled

    @property
    def decodes_roles(self) -> bool:
        """Whether lines get their roles from the decoder: weights given and the ``roles`` pass on."""
        return self.roles.enabled and self.enabled("roles")


# --- Value types: how one key's TOML value is checked and converted -------------------------------------


class _Invalid(Exception):
    """A TOML value that does not fit its key; one message per thing wrong with it."""

    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = messages


class _Type:
    """Base of the value types: ``expected`` says in words what is allowed, ``check`` converts or raises."""

    __slots__ = ()

    @property
    def expected(self) -> str:
        raise NotImplementedError

    def check(self, value: object) -> Any:
        raise NotImplementedError

    def wrong(self, value: object) -> _Invalid:
        return _Invalid(f"expected {self.expected}, got {_show(value)}")


@dataclass(frozen=True, slots=True)
class _Text(_Type):
    non_empty: bool = False

    @property
    def expected(self) -> str:
        return "a non-empty string" if self.non_empty else "a string"

    def check(self, value: object) -> Any:
        if not isinstance(value, str) or (self.non_empty and not value):
            raise self.wrong(value)
        return value


_IDENTIFIER = regex.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class _Name(_Type):
    @property
    def expected(self) -> str:
        return "a name of ASCII letters, digits and underscores, not starting with a digit (like han_latin)"

    def check(self, value: object) -> Any:
        if not isinstance(value, str) or not _IDENTIFIER.fullmatch(value):
            raise self.wrong(value)
        return value


@dataclass(frozen=True, slots=True)
class _Flag(_Type):
    @property
    def expected(self) -> str:
        return "true or false"

    def check(self, value: object) -> Any:
        if not isinstance(value, bool):
            raise self.wrong(value)
        return value


@dataclass(frozen=True, slots=True)
class _Number(_Type):
    """A number in ``low .. high`` (``high`` None: no upper bound); ``whole`` for integers only."""

    low: int
    high: int | None
    low_excluded: bool = False
    whole: bool = False

    @property
    def expected(self) -> str:
        kind = "a whole number" if self.whole else "a number"
        if self.high is None:
            return (
                f"{kind} greater than {self.low}" if self.low_excluded else f"{kind} of at least {self.low}"
            )
        if self.low_excluded:
            return f"{kind} between {self.low} and {self.high} ({self.low} excluded)"
        return f"{kind} from {self.low} to {self.high}"

    def check(self, value: object) -> Any:
        # bool is an int in Python, but `true` is no number in a rule file.
        allowed = (int,) if self.whole else (int, float)
        if isinstance(value, bool) or not isinstance(value, allowed):
            raise self.wrong(value)
        above_low = value > self.low if self.low_excluded else value >= self.low
        if not (above_low and (self.high is None or value <= self.high)):  # NaN fails both
            raise self.wrong(value)
        return value if self.whole else float(value)


@dataclass(frozen=True, slots=True)
class _Choice(_Type):
    values: tuple[str, ...]

    @property
    def expected(self) -> str:
        return "one of " + ", ".join(repr(v) for v in self.values)

    def check(self, value: object) -> Any:
        if value not in self.values:
            hint = _did_you_mean(value, self.values) if isinstance(value, str) else ""
            raise _Invalid(f"expected {self.expected}, got {_show(value)}{hint}")
        return value


@dataclass(frozen=True, slots=True)
class _Texts(_Type):
    """A list of strings, returned as a tuple."""

    non_empty: bool = False

    @property
    def expected(self) -> str:
        return "a list of non-empty strings" if self.non_empty else "a list of strings"

    def check(self, value: object) -> Any:
        if not isinstance(value, list):
            raise self.wrong(value)
        bad = [
            f"item {i}: expected {'a non-empty string' if self.non_empty else 'a string'}, got {_show(item)}"
            for i, item in enumerate(value, 1)
            if not isinstance(item, str) or (self.non_empty and not item)
        ]
        if bad:
            raise _Invalid(*bad)
        return tuple(value)


@dataclass(frozen=True, slots=True)
class _PassNames(_Texts):
    """Dotted pass names; whether each one exists is checked once the rule set is resolved."""

    non_empty: bool = True

    @property
    def expected(self) -> str:
        return 'a list of pass names (like "join.latin" or "normalize.han_latin_space")'


@dataclass(frozen=True, slots=True)
class _Pairs(_Type):
    """A list of ``[input, expected]`` string pairs, returned as a tuple of tuples."""

    @property
    def expected(self) -> str:
        return 'a list of ["input", "expected output"] string pairs'

    def check(self, value: object) -> Any:
        if not isinstance(value, list):
            raise self.wrong(value)
        bad = [
            f'item {i}: expected an ["input", "expected output"] pair of strings, got {_show(pair)}'
            for i, pair in enumerate(value, 1)
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(s, str) for s in pair))
        ]
        if bad:
            raise _Invalid(*bad)
        return tuple((pair[0], pair[1]) for pair in value)


class _Weights(_Type):
    """Line-role weights: a table per role of ``feature = number``."""

    @property
    def expected(self) -> str:
        return f"a table per line role ({', '.join(LINE_ROLES[1:])}) of feature = number"

    def check(self, value: object) -> Any:
        if not isinstance(value, dict):
            raise self.wrong(value)
        bad = []
        known = set(LINE_ROLES[1:])
        for role, table in value.items():
            if role not in known:
                hint = _did_you_mean(role, known)
                bad.append(f"unknown line role {role!r}{hint}; roles: {', '.join(LINE_ROLES[1:])}")
            elif not isinstance(table, dict) or not all(
                isinstance(w, int | float) and not isinstance(w, bool) for w in table.values()
            ):
                bad.append(f"{role}: expected a table of feature = number")
        if bad:
            raise _Invalid(*bad)
        # plain dicts, so a rule set pickles (to worker processes); nothing changes them after loading
        return {role: {str(f): float(w) for f, w in table.items()} for role, table in value.items()}


# One character class: [...] (with escapes and POSIX [:name:] inside), \p{..}, \d-style escapes, an
# escaped or plain single character, or '.', optionally after inline flags like (?i).
_ONE_CHARACTER_CLASS = regex.compile(
    r"""
    (?:\(\?[a-zA-Z]+\))?
    (?:
        \[ \^? \]? (?: \[:\^?[A-Za-z]+:\] | \\. | [^\]\\] )* \]
      | \\[pP](?:\{[^{}]*\}|[A-Za-z])
      | \\N\{[^{}]*\}
      | \\x[0-9A-Fa-f]{2} | \\u[0-9A-Fa-f]{4} | \\U[0-9A-Fa-f]{8}
      | \\[dDsSwWhHvV]
      | \\[^A-Za-z0-9]
      | [^\\\[\](){}|*+?^$]
    )
    """,
    regex.VERBOSE | regex.DOTALL,
)


@dataclass(frozen=True, slots=True)
class _Pattern(_Type):
    """A regular expression (``regex`` module syntax), returned compiled."""

    one_character: bool = False

    @property
    def expected(self) -> str:
        if self.one_character:
            return r"a regular expression of one character class, like '[\p{Latin}\p{N}]' or '\S'"
        return "a regular expression (Python regex module syntax)"

    def check(self, value: object) -> Any:
        if not isinstance(value, str):
            raise self.wrong(value)
        try:
            compiled = regex.compile(value)
        except regex.error as err:
            raise _Invalid(_regex_error(value, err)) from None
        if self.one_character and not _ONE_CHARACTER_CLASS.fullmatch(value):
            raise _Invalid(
                f"expected {self.expected}, got {_show(value)}: it is matched against one character, so "
                "write a single [...] class (put alternatives inside the brackets, no quantifiers)"
            )
        return RulePattern(compiled)


@dataclass(frozen=True, slots=True)
class _Scripts(_Type):
    r"""Unicode script names as ``\p{...}`` understands them (Han, Latin, Hiragana ...), as a tuple."""

    @property
    def expected(self) -> str:
        return 'a list of Unicode script names (like "Han", "Hiragana", "Latin")'

    def check(self, value: object) -> Any:
        names = _Texts(non_empty=True).check(value) if isinstance(value, list) else None
        if names is None:
            raise self.wrong(value)
        bad = [
            f"item {i}: {_unknown_script(name)}" for i, name in enumerate(names, 1) if not _is_script(name)
        ]
        if bad:
            raise _Invalid(*bad)
        return names


@functools.cache
def _is_script(name: str) -> bool:
    # \p{Name} is how the join pass uses the name; \p{Script=Name} makes sure it is a script (not \p{L}).
    try:
        regex.compile(rf"\p{{{name}}}\p{{Script={name}}}")
    except regex.error:
        return False
    return True


@functools.cache
def _script_names() -> tuple[str, ...]:
    """Script names the regex module knows, for did-you-mean (its table is private: best effort)."""
    try:
        table = importlib.import_module("regex._regex_core").PROPERTIES["SCRIPT"][1]
        return tuple(sorted(name.capitalize() for name in table if len(name) > 4 or name in ("HAN", "LAO")))
    except (ImportError, AttributeError, KeyError, IndexError, TypeError):
        return ("Arabic", "Bopomofo", "Cyrillic", "Greek", "Han", "Hangul", "Hiragana", "Katakana", "Latin")


def _unknown_script(name: str) -> str:
    loose = {n.upper(): n for n in _script_names()}
    key = regex.sub(r"[\s_\-]", "", name).upper()
    matches = difflib.get_close_matches(key, loose, n=1)
    hint = f" (did you mean {loose[matches[0]]!r}?)" if matches else ""
    return (
        f"unknown Unicode script {name!r}{hint}; use script names as in \\p{{Han}}, "
        "for example Han, Hiragana, Katakana, Hangul, Latin, Cyrillic"
    )


# --- The spec: every table and key a rule file may contain -----------------------------------------------

_REQUIRED: Any = object()  # default of a required key
_BAD: Any = object()  # value of a key that was present but invalid (already reported)

#: How a table combines with the same table of the rule set it extends.
#: own: not inherited; keys: key by key, the child wins; by_name: array items with the same ``name``
#: replace the parent's, new ones are appended; append: the parent's items, then the child's.
Merge = Literal["own", "keys", "by_name", "append"]


@dataclass(frozen=True, slots=True)
class _Key:
    type: _Type
    doc: str
    default: Any = _REQUIRED

    @property
    def required(self) -> bool:
        return self.default is _REQUIRED


@dataclass(frozen=True, slots=True)
class _Table:
    doc: str
    keys: Mapping[str, _Key]
    merge: Merge
    array: bool = False
    #: Builds the compiled object from the checked values (one per item for arrays); None: handled apart.
    make: Callable[..., Any] | None = None
    #: Cross-key checks of one checked item/table: yields (key, message) for each problem.
    check: Callable[[Mapping[str, Any]], Iterable[tuple[str, str]]] | None = None


def _make_normalize_rule(
    name: str,
    description: str,
    pattern: RulePattern,
    replace: str,
    translate: str,
    examples: tuple[tuple[str, str], ...],
) -> NormalizeRule:
    return NormalizeRule(f"normalize.{name}", description, pattern, replace, translate, examples)


def _check_replacement(rule: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    pattern, replace = rule.get("pattern"), rule.get("replace")
    if replace and rule.get("translate"):
        yield "translate", "give either replace or translate, not both: translate replaces each match itself"
    if isinstance(pattern, RulePattern) and isinstance(replace, str):
        try:
            # Group references are only resolved against a match: make one that always matches "" and
            # has the same groups (unmatched groups expand to "").
            probe = regex.compile(f"(?:{pattern.pattern}\n)|", pattern.flags).match("")
            if probe is not None:
                probe.expand(replace)
        except (regex.error, IndexError) as err:
            message = (
                f"invalid replacement {_show(replace)}: {err}; refer to groups of the pattern as \\1 or "
                "\\g<name>, and write a literal backslash as \\\\"
            )
            yield "replace", message


def _rule_array(doc: str, make: Callable[..., Any], table: str, **extra: _Key) -> _Table:
    """A table of named regex rules whose passes are called ``<table>.<name>``."""

    def build(name: str, **values: Any) -> Any:
        return make(name=f"{table}.{name}", **values)

    return _Table(
        doc,
        {
            "name": _Key(_Name(), f"Rule name; the pass is called {table}.<name>."),
            "description": _Key(_Text(), "What the rule recognises.", ""),
            "pattern": _Key(_Pattern(), "Regular expression, matched on the shadow copy of the text."),
            **extra,
            "examples": _Key(_Pairs(), "[input, expected] pairs, run as tests.", ()),
        },
        merge="by_name",
        array=True,
        make=build,
    )


#: Array tables whose items are named rules (pass ``<table>.<name>``).
RULE_ARRAYS = ("normalize", "furniture", "markers", "headings", "datelines", "end_cues", "flags", "cues")


def _ratio(doc: str) -> _Key:
    return _Key(_Number(0, 1, low_excluded=True), doc)


_SPEC: dict[str, _Table] = {
    "ruleset": _Table(
        "Name of the rule set, what it extends and which passes it switches off.",
        {
            "name": _Key(_Text(non_empty=True), "Name shown in output and by `reflow rules list`."),
            "description": _Key(_Text(), "One line saying what the rule set is for.", ""),
            "extends": _Key(_Text(non_empty=True), "Built-in name or path (relative to this file).", None),
            "disable": _Key(_PassNames(), "Passes and normalize rules switched off.", ()),
            "enable": _Key(_PassNames(), "Passes switched back on that the extended set disabled.", ()),
        },
        merge="own",
    ),
    "layout": _Table(
        "How line widths are judged.",
        {
            "full_ratio": _ratio("A line at least this fraction of the full-line width counts as full."),
            "sentence_end_ratio": _Key(
                _Number(0, 1, low_excluded=True), "The same for a line ending a sentence (stricter).", 0.9
            ),
            "very_short_ratio": _ratio("A line shorter than this fraction ends its paragraph."),
            "first_line_indent": _Key(
                _Number(0, 8, whole=True), "Characters of first-line indentation the extraction dropped."
            ),
            "window": _Key(_Number(5, None, whole=True), "Lines per window when estimating the full width."),
            "max_line_width": _Key(
                _Number(1, None, whole=True), "Lines wider than this (display columns) are not hard-wrapped."
            ),
            "ambiguous_wide": _Key(_Flag(), "Count East Asian Ambiguous characters as wide."),
        },
        merge="keys",
        make=LayoutRules,
    ),
    "punctuation": _Table(
        "Which characters end sentences, close them, and may not start or end a line.",
        {
            "terminal": _Key(_Text(), "Sentence-final marks."),
            "closers": _Key(_Text(), "Closing marks that may follow a terminal mark."),
            "no_line_start": _Key(_Text(), "Marks that never start a line."),
            "no_line_end": _Key(_Text(), "Marks that never end a line."),
            "paragraph_end": _Key(_Texts(non_empty=True), "Other line endings that may close a paragraph."),
            "mid_sentence": _Key(_Text(), "Marks after which a sentence always goes on.", ""),
        },
        merge="keys",
        make=PunctuationRules,
    ),
    "join": _Table(
        "How two hard-wrapped lines are joined back.",
        {
            "no_space_scripts": _Key(_Scripts(), "Scripts that join across a line break with no space."),
            "space_before": _Key(_Pattern(one_character=True), "Last character that allows a joining space."),
            "space_after": _Key(_Pattern(one_character=True), "First character that allows a joining space."),
            "hyphens": _Key(_Text(), "Characters that are a line-end hyphen between two letters."),
            "hyphen_policy": _Key(_Choice(get_args(HyphenPolicy)), "What to do with a line-end hyphen."),
            "letter_spacing": _Key(
                _Pattern(),
                "Spaces in a paragraph's text that are the letter spacing of a justified line, deleted once "
                "the paragraphs are built.",
                RulePattern(regex.compile(r"(?!)"), "join", "letter_spacing"),
            ),
            "spaced": _Key(
                _Pattern(),
                "Where a line break is a space: matched on the end of the line, a newline and the start of "
                "the next; a match that takes in the newline joins the lines with one space.",
                RulePattern(regex.compile(r"(?!)"), "join", "spaced"),
            ),
        },
        merge="keys",
        make=JoinRules,
    ),
    "normalize": _Table(
        "Regex replacements applied to each source line.",
        {
            "name": _Key(_Name(), "Rule name; the pass is called normalize.<name>."),
            "description": _Key(_Text(), "What the rule fixes.", ""),
            "pattern": _Key(_Pattern(), "Regular expression to find."),
            "replace": _Key(_Text(), "Replacement template; empty deletes the match.", ""),
            "translate": _Key(
                _Choice(("", *TRANSLATIONS)), "Mapping applied to each match instead of replace.", ""
            ),
            "examples": _Key(_Pairs(), "[input, expected] pairs, run as tests.", ()),
        },
        merge="by_name",
        array=True,
        make=_make_normalize_rule,
        check=_check_replacement,
    ),
    "matching": _Table(
        "How structure patterns are matched.",
        {
            "shadow": _Key(
                _Choice(("", "t2s", "tw2s", "hk2s", "jp2t")),
                "OpenCC character conversion making the copy patterns are matched on ('' for none).",
                "",
            ),
        },
        merge="keys",
        make=MatchingRules,
    ),
    "headlines": _Table(
        "What headline stacks look like and where to attach them.",
        {
            "subtitle": _Key(
                _Pattern(),
                "A line that is a subtitle (副题).",
                RulePattern(regex.compile(r"^——"), "headlines", "subtitle"),
            ),
            "cue": _Key(
                _Pattern(),
                "A line that can only be a headline line.",
                RulePattern(regex.compile(r"(?!)"), "headlines", "cue"),
            ),
            "max_length": _Key(_Number(1, None, whole=True), "Longest headline line, in characters.", 40),
            "subtitle_max_length": _Key(
                _Number(1, None, whole=True), "Longest subtitle, in characters.", 120
            ),
            "subhead_max_length": _Key(
                _Number(1, None, whole=True), "Longest unnumbered subhead, in characters.", 24
            ),
            "kicker_first": _Key(
                _Flag(), "Of two stacked lines without a subtitle mark, the first is a kicker.", True
            ),
            "prefer": _Key(
                _Choice(get_args(HeadlinePreference)),
                "Attach a stack to the article it overlaps most, or always to the previous/next one.",
                "overlap",
            ),
            "reach": _Key(
                _Number(0, None, whole=True),
                "With prefer = overlap: how many articles past its place in text order a stack may go to.",
                2,
            ),
            "skip_cost": _Key(
                _Number(0, None),
                "With prefer = overlap: what each article further than its place in text order costs "
                "against the share of the stack's words found in the article.",
                0.1,
            ),
            "lead_in": _Key(
                _Pattern(),
                "A paragraph that opens an article ahead of its dateline (an editor's note, a boxed "
                "summary): the dateline after it is the same article's.",
                RulePattern(regex.compile(r"(?!)"), "headlines", "lead_in"),
            ),
        },
        merge="keys",
        make=HeadlineRules,
    ),
    "furniture": _rule_array(
        "Page furniture: whole lines kept out of the body.",
        FurnitureRule,
        "furniture",
        kind=_Key(_Choice(get_args(FurnitureKind)), "What the line is on the page."),
    ),
    "markers": _rule_array(
        "Continuation (jump) markers.",
        MarkerRule,
        "markers",
        direction=_Key(
            _Choice(get_args(JumpDirection)), "from: continued from a page; to: continues on one."
        ),
        placement=_Key(
            _Choice(get_args(MarkerPlacement)),
            "line: the marker is a whole line; end/start: glued to the end/start of a paragraph.",
            "line",
        ),
    ),
    "headings": _rule_array(
        "Numbered or marked section headings.",
        HeadingRule,
        "headings",
        level=_Key(_Number(1, 6, whole=True), "Section level (1 = top)."),
        max_length=_Key(_Number(1, None, whole=True), "Longest heading, in characters.", 40),
    ),
    "datelines": _rule_array("Datelines opening an article.", PatternRule, "datelines"),
    "end_cues": _rule_array("Text that ends an article.", PatternRule, "end_cues"),
    "flags": _rule_array(
        "Likely OCR or extraction errors, reported in the explain log and never changed.",
        FlagRule,
        "flags",
        note=_Key(_Text(), "What the flag tells the reader (shown in the explain log).", ""),
    ),
    "cues": _rule_array(
        "Line cues: patterns that are evidence for the line-role decoder (feature cue:<name>); their "
        "meaning is in the [roles] weights, not in the pattern.",
        PatternRule,
        "cues",
    ),
    "roles": _Table(
        "Weights of the line-role decoder, fitted by `reflow rules fit` (empty: decoder off).",
        {
            "weights": _Key(_Weights(), "A table per line role of feature = weight.", {}),
        },
        merge="keys",
        make=RoleRules,
    ),
    "examples": _Table(
        "Whole conversion examples, run as tests.",
        {
            "title": _Key(_Text(), "What the example shows.", ""),
            "input": _Key(_Text(), "Raw text as extracted."),
            "expected": _Key(_Texts(), "The paragraphs it must give."),
        },
        merge="own",
        array=True,
        make=Example,
    ),
}


# --- Messages ----------------------------------------------------------------------------------------------


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    matches = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {matches[0]!r}?)" if matches else ""


def _show(value: object, limit: int = 60) -> str:
    """A TOML-ish rendering of a value for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        text = "[" + ", ".join(_show(item, limit) for item in value) + "]"
    elif isinstance(value, str):
        # As a TOML literal string where possible, so a regex shows with the backslashes the file has.
        text = f"'{value}'" if "'" not in value and value.isprintable() else _toml(value)
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _display_width(text: str) -> int:
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text
    )


def _caret(text: str, position: int, room: int = 30) -> str:
    """Two indented lines: an excerpt of ``text`` around ``position`` and a caret under it."""
    text = regex.sub(r"[\t\n\r\f\v]", " ", text)
    start, end = max(0, position - room), min(len(text), position + room)
    before = ("…" if start else "") + text[start:position]
    excerpt = before + text[position:end] + ("…" if end < len(text) else "")
    return f"\n    {excerpt}\n    {' ' * _display_width(before)}^"


def _regex_error(pattern: str, err: regex.error) -> str:
    message = str(getattr(err, "msg", "") or err)
    position = getattr(err, "pos", None)
    if not isinstance(position, int):
        return f"invalid regular expression: {message}"
    return (
        f"invalid regular expression: {message} at position {position} (counting from 0)"
        f"{_caret(pattern, position)}"
    )


def _allowed_keys(table: str) -> str:
    return ", ".join(_SPEC[table].keys)


def _home_of(key: str) -> str:
    homes = [f"[{t}]" if not spec.array else f"[[{t}]]" for t, spec in _SPEC.items() if key in spec.keys]
    return f"; {key!r} belongs in {' or '.join(homes)}" if homes else ""


# --- Reading and checking one file -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Source:
    """A rule file: its resolved path and the name shown in messages."""

    path: Path
    display: str


@dataclass(slots=True)
class _Layer:
    """One rule file's own content, checked: values converted, invalid ones replaced by ``_BAD``."""

    tables: dict[str, dict[str, Any]]
    arrays: dict[str, list[dict[str, Any]]]
    problems: list[Problem]


_TOML_POSITION = regex.compile(r"\s*\(at line (\d+), column (\d+)\)$|\s*\(at end of document\)$")


def _read(source: _Source) -> tuple[dict[str, Any] | None, list[Problem]]:
    def problem(message: str) -> tuple[None, list[Problem]]:
        return None, [Problem(source.display, "", "", message)]

    try:
        text = source.path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return problem("no such file; give the path of a .toml rule file or a built-in name")
    except UnicodeDecodeError as err:
        return problem(f"not UTF-8 text ({err.reason} at byte {err.start}); save the file as UTF-8")
    except OSError as err:
        return problem(f"cannot read the file: {err.strerror}")
    try:
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        found = _TOML_POSITION.search(message)
        reason = message[: found.start()] if found else message
        if found and found.group(1):
            line, column = int(found.group(1)), int(found.group(2))
            source_line = text.splitlines()[line - 1] if line <= len(text.splitlines()) else ""
            where = f"at line {line}, column {column}: {reason}{_caret(source_line, column - 1, room=60)}"
        else:
            where = f"at the end of the file: {reason} (an unclosed bracket, quote or table?)"
        return problem(f"TOML syntax error {where}\n    fix the syntax (see https://toml.io/en/v1.0.0)")


def _check_layer(source: _Source, data: Mapping[str, Any]) -> _Layer:
    layer = _Layer({}, {}, [])
    problems = layer.problems
    for table, content in data.items():
        spec = _SPEC.get(table)
        if spec is None:
            if isinstance(content, dict | list):
                hint = _did_you_mean(table, _SPEC)
                message = f"unknown table {table!r}{hint}; allowed tables: {', '.join(_SPEC)}"
            else:
                message = f"key {table!r} is outside any table{_home_of(table)}"
            problems.append(Problem(source.display, table, "", message))
        elif spec.array:
            if not isinstance(content, list) or not all(isinstance(item, dict) for item in content):
                problems.append(
                    Problem(source.display, table, "", f"expected [[{table}]] entries (an array of tables)")
                )
                continue
            layer.arrays[table] = [
                _check_table(source, table, _item_label(table, spec, item, i), item, problems)
                for i, item in enumerate(content, 1)
            ]
            _check_unique_names(source, table, spec, layer.arrays[table], problems)
        elif not isinstance(content, dict):
            problems.append(
                Problem(source.display, table, "", f"expected a [{table}] table, got {_show(content)}")
            )
        else:
            layer.tables[table] = _check_table(source, table, table, content, problems)
    for table, spec in _SPEC.items():
        if spec.merge == "own" and table not in layer.tables and not spec.array:
            # Report its required keys as missing (e.g. the [ruleset] name).
            layer.tables[table] = _check_table(source, table, table, {}, problems)
    return layer


def _item_label(table: str, spec: _Table, item: Mapping[str, Any], index: int) -> str:
    name = item.get("name")
    if "name" in spec.keys and isinstance(name, str) and name:
        return f"{table}.{name}"
    return f"{table}[{index}]"


def _check_table(
    source: _Source, table: str, label: str, raw: Mapping[str, Any], problems: list[Problem]
) -> dict[str, Any]:
    spec = _SPEC[table]
    values: dict[str, Any] = {}
    for key, value in raw.items():
        key_spec = spec.keys.get(key)
        if key_spec is None:
            problems.append(
                Problem(
                    source.display,
                    label,
                    key,
                    f"unknown key{_did_you_mean(key, spec.keys)}; allowed keys in "
                    f"{'[[' + table + ']]' if spec.array else '[' + table + ']'}: {_allowed_keys(table)}",
                )
            )
            continue
        try:
            checked = key_spec.type.check(value)
            if isinstance(checked, RulePattern):
                checked = checked.named(source.display, label, key)
            values[key] = checked
        except _Invalid as invalid:
            values[key] = _BAD
            problems.extend(Problem(source.display, label, key, message) for message in invalid.messages)
    # Keys of inherited tables may come from the extended rule set: checked after merging instead.
    if spec.merge != "keys":
        for key, key_spec in spec.keys.items():
            if key_spec.required and key not in values:
                what = f"every [[{table}]] entry" if spec.array else f"[{table}]"
                problems.append(
                    Problem(
                        source.display, label, key, f"missing; {what} needs {key} = {key_spec.type.expected}"
                    )
                )
    if spec.check is not None:
        problems.extend(Problem(source.display, label, key, message) for key, message in spec.check(values))
    return values


def _check_unique_names(
    source: _Source, table: str, spec: _Table, items: Sequence[Mapping[str, Any]], problems: list[Problem]
) -> None:
    if "name" not in spec.keys:
        return
    seen: set[str] = set()
    for item in items:
        name = item.get("name")
        if isinstance(name, str) and name in seen:
            problems.append(
                Problem(
                    source.display,
                    f"{table}.{name}",
                    "name",
                    f"{name!r} is used by two [[{table}]] entries in this file; rename one (to replace a "
                    "rule of the extended rule set, one entry with its name is enough)",
                )
            )
        elif isinstance(name, str):
            seen.add(name)


# --- Finding rule files ------------------------------------------------------------------------------------


@functools.cache
def _builtin_dir() -> Path:
    try:
        found = importlib.resources.files("reflow.builtin_rules")
    except ImportError:
        found = None
    if isinstance(found, Path) and found.is_dir():
        return found.resolve()
    return Path(__file__).resolve().parent.parent / "rules"


def _builtin_names() -> list[str]:
    return sorted(path.stem for path in _builtin_dir().glob("*.toml"))


def _builtin_source(path: Path) -> _Source:
    return _Source(path, f"rules/{path.name}")


def _is_builtin(source: _Source) -> bool:
    return source.path.parent == _builtin_dir()


def _looks_like_name(text: str) -> bool:
    return not text.endswith(".toml") and "/" not in text and os.sep not in text


def _locate(reference: str | Path, base: _Source | None) -> _Source | str:
    """The rule file a built-in name or a path refers to, or a message saying why there is none.

    Paths in ``extends`` are relative to the extending file (``base``); others to the working directory.
    """
    if isinstance(reference, str) and _looks_like_name(reference):
        path = _builtin_dir() / f"{reference}.toml"
        if path.is_file():
            return _builtin_source(path)
        names = _builtin_names()
        return (
            f"unknown rule set {reference!r}{_did_you_mean(reference, names)}; built-in rule sets: "
            f"{', '.join(names)}; to use a file, give its path ending in .toml"
        )
    path = Path(reference)
    display = str(reference)
    if base is not None and not path.is_absolute():
        path = base.path.parent / path
        display = os.path.normpath(os.path.join(os.path.dirname(base.display), reference))
    if not path.is_file():
        if base is not None:
            return f"no such file: {display} (paths in extends are relative to the extending file)"
        builtins = ", ".join(_builtin_names())
        return f"no such file: {display}; give the path of a .toml rule file or a built-in name ({builtins})"
    resolved = path.resolve()
    if resolved.parent == _builtin_dir():
        return _builtin_source(resolved)
    return _Source(resolved, display)


# --- Resolving extends and merging -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Resolved:
    """A rule file merged with everything it extends, checked; buildable when ``problems`` is empty."""

    files: tuple[str, ...]
    paths: tuple[str, ...]
    ruleset: Mapping[str, Any]  # the file's own [ruleset] table
    tables: Mapping[str, Mapping[str, Any]]
    arrays: Mapping[str, tuple[Mapping[str, Any], ...]]
    disabled: frozenset[str]
    problems: tuple[Problem, ...]
    #: False when a file in the chain could not be read: gaps are then no fault of this file.
    complete: bool


_RESOLVED_BUILTINS: dict[Path, _Resolved] = {}


def _resolve(source: _Source, chain: tuple[_Source, ...] = ()) -> _Resolved:
    if _is_builtin(source) and source.path in _RESOLVED_BUILTINS:
        return _RESOLVED_BUILTINS[source.path]
    resolved = _resolve_uncached(source, chain)
    if _is_builtin(source) and not resolved.problems:
        _RESOLVED_BUILTINS[source.path] = resolved
    return resolved


def _resolve_uncached(source: _Source, chain: tuple[_Source, ...]) -> _Resolved:
    data, read_problems = _read(source)
    if data is None:
        return _Resolved(
            (source.display,),
            (str(source.path),),
            {},
            {},
            {},
            frozenset(),
            tuple(read_problems),
            complete=False,
        )
    layer = _check_layer(source, data)
    problems = layer.problems
    own = layer.tables["ruleset"]

    parent: _Resolved | None = None
    complete = own.get("extends") is not _BAD
    extends = own.get("extends")
    if isinstance(extends, str):
        target = _locate(extends, source)
        if isinstance(target, str):
            problems.append(Problem(source.display, "ruleset", "extends", target))
            complete = False
        elif target.path in {s.path for s in (*chain, source)}:
            start = next(i for i, s in enumerate((*chain, source)) if s.path == target.path)
            cycle = " -> ".join(s.display for s in (*chain, source, target)[start:])
            problems.append(
                Problem(
                    source.display,
                    "ruleset",
                    "extends",
                    f"extends makes a cycle: {cycle}; a rule set cannot extend itself, remove one extends",
                )
            )
            complete = False
        else:
            parent = _resolve(target, (*chain, source))
            complete = parent.complete

    tables = {
        table: {**(parent.tables.get(table, {}) if parent else {}), **layer.tables.get(table, {})}
        for table, spec in _SPEC.items()
        if spec.merge == "keys"
    }
    arrays = {
        table: _merge_items(parent.arrays.get(table, ()) if parent else (), layer.arrays.get(table, []), spec)
        for table, spec in _SPEC.items()
        if spec.array
    }
    disable, enable = (v if isinstance(v, tuple) else () for v in (own.get("disable"), own.get("enable")))
    inherited = parent.disabled if parent else frozenset()
    disabled = (inherited - set(enable)) | set(disable)

    _check_pass_names(source, layer, arrays, complete, problems)
    if complete:
        problems.extend(
            Problem(
                source.display,
                table,
                key,
                f"missing; set {key} = {key_spec.type.expected} in [{table}], or extend a rule set that "
                'defines it (extends = "latin" defines every key)',
            )
            for table, spec in _SPEC.items()
            if spec.merge == "keys"
            for key, key_spec in spec.keys.items()
            if key_spec.required and key not in tables[table]
        )
    return _Resolved(
        files=(source.display, *(parent.files if parent else ())),
        paths=(str(source.path), *(parent.paths if parent else ())),
        ruleset=own,
        tables=tables,
        arrays=arrays,
        disabled=frozenset(disabled),
        problems=(*problems, *(parent.problems if parent else ())),
        complete=complete,
    )


def _merge_items(
    inherited: Sequence[Mapping[str, Any]], own: Sequence[Mapping[str, Any]], spec: _Table
) -> tuple[Mapping[str, Any], ...]:
    if spec.merge == "own":
        return tuple(own)
    merged = list(inherited)
    if spec.merge == "by_name":
        position = {item["name"]: i for i, item in enumerate(merged) if isinstance(item.get("name"), str)}
        for item in own:
            name = item.get("name")
            if isinstance(name, str) and name in position:
                merged[position[name]] = item
            else:
                if isinstance(name, str):
                    position[name] = len(merged)
                merged.append(item)
    else:
        merged.extend(own)
    return tuple(merged)


def _check_pass_names(
    source: _Source,
    layer: _Layer,
    arrays: Mapping[str, Sequence[Mapping[str, Any]]],
    complete: bool,
    problems: list[Problem],
) -> None:
    """Names in this file's disable/enable lists must be passes of the resolved rule set."""
    rules = {
        f"{table}.{item['name']}"
        for table in RULE_ARRAYS
        for item in arrays.get(table, ())
        if isinstance(item.get("name"), str)
    }
    known = sorted(PASS_NAMES | rules)
    for table, spec in _SPEC.items():
        for key, key_spec in spec.keys.items():
            names = layer.tables.get(table, {}).get(key)
            if not isinstance(key_spec.type, _PassNames) or not isinstance(names, tuple):
                continue
            for name in names:
                # With part of the chain unreadable, its normalize rules are unknown: do not guess.
                if name in known or (not complete and name.split(".")[0] in RULE_ARRAYS):
                    continue
                problems.append(
                    Problem(
                        source.display,
                        table,
                        key,
                        f"unknown pass {name!r}{_did_you_mean(name, known)}; "
                        f"known passes: {', '.join(known)}",
                    )
                )
    own = layer.tables.get("ruleset", {})
    disable, enable = own.get("disable"), own.get("enable")
    if isinstance(disable, tuple) and isinstance(enable, tuple):
        for name in sorted(set(disable) & set(enable)):
            problems.append(
                Problem(
                    source.display,
                    "ruleset",
                    "enable",
                    f"{name!r} is both in disable and in enable; keep it in one of them",
                )
            )


# --- Building the compiled rule set ------------------------------------------------------------------------


def _with_defaults(table: str, values: Mapping[str, Any]) -> dict[str, Any]:
    keys = _SPEC[table].keys
    return {key: values.get(key, key_spec.default) for key, key_spec in keys.items()}


def _build(resolved: _Resolved) -> RuleSet:
    if resolved.problems:
        raise RuleFileError(list(resolved.problems))
    parts: dict[str, Any] = {}
    for table, spec in _SPEC.items():
        if spec.make is None:
            continue
        if spec.array:
            parts[table] = tuple(spec.make(**_with_defaults(table, item)) for item in resolved.arrays[table])
        else:
            parts[table] = spec.make(**_with_defaults(table, resolved.tables[table]))
    own = _with_defaults("ruleset", resolved.ruleset)
    return RuleSet(
        name=own["name"],
        description=own["description"],
        files=resolved.files,
        disabled=resolved.disabled,
        paths=resolved.paths,
        **parts,
    )


@functools.cache
def _load_builtin(path: Path) -> RuleSet:
    return _build(_resolve(_builtin_source(path)))


# --- Public API --------------------------------------------------------------------------------------------


def load_ruleset(name_or_path: str | Path) -> RuleSet:
    """Load, check and compile a rule set: a built-in name (``"zh-newspaper"``) or a path to a .toml file.

    A string without a slash that does not end in ``.toml`` is a built-in name. Raises
    :class:`RuleFileError` listing every problem in the file and the files it extends.
    """
    source = _locate(name_or_path, None)
    if isinstance(source, str):
        raise RuleFileError([Problem(str(name_or_path), "", "", source)])
    if _is_builtin(source):
        return _load_builtin(source.path)
    return _build(_resolve(source))


def builtin_rulesets() -> list[tuple[str, str]]:
    """``(name, description)`` of every built-in rule set, sorted by name; the name is what to load."""
    result = []
    for name in _builtin_names():
        try:
            data = tomllib.loads((_builtin_dir() / f"{name}.toml").read_text(encoding="utf-8"))
            description = data.get("ruleset", {}).get("description", "")
        except (OSError, tomllib.TOMLDecodeError, AttributeError):
            description = ""  # a broken file still shows up; loading it reports what is wrong
        result.append((name, description if isinstance(description, str) else ""))
    return result


def check_files(paths: list[str]) -> list[Problem]:
    """Every problem in the given rule files (and the files they extend), without raising; [] when all good.

    A problem in a file extended by several of them is listed once.
    """
    problems: list[Problem] = []
    for path in paths:
        try:
            load_ruleset(path)
        except RuleFileError as err:
            problems.extend(p for p in err.problems if p not in problems)
    return problems


def fingerprint(ruleset: RuleSet) -> str:
    """A hash of the rule files ``ruleset`` was read from (its own and those it extends): ``sha256:<hex>``.

    Two runs with the same fingerprint used the same rules; a batch records it for every output.
    """
    digest = hashlib.sha256()
    for path in ruleset.paths or ruleset.files:
        digest.update(os.path.basename(path).encode("utf-8", "surrogatepass") + b"\0")
        try:
            digest.update(Path(path).read_bytes())
        except OSError:
            digest.update(b"<unreadable>")
        digest.update(b"\0")
    return f"sha256:{digest.hexdigest()}"


def pattern_warnings(ruleset: RuleSet) -> list[Problem]:
    """Patterns of ``ruleset`` whose matching time can explode (nested or overlapping repeats).

    >>> rules = load_ruleset("latin")
    >>> pattern_warnings(rules)
    []
    """
    found: list[Problem] = []
    for pattern in _patterns(ruleset):
        risk = repeat_risk(pattern.pattern)
        if risk is not None:
            problem = Problem(pattern.file, pattern.rule, pattern.key, f"warning: {risk}")
            if problem not in found:
                found.append(problem)
    return found


def check_warnings(paths: list[str]) -> list[Problem]:
    """:func:`pattern_warnings` of every rule file in ``paths`` that loads, each warning once."""
    found: list[Problem] = []
    for path in paths:
        try:
            ruleset = load_ruleset(path)
        except RuleFileError:
            continue
        found.extend(problem for problem in pattern_warnings(ruleset) if problem not in found)
    return found


def _patterns(ruleset: RuleSet) -> Iterator[RulePattern]:
    for table, spec in _SPEC.items():
        if spec.make is None:
            continue
        value = getattr(ruleset, table)
        for item in value if spec.array else (value,):
            for key in spec.keys:
                candidate = getattr(item, key, None)
                if isinstance(candidate, RulePattern):
                    yield candidate


# A token of a pattern, as far as repeats are concerned: an escape (\p{..}, \x.., \N{..}, \d ...), a
# character class (with escapes and [:name:] inside), a group opening, a quantifier, or one character.
_TOKEN = regex.compile(
    r"""
      (?P<escape> \\(?: [pPN]\{[^{}]*\} | x[0-9A-Fa-f]{2} | x\{[0-9A-Fa-f]+\} | u[0-9A-Fa-f]{4}
                      | U[0-9A-Fa-f]{8} | [pP][A-Za-z] | . ) )
    | (?P<class>  \[ \^? \]? (?: \[:\^?[A-Za-z]+:\] | \\. | [^\]\\] )* \] )
    | (?P<flags>  \(\?[a-zA-Z\-]+\) )
    | (?P<comment> \(\?\#[^)]*\) )
    | (?P<open>   \( (?: \?(?: P?<[A-Za-z_][A-Za-z0-9_]*> | [:=!>|] | <[=!] | [a-zA-Z\-]+: | P=[^)]*\) ) )? )
    | (?P<close>  \) )
    | (?P<bar>    \| )
    | (?P<quant>  (?: [*+?] | \{\d*,?\d*\} ) [+?]? )
    | (?P<char>   . )
    """,
    regex.VERBOSE | regex.DOTALL,
)


@dataclass(slots=True)
class _Atom:
    text: str
    group: _Group | None = None
    times: Literal["once", "optional", "repeated"] = "once"
    skippable: bool = False  # may match nothing (a quantifier with a minimum of 0)


@dataclass(slots=True)
class _Group:
    atomic: bool
    branches: list[list[_Atom]] = field(default_factory=lambda: [[]])


def _times(quantifier: str) -> tuple[Literal["optional", "repeated"], bool] | None:
    """``repeated`` for ``*``, ``+``, ``{2,}``, ``{1,5}``; ``optional`` for ``?``, ``{0,1}``, with whether
    the minimum is 0; None for possessive ones (``*+``), which never backtrack."""
    if len(quantifier) > 1 and quantifier.endswith("+"):
        return None
    body = quantifier.rstrip("?") if len(quantifier) > 1 else quantifier
    if body in ("*", "+", "?"):
        return ("optional" if body == "?" else "repeated"), body != "+"
    low, comma, high = body[1:-1].partition(",")
    least = int(low or 0)
    most = least if not comma else (int(high) if high else least + 2)
    return ("repeated" if most > 1 else "optional"), least == 0


def _ambiguity(group: _Group) -> str | None:
    """What lets the iterations of a repeated ``group`` share out the same text in many ways, or None."""
    if group.atomic:
        return None
    firsts = [branch[0].text for branch in group.branches if branch]
    alike = next((first for i, first in enumerate(firsts) if first in firsts[:i]), None)
    if alike is not None:
        return f"two of its alternatives start alike ('{alike}')"
    for branch in group.branches:
        for index, atom in enumerate(branch):
            rest_optional = all(after.skippable for after in branch[index + 1 :])
            if atom.times == "repeated" and rest_optional and (index == 0 or atom.text == branch[0].text):
                return f"it ends in the repeat '{atom.text}', which the next repetition can also start with"
            if atom.group is not None and atom.times == "once" and index == 0 and len(branch) == 1:
                inner = _ambiguity(atom.group)  # ((a+))+ is (a+)+
                if inner is not None:
                    return inner
    return None


def repeat_risk(pattern: str) -> str | None:
    """Why matching ``pattern`` can take exponential time, or None: a repeated group whose alternatives
    start alike (``(a|aa)+``) or whose repeats can share out the same text between its repetitions
    (``(a+)+``, ``(\\w+\\s?)*``). Possessive quantifiers (``*+``) and atomic groups (``(?>...)``) never
    backtrack; ``(?:\\d\\s*)+``, where every repetition starts with its own digit, is linear.

    >>> print(repeat_risk(r"(a|aa)+$").split(":")[0])
    group '(a|aa)' is repeated and two of its alternatives start alike ('a')
    >>> print(repeat_risk(r"(\\w+\\s?)*x")[:75])
    group '(\\w+\\s?)' is repeated and it ends in the repeat '\\w', which the next
    >>> [repeat_risk(p) for p in (r"(?:\\d\\s*)+", r"(?>a|aa)+", r"(a|aa)++", r"(?:\\s+\\p{Han}{2,4})+")]
    [None, None, None, None]
    """
    stack = [_Group(atomic=False)]
    starts: list[int] = []
    for token in _TOKEN.finditer(pattern):
        kind, text = token.lastgroup, token.group()
        branch = stack[-1].branches[-1]
        if kind == "open":
            stack.append(_Group(atomic=text == "(?>"))
            starts.append(token.start())
        elif kind == "close" and len(stack) > 1:
            inner = stack.pop()
            stack[-1].branches[-1].append(_Atom(pattern[starts.pop() : token.end()], inner))
        elif kind == "bar":
            stack[-1].branches.append([])
        elif kind == "quant":
            quantified = _times(text)
            if not branch:
                continue
            atom = branch[-1]
            if quantified is None:
                atom.group = None  # possessive: matched once and for all, like an atomic group
                continue
            times, atom.skippable = quantified
            atom.times = times if atom.times == "once" else "repeated"
            if times == "repeated" and atom.group is not None:
                why = _ambiguity(atom.group)
                if why is not None:
                    return (
                        f"group '{atom.text}' is repeated and {why}: a text that almost matches takes "
                        "exponential time; make the alternatives distinct, or the group atomic (?>...) or "
                        "possessive (...)++"
                    )
        elif kind not in ("flags", "comment"):
            branch.append(_Atom(text))
    return None


def describe(ruleset: RuleSet) -> str:
    """The resolved rule set as rule-file TOML: every table, key and value, inherited ones included.

    The text loads back as an equivalent rule set, except that [[examples]] are only counted.
    """
    out = [
        f"# Rule set {ruleset.name!r} resolved from {', '.join(ruleset.files)}",
        "",
        "[ruleset]",
        f"name = {_toml(ruleset.name)}",
        f"description = {_toml(ruleset.description)}",
        f"disable = {_toml(sorted(ruleset.disabled))}",
    ]
    out.append("# passes:")
    for name in sorted(PASS_NAMES | {rule.name for rule in ruleset.normalize}):
        out.append(f"#   {name:<32} {'on' if ruleset.enabled(name) else 'off'}")
    for table, spec in _SPEC.items():
        if spec.make is None:
            continue
        value = getattr(ruleset, table)
        if table == "roles":
            tables = (
                f"{role} = {{ {', '.join(f'{_toml(f)} = {w!r}' for f, w in sorted(features.items()))} }}"
                for role, features in value.weights.items()
            )
            out += ["", "[roles]", f"weights = {{ {', '.join(tables)} }}"]
        elif not spec.array:
            out += ["", f"[{table}]", *(f"{key} = {_toml(getattr(value, key))}" for key in spec.keys)]
        elif table == "examples":
            out += ["", f"# [[examples]]: {len(value)} (not shown)"]
        else:
            for item in value:
                out += ["", f"[[{table}]]"]
                for key in spec.keys:
                    field_value = getattr(item, key)
                    if key == "name":
                        field_value = field_value.removeprefix(f"{table}.")
                    out.append(f"{key} = {_toml(field_value)}")
    return "\n".join(out) + "\n"


def _toml(value: object, nested_ok: bool = True) -> str:
    """A TOML literal for a compiled value (patterns as their source, literal strings when possible)."""
    if isinstance(value, RulePattern):
        source = value.pattern
        if "'" not in source and source.isprintable():
            return f"'{source}'"
        value = source
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return '"' + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped) + '"'
    if isinstance(value, list | tuple):
        items = [_toml(item, nested_ok=False) for item in value]
        one_line = "[" + ", ".join(items) + "]"
        if len(one_line) <= 100 or not nested_ok:
            return one_line
        return "[\n" + "".join(f"  {item},\n" for item in items) + "]"
    return repr(value)
