"""Typeset the Chinese newspaper fixture pages as multi-column PDFs and extract them with pdftotext.

The article texts below are original (written for these fixtures). Each case is laid out the way a
daily is: a running head, headline stacks over the columns they cover, justified body text in columns
with two-character paragraph indents, line breaking by the GB/T 15834 rules (closing marks are pushed
into the line, opening marks pushed out), a quarter-em space between Han and Latin letters or digits in
some paragraphs, jump lines, photo credits, an editor line. The PDF is then dumped with ``pdftotext``
(default mode, not ``-layout``) and the dump is written unedited to ``fixtures/<case>/input.txt``.

``expected.json`` is written from the same source texts: every drawn line is found again in the dump
(spaces ignored), so each paragraph and heading gets the first and last dump line it occupies; the
text is the source text itself, never the dump. The script fails loudly when a dump line cannot be
accounted for. Tool dependencies only: reportlab and poppler-utils (``pdftotext``).

    python tools/make_fixtures.py                 # all cases
    python tools/make_fixtures.py zh-hant-page    # one case
    python tools/make_fixtures.py --keep-pdf DIR  # also keep the typeset PDFs and raw dumps
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

try:
    from reportlab.pdfbase import cidfonts, pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas
except ImportError:  # pragma: no cover - tool dependency only
    sys.exit("make_fixtures.py needs reportlab: pip install reportlab")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SEED = 20240305

# reportlab's table gives MSung-Light (Adobe-CNS1) the GB encoding, which poppler cannot resolve.
cidfonts.defaultUnicodeEncodings["MSung-Light"] = ("cht", "UniCNS-UCS2-H")
FONTS = {"hans": "STSong-Light", "hant": "MSung-Light"}
for _face in FONTS.values():
    pdfmetrics.registerFont(UnicodeCIDFont(_face))

NO_LINE_START = set("。，、；：？！）》」』】〕〉”’·")
NO_LINE_END = set("（《「『【〔〈“‘")
SQUEEZABLE = NO_LINE_START | NO_LINE_END
PAIRS = ("——", "……")
SPACES = (" ", "\u3000")


# --- source model ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Para:
    """A body paragraph; ``lead`` is printed before the text (a dateline) and ``tail`` after it (（完）)."""

    text: str
    lead: str = ""
    tail: str = ""
    latin_gap: bool | None = None  # None: seeded choice


@dataclass(frozen=True)
class Heading:
    """A heading inside an article body: one line (一、…) or an unnumbered two-line subhead."""

    lines: tuple[str, ...]
    level: int = 1


@dataclass(frozen=True)
class Article:
    key: str
    headline: str | None
    body: tuple[Para | Heading, ...]
    kicker: str | None = None
    subheadline: str | None = None
    dateline: str | None = None
    byline: str | None = None
    continued_from: str | None = None
    continues_on: str | None = None
    printed_elsewhere: bool = False  # the flow goes on on a page that is not part of the case


# --- layout model ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A column box: left x, top y (baseline of its first line), number of body lines it holds."""

    x: float
    top: float
    lines: int


@dataclass(frozen=True)
class Stack:
    """A headline stack drawn centred over ``width`` points from ``x``, its top at ``top``."""

    article: str
    x: float
    top: float
    width: float
    size: float = 20.0  # the main headline's point size


@dataclass(frozen=True)
class Frame:
    """The part of an article's flow that goes into these slots. ``jump_to``/``jump_from``: marker lines."""

    article: str
    slots: tuple[Slot, ...]
    jump_to: str | None = None
    jump_from: str | None = None
    fill: bool = False  # the slots must be filled exactly (the flow goes on in a later frame)


@dataclass(frozen=True)
class Furniture:
    text: str
    x: float
    y: float
    size: float
    align: str = "left"  # left | centre | right (x is the left edge, centre or right edge)


@dataclass(frozen=True)
class Photo:
    x: float
    y: float  # top
    width: float
    height: float
    credit: str


@dataclass(frozen=True)
class PageSpec:
    width: float
    height: float
    stacks: tuple[Stack, ...]
    frames: tuple[Frame, ...]
    furniture: tuple[Furniture, ...] = ()
    photos: tuple[Photo, ...] = ()


@dataclass(frozen=True)
class CaseSpec:
    name: str
    script: str  # hans | hant
    description: str
    articles: tuple[Article, ...]
    pages: tuple[PageSpec, ...]
    body_size: float = 9.0
    leading: float = 12.5
    column_em: int = 25
    para_space: float = 0.0  # points above a paragraph, for a share of the paragraphs
    para_space_ratio: float = 0.85


@dataclass
class Drawn:
    """One line drawn on a page and what it belongs to, found again in the dump by ``text``."""

    text: str
    owner: tuple[str, int] | None  # (article key, body item index) or None for headlines/furniture
    page: int


# --- line breaking --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    text: str
    width: float  # in em
    latin: bool

    @property
    def no_start(self) -> bool:
        return self.text[0] in NO_LINE_START

    @property
    def no_end(self) -> bool:
        return self.text[-1] in NO_LINE_END

    @property
    def squeeze(self) -> float:
        return 0.5 if len(self.text) == 1 and self.text in SQUEEZABLE else 0.0


def is_latin(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in ".%-/+")


def units(text: str, face: str) -> list[Unit]:
    out: list[Unit] = []
    i = 0
    while i < len(text):
        if text[i : i + 2] in PAIRS:
            out.append(Unit(text[i : i + 2], 2.0, False))
            i += 2
            continue
        if is_latin(text[i]):
            j = i
            while j < len(text) and is_latin(text[j]):
                j += 1
            run = text[i:j]
            out.append(Unit(run, pdfmetrics.stringWidth(run, face, 1000) / 1000, True))
            i = j
            continue
        ch = text[i]
        width = 0.5 if ch == " " else 1.0
        out.append(Unit(ch, width, False))  # U+3000 is a one-em gap, never drawn
        i += 1
    return out


