"""Batch conversion: many dumps to a mirrored tree of outputs, a manifest, resumable, on any engine.

Three parts, each usable alone:

- :func:`convert_task` is the conversion of one input (a file, or the pages of one issue): a pure,
  picklable module-level function from a :class:`Task` to an :class:`Outcome` (the output bytes and a
  manifest record). It never raises for a bad input: a refused, unreadable or failing input gives an
  outcome with ``status: error``. Every engine maps this one function.
- :func:`plan` turns the command line's inputs into tasks: which files, which output each one gets
  (the input tree mirrored under OUTDIR), which outputs are already complete and up to date.
- :func:`run` maps the tasks on an engine (:mod:`reflow.engines`), writes each output atomically as it
  arrives, journals its record, and finally writes ``manifest.jsonl`` sorted by input.

Outputs are byte-identical whatever the engine or the number of jobs; only the ``seconds`` of a record
vary. See docs/batch.md.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import os
import shutil
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO, Final, Protocol

import regex
from tqdm import tqdm

from reflow import __version__
from reflow.decode import DECODE_RULE, decode
from reflow.explain import format_log
from reflow.io import EXTENSIONS, UsageError, atomic_write, load_rules, same_file
from reflow.model import BlockKind, Document, Edit
from reflow.pipeline import convert, convert_bytes, newline_normalised
from reflow.render import render
from reflow.ruleset import PATTERN_TIMEOUT, RuleFileError, RuleSet, fingerprint, load_ruleset, pattern_guard
from reflow.scripts import convert_script
from reflow.sniff import refusal, script_warning
from reflow.source import normalise_newlines

__all__ = [
    "JOURNAL",
    "MANIFEST",
    "Options",
    "Outcome",
    "Plan",
    "Summary",
    "Task",
    "convert_task",
    "failed",
    "plan",
    "run",
]

MANIFEST: Final = "manifest.jsonl"
#: Records of a run in progress, one line each as outputs are written; merged into the manifest at the
#: end and removed. A killed run leaves it behind, and the next run resumes from it.
JOURNAL: Final = ".reflow-journal.jsonl"


@dataclass(frozen=True, slots=True)
class Options:
    """Everything besides the input that decides an output's bytes (recorded; a change re-converts)."""

    rules: str
    fmt: str
    encoding: str = "auto"
    force: bool = False
    script: str | None = None
    regex_timeout: float = PATTERN_TIMEOUT
    explain: bool = False
    unit: str = "article"  # --to jsonl: one record per article, paragraph or sentence

    def key(self) -> dict[str, Any]:
        """The options a manifest record keeps to tell whether an output is still up to date."""
        return {"encoding": self.encoding, "force": self.force, "convert": self.script, "unit": self.unit}


