"""Mutation testing for reflow: small AST mutants of a module, each run against a pytest selection.

A mutant is one small change to one module: a comparison flipped or relaxed (``>`` <-> ``>=``,
``<`` <-> ``<=``, ``==`` <-> ``!=``, ``in`` <-> ``not in``, ``is`` <-> ``is not``), a number moved
(``n+1``, ``n-1``, ``n*2``), ``and`` <-> ``or``, a ``not`` removed, ``+`` <-> ``-``, ``True`` <-> ``False``,
a slice bound moved by one, a returned value replaced by ``None``, a string constant emptied. Docstrings,
annotations and ``__all__`` are left alone.

Each worker (``--jobs``) makes a temporary copy of the repository (package, tests, rules, fixtures) and,
for each of its mutants, writes the mutated module there and runs ``python -m pytest -x -q`` on the chosen
selection with that copy first on ``PYTHONPATH``; the working tree is never touched. A mutant is

* **killed** when the selection fails (or cannot even be collected: the mutant broke an import);
* **survived** when it passes;
* **timeout** when it runs longer than ``--timeout`` (by default three times the unmutated run plus 30 s):
  a mutant that makes the code loop is detected, but it is listed apart.

``mutation score = killed / (killed + survived)``; timeouts are left out of the score and listed.

Some mutants do not change behaviour at all (``x * 2`` where ``x`` is 0, a bound that is never reached,
an emptied string that was never looked at). No test can kill them, so no suite reaches 100%. With
``--probe``, every survivor is also run on the probe corpus (every fixture, re-encoded byte inputs, the
shared samples when present, and reflow's scoring of perturbed gold files): the conversions in every
output format, the explain log, the review report and the scores are hashed and compared with the
unmutated code's. A survivor with the same hashes is reported as ``no output change`` (likely equivalent)
and the *output-changing score* ``killed / (killed + output-changing survivors)`` is given too. The probe
sees only what its inputs exercise, so ``no output change`` is a hint, not a proof.

Usage::

    python tools/mutate.py --module reflow/breaks.py --module reflow/join.py --max-mutants 40 --seed 1 \\
        --jobs 2 --probe
    python tools/mutate.py --module 'reflow/render/*.py' --tests "tests/test_render.py tests/test_fixtures.py"
    python tools/mutate.py --module reflow/evaluate.py --list        # the mutants, without running them

The report lists every survivor as ``file:line  mutation`` so that someone can write the missing test.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import copy
import glob
import json
import os
import random
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_COMPARE_SWAPS: dict[type[ast.cmpop], tuple[type[ast.cmpop], ...]] = {
    ast.Gt: (ast.GtE, ast.Lt),
    ast.GtE: (ast.Gt, ast.Lt),
    ast.Lt: (ast.LtE, ast.Gt),
    ast.LtE: (ast.Lt, ast.Gt),
    ast.Eq: (ast.NotEq,),
    ast.NotEq: (ast.Eq,),
    ast.In: (ast.NotIn,),
    ast.NotIn: (ast.In,),
    ast.Is: (ast.IsNot,),
    ast.IsNot: (ast.Is,),
}
_SYMBOLS = {
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.Add: "+",
    ast.Sub: "-",
    ast.And: "and",
    ast.Or: "or",
}


@dataclass(frozen=True)
class Mutant:
    """One change to one module: the ``index``-th node of the module's walk, changed by ``kind``."""

    module: str  # path relative to the repository
    index: int
    kind: str
    line: int
    description: str


@dataclass
class Result:
    mutant: Mutant
    status: str  # killed | survived | timeout
    seconds: float
    detail: str = ""  # the first failing test, or why it counts as killed
    output_change: bool | None = None  # with --probe, for survivors


# --- finding mutation sites -------------------------------------------------------------------------------