def gap_between(a: Unit, b: Unit, latin_gap: float) -> float:
    """The quarter-em space some typesetters put between Han and Latin (never next to punctuation)."""
    if a.latin == b.latin:
        return 0.0
    other = b if a.latin else a
    return latin_gap if unicodedata.category(other.text[0]) == "Lo" else 0.0


@dataclass(frozen=True)
class Line:
    units: tuple[Unit, ...]
    indent: float
    last: bool  # last line of its paragraph: not justified

    @property
    def text(self) -> str:
        return "".join(u.text for u in self.units)


def break_paragraph(text: str, face: str, measure: float, indent: float, latin_gap: float) -> list[Line]:
    """Greedy breaking with push-in of closing marks and push-out of opening marks."""
    us = units(text, face)
    lines: list[Line] = []
    i = 0
    first = True
    while i < len(us):
        room = measure - (indent if first else 0.0)
        width = 0.0
        j = i
        while j < len(us):
            extra = us[j].width + (gap_between(us[j - 1], us[j], latin_gap) if j > i else 0.0)
            if width + extra > room + 1e-6:
                break
            width += extra
            j += 1
        if j < len(us):
            if us[j].no_start:
                squeeze = sum(u.squeeze for u in us[i : j + 1])
                overflow = width + us[j].width - room
                follows = j + 1 < len(us) and us[j + 1].no_start
                if squeeze >= overflow and not follows:
                    j += 1
            while j > i + 1 and j < len(us) and (us[j].no_start or us[j - 1].no_end):
                j -= 1
        lines.append(Line(tuple(us[i:j]), indent if first else 0.0, j >= len(us)))
        first = False
        i = j
    return lines


def place(line: Line, measure: float, latin_gap: float, justify: bool = True) -> list[tuple[float, str]]:
    """x offsets (in em) of each character of a line, justified to ``measure`` unless it is a last line."""
    us = line.units
    gaps = [gap_between(us[k - 1], us[k], latin_gap) for k in range(1, len(us))]
    natural = sum(u.width for u in us) + sum(gaps)
    room = measure - line.indent
    shrink = [0.0] * len(us)
    if natural > room + 1e-6:
        over = natural - room
        for k in reversed(range(len(us))):
            take = min(us[k].squeeze, over)
            shrink[k] = take
            over -= take
            if over <= 1e-9:
                break
        stretch = 0.0
    elif justify and not line.last and len(us) > 1:
        stretch = (room - natural) / (len(us) - 1)
    else:
        stretch = 0.0
    out: list[tuple[float, str]] = []
    x = line.indent
    for k, unit in enumerate(us):
        if k:
            x += gaps[k - 1] + stretch
        # an opening mark is squeezed on its left, any other mark on its right
        if unit.text in NO_LINE_END:
            x -= shrink[k]
        if unit.text in SPACES:
            pass
        elif unit.latin:
            out.append((x, unit.text))
        else:
            for n, ch in enumerate(unit.text):
                out.append((x + n, ch))
        x += unit.width - (0.0 if unit.text in NO_LINE_END else shrink[k])
    return out


# --- typesetting ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of an article's flow: a paragraph line (p), a heading line (h) or a blank line (skip)."""

    kind: str
    line: Line | None
    index: int  # body item
    latin_gap: float = 0.0
    space_before: float = 0.0  # extra points above a paragraph's first line


@dataclass
class Flow:
    """An article's body as typeset rows, consumed frame by frame."""

    rows: list[Row]
    pos: int = 0


def article_flow(article: Article, case: CaseSpec, rng: random.Random) -> Flow:
    face = FONTS[case.script]
    measure = float(case.column_em)
    rows: list[Row] = []
    for index, item in enumerate(article.body):
        if isinstance(item, Heading):
            if rows:
                rows.append(Row("skip", None, index))
            for text in item.lines:
                rows.append(Row("h", Line(tuple(units(text, face)), 0.0, True), index))
            rows.append(Row("skip", None, index))
            continue
        gap = item.latin_gap if item.latin_gap is not None else rng.random() < 0.5
        latin_gap = 0.25 if gap else 0.0
        # optional space between paragraphs (loose setting); pdftotext only shows it as a blank line when
        # the gap exceeds 2.5 times the font size (a new "flow")
        space = (
            case.para_space if rows and rows[-1].kind == "p" and rng.random() < case.para_space_ratio else 0.0
        )
        printed = item.lead + item.text + item.tail
        for n, line in enumerate(break_paragraph(printed, face, measure, 2.0, latin_gap)):
            rows.append(Row("p", line, index, latin_gap, space if n == 0 else 0.0))
    return Flow(rows)


def draw_chars(
    canvas: Canvas, face: str, size: float, x0: float, y: float, chars: Sequence[tuple[float, str]]
) -> None:
    canvas.setFont(face, size)
    for x, text in chars:
        canvas.drawString(x0 + x * size, y, text)


def draw_text(canvas: Canvas, face: str, size: float, x: float, y: float, text: str, align: str) -> None:
    """A single-line string; a full-width space is drawn as a one-em gap (pdftotext reads it as a space)."""
    width = sum(u.width for u in units(text, face)) * size
    left = {"left": x, "centre": x - width / 2, "right": x - width}[align]
    chars: list[tuple[float, str]] = []
    pos = 0.0
    for unit in units(text, face):
        if unit.text not in SPACES:
            chars.append((pos, unit.text))
        pos += unit.width
    draw_chars(canvas, face, size, left, y, chars)


