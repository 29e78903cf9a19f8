"""The reportlab engine: multi-column pages in bands, headline stacks above, beside, below or inside the
body, jumps between pages, photos with captions, running heads. Line breaking, justification and the CID
fonts are make_fixtures.py's (imported, not copied). Every drawn line becomes a gold :class:`Piece`.
"""

from __future__ import annotations

import math
import random
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import make_fixtures as mf
from reportlab.pdfgen.canvas import Canvas

from .gold import Piece
from .stories import Story

__all__ = ["Layout", "PagePlan", "Placement", "typeset_issue"]

HEADLINE_MODES = ("above", "beside", "below", "inside")


@dataclass(frozen=True)
class Layout:
    """What stays the same over the pages of one issue."""

    columns: int
    em: int  # characters per column
    size: float  # body point size
    leading: float  # baseline distance, points
    gutter: float  # points
    setting: str  # solid | gaps
    headline: str  # above | beside | below | inside | mixed
    script: str  # hans | hant

    @property
    def face(self) -> str:
        return mf.FONTS[self.script]

    @property
    def column_width(self) -> float:
        return self.em * self.size

    def col_x(self, n: int) -> float:
        return MARGIN + n * (self.column_width + self.gutter)

    def span(self, k: int) -> float:
        return k * self.column_width + (k - 1) * self.gutter


MARGIN = 36.0


@dataclass
class Placement:
    """A story (or the rest of one) in ``width`` columns from ``first`` in a band."""

    story: int
    first: int
    width: int
    mode: str
    depth: int  # at most this many lines per column
    jump_to: str | None = None  # marker text when the story goes on on a later page
    jump_page: int | None = None  # page index (in the issue) where it goes on
    jump_from: str | None = None  # marker text when this is the continuation
    photo: bool = False


@dataclass
class PagePlan:
    label: str
    bands: list[list[Placement]]
    head: str
    foot: str | None = None
    masthead: tuple[str, str] | None = None


@dataclass
class Row:
    kind: str  # p (paragraph line) | h (heading line) | skip | byline | dateline | end | caption
    text: str
    line: mf.Line | None = None
    block: int = -1
    first: bool = False  # the first line of its paragraph
    gap: float = 0.0  # Han/Latin gap of the paragraph
    space: float = 0.0  # extra points above (gaps setting)


@dataclass
class State:
    """Typesetting state of one story across pages."""

    rows: list[Row]
    pos: int = 0
    printed: dict[int, list[str]] = field(default_factory=dict)


def fits(text: str, layout: Layout, measure: float) -> bool:
    """Whether every unbreakable unit of ``text`` fits a column (long Latin runs do not)."""
    return all(u.width <= measure - 2.5 for u in mf.units(text, layout.face))


def story_rows(story: Story, layout: Layout, rng: random.Random) -> list[Row]:
    face, measure = layout.face, float(layout.em)
    rows: list[Row] = []

    def own_lines(kind: str, text: str) -> list[Row]:
        """A line of its own (dateline, byline, end line), broken when it is wider than the column."""
        return [Row(kind, line.text) for line in mf.break_paragraph(text, face, measure, 0.0, 0.0)]

    if story.dateline_line:
        rows += own_lines("dateline", story.dateline_line)
    if story.byline_line:
        rows += own_lines("byline", story.byline_line)
    for index, block in enumerate(story.body):
        if block.kind == "heading":
            if rows:
                rows.append(Row("skip", ""))
            for text in heading_lines(block.text, layout, measure / 1.1):
                rows.append(Row("h", text, mf.Line(tuple(mf.units(text, face)), 0.0, True), index))
            rows.append(Row("skip", ""))
            continue
        gap = 0.25 if rng.random() < 0.4 else 0.0
        space = layout.leading * 2 if layout.setting == "gaps" and rows and rows[-1].kind == "p" else 0.0
        for n, line in enumerate(mf.break_paragraph(block.printed, face, measure, 2.0, gap)):
            rows.append(Row("p", line.text, line, index, n == 0, gap, space if n == 0 else 0.0))
    if story.end_line:
        rows += own_lines("end", story.end_line)
    while rows and rows[-1].kind == "skip":
        rows.pop()
    return rows


def heading_lines(text: str, layout: Layout, measure: float) -> list[str]:
    """A heading's printed lines: a two-phrase subhead on two lines, a long one wrapped."""
    width = sum(u.width for u in mf.units(text, layout.face))
    if " " in text and (width > measure or len(text) > 12):
        parts = text.split(" ", 1)
        if all(sum(u.width for u in mf.units(p, layout.face)) <= measure for p in parts):
            return parts
    if width <= measure:
        return [text]
    return [line.text for line in mf.break_paragraph(text, layout.face, measure, 0.0, 0.0)]