def _skipped_nodes(tree: ast.Module) -> set[int]:
    """ids of nodes never mutated: docstrings, annotations, ``__all__``."""
    skipped: set[int] = set()

    def skip(node: ast.AST | None) -> None:
        if node is not None:
            skipped.update(id(child) for child in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                skip(body[0])
            for statement in body:  # attribute docstrings: a string statement after an assignment
                if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
                    skip(statement)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            skip(node.returns)
            for arg in [*node.args.args, *node.args.kwonlyargs, *node.args.posonlyargs]:
                skip(arg.annotation)
            for arg in (node.args.vararg, node.args.kwarg):
                if arg is not None:
                    skip(arg.annotation)
        if isinstance(node, ast.AnnAssign):
            skip(node.annotation)
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
        ):
            skip(node)
        if isinstance(node, ast.JoinedStr):  # the literal parts of an f-string cannot be emptied alone
            skipped.update(id(value) for value in node.values if isinstance(value, ast.Constant))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "TypeVar":
            skip(node)
    return skipped


def _number_mutations(value: int | float) -> Iterator[tuple[str, int | float]]:
    seen = {value}
    for name, new in (("+1", value + 1), ("-1", value - 1), ("*2", value * 2)):
        if new not in seen:
            seen.add(new)
            yield name, new


def mutations_of(tree: ast.Module) -> Iterator[tuple[int, str, str, int]]:
    """(node index, kind, description, line) for every mutation of the module."""
    skipped = _skipped_nodes(tree)
    for index, node in enumerate(ast.walk(tree)):
        if id(node) in skipped:
            continue
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Compare):
            for position, op in enumerate(node.ops):
                for new in _COMPARE_SWAPS.get(type(op), ()):
                    old_symbol, new_symbol = _SYMBOLS[type(op)], _SYMBOLS[new]
                    yield index, f"compare:{position}:{new.__name__}", f"{old_symbol} -> {new_symbol}", line
        elif isinstance(node, ast.BoolOp):
            new_op = "or" if isinstance(node.op, ast.And) else "and"
            yield index, "boolop", f"{_SYMBOLS[type(node.op)]} -> {new_op}", line
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield index, "not", "not removed", line
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
            # string concatenation (``"a" + b``) has no subtraction: only numbers are flipped
            if not any(
                isinstance(side, ast.Constant) and isinstance(side.value, str)
                for side in (node.left, node.right)
            ):
                new_symbol = "-" if isinstance(node.op, ast.Add) else "+"
                yield index, "binop", f"{_SYMBOLS[type(node.op)]} -> {new_symbol}", line
        elif isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool):
                yield index, "bool", f"{value} -> {not value}", line
            elif isinstance(value, int | float):
                for name, new in _number_mutations(value):
                    yield index, f"number:{name}", f"{value!r} -> {new!r}", line
            elif isinstance(value, str) and value:
                shown = value if len(value) <= 30 else value[:27] + "..."
                yield index, "string", f"{shown!r} -> ''", line
        elif isinstance(node, ast.Slice):
            for bound in ("lower", "upper"):
                if getattr(node, bound) is not None:
                    for delta in ("+1", "-1"):
                        yield index, f"slice:{bound}:{delta}", f"slice {bound} bound {delta}", line
        elif isinstance(node, ast.Return) and node.value is not None and not _is_none(node.value):
            yield index, "return", "return value -> None", line


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def apply_mutation(tree: ast.Module, index: int, kind: str) -> ast.Module:
    """A copy of ``tree`` with the ``index``-th node of its walk changed by ``kind``."""
    mutated = copy.deepcopy(tree)
    node = next(node for position, node in enumerate(ast.walk(mutated)) if position == index)
    head, _, rest = kind.partition(":")
    if head == "compare":
        assert isinstance(node, ast.Compare)
        position, new = rest.split(":")
        node.ops[int(position)] = getattr(ast, new)()
    elif head == "boolop":
        assert isinstance(node, ast.BoolOp)
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif head == "not":
        assert isinstance(node, ast.UnaryOp)
        return _replace(mutated, node, node.operand)
    elif head == "binop":
        assert isinstance(node, ast.BinOp)
        node.op = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
    elif head == "bool":
        assert isinstance(node, ast.Constant)
        node.value = not node.value
    elif head == "number":
        assert isinstance(node, ast.Constant)
        node.value = dict(_number_mutations(node.value))[rest]
    elif head == "string":
        assert isinstance(node, ast.Constant)
        node.value = ""
    elif head == "slice":
        assert isinstance(node, ast.Slice)
        bound, delta = rest.split(":")
        old = getattr(node, bound)
        op: ast.operator = ast.Add() if delta == "+1" else ast.Sub()
        setattr(node, bound, ast.BinOp(left=old, op=op, right=ast.Constant(1)))
    elif head == "return":
        assert isinstance(node, ast.Return)
        node.value = ast.Constant(None)
    else:  # pragma: no cover - kinds come from mutations_of
        raise ValueError(kind)
    return ast.fix_missing_locations(mutated)