def typeset(case: CaseSpec, pdf: Path) -> list[Drawn]:
    rng = random.Random(SEED)
    face = FONTS[case.script]
    size = case.body_size
    articles = {a.key: a for a in case.articles}
    flows = {a.key: article_flow(a, case, rng) for a in case.articles}
    drawn: list[Drawn] = []
    first_page = case.pages[0]
    canvas = Canvas(str(pdf), pagesize=(first_page.width, first_page.height), invariant=1)
    canvas.setTitle(case.name)
    for page_no, page in enumerate(case.pages, 1):
        canvas.setPageSize((page.width, page.height))
        for item in page.furniture:
            draw_text(canvas, face, item.size, item.x, page.height - item.y, item.text, item.align)
            drawn.append(Drawn(item.text, None, page_no))
        for photo in page.photos:
            canvas.setFillGray(0.8)
            canvas.rect(
                photo.x, page.height - photo.y - photo.height, photo.width, photo.height, stroke=0, fill=1
            )
            canvas.setFillGray(0.0)
            credit_y = page.height - photo.y - photo.height - 1.4 * size
            draw_text(canvas, face, size * 0.9, photo.x + photo.width / 2, credit_y, photo.credit, "centre")
            drawn.append(Drawn(photo.credit, None, page_no))
        for stack in page.stacks:
            drawn.extend(draw_stack(canvas, face, page, page_no, stack, articles[stack.article]))
        for frame in page.frames:
            drawn.extend(draw_frame(canvas, face, page, page_no, frame, flows[frame.article], case))
        canvas.showPage()
    canvas.save()
    for key, flow in flows.items():
        rest = [row for row in flow.rows[flow.pos :] if row.kind != "skip"]
        if rest and not articles[key].printed_elsewhere:
            raise SystemExit(f"{case.name}: article {key} has {len(rest)} lines that did not fit its frames")
    return drawn


def draw_stack(
    canvas: Canvas, face: str, page: PageSpec, page_no: int, stack: Stack, article: Article
) -> list[Drawn]:
    out: list[Drawn] = []
    y = page.height - stack.top
    centre = stack.x + stack.width / 2
    rows = [(article.kicker, 11.0), (article.headline, stack.size), (article.subheadline, 11.5)]
    for text, size in rows:
        if not text:
            continue
        y -= size * 1.1
        draw_text(canvas, face, size, centre, y, text, "centre")
        out.append(Drawn(text, None, page_no))
        y -= size * 0.5
    return out


def draw_frame(
    canvas: Canvas,
    face: str,
    page: PageSpec,
    page_no: int,
    frame: Frame,
    flow: Flow,
    case: CaseSpec,
) -> Iterator[Drawn]:
    size, leading, measure = case.body_size, case.leading, float(case.column_em)
    capacity = sum(s.lines for s in frame.slots) - (1 if frame.jump_to else 0) - (1 if frame.jump_from else 0)
    cells = [(s, n) for s in frame.slots for n in range(s.lines)]
    extra = dict.fromkeys(range(len(frame.slots)), 0.0)
    slot_of = {id(s): k for k, s in enumerate(frame.slots)}

    def baseline(slot: Slot, n: int) -> float:
        return page.height - slot.top - n * leading - extra[slot_of[id(slot)]]

    cell = 0
    if frame.jump_from:
        slot, n = cells[cell]
        draw_text(canvas, face, size, slot.x, baseline(slot, n), frame.jump_from, "left")
        yield Drawn(frame.jump_from, None, page_no)
        cell += 1
    used = 0
    while used < capacity and flow.pos < len(flow.rows):
        row = flow.rows[flow.pos]
        slot, n = cells[cell]
        flow.pos += 1
        # a column never starts with blank space
        if row.kind == "skip" and n == 0:
            continue
        cell += 1
        used += 1
        if row.line is None:
            continue
        if n:
            extra[slot_of[id(slot)]] += row.space_before
        y = baseline(slot, n)
        if row.kind == "h":
            draw_text(canvas, face, size * 1.1, slot.x + measure * size / 2, y, row.line.text, "centre")
        else:
            draw_chars(canvas, face, size, slot.x, y, place(row.line, measure, row.latin_gap))
        yield Drawn(row.line.text, (frame.article, row.index), page_no)
    if frame.fill and used < capacity:
        raise SystemExit(f"frame of {frame.article} on page {page_no} is not full ({used}/{capacity} lines)")
    if frame.jump_to:
        slot, n = cells[-1]
        draw_text(canvas, face, size, slot.x + measure * size, baseline(slot, n), frame.jump_to, "right")
        yield Drawn(frame.jump_to, None, page_no)


# --- extraction and ground truth ------------------------------------------------------------------------


def squash(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and ch != "\f")


def fold(text: str) -> str:
    """pdftotext maps some CID glyphs back to other code points (／ -> ∕); compare them equal."""
    return squash(text).replace("\u2215", "／")


def locate(case: CaseSpec, dump: str, drawn: list[Drawn]) -> dict[int, int]:
    """Map each drawn line (by index) to its 1-based dump line; every non-blank dump line must be used."""
    lines = dump.split("\n")
    pages = []  # page number of each dump line: pdftotext ends every page with a form feed
    page = 1
    for line in lines:
        page += len(line) - len(line.lstrip("\f"))
        pages.append(page)
        page += line.lstrip("\f").count("\f")
    where: dict[int, int] = {}
    used: set[int] = set()
    last_of: dict[str, int] = {}
    for k, item in enumerate(drawn):
        want = fold(item.text)
        after = last_of.get(item.owner[0], -1) if item.owner else -1
        hits = [
            n
            for n, line in enumerate(lines)
            if n not in used
            and pages[n] == item.page
            and fold(line) == want
            and (n > after or not item.owner)
        ]
        if not hits:
            raise SystemExit(f"{case.name}: drawn line not found in the dump: {item.text!r}")
        where[k] = hits[0] + 1
        used.add(hits[0])
        if item.owner:
            last_of[item.owner[0]] = hits[0]
    stray = [n + 1 for n, line in enumerate(lines) if squash(line) and n not in used]
    if stray:
        raise SystemExit(f"{case.name}: dump lines not accounted for: {stray}")
    return where


