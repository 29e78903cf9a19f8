"""Inputs that are not what they claim: binary files given as text dumps, text the rule set does not fit.

:func:`refusal` says in one line what a file is when it is not a text dump (a PDF, an image, an
executable, an archive, or bytes that mostly do not decode) and what to do instead; the command refuses
it unless ``--force``. It looks at the file's signature and at a sample of its start, so random bytes
are turned away in milliseconds instead of being converted at hundreds of MB of memory per MB.
:func:`script_warning` notices Latin-script text under a rule set for Han text (and the reverse) and
names the built-in rule set that fits; it is a warning, never a refusal.
"""

from __future__ import annotations

import codecs
import functools
from dataclasses import dataclass
from typing import Final

import regex

from reflow.decode import decode
from reflow.ruleset import RuleFileError, RuleSet, builtin_rulesets, load_ruleset

__all__ = ["NOT_TEXT_SHARE", "NUL_SHARE", "SAMPLE_BYTES", "refusal", "script_warning"]

#: Bytes looked at from the start of a file.
SAMPLE_BYTES: Final = 256 * 1024
#: More than this share of the sample's characters undecodable or control characters: not text.
NOT_TEXT_SHARE: Final = 0.5
#: NUL characters never occur in text dumps: more than this share of them is not text either.
NUL_SHARE: Final = 0.1


@dataclass(frozen=True, slots=True)
class _Signature:
    """Bytes at the start of a file that say what it is, and what to do with such a file instead."""

    magic: bytes
    what: str
    advice: str
    #: A short, weak signature that ordinary text could start with: believed only with a NUL byte near it.
    weak: bool = False
    #: Further bytes expected at an offset (RIFF containers name their kind at offset 8).
    also: tuple[int, bytes] | None = None


