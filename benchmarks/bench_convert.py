"""Benchmark: how fast reflow converts and renders a ~10 MB raw newspaper dump.

Builds a realistic dump in memory, deterministically (seeded): the paragraphs of a real sample page,
shuffled and re-wrapped at a few column widths, with column breaks (blank lines in mid-paragraph),
joined with form feeds as pages until the size is reached. Then times ``convert_bytes`` and the
rendering separately (best of ``--repeat`` runs) and measures peak memory.

Run from the repository root (see benchmarks/README.md)::

    python benchmarks/bench_convert.py                  # zh-newspaper, 10 MB, JSON, best of 3
    python benchmarks/bench_convert.py --latin --format all --json
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import io
import json
import os
import platform
import pstats
import random
import resource
import sys
import textwrap
import time
import tracemalloc
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache, partial
from pathlib import Path
from typing import Any

from reflow import BlockKind, Document, convert_bytes, load_ruleset
from reflow.explain import format_log
from reflow.render import FORMATS, render

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "samples"
ZH_SAMPLE = SAMPLES / "zh-daily-2020-11-23-page.txt"
LATIN_SAMPLES = SAMPLES / "en-ocr"

MB = 1_000_000  # decimal megabytes, as in MB/s

#: Column widths pages are re-wrapped at: full-width characters (zh) or Latin characters (latin).
ZH_WIDTHS = (22, 26, 30)
LATIN_WIDTHS = (30, 34, 40)
#: Chance that a paragraph of three or more lines gets a column break (a blank line after a full line).
COLUMN_BREAK_CHANCE = 0.08
#: Marks that a typesetter never puts at the start of a line (kinsoku): they stay on the line before.
ZH_NO_LINE_START = "，。、；：！？）」』》〉”’…—"


@dataclass(frozen=True, slots=True)
class Dump:
    """The generated input and what it was built from."""

    data: bytes
    origin: str
    pages: int
    paragraphs: int


# --- Building the input ---------------------------------------------------------------------------


def zh_paragraphs(text: str) -> list[str]:
    """The blank-line separated blocks of a hard-wrapped CJK page, each unwrapped into one string."""
    blocks = [block.split("\n") for block in text.replace("\r\n", "\n").split("\n\n")]
    return [joined for block in blocks if (joined := "".join(line.strip() for line in block))]


def latin_paragraphs(text: str) -> list[str]:
    """Paragraphs of an OCR page with no blank lines: a line ending a sentence well short of full ends one."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    full = sorted(len(line) for line in lines if line)[len(lines) // 2] if any(lines) else 0
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        if current and (not line or (line.endswith((".", "!", "?", '."', ":")) and len(line) < 0.8 * full)):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _display_width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


@cache
def wrap_zh(paragraph: str, width: int) -> tuple[str, ...]:
    """Hard-wrap at ``width`` full-width characters (half-width ones count half), keeping kinsoku."""
    columns = 2 * width
    lines: list[str] = []
    line: list[str] = []
    used = 0
    for char in paragraph:
        size = _display_width(char)
        if line and used + size > columns and char not in ZH_NO_LINE_START:
            lines.append("".join(line))
            line, used = [], 0
        line.append(char)
        used += size
    if line:
        lines.append("".join(line))
    return tuple(lines)


@cache
def wrap_latin(paragraph: str, width: int) -> tuple[str, ...]:
    """Word-wrap at ``width`` characters, as a narrow newspaper column does."""
    return tuple(textwrap.wrap(paragraph, width, break_on_hyphens=False, break_long_words=True))


def build_page(
    paragraphs: Sequence[str],
    wrap: Callable[[str, int], tuple[str, ...]],
    width: int,
    separator: str,
    rng: random.Random,
) -> str:
    """One page: the paragraphs in a random order, wrapped at ``width``, some with a column break."""
    order = list(paragraphs)
    rng.shuffle(order)
    blocks = []
    for paragraph in order:
        lines = list(wrap(paragraph, width))
        if len(lines) >= 3 and rng.random() < COLUMN_BREAK_CHANCE:
            # PDF extraction ends a column mid-sentence with a blank line; the next column goes on.
            lines.insert(rng.randrange(1, len(lines) - 1), "")
        blocks.append("\n".join(lines))
    return separator.join(blocks) + "\n"