def expected(case: CaseSpec, drawn: list[Drawn], where: dict[int, int]) -> dict[str, object]:
    """The truth from the source: each body item's text and the first and last dump line it was drawn on."""
    found: dict[tuple[str, int], list[tuple[int, str]]] = {}
    for k, item in enumerate(drawn):
        if item.owner:
            found.setdefault(item.owner, []).append((where[k], item.text))
    articles = []
    for article in case.articles:
        blocks: list[dict[str, object]] = []
        for index, body in enumerate(article.body):
            parts = found.get((article.key, index))
            if not parts:
                continue  # printed on a page that is not part of the case
            lines = [min(n for n, _ in parts), max(n for n, _ in parts)]
            if isinstance(body, Heading):
                blocks.append(
                    {"type": "heading", "level": body.level, "text": " ".join(body.lines), "lines": lines}
                )
                continue
            printed = "".join(text for _, text in parts)
            whole = printed == body.lead + body.text + body.tail
            if not whole and not (article.printed_elsewhere and (body.lead + body.text).startswith(printed)):
                raise SystemExit(f"{case.name}/{article.key}: paragraph {index} was not drawn whole")
            text = printed.removeprefix(body.lead).removesuffix(body.tail)
            blocks.append({"type": "paragraph", "text": text, "lines": lines})
        articles.append(
            {
                "headline": article.headline,
                "kicker": article.kicker,
                "subheadline": article.subheadline,
                "dateline": article.dateline,
                "byline": article.byline,
                "continued_from": article.continued_from,
                "continues_on": article.continues_on,
                "blocks": blocks,
            }
        )
    articles.sort(key=lambda a: a["blocks"][0]["lines"][0])  # type: ignore[index]
    return {"articles": articles}


def pdftotext() -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        sys.exit("make_fixtures.py needs pdftotext: apt-get install poppler-utils poppler-data")
    return tool


def build(case: CaseSpec, keep: Path | None) -> None:
    out = FIXTURES / case.name
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / f"{case.name}.pdf"
        drawn = typeset(case, pdf)
        txt = Path(tmp) / "input.txt"
        subprocess.run([pdftotext(), "-enc", "UTF-8", str(pdf), str(txt)], check=True)
        dump = txt.read_bytes().decode("utf-8")
        if keep:
            keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(pdf, keep / pdf.name)
            (keep / f"{case.name}.txt").write_bytes(dump.encode("utf-8"))
    where = locate(case, dump, drawn)
    (out / "input.txt").write_bytes(dump.encode("utf-8"))
    truth = expected(case, drawn, where)
    (out / "expected.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    (out / "case.toml").write_text(
        f'ruleset = "zh-newspaper"\ndescription = """\n{case.description.strip()}\n"""\n', encoding="utf-8"
    )
    print(f"{case.name}: {dump.count(chr(10))} lines, {len(truth['articles'])} articles")  # type: ignore[arg-type]


def check_source(case: CaseSpec) -> None:
    """The source texts are NFC, full-width punctuation, no stray spaces."""
    for article in case.articles:
        for item in article.body:
            texts = item.lines if isinstance(item, Heading) else (item.text,)
            for text in texts:
                if unicodedata.normalize("NFC", text) != text or "  " in text or text != text.strip():
                    raise SystemExit(f"{case.name}/{article.key}: badly formed source text {text[:20]!r}")


# --- the cases ------------------------------------------------------------------------------------------

BODY = 9.0
LEFT = 40.0
GUTTER = 15.0


def col_x(n: int, em: int) -> float:
    """Left edge of column ``n`` (0-based) for columns ``em`` characters wide."""
    return LEFT + n * (em * BODY + GUTTER)


def span(n: int, em: int) -> float:
    """Width of ``n`` adjacent columns with their gutters."""
    return n * em * BODY + (n - 1) * GUTTER


# Case 1: two pages, a page-1 article jumping to page 4 in mid-paragraph ---------------------------------

