"""Fitting the decoder's weights on corrected pages: an averaged structured perceptron.

Each training page is its line evidence and its gold roles. The perceptron decodes the page with the
current weights and, wherever the decoded role (or the role before it) differs from the gold, moves the
weights of the gold's features up and of the decoded ones down. Averaging the weights over all updates
keeps the result stable; it needs no library and gives the same weights for the same pages and seed.
"""

from __future__ import annotations

import multiprocessing
import random
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from reflow.roles.decoder import DECODED_ROLES, START, Weights, best_sequence
from reflow.roles.features import LineEvidence, pair_features


@dataclass(frozen=True, slots=True)
class Page:
    """One training page: the evidence of its non-blank lines and their gold roles."""

    name: str
    evidence: tuple[LineEvidence, ...]
    roles: tuple[str, ...]
    weight: int = 1  # how many times the page counts in each pass (real pages above generated ones)


@dataclass(frozen=True, slots=True)
class FitReport:
    """What a fit did: line accuracy on the training pages after each epoch (running weights), and with
    the averaged weights it returns."""

    epochs: tuple[float, ...]
    lines: int
    pages: int
    averaged: float = 0.0
    seeds: tuple[int, ...] = (0,)
    margin: float = 0.0


class _Averaged:
    """Perceptron weights with lazy averaging (each weight's running sum kept by update time)."""

    def __init__(self, initial: Weights) -> None:
        self.weights: dict[str, dict[str, float]] = defaultdict(dict)
        self.stamps: dict[str, dict[str, float]] = defaultdict(dict)
        self.clock = 1
        for role, features in initial.items():
            self.weights[role] = dict(features)

    def update(self, role: str, features: Sequence[str], delta: float) -> None:
        weights, stamps = self.weights[role], self.stamps[role]
        for feature in features:
            weights[feature] = weights.get(feature, 0.0) + delta
            stamps[feature] = stamps.get(feature, 0.0) + self.clock * delta

    def averaged(self) -> dict[str, dict[str, float]]:
        return _kept(
            {
                role: {f: w - self.stamps[role].get(f, 0.0) / self.clock for f, w in weights.items()}
                for role, weights in self.weights.items()
            }
        )


