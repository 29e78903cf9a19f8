"""The XeLaTeX engine: ctex + multicol pages, and the two-column digest of a whole 南哪消息 issue.

TeX breaks the lines itself, so the pieces are whole paragraphs, headings and headline stacks; the gold
matcher finds their lines in the dump. Running heads and page numbers (fancyhdr) become pieces once the
dump tells how many pages there are.
"""

from __future__ import annotations

import random
import re
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .build import Dropped, Sources, choose_stories, gold_from, marker_label, run_pdf, tempdir, to_script
from .gold import Piece
from .plan import CasePlan
from .stories import Block, Grammar, Story

FONTS = {
    "hans": (
        "AR PL SungtiL GB",
        "AR PL UMing CN",
        "AR PL KaitiM GB",
        "Noto Serif CJK SC",
        "Noto Sans CJK SC",
    ),
    # AR PL Mingti2L Big5 and UKai TW extract as mojibake
    "hant": ("AR PL UMing TW", "Noto Serif CJK TC", "Noto Sans CJK TC"),
}
_SPECIAL = {"#": r"\#", "$": r"\$", "%": r"\%", "&": r"\&", "_": r"\_", "{": r"\{", "}": r"\}"}
_RISKY = re.compile(r"[~^\\<>|]|--|''|``|[?!]`")
_CJK = r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef“”‘’]"
_SPACE_CJK = re.compile(rf"(?<={_CJK}) | (?={_CJK})")


def escape(text: str, display: bool = False) -> str:
    """TeX source for a text; a space next to Han text is kept as a visible gap (xeCJK would drop it)."""
    out = "".join(_SPECIAL.get(ch, ch) for ch in text)
    gap = r"\hspace{1em}" if display else r"\hspace{0.5em}"
    out = _SPACE_CJK.sub(gap.replace("\\", "\\\\"), out)
    return out.replace("\u3000", r"\hspace{1em}")


def tex_safe(story: Story) -> Story | None:
    texts = [story.headline or "", story.kicker or "", story.subheadline or ""]
    if any(_RISKY.search(t) for t in texts):
        return None
    body = tuple(b for b in story.body if not _RISKY.search(b.printed))
    if not any(b.kind == "paragraph" for b in body) or (story.body and body[0] != story.body[0]):
        return None
    return replace(story, body=body)


def preamble(plan: CasePlan, rng: random.Random, head: str, foot: str, size: float, font: str) -> str:
    width = rng.randint(430, 620) if not plan.digest else 595
    height = rng.randint(620, 860) if not plan.digest else 842
    leading = round(size * rng.uniform(1.3, 1.45), 1)
    parskip = "0pt" if plan.setting == "solid" else f"{round(leading * rng.choice((0.6, 1.0, 2.0)))}pt"
    return rf"""\documentclass{{article}}
\usepackage[fontset=none]{{ctex}}
\setCJKmainfont{{{font}}}
\usepackage[paperwidth={width}pt,paperheight={height}pt,margin=36pt,headsep=14pt]{{geometry}}
\usepackage{{multicol}}
\usepackage{{fancyhdr}}
\pagestyle{{fancy}}\fancyhf{{}}\renewcommand{{\headrulewidth}}{{0pt}}
\fancyhead[L]{{{escape(head)}}}\fancyfoot[C]{{{foot}}}
\setlength{{\columnsep}}{{{rng.choice((2.5, 3.0, 3.5)) * size}pt}}
\hyphenpenalty=10000 \exhyphenpenalty=10000 \emergencystretch=3em \sloppy
\setlength{{\parindent}}{{2em}}\setlength{{\parskip}}{{{parskip}}}
\linespread{{1}}% ctex sets 1.3, and pdftotext splits lines spaced that far into blocks of their own
\AtBeginDocument{{\fontsize{{{size}pt}}{{{leading}pt}}\selectfont}}
{digest_titles(plan)}\begin{{document}}
"""


def body_size_titles(plan: CasePlan) -> bool:
    """Half the digests set their item titles in the body's size: pdftotext then prints a title in the
    flow of the text under it (no blank line between them in a solid setting), as in the real digests."""
    return plan.digest and random.Random(f"{plan.seed}-titles").random() < 0.5