def build_dump(
    sources: Sequence[Sequence[str]],
    wrap: Callable[[str, int], tuple[str, ...]],
    widths: Sequence[int],
    separator: str,
    size: int,
    seed: int,
    origin: str,
) -> Dump:
    """Pages built from ``sources`` (paragraphs of each sample page) until ``size`` bytes, joined by \\f."""
    rng = random.Random(seed)
    pages: list[bytes] = []
    total = paragraphs = 0
    while total < size:
        source = sources[len(pages) % len(sources)]
        page = build_page(source, wrap, rng.choice(widths), separator, rng).encode("utf-8")
        pages.append(page)
        total += len(page) + 1
        paragraphs += len(source)
    return Dump(b"\f".join(pages), origin, len(pages), paragraphs)


_HAN = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产"
    "种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业"
    "本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利"
)


def generated_zh_paragraphs(rng: random.Random, count: int) -> list[str]:
    """Chinese-like paragraphs (random common Han characters, commas, full stops, some Latin digits)."""
    paragraphs = []
    for _ in range(count):
        sentences = []
        for _ in range(rng.randint(1, 6)):
            clauses = []
            for _ in range(rng.randint(1, 4)):
                clause = "".join(rng.choice(_HAN) for _ in range(rng.randint(4, 18)))
                if rng.random() < 0.15:
                    at = rng.randrange(len(clause))
                    clause = f"{clause[:at]}{rng.randint(2, 2025)}{clause[at:]}"
                clauses.append(clause)
            sentences.append("，".join(clauses) + rng.choice("。。。！？"))
        paragraphs.append("".join(sentences))
    return paragraphs


_VOCABULARY = (
    "the of and to in a is that for it as was with be by on not he this are or his from at which but have an "
    "they you were her she there been one all we their has would when if so no will more out up into do any "
    "your what senate president governor election returns county city council bill army border railroad "
    "committee yesterday morning evening street building washington york state national federal"
)


def generated_latin_paragraphs(rng: random.Random, count: int) -> list[str]:
    """English-like paragraphs from a small vocabulary, with capitalised sentences and some numbers."""
    vocabulary = _VOCABULARY.split()
    paragraphs = []
    for _ in range(count):
        sentences = []
        for _ in range(rng.randint(1, 6)):
            words = [rng.choice(vocabulary) for _ in range(rng.randint(6, 24))]
            if rng.random() < 0.2:
                words.insert(rng.randrange(len(words)), f"{rng.randint(1, 99999):,}")
            sentences.append(" ".join(words).capitalize() + rng.choice("...!?"))
        paragraphs.append(" ".join(sentences))
    return paragraphs


def _read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "replace")


def make_input(latin: bool, samples: Sequence[Path] | None, size: int, seed: int) -> Dump:
    """The benchmark input: from ``samples`` (or the default shared samples), else generated text."""
    if samples is None:
        defaults = sorted(LATIN_SAMPLES.glob("*.txt")) if latin else [ZH_SAMPLE]
        samples = [path for path in defaults if path.is_file()]
    if latin:
        wrap, widths, separator, split = wrap_latin, LATIN_WIDTHS, "\n", latin_paragraphs
    else:
        wrap, widths, separator, split = wrap_zh, ZH_WIDTHS, "\n\n", zh_paragraphs
    if samples:
        sources = [split(_read_text(path)) for path in samples]
        origin = ", ".join(path.name for path in samples)
    else:
        rng = random.Random(seed)
        generate = generated_latin_paragraphs if latin else generated_zh_paragraphs
        sources = [generate(rng, 120) for _ in range(4)]
        origin = "generated text (no sample found at " + str(LATIN_SAMPLES if latin else ZH_SAMPLE) + ")"
    return build_dump(sources, wrap, widths, separator, size, seed, origin)


SHAPES = ("page", "one-line", "one-paragraph")


def reshape(dump: Dump, shape: str) -> Dump:
    """The dump as the worst cases of the corpus-scale work: ``one-line`` has no line break at all (a
    dump whose newlines were lost), ``one-paragraph`` no blank line, page break or sentence end (one
    enormous hard-wrapped paragraph)."""
    if shape == "page":
        return dump
    text = dump.data.decode("utf-8")
    if shape == "one-line":
        text = text.replace("\n", "").replace("\f", "") + "\n"
    else:
        lines = [line for line in text.replace("\f", "\n").split("\n") if line.strip()]
        text = "\n".join(line.translate(_SENTENCE_ENDS) for line in lines) + "\n"
    return replace(dump, data=text.encode("utf-8"), origin=f"{dump.origin}, reshaped: {shape}")


_SENTENCE_ENDS = str.maketrans({"。": "，", "！": "，", "？": "，", ".": ",", "!": ",", "?": ","})


# --- Measuring ------------------------------------------------------------------------------------