SPRING = Article(
    key="A",
    headline="春耕备耕有序推进 农资供应总体充足",
    subheadline="——全国春播粮食意向面积稳中有增",
    dateline="本报北京3月4日电",
    byline="记者 韩晓东",
    body=(
        Para(
            "眼下，春耕生产由南向北陆续展开。记者从农业农村部获悉，截至3月3日，全国春耕所需种子、化肥、"
            "农药等主要农资已到村到户七成以上，早稻育秧、冬小麦春季田间管理等农事进展顺利，春播粮食意向"
            "面积稳中有增，全年粮食生产实现良好开局。",
            lead="本报北京3月4日电（记者 韩晓东）",
        ),
        Para(
            "农业农村部种植业管理司负责人介绍，今年各地把稳定粮食播种面积作为春耕工作的首要任务，层层压实"
            "责任，将目标任务细化到县、落实到田块。从调度情况看，南方早稻意向种植面积比上年略有增加，东北"
            "地区玉米、大豆种植结构保持稳定，主产区农民种粮积极性较高。"
        ),
        Para(
            "农资是春耕生产的“粮草”。国家发展改革委、农业农村部等部门提前部署春耕化肥保供稳价工作，组织"
            "重点企业加大生产和储备力度。目前，全国春耕化肥需求量约3400万吨，商业储备和国家储备已基本到位，"
            "可满足旺季用肥需要，尿素、磷酸二铵等主要品种价格较去年同期有所回落。"
        ),
        Para(
            "种子是农业的“芯片”。据统计，今年全国杂交水稻、玉米种子可供量分别为3.2亿公斤和16.5亿公斤，"
            "供需总体平衡、略有结余。各地组织开展春季农资打假专项行动，严厉查处假冒伪劣种子、化肥等违法"
            "行为，让农民用上放心农资。"
        ),
        Para(
            "农机装备是春耕的“主力军”。今年全国预计投入各类农业机械2000万台（套）以上，拖拉机、播种机、"
            "水稻插秧机等主要机具检修已完成九成以上。在江苏、安徽等地，植保无人机、北斗导航自动驾驶拖拉机"
            "等智能装备大显身手，农机社会化服务组织为小农户提供代耕代种、统防统治等托管服务，有效提高了"
            "作业效率。"
        ),
        Para(
            "在黑龙江，各地抢抓农时开展黑土地保护性耕作和大棚育秧准备。建三江的智能化育秧大棚里，技术人员"
            "正在调试温湿度自动控制系统。当地农业部门负责人说，今年水稻育秧大棚全部实现智能化管理，秧苗"
            "素质比往年明显提高。"
        ),
        Para(
            "“今年我们合作社流转了1200亩地，种子化肥年前就订好了，价格比去年还便宜一些。”河南省周口市一家"
            "农民专业合作社负责人告诉记者，合作社新添了两台大马力拖拉机，准备在小麦返青后开展统一追肥和"
            "病虫害防治。"
        ),
        Para(
            "针对部分地区出现的低温阴雨天气，农业农村部已派出10个工作组和科技小分队，分赴长江中下游和华南"
            "早稻主产区，指导农民抢抓晴好天气育秧栽插，落实防寒保苗措施。中国气象局预计，3月中下旬南方"
            "大部分地区气温偏高，有利于早稻播种育秧。"
        ),
        Para(
            "金融支持也在持续加力。中国人民银行有关负责人表示，将引导金融机构加大春耕信贷投放，优化种粮"
            "农户、家庭农场和农民合作社的贷款审批流程。截至2月末，全国涉农贷款余额同比增长14.2%，农业保险"
            "已为春播作物提供风险保障超过1.1万亿元。"
        ),
        Para(
            "专家表示，今年粮食生产面临的外部环境依然复杂，极端天气多发频发，稳产增产任务艰巨。各地要在稳"
            "面积的基础上主攻单产，大力推广良种良法配套、农机农艺融合，把小麦“一喷三防”、水稻集中育秧等"
            "关键技术落实到田间地头，为全年粮食丰收打下坚实基础。"
        ),
    ),
)

SHANGHAI_BUS = Article(
    key="B",
    headline="上海开通首批自动驾驶公交线路",
    dateline="新华社上海3月4日电",
    body=(
        Para(
            "记者4日从上海市交通委员会获悉，首批4条自动驾驶公交示范线路当天在浦东新区和嘉定区开通试运营，"
            "市民可通过手机应用程序预约乘车，试运营期间免费乘坐。",
            lead="新华社上海3月4日电　",
        ),
        Para(
            "据介绍，这批线路总长约42公里，串联地铁站、居民社区、产业园区和医院等客流集中区域，共投放12辆"
            "L4级自动驾驶小巴，每车配备一名安全员，早晚高峰时段的发车间隔约为15分钟。"
        ),
        Para(
            "上海市交通委员会有关负责人表示，将在保障安全的前提下，根据试运营情况逐步扩大线路覆盖范围，"
            "探索形成可复制推广的自动驾驶公共交通运营管理规范。",
            tail="（完）",
        ),
    ),
)

ZHEJIANG_HEALTH = Article(
    key="C",
    headline="浙江县域医共体建设实现全覆盖",
    dateline="本报杭州3月4日电",
    byline="记者 沈佳琪",
    body=(
        Para(
            "记者从浙江省卫生健康委员会获悉，浙江已在全省县（市、区）全面推开县域医共体建设，组建县域医共体"
            "161家，基层就诊率稳定在七成左右，“小病不出村、常见病不出镇、大病不出县”的格局基本形成。",
            lead="本报杭州3月4日电（记者 沈佳琪）",
        ),
        Para(
            "在湖州市长兴县，县人民医院与18家乡镇卫生院组成医共体，统一人员招聘、统一药品目录、统一信息"
            "平台。患者在乡镇卫生院拍的影像片子，可以实时传到县医院影像中心，由专家在线出具诊断报告，一般"
            "半小时内就能拿到结果。"
        ),
        Para(
            "“以前做个检查要跑县城，来回大半天，现在在镇上就能做，还能挂县里专家的号。”长兴县林城镇居民"
            "王阿姨说。据统计，去年长兴县域内就诊率达到91.3%，比医共体建设前提高了8个百分点。"
        ),
        Para(
            "浙江省卫生健康委员会有关负责人表示，下一步将推动优质医疗资源进一步向基层下沉，深化医保支付"
            "方式改革，力争到2025年县域内就诊率稳定在90%以上。"
        ),
    ),
)