@dataclass(frozen=True, slots=True)
class Task:
    """One output to make: from one file, or from the pages of one issue joined with form feeds.

    ``name`` is the input as shown (the output's source name and the manifest's ``input``); ``paths``
    are the files read, absolute, in page order; ``output`` is the output's path relative to OUTDIR.
    ``data`` gives the bytes themselves (standard input) instead of reading ``paths``.
    """

    name: str
    paths: tuple[str, ...]
    output: str
    options: Options
    data: bytes | None = None
    pages: tuple[str, ...] = ()  # the page files' names as shown, when several are joined

    @property
    def size(self) -> int:
        if self.data is not None:
            return len(self.data)
        return sum(_size(path) for path in self.paths)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What converting one task gave: its output bytes (None on error), manifest record and explain log."""

    output: bytes | None
    record: dict[str, Any]
    log: str = ""

    @property
    def ok(self) -> bool:
        return self.output is not None


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


# --- Converting one input ----------------------------------------------------------------------------------


class _Refused(Exception):
    """An input that is not converted: unreadable, or not a text dump."""


def convert_task(task: Task) -> Outcome:
    """Convert one task; never raises for a bad input (the outcome then says ``status: error``).

    Pure: the same task gives the same output bytes on any machine with the same rule files, whatever
    process or thread runs it. Module-level and with a picklable argument, so any engine can map it.
    """
    started = time.perf_counter()
    options = task.options
    record = _blank_record(task)
    output: bytes | None = None
    log = ""
    try:
        ruleset, record["ruleset_hash"] = _ruleset(options.rules)
        record["ruleset"] = ruleset.name
        _check_encoding(options.encoding)
        pages = _read(task)
        record["bytes"] = sum(len(data) for _name, data in pages)
        for page_name, data in pages:
            why = None if options.force else refusal(data, options.encoding)
            if why is not None:
                raise _Refused(f"{page_name}: {why}" if len(pages) > 1 else why)
        with pattern_guard(options.regex_timeout) as guard:
            document = _convert(task.name, pages, ruleset, options.encoding)
            if options.script is not None:
                document = convert_script(document, options.script)
            text = render(document, options.fmt, unit=options.unit, ruleset=ruleset)
        output = text.encode("utf-8", "surrogatepass")
        warning = script_warning(document.source, ruleset)
        record["warnings"] = [*([warning] if warning else []), *guard.warnings]
        record["encoding"] = document.encoding
        record["counts"] = _counts(document)
        if options.explain:
            log = format_log(document)
    except _Refused as refused:
        record |= {"status": "error", "error": str(refused), "output": None}
    except RuleFileError as error:
        message = str(error.problems[0]) if error.problems else "broken rule file"
        record |= {"status": "error", "error": message.splitlines()[0], "output": None}
    except Exception as error:  # one bad input must never stop the others: it is reported instead
        message = f"internal error ({type(error).__name__}: {error}); please report it with this input"
        record |= {"status": "error", "error": message, "output": None}
        output = None
    record["seconds"] = round(time.perf_counter() - started, 3)
    return Outcome(output, record, log)


def _blank_record(task: Task) -> dict[str, Any]:
    """A task's manifest record before conversion; the keys in the order every record has them."""
    return {
        "input": task.name,
        "output": task.output or None,
        "status": "ok",
        "error": None,
        **({"pages": list(task.pages)} if task.pages else {}),
        "bytes": 0,
        "encoding": None,
        "counts": None,
        "warnings": [],
        "seconds": 0.0,
        "reflow": __version__,
        "ruleset": None,
        "ruleset_hash": None,
        "format": task.options.fmt,
        "options": task.options.key(),
    }


def failed(task: Task, message: str) -> Outcome:
    """The outcome of a task that could not be converted at all (its worker died ...)."""
    return Outcome(None, _blank_record(task) | {"status": "error", "error": message, "output": None})


def _check_encoding(encoding: str) -> None:
    """:class:`_Refused` unless ``encoding`` is ``auto`` or a text codec Python knows."""
    try:
        decode(b"a", encoding)  # b"" decodes with any codec, text encoding or not
    except LookupError:
        raise _Refused(f"unknown encoding {encoding!r}; use a Python codec name or auto") from None


#: Rule sets loaded in this process, by the name or path given: the rule set, its fingerprint, and the
#: (mtime, size) of each of its files then. A worker that lives on (a Dask worker) sees edited files.
_RULESETS: dict[str, tuple[RuleSet, str, tuple[tuple[int, int], ...]]] = {}