def best_of(repeat: int, run: Callable[[], object]) -> tuple[float, object]:
    """The shortest wall time of ``repeat`` calls of ``run`` and the last result."""
    best = float("inf")
    result: object = None
    for _ in range(repeat):
        result = None  # let the previous result go before making the next one
        gc.collect()
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def max_rss_bytes() -> int:
    """Peak resident set size of this process so far (getrusage: KiB on Linux, bytes on macOS)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


def traced_peak(run: Callable[[], object]) -> int:
    """Peak bytes the Python allocator held for ``run`` (tracemalloc; allocations made before excluded)."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} CPUs, "
        f"{platform.python_implementation()} {platform.python_version()}"
    )


def count_blocks(document: Document) -> tuple[int, int]:
    """(all blocks, paragraph blocks) of the document."""
    blocks = [block for article in document.articles for block in article.blocks]
    return len(blocks), sum(block.kind == BlockKind.PARAGRAPH for block in blocks)


def profile_convert(data: bytes, ruleset_name: str, top: int) -> str:
    """cProfile of one conversion: the ``top`` functions by own time, then by cumulative time."""
    ruleset = load_ruleset(ruleset_name)
    profiler = cProfile.Profile()
    profiler.runcall(convert_bytes, data, ruleset)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def naive(data: bytes) -> str:
    """The baseline the speed targets are measured against, as a user would write it: read the lines,
    strip them, join the lines of each blank-line separated block (no column, rules, structure or
    provenance)."""
    out: list[str] = []
    block: list[str] = []
    for line in data.decode("utf-8", "replace").splitlines():
        stripped = line.strip()
        if stripped:
            block.append(stripped)
        elif block:
            out.append("".join(block))
            block = []
    if block:
        out.append("".join(block))
    return "\n".join(out) + "\n"


def time_conversion(
    data: bytes, ruleset_name: str, formats: Sequence[str], repeat: int
) -> tuple[float, dict[str, float], dict[str, Any]]:
    """Best seconds of the conversion, of each rendering, and facts about the document and outputs."""
    ruleset = load_ruleset(ruleset_name)
    convert_s, converted = best_of(repeat, lambda: convert_bytes(data, ruleset))
    assert isinstance(converted, Document)
    document: Document = converted
    blocks, paragraphs = count_blocks(document)
    render_s = {}
    output_bytes = {}
    for fmt in formats:
        seconds, output = best_of(repeat, partial(render, document, fmt))
        assert isinstance(output, str)
        render_s[fmt] = seconds
        output_bytes[fmt] = len(output.encode("utf-8", "surrogatepass"))
    facts = {"blocks": blocks, "paragraphs": paragraphs, "edits": len(document.edits), "bytes": output_bytes}
    return convert_s, render_s, facts


def run(args: argparse.Namespace) -> dict[str, Any]:
    ruleset_name = args.rules or ("latin" if args.latin else "zh-newspaper")
    formats = list(FORMATS) if args.format == "all" else [args.format]
    dump = reshape(make_input(args.latin, args.sample, int(args.size_mb * MB), args.seed), args.shape)
    data = dump.data
    convert_s, render_s, output = time_conversion(data, ruleset_name, formats, args.repeat)
    explain_s = None
    if args.explain:
        ruleset = load_ruleset(ruleset_name)
        explain_s, _log = best_of(args.repeat, lambda: format_log(convert_bytes(data, ruleset)))
    naive_s, _joined = best_of(args.repeat, partial(naive, data))
    rss = max_rss_bytes()  # before tracemalloc, whose bookkeeping would inflate it

    traced = None
    if not args.no_tracemalloc:
        ruleset = load_ruleset(ruleset_name)

        def convert_and_render() -> None:
            document = convert_bytes(data, ruleset)
            for fmt in formats:
                render(document, fmt)

        traced = traced_peak(convert_and_render)

    size = len(data)
    return {
        "ruleset": ruleset_name,
        "origin": dump.origin,
        "machine": machine(),
        "seed": args.seed,
        "repeat": args.repeat,
        "input": {
            "bytes": size,
            "mb": size / MB,
            "sha256": hashlib.sha256(data).hexdigest(),
            "lines": data.count(b"\n") + 1,
            "pages": dump.pages,
            "paragraphs_generated": dump.paragraphs,
        },
        "output": output,
        "shape": args.shape,
        "seconds": {"convert": convert_s, "render": render_s, "naive": naive_s, "convert+explain": explain_s},
        "times_naive": {
            f"convert+render {fmt}": (convert_s + seconds) / naive_s for fmt, seconds in render_s.items()
        },
        "mb_per_s": {
            "convert": size / MB / convert_s,
            **{f"convert+render {fmt}": size / MB / (convert_s + s) for fmt, s in render_s.items()},
        },
        "memory": {
            "max_rss_bytes": rss,
            "max_rss_note": "getrusage ru_maxrss after the timed runs: the whole process "
            "(interpreter, libraries, input bytes, one document and its outputs)",
            "tracemalloc_peak_bytes": traced,
            "tracemalloc_note": "peak Python allocations during one convert + render of every format "
            "(input bytes made before it excluded), in a separate untimed run",
        },
    }


