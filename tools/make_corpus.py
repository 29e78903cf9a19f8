"""Generate the development corpus: typeset pages with exact gold, dumped by pdftotext.

    python tools/make_corpus.py --out corpus/generated              # the default run (~4,000 pages)
    python tools/make_corpus.py --out /tmp/c --pages 40 --jobs 2    # fewer pages
    python tools/make_corpus.py --slice corpus/slice/dev --from corpus/generated   # copy the CI slice

Sources: the 南哪消息 issues (../shared/corpus/nanna-2024, CC0), the articles of the shared sample page
(from fixtures/zh-daily-2020-11-23/expected.json) and the grammar in tools/grammars/. Two engines:
reportlab (tools/corpus/rl.py) and XeLaTeX with ctex and multicol (tools/corpus/tex.py). Deterministic
given --seed (and the same reportlab, TeX Live and poppler versions). See corpus/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import time
import tomllib
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from corpus.build import Sources, build_case  # noqa: E402
from corpus.plan import CasePlan, plan_stream, split_documents, take_pages  # noqa: E402
from corpus.sources import load_nanna, load_prose, load_sample  # noqa: E402

NANNA = ROOT.parent / "shared" / "corpus" / "nanna-2024"
SAMPLE_GOLD = ROOT / "fixtures" / "zh-daily-2020-11-23" / "expected.json"
#: The news articles written for the corpus, in the batches they were written in (each split on its own).
PROSE = (ROOT / "tools" / "corpus" / "prose", ROOT / "tools" / "corpus" / "prose-2")
SEED = 20241201

_SOURCES: Sources | None = None


def load_sources(seed: int) -> Sources:
    docs = {d.doc_id: d for d in load_nanna(NANNA)}
    batches = [load_prose(folder) for folder in PROSE]
    splits = split_documents(list(docs), seed, [[a.doc_id for a in batch] for batch in batches])
    return Sources(docs, load_sample(SAMPLE_GOLD) + [a for batch in batches for a in batch], splits)


def _init(seed: int) -> None:
    global _SOURCES
    _SOURCES = load_sources(seed)


def _work(args: tuple[CasePlan, str, str | None]) -> dict[str, Any]:
    plan, out, keep = args
    assert _SOURCES is not None
    return build_case(plan, _SOURCES, Path(out), Path(keep) if keep else None)


def generate(out: Path, pages: int, jobs: int, seed: int, keep: Path | None, xe_share: float) -> int:
    """Cases in rounds until each engine has its share of ``pages`` good pages (dropped cases and
    XeLaTeX's own page breaks make the first round fall short). Deterministic: the plans come from
    one seeded stream per engine and every case is a function of its plan."""
    started = time.monotonic()
    targets = {"xelatex": round(pages * xe_share)}
    targets["reportlab"] = pages - targets["xelatex"]
    streams = {engine: plan_stream(engine, seed) for engine in targets}
    if out.exists():
        for split in ("train", "dev", "test"):
            shutil.rmtree(out / split, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    records: list[dict[str, Any]] = []
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init, initargs=(seed,)) as pool:
        for round_no in range(1, 6):
            good = Counter[str]()
            for r in records:
                good[r["engine"]] += r.get("pages", 0)
            # xelatex first: its cases are slower, so both workers stay busy to the end
            plans = [
                plan
                for engine in ("xelatex", "reportlab")
                if good[engine] < targets[engine]
                for plan in take_pages(streams[engine], math.ceil((targets[engine] - good[engine]) * 1.1))
            ]
            if not plans:
                break
            print(f"round {round_no}: {len(plans)} cases", file=sys.stderr, flush=True)
            work = [(plan, str(out), str(keep) if keep else None) for plan in plans]
            for n, record in enumerate(pool.map(_work, work, chunksize=1), 1):
                records.append(record)
                if n % 50 == 0 or n == len(work):
                    done = sum(r.get("pages", 0) for r in records)
                    dropped = sum(1 for r in records if "dropped" in r)
                    elapsed = time.monotonic() - started
                    print(
                        f"[{elapsed:6.0f}s] round {round_no}: {n}/{len(work)} cases; {done} pages in all, "
                        f"{dropped} cases dropped",
                        file=sys.stderr,
                        flush=True,
                    )
    records.sort(key=lambda r: r["case"])
    sources = load_sources(seed)
    write_splits(out, records, sources.splits, seed, time.monotonic() - started)
    kept = [r for r in records if "dropped" not in r]
    print(
        f"{len(kept)} cases, {sum(r['pages'] for r in kept)} pages in {time.monotonic() - started:.0f} s; "
        f"{len(records) - len(kept)} dropped",
        file=sys.stderr,
    )
    return 0


def write_splits(
    out: Path, records: list[dict[str, Any]], doc_splits: dict[str, str], seed: int, seconds: float
) -> None:
    from corpus.plan import HELD_OUT

    kept = [r for r in records if "dropped" not in r]
    pages: Counter[str] = Counter()
    families: dict[str, Counter[str]] = {}
    for r in kept:
        pages[r["split"]] += r["pages"]
        families.setdefault(r["split"], Counter())[r["family"]] += r["pages"]
    data = {
        "seed": seed,
        "seconds": round(seconds),
        "documents": dict(sorted(doc_splits.items())),
        "held_out_for_test": sorted([list(h) for h in HELD_OUT]),
        "pages": dict(pages),
        "cases": {s: sum(1 for r in kept if r["split"] == s) for s in ("train", "dev", "test")},
        "families": {s: dict(sorted(c.items())) for s, c in sorted(families.items())},
        "records": records,
    }
    (out / "splits.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def make_slice(source: Path, target: Path, pages: int) -> int:
    """Copy dev cases, both engines in turn, new families first and news and notices in turn, short
    cases first, until ``pages``."""
    data = json.loads((source / "splits.json").read_text(encoding="utf-8"))
    dev = sorted(
        (r for r in data["records"] if r["split"] == "dev" and "dropped" not in r),
        key=lambda r: (r["pages"], r["case"]),
    )
    for r in dev:
        with (source / "dev" / r["case"] / "case.toml").open("rb") as handle:
            r["content"] = tomllib.load(handle)["layout"].get("content")
    by_engine = {engine: [r for r in dev if r["engine"] == engine] for engine in ("reportlab", "xelatex")}
    chosen: list[dict[str, Any]] = []
    families: set[str] = set()
    total = 0
    while total < pages and any(by_engine.values()):
        for pool in by_engine.values():
            if not pool or total >= pages:
                continue
            # a new family, and news and notices in turn (the news pages are what real dailies look like)
            last = chosen[-1].get("content") if chosen else None
            fresh = [r for r in pool if r["family"] not in families] or pool
            pick = next((r for r in fresh if r.get("content") != last), fresh[0])
            pool.remove(pick)
            chosen.append(pick)
            families.add(pick["family"])
            total += pick["pages"]
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for r in sorted(chosen, key=lambda r: r["case"]):
        shutil.copytree(source / "dev" / r["case"], target / r["case"])
    print(f"{len(chosen)} cases, {total} pages, {len(families)} families copied to {target}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "corpus" / "generated")
    parser.add_argument("--pages", type=int, default=4000, help="about this many pages in all (default 4000)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--xelatex-share", type=float, default=0.27, help="share of pages set with XeLaTeX")
    parser.add_argument("--keep-pdf", type=Path, help="also keep the PDFs in this directory")
    parser.add_argument("--slice", type=Path, help="copy a slice of the dev split of --from into this folder")
    parser.add_argument("--from", dest="source", type=Path, default=ROOT / "corpus" / "generated")
    parser.add_argument("--slice-pages", type=int, default=40)
    args = parser.parse_args(argv)
    if args.slice:
        return make_slice(args.source, args.slice, args.slice_pages)
    if shutil.which("pdftotext") is None:
        parser.error("pdftotext is missing: apt-get install poppler-utils poppler-data")
    return generate(args.out, args.pages, args.jobs, args.seed, args.keep_pdf, args.xelatex_share)


if __name__ == "__main__":
    raise SystemExit(main())
