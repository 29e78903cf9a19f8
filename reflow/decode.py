"""Bytes -> text: BOM sniffing, UTF-8, then GB18030 or Big5; bad bytes replaced visibly and recorded.

Every Big5 byte pair is also a valid GB18030 pair, so when both decode, the reading whose characters are
the common ones *of its own character set* wins: GB2312 level 1 (the 3755 most used simplified
characters) for GB18030, the Big5 "frequently used" block (A440-C67E, 5401 characters) for Big5. The
wrong reading of either is mojibake of rare characters, kana, Cyrillic and user-defined code points.

Text that is mojibake already (UTF-8, GBK or Big5 bytes read as Latin-1 or Windows-1252 and saved again
as UTF-8) is re-decoded when that is unambiguous, with a recorded edit: see :func:`repair_mojibake`.
"""

from __future__ import annotations

import codecs
import functools
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass, field, replace

from reflow.model import Edit

DECODE_RULE = "input.decode"
MOJIBAKE_RULE = "input.mojibake"

#: (BOM, codec for the bytes after it, encoding reported). UTF-32-LE comes before UTF-16-LE because
#: its BOM starts with UTF-16-LE's.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
)
#: Codecs that sniff a BOM themselves: the BOMs each accepts, and the codec used when there is none
#: (little-endian, whatever the machine, so that output does not depend on it).
_BOM_FAMILIES = {
    "utf-8-sig": ((codecs.BOM_UTF8,), "utf-8"),
    "utf-16": ((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE), "utf-16-le"),
    "utf-32": ((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE), "utf-32-le"),
}
#: Tried when no encoding is given and there is no BOM: UTF-8 first; then of the CJK codecs that
#: decode strictly, the one whose reading scores best (:func:`_common_share`; first on a tie).
AUTO_ENCODINGS = ("utf-8", "gb18030", "big5hkscs")