def _replace(tree: ast.Module, old: ast.AST, new: ast.AST) -> ast.Module:
    for parent in ast.walk(tree):
        for name, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, name, new)
                return tree
            if isinstance(value, list):
                for position, item in enumerate(value):
                    if item is old:
                        value[position] = new
                        return tree
    raise ValueError("node not found")


def mutants_of(module: str) -> list[Mutant]:
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    return [Mutant(module, index, kind, line, text) for index, kind, text, line in mutations_of(tree)]


def mutated_source(mutant: Mutant) -> str:
    tree = ast.parse((ROOT / mutant.module).read_text(encoding="utf-8"))
    return ast.unparse(apply_mutation(tree, mutant.index, mutant.kind)) + "\n"


def unmutated_source(module: str) -> str:
    """The module as the mutants are written (``ast.unparse``): the baseline runs this, not the file."""
    return ast.unparse(ast.parse((ROOT / module).read_text(encoding="utf-8"))) + "\n"


# --- running ----------------------------------------------------------------------------------------------

_IGNORED = shutil.ignore_patterns(
    ".git", ".venv", ".venv-*", "__pycache__", "*.pyc", ".mypy_cache", ".ruff_cache", ".pytest_cache",
    ".hypothesis", "build", "*.egg-info", "mutation-*.json",
)  # fmt: skip


_RUNNING: set[subprocess.Popen[bytes]] = set()


def _stop(signum: int, frame: object) -> None:
    """On SIGTERM or Ctrl-C: stop the running test processes (their own process groups), then exit, which
    removes the temporary copies."""
    for process in list(_RUNNING):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    raise SystemExit(f"stopped by signal {signum}")


