"""Source texts: the 南哪消息 Markdown issues and the shared sample's articles, as plain paragraphs.

Pure functions (no typesetting dependencies), so the tests can run them anywhere.

>>> doc = parse_nanna("# 南哪消息 2024-01-02\\n\\n# **活动预告**\\n\\n## 讲座 \\\\| 一\\n\\n"
...                   "详见[原文](https://x.y)，时间 10 月 9 日。  \\n地点：仙林\\n", "2024-01-02")
>>> [(s.title, [(i.title, i.paras) for i in s.items]) for s in doc.sections]
[('活动预告', [('讲座|一', ('详见原文，时间10月9日。', '地点：仙林'))])]
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "SourceDoc",
    "SourceItem",
    "SourceSection",
    "clean_inline",
    "load_nanna",
    "load_prose",
    "load_sample",
    "parse_nanna",
    "parse_prose",
]

_HAN = r"\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<https?://[^>]*>|https?://\S+")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_EMPH = re.compile(r"\*\*|__|(?<!\w)\*(?!\s)|(?<=\S)\*(?!\w)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~\"'$])")
_SPACE_HAN = re.compile(rf"(?<=[{_HAN}])\s+|\s+(?=[{_HAN}])")
_SPACES = re.compile(r"\s+")
_DANGLING = re.compile(r"(?:详见原文|详见|见原文|具体链接|报名链接|直播链接|链接|原文|网址)[：:]?\s*$")
# characters the CID fonts and pdftotext do not carry reliably (emoji, symbols, private use, astral)
_UNSAFE = re.compile(
    r"[\u2190-\u21ff\u2300-\u23ff\u2460-\u24ff\u2500-\u27bf\u2b00-\u2bff\ue000-\uf8ff\U00010000-\U0010ffff]"
)
_BULLET = re.compile(r"^(?:[-*+]\s+|\d+[.)]\s+(?=\S))")


@dataclass(frozen=True)
class SourceItem:
    """A ``##`` item: its title and paragraphs (list items and hard-broken lines are paragraphs too)."""

    title: str
    paras: tuple[str, ...]


@dataclass(frozen=True)
class SourceSection:
    title: str
    items: tuple[SourceItem, ...]


@dataclass(frozen=True)
class SourceDoc:
    doc_id: str
    sections: tuple[SourceSection, ...]


def clean_inline(text: str) -> str:
    """Markdown inline text as it would be printed: links by their text, no URLs, tags or emphasis.

    Spaces next to Han text and full-width punctuation go (a typesetter spaces Han and Latin itself);
    spaces between Latin words stay.

    >>> clean_inline("于 **10 月 9 日** 在 [B501](http://a) 举行<https://x.y/z>")
    '于10月9日在B501举行'
    >>> clean_inline("Large-scale  integrated quantum")
    'Large-scale integrated quantum'
    """
    text = html.unescape(_LINK.sub(r"\1", text))
    text = _AUTOLINK.sub("", text)
    text = _TAG.sub("", text)
    text = _ESCAPE.sub(r"\1", text)
    text = _EMPH.sub("", text)
    text = text.replace("`", "")
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", text).strip()
    text = _SPACE_HAN.sub("", text)
    return _DANGLING.sub("", text).strip()


