"""Articles to typeset: source paragraphs dressed by the newspaper grammar (tools/grammars/newspaper.toml).

A :class:`Story` holds the truth (headline stack, dateline, byline, body blocks with their source text)
and what is printed around it (a dateline glued to the first paragraph or on a line of its own, a byline
line, an end line, a photo caption). Pure functions of a seeded :class:`random.Random`.
"""

from __future__ import annotations

import random
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .sources import SampleArticle, SourceDoc, SourceItem, SourceSection

__all__ = [
    "Block",
    "Grammar",
    "Story",
    "convert_story",
    "law_story",
    "nanna_story",
    "sample_story",
    "section_story",
]

GRAMMAR_PATH = Path(__file__).resolve().parent.parent / "grammars" / "newspaper.toml"
CN_NUM = "〇一二三四五六七八九十"
WEEKDAYS = "一二三四五六日"


def chinese_number(n: int) -> str:
    """1-99 in Chinese numerals.

    >>> [chinese_number(n) for n in (1, 10, 12, 20, 31)]
    ['一', '十', '十二', '二十', '三十一']
    """
    if n <= 10:
        return CN_NUM[n] if n < 10 else "十"
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_NUM[tens]) + "十" + (CN_NUM[ones] if ones else "")


@dataclass(frozen=True)
class Block:
    """A body block: ``kind`` paragraph or heading; ``text`` the truth; ``lead``/``tail`` printed with it."""

    kind: str
    text: str
    level: int = 1
    lead: str = ""
    tail: str = ""

    @property
    def printed(self) -> str:
        return self.lead + self.text + self.tail


@dataclass(frozen=True)
class Story:
    key: str
    headline: str | None
    body: tuple[Block, ...]
    kicker: str | None = None
    subheadline: str | None = None
    dateline: str | None = None
    byline: str | None = None
    continued_from: str | None = None
    continues_on: str | None = None
    dateline_line: str | None = None  # the dateline printed on a line of its own before the body
    byline_line: str | None = None  # a byline printed on a line of its own before the body
    end_line: str | None = None  # （完）, （执笔：X） … on a line of its own after the body
    caption: str | None = None
    sources: tuple[str, ...] = ()

    def fields(self) -> dict[str, Any]:
        return {
            "headline": self.headline,
            "kicker": self.kicker,
            "subheadline": self.subheadline,
            "dateline": self.dateline,
            "byline": self.byline,
            "continued_from": self.continued_from,
            "continues_on": self.continues_on,
        }


@dataclass
class Grammar:
    """The loaded grammar file with a random source; ``fill`` expands ``{field}`` templates."""

    data: dict[str, Any]
    rng: random.Random
    paper: dict[str, Any] = field(default_factory=dict)
    month: int = 3
    day: int = 5

    @classmethod
    def load(cls, rng: random.Random, path: Path = GRAMMAR_PATH) -> Grammar:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        grammar = cls(data, rng)
        grammar.new_issue()
        return grammar

    def new_issue(self) -> None:
        self.paper = self.rng.choice(self.data["papers"])
        self.month = self.rng.randint(1, 12)
        self.day = self.rng.randint(1, 28)

    def name(self) -> str:
        names = self.data["names"]
        given = "".join(self.rng.choice(names["given"]) for _ in range(self.rng.choice((1, 2, 2))))
        return self.rng.choice(names["surnames"]) + given

    def pick(self, key: str) -> str:
        return self.fill(self.rng.choice(self.data["parts"][key]))

    def fill(self, template: str, **extra: str) -> str:
        if "{" not in template:
            return template
        day = max(1, self.day - self.rng.choice((0, 0, 1)))
        values = {
            "city": self.rng.choice(self.data["places"]["cities"]),
            "twcity": self.rng.choice(self.data["places"]["tw_cities"]),
            "m": str(self.month),
            "d": str(day),
            "cm": chinese_number(self.month),
            "cd": chinese_number(day),
            "name": self.name(),
            "name2": self.name(),
            "paper": self.paper["short"],
            "roman": self.paper["roman"],
            "hkpaper": self.rng.choice(self.data["places"]["hk_papers"]),
            "section": self.rng.choice(self.paper["sections"]),
            "org": self.rng.choice(self.data["parts"]["orgs"]),
            "scene": self.rng.choice(self.data["parts"]["scenes"]),
            "date": f"2024年{self.month}月{self.day}日",
            "weekday": "星期" + WEEKDAYS[(self.month * 3 + self.day) % 7],
            **extra,
        }
        # one name per template: {name} twice in a template means the same person
        return template.format(**values)

    def dateline(self) -> tuple[str, str | None, str | None, bool]:
        """(printed, dateline, byline, may stand on its own line), names consistent between them."""
        form = self.rng.choice(self.data["datelines"])
        fixed = {
            "name": self.name(),
            "name2": self.name(),
            "city": self.rng.choice(self.data["places"]["cities"]),
        }
        fixed["twcity"] = self.rng.choice(self.data["places"]["tw_cities"])
        fixed["d"] = str(self.day)
        fixed["cd"] = chinese_number(self.day)
        fixed["hkpaper"] = self.rng.choice(self.data["places"]["hk_papers"])
        printed = self.fill(form["printed"], **fixed)
        dateline = self.fill(form["dateline"], **fixed) or None
        byline = self.fill(form["byline"], **fixed) or None
        return printed, dateline, byline, bool(form.get("own_line"))