@dataclass
class Workspace:
    """A temporary copy of the repository that one worker mutates, one mutant at a time."""

    root: Path
    repo: Path = field(init=False)

    def __post_init__(self) -> None:
        self.repo = self.root / "repo"
        shutil.copytree(ROOT, self.repo, ignore=_IGNORED)
        # the package's rule files where an installed package has them (reflow.builtin_rules): the same files
        (self.repo / "reflow" / "builtin_rules").symlink_to(Path("..") / "rules")
        shared = ROOT.parent / "shared"
        if shared.exists():  # tests look for the shared samples beside the repository
            (self.root / "shared").symlink_to(shared.resolve())

    def checkout_tests(self, revision: str) -> None:
        """Replace the copy's tests/ with those of a git revision."""
        shutil.rmtree(self.repo / "tests")
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", revision, "tests"], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(self.repo)], input=archive, check=True)

    def write(self, module: str, text: str) -> None:
        (self.repo / module).write_text(text, encoding="utf-8")

    def restore(self, module: str) -> None:
        shutil.copyfile(ROOT / module, self.repo / module)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(self.repo), env.get("PYTHONPATH", "")]))
        env["PYTHONDONTWRITEBYTECODE"] = "1"  # a mutant must never be run from a stale .pyc
        env["HYPOTHESIS_PROFILE"] = "default"  # derandomized: the same examples for every mutant
        env.pop("NO_COLOR", None)
        return env

    def run(self, command: Sequence[str], timeout: float) -> tuple[int | None, str, float]:
        """Exit status (None on timeout), combined output, seconds."""
        started = time.monotonic()
        process = subprocess.Popen(
            command,
            cwd=self.repo,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _RUNNING.add(process)
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return None, "", time.monotonic() - started
        finally:
            _RUNNING.discard(process)
        return process.returncode, output.decode("utf-8", "replace"), time.monotonic() - started


def pytest_command(tests: Sequence[str]) -> list[str]:
    return [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "--no-header", *tests]


def first_failure(output: str) -> str:
    for line in output.splitlines():
        if line.startswith(("FAILED ", "ERROR ")):
            return line.split(" - ")[0][:160]
    return ""


def probe_command() -> list[str]:
    return [sys.executable, str(ROOT / "tools" / "mutate.py"), "--run-probe"]


def run_mutant(
    workspace: Workspace, mutant: Mutant, tests: Sequence[str], timeout: float, probe: str | None
) -> Result:
    try:
        text = mutated_source(mutant)
        compile(text, mutant.module, "exec")
    except (SyntaxError, ValueError) as error:
        return Result(mutant, "killed", 0.0, f"does not compile: {error}")
    workspace.write(mutant.module, text)
    try:
        status, output, seconds = workspace.run(pytest_command(tests), timeout)
        if status is None:
            return Result(mutant, "timeout", seconds, f"longer than {timeout:.0f} s")
        if status == 0:
            result = Result(mutant, "survived", seconds)
            if probe is not None:
                code, probed, _ = workspace.run(probe_command(), timeout)
                result.output_change = code != 0 or probed != probe
            return result
        if status == 5:
            raise SystemExit(f"the test selection {' '.join(tests)!r} collects no test")
        detail = first_failure(output) or ("collection or import error" if status != 1 else "failed")
        return Result(mutant, "killed", seconds, detail)
    finally:
        workspace.restore(mutant.module)


# --- the probe corpus -------------------------------------------------------------------------------------


def run_probe() -> int:
    """Print one hash per output of the probe corpus (run inside a workspace, mutated or not)."""
    import hashlib

    from reflow import convert, load_ruleset
    from reflow.evaluate import format_table, projection, score
    from reflow.explain import format_log
    from reflow.pipeline import convert_bytes
    from reflow.render import FORMATS, render
    from reflow.report import build_review, render_review_json, render_review_text

    here = Path.cwd()
    rulesets: dict[str, object] = {}

    def rules(name: str) -> object:
        if name not in rulesets:
            rulesets[name] = load_ruleset(name)
        return rulesets[name]

    def emit(name: str, text: str) -> None:
        print(name, hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16])

    import tomllib

    inputs: list[tuple[str, str, str]] = []
    for case in sorted((here / "fixtures").iterdir()):
        settings = (
            tomllib.loads((case / "case.toml").read_text(encoding="utf-8"))
            if (case / "case.toml").is_file()
            else {}
        )
        ruleset = settings.get("ruleset", "zh-newspaper")
        if (case / "input.txt").is_file():
            inputs.append((case.name, (case / "input.txt").read_text(encoding="utf-8"), ruleset))
        elif "input" in settings:
            data = (case / settings["input"]).read_bytes()
            document = convert_bytes(data, rules(ruleset), source_name=settings["input"])  # type: ignore[arg-type]
            emit(f"{case.name}.bytes.json", render(document, "json"))
    for path in sorted((here.parent / "shared" / "samples" / "en-ocr").glob("*.txt"))[:4]:
        inputs.append((path.stem, path.read_text(encoding="utf-8"), "latin"))
    raw_inputs = [
        b"\xef\xbb\xbf\xe4\xb8\xad\xe6\x96\x87\n",
        "中文".encode("gb18030") + b"\xff\n",
        "臺灣".encode("big5"),
        "CafÃ© crÃ¨me\n".encode(),
    ]
    for raw in raw_inputs:
        document = convert_bytes(raw, rules("zh-newspaper"))  # type: ignore[arg-type]
        emit(
            f"bytes-{raw[:6].hex()}",
            render(document, "json") + repr([(e.rule, e.note) for e in document.edits]),
        )
    for name, text, ruleset in inputs:
        document = convert(text, rules(ruleset), source_name="input.txt")  # type: ignore[arg-type]
        for fmt in FORMATS:
            emit(f"{name}.{fmt}", render(document, fmt))
        emit(f"{name}.explain", format_log(document))
        review = build_review(document)
        emit(f"{name}.review.txt", render_review_text(review))
        emit(f"{name}.review.json", render_review_json(review))
        predicted = json.loads(render(document, "json"))
        gold_path = here / "fixtures" / name / "expected.json"
        if gold_path.is_file():
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            rows = []
            for label, variant in _perturbed(projection(predicted)):
                scores = score(gold, variant)
                rows.append((label, scores))
                emit(
                    f"{name}.score.{label}", json.dumps([scores.as_json(), scores.perfect, scores.failing()])
                )
            total = rows[0][1]
            for _, more in rows[1:]:
                total = total + more
            emit(f"{name}.table", format_table(rows, total))
    return 0