EM1 = 25
JUMP_CASE = CaseSpec(
    name="zh-jump-multipage",
    script="hans",
    column_em=EM1,
    description="""
Two pages of a Chinese daily, typeset by tools/make_fixtures.py (reportlab, CID font STSong-Light, three
justified 25-character columns, GB/T 15834 line breaking, a quarter-em Han/Latin space in some paragraphs)
and dumped unedited by pdftotext 22.12 (Debian poppler-utils, default mode); every page ends with a form
feed. Page 1 (第1版): running head (line 1); article A with its two-phrase headline and —— subtitle above
the body (3-4), dateline 本报北京3月4日电（记者 韩晓东） (6), body in two columns that stops mid-sentence
at the jump line （下转第4版） (36); article B in the third column with dateline 新华社上海3月4日电 and
（完） glued to its last line (49). Page 2 (printed page 4; line 51 starts with the form feed): running
head, （上接第1版） (52), A's continuation, which finishes the sentence cut on page 1 (lines 34-35 and
53-55 are one paragraph), then article C with its headline above the body (78). The truth is three
articles, A stitched from both pages. The text is set tight, so pdftotext puts no blank line between
paragraphs: blank lines only at column breaks (21 and 69 mid-word/mid-sentence, 60, 85, 92) and between
articles; a paragraph start shows only as a line two characters short (the lost indent), e.g. after a
full line ending in 。 (10/11) or a 22-character one (15/16). Extraction spaces around digits and Latin
(43-46, 56, 68-71, 79, 81, 93-94).
""",
    articles=(
        SPRING,
        SHANGHAI_BUS,
        ZHEJIANG_HEALTH,
    ),
    pages=(
        PageSpec(
            width=col_x(3, EM1) - GUTTER + LEFT,
            height=380,
            furniture=(Furniture("2024年3月5日 星期二 第1版 要闻", LEFT, 30, 9.0),),
            stacks=(
                Stack("A", LEFT, 48, span(3, EM1)),
                Stack("B", col_x(2, EM1), 130, span(1, EM1), size=15.0),
            ),
            frames=(
                Frame(
                    "A",
                    (Slot(col_x(0, EM1), 135, 15), Slot(col_x(1, EM1), 135, 15)),
                    jump_to="（下转第4版）",
                    fill=True,
                ),
                Frame("B", (Slot(col_x(2, EM1), 170, 20),)),
            ),
        ),
        PageSpec(
            width=col_x(3, EM1) - GUTTER + LEFT,
            height=320,
            furniture=(Furniture("2024年3月5日 星期二 第4版 要闻", LEFT, 30, 9.0),),
            stacks=(Stack("C", LEFT, 170, span(3, EM1), size=18.0),),
            frames=(
                Frame(
                    "A",
                    tuple(Slot(col_x(n, EM1), 55, 8) for n in range(3)),
                    jump_from="（上接第1版）",
                ),
                Frame("C", tuple(Slot(col_x(n, EM1), 215, 6) for n in range(3))),
            ),
        ),
    ),
)


# Case 2: one page, every headline stack above its body ------------------------------------------------------

FARMLAND = Article(
    key="D",
    kicker="夯实粮食安全根基",
    headline="今年将新建和改造提升高标准农田4500万亩",
    subheadline="——农业农村部有关负责人介绍高标准农田建设新举措",
    dateline="新华社北京1月10日电",
    body=(
        Para(
            "记者10日从农业农村部获悉，2023年全国新建和改造提升高标准农田8000万亩以上，超额完成年度任务。"
            "今年将继续把高标准农田建设作为保障国家粮食安全的重要举措，统筹推进新建和改造提升，持续提高"
            "建设标准和质量。",
            lead="新华社北京1月10日电　",
        ),
        Para(
            "农业农村部农田建设管理司负责人表示，高标准农田是旱涝保收、高产稳产的“吨粮田”。据测算，"
            "建成后的高标准农田亩均粮食产能一般可提高10%至20%，为粮食连年丰收提供了有力支撑。"
        ),
        Heading(("一、建设任务更加聚焦",)),
        Para(
            "今年的建设任务重点向粮食主产区倾斜，优先在东北黑土区、平原地区和具备水利灌溉条件的地区集中"
            "连片推进。各地将结合第三次全国土壤普查成果，因地制宜确定田块整治、土壤改良、灌溉排水等建设"
            "内容，做到缺什么补什么。"
        ),
        Para(
            "在资金保障方面，中央财政将进一步提高投入水平，同时鼓励地方统筹土地出让收入、地方政府专项"
            "债券等资金，引导金融和社会资本投入，形成多元化投入格局。"
        ),
        Heading(("二、质量管理更加严格",)),
        Para(
            "针对一些地方存在的建设标准不高、工程质量不优等问题，农业农村部将全面推行工程质量终身责任制，"
            "对设计、施工、监理等各环节实行可追溯管理，对发现的问题督促限期整改。"
        ),
        Para(
            "同时，所有项目都将纳入全国农田建设综合监测监管平台“上图入库”，做到底数清、位置准、情况明。"
            "高标准农田建设任务完成情况将纳入年度粮食安全党政同责考核。"
        ),
        Heading(("三、建后管护更加有力",)),
        Para(
            "“三分建、七分管。”这位负责人说，一些已建成的高标准农田存在设施损毁、管护缺位等情况，影响了"
            "长期效益发挥。今年将推动各地落实管护主体和管护资金，探索推广专业化、市场化的管护模式，确保"
            "建成一亩、管好一亩、用好一亩。"
        ),
    ),
)