#: Two-byte code ranges holding the common characters of each CJK codec: its punctuation rows and its
#: most frequent Han characters (GB2312 level 1; Big5 常用字).
_COMMON_RANGES = {
    "gb18030": ((0xA1A1, 0xA3FE), (0xB0A1, 0xD7FE)),
    "big5hkscs": ((0xA140, 0xA3BF), (0xA440, 0xC67E)),
}
#: Codecs whose common ranges are looked up (plain GB2312/Big5: no extension can match by accident).
_RANGE_CODEC = {"gb18030": "gb2312", "big5hkscs": "big5"}
#: Windows-1252's characters for bytes 0x80-0x9F (where it differs from Latin-1), mapped back to the
#: Latin-1 character of the same byte: with them, one ``encode("latin-1")`` undoes either misreading,
#: also the usual sloppy one that kept the five bytes Windows-1252 leaves undefined as C1 controls.
_CP1252_TO_LATIN1 = {
    ord(bytes((byte,)).decode("cp1252")): byte
    for byte in range(0x80, 0xA0)
    if bytes((byte,)) not in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
}
_LAST_CP1252 = chr(max(_CP1252_TO_LATIN1))  # ™ U+2122: text with a later character is not mojibake
#: A re-decoding is only trusted with this many non-ASCII characters, this share of them common.
_MOJIBAKE_MIN_CHARS = 2
_MOJIBAKE_MIN_SHARE = 0.9


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text, the encoding used, and an edit for every byte that could not be decoded.

    ``why`` says how an auto-detected encoding was chosen when more than one decoded (not compared).
    """

    text: str
    encoding: str
    edits: tuple[Edit, ...]
    why: str = field(default="", compare=False)


def decode(data: bytes, encoding: str = "auto") -> Decoded:
    """Decode ``data``; ``encoding`` is a codec name or ``auto``. Raises LookupError for an unknown codec.

    >>> decode("中文".encode("gb18030")).encoding
    'gb18030'
    >>> d = decode(b"ok\\xff!")
    >>> d.text, d.edits[0].note
    ('ok\\ufffd!', 'undecodable byte 0xff at byte offset 2 (utf-8)')
    >>> d = decode(codecs.BOM_UTF16_BE + "ok".encode("utf-16-be") + b"\\xdc\\x00")
    >>> d.text, d.encoding, d.edits[0].start, d.edits[0].note
    ('ok\\ufffd', 'utf-16-be', 2, 'undecodable byte 0xdc00 at byte offset 6 (utf-16-be)')
    """
    if encoding == "auto":
        for bom, codec, reported in _BOMS:
            if data.startswith(bom):
                return _decode_recording(data, len(bom), codec, reported)
        return repair_mojibake(_detect(data))
    name = codecs.lookup(encoding).name
    if name not in _BOM_FAMILIES:
        return _decode_recording(data, 0, name, name)
    boms, default = _BOM_FAMILIES[name]
    for bom, codec, reported in _BOMS:
        if bom in boms and data.startswith(bom):
            return _decode_recording(data, len(bom), codec, reported)
    return _decode_recording(data, 0, default, "utf-8-sig" if name == "utf-8-sig" else default)


def _detect(data: bytes) -> Decoded:
    """UTF-8 when it decodes; else the best-scoring CJK codec that decodes; else UTF-8 with U+FFFD."""
    try:
        return Decoded(data.decode(AUTO_ENCODINGS[0]), AUTO_ENCODINGS[0], ())
    except UnicodeDecodeError:
        pass
    readings: list[tuple[float, str, str]] = []
    for name in AUTO_ENCODINGS[1:]:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        readings.append((_common_share(text, name), name, text))
    if not readings:
        return _decode_recording(data, 0, "utf-8", "utf-8")
    best = max(readings, key=lambda reading: reading[0])  # first of equals: GB18030 on a tie
    why = ""
    if len(readings) > 1:
        shares = ", ".join(f"{share:.0%} as {name}" for share, name, _text in readings)
        why = f"{best[1]}: share of characters common in each codec's reading: {shares}"
    return Decoded(best[2], best[1], (), why)


def _common_share(text: str, codec: str) -> float:
    """Share of the non-ASCII characters of ``text`` that are common characters of ``codec``."""
    counts = Counter(text)
    total = sum(count for char, count in counts.items() if not char.isascii())
    if not total:
        return 0.0
    common = sum(count for char, count in counts.items() if _is_common(char, codec))
    return common / total


@functools.lru_cache(maxsize=1 << 15)
def _is_common(char: str, codec: str) -> bool:
    if char.isascii():
        return False
    try:
        raw = char.encode(_RANGE_CODEC[codec])
    except UnicodeEncodeError:
        return False
    code = int.from_bytes(raw, "big")
    return len(raw) == 2 and any(low <= code <= high for low, high in _COMMON_RANGES[codec])


def repair_mojibake(decoded: Decoded) -> Decoded:
    """Undo a whole text's mojibake: bytes of UTF-8, GBK or Big5 text read as Latin-1 or Windows-1252.

    Only when unambiguous: the text decoded without a bad byte, every character is one of those
    codecs' (mixed text is not the mojibake of a whole file), and encoding back to them gives bytes that
    decode strictly as UTF-8 (with at least two non-ASCII characters), or as exactly one of GB18030 and
    Big5 with at least 90% common characters. The repair is recorded as one zero-width
    :data:`MOJIBAKE_RULE` edit at offset 0; offsets are in the repaired text.

    >>> repaired = repair_mojibake(Decoded("ä¸\xadæ\x96\x87", "utf-8", ()))
    >>> repaired.text, repaired.edits[0].note
    ('中文', 'the input was utf-8 text read as latin-1 and saved again: re-decoded')
    >>> repair_mojibake(Decoded("Müller über Straße", "utf-8", ())).text
    'Müller über Straße'
    """
    text = decoded.text
    if decoded.edits or text.isascii() or max(text) > _LAST_CP1252:
        return decoded
    latin = text.translate(_CP1252_TO_LATIN1)
    try:
        raw = latin.encode("latin-1")
    except UnicodeEncodeError:
        return decoded
    repaired = _redecode(raw)
    if repaired is None:
        return decoded
    fixed, codec = repaired
    misread = "latin-1" if latin == text else "windows-1252"
    note = f"the input was {codec} text read as {misread} and saved again: re-decoded"
    edit = Edit(MOJIBAKE_RULE, "redecode", 0, 0, 1, 1, note=note)
    return replace(decoded, text=fixed, edits=(edit,), why=f"{decoded.encoding}, then {note}")


def _redecode(raw: bytes) -> tuple[str, str] | None:
    """``raw`` decoded as UTF-8 or one clearly right CJK codec, with the codec; None when unsure."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return (text, "utf-8") if _non_ascii(text) >= _MOJIBAKE_MIN_CHARS else None
    found = None
    for name in AUTO_ENCODINGS[1:]:
        try:
            text = raw.decode(name)
        except UnicodeDecodeError:
            continue
        if _non_ascii(text) >= _MOJIBAKE_MIN_CHARS and _common_share(text, name) >= _MOJIBAKE_MIN_SHARE:
            if found is not None:
                return None  # both readings look right: ambiguous
            found = (text, name)
    return found


