"""The ``reflow`` command line: ``convert`` and ``rules {check,list,show}``.

Errors are one line on stderr and exit status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Sequence
from pathlib import Path

from reflow import __version__
from reflow.explain import format_log
from reflow.pipeline import convert_bytes
from reflow.render import FORMATS, UNITS, render
from reflow.ruleset import (
    Problem,
    RuleFileError,
    RuleSet,
    builtin_rulesets,
    check_files,
    describe,
    load_ruleset,
)
from reflow.scripts import convert_script, script_configs

DEFAULT_RULESET = "zh-newspaper"


def _did_you_mean(value: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(value, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class UsageError(Exception):
    """A problem the user can fix: bad path, unreadable file, bad rule file."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reflow",
        description="Rebuild clean, structured articles from raw newspaper text dumps.",
    )
    parser.add_argument("--version", action="version", version=f"reflow {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    conv = commands.add_parser("convert", help="convert a raw dump to TEI, HTML, JSON or text")
    conv.add_argument("input", metavar="INPUT", help="a raw text dump, or - for standard input")
    conv.add_argument(
        "-r",
        "--rules",
        default=DEFAULT_RULESET,
        metavar="RULESET|FILE",
        help=f"built-in rule set name or a rule file (default: {DEFAULT_RULESET})",
    )
    conv.add_argument("--to", choices=FORMATS, default="tei", help="output format (default: tei)")
    conv.add_argument(
        "--unit",
        choices=UNITS,
        default="article",
        help="--to jsonl: one record per article, paragraph or sentence (default: article)",
    )
    conv.add_argument("-o", "--output", metavar="OUT", help="write here instead of standard output")
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
    fit.add_argument("--seed", type=int, default=0, help="order of the pages in each pass (default 0)")

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


def read_input(name: str) -> bytes:
    """The bytes of file ``name`` (``-``: standard input), or a one-line :class:`UsageError`."""
    if name == "-":
        return sys.stdin.buffer.read()
    path = Path(name)
    if path.is_dir():
        raise UsageError(f"{name}: is a directory; give a text file")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{name}: no such file") from None
    except OSError as error:
        raise UsageError(f"{name}: cannot read ({error.strerror})") from None


def write_output(text: str, name: str | None) -> None:
    """Write ``text`` as UTF-8 to ``name`` (None or ``-``: standard output)."""
    if name is None or name == "-":
        sys.stdout.buffer.write(text.encode("utf-8", "surrogatepass"))
        sys.stdout.flush()
        return
    try:
        Path(name).write_text(text, encoding="utf-8", errors="surrogatepass")
    except OSError as error:
        raise UsageError(f"{name}: cannot write ({error.strerror})") from None


def load_rules(name: str) -> RuleSet:
    """The rule set called ``name`` (built-in or file), or a one-line :class:`UsageError`."""
    try:
        return load_ruleset(name)
    except RuleFileError as error:
        count = len(error.problems)
        first = _one_line(error.problems[0]) if error.problems else f"{name}: unknown problem"
        more = f" (and {count - 1} more; run 'reflow rules check {name}')" if count > 1 else ""
        raise UsageError(f"{first}{more}") from None


def _one_line(problem: Problem) -> str:
    """``problem`` as one line, naming its file once: the excerpt, caret and hints below are dropped.

    ``reflow rules check`` prints problems in full; an error message is one line.
    """
    if not problem.rule and not problem.key and problem.file in problem.message:
        text = problem.message  # "no such file: x.toml; ..." already names the file
    else:
        text = str(problem)
    return text.strip().splitlines()[0].rstrip()


def _convert(args: argparse.Namespace) -> int:
    ruleset = load_rules(args.rules)
    if args.convert is not None and args.convert not in script_configs():
        hint = _did_you_mean(args.convert, script_configs())
        raise UsageError(
            f"unknown --convert {args.convert!r}{hint}; "
            f"use an OpenCC configuration: {', '.join(script_configs())}"
        )
    if args.unit != "article" and args.to != "jsonl":
        raise UsageError(f"--unit {args.unit} is for --to jsonl")
    data = read_input(args.input)
    try:
        document = convert_bytes(
            data, ruleset, source_name="<stdin>" if args.input == "-" else args.input, encoding=args.encoding
        )
    except LookupError:
        raise UsageError(f"unknown encoding {args.encoding!r}; use a Python codec name or auto") from None
    if args.convert is not None:
        document = convert_script(document, args.convert)
    write_output(render(document, args.to, unit=args.unit, ruleset=ruleset), args.output)
    if args.explain:
        sys.stderr.write(format_log(document))
    return 0


def _fit(args: argparse.Namespace) -> int:
    from reflow.roles import training

    ruleset = load_rules(args.ruleset)
    try:
        cases = training.find_cases([Path(c) for c in args.cases])
        fitted = training.fit_cases(cases, ruleset, epochs=args.epochs, seed=args.seed, progress=True)
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
    if problems:
        print(f"{len(problems)} problem(s) in {len(args.files)} file(s)", file=sys.stderr)
        return 2
    print(f"{len(args.files)} file(s) OK")
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
