"""One case from its plan: choose sources, dress them, typeset, extract with pdftotext, write the gold."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .gold import MatchError, Piece, article_json, assign, block_lines, dump_pages, interleaved, line_roles
from .plan import CasePlan
from .sources import SampleArticle, SourceDoc
from .stories import (
    Grammar,
    Story,
    chinese_number,
    convert_story,
    dress,
    law_story,
    nanna_story,
    sample_story,
    section_story,
)

__all__ = ["Sources", "build_case"]

#: How much a news page counts in `reflow rules fit` (case.toml fit_weight): they are what dailies look
#: like; the notices teach the layouts.
NEWS_FIT_WEIGHT = 2

# s2t gives 爲 and s2hk HK variants (閲) that the CNS font lacks, so Taiwan forms only
SCRIPT_CONFIGS = ("s2tw", "s2twp")


@dataclass
class Sources:
    docs: dict[str, SourceDoc]
    sample: list[SampleArticle]  # the sample page's articles and the prose articles
    splits: dict[str, str]

    def for_split(self, split: str) -> list[SourceDoc]:
        return [d for doc_id, d in sorted(self.docs.items()) if self.splits[doc_id] == split]

    def articles_for(self, split: str) -> list[SampleArticle]:
        return [a for a in self.sample if self.splits[a.doc_id] == split]


class Dropped(Exception):
    """The case cannot be made exactly; the reason is recorded."""


def pdftotext(pdf: Path) -> str:
    txt = pdf.with_suffix(".txt")
    subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), str(txt)], check=True, capture_output=True)
    return txt.read_bytes().decode("utf-8")


def choose_stories(plan: CasePlan, sources: Sources, grammar: Grammar, count: int) -> list[Story]:
    """``count`` dressed stories from the plan's split: nanna items, sections, the sample, the law text."""
    rng = grammar.rng
    docs = sources.for_split(plan.split)
    doc = rng.choice(docs)
    pool = [(doc.doc_id, s, item) for s in doc.sections for item in s.items]
    rng.shuffle(pool)
    stories: list[Story] = []
    seen: set[str] = set()  # no text twice on a case: the gold must be unambiguous
    law_done = False
    samples = sources.articles_for(plan.split)
    rng.shuffle(samples)
    news = plan.content == "news"
    attempts = 0
    while len(stories) < count and attempts < count * 20:
        attempts += 1
        key = f"a{len(stories)}"
        roll = rng.random()
        if samples and (roll < 0.08 or (news and rng.random() < 0.8)):
            article = samples.pop()
            story = sample_story(key, article)
            if article.dateline is None:  # a prose article: the grammar dresses it like a notice
                story = dress(grammar, story)
            story = replace(story, body=story.body[: rng.randint(3, 14)])
        elif roll < 0.11 and not law_done:
            story = law_story(grammar, key)
            law_done = True
        elif roll < 0.25:
            section = rng.choice(doc.sections)
            story = dress(grammar, section_story(grammar, key, doc.doc_id, section, rng.randint(2, 4)))
        else:
            if not pool:
                doc = rng.choice(docs)
                pool = [(doc.doc_id, s, item) for s in doc.sections for item in s.items]
                rng.shuffle(pool)
            doc_id, _section, item = pool.pop()
            story = dress(grammar, nanna_story(key, doc_id, item, rng.randint(2, 9)))
        texts = [b.text for b in story.body] + [story.headline or ""]
        body = tuple(b for b in story.body if b.text not in seen)
        if story.headline in seen or not any(b.kind == "paragraph" for b in body) or body[0] != story.body[0]:
            continue
        seen.update(texts)
        stories.append(replace(story, body=body))
    return stories


def to_script(stories: list[Story], plan: CasePlan, rng: random.Random) -> tuple[list[Story], Any]:
    if plan.script == "hans":
        return stories, None
    import opencc

    converter = opencc.OpenCC(rng.choice(SCRIPT_CONFIGS))
    return [convert_story(s, converter.convert) for s in stories], converter