def wrap_display(text: str, face: str, size: float, width: float, phrases: bool = True) -> list[str]:
    """A display line (headline, subtitle) broken to ``width`` points: at the phrase space if it fits."""
    measure = width / size
    total = sum(u.width for u in mf.units(text, face))
    if total <= measure:
        return [text]
    if phrases and " " in text:
        parts = text.split(" ")
        if all(sum(u.width for u in mf.units(p, face)) <= measure for p in parts):
            return parts
    lines = mf.break_paragraph(text, face, measure, 0.0, 0.0)
    if len(lines) == 2:  # balance two lines
        half = math.ceil(len(text) / 2)
        balanced = mf.break_paragraph(text, face, max(measure * 0.55, half + 1.0), 0.0, 0.0)
        if len(balanced) == 2:
            lines = balanced
    return [line.text for line in lines]


def clean_story(story: Story, layout: Layout) -> Story | None:
    """Drop blocks whose unbreakable runs are wider than a column or that have a character the font
    does not extract (MSung-Light loses ∶); None when nothing is left."""
    measure = float(layout.em)
    lost = "∶" if layout.script == "hant" else ""
    body = tuple(
        b for b in story.body if fits(b.printed, layout, measure) and not any(ch in b.printed for ch in lost)
    )
    if not any(b.kind == "paragraph" for b in body):
        return None
    if body and body[0].kind == "paragraph" and story.body and story.body[0].lead and not body[0].lead:
        return None  # the paragraph carrying the dateline was dropped
    return replace(story, body=body)


@dataclass
class Drawer:
    canvas: Canvas
    layout: Layout
    page: int
    height: float
    pieces: list[Piece]

    def text(self, text: str, size: float, x: float, y: float, align: str, role: str, flow: str) -> None:
        draw_text(self.canvas, self.layout.face, size, x, self.height - y, text, align)
        self.pieces.append(Piece(text, role, self.page, flow))


def stack_lines(
    story: Story, layout: Layout, width: float, size: float
) -> tuple[float, list[tuple[str, float, str]]]:
    """The stack's height in points and its lines (text, size, role)."""
    face = layout.face
    lines: list[tuple[str, float, str]] = []
    if story.kicker:
        lines += [(t, 11.0, "kicker") for t in wrap_display(story.kicker, face, 11.0, width)]
    if story.headline:
        lines += [(t, size, "headline") for t in wrap_display(story.headline, face, size, width)]
    if story.subheadline:
        lines += [(t, 10.5, "subtitle") for t in wrap_display(story.subheadline, face, 10.5, width)]
    height = sum(s * 1.6 for _, s, _ in lines) + (8.0 if lines else 0.0)
    # on the page's baseline grid: body lines of neighbouring placements share baselines, or pdftotext
    # merges and interleaves lines whose baselines are close
    height = math.ceil(height / layout.leading) * layout.leading
    return height, lines


def headline_size(columns: int, rng: random.Random) -> float:
    return min(30.0, max(13.0, 9.0 + 3.0 * columns + rng.uniform(-2.0, 3.0)))


Cell = Row | None


@dataclass
class Placed:
    """A placement laid out: its body columns (None cells are space), stack and where things go."""

    p: Placement
    cols: list[list[Cell]]
    body_first: int
    stack: list[tuple[str, float, str]]
    stack_height: float
    stack_x: float
    stack_w: float
    body_height: float

    @property
    def height(self) -> float:
        if self.p.mode in ("above", "below"):
            return self.body_height + self.stack_height
        return max(self.body_height, self.stack_height)


def column_height(column: list[Cell], layout: Layout) -> float:
    return sum(layout.leading + (r.space if r is not None and n else 0.0) for n, r in enumerate(column))


