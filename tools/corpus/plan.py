"""Which case goes where: source documents and layout families to train / dev / test, case seeds.

Pure and deterministic given the seed. A source document (a 南哪消息 issue, the shared sample) belongs to
one split only; some layout families are held out for test entirely, while each value of every family
dimension (engine, columns, headline placement, setting, script) also appears in train.

>>> family_id("reportlab", 5, "below", "solid", "hans")
'rl-5c-below-solid-hans'
>>> held_out("reportlab", 5, "below"), held_out("reportlab", 5, "above")
(True, False)
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass

__all__ = ["CasePlan", "family_id", "held_out", "make_plans", "plan_stream", "split_documents", "take_pages"]

SPLITS = ("train", "dev", "test")
RL_COLUMNS = (3, 4, 5, 6, 7, 8)
XE_COLUMNS = (2, 3, 4, 5)
HEADLINES = ("above", "beside", "below", "inside", "mixed")
XE_HEADLINES = ("above", "below", "beside")
#: share of the non-digest pages set mostly with news articles (tools/corpus/prose/) instead of notices
NEWS_SHARE = 0.45
# (engine, columns, headline) combinations only the test split sees
HELD_OUT = {
    ("reportlab", 5, "below"),
    ("reportlab", 7, "beside"),
    ("reportlab", 4, "inside"),
    ("xelatex", 3, "below"),
}


def family_id(
    engine: str, columns: int, headline: str, setting: str, script: str, digest: bool = False
) -> str:
    short = {"reportlab": "rl", "xelatex": "xe"}[engine]
    shape = f"digest-{columns}c" if digest else f"{columns}c-{headline}"
    return f"{short}-{shape}-{setting}-{script}"


def held_out(engine: str, columns: int, headline: str) -> bool:
    return (engine, columns, headline) in HELD_OUT


def split_documents(
    doc_ids: list[str], seed: int, prose_batches: Sequence[Sequence[str]] = ()
) -> dict[str, str]:
    """Nanna issues, and apart from them each batch of prose articles, shuffled into 70% train, 15% dev,
    15% test; the sample always in train. Each batch is split on its own, so that a batch written later
    moves no article of an earlier one to another split (its dev and test pages stay unseen)."""
    out: dict[str, str] = {}
    for group in (doc_ids, *prose_batches):
        ids = sorted(group)
        random.Random(seed).shuffle(ids)
        n = len(ids)
        cut1, cut2 = round(n * 0.7), round(n * 0.85)
        out |= {doc: "train" for doc in ids[:cut1]} | {doc: "dev" for doc in ids[cut1:cut2]}
        out |= {doc: "test" for doc in ids[cut2:]}
    out["zh-daily-2020-11-23"] = "train"
    return out


@dataclass(frozen=True)
class CasePlan:
    case_id: str
    split: str
    engine: str
    columns: int
    headline: str
    setting: str
    script: str
    pages: int
    digest: bool
    seed: int
    content: str = "notices"  # what the stories are: news (mostly prose articles), notices, digest

    @property
    def family(self) -> str:
        return family_id(self.engine, self.columns, self.headline, self.setting, self.script, self.digest)

    def as_json(self) -> dict[str, object]:
        return {**asdict(self), "family": self.family}


def _pick_layout(rng: random.Random, engine: str, split: str) -> tuple[int, str]:
    columns_pool = RL_COLUMNS if engine == "reportlab" else XE_COLUMNS
    headlines = HEADLINES if engine == "reportlab" else XE_HEADLINES
    held = sorted(h for h in HELD_OUT if h[0] == engine)
    if split == "test" and held and rng.random() < 0.5:
        _, columns, headline = rng.choice(held)
        return columns, headline
    while True:
        columns, headline = rng.choice(columns_pool), rng.choice(headlines)
        if not held_out(engine, columns, headline):
            return columns, headline


def plan_stream(engine: str, seed: int) -> Iterator[CasePlan]:
    """The endless, deterministic sequence of case plans of one engine; splits ~70/15/15 by case."""
    rng = random.Random(f"{seed}-{engine}")
    prefix = "rl" if engine == "reportlab" else "xe"
    for n in itertools.count():
        split = rng.choices(SPLITS, weights=(70, 15, 15))[0]
        digest = engine == "xelatex" and rng.random() < 0.4
        if digest:
            columns, headline, pages = 2, "above", rng.choice((2, 3, 3, 4))
        else:
            columns, headline = _pick_layout(rng, engine, split)
            weights = (60, 30, 10) if engine == "reportlab" else (20, 40, 40)
            pages = rng.choices((1, 2, 3), weights=weights)[0]
        setting = rng.choice(("solid", "gaps"))
        script = "hant" if rng.random() < 0.25 else "hans"
        seed_n = rng.randrange(1 << 30)
        # drawn apart, so that adding the news pages left every other choice of the stream as it was
        news = random.Random(f"{seed_n}-content").random() < NEWS_SHARE
        content = "digest" if digest else "news" if news else "notices"
        yield CasePlan(
            f"{prefix}-{n:05d}",
            split,
            engine,
            columns,
            headline,
            setting,
            script,
            pages,
            digest,
            seed_n,
            content,
        )


def take_pages(stream: Iterator[CasePlan], pages: int) -> list[CasePlan]:
    """Plans from ``stream`` until they plan at least ``pages`` pages."""
    plans: list[CasePlan] = []
    total = 0
    while total < pages:
        plans.append(next(stream))
        total += plans[-1].pages
    return plans


def make_plans(rl_pages: int, xe_pages: int, seed: int) -> list[CasePlan]:
    """The first plans of both engines, about ``rl_pages`` and ``xe_pages`` pages."""
    return take_pages(plan_stream("reportlab", seed), rl_pages) + take_pages(
        plan_stream("xelatex", seed), xe_pages
    )