def _perturbed(data: dict[str, object]) -> Iterator[tuple[str, dict[str, object]]]:
    """The prediction and versions of it with one kind of error each, for the scoring code's probe."""
    yield "as-is", data
    articles = data["articles"]
    assert isinstance(articles, list)
    edits: list[tuple[str, Callable[[list[dict[str, object]]], None]]] = []

    def blocks(articles: list[dict[str, object]]) -> list[dict[str, object]]:
        return [block for article in articles for block in article["blocks"]]  # type: ignore[attr-defined]

    def drop_last(a: list[dict[str, object]]) -> None:
        a[-1]["blocks"].pop()  # type: ignore[attr-defined]

    def merge_first(a: list[dict[str, object]]) -> None:
        first = a[0]["blocks"]
        if len(first) > 1:  # type: ignore[arg-type]
            head, second = first[0], first.pop(1)  # type: ignore[index, attr-defined]
            head["text"] += second["text"]
            head["lines"] = [head["lines"][0], second["lines"][1]]

    def heading_to_paragraph(a: list[dict[str, object]]) -> None:
        for block in blocks(a):
            if block["type"] == "heading":
                block["type"] = "paragraph"
                block.pop("level", None)
                return

    def paragraph_to_heading(a: list[dict[str, object]]) -> None:
        for block in blocks(a):
            if block["type"] == "paragraph":
                block.update(type="heading", level=2)
                return

    def headline(a: list[dict[str, object]]) -> None:
        a[0]["headline"] = "wrong"

    def jump(a: list[dict[str, object]]) -> None:
        a[-1]["continued_from"] = "9"

    def extra_article(a: list[dict[str, object]]) -> None:
        a.append(
            {"headline": "extra", "blocks": [{"type": "paragraph", "text": "多余。", "lines": [9999, 9999]}]}
        )

    def split_articles(a: list[dict[str, object]]) -> None:
        first = a[0]["blocks"]
        if len(first) > 2:  # type: ignore[arg-type]
            a.insert(1, {"headline": None, "blocks": first[2:]})  # type: ignore[index]
            del first[2:]  # type: ignore[attr-defined]

    def lose_text(a: list[dict[str, object]]) -> None:
        block = blocks(a)[0]
        block["text"] = str(block["text"])[1:]

    edits = [
        ("drop-last", drop_last),
        ("merge-first", merge_first),
        ("heading-to-paragraph", heading_to_paragraph),
        ("paragraph-to-heading", paragraph_to_heading),
        ("headline", headline),
        ("jump", jump),
        ("extra-article", extra_article),
        ("split-articles", split_articles),
        ("lose-text", lose_text),
    ]
    for label, edit in edits:
        variant = json.loads(json.dumps(data))
        if variant["articles"] and variant["articles"][0]["blocks"]:
            edit(variant["articles"])
        yield label, variant