def _non_ascii(text: str) -> int:
    return len(text) - len(text.encode("ascii", "ignore"))


@dataclass(slots=True)
class _Recording:
    """State of one :func:`_decode_recording` call, read by the module's one error handler."""

    marker: str
    bad: list[tuple[int, int]] = field(default_factory=list)  # (start, end) of each run of bad bytes


_RECORDING: ContextVar[_Recording] = ContextVar("reflow_decode_recording")
_ERROR_HANDLER = "reflow.decode.record"


def _record(error: UnicodeError) -> tuple[str, int]:
    """Error handler: note where the bad bytes are, put the call's marker in their place."""
    recording = _RECORDING.get(None)
    if recording is None or not isinstance(error, UnicodeDecodeError):
        raise error
    recording.bad.append((error.start, error.end))
    return recording.marker, error.end


# Registered once: codecs.register_error has no way to unregister, so per-call names would leak.
codecs.register_error(_ERROR_HANDLER, _record)

# Strict decoders never produce lone surrogates (a few escape codecs can), so one makes a marker that
# cannot be mistaken for decoded text, unlike U+FFFD itself, which the input may contain.
_MARKER = "\udfff"


def _decode_recording(data: bytes, skip: int, codec: str, reported: str) -> Decoded:
    """Decode ``data[skip:]`` with U+FFFD for bad bytes; an edit gives each one's byte and char offset.

    Each bad run is replaced by a marker, so the text offset of the n-th bad run is that of the n-th
    marker: exact for every codec, stateful ones included, without decoding anything twice.
    """
    body = data[skip:]
    text, bad = _decode_marked(body, codec, _MARKER)
    if text.count(_MARKER) != len(bad):  # the codec itself produced the marker; take one it did not
        used = set(text)
        marker = next(chr(c) for c in range(0xD800, 0x110000) if chr(c) not in used)
        text, bad = _decode_marked(body, codec, marker)
    else:
        marker = _MARKER
    if not bad:
        return Decoded(text, reported, ())
    edits = []
    at, line, counted = -1, 1, 0
    for start, end in bad:
        at = text.index(marker, at + 1)
        line += text.count("\n", counted, at)
        counted = at
        edits.append(
            Edit(
                DECODE_RULE,
                "replace",
                at,
                at + 1,
                line,
                line,
                removed="",
                inserted="\ufffd",
                note=f"undecodable byte 0x{body[start:end].hex()} at byte offset {skip + start} ({reported})",
            )
        )
    return Decoded(text.replace(marker, "\ufffd"), reported, tuple(edits))


def _decode_marked(body: bytes, codec: str, marker: str) -> tuple[str, list[tuple[int, int]]]:
    """``body`` decoded with ``marker`` for each run of bad bytes, and those runs' byte ranges."""
    recording = _Recording(marker)
    token = _RECORDING.set(recording)
    try:
        return body.decode(codec, errors=_ERROR_HANDLER), recording.bad
    finally:
        _RECORDING.reset(token)
