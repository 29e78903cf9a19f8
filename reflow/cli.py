"""The ``reflow`` command line: ``convert`` (one dump, or a batch of them) and ``rules {check,list,show}``.

Usage errors are one line on stderr and exit status 2; never a traceback. A batch exits 1 when some
inputs failed (the summary names them). The shared helpers live in :mod:`reflow.io`; their old names
are still importable from here.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from reflow import __version__
from reflow.batch import BarProgress, Options, describe_summary, plan, run, single
from reflow.decode import decode
from reflow.engines import ENGINES, make_engine
from reflow.io import (
    DEFAULT_RULESET,
    UsageError,
    format_for_path,
    load_rules,
    one_line,
    read_input,
    same_file,
    write_output,
)
from reflow.render import FORMATS, UNITS
from reflow.ruleset import PATTERN_TIMEOUT, builtin_rulesets, check_files, check_warnings, describe
from reflow.scripts import script_configs

__all__ = ["DEFAULT_RULESET", "UsageError", "load_rules", "main", "read_input", "write_output"]

_one_line = one_line  # the old private name


def _did_you_mean(value: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(value, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"expected seconds between 0 and 3600, got {text}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reflow",
        description="Rebuild clean, structured articles from raw newspaper text dumps.",
    )
    parser.add_argument("--version", action="version", version=f"reflow {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    conv = commands.add_parser(
        "convert",
        help="convert raw dumps (a file, several, or folders) to TEI, HTML, JSON or text",
        description="Convert one raw dump (to standard output or -o FILE), or a batch: folders and several "
        "files into -o OUTDIR, mirroring the input tree, with a manifest.jsonl, resuming where a killed "
        "run stopped. Exit status: 0 all converted, 1 some inputs failed, 2 usage error.",
    )
    conv.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="raw text dumps or folders of them (- for standard input)",
    )
    conv.add_argument(
        "-r",
        "--rules",
        default=DEFAULT_RULESET,
        metavar="RULESET|FILE",
        help=f"built-in rule set name or a rule file (default: {DEFAULT_RULESET})",
    )
    conv.add_argument(
        "--to",
        choices=FORMATS,
        type=_format_name,
        help="output format (default: from the -o extension .xml/.tei .html .json .jsonl .txt, else tei); "
        "the extensions' names work too (--to txt, --to xml)",
    )
    conv.add_argument(
        "--unit",
        choices=UNITS,
        default="article",
        help="--to jsonl: one record per article, paragraph or sentence (default: article)",
    )
    conv.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="output file (one input), or output folder (a folder, several inputs, or a name ending in /)",
    )
    conv.add_argument(
        "--encoding", default="auto", help="input encoding, or auto to detect it (default: auto)"
    )
    conv.add_argument(
        "--explain", action="store_true", help="print every edit with the rule that made it, on stderr"
    )
    conv.add_argument(
        "--convert",
        metavar="CONFIG",
        help="convert the output text between Chinese scripts with this OpenCC configuration "
        "(t2s, s2t, s2twp, tw2sp, hk2s ...); source offsets stay exact",
    )
    conv.add_argument(
        "--force",
        action="store_true",
        help="convert inputs that do not look like text dumps (PDFs, images, mostly undecodable bytes)",
    )
    conv.add_argument(
        "--regex-timeout",
        type=_seconds,
        default=PATTERN_TIMEOUT,
        metavar="SECONDS",
        help=f"time limit of one rule-pattern match; past it the rule is skipped there, with a warning "
        f"(default: {PATTERN_TIMEOUT})",
    )
    batch = conv.add_argument_group("batch conversion (into -o OUTDIR)")
    batch.add_argument(
        "-j", "--jobs", type=_positive, default=1, metavar="N", help="worker processes (default: 1)"
    )
    batch.add_argument(
        "--engine", choices=ENGINES, default="local", help="where to convert: local processes or Dask"
    )
    batch.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler (default: a local cluster)")
    batch.add_argument(
        "--group-by-dir",
        action="store_true",
        help="convert the pages of each folder together, in name order joined by form feeds, so that "
        "jumps stitch across them: one output per folder",
    )
    batch.add_argument(
        "--glob",
        default="*.txt",
        metavar="PATTERN",
        help="which files in folders are inputs (default: *.txt; files named on the command line always are)",
    )
    batch.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no per-file warnings")

    rules = commands.add_parser("rules", help="list, show and check rule sets")
    rule_commands = rules.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    check = rule_commands.add_parser("check", help="validate rule files, reporting every problem")
    check.add_argument("files", nargs="+", metavar="FILE")
    rule_commands.add_parser("list", help="list the built-in rule sets")
    show = rule_commands.add_parser("show", help="print a resolved rule set")
    show.add_argument("name", metavar="NAME|FILE")
    fit = rule_commands.add_parser(
        "fit",
        help="fit a rule set's line-role weights on corrected pages",
        description="Fit the line-role weights of RULESET on CASE folders (input.txt + expected.json, as "
        "reflow gold writes and a person corrects; folders of case folders are searched). Writes a rule "
        "file that extends RULESET with the weights (-o), or rewrites the weights of RULESET's own file "
        "(--in-place).",
    )
    fit.add_argument("ruleset", metavar="RULESET|FILE")
    fit.add_argument("cases", nargs="+", metavar="CASE")
    where = fit.add_mutually_exclusive_group(required=True)
    where.add_argument("-o", "--output", metavar="FILE", help="the rule file to write")
    where.add_argument("--in-place", action="store_true", help="rewrite the weights in RULESET's file")
    fit.add_argument("--epochs", type=int, default=8, help="passes over the pages (default 8)")
    fit.add_argument(
        "--seed",
        type=_seeds,
        default=[0],
        metavar="SEED[,SEED...]",
        help="order of the pages in each pass (default 0); several, comma-separated (0,1,2): one fit per "
        "seed, the weights averaged",
    )
    fit.add_argument(
        "-j",
        "--jobs",
        type=_positive,
        default=1,
        metavar="N",
        help="read the cases and fit up to N seeds at once, in worker processes (default 1; the weights are "
        "the same)",
    )
    fit.add_argument(
        "--margin",
        type=_margin,
        default=0.0,
        metavar="M",
        help="loss-augmented fit: the gold role must win each line by M (default 0: a plain perceptron)",
    )
    fit.add_argument(
        "--warm",
        action="store_true",
        help="start from RULESET's own weights and adjust them to the pages (for a few pages of one paper)",
    )

    diff = commands.add_parser(
        "diff",
        help="review what the cleanup did to a dump, or what changed between two conversions",
        description="Without --against: a review report of every edit reflow made to INPUT (every source "
        "line accounted for). With --against OTHER: compare two conversions (raw dumps converted with "
        "--rules / --against-rules, or saved JSON outputs, or two directories of them); exit 1 if "
        "anything changed.",
    )
    diff.add_argument("input", metavar="INPUT", help="a raw dump, a saved JSON output, or a directory")
    diff.add_argument("--against", metavar="OTHER", help="compare with this conversion instead")
    diff.add_argument("-r", "--rules", default=DEFAULT_RULESET, metavar="RULESET|FILE")
    diff.add_argument("--against-rules", metavar="RULESET|FILE", help="rules for OTHER (default: --rules)")
    diff.add_argument("--format", choices=("html", "text", "json"), help="default: html with -o, else text")
    diff.add_argument("-o", "--output", metavar="OUT")
    diff.add_argument("--encoding", default="auto")

    evaluate = commands.add_parser(
        "eval", help="score a rule set against hand-checked gold files (fixtures' expected.json)"
    )
    evaluate.add_argument("gold", nargs="+", metavar="GOLD", help="gold JSON files or fixture folders")
    evaluate.add_argument("-r", "--rules", metavar="RULESET|FILE", help="default: the gold case's rule set")
    evaluate.add_argument("--format", choices=("text", "json"), default="text")
    evaluate.add_argument(
        "--min",
        action="append",
        default=[],
        metavar="METRIC=VALUE",
        help="exit 1 if METRIC (a column name: bnd-F1, exact, art-B3 ...) is below VALUE (0.95 or 95%%) "
        "in the total or the page mean; repeatable",
    )

    gold = commands.add_parser("gold", help="write reflow's output as a gold file for a person to correct")
    gold.add_argument("input", metavar="INPUT")
    gold.add_argument("-r", "--rules", default=DEFAULT_RULESET, metavar="RULESET|FILE")
    gold.add_argument("-o", "--output", metavar="OUT")
    gold.add_argument("--encoding", default="auto")
    return parser


def _convert(args: argparse.Namespace) -> int:
    if args.convert is not None and args.convert not in script_configs():
        hint = _did_you_mean(args.convert, script_configs())
        raise UsageError(
            f"unknown --convert {args.convert!r}{hint}; "
            f"use an OpenCC configuration: {', '.join(script_configs())}"
        )
    if args.unit != "article" and (args.to or "") != "jsonl" and not (args.output or "").endswith(".jsonl"):
        raise UsageError(f"--unit {args.unit} is for --to jsonl")
    if _is_batch(args):
        return _convert_batch(args)
    name = args.inputs[0]
    output = None if args.output in (None, "-") else args.output
    if output is not None and name != "-" and same_file(name, output):
        raise UsageError(f"{output}: is the input; -o never overwrites the input, give another name")
    fmt = args.to or (format_for_path(output) if output else None) or "tei"
    load_rules(args.rules)
    data = read_input(name)
    shown = "<stdin>" if name == "-" else name
    options = _options(args, args.rules, fmt)
    outcome = single(data, shown, options)
    if outcome.output is None:
        raise UsageError(f"{shown}: {outcome.record['error']}")
    write_output(outcome.output, output)
    for warning in outcome.record["warnings"]:
        print(f"reflow: warning: {shown}: {warning}", file=sys.stderr)
    if args.explain:
        sys.stderr.write(outcome.log)
    return 0


def _margin(text: str) -> float:
    """``--margin``: a number, 0 or more."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"not a margin (a number, 0 or more): {text!r}")
    return value