# --- the command ------------------------------------------------------------------------------------------


def expand_modules(patterns: Sequence[str]) -> dict[str, list[str]]:
    """Each ``--module`` argument (a path or a glob) and the files it names."""
    groups: dict[str, list[str]] = {}
    for pattern in patterns:
        found = sorted(glob.glob(pattern, root_dir=ROOT)) or [pattern]
        for name in found:
            if not (ROOT / name).is_file():
                raise SystemExit(f"--module {pattern}: no such file under {ROOT}")
        groups[pattern] = found
    return groups


def sample(
    groups: dict[str, list[str]], max_mutants: int | None, seed: int
) -> tuple[list[Mutant], dict[str, int], dict[str, str]]:
    """The mutants to run (at most ``max_mutants`` per ``--module`` argument, a seeded sample), how many
    sites each group has, and the group of each module."""
    chosen: list[Mutant] = []
    totals: dict[str, int] = {}
    group_of: dict[str, str] = {}
    for group, modules in groups.items():
        every = [mutant for module in modules for mutant in mutants_of(module)]
        group_of.update(dict.fromkeys(modules, group))
        totals[group] = len(every)
        if max_mutants is not None and len(every) > max_mutants:
            picked = random.Random(f"{seed}:{group}").sample(every, max_mutants)
            every = sorted(picked, key=lambda m: (m.module, m.index))
        chosen.extend(every)
    return chosen, totals, group_of


