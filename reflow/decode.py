"""Bytes -> text: BOM sniffing, UTF-8, then GB18030 and Big5; bad bytes replaced visibly and recorded."""

from __future__ import annotations

import codecs
from contextvars import ContextVar
from dataclasses import dataclass, field

from reflow.model import Edit

DECODE_RULE = "input.decode"

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
#: Tried in order when no encoding is given and there is no BOM; the first strict decode wins.
AUTO_ENCODINGS = ("utf-8", "gb18030", "big5hkscs")


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text, the encoding used, and an edit for every byte that could not be decoded."""

    text: str
    encoding: str
    edits: tuple[Edit, ...]


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
        for name in AUTO_ENCODINGS:
            try:
                return Decoded(data.decode(name), name, ())
            except UnicodeDecodeError:
                continue
        return _decode_recording(data, 0, "utf-8", "utf-8")
    name = codecs.lookup(encoding).name
    if name not in _BOM_FAMILIES:
        return _decode_recording(data, 0, name, name)
    boms, default = _BOM_FAMILIES[name]
    for bom, codec, reported in _BOMS:
        if bom in boms and data.startswith(bom):
            return _decode_recording(data, len(bom), codec, reported)
    return _decode_recording(data, 0, default, "utf-8-sig" if name == "utf-8-sig" else default)


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