def digest_titles(plan: CasePlan) -> str:
    if not body_size_titles(plan):
        return ""
    return (
        "\\makeatletter\\renewcommand\\subsection{\\@startsection{subsection}{2}{\\z@}{0.1ex}{0.1ex}"
        "{\\normalfont\\normalsize\\bfseries}}\\makeatother\n"
    )


def stack_tex(story: Story, size: float) -> str:
    parts = []
    if story.kicker:
        parts.append(rf"{{\fontsize{{11pt}}{{15pt}}\selectfont {escape(story.kicker, True)}\par}}")
    if story.headline:
        big = round(size * 2.2, 1)
        parts.append(
            rf"{{\fontsize{{{big}pt}}{{{round(big * 1.3, 1)}pt}}\selectfont "
            rf"{escape(story.headline, True)}\par}}"
        )
    if story.subheadline:
        parts.append(rf"{{\fontsize{{11pt}}{{15pt}}\selectfont {escape(story.subheadline, True)}\par}}")
    return "\\begin{center}\n" + "\n".join(parts) + "\n\\end{center}\n" if parts else ""


def body_tex(story: Story, jump_to: str | None, jump_from: str | None) -> str:
    out = []
    if jump_from:
        out.append(rf"\noindent {escape(jump_from)}\par")
    if story.dateline_line:
        out.append(rf"\noindent {escape(story.dateline_line)}\par")
    if story.byline_line:
        out.append(rf"\noindent {escape(story.byline_line)}\par")
    for block in story.body:
        if block.kind == "heading":
            out.append(rf"\par\medskip{{\centering\bfseries {escape(block.text, True)}\par}}\medskip")
        else:
            out.append(escape(block.printed) + "\n")
    if story.end_line:
        out.append(rf"\par{{\raggedleft {escape(story.end_line)}\par}}")
    if jump_to:
        out.append(rf"\par{{\raggedleft {escape(jump_to)}\par}}")
    return "\n".join(out)


def story_pieces(k: int, story: Story, jump_to: str | None, jump_from: str | None) -> list[Piece]:
    """Pieces in reading order; page 0: whichever page TeX puts them on."""
    flow = f"s{k}"
    pieces = []
    for text, role in (
        (story.kicker, "kicker"),
        (story.headline, "headline"),
        (story.subheadline, "subtitle"),
    ):
        if text:
            pieces.append(Piece(text, role, 0, flow))
    for text, role in (
        (jump_from, "marker"),
        (story.dateline_line, "dateline"),
        (story.byline_line, "byline"),
    ):
        if text:
            pieces.append(Piece(text, role, 0, flow))
    for b, block in enumerate(story.body):
        role = "heading" if block.kind == "heading" else "para"
        pieces.append(Piece(block.printed, role, 0, flow, (k, b)))
    for text, role in ((story.end_line, "end_cue"), (jump_to, "marker")):
        if text:
            pieces.append(Piece(text, role, 0, flow))
    return pieces


def digest_stories(plan: CasePlan, sources: Sources, grammar: Grammar) -> tuple[list[Story], str]:
    """One nanna issue as the digest prints it: sections as headings, items as articles."""
    rng = grammar.rng
    doc = rng.choice(sources.for_split(plan.split))
    stories: list[Story] = []
    budget = plan.pages * rng.randint(5, 8)
    seen: set[str] = set()
    for section in doc.sections:
        first = True
        for item in section.items:
            if len(stories) >= budget or item.title in seen:
                continue
            paras = [p for p in item.paras if p not in seen]
            if not paras:
                continue
            seen.update([item.title, *paras])
            body = [Block("paragraph", p) for p in paras[:8]]
            if first:
                body.insert(0, Block("heading", section.title, 1))
            story = Story(f"a{len(stories)}", item.title, tuple(body), sources=(doc.doc_id,))
            safe = tex_safe(story)
            if safe is None or (first and safe.body[0].kind != "heading"):
                continue
            first = False
            stories.append(safe)
    return stories, doc.doc_id


@dataclass
class Jumps:
    to: dict[int, str]
    frm: dict[int, str]