def _kept(weights: Mapping[str, Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """Weights as a rule file keeps them: three decimals, none that round to zero, roles in their order."""
    result = {
        role: {f: round(w, 3) for f, w in sorted(features.items()) if abs(w) >= 0.0005}
        for role, features in weights.items()
    }
    return {role: result[role] for role in DECODED_ROLES if result.get(role)}


def fit(
    pages: Sequence[Page],
    *,
    epochs: int = 8,
    seed: int = 0,
    initial: Weights | None = None,
    margin: float = 0.0,
) -> tuple[dict[str, dict[str, float]], FitReport]:
    """Fit role weights on ``pages`` (deterministic for the same pages, epochs and seed).

    With a ``margin`` the pages are decoded loss-augmented (every wrong role of a line scores ``margin``
    more): the weights are moved until the gold wins by at least that much, not just ties it."""
    model = _Averaged(initial or {})
    order = [index for index, page in enumerate(pages) for _ in range(page.weight)]
    shuffle = random.Random(seed)
    accuracy: list[float] = []
    lines = sum(len(p.roles) for p in pages)
    total = sum(len(p.roles) * p.weight for p in pages)  # lines as the passes meet them: weighted
    for _epoch in range(epochs):
        shuffle.shuffle(order)
        right = 0
        for index in order:
            page = pages[index]
            predicted = best_sequence(page.evidence, model.weights, page.roles, margin)
            for k, item in enumerate(page.evidence):
                gold, guess = page.roles[k], predicted[k]
                gold_prev = page.roles[k - 1] if k else START
                guess_prev = predicted[k - 1] if k else START
                right += gold == guess
                if gold == guess and gold_prev == guess_prev:
                    continue
                model.update(gold, (*item.features, *pair_features(gold_prev, item.gap, item.old)), 1.0)
                model.update(guess, (*item.features, *pair_features(guess_prev, item.gap, item.old)), -1.0)
            model.clock += 1
        accuracy.append(right / max(1, total))
    weights = model.averaged()
    report = FitReport(tuple(accuracy), lines, len(pages), _accuracy(pages, weights), (seed,), margin)
    return weights, report


_Shared = TypeVar("_Shared")
_Item = TypeVar("_Item")
_Result = TypeVar("_Result")
#: The function and shared argument of the running :func:`forked_map` (forked with its workers).
_FORKED: list[tuple[Callable[[Any, Any], Any], Any]] = []


def _forked_call(item: Any) -> Any:
    function, shared = _FORKED[0]
    return function(shared, item)


def forked_map(
    function: Callable[[_Shared, _Item], _Result],
    shared: _Shared,
    items: Sequence[_Item],
    jobs: int,
    chunksize: int = 1,
) -> Iterator[_Result]:
    """``function(shared, item)`` for each item, in their order: in up to ``jobs`` forked worker processes
    where processes can be forked (the function and ``shared`` are inherited, not pickled; only the items
    and results are), else here, one after the other.

    Only a single-threaded process forks: a child forked beside other threads inherits whatever locks
    they held at that moment, and can wait on one forever. With other threads running (a Dask client,
    a progress monitor, an application's own), the items are done here; the results are the same."""
    workers = min(jobs, len(items))
    forkable = "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
    if workers <= 1 or not forkable:
        yield from (function(shared, item) for item in items)
        return
    _FORKED[:] = [(function, shared)]
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            yield from pool.map(_forked_call, items, chunksize=chunksize)
    finally:
        _FORKED.clear()


def _fit_seed(
    shared: tuple[Sequence[Page], int, Weights | None, float], seed: int
) -> tuple[dict[str, dict[str, float]], FitReport]:
    pages, epochs, initial, margin = shared
    return fit(pages, epochs=epochs, seed=seed, initial=initial, margin=margin)


def fit_seeds(
    pages: Sequence[Page],
    *,
    epochs: int = 8,
    seeds: Sequence[int] = (0,),
    initial: Weights | None = None,
    jobs: int = 1,
    margin: float = 0.0,
) -> tuple[dict[str, dict[str, float]], FitReport]:
    """One fit per seed (the order the pages are met in) and the mean of their weights.

    Fits that differ only in that order differ by a point on held-out pages, and by several points of
    headlines; the mean of a few is steadier than any one of them. With ``jobs`` above 1 the seeds are
    fitted in that many processes at once (where processes can be forked; the weights are the same)."""
    if not seeds:
        raise ValueError("no seed to fit with")
    fits = list(forked_map(_fit_seed, (pages, epochs, initial, margin), seeds, jobs))
    if len(fits) == 1:
        return fits[0]
    total: dict[str, dict[str, float]] = defaultdict(dict)
    for weights, _report in fits:
        for role, features in weights.items():
            for feature, weight in features.items():
                total[role][feature] = total[role].get(feature, 0.0) + weight
    mean = _kept({role: {f: w / len(fits) for f, w in features.items()} for role, features in total.items()})
    first = fits[0][1]
    by_epoch = tuple(sum(r.epochs[e] for _w, r in fits) / len(fits) for e in range(len(first.epochs)))
    return mean, FitReport(by_epoch, first.lines, first.pages, _accuracy(pages, mean), tuple(seeds), margin)


def _accuracy(pages: Sequence[Page], weights: Weights) -> float:
    """Share of the pages' lines the weights decode right."""
    right = sum(
        sum(g == p for g, p in zip(page.roles, best_sequence(page.evidence, weights), strict=True))
        for page in pages
    )
    return right / max(1, sum(len(p.roles) for p in pages))


def strongest(weights: Weights, count: int = 10) -> list[tuple[str, str, float]]:
    """The ``count`` weights of largest magnitude, as (role, feature, weight)."""
    flat = [(role, feature, w) for role, features in weights.items() for feature, w in features.items()]
    return sorted(flat, key=lambda item: (-abs(item[2]), item[0], item[1]))[:count]


def weights_toml(weights: Weights, *, header: Sequence[str] = ()) -> str:
    """The weights as ``[roles.weights.<role>]`` tables of a rule file, one ``feature = weight`` a line."""
    out = [f"# {line}" for line in header]
    for role in DECODED_ROLES:
        features = weights.get(role)
        if not features:
            continue
        out += ["", f"[roles.weights.{role}]"]
        out += [f"{_key(feature)} = {weight:g}" for feature, weight in sorted(features.items())]
    return "\n".join(out) + "\n"


def _key(feature: str) -> str:
    escaped = feature.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
