"""A reportlab case: an issue of 1-3 pages planned in bands of placements, jumps between them."""

from __future__ import annotations

import random
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from typing import Any

from .build import (
    Dropped,
    Sources,
    choose_stories,
    gold_from,
    marker_label,
    page_labels,
    run_pdf,
    tempdir,
    to_script,
)
from .plan import CasePlan
from .rl import HEADLINE_MODES, Layout, PagePlan, Placement, clean_story, typeset_issue
from .stories import Grammar, Story


def partition(rng: random.Random, columns: int) -> list[int]:
    """Column widths of the placements of one band."""
    parts = rng.choice((1, 2, 2, 3)) if columns >= 4 else rng.choice((1, 2))
    if parts == 1:
        return [columns]
    cuts = sorted(rng.sample(range(1, columns), min(parts - 1, columns - 1)))
    edges = [0, *cuts, columns]
    return [b - a for a, b in pairwise(edges)]


def make_layout(plan: CasePlan, rng: random.Random) -> Layout:
    size = rng.choice((8.0, 8.5, 9.0, 9.0, 9.5, 10.0, 10.5))
    total = rng.randint(56, 96)
    em = max(9, min(30, round(total / plan.columns)))
    leading = size * (rng.uniform(1.6, 1.7) if rng.random() < 0.06 else rng.uniform(1.3, 1.45))
    gutter = size * rng.uniform(2.0, 3.0)
    return Layout(plan.columns, em, size, leading, gutter, plan.setting, plan.headline, plan.script)