def lay_out(story: Story, state: State, p: Placement, layout: Layout, rng: random.Random) -> Placed:
    """Decide the columns of a placement and advance the story's state past the rows it takes."""
    n_cols = p.width
    body_first = p.first
    stack_x, stack_w = layout.col_x(p.first), layout.span(p.width)
    mode = p.mode if p.width >= 2 or p.mode in ("above", "below") else "above"
    if mode == "beside":
        stack_w = layout.column_width
        body_first, n_cols = p.first + 1, p.width - 1
    elif mode == "inside":
        stack_x, stack_w = layout.col_x(p.first + 1), layout.span(p.width - 1)
    size = headline_size(1 if mode == "beside" else p.width, rng)
    show_stack = p.jump_from is None or state.pos == 0
    height, stack = stack_lines(story, layout, stack_w, size) if show_stack else (0.0, [])
    offsets = [0] * n_cols
    if mode == "inside" and stack:
        for k in range(1, n_cols):
            offsets[k] = math.ceil(height / layout.leading)
    if p.photo:
        offsets[-1] += 9 + (
            len(wrap_display(story.caption, layout.face, 8.0, layout.column_width, False))
            if story.caption
            else 0
        )
    rows = state.rows[state.pos :]
    head = [Row("marker", p.jump_from)] if p.jump_from else []
    if p.jump_to:
        per = max(3, min(p.depth, math.ceil((len(rows) + sum(offsets)) * rng.uniform(0.45, 0.7) / n_cols)))
        cols, taken = fill(head + rows, n_cols, per, offsets, cut=True)
        cols[-1].append(Row("marker", p.jump_to))
    else:
        per = max(1, math.ceil((len(rows) + len(head) + sum(offsets)) / n_cols))
        while True:
            cols, taken = fill(head + rows, n_cols, per, offsets, cut=False)
            if taken == len(head) + len(rows):
                break
            per += 1
    state.pos += taken - len(head)
    body_height = max(column_height(c, layout) for c in cols)
    p.mode = mode
    return Placed(p, cols, body_first, stack, height, stack_x, stack_w, body_height)


def fill(rows: list[Row], n: int, per: int, offsets: list[int], cut: bool) -> tuple[list[list[Cell]], int]:
    """Rows into ``n`` columns of ``per`` cells (one fewer in the last when ``cut``: the jump line goes
    there). A column never starts with a blank row. Returns the columns and how many rows were taken."""
    cols: list[list[Cell]] = []
    k = 0
    for c in range(n):
        column: list[Cell] = [None] * offsets[c]
        limit = per - (1 if cut and c == n - 1 else 0)
        while len(column) < limit and k < len(rows):
            if rows[k].kind == "skip" and len(column) == offsets[c]:
                k += 1
                continue
            column.append(rows[k])
            k += 1
        cols.append(column)
    # a cut column does not end on a blank row either
    while cut and k < len(rows) and cols[-1] and cols[-1][-1] is not None and cols[-1][-1].kind == "skip":
        cols[-1].pop()
        k -= 1
    return cols, k


def typeset_issue(
    stories: list[Story], plans: list[PagePlan], layout: Layout, pdf: Path, rng: random.Random
) -> tuple[list[Piece], list[State]]:
    """Draw the issue into ``pdf``; the pieces in drawing order and each story's state (what got printed)."""
    states = [State(story_rows(s, layout, rng)) for s in stories]
    pieces: list[Piece] = []
    width = layout.col_x(layout.columns) - layout.gutter + MARGIN
    canvas = Canvas(str(pdf), pagesize=(width, 800), invariant=1)
    canvas.setTitle("reflow generated corpus")
    for page_no, plan in enumerate(plans, 1):
        y = math.ceil((44.0 + (62.0 if plan.masthead else 0.0)) / layout.leading) * layout.leading
        bands: list[tuple[float, list[Placed]]] = []
        for band in plan.bands:
            placed = [lay_out(stories[p.story], states[p.story], p, layout, rng) for p in band]
            bands.append((y, placed))
            y += math.ceil((max(pl.height for pl in placed) + 28.0) / layout.leading) * layout.leading
        height = y + 36.0
        canvas.setPageSize((width, height))
        drawer = Drawer(canvas, layout, page_no, height, pieces)
        head_align = rng.choice(["left", "left", "centre", "right"])
        head_x = {"left": MARGIN, "centre": width / 2, "right": width - MARGIN}[head_align]
        drawer.text(plan.head, 9.0, head_x, 26.0, head_align, "furniture", f"head{page_no}")
        if plan.masthead:
            name, sub = plan.masthead
            drawer.text(name, 30.0, width / 2, 74.0, "centre", "furniture", f"mast{page_no}")
            drawer.text(sub, 9.0, width / 2, 94.0, "centre", "furniture", f"mast2{page_no}")
        for top, placed in bands:
            for pl in placed:
                draw_placed(drawer, stories[pl.p.story], states[pl.p.story], pl, top)
        if plan.foot:
            drawer.text(plan.foot, 8.0, width - MARGIN, height - 18.0, "right", "furniture", f"foot{page_no}")
        canvas.showPage()
    canvas.save()
    return pieces, states