def _seeds(text: str) -> list[int]:
    """``--seed``: one whole number or several, comma-separated (``0,1,2``)."""
    try:
        seeds = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a seed or a comma-separated list of seeds: {text!r}") from None
    return seeds


def _format_name(name: str) -> str:
    """A format as ``--to`` takes it: its name, or the name of an extension that asks for it (``txt``)."""
    if name in FORMATS:
        return name
    try:
        return format_for_path(f"out.{name}") or name
    except UsageError:
        return name  # argparse then names the choices


def _is_batch(args: argparse.Namespace) -> bool:
    """Several inputs, a folder, or -o naming a folder: a batch into OUTDIR."""
    output = args.output
    to_folder = output not in (None, "-") and (output.endswith(("/", os.sep)) or os.path.isdir(output))
    return (
        len(args.inputs) > 1 or to_folder or any(os.path.isdir(name) for name in args.inputs if name != "-")
    )


def _options(args: argparse.Namespace, rules: str, fmt: str) -> Options:
    return Options(
        rules=rules,
        fmt=fmt,
        encoding=args.encoding,
        force=args.force,
        script=args.convert,
        regex_timeout=args.regex_timeout,
        explain=args.explain,
        unit=args.unit,
    )


def _convert_batch(args: argparse.Namespace) -> int:
    if args.output in (None, "-"):
        folders = [name for name in args.inputs if name != "-" and os.path.isdir(name)]
        if folders:
            raise UsageError(f"{folders[0]}: is a directory; give -o OUTDIR to convert a folder into OUTDIR")
        raise UsageError(f"{len(args.inputs)} inputs: give -o OUTDIR to convert several inputs into OUTDIR")
    if os.path.isfile(args.output):
        raise UsageError(
            f"{args.output}: is a file; with a folder or several inputs, -o names the output folder"
        )
    if args.explain:
        raise UsageError("--explain works on one input; a batch records warnings in its manifest.jsonl")
    if args.scheduler is not None and args.engine != "dask":
        raise UsageError("--scheduler is the address of a Dask scheduler: give --engine dask too")
    try:
        decode(b"a", args.encoding)  # b"" decodes with any codec, text encoding or not
    except LookupError:
        raise UsageError(f"unknown encoding {args.encoding!r}; use a Python codec name or auto") from None
    load_rules(args.rules)
    rules = args.rules
    if "/" in rules or os.sep in rules or rules.endswith(".toml"):
        rules = os.path.abspath(rules)  # workers elsewhere (processes, a cluster) read it by this path
    options = _options(args, rules, args.to or "tei")
    batch = plan(args.inputs, args.output, options, group_by_dir=args.group_by_dir, pattern=args.glob)
    engine = make_engine(args.engine, jobs=args.jobs, scheduler=args.scheduler)
    summary = run(batch, engine, BarProgress(quiet=args.quiet))
    lines = list(describe_summary(summary))
    if not args.quiet or summary.failed:
        for line in lines if not args.quiet else lines[1:]:
            print(line, file=sys.stderr)
    return 1 if summary.failed else 0