def _stamps(paths: Sequence[str]) -> tuple[tuple[int, int], ...]:
    stamps = []
    for path in paths:
        try:
            stat = os.stat(path)
        except OSError:
            stamps.append((-1, -1))
        else:
            stamps.append((stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)


def _ruleset(rules: str) -> tuple[RuleSet, str]:
    """The rule set and its fingerprint, loaded once per process (again when one of its files changed)."""
    cached = _RULESETS.get(rules)
    if cached is not None and _stamps(cached[0].paths) == cached[2]:
        return cached[0], cached[1]
    ruleset = load_ruleset(rules)
    stamps = _stamps(ruleset.paths)
    found = (ruleset, fingerprint(ruleset), stamps)
    if len(_RULESETS) >= 8:
        _RULESETS.clear()
    _RULESETS[rules] = found
    return found[0], found[1]


def _read(task: Task) -> list[tuple[str, bytes]]:
    """Each page's name and bytes; :class:`_Refused` when one cannot be read."""
    if task.data is not None:
        return [(task.name, task.data)]
    names = task.pages or (task.name,)
    pages = []
    for name, path in zip(names, task.paths, strict=True):
        try:
            pages.append((name, Path(path).read_bytes()))
        except FileNotFoundError:
            raise _Refused(f"{name}: no such file (removed during the run?)") from None
        except IsADirectoryError:
            raise _Refused(f"{name}: is a directory") from None
        except OSError as error:
            raise _Refused(f"{name}: cannot read ({error.strerror})") from None
    return pages


def _convert(name: str, pages: Sequence[tuple[str, bytes]], ruleset: RuleSet, encoding: str) -> Document:
    if len(pages) == 1:
        return convert_bytes(pages[0][1], ruleset, source_name=name, encoding=encoding)
    return _convert_pages(name, pages, ruleset, encoding)


def _convert_pages(
    name: str, pages: Sequence[tuple[str, bytes]], ruleset: RuleSet, encoding: str
) -> Document:
    """The pages of one issue as one document: each decoded on its own (pages may differ in encoding),
    then joined in order with a form feed between pages, so that jumps stitch across them. Each page's
    undecodable-byte edits are moved to where the page lies in the joined text."""
    texts: list[str] = []
    edits: list[Edit] = []
    encodings: list[str] = []
    at, lines = 0, 0
    for index, (page_name, data) in enumerate(pages):
        decoded = decode(data, encoding)
        text = normalise_newlines(decoded.text)
        for edit in newline_normalised(decoded.text, decoded.edits):
            edits.append(
                replace(
                    edit,
                    start=at + edit.start,
                    end=at + edit.end,
                    first_line=lines + edit.first_line,
                    last_line=lines + edit.last_line,
                    note=f"{page_name}: {edit.note}" if edit.rule == DECODE_RULE else edit.note,
                )
            )
        if index < len(pages) - 1 and not text.endswith("\f"):
            text += "\f" if text.endswith("\n") or not text else "\n\f"
        texts.append(text)
        encodings.append(decoded.encoding)
        at += len(text)
        lines += text.count("\n")
    document = convert("".join(texts), ruleset, source_name=name, input_edits=edits)
    distinct = sorted(set(encodings))
    label = distinct[0] if len(distinct) == 1 else "mixed: " + ", ".join(encodings)
    return replace(document, encoding=label)


def _counts(document: Document) -> dict[str, int]:
    blocks = [block for article in document.articles for block in article.blocks]
    return {
        "articles": len(document.articles),
        "paragraphs": sum(block.kind is BlockKind.PARAGRAPH for block in blocks),
        "headings": sum(block.kind is BlockKind.HEADING for block in blocks),
        "characters": len(document.source),
        "edits": len(document.edits),
        "undecodable": sum(edit.rule == DECODE_RULE for edit in document.edits),
    }


# --- Planning: which inputs, which outputs, what is already done -------------------------------------------


@dataclass(frozen=True, slots=True)
class Plan:
    """The tasks of a batch, sorted by input, and those whose outputs are complete and up to date."""

    outdir: Path
    tasks: tuple[Task, ...]
    done: tuple[dict[str, Any], ...] = ()  # records of the up-to-date outputs, kept as they were


_NUMBER = regex.compile(r"(\d+)")


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key putting ``p2.txt`` before ``p10.txt`` (runs of digits compared as numbers).

    >>> sorted(["p10.txt", "p2.txt", "p1.txt"], key=natural_key)
    ['p1.txt', 'p2.txt', 'p10.txt']
    """
    parts = _NUMBER.split(name)
    return tuple((1, int(part)) if index % 2 else (0, part) for index, part in enumerate(parts))


def plan(
    inputs: Sequence[str],
    outdir: str,
    options: Options,
    *,
    group_by_dir: bool = False,
    pattern: str = "*.txt",
    resume: bool = True,
) -> Plan:
    """The tasks for converting ``inputs`` (files and folders) into ``outdir``; :class:`UsageError` when
    the command cannot run as given (a missing input, an output that would overwrite an input ...).

    Folders are walked (hidden entries and OUTDIR itself skipped) for files whose name matches
    ``pattern``; files given by name are taken whatever their name. Outputs mirror the inputs' tree
    below the deepest folder holding them all, with the format's extension.
    """
    out = Path(os.path.abspath(outdir))
    found = _collect(inputs, out, pattern)
    if not found:
        raise UsageError(f"no input files: nothing matches {pattern!r} in {', '.join(inputs)} (see --glob)")
    root = os.path.commonpath([base for _shown, _path, base in found])
    extension = EXTENSIONS[options.fmt]
    tasks: list[Task] = []
    if group_by_dir:
        groups: dict[str, list[tuple[str, str]]] = {}
        for shown, path, _base in found:
            groups.setdefault(os.path.dirname(path), []).append((shown, path))
        for folder, members in groups.items():
            members.sort(key=lambda member: natural_key(os.path.basename(member[1])))
            relative = os.path.relpath(folder, root)
            if relative == ".":
                relative = os.path.basename(folder) or "pages"
            shown_folder = os.path.dirname(members[0][0]) or "."
            tasks.append(
                Task(
                    name=shown_folder,
                    paths=tuple(path for _shown, path in members),
                    output=f"{relative}{extension}",
                    options=options,
                    pages=tuple(shown for shown, _path in members) if len(members) > 1 else (),
                )
            )
    else:
        for shown, path, _base in found:
            relative = os.path.relpath(path, root)
            stem, _suffix = os.path.splitext(relative)
            tasks.append(Task(name=shown, paths=(path,), output=f"{stem}{extension}", options=options))
    tasks.sort(key=lambda task: task.name)
    _check_outputs(tasks, out)
    if not resume:
        return Plan(out, tuple(tasks))
    previous = read_records(out)
    ruleset = load_rules(options.rules)
    rules_hash = fingerprint(ruleset)
    rules_time = max((_mtime(path) for path in ruleset.paths), default=0.0)
    todo, done = [], []
    for task in tasks:
        record = previous.get((task.name, options.fmt))
        if record is not None and _up_to_date(task, record, out, rules_hash, rules_time):
            done.append(record)
        else:
            todo.append(task)
    return Plan(out, tuple(todo), tuple(done))


def _collect(inputs: Sequence[str], out: Path, pattern: str) -> list[tuple[str, str, str]]:
    """(name as shown, absolute path, folder its output path is relative to) of every input file."""
    found: dict[str, tuple[str, str, str]] = {}
    for given in inputs:
        if given == "-":
            raise UsageError("standard input (-) can only be converted alone, without -o OUTDIR")
        path = os.path.abspath(given)
        if os.path.isdir(path):
            for shown, file in _walk(given, path, out, pattern):
                found.setdefault(file, (shown, file, path))
        elif os.path.isfile(path):
            found.setdefault(path, (os.path.normpath(given), path, os.path.dirname(path)))
        elif os.path.exists(path):
            raise UsageError(f"{given}: not a regular file or folder")
        else:
            raise UsageError(f"{given}: no such file or folder")
    return list(found.values())


def _walk(given: str, top: str, out: Path, pattern: str) -> Iterator[tuple[str, str]]:
    for folder, subfolders, files in os.walk(top):
        subfolders[:] = sorted(
            name for name in subfolders if not name.startswith(".") and os.path.join(folder, name) != str(out)
        )
        for name in sorted(files):
            if name.startswith(".") or not fnmatch.fnmatch(name, pattern):
                continue
            path = os.path.join(folder, name)
            yield os.path.normpath(os.path.join(given, os.path.relpath(path, top))), path


def _check_outputs(tasks: Sequence[Task], out: Path) -> None:
    """Refuse outputs that collide with each other, overwrite an input, or sit on the manifest."""
    seen: dict[str, Task] = {}
    inputs = {path for task in tasks for path in task.paths}
    for task in tasks:
        target = str(out / task.output)
        other = seen.get(target)
        if other is not None:
            raise UsageError(
                f"{task.name} and {other.name} would both be written to {target}; rename one, or convert "
                "them into different output folders"
            )
        seen[target] = task
        if task.output in (MANIFEST, JOURNAL):
            raise UsageError(f"{task.name}: its output would be the batch's own {task.output}; rename it")
        if target in inputs or any(same_file(target, path) for path in task.paths):
            raise UsageError(
                f"{task.name}: its output {target} would overwrite an input; choose another -o folder "
                "or another --to format"
            )


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return float("inf")


def _up_to_date(task: Task, record: dict[str, Any], out: Path, rules_hash: str, rules_time: float) -> bool:
    """Whether ``task``'s output exists, complete, from the same rules and options, newer than its inputs."""
    if record.get("status") != "ok" or record.get("output") != task.output:
        return False
    if record.get("ruleset_hash") != rules_hash or record.get("reflow") != __version__:
        return False
    if record.get("format") != task.options.fmt or record.get("options") != task.options.key():
        return False
    if record.get("pages", []) != list(task.pages):
        return False
    made = _mtime(str(out / task.output))
    if made == float("inf"):
        return False
    return all(made >= _mtime(path) for path in task.paths) and made >= rules_time


def read_records(out: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """The records of earlier runs into ``out`` by (input, format): its manifest, then a killed run's
    journal (which wins)."""
    return {_key(record): record for _name, _offset, _line, record in _stored_records(out)}


def _stored_records(out: Path) -> Iterator[tuple[str, int, bytes, dict[str, Any]]]:
    """Every readable record of earlier runs into ``out`` as (file, offset, line, record): the manifest's,
    then a killed run's journal's. A line that is not a record (the torn last line of a killed run) is
    skipped; lines are split at newlines only."""
    for name in (MANIFEST, JOURNAL):
        try:
            with open(out / name, "rb") as stream:
                offset = 0
                for line in stream:
                    at, offset = offset, offset + len(line)
                    record = _parsed(line)
                    if record is not None:
                        yield name, at, line, record
        except OSError:
            continue


def _parsed(line: bytes) -> dict[str, Any] | None:
    try:
        record = json.loads(line.decode("utf-8", errors="replace"))
    except ValueError:
        return None
    return record if isinstance(record, dict) and isinstance(record.get("input"), str) else None


# --- Running -----------------------------------------------------------------------------------------------


class Engine(Protocol):
    """Maps :func:`convert_task` over tasks, yielding outcomes as they finish, in any order."""

    def map(self, tasks: Sequence[Task]) -> Iterator[Outcome]: ...


class Progress(Protocol):
    """What :func:`run` reports to as it goes (a progress bar, or nothing)."""

    def start(self, files: int, size: int, done: int) -> None: ...

    def advance(self, outcome: Outcome, size: int) -> None: ...

    def note(self, line: str) -> None: ...

    def failure(self, line: str) -> None: ...

    def close(self) -> None: ...


@dataclass(slots=True)
class Summary:
    """How a batch went: counts, failed inputs with their errors, where the manifest is."""

    converted: int = 0
    up_to_date: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: int = 0
    seconds: float = 0.0
    manifest: str = ""

    @property
    def total(self) -> int:
        return self.converted + self.up_to_date + len(self.failed)


def run(batch: Plan, engine: Engine, progress: Progress) -> Summary:
    """Convert the tasks of ``batch`` on ``engine``, writing outputs and the manifest into its OUTDIR.

    Memory does not grow with the number of inputs: each record goes to the journal as it comes, and
    only where each record's line is (file, offset, length) is kept until the manifest is written.
    """
    started = time.perf_counter()
    out = batch.outdir
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"{out}: cannot make the output folder ({error.strerror})") from None
    _remove_stray_temporaries(out)
    summary = Summary(up_to_date=len(batch.done))
    # Records of other formats converted into the same folder earlier are kept too.
    where = _record_lines(out)
    sizes = {task.name: task.size for task in batch.tasks}
    progress.start(len(batch.tasks), sum(sizes.values()), len(batch.done))
    try:
        with open(out / JOURNAL, "ab") as journal:
            if journal.tell() and not _ends_line(out / JOURNAL):
                journal.write(b"\n")  # a killed run's torn last line: the next record starts a line
            for outcome in engine.map(batch.tasks):
                record = _write(outcome, out)
                line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
                where[_key(record)] = (JOURNAL, journal.tell(), len(line))
                journal.write(line)
                journal.flush()
                _count(summary, record, progress)
                progress.advance(outcome, sizes.get(record["input"], 0))
    finally:
        progress.close()
    manifest = out / MANIFEST
    _write_manifest(manifest, out, where)
    (out / JOURNAL).unlink(missing_ok=True)
    summary.manifest = str(manifest)
    summary.seconds = time.perf_counter() - started
    return summary


def _record_lines(out: Path) -> dict[tuple[str, str], tuple[str, int, int]]:
    """Where the records of earlier runs into ``out`` are, by (input, format): their file, offset and
    length (a killed run's journal wins over the manifest, as in :func:`read_records`)."""
    return {_key(record): (name, at, len(line)) for name, at, line, record in _stored_records(out)}


def _ends_line(path: Path) -> bool:
    with open(path, "rb") as stream:
        stream.seek(-1, os.SEEK_END)
        return stream.read(1) == b"\n"


def _write_manifest(manifest: Path, out: Path, where: dict[tuple[str, str], tuple[str, int, int]]) -> None:
    """The manifest, one record per (input, format) in sorted order, copied line by line from where
    each record is (written atomically)."""

    def copy(stream: BinaryIO) -> None:
        with contextlib.ExitStack() as stack:
            names = sorted({name for name, _offset, _length in where.values()})
            sources = {name: stack.enter_context(open(out / name, "rb")) for name in names}
            for key in sorted(where):
                name, offset, length = where[key]
                sources[name].seek(offset)
                line = sources[name].read(length)
                stream.write(
                    line if line.endswith(b"\n") else line + b"\n"
                )  # a last line without its newline

    atomic_write(manifest, copy)


#: What :func:`reflow.io.atomic_write` names its temporary files: ``.<name>.<8 random characters>.tmp``.
_TEMPORARY = regex.compile(r"\..+\.[a-z0-9_]{8}\.tmp")


def _remove_stray_temporaries(out: Path) -> None:
    """Remove the temporary files a killed run left in ``out`` (never complete outputs)."""
    for folder, _subfolders, files in os.walk(out):
        for name in files:
            if _TEMPORARY.fullmatch(name):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(folder, name))


