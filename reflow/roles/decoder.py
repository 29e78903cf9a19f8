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

from reflow.model import LINE_ROLES
from reflow.roles.features import LineEvidence, pair_features

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
    """Weights laid out for decoding: emissions per line, transitions per kind of gap (cached)."""

    def __init__(self, weights: Weights) -> None:
        self.weights = weights
        self.roles = DECODED_ROLES
        self._transitions: dict[tuple[str, str], list[list[float]]] = {}

    def emissions(self, features: Sequence[str]) -> list[float]:
        return [sum(self.weights.get(role, {}).get(f, 0.0) for f in features) for role in self.roles]

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


def best_sequence(evidence: Sequence[LineEvidence], weights: Weights) -> list[str]:
    """The highest-scoring role sequence for the lines (ties: the earlier role in DECODED_ROLES)."""
    if not evidence:
        return []
    scorer = _Scorer(weights)
    count = len(scorer.roles)
    start_row = scorer.transitions("start", "start")[count]
    first = scorer.emissions(evidence[0].features)
    delta = [first[r] + start_row[r] for r in range(count)]
    back: list[list[int]] = []
    for item in evidence[1:]:
        table = scorer.transitions(item.gap, item.old)
        emit = scorer.emissions(item.features)
        new_delta = []
        pointers = []
        for r in range(count):
            best_p, best = 0, delta[0] + table[0][r]
            for p in range(1, count):
                value = delta[p] + table[p][r]
                if value > best:
                    best_p, best = p, value
            new_delta.append(best + emit[r])
            pointers.append(best_p)
        delta = new_delta
        back.append(pointers)
    state = max(range(count), key=lambda r: (delta[r], -r))
    path = [state]
    for pointers in reversed(back):
        state = pointers[state]
        path.append(state)
    path.reverse()
    return [scorer.roles[r] for r in path]


def _local(
    weights: Weights, role: str, item: LineEvidence, previous: str, following: tuple[str, LineEvidence] | None
) -> float:
    """The part of a sequence's score that depends on the role of one line, its neighbours fixed."""
    own = weights.get(role, {})
    score = sum(own.get(f, 0.0) for f in (*item.features, *pair_features(previous, item.gap, item.old)))
    if following is not None:
        next_role, next_item = following
        after = weights.get(next_role, {})
        score += sum(after.get(f, 0.0) for f in pair_features(role, next_item.gap, next_item.old))
    return score


def decisions(evidence: Sequence[LineEvidence], weights: Weights) -> list[RoleDecision]:
    """Decode the roles and say for each line which evidence carried its role."""
    roles = best_sequence(evidence, weights)
    result = []
    for k, (item, role) in enumerate(zip(evidence, roles, strict=True)):
        previous = roles[k - 1] if k else START
        following = (roles[k + 1], evidence[k + 1]) if k + 1 < len(evidence) else None
        chosen = _local(weights, role, item, previous, following)
        margin = chosen - max(
            _local(weights, other, item, previous, following) for other in DECODED_ROLES if other != role
        )
        own = weights.get(role, {})
        named = (*item.features, *pair_features(previous, item.gap, item.old))
        carried = sorted(((f, own[f]) for f in named if own.get(f)), key=lambda c: -abs(c[1]))
        full = "full" in item.features or "wide" in item.features
        result.append(RoleDecision(item.index, role, margin, tuple(carried), full))
    return result