ICE_TOURISM = Article(
    key="E",
    headline="冰雪游持续火热 “冷资源”变身“热经济”",
    dateline="本报讯",
    byline="记者 陈静 通讯员 刘海涛",
    body=(
        Para(
            "进入1月，我省迎来冰雪旅游旺季。记者从吉林省文化和旅游厅了解到，元旦假期全省共接待游客586万"
            "人次，实现旅游收入54.7亿元，同比分别增长36.2%和42.8%，冰雪旅游成为拉动消费的新亮点。",
            lead="本报讯（记者 陈静 通讯员 刘海涛）",
        ),
        Heading(("雪场客流创新高", "南方游客占了近一半")),
        Para(
            "在吉林市北大湖滑雪度假区，每天清晨不到8点，雪具大厅里就已排起长队。度假区负责人介绍，今冬"
            "雪季开板以来，度假区日均接待滑雪者1.2万人次，高峰时超过2万人次，其中来自广东、上海、四川等"
            "南方省市的游客占比接近五成。为缓解排队压力，度假区今年新增了2条缆车线路和一批自助租赁设备。"
        ),
        Para(
            "“我们提前一个月就订好了酒店，孩子在这里报了三天的滑雪课。”来自广州的游客李女士说，这是全家"
            "第一次来东北滑雪，没想到雪场的服务这么周到，餐饮、住宿、装备租赁都很方便。她打算明年春节带上"
            "家里的老人再来一趟，“看看真正的林海雪原”。"
        ),
        Heading(("延伸冰雪产业链", "带动群众增收致富")),
        Para(
            "冰雪旅游火了，也带动了装备制造、冰雪运动培训、民宿餐饮等相关产业发展。在长白山脚下的二道白河"
            "镇，不少村民把自家房屋改造成特色民宿，雪季入住率超过九成。村民张德福说，去年一个冬天，民宿"
            "收入就有十多万元。"
        ),
        Para(
            "吉林省文化和旅游厅有关负责人表示，全省将推出一批冰雪旅游精品线路，提升交通、住宿等配套服务"
            "水平，推动冰雪资源优势加快转化为发展优势。"
        ),
    ),
)

AIRPORT = Article(
    key="F",
    headline="长白山机场新增8条航线",
    dateline="本报讯",
    byline="记者 马骁",
    body=(
        Para(
            "记者从长白山机场获悉，随着冬季航班换季，机场新开通至杭州、厦门、西安等8条航线，每周执行航班"
            "达到196架次，比上一航季增长近四成，进一步打通了南方游客来长白山的空中通道。",
            lead="本报讯（记者 马骁）",
        ),
        Para(
            "机场有关负责人介绍，雪季以来机场旅客吞吐量持续攀升，单日最高接近1.2万人次。为应对客流高峰，"
            "机场增设了值机柜台和安检通道，并开通滑雪板等大件行李托运绿色通道。"
        ),
    ),
)

EM2 = 26
HEADLINES_CASE = CaseSpec(
    name="zh-headlines-first",
    script="hans",
    column_em=EM2,
    description="""
One page of a Chinese daily, typeset by tools/make_fixtures.py (reportlab, CID font STSong-Light,
three justified 26-character columns in three horizontal bands) and dumped unedited by pdftotext
22.12 (Debian poppler-utils, default mode). Every headline stack comes before its body.
Article D (Xinhua): kicker 夯实粮食安全根基 (line 3; smaller type, so pdftotext separates it
from the main title by a blank line), main title (5), —— subtitle (6), dateline
新华社北京1月10日电 without byline, numbered section headings 一、二、三、 (17, 27, 39);
a photo at the top of the third column whose credit （新华社记者 许畅 摄） (35) interrupts
a paragraph broken mid-word by the column break (32-37). Article E: two-phrase headline with
quotation marks (46), dateline 本报讯（记者 陈静 通讯员 刘海涛）, two unnumbered two-line
subheads (53-54, 68-69). Article F: a short item set across three narrow columns, dateline
本报讯（记者 马骁）. Page furniture: running head (1), editor line 责任编辑：孙明远 (90).
Tight setting, no blank lines between paragraphs; column breaks at 20 (after a full line
ending in 。 whose paragraph goes on: line 21 is full width), 34-36, 56, 82, 86; a full line
ending in 。 that does end its paragraph at 73/74.
""",
    articles=(FARMLAND, ICE_TOURISM, AIRPORT),
    pages=(
        PageSpec(
            width=col_x(3, EM2) - GUTTER + LEFT,
            height=740,
            furniture=(
                Furniture("2024年1月11日 星期四 第2版 要闻", LEFT, 30, 9.0),
                Furniture("责任编辑：孙明远", col_x(3, EM2) - GUTTER, 715, 8.0, "right"),
            ),
            photos=(Photo(col_x(2, EM2), 125, span(1, EM2), 110, "（新华社记者 许畅 摄）"),),
            stacks=(
                Stack("D", LEFT, 45, span(3, EM2)),
                Stack("E", LEFT, 400, span(3, EM2), size=18.0),
                Stack("F", LEFT, 600, span(3, EM2), size=15.0),
            ),
            frames=(
                Frame(
                    "D",
                    (Slot(col_x(0, EM2), 130, 14), Slot(col_x(1, EM2), 130, 14), Slot(col_x(2, EM2), 270, 9)),
                ),
                Frame(
                    "E",
                    (
                        Slot(col_x(0, EM2), 440, 10),
                        Slot(col_x(1, EM2), 440, 10),
                        Slot(col_x(2, EM2), 440, 10),
                    ),
                ),
                Frame("F", tuple(Slot(col_x(n, EM2), 640, 3) for n in range(3))),
            ),
        ),
    ),
)


# Case 3: a traditional-script page (Taiwan style) -----------------------------------------------------------