def _fit(args: argparse.Namespace) -> int:
    from reflow.roles import training

    ruleset = load_rules(args.ruleset)
    try:
        cases = training.find_cases([Path(c) for c in args.cases])
        fitted = training.fit_cases(
            cases,
            ruleset,
            epochs=args.epochs,
            seeds=args.seed,
            progress=True,
            warm=args.warm,
            jobs=args.jobs,
            margin=args.margin,
        )
    except training.CaseError as error:
        raise UsageError(str(error)) from error
    if args.in_place:
        target = Path(args.ruleset)
        if not target.is_file():
            raise UsageError(f"--in-place needs RULESET to be a rule file, not {args.ruleset!r}")
        rewritten = training.replace_section(target.read_text(encoding="utf-8"), fitted)
        target.write_text(rewritten, encoding="utf-8")
    else:
        target = Path(args.output)
        reference = training.extends_reference(args.ruleset, target)
        target.write_text(training.rule_file(fitted, name=target.stem, extends=reference), encoding="utf-8")
    load_rules(str(target))  # what was written loads back
    for line in training.summary(fitted):
        print(line, file=sys.stderr)
    print(f"wrote {target}", file=sys.stderr)
    return 0


def _rules(args: argparse.Namespace) -> int:
    if args.rules_command == "fit":
        return _fit(args)
    if args.rules_command == "list":
        for name, description in builtin_rulesets():
            print(f"{name:<16} {description}")
        return 0
    if args.rules_command == "show":
        print(describe(load_rules(args.name)), end="")
        return 0
    problems = check_files(args.files)
    for problem in problems:
        print(problem, file=sys.stderr)
    warnings = check_warnings(args.files)
    for warning in warnings:
        print(warning, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {len(args.files)} file(s)", file=sys.stderr)
        return 2
    noted = f", {len(warnings)} warning(s)" if warnings else ""
    print(f"{len(args.files)} file(s) OK{noted}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``reflow`` console script."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "convert":
            return _convert(args)
        if args.command == "diff":
            if args.against:
                from reflow.compare import run_against

                return run_against(args)
            from reflow.report import run_report

            return run_report(args)
        if args.command == "eval":
            from reflow.evaluate import run_eval

            return run_eval(args)
        if args.command == "gold":
            from reflow.evaluate import run_gold

            return run_gold(args)
        return _rules(args)
    except UsageError as error:
        print(f"reflow: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("reflow: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