_PDF_ADVICE = "extract its text first (pdftotext -layout FILE FILE.txt) and convert the .txt"
_IMAGE_ADVICE = "run OCR on it first (for example tesseract IMAGE OUT) and convert the text it writes"
_PROGRAM_ADVICE = "it is a program, not a text dump; give the .txt file extracted from the page"
_ARCHIVE_ADVICE = "unpack it first and convert the text files inside"
_ZIP_ADVICE = f"{_ARCHIVE_ADVICE} (a .docx, .odt or .epub is a zip file too: save it as plain text)"
_OFFICE_ADVICE = "save or export it as plain text first"
_SIGNATURES: Final = (
    _Signature(b"%PDF-", "a PDF document", _PDF_ADVICE),
    _Signature(b"\x89PNG\r\n\x1a\n", "a PNG image", _IMAGE_ADVICE),
    _Signature(b"\xff\xd8\xff", "a JPEG image", _IMAGE_ADVICE),
    _Signature(b"GIF87a", "a GIF image", _IMAGE_ADVICE),
    _Signature(b"GIF89a", "a GIF image", _IMAGE_ADVICE),
    _Signature(b"II*\x00", "a TIFF image", _IMAGE_ADVICE),
    _Signature(b"MM\x00*", "a TIFF image", _IMAGE_ADVICE),
    _Signature(b"RIFF", "a WebP image", _IMAGE_ADVICE, also=(8, b"WEBP")),
    _Signature(b"\x00\x00\x00\x0cjP  \r\n\x87\n", "a JPEG 2000 image", _IMAGE_ADVICE),
    _Signature(b"\x7fELF", "an ELF executable", _PROGRAM_ADVICE),
    _Signature(b"MZ", "a Windows (PE) executable", _PROGRAM_ADVICE, weak=True),
    _Signature(b"\xfe\xed\xfa\xce", "a Mach-O executable", _PROGRAM_ADVICE),
    _Signature(b"\xfe\xed\xfa\xcf", "a Mach-O executable", _PROGRAM_ADVICE),
    _Signature(b"\xce\xfa\xed\xfe", "a Mach-O executable", _PROGRAM_ADVICE),
    _Signature(b"\xcf\xfa\xed\xfe", "a Mach-O executable", _PROGRAM_ADVICE),
    _Signature(b"\xca\xfe\xba\xbe", "a Mach-O universal binary or Java class file", _PROGRAM_ADVICE),
    _Signature(b"PK\x03\x04", "a zip archive", _ZIP_ADVICE),
    _Signature(b"PK\x05\x06", "an empty zip archive", _ARCHIVE_ADVICE),
    _Signature(b"\x1f\x8b", "gzip-compressed data", "decompress it first (gunzip FILE)", weak=True),
    _Signature(b"BZh", "bzip2-compressed data", "decompress it first (bunzip2 FILE)", weak=True),
    _Signature(b"\xfd7zXZ\x00", "xz-compressed data", "decompress it first (unxz FILE)"),
    _Signature(b"\x28\xb5\x2f\xfd", "zstd-compressed data", "decompress it first (unzstd FILE)"),
    _Signature(b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", _ARCHIVE_ADVICE),
    _Signature(b"Rar!\x1a\x07", "a RAR archive", _ARCHIVE_ADVICE),
    _Signature(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office file (.doc/.xls)", _OFFICE_ADVICE
    ),
    _Signature(b"{\\rtf", "an RTF document", _OFFICE_ADVICE),
    _Signature(b"SQLite format 3\x00", "an SQLite database", "it is not a text dump"),
)

#: Characters that do not occur in a text dump: C0 controls but tab, line feed, vertical tab, form feed
#: and carriage return; DEL; C1 controls.
_CONTROL: Final = regex.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_FORCE_HINT: Final = "or give --force to convert it anyway"


def refusal(data: bytes, encoding: str = "auto") -> str | None:
    """Why ``data`` is not a text dump to convert (what it is; what to do), or None when it is text.

    >>> print(refusal(b"%PDF-1.7 ..."))  # doctest: +NORMALIZE_WHITESPACE
    is a PDF document, not a text dump: extract its text first (pdftotext -layout FILE FILE.txt)
    and convert the .txt
    >>> refusal("新华社北京11月22日电".encode("gb18030")) is None
    True
    >>> refusal(bytes(range(256)) * 4)[:60]
    'is not text: 61% of its bytes are undecodable or control cha'
    """
    head = data[:64]
    for signature in _SIGNATURES:
        if not head.startswith(signature.magic):
            continue
        if signature.weak and b"\x00" not in data[:1024]:
            continue
        if signature.also is not None:
            offset, more = signature.also
            if data[offset : offset + len(more)] != more:
                continue
        return f"is {signature.what}, not a text dump: {signature.advice}"
    return _undecodable(data, encoding)


def _undecodable(data: bytes, encoding: str) -> str | None:
    """A refusal when most of the sample's characters are undecodable bytes or control characters."""
    sample = _sample(data)
    if not sample:
        return None
    try:
        decoded = decode(sample, encoding)
    except LookupError:
        return None  # the conversion reports the unknown encoding itself
    text = decoded.text
    if not text:
        return None
    bad = len(decoded.edits) + len(_CONTROL.findall(text))
    share = bad / len(text)
    if share <= NOT_TEXT_SHARE and text.count("\0") / len(text) <= NUL_SHARE:
        return None
    where = f"its first {len(sample)} bytes" if len(sample) < len(data) else "its bytes"
    hint = _utf16_hint(sample) if encoding == "auto" else None
    advice = hint or f"if it is text in another encoding, give --encoding, {_FORCE_HINT}"
    return (
        f"is not text: {share:.0%} of {where} are undecodable or control characters "
        f"(read as {decoded.encoding}): {advice}"
    )


def _sample(data: bytes) -> bytes:
    """The start of ``data``, cut after a line end where there is one, so no character is split."""
    if len(data) <= SAMPLE_BYTES:
        return data
    sample = data[:SAMPLE_BYTES]
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return sample  # an even length: no UTF-16 unit split (UTF-32 units: a multiple of 4 too)
    end = sample.rfind(b"\n")
    return sample[: end + 1] if end >= SAMPLE_BYTES // 2 else sample


def _utf16_hint(sample: bytes) -> str | None:
    """Advice for UTF-16 text without a byte-order mark: NUL bytes on every other position."""
    if len(sample) < 4:
        return None
    odd = sample[1::2].count(0) / (len(sample) // 2)
    even = sample[0::2].count(0) / ((len(sample) + 1) // 2)
    if max(odd, even) < 0.3 or min(odd, even) > 0.05:
        return None
    endian = "le" if odd > even else "be"
    return f"it looks like UTF-16 text without a byte-order mark: give --encoding utf-16-{endian}"


# --- Script fit ------------------------------------------------------------------------------------------

#: Letters counted for the dominant script, and how many are enough to judge.
_LETTER: Final = regex.compile(r"\p{L}")
_MIN_LETTERS: Final = 20
#: The text's letters in a script a rule set joins without spaces, below this share: it does not fit.
_FIT_SHARE: Final = 0.2
#: A dominant script has at least this share of the letters.
_DOMINANT_SHARE: Final = 0.6
_SCRIPT_SAMPLE: Final = 200_000


@functools.cache
def _script_pattern(scripts: tuple[str, ...]) -> regex.Pattern[str]:
    return regex.compile("|".join(rf"\p{{{name}}}" for name in scripts) or "(?!)")


@functools.cache
def _builtin_scripts() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each built-in rule set's name and the scripts it joins without spaces."""
    found = []
    for name, _description in builtin_rulesets():
        try:
            found.append((name, tuple(load_ruleset(name).join.no_space_scripts)))
        except RuleFileError:
            continue
    return tuple(found)


def script_warning(text: str, ruleset: RuleSet) -> str | None:
    """A warning when the text's letters are mostly of a script ``ruleset`` is not made for, naming a fit.

    A rule set that joins some scripts without spaces (``join.no_space_scripts``: Han ...) is for text in
    those scripts; one that joins none is for space-separated scripts (Latin ...). The built-in rule set
    of the other kind is named.

    >>> from reflow.ruleset import load_ruleset
    >>> english = "The State of New York gave these figures. " * 3
    >>> print(script_warning(english, load_ruleset("zh-newspaper")))  # doctest: +NORMALIZE_WHITESPACE
    the text is Latin script (100% of its letters), but rule set 'zh-newspaper' is for Han, Hiragana,
    Katakana, Bopomofo text: use -r latin
    >>> script_warning("新华社北京11月22日电 国务委员兼外交部长王毅谈", load_ruleset("zh-newspaper")) is None
    True
    """
    sample = text[:_SCRIPT_SAMPLE]
    letters = len(_LETTER.findall(sample))
    if letters < _MIN_LETTERS:
        return None
    own = tuple(ruleset.join.no_space_scripts)
    joined = len(_script_pattern(own).findall(sample)) if own else 0
    candidates = [(name, scripts) for name, scripts in _builtin_scripts() if name != ruleset.name]
    if own:
        if joined / letters >= _FIT_SHARE:
            return None
        latin = len(_script_pattern(("Latin",)).findall(sample))
        if latin / letters < _DOMINANT_SHARE:
            return None
        fits = [name for name, scripts in candidates if not scripts]
        what, share = "Latin script", latin / letters
    else:
        best = None
        for name, scripts in candidates:
            count = len(_script_pattern(scripts).findall(sample)) if scripts else 0
            if count / letters >= _DOMINANT_SHARE and (best is None or count > best[1]):
                best = (name, count, scripts)
        if best is None:
            return None
        fits = [best[0]]
        what, share = f"{best[2][0]} script", best[1] / letters
    kind = f"{', '.join(own)} text" if own else "space-separated scripts (Latin ...)"
    advice = f"use -r {fits[0]}" if fits else "use a rule set made for it"
    return (
        f"the text is {what} ({share:.0%} of its letters), but rule set {ruleset.name!r} is for {kind}: "
        f"{advice}"
    )