def table(result: dict[str, Any]) -> str:
    inp, out, sec, speed, mem = (result[key] for key in ("input", "output", "seconds", "mb_per_s", "memory"))
    rows = [("convert", sec["convert"], speed["convert"])]
    for fmt, seconds in sec["render"].items():
        rows.append((f"render {fmt}", seconds, inp["mb"] / seconds))
        rows.append((f"convert + render {fmt}", sec["convert"] + seconds, speed[f"convert+render {fmt}"]))
    if sec.get("convert+explain") is not None:
        rows.append(("convert + explain log", sec["convert+explain"], inp["mb"] / sec["convert+explain"]))
    rows.append(("naive join (baseline)", sec["naive"], inp["mb"] / sec["naive"]))
    lines = [
        f"reflow benchmark: rule set {result['ruleset']}, best of {result['repeat']}, seed {result['seed']}",
        f"machine   {result['machine']}",
        f"built from {result['origin']}",
        f"input     {inp['mb']:.2f} MB ({inp['bytes']:,} bytes, sha256 {inp['sha256'][:12]}), "
        f"{inp['lines']:,} lines, {inp['pages']:,} pages, {inp['paragraphs_generated']:,} paragraphs",
        f"output    {out['blocks']:,} blocks ({out['paragraphs']:,} paragraphs), {out['edits']:,} edits",
        "",
        f"{'stage':<26}{'best s':>9}{'MB/s':>9}",
        *(f"{name:<26}{seconds:>9.3f}{mb_s:>9.2f}" for name, seconds, mb_s in rows),
        "",
        *(f"{name:<26}{ratio:>9.1f}x the naive join's time" for name, ratio in result["times_naive"].items()),
        "",
        f"peak memory  max RSS {mem['max_rss_bytes'] / 2**20:,.0f} MiB (getrusage, whole process)",
    ]
    if mem["tracemalloc_peak_bytes"] is not None:
        lines.append(
            f"             tracemalloc peak {mem['tracemalloc_peak_bytes'] / 2**20:,.0f} MiB "
            "(Python allocations of one convert + render, input excluded)"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--size-mb", type=float, default=10.0, help="input size in MB of 10^6 bytes (10)")
    parser.add_argument(
        "--format", choices=(*FORMATS, "all"), default="json", help="output format to render (json)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best counts (3)")
    parser.add_argument("--seed", type=int, default=2020, help="seed of the input builder (2020)")
    parser.add_argument("--latin", action="store_true", help="use the en-ocr samples and the latin rule set")
    parser.add_argument(
        "--rules", metavar="RULESET|FILE", help="rule set to convert with (default: zh-newspaper, or latin)"
    )
    parser.add_argument(
        "--sample",
        type=Path,
        action="append",
        metavar="PATH",
        help="sample page to build the input from (repeatable; default: the shared samples)",
    )
    parser.add_argument(
        "--shape",
        choices=SHAPES,
        default="page",
        help="the dump as built (page), without line breaks, or as one paragraph",
    )
    parser.add_argument("--explain", action="store_true", help="also time conversion with the explain log")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    parser.add_argument("--no-tracemalloc", action="store_true", help="skip the (slow) tracemalloc run")
    parser.add_argument(
        "--profile", type=int, nargs="?", const=25, metavar="TOP", help="cProfile one conversion instead"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.size_mb <= 0:
        parser.error("--repeat must be at least 1 and --size-mb positive")
    for path in args.sample or ():
        if not path.is_file():
            parser.error(f"--sample {path}: no such file")
    if args.profile is not None:
        dump = reshape(make_input(args.latin, args.sample, int(args.size_mb * MB), args.seed), args.shape)
        rules = args.rules or ("latin" if args.latin else "zh-newspaper")
        print(profile_convert(dump.data, rules, args.profile))
        return 0
    result = run(args)
    print(json.dumps(result, indent=2) if args.json else table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