def _key(record: dict[str, Any]) -> tuple[str, str]:
    return (record["input"], str(record.get("format")))


def _write(outcome: Outcome, out: Path) -> dict[str, Any]:
    """Write the outcome's output atomically; its record (an error record when writing failed)."""
    record = outcome.record
    if outcome.output is None:
        return record
    target = out / record["output"]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, outcome.output)
    except OSError as error:
        return {**record, "status": "error", "error": f"{target}: cannot write ({error.strerror})"}
    return record


def _count(summary: Summary, record: dict[str, Any], progress: Progress) -> None:
    for warning in record.get("warnings") or ():
        summary.warnings += 1
        progress.note(f"reflow: warning: {record['input']}: {warning}")
    if record["status"] == "ok":
        summary.converted += 1
    else:
        summary.failed.append((record["input"], record["error"]))
        progress.failure(f"reflow: failed: {record['input']}: {record['error']}")


def describe_summary(summary: Summary) -> Iterable[str]:
    """The closing lines of a batch: the counts, then each failed input with its error."""
    parts = [f"{summary.converted} converted"]
    if summary.up_to_date:
        parts.append(f"{summary.up_to_date} up to date")
    if summary.failed:
        parts.append(f"{len(summary.failed)} failed")
    if summary.warnings:
        parts.append(f"{summary.warnings} warning(s)")
    yield (
        f"reflow: {summary.total} input(s): {', '.join(parts)} in {summary.seconds:.1f} s; "
        f"manifest: {summary.manifest}"
    )
    for name, error in summary.failed:
        yield f"reflow: failed: {name}: {error}"