def draw_placed(drawer: Drawer, story: Story, state: State, pl: Placed, top: float) -> None:
    layout = drawer.layout
    p = pl.p
    flow = f"s{p.story}"
    body_top = top + pl.stack_height if p.mode == "above" else top
    stack_top = top + pl.body_height + 4.0 if p.mode == "below" else top
    y = stack_top
    align = "left" if p.mode == "beside" else "centre"
    for text, size, role in pl.stack:
        y += size * 1.25
        x = pl.stack_x + pl.stack_w / 2 if align == "centre" else pl.stack_x
        drawer.text(text, size, x, y, align, role, flow)
        y += size * 0.35
    for c, column in enumerate(pl.cols):
        x = layout.col_x(pl.body_first + c)
        y = body_top + layout.size
        for n, row in enumerate(column):
            if row is None:
                y += layout.leading
                continue
            if n and row.space:
                y += row.space
            draw_row(drawer, p.story, state, row, x, y, flow)
            y += layout.leading
    if p.photo:
        x = layout.col_x(pl.body_first + len(pl.cols) - 1)
        offset = math.ceil(pl.stack_height / layout.leading) * layout.leading if p.mode == "inside" else 0.0
        draw_photo(drawer, story, x, body_top + offset, f"{flow}cap")


def draw_row(drawer: Drawer, index: int, state: State, row: Row, x: float, y: float, flow: str) -> None:
    layout = drawer.layout
    size = layout.size
    baseline = drawer.height - y
    if row.kind == "p":
        assert row.line is not None
        chars = mf.place(
            row.line, float(layout.em), row.gap, justify=justifiable(row.line, layout.em, row.gap)
        )
        draw_chars(drawer.canvas, layout.face, size, x, baseline, chars)
        state.printed.setdefault(row.block, []).append(row.text)
        drawer.pieces.append(Piece(row.text, "para", drawer.page, flow, (index, row.block), row.first))
    elif row.kind == "h":
        centre = x + layout.column_width / 2
        draw_text(drawer.canvas, layout.face, size * 1.1, centre, baseline, row.text, "centre")
        drawer.pieces.append(Piece(row.text, "heading", drawer.page, flow, (index, row.block)))
    elif row.kind != "skip":
        role = {"dateline": "dateline", "byline": "byline", "end": "end_cue", "marker": "marker"}[row.kind]
        right = row.kind == "marker" and "上" not in row.text and "接" not in row.text
        draw_text(
            drawer.canvas,
            layout.face,
            size,
            x + layout.column_width if right else x,
            baseline,
            row.text,
            "right" if right else "left",
        )
        drawer.pieces.append(Piece(row.text, role, drawer.page, flow))


def justifiable(line: mf.Line, em: int, gap: float) -> bool:
    """Justify only when the stretch per gap stays small: wide gaps make pdftotext merge columns."""
    us = line.units
    if len(us) < 2:
        return False
    gaps = sum(mf.gap_between(us[k - 1], us[k], gap) for k in range(1, len(us)))
    natural = sum(u.width for u in us) + gaps
    return (em - line.indent - natural) / (len(us) - 1) <= 0.2


# STSong-Light's U+00B7 extracts as a blank; its U+30FB extracts as U+00B7, so that glyph is drawn instead
_GLYPH = {"STSong-Light": str.maketrans({"·": "・"})}


def draw_text(canvas: Canvas, face: str, size: float, x: float, y: float, text: str, align: str) -> None:
    mf.draw_text(canvas, face, size, x, y, text.translate(_GLYPH.get(face, {})), align)


def draw_chars(
    canvas: Canvas, face: str, size: float, x: float, y: float, chars: list[tuple[float, str]]
) -> None:
    table = _GLYPH.get(face, {})
    mf.draw_chars(canvas, face, size, x, y, [(pos, text.translate(table)) for pos, text in chars])


def draw_photo(drawer: Drawer, story: Story, x: float, top: float, flow: str) -> None:
    layout = drawer.layout
    canvas = drawer.canvas
    box = 8 * layout.leading
    canvas.setFillGray(0.8)
    canvas.rect(x + 4, drawer.height - top - box, layout.column_width - 8, box - 4, stroke=0, fill=1)
    canvas.setFillGray(0.0)
    if not story.caption:
        return
    y = top + box + 6.0
    for text in wrap_display(story.caption, layout.face, 8.0, layout.column_width, False):
        drawer.text(text, 8.0, x + layout.column_width / 2, y, "centre", "caption", flow)
        y += layout.leading