def heading_text(grammar: Grammar, title: str, number: int, form: str) -> tuple[str, int]:
    """A section heading in one of the numbering forms and its level (as rules/zh-newspaper.toml has them)."""
    text = form.format(n=chinese_number(number), i=number, t=title)
    level = 2 if form.startswith(("（", "{i}")) else 1
    return text, level


def dress(grammar: Grammar, story: Story, *, allow_dateline: bool = True) -> Story:
    """Add the newspaper parts: kicker, subtitle, dateline and byline, end line, caption, editor's note."""
    rng = grammar.rng
    body = list(story.body)
    changes: dict[str, Any] = {}
    if story.kicker is None and rng.random() < 0.25:
        changes["kicker"] = grammar.pick("kickers" if rng.random() < 0.6 else "long_kickers")
    if story.subheadline is None and rng.random() < 0.2:
        changes["subheadline"] = grammar.pick("subtitles")
    first = next((k for k, b in enumerate(body) if b.kind == "paragraph"), None)
    if allow_dateline and story.dateline is None and first is not None and rng.random() < 0.65:
        printed, dateline, byline, own_line = grammar.dateline()
        changes["dateline"], changes["byline"] = dateline, byline
        if own_line and rng.random() < 0.4:
            changes["dateline_line"] = printed.strip()
        else:
            body[first] = replace(body[first], lead=printed)
    elif rng.random() < 0.2:
        line = grammar.pick("bylines")
        changes["byline"] = line
        changes["byline_line"] = line
    if rng.random() < 0.05:
        body.insert(0, Block("paragraph", grammar.pick("editor_notes")))
    elif rng.random() < 0.05:
        body[:0] = [Block("heading", "核心阅读", 1), Block("paragraph", grammar.pick("summaries"))]
    roll = rng.random()
    if roll < 0.15 and body and body[-1].kind == "paragraph":
        body[-1] = replace(body[-1], tail=rng.choice(["（完）", "（完）", f"（责任编辑：{grammar.name()}）"]))
    elif roll < 0.35:
        changes["end_line"] = grammar.pick("end_lines")
    if rng.random() < 0.25:
        changes["caption"] = grammar.pick("captions")
    return replace(story, body=tuple(body), **changes)


def nanna_story(key: str, doc: str, item: SourceItem, max_paras: int) -> Story:
    body = tuple(Block("paragraph", text) for text in item.paras[:max_paras])
    return Story(key, item.title, body, sources=(doc,))


def section_story(grammar: Grammar, key: str, doc: str, section: SourceSection, max_items: int) -> Story:
    """A whole ``#`` section as one article: its items become numbered (or unnumbered) section heads."""
    rng = grammar.rng
    form = rng.choice(grammar.data["parts"]["heading_forms"])
    body: list[Block] = []
    for number, item in enumerate(section.items[:max_items], 1):
        text, level = heading_text(grammar, item.title, number, form)
        body.append(Block("heading", text, level))
        body.extend(Block("paragraph", p) for p in item.paras[: rng.randint(1, 4)])
    headline = rng.choice([f"{section.title}一览", f"本期{section.title}", section.title])
    return Story(key, headline, tuple(body), sources=(doc,))


def law_story(grammar: Grammar, key: str) -> Story:
    law = grammar.data["law"]
    body: list[Block] = []
    number = 0
    for chapter, articles in law["chapters"]:
        body.append(Block("heading", chapter, 1))
        for text in articles:
            number += 1
            body.append(Block("paragraph", f"第{chinese_number(number)}条 {text}"))
    return Story(key, law["title"], tuple(body), kicker=law["kicker"], sources=("grammar",))


def sample_story(key: str, article: SampleArticle) -> Story:
    return Story(
        key,
        article.headline,
        _sample_body(article),
        kicker=article.kicker,
        subheadline=article.subheadline,
        dateline=article.dateline,
        sources=(article.doc_id,),
    )


def _sample_body(article: SampleArticle) -> tuple[Block, ...]:
    body = [Block(kind, text, 2 if text.startswith("（") else 1) for kind, text in article.body]
    if article.dateline and body and body[0].kind == "paragraph":
        body[0] = replace(body[0], lead=article.dateline + " ")
    return tuple(body)


def convert_story(story: Story, convert: Callable[[str], str]) -> Story:
    """The story in another script (OpenCC), every printed and true text alike."""

    def c(text: str | None) -> str | None:
        return None if text is None else convert(text)

    body = tuple(
        replace(b, text=convert(b.text), lead=convert(b.lead), tail=convert(b.tail)) for b in story.body
    )
    return replace(
        story,
        body=body,
        headline=c(story.headline),
        kicker=c(story.kicker),
        subheadline=c(story.subheadline),
        dateline=c(story.dateline),
        byline=c(story.byline),
        dateline_line=c(story.dateline_line),
        byline_line=c(story.byline_line),
        end_line=c(story.end_line),
        caption=c(story.caption),
    )


def pick_items(rng: random.Random, docs: list[SourceDoc], count: int) -> list[tuple[str, SourceItem]]:
    pool = [(d.doc_id, item) for d in docs for s in d.sections for item in s.items]
    rng.shuffle(pool)
    return pool[:count]