def single(data: bytes, name: str, options: Options) -> Outcome:
    """Convert the bytes of one input outside a batch (``reflow convert FILE``, standard input)."""
    return convert_task(Task(name=name, paths=(), output="", options=options, data=data))


class BarProgress:
    """A progress bar on standard error (files, MB, rate, ETA), off when it is not a terminal or quiet.

    Warnings are printed as they come (not when quiet); failures too, above the bar, when there is one.
    """

    def __init__(self, *, quiet: bool = False, stream: Any = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.bar: tqdm[Any] | None = None
        self.files = 0
        self.done = 0
        self.failed = 0
        self.skipped = ""

    def start(self, files: int, size: int, done: int) -> None:
        self.files = files
        interactive = bool(getattr(self.stream, "isatty", lambda: False)())
        if self.quiet or not interactive or not files:
            return
        tqdm.monitor_interval = 0  # no monitor thread: worker processes may be forked beside it
        self.bar = tqdm(
            total=size,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            desc="reflow",
            file=self.stream,
            ncols=min(120, shutil.get_terminal_size(fallback=(100, 24)).columns),  # 0 columns: 100
            bar_format="{desc} {percentage:3.0f}%|{bar}| {n_fmt}B/{total_fmt}B "
            "[{elapsed}<{remaining}, {rate_fmt}]",
        )
        self.skipped = f", {done} up to date" if done else ""
        self.bar.set_description_str(f"reflow: 0/{files} files{self.skipped}", refresh=True)

    def advance(self, outcome: Outcome, size: int) -> None:
        self.done += 1
        self.failed += not outcome.ok
        if self.bar is not None:
            failed = f", {self.failed} failed" if self.failed else ""
            counts = f"{self.done}/{self.files} files{self.skipped}{failed}"
            self.bar.set_description_str(f"reflow: {counts}", refresh=False)
            self.bar.update(size)

    def note(self, line: str) -> None:
        if self.quiet:
            return  # failures are listed by the summary all the same
        if self.bar is not None:
            self.bar.write(line, file=self.stream)
        else:
            print(line, file=self.stream, flush=True)

    def failure(self, line: str) -> None:
        """A failed input, shown above the bar as it happens (the summary lists it in any case)."""
        if self.bar is not None:
            self.bar.write(line, file=self.stream)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