def document(
    plan: CasePlan, stories: list[Story], jumps: Jumps, title: str | None, preamble_tex: str, size: float
) -> tuple[str, list[Piece]]:
    """The TeX source of the case and its pieces (without the running heads and page numbers)."""
    tex = [preamble_tex]
    pieces: list[Piece] = []
    if title:
        tex.append(
            rf"\begin{{center}}{{\fontsize{{24pt}}{{30pt}}\selectfont {escape(title, True)}\par}}"
            r"\end{center}"
        )
        pieces.append(Piece(title, "furniture", 0, "title"))
    if plan.digest:
        tex.append(r"\begin{multicols}{2}")
    for k, story in enumerate(stories):
        jump_to, jump_from = jumps.to.get(k), jumps.frm.get(k)
        if plan.digest:
            rest = story
            if story.body[0].kind == "heading":
                tex.append(rf"\section*{{{escape(story.body[0].text, True)}}}")
                pieces.append(Piece(story.body[0].text, "heading", 0, f"s{k}", (k, 0)))
                rest = replace(story, body=story.body[1:])
            tex.append(rf"\subsection*{{{escape(story.headline or '', True)}}}")
            tex.append(body_tex(replace(rest, headline=None), None, None))
            more = story_pieces(k, rest, None, None)
            if rest is not story:  # block indices of the rest are shifted by the section heading
                for piece in more:
                    if piece.owner:
                        piece.owner = (k, piece.owner[1] + 1)
            pieces.extend(more)
            continue
        cols = plan.columns
        stack = stack_tex(story, size)
        body = body_tex(story, jump_to, jump_from)
        if plan.headline == "beside" and cols >= 2 and len(story.body) <= 6:
            tex.append(
                rf"\noindent\begin{{minipage}}[t]{{0.24\textwidth}}\raggedright {stack}\end{{minipage}}\hfill"
                rf"\begin{{minipage}}[t]{{0.72\textwidth}}\begin{{multicols}}{{{cols - 1}}}"
                rf"{body}\end{{multicols}}\end{{minipage}}\par\bigskip"
            )
        elif plan.headline == "below":
            tex.append(rf"\begin{{multicols}}{{{cols}}}{body}\end{{multicols}}{stack}\bigskip")
        else:
            tex.append(rf"{stack}\begin{{multicols}}{{{cols}}}{body}\end{{multicols}}\bigskip")
        pieces.extend(story_pieces(k, story, jump_to, jump_from))
    if plan.digest:
        tex.append(r"\end{multicols}")
    tex.append(r"\end{document}")
    return "\n".join(tex), pieces


_MISSING = re.compile(r"Missing character: There is no (.)")


def without(stories: list[Story], missing: set[str]) -> list[Story]:
    """The stories without the blocks (or whole stories) that have a character the font lacks."""
    out = []
    for story in stories:
        heads = (story.headline or "") + (story.kicker or "") + (story.subheadline or "")
        if any(ch in heads for ch in missing):
            continue
        body = tuple(b for b in story.body if not any(ch in b.printed for ch in missing))
        if body and body[0] == story.body[0] and any(b.kind == "paragraph" for b in body):
            out.append(replace(story, body=body))
    return out


def renumber(old: list[Story], kept: list[Story], jumps: Jumps) -> tuple[list[Story], Jumps]:
    """Jump markers follow their stories when some stories are dropped."""
    keys = {s.key: k for k, s in enumerate(old)}
    new = Jumps({}, {})
    for k, story in enumerate(kept):
        was = keys[story.key]
        if was in jumps.to:
            new.to[k] = jumps.to[was]
        if was in jumps.frm:
            new.frm[k] = jumps.frm[was]
    return kept, new


