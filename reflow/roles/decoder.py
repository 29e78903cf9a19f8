"""Sequence decoding: the roles of all the lines of a page, chosen jointly (Viterbi over role pairs).

The score of a role sequence is the sum, over the lines, of the weights of each line's features for its
role, plus the weights of the pair features joining it to the role of the line before. The best
sequence is found exactly by dynamic programming, so a line's role can depend on evidence several
lines away (a short line is a headline because the line after it is a subtitle and the one after that
a dateline), not just on its own gap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import add

from reflow.model import LINE_ROLES
from reflow.roles.features import LineEvidence, fills, pair_features

#: The roles a non-blank line can get.
DECODED_ROLES: tuple[str, ...] = LINE_ROLES[1:]
START = "start"

Weights = Mapping[str, Mapping[str, float]]


@dataclass(frozen=True, slots=True)
class RoleDecision:
    """The role of one non-blank line, with the evidence that carried it (feature, weight), strongest first.

    ``margin`` is how much better the chosen sequence scores at this line than the best other role
    (given the same neighbours); small margins are uncertain decisions.
    """

    index: int
    role: str
    margin: float
    evidence: tuple[tuple[str, float], ...]
    full: bool = False  # the line is filled to the column: a line of the same role below continues it

    def explain(self, limit: int = 4) -> str:
        shown = ", ".join(f"{name} {weight:+.2f}" for name, weight in self.evidence[:limit])
        return f"{self.role} (margin {self.margin:.2f}): {shown}"


class _Scorer:
    """Weights laid out for decoding: an index from feature to the roles it weighs, and the pair
    scores for each kind of gap (cached)."""

    def __init__(self, weights: Weights) -> None:
        self.weights = weights
        self.roles = DECODED_ROLES
        self.index: dict[str, list[tuple[int, float]]] = {}
        for r, role in enumerate(self.roles):
            for feature, weight in weights.get(role, {}).items():
                self.index.setdefault(feature, []).append((r, weight))
        self._transitions: dict[tuple[str, str], list[list[float]]] = {}
        self._into: dict[tuple[str, str], list[list[float]]] = {}

    def emissions(self, features: Sequence[str]) -> list[float]:
        scores = [0.0] * len(self.roles)
        index = self.index
        for feature in features:
            for r, weight in index.get(feature, ()):
                scores[r] += weight
        return scores

    def transitions(self, gap: str, old: str) -> list[list[float]]:
        """``table[p][r]``: the pair score of role ``r`` after role ``p`` (row ``len(roles)``: the start)."""
        key = (gap, old)
        table = self._transitions.get(key)
        if table is None:
            table = [
                [
                    sum(self.weights.get(role, {}).get(f, 0.0) for f in pair_features(previous, gap, old))
                    for role in self.roles
                ]
                for previous in (*self.roles, START)
            ]
            self._transitions[key] = table
        return table

    def into(self, gap: str, old: str) -> list[list[float]]:
        """``table[r][p]``: the pair score of role ``r`` after role ``p`` (no start row), for decoding."""
        key = (gap, old)
        table = self._into.get(key)
        if table is None:
            rows = self.transitions(gap, old)
            table = [[rows[p][r] for p in range(len(self.roles))] for r in range(len(self.roles))]
            self._into[key] = table
        return table


def _viterbi(
    scorer: _Scorer, evidence: Sequence[LineEvidence], emissions: Sequence[Sequence[float]]
) -> list[int]:
    count = len(scorer.roles)
    start_row = scorer.transitions("start", "start")[count]
    delta = [emissions[0][r] + start_row[r] for r in range(count)]
    back: list[list[int]] = []
    states = range(count)
    for item, emit in zip(evidence[1:], emissions[1:], strict=True):
        into = scorer.into(item.gap, item.old)
        pointers = []
        following = []
        for r in states:
            scores = list(map(add, delta, into[r]))
            best = max(scores)
            pointers.append(scores.index(best))  # the first best: ties go to the earlier role
            following.append(best + emit[r])
        delta = following
        back.append(pointers)
    state = max(states, key=lambda r: (delta[r], -r))
    path = [state]
    for pointers in reversed(back):
        state = pointers[state]
        path.append(state)
    path.reverse()
    return path


def best_sequence(
    evidence: Sequence[LineEvidence], weights: Weights, gold: Sequence[str] | None = None, margin: float = 0.0
) -> list[str]:
    """The highest-scoring role sequence for the lines (ties: the earlier role in DECODED_ROLES).

    With ``gold`` roles and a ``margin``, every role but the gold one scores ``margin`` more at each line
    (loss-augmented decoding: a fit then moves the weights until the gold wins by that margin)."""
    if not evidence:
        return []
    scorer = _Scorer(weights)
    emissions = [scorer.emissions(item.features) for item in evidence]
    if gold is not None and margin:
        for scores, role in zip(emissions, gold, strict=True):
            for r, other in enumerate(scorer.roles):
                if other != role:
                    scores[r] += margin
    path = _viterbi(scorer, evidence, emissions)
    return [scorer.roles[r] for r in path]


def filled(item: LineEvidence) -> bool:
    """The line is filled to the column (or spans columns): a line of the same role below continues it."""
    return fills(item.features)


def decisions(evidence: Sequence[LineEvidence], weights: Weights) -> list[RoleDecision]:
    """Decode the roles and say for each line which evidence carried its role.

    The margin of a line compares its role with every other role in its place, the neighbours' roles
    fixed: its own features, the pair with the line above and the pair with the line below.
    """
    if not evidence:
        return []
    scorer = _Scorer(weights)
    count = len(scorer.roles)
    emissions = [scorer.emissions(item.features) for item in evidence]
    path = _viterbi(scorer, evidence, emissions)
    result = []
    for k, (item, r) in enumerate(zip(evidence, path, strict=True)):
        above = scorer.transitions(item.gap, item.old)[path[k - 1] if k else count]
        below = None
        if k + 1 < len(evidence):
            following = evidence[k + 1]
            table = scorer.transitions(following.gap, following.old)
            below = [table[c][path[k + 1]] for c in range(count)]
        local = [emissions[k][c] + above[c] + (below[c] if below else 0.0) for c in range(count)]
        margin = local[r] - max(local[c] for c in range(count) if c != r)
        role = scorer.roles[r]
        own = weights.get(role, {})
        previous = scorer.roles[path[k - 1]] if k else START
        named = (*item.features, *pair_features(previous, item.gap, item.old))
        carried = sorted(((f, own[f]) for f in named if own.get(f)), key=lambda c: -abs(c[1]))
        result.append(RoleDecision(item.index, role, margin, tuple(carried), filled(item)))
    return result