LONG_TERM_CARE = Article(
    key="G",
    headline="行政院會通過長照新方案 明年起擴大補助",
    dateline="中央社台北15日電",
    continues_on="4",
    printed_elsewhere=True,
    body=(
        Para(
            "行政院會今天通過衛生福利部提出的「長照服務發展新方案」，預計自明年起4年內投入新台幣1200億元，"
            "擴大居家照顧、日間照顧及喘息服務的補助範圍，並提高照顧服務員薪資，以因應人口快速老化帶來的"
            "照顧需求。",
            lead="（中央社台北15日電）",
        ),
        Para(
            "行政院發言人在院會後記者會轉述，台灣預計在明年邁入超高齡社會，65歲以上人口將超過總人口的20%。"
            "院長在會中指示，各部會要加強跨部門合作，讓長照資源更貼近社區，減輕家庭照顧者的負擔。"
        ),
        Para(
            "根據新方案，居家照顧服務的補助時數將由每月最高約60小時提高至80小時，失智症及獨居長者可優先"
            "使用；日間照顧中心將由目前約900處增加到1200處，目標是達到「一國中學區一日照」。"
        ),
        Para(
            "衛福部長指出，照顧人力不足是長照體系面臨的最大挑戰。新方案將照顧服務員的月薪保障提高至新台幣"
            "3萬5000元以上，並補助地方政府辦理照顧服務員培訓，預計4年內新增照顧人力2萬人。"
        ),
        Para(
            "此外，新方案也首度將家庭照顧者支持服務納入補助，包括心理諮商、照顧技巧訓練及臨時替手服務，"
            "讓長期在家照顧失能家人的民眾可以獲得喘息。衛福部將在各縣市設置至少一處家庭照顧者支持中心。"
        ),
        Para(
            "對於財源，行政院主計總處表示，長照經費將由長照基金支應，目前基金主要來自遺產稅、贈與稅及菸品"
            "健康福利捐，未來4年收入估計足以支應新方案所需，暫無調整稅率的規劃。"
        ),
        Para(
            "民間團體對新方案大致表示肯定，但也呼籲政府正視偏鄉長照資源不足的問題。家庭照顧者團體指出，"
            "部分山地及離島鄉鎮至今仍沒有日間照顧中心，希望新方案能優先補足這些地區的服務缺口。"
        ),
    ),
)

TAIPEI_BUS = Article(
    key="H",
    headline="北市公車4月起 可刷手機信用卡",
    dateline="台北報導",
    byline="記者王小明",
    body=(
        Para(
            "台北市政府交通局昨宣布，全市公車將自4月1日起全面支援行動支付及信用卡感應乘車，民眾上車時只要"
            "以手機或具感應功能的信用卡輕觸驗票機，即可完成付款，轉乘優惠也將一併適用。",
            lead="〔記者王小明／台北報導〕",
        ),
        Para(
            "交通局表示，北市目前約有3500輛公車，去年底已完成全數驗票機汰換，新型驗票機可同時讀取悠遊卡、"
            "一卡通、行動支付條碼及國際信用卡。試辦期間共有約45萬人次使用新支付方式，系統運作穩定，尖峰"
            "時段上車時間平均縮短約2秒。"
        ),
        Para(
            "不過，也有民眾擔心長者不熟悉新工具。對此，交通局說明，現行電子票證及敬老卡、愛心卡的使用方式"
            "都不會改變，各區公所本月也將舉辦說明會，由志工協助長者認識新的支付方式。"
        ),
        Para(
            "交通局長指出，整合電子票證是智慧交通的重要一步，未來將與新北市、基隆市及桃園市協調，推動跨"
            "縣市公車支付方式一致，讓通勤族「一卡在手、一機走透透」。"
        ),
    ),
)

EM3 = 24
HANT_CASE = CaseSpec(
    name="zh-hant-page",
    script="hant",
    column_em=EM3,
    description="""
A traditional-script page (Taiwan style, horizontal setting), typeset by tools/make_fixtures.py (reportlab,
CID font MSung-Light re-encoded UniCNS-UCS2-H, three justified 24-character columns) and dumped unedited by
pdftotext 22.12 (Debian poppler-utils, default mode). Article G, a CNA wire story: two-phrase headline above
the body (line 3), dateline （中央社台北15日電） (4), body over three columns that stops mid-sentence at the
jump line （轉第4版） (32); page 4 is not part of the case, so G continues_on 4 and its last paragraph is
the part printed here. Article H, a local report: dateline 〔記者王小明／台北報導〕, which pdftotext extracts
with U+2215 ∕ for the full-width slash (34), body in two columns, and its headline set in a box to the right
of the text, which pdftotext prints after the body (53), followed by the photo credit （記者王小明攝） (55).
Running head with 焦點新聞 (1); 「」 quotation marks; no blank lines between paragraphs; column breaks at 13
and 43 (paragraph ends) and 23 (mid-sentence). Truth conventions: the CNA dateline without its brackets
(中央社台北15日電); for 〔記者王小明／台北報導〕 the byline is 記者王小明 and the dateline 台北報導.
""",
    articles=(LONG_TERM_CARE, TAIPEI_BUS),
    pages=(
        PageSpec(
            width=col_x(3, EM3) - GUTTER + LEFT,
            height=560,
            furniture=(Furniture("2024年3月16日 星期六 第3版 焦點新聞", LEFT, 30, 9.0),),
            photos=(Photo(col_x(2, EM3) + 20, 350, span(1, EM3) - 40, 90, "（記者王小明攝）"),),
            stacks=(
                Stack("G", LEFT, 45, span(3, EM3)),
                Stack("H", col_x(2, EM3), 300, span(1, EM3), size=14.0),
            ),
            frames=(
                Frame(
                    "G",
                    tuple(Slot(col_x(n, EM3), 100, 9) for n in range(3)),
                    jump_to="（轉第4版）",
                    fill=True,
                ),
                Frame("H", (Slot(col_x(0, EM3), 310, 9), Slot(col_x(1, EM3), 310, 8))),
            ),
        ),
    ),
)


CASES: tuple[CaseSpec, ...] = (JUMP_CASE, HEADLINES_CASE, HANT_CASE)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", help="case names (default: all)")
    parser.add_argument("--keep-pdf", type=Path, help="copy the typeset PDFs into this directory")
    args = parser.parse_args(argv)
    chosen = [c for c in CASES if not args.cases or c.name in args.cases]
    unknown = set(args.cases) - {c.name for c in CASES}
    if unknown:
        parser.error(f"unknown case(s) {sorted(unknown)}; known: {[c.name for c in CASES]}")
    for case in chosen:
        check_source(case)
        build(case, args.keep_pdf)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