def make_xelatex(plan: CasePlan, sources: Sources, keep: Path | None) -> tuple[Any, ...]:
    rng = random.Random(plan.seed)
    grammar = Grammar.load(rng)
    size = rng.choice((9.0, 9.5, 10.0, 10.5, 11.0))
    if plan.digest:
        stories, doc_id = digest_stories(plan, sources, grammar)
        head = rng.choice([f"南哪消息 {doc_id}", "南哪消息", f"{doc_id}"])
        title: str | None = f"南哪消息 {doc_id}"
    else:
        count = plan.pages * rng.randint(3, 5)
        stories = [s for s in (tex_safe(s) for s in choose_stories(plan, sources, grammar, count)) if s]
        head = grammar.fill(rng.choice(grammar.data["parts"]["running_heads"]), page="1")
        head = re.sub(r"第1版|\b1\b", "", head).strip() or grammar.paper["name"]
        title = None
    stories, converter = to_script(stories, plan, rng)
    c = converter.convert if converter else (lambda t: t)
    head = c(head)
    title = c(title) if title else None
    foot_form = rng.choice(("\\thepage", "- \\thepage{} -", "第\\thepage 版"))
    font = rng.choice(FONTS[plan.script])
    preamble_tex = preamble(plan, rng, head, foot_form, size, font)
    jumps = Jumps({}, {})
    for k, story in enumerate(stories):
        if plan.digest:
            continue
        if rng.random() < 0.12:
            label = marker_label(rng, str(rng.randint(2, 12)))
            jumps.to[k] = c(grammar.fill(rng.choice(grammar.data["parts"]["jump_to"]), p=label))
            stories[k] = replace(story, continues_on=label, end_line=None)
        elif rng.random() < 0.1:
            label = marker_label(rng, rng.choice(("1", "2", "A1")))
            jumps.frm[k] = c(grammar.fill(rng.choice(grammar.data["parts"]["jump_from"]), p=label))
            stories[k] = replace(story, continued_from=label)
    with tempdir() as tmp:
        for _attempt in range(3):
            if not stories:
                raise Dropped("no story is left that TeX can set with this font")
            tex, pieces_by_story = document(plan, stories, jumps, title, preamble_tex, size)
            (Path(tmp) / "case.tex").write_text(tex, encoding="utf-8")
            run = subprocess.run(
                ["xelatex", "-interaction=batchmode", "-halt-on-error", "case.tex"],
                cwd=tmp,
                capture_output=True,
            )
            if run.returncode != 0:
                raise Dropped("xelatex failed")
            log = (Path(tmp) / "case.log").read_text(encoding="utf-8", errors="replace")
            missing = set(_MISSING.findall(log))
            if not missing:
                break
            if title and any(ch in title + head for ch in missing):
                raise Dropped("the title has a character the font lacks")
            kept = without(stories, missing)
            stories, jumps = renumber(stories, kept, jumps)
        else:
            raise Dropped("characters missing from the font after two retries")
        dump = run_pdf(Path(tmp) / "case.pdf", keep, plan.case_id)
        if keep:
            (keep / f"{plan.case_id}.tex").write_text(tex, encoding="utf-8")
    pages = dump.count("\f")
    furniture = []
    for page in range(1, pages + 1):
        furniture.append(Piece(head, "furniture", page, f"head{page}"))
        foot = foot_form.replace("\\thepage{}", str(page)).replace("\\thepage ", str(page))
        foot = foot.replace("\\thepage", str(page))
        furniture.append(Piece(c(foot), "furniture", page, f"foot{page}"))
    pieces = furniture + pieces_by_story
    gold, roles, inter = gold_from(stories, pieces, dump, [{} for _ in stories])
    lay = {
        "engine": "xelatex",
        "columns": plan.columns,
        "font": font,
        "font_size": size,
        "setting": plan.setting,
        "headline": "above" if plan.digest else plan.headline,
        "script": plan.script,
        "pages": pages,
        "family": plan.family,
        "digest": plan.digest,
        **({"titles": "body-size" if body_size_titles(plan) else "large"} if plan.digest else {}),
    }
    kind = "two-column digest of a 南哪消息 issue" if plan.digest else f"{plan.columns}-column multicol pages"
    description = (
        f"Generated by tools/make_corpus.py (XeLaTeX, ctex, multicol): {kind}, {pages} page(s), {size} pt, "
        f"{plan.setting} setting, headlines {lay['headline']}; {len(gold['articles'])} articles; dumped with "
        "pdftotext (default mode)."
    )
    used = [doc for s in stories for doc in s.sources]
    return dump, gold, roles, inter, lay, description, used
