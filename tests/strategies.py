"""Hypothesis strategies: clean Chinese/Latin paragraphs, and a typesetter that hard-wraps them like a dump.

The wrapper behaves like a newspaper column as pdftotext sees it: lines filled to the column width,
GB/T 15834 line-breaking (closing marks never start a line, opening marks never end one — a closing mark
is squeezed onto the line instead), `——` and `……` never split, Latin words and numbers never split,
a space between two Latin words consumed by a break, the paragraph indentation lost (first lines are
two characters shorter), and column breaks (blank lines) after random lines that do not end a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from reflow.width import display_width

HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处"  # noqa: E501
INNER_PUNCT = "，、；："
TERMINAL = "。！？"
NO_LINE_START = set("。，、；：？！）》」』】〕〉”’…·,.;:!?)")
NO_LINE_END = set("（《「『【〔〈“‘(")


def _han(draw: st.DrawFn, low: int = 1, high: int = 6) -> str:
    return draw(st.text(alphabet=HAN, min_size=low, max_size=high))


@st.composite
def sentences(draw: st.DrawFn, latin_max: int = 6) -> str:
    """One Chinese sentence with optional Latin words, numbers, quotes, book titles and dashes."""
    parts = [_han(draw)]
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from(["punct", "latin", "number", "quote", "title", "dash", "han"]))
        if kind == "punct":
            parts.append(draw(st.sampled_from(INNER_PUNCT)))
        elif kind == "latin":
            words = draw(
                st.lists(
                    st.text(
                        alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
                        min_size=1,
                        max_size=latin_max,
                    ),
                    min_size=1,
                    max_size=3,
                )
            )
            parts.append(" ".join(words))
        elif kind == "number":
            number = str(draw(st.integers(0, 9999)))
            if draw(st.booleans()):
                number += "." + str(draw(st.integers(0, 9)))
            if draw(st.booleans()):
                number += "%"
            parts.append(number)
        elif kind == "quote":
            parts.append("“" + _han(draw) + "”")
        elif kind == "title":
            parts.append("《" + _han(draw) + "》")
        elif kind == "dash":
            parts.append("——")
        parts.append(_han(draw))
    end = draw(st.sampled_from(TERMINAL))
    return "".join(parts) + end


@st.composite
def paragraphs(draw: st.DrawFn, latin_max: int = 6) -> str:
    """A clean paragraph: one to five sentences."""
    return "".join(draw(st.lists(sentences(latin_max), min_size=1, max_size=5)))


@dataclass(frozen=True)
class Unit:
    text: str
    width: int
    space: bool = False  # a space between Latin words: a break opportunity consumed by the break


def units(text: str) -> list[Unit]:
    """Cut a paragraph into unbreakable units."""
    found: list[Unit] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == " ":
            found.append(Unit(" ", 1, space=True))
            i += 1
        elif ch.isascii() and (ch.isalnum() or ch in ".%"):
            j = i
            while j < len(text) and text[j].isascii() and (text[j].isalnum() or text[j] in ".%"):
                j += 1
            found.append(Unit(text[i:j], j - i))
            i = j
        elif text.startswith("——", i) or text.startswith("……", i):
            found.append(Unit(text[i : i + 2], 4))
            i += 2
        else:
            found.append(Unit(ch, display_width(ch, ambiguous_wide=True)))
            i += 1
    return found


def wrap(text: str, width: int, indent_lost: int = 4) -> list[str]:
    """Hard-wrap one paragraph at ``width`` display columns, the first line ``indent_lost`` shorter."""
    pieces = units(text)
    lines: list[list[Unit]] = [[]]
    used = 0
    target = max(4, width - indent_lost)
    k = 0
    while k < len(pieces):
        unit = pieces[k]
        line = lines[-1]
        if unit.space:
            following = pieces[k + 1].width if k + 1 < len(pieces) else 0
            if used + 1 + following > target and line:
                lines.append([])
                used, target = 0, width
            else:
                line.append(unit)
                used += 1
            k += 1
            continue
        fits = used + unit.width <= target
        if fits or not line or unit.text[0] in NO_LINE_START:
            line.append(unit)
            used += unit.width
            k += 1
            continue
        # break before ``unit``; an opening mark may not end the line: carry it down
        carried: list[Unit] = []
        while len(line) > 1 and line[-1].text[-1] in NO_LINE_END:
            carried.insert(0, line.pop())
        lines.append(carried)
        used, target = sum(u.width for u in carried), width
    return ["".join(u.text for u in line) for line in lines if line]


def ends_sentence(line: str) -> bool:
    stripped = line.rstrip("”’」』）)》〉】〕\"'")
    return bool(stripped) and (stripped[-1] in "。！？…!?" or line.endswith(("——", "：")))


@dataclass(frozen=True)
class Dump:
    """A generated raw dump and the paragraphs it was made from."""

    paragraphs: list[str]
    text: str
    width: int
    wrapped: list[list[str]]


@st.composite
def dumps(draw: st.DrawFn) -> Dump:
    """Paragraphs hard-wrapped at 8–60 columns, with blank lines between some paragraphs and column breaks."""
    width = draw(st.integers(8, 60))
    latin_max = max(1, width // 4)
    paras = draw(st.lists(paragraphs(latin_max), min_size=1, max_size=6))
    indent_lost = 4  # the two-character paragraph indent, lost in extraction
    wrapped = [wrap(p, width, indent_lost) for p in paras]
    out: list[str] = []
    for index, lines in enumerate(wrapped):
        for number, line in enumerate(lines):
            out.append(line)
            last = number == len(lines) - 1
            if not last and not ends_sentence(line) and draw(st.integers(0, 9)) == 0:
                out.append("")  # a column break in mid-sentence
        # without a blank line, a paragraph end shows only as a short last line: if the last line is
        # (nearly) full, a reader could not tell either, so the typesetter's page shows a blank line
        target = max(4, width - indent_lost) if len(lines) == 1 else width
        nearly_full = display_width(lines[-1], ambiguous_wide=True) + 4 > target * 0.75
        if index < len(wrapped) - 1 and (nearly_full or draw(st.booleans())):
            out.append("")  # a paragraph break shown as a blank line
    return Dump(paras, "\n".join(out) + "\n", width, wrapped)