def expected_json(
    stories: list[Story], pieces: list[Piece], where: list[int | None], printed: list[dict[int, list[str]]]
) -> dict[str, Any]:
    """The truth: each story's fields and the blocks that were printed, with their first and last lines."""
    spans = block_lines(pieces, where)
    articles = []
    for a, story in enumerate(stories):
        blocks: list[dict[str, Any]] = []
        for b, block in enumerate(story.body):
            lines = spans.get((a, b))
            if not lines:
                continue
            if block.kind == "heading":
                blocks.append(
                    {
                        "type": "heading",
                        "level": block.level,
                        "text": block.text,
                        "lines": [lines[0], lines[-1]],
                    }
                )
                continue
            text = block.text
            if b in printed[a]:
                got = "".join(printed[a][b])
                if got != block.printed:
                    if not (story.continues_on and block.printed.startswith(got)):
                        raise Dropped(f"paragraph {b} of {story.key} was not printed whole")
                    text = got.removeprefix(block.lead)
            blocks.append({"type": "paragraph", "text": text, "lines": [lines[0], lines[-1]]})
        if blocks:
            articles.append(article_json(story.fields(), blocks))
    articles.sort(key=lambda art: art["blocks"][0]["lines"][0])
    return {"articles": articles}


def write_case(
    folder: Path,
    plan: CasePlan,
    dump: str,
    gold: dict[str, Any],
    roles: list[str],
    inter: bool,
    layout: dict[str, Any],
    description: str,
    sources: list[str],
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "input.txt").write_bytes(dump.encode("utf-8"))
    data = {**gold, "line_roles": roles}
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    (folder / "expected.json").write_text(text, encoding="utf-8")
    lay = dict(layout, interleaved=inter is not None)
    if inter:
        lay["interleaved_because"] = inter
    toml = ['ruleset = "zh-newspaper"', f'description = """\n{description.strip()}\n"""']
    if layout.get("content") == "news":
        toml.append(f"fit_weight = {NEWS_FIT_WEIGHT}")
    toml += ["", "[layout]"]
    for key, value in lay.items():
        toml.append(f"{key} = {toml_value(value)}")
    toml += ["", "[source]", f"documents = {toml_value(sorted(set(sources)))}", ""]
    (folder / "case.toml").write_text("\n".join(toml), encoding="utf-8")


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def page_labels(rng: random.Random, pages: int) -> list[str]:
    start = rng.choice((1, 1, 2, 3, 4, 5, 6))
    step = rng.choice((1, 1, 2, 3))
    numbers = [start + k * step for k in range(pages)]
    if rng.random() < 0.25:
        letter = rng.choice("ABC")
        return [f"{letter}{n}" for n in numbers]
    return [str(n) for n in numbers]


def marker_label(rng: random.Random, label: str) -> str:
    """The page label as the marker prints it: Arabic, or now and then in Chinese numerals."""
    if label.isdigit() and int(label) <= 20 and rng.random() < 0.25:
        return chinese_number(int(label))
    return label


def build_case(plan: CasePlan, sources: Sources, out: Path, keep: Path | None = None) -> dict[str, Any]:
    """Make the case folder; returns a record (pages, family, dropped reason if any)."""
    record: dict[str, Any] = {
        "case": plan.case_id,
        "split": plan.split,
        "family": plan.family,
        "engine": plan.engine,
    }
    folder = out / plan.split / plan.case_id
    started = time.monotonic()
    try:
        if plan.engine == "reportlab":
            from .rl_case import make_reportlab

            result = make_reportlab(plan, sources, keep)
        else:
            from .tex import make_xelatex

            result = make_xelatex(plan, sources, keep)
    except (MatchError, Dropped) as error:
        record["dropped"] = str(error)
        record["seconds"] = round(time.monotonic() - started, 2)
        return record
    dump, gold, roles, inter, layout, description, used = result
    layout = {**layout, "content": plan.content}
    write_case(folder, plan, dump, gold, roles, inter, layout, description, used)
    record["seconds"] = round(time.monotonic() - started, 2)
    record.update(
        pages=layout["pages"],
        interleaved=inter is not None,
        articles=len(gold["articles"]),
        sources=sorted(set(used)),
    )
    return record


def run_pdf(pdf: Path, keep: Path | None, case_id: str) -> str:
    dump = pdftotext(pdf)
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copy(pdf, keep / f"{case_id}.pdf")
    return dump


def tempdir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="reflow-corpus-")


def gold_from(
    stories: list[Story], pieces: list[Piece], dump: str, printed: list[dict[int, list[str]]]
) -> tuple[dict[str, Any], list[str], bool]:
    where = assign(dump, pieces)
    gold = expected_json(stories, pieces, where, printed)
    roles = line_roles(dump, pieces, where)
    return gold, roles, interleaved(pieces, where, dump_pages(dump.split("\n")))  # type: ignore[return-value]