def _printable(text: str, shortest: int = 4) -> bool:
    """Han text without unsafe characters, and not the residue of a table (rules of dashes and bars)."""
    # very short texts (a leftover 详) would be ambiguous to find in the dump
    if len(text) < shortest or _UNSAFE.search(text) or not any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return False
    return sum(ch in "-—–|=" for ch in text) < max(4, len(text) // 5)


def _paragraphs(lines: list[str]) -> list[str]:
    """Markdown block lines to printed paragraphs: blank lines and hard breaks (two trailing spaces) split."""
    out: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            text = clean_inline(" ".join(current))
            if _printable(text):
                out.append(text)
            current.clear()

    for raw in lines:
        if raw.lstrip().startswith("|") or re.match(r"^\s*:?-{3,}", raw):
            flush()  # tables are dropped
            continue
        if not raw.strip():
            flush()
            continue
        stripped = raw.strip()
        if _BULLET.match(stripped) or re.match(r"^[0-9]+[、.]", stripped) or stripped.startswith(("·", "•")):
            flush()
            stripped = _BULLET.sub("", stripped) if _BULLET.match(stripped) else stripped
        current.append(stripped)
        if raw.endswith("  ") or raw.endswith("\\"):
            flush()
    flush()
    return out


def parse_nanna(text: str, doc_id: str) -> SourceDoc:
    """One issue: the table of contents goes, ``#`` are sections, ``##`` items, the rest paragraphs."""
    sections: list[SourceSection] = []
    section_title: str | None = None
    items: list[SourceItem] = []
    item_title: str | None = None
    body: list[str] = []

    def close_item() -> None:
        nonlocal item_title
        if item_title is not None:
            paras = tuple(_paragraphs(body))
            title = clean_inline(item_title)
            if paras and _printable(title, 2) and len(title) <= 40:
                items.append(SourceItem(title, paras))
        item_title = None
        body.clear()

    def close_section() -> None:
        nonlocal items
        close_item()
        if section_title is not None and items:
            sections.append(SourceSection(section_title, tuple(items)))
        items = []

    for line in text.splitlines():
        if line.startswith("# "):
            close_section()
            title = clean_inline(line[2:])
            section_title = None if title.startswith("南哪消息") else title
            continue
        if line.startswith("## "):
            close_item()
            item_title = line[3:].strip()
            continue
        if section_title is None or item_title is None:
            continue  # table of contents and anything before the first item
        body.append(line)
    close_section()
    return SourceDoc(doc_id, tuple(sections))


def load_nanna(folder: Path) -> list[SourceDoc]:
    """Every issue of the folder, in date order; issues without a usable item are left out."""
    docs = []
    for path in sorted(folder.glob("*.md")):
        doc = parse_nanna(path.read_text(encoding="utf-8"), path.stem)
        if doc.sections:
            docs.append(doc)
    return docs


@dataclass(frozen=True)
class SampleArticle:
    """A news article: the sample page's two (with their dateline) and the prose written for the corpus."""

    headline: str | None
    subheadline: str | None
    dateline: str | None
    body: tuple[tuple[str, str], ...]  # (paragraph|heading, text)
    kicker: str | None = None
    doc_id: str = "zh-daily-2020-11-23"


def load_sample(expected: Path) -> list[SampleArticle]:
    """The articles of the shared sample page, from its hand-checked gold (fixtures/zh-daily-2020-11-23)."""
    data = json.loads(expected.read_text(encoding="utf-8"))
    out = []
    for article in data["articles"]:
        body = tuple((block["type"], block["text"]) for block in article["blocks"])
        out.append(SampleArticle(article["headline"], article["subheadline"], article["dateline"], body))
    return out


_FIELDS = {"引题": "kicker", "主题": "headline", "副题": "subheadline"}


def parse_prose(text: str, doc_id: str) -> SampleArticle:
    """One article of ``tools/corpus/prose/``: ``引题：`` / ``主题：`` / ``副题：`` lines, then blocks
    parted by blank lines, ``## `` blocks section headings and the rest paragraphs.

    >>> a = parse_prose("主题：新桥通车\\n副题：——两岸通\\n\\n大桥通车。\\n\\n## 工期\\n\\n三年。\\n", "x")
    >>> a.headline, a.subheadline, a.kicker
    ('新桥通车', '——两岸通', None)
    >>> a.body
    (('paragraph', '大桥通车。'), ('heading', '工期'), ('paragraph', '三年。'))
    """
    fields: dict[str, str] = {}
    blocks: list[tuple[str, str]] = []
    head, _, rest = text.strip().partition("\n\n")
    for line in head.splitlines():
        key, sep, value = line.partition("：")
        if not sep or key not in _FIELDS or not value.strip():
            raise ValueError(f"{doc_id}: not a 引题/主题/副题 line: {line!r}")
        fields[_FIELDS[key]] = value.strip()
    if "headline" not in fields:
        raise ValueError(f"{doc_id}: no 主题 line")
    for block in rest.split("\n\n"):
        block = block.strip()
        if not block:
            continue
        if "\n" in block:
            raise ValueError(f"{doc_id}: a block of several lines: {block[:30]!r}")
        if block.startswith("## "):
            blocks.append(("heading", block[3:].strip()))
        else:
            blocks.append(("paragraph", block))
    if not any(kind == "paragraph" for kind, _ in blocks):
        raise ValueError(f"{doc_id}: no paragraph")
    return SampleArticle(
        fields["headline"], fields.get("subheadline"), None, tuple(blocks), fields.get("kicker"), doc_id
    )


def load_prose(folder: Path) -> list[SampleArticle]:
    """Every article of the folder, in name order (the file stem is the source document's id)."""
    return [parse_prose(path.read_text(encoding="utf-8"), path.stem) for path in sorted(folder.glob("*.md"))]
