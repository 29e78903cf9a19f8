"""What the commands share: reading inputs, writing outputs atomically, loading rules, one-line errors.

One floor below the commands (``cli``, ``batch``, ``compare``, ``evaluate``, ``report``), so none of them
imports another to reach these helpers.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Final

from reflow.render import FORMATS
from reflow.ruleset import Problem, RuleFileError, RuleSet, load_ruleset

__all__ = [
    "DEFAULT_RULESET",
    "EXTENSIONS",
    "UsageError",
    "atomic_write",
    "format_for_path",
    "load_rules",
    "one_line",
    "read_input",
    "same_file",
    "write_output",
]

DEFAULT_RULESET: Final = "zh-newspaper"

#: The file extension each output format is written with (and recognised by, with the extra names of
#: :data:`_FORMAT_OF_EXTENSION`). ``jsonl`` counts only where a renderer of that name exists.
EXTENSIONS: Final[dict[str, str]] = {
    "tei": ".xml",
    "html": ".html",
    "json": ".json",
    "jsonl": ".jsonl",
    "text": ".txt",
}
_FORMAT_OF_EXTENSION: Final[dict[str, str]] = {
    **{extension: fmt for fmt, extension in EXTENSIONS.items()},
    ".tei": "tei",
    ".htm": "html",
    ".text": "text",
}


class UsageError(Exception):
    """A problem the user can fix: bad path, unreadable file, bad rule file."""


def format_for_path(name: str) -> str | None:
    """The output format an output file name asks for by its extension, or None when it names none.

    A :class:`UsageError` when the extension names a format this version cannot write.

    >>> format_for_path("page.html"), format_for_path("out/page.TEI"), format_for_path("page.out")
    ('html', 'tei', None)
    """
    fmt = _FORMAT_OF_EXTENSION.get(os.path.splitext(name)[1].lower())
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"{name}: this version cannot write {fmt}; give --to {' | '.join(FORMATS)}")
    return fmt


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


def same_file(first: str | Path, second: str | Path) -> bool:
    """Whether two names are one file (the same path, or links to one inode); False if either is missing."""
    try:
        return os.path.samefile(first, second)
    except OSError:
        return os.path.abspath(first) == os.path.abspath(second)


def atomic_write(path: str | Path, data: bytes | Callable[[BinaryIO], None]) -> None:
    """Write ``data`` (bytes, or a function that writes them to the stream it is given) to ``path`` so
    that the name only ever holds a complete file.

    The bytes go to a temporary file in the same directory, are flushed to disk, and the temporary file
    is renamed over ``path`` (``os.replace`` is atomic on one file system). A run killed at any point
    leaves the old file or the new one, never half of one; a stray ``.*.tmp`` file at most.
    Raises OSError.
    """
    target = Path(path)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            if isinstance(data, bytes):
                stream.write(data)
            else:
                data(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o666 & ~_UMASK)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# Read once at import: os.umask can only be read by setting it, which is not safe once threads run.
_UMASK: Final = _read_umask()


def write_output(text: str | bytes, name: str | None) -> None:
    """Write ``text`` (as UTF-8) to ``name`` (None or ``-``: standard output), atomically."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    if name is None or name == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        atomic_write(name, data)
    except OSError as error:
        raise UsageError(f"{name}: cannot write ({error.strerror})") from None


def load_rules(name: str) -> RuleSet:
    """The rule set called ``name`` (built-in or file), or a one-line :class:`UsageError`."""
    try:
        return load_ruleset(name)
    except RuleFileError as error:
        count = len(error.problems)
        first = one_line(error.problems[0]) if error.problems else f"{name}: unknown problem"
        more = f" (and {count - 1} more; run 'reflow rules check {name}')" if count > 1 else ""
        raise UsageError(f"{first}{more}") from None


def one_line(problem: Problem) -> str:
    """``problem`` as one line, naming its file once: the excerpt, caret and hints below are dropped.

    ``reflow rules check`` prints problems in full; an error message is one line.
    """
    if not problem.rule and not problem.key and problem.file in problem.message:
        text = problem.message  # "no such file: x.toml; ..." already names the file
    else:
        text = str(problem)
    return text.strip().splitlines()[0].rstrip()