def report(results: Sequence[Result], totals: dict[str, int], group_of: dict[str, str], probe: bool) -> str:
    lines = []
    header = (
        f"{'module':<28} {'sites':>5} {'run':>4} {'killed':>6} {'survived':>8} {'timeout':>7} {'score':>6}"
    )
    if probe:
        header += f" {'no-change':>9} {'out-score':>9}"
    lines.append(header)
    groups: dict[str, list[Result]] = {}
    for result in results:
        groups.setdefault(group_of[result.mutant.module], []).append(result)
    everything = list(results)
    for module, group in [*groups.items(), ("TOTAL", everything)]:
        killed = sum(r.status == "killed" for r in group)
        survived = sum(r.status == "survived" for r in group)
        timeout = sum(r.status == "timeout" for r in group)
        score = killed / (killed + survived) if killed + survived else 1.0
        sites = sum(totals.values()) if module == "TOTAL" else totals.get(module, 0)
        row = f"{module:<28} {sites:>5} {len(group):>4} {killed:>6} {survived:>8} {timeout:>7} {score:>6.0%}"
        if probe:
            unchanged = sum(r.status == "survived" and r.output_change is False for r in group)
            changing = survived - unchanged
            out_score = killed / (killed + changing) if killed + changing else 1.0
            row += f" {unchanged:>9} {out_score:>9.0%}"
        lines.append(row)
    survivors = [r for r in results if r.status != "killed"]
    if survivors:
        lines.append("")
        lines.append("Survivors (write the test that tells them apart):")
        for r in sorted(survivors, key=lambda r: (r.mutant.module, r.mutant.line)):
            note = ""
            if r.status == "timeout":
                note = "  [timeout]"
            elif r.output_change is False:
                note = "  [no output change on the probe corpus]"
            lines.append(f"  {r.mutant.module}:{r.mutant.line}  {r.mutant.description}{note}")
    lines.append("")
    lines.append("score = killed / (killed + survived), timeouts left out")
    if probe:
        lines.append("out-score = killed / (killed + survivors that change the probe corpus's output)")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--module", action="append", default=[], help="module to mutate (repeatable, globs)")
    parser.add_argument("--max-mutants", type=int, default=None, help="sample at most N mutants per module")
    parser.add_argument("--seed", type=int, default=1, help="seed of the sample (default 1)")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run in parallel (default 1)")
    parser.add_argument(
        "--tests", default="tests", help='pytest selection, e.g. "tests/test_fixtures.py -k zh"'
    )
    parser.add_argument(
        "--timeout", type=float, default=None, help="seconds per mutant (default: 3x baseline + 30)"
    )
    parser.add_argument(
        "--probe", action="store_true", help="classify survivors by output change on the probe corpus"
    )
    parser.add_argument("--list", action="store_true", help="list the sampled mutants and stop")
    parser.add_argument("--json", help="also write every result to this JSON file")
    parser.add_argument(
        "--tests-from",
        metavar="REV",
        help="run the tests/ of this git revision (e.g. a score before new tests)",
    )
    parser.add_argument(
        "--rerun", metavar="JSON", help="run again only the survivors and timeouts of an earlier --json file"
    )
    parser.add_argument("--run-probe", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run_probe:
        return run_probe()
    if not args.module:
        parser.error("give at least one --module (e.g. --module reflow/breaks.py)")
    groups = expand_modules(args.module)
    modules = [module for group in groups.values() for module in group]
    mutants, totals, group_of = sample(groups, args.max_mutants, args.seed)
    if args.rerun:
        earlier = json.loads(Path(args.rerun).read_text(encoding="utf-8"))
        wanted = {(r["module"], r["index"], r["kind"]) for r in earlier if r["status"] != "killed"}
        mutants = [m for m in mutants if (m.module, m.index, m.kind) in wanted]
    if args.list:
        for m in mutants:
            print(f"{m.module}:{m.line}  {m.description}")
        print(f"{len(mutants)} mutants of {sum(totals.values())} sites")
        return 0
    tests = shlex.split(args.tests)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    jobs = max(1, args.jobs)
    with tempfile.TemporaryDirectory(prefix="reflow-mutate-") as scratch:
        workspaces = [Workspace(Path(scratch) / f"w{n}") for n in range(jobs)]
        if args.tests_from:
            for workspace in workspaces:
                workspace.checkout_tests(args.tests_from)
        for module in modules:  # the baseline runs exactly what the mutants are made from
            for workspace in workspaces:
                workspace.write(module, unmutated_source(module))
        started = time.monotonic()
        status, output, seconds = workspaces[0].run(pytest_command(tests), 3600)
        if status != 0:
            sys.stdout.write(output[-3000:])
            raise SystemExit("the test selection fails without any mutant: fix that first")
        timeout = args.timeout or 3 * seconds + 30
        probe = None
        if args.probe:
            code, probe, _ = workspaces[0].run(probe_command(), 3600)
            if code != 0:
                sys.stdout.write(probe[-3000:])
                raise SystemExit("the probe fails on the unmutated code")
        for module in modules:
            for workspace in workspaces:
                workspace.restore(module)
        print(
            f"baseline: {seconds:.1f} s; {len(mutants)} mutants, timeout {timeout:.0f} s each, {jobs} job(s)"
        )
        free = list(workspaces)
        done: list[Result] = []

        def one(mutant: Mutant) -> Result:
            workspace = free.pop()
            try:
                return run_mutant(workspace, mutant, tests, timeout, probe)
            finally:
                free.append(workspace)

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            for number, result in enumerate(pool.map(one, mutants), 1):
                done.append(result)
                m = result.mutant
                extra = f"  {result.detail}" if result.detail and result.status != "killed" else ""
                change = (
                    ""
                    if result.output_change is None
                    else ("  changes output" if result.output_change else "  no output change")
                )
                where = f"{m.module}:{m.line}  {m.description}{change}{extra}"
                print(f"[{number}/{len(mutants)}] {result.status:<8} {result.seconds:5.1f}s  {where}")
                sys.stdout.flush()
    print()
    print(report(done, totals, group_of, args.probe), end="")
    print(f"wall time {time.monotonic() - started:.0f} s")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                [{**asdict(r.mutant), **{k: v for k, v in asdict(r).items() if k != "mutant"}} for r in done],
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