def make_reportlab(plan: CasePlan, sources: Sources, keep: Path | None) -> tuple[Any, ...]:
    rng = random.Random(plan.seed)
    grammar = Grammar.load(rng)
    layout = make_layout(plan, rng)
    labels = page_labels(rng, plan.pages)
    # an orderly page has one story per band over all the columns and no photos, the way the hand-made
    # fixtures are laid out, so that pdftotext keeps most of it in reading order
    orderly = rng.random() < 0.35
    bands_per_page = [
        [[plan.columns] if orderly else partition(rng, plan.columns) for _ in range(rng.choice((1, 2, 2, 3)))]
        for _ in labels
    ]
    count = sum(len(b) for page in bands_per_page for b in page) + 2
    stories = choose_stories(plan, sources, grammar, count)
    stories, converter = to_script(stories, plan, rng)
    cleaned = [clean_story(s, layout) for s in stories]
    pool = [s for s in cleaned if s is not None]
    if len(pool) < count - 2:
        raise Dropped("too few stories fit the columns")
    used: list[Story] = []
    plans: list[PagePlan] = []
    pending: list[tuple[int, Placement]] = []  # (page index, continuation placement to put first)
    c = converter.convert if converter else (lambda t: t)
    for page_index, (label, bands) in enumerate(zip(labels, bands_per_page, strict=True)):
        page_bands: list[list[Placement]] = []
        for cont_page, cont in [x for x in pending if x[0] == page_index]:
            del cont_page
            page_bands.append([cont])
        for band in bands:
            placements = []
            first = 0
            for width in band:
                story = pool.pop(0)
                mode = plan.headline if plan.headline != "mixed" else rng.choice(HEADLINE_MODES)
                if mode in ("beside", "inside") and width < 2:
                    mode = "above"
                p = Placement(len(used), first, width, mode, rng.randint(10, 34))
                p.photo = bool(story.caption) and mode != "inside" and rng.random() < 0.7 and not orderly
                if not p.photo and story.caption:
                    story = replace(story, caption=None)
                used.append(story)
                placements.append(p)
                first += width
            page_bands.append(placements)
        plans.append(PagePlan(label, page_bands, running_head(grammar, label, rng, c)))
        plans[-1].masthead = masthead(grammar, rng, c) if page_index == 0 and rng.random() < 0.3 else None
        plans[-1].foot = footer(grammar, label, rng, c)
        # a jump from this page to a later one of the issue
        candidates = [
            p for band in page_bands for p in band if p.jump_from is None and size(used[p.story]) > 260
        ]
        if page_index + 1 < len(labels) and candidates and rng.random() < 0.85:
            p = max(candidates, key=lambda p: (p.width, size(used[p.story])))
            target = rng.randrange(page_index + 1, len(labels))
            to_label = marker_label(rng, labels[target])
            from_label = marker_label(rng, label)
            p.jump_to = c(grammar.fill(rng.choice(grammar.data["parts"]["jump_to"]), p=to_label))
            cont = Placement(p.story, 0, rng.randint(max(1, plan.columns - 2), plan.columns), "above", 40)
            cont.jump_from = c(grammar.fill(rng.choice(grammar.data["parts"]["jump_from"]), p=from_label))
            pending.append((target, cont))
    # jumps to and from pages that are not part of the case
    last_bands = plans[-1].bands
    if rng.random() < 0.25:
        p = last_bands[-1][-1]
        if p.jump_to is None and p.jump_from is None and size(used[p.story]) > 260:
            to_label = marker_label(
                rng, f"{int(labels[-1]) + 1}" if labels[-1].isdigit() else labels[-1] + "0"
            )
            p.jump_to = c(grammar.fill(rng.choice(grammar.data["parts"]["jump_to"]), p=to_label))
            used[p.story] = replace(used[p.story], continues_on=to_label, end_line=None)
    if rng.random() < 0.2 and pool:
        story = pool.pop(0)
        paras = [k for k, b in enumerate(story.body) if b.kind == "paragraph"]
        if len(paras) >= 3:
            skip = paras[1]
            from_label = marker_label(rng, rng.choice(("1", "2", "A1")))
            body = story.body[skip:]
            story = replace(
                story,
                body=body,
                continued_from=from_label,
                dateline=None,
                byline=None,
                dateline_line=None,
                byline_line=None,
                kicker=None,
                caption=None,
            )
            p = Placement(len(used), 0, plan.columns, rng.choice(("above", "below")), 30)
            p.jump_from = c(grammar.fill(rng.choice(grammar.data["parts"]["jump_from"]), p=from_label))
            used.append(story)
            plans[-1].bands.append([p])
    with tempdir() as tmp:
        pdf = Path(tmp) / f"{plan.case_id}.pdf"
        pieces, states = typeset_issue(used, plans, layout, pdf, rng)
        dump = run_pdf(pdf, keep, plan.case_id)
    for k, state in enumerate(states):
        rest = [r for r in state.rows[state.pos :] if r.kind != "skip"]
        if rest and not used[k].continues_on:
            raise Dropped(f"story {k} has {len(rest)} rows that were not printed")
    gold, roles, inter = gold_from(used, pieces, dump, [s.printed for s in states])
    headline = plan.headline
    lay = {
        "engine": "reportlab",
        "columns": plan.columns,
        "column_chars": layout.em,
        "font_size": layout.size,
        "leading": round(layout.leading, 2),
        "setting": plan.setting,
        "headline": headline,
        "script": plan.script,
        "pages": len(labels),
        "family": plan.family,
        "orderly": orderly,
    }
    jumps = sum(1 for page in plans for band in page.bands for p in band if p.jump_to or p.jump_from)
    description = (
        f"Generated by tools/make_corpus.py (reportlab, {layout.face}): {len(labels)} page(s) labelled "
        f"{', '.join(labels)}, {plan.columns} columns of {layout.em} characters, {layout.size} pt on "
        f"{layout.leading:.1f} pt, {plan.setting} setting, headlines {headline}; {len(gold['articles'])} "
        f"articles, {jumps} jump line(s); dumped with pdftotext (default mode)."
    )
    sources_used = [doc for s in used for doc in s.sources]
    return dump, gold, roles, inter, lay, description, sources_used


def size(story: Story) -> int:
    return sum(len(b.printed) for b in story.body)


def running_head(grammar: Grammar, label: str, rng: random.Random, c: Any) -> str:
    template = rng.choice(grammar.data["parts"]["running_heads"])
    return str(c(grammar.fill(template, page=label)))


def masthead(grammar: Grammar, rng: random.Random, c: Any) -> tuple[str, str]:
    paper = grammar.paper
    sub = rng.choice(
        [paper["roman"], f"{paper['roman']} 国内统一连续出版物号 CN 32-0{rng.randint(100, 999)}"]
    )
    return str(c(paper["name"])), str(c(sub))


def footer(grammar: Grammar, label: str, rng: random.Random, c: Any) -> str | None:
    roll = rng.random()
    if roll < 0.35:
        return str(c(grammar.fill(rng.choice(grammar.data["parts"]["editor_lines"]))))
    if roll < 0.6:
        return str(c(grammar.fill(rng.choice(grammar.data["parts"]["page_numbers"]), page=label)))
    return None
