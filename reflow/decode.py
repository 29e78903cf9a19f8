"""Bytes -> text: BOM sniffing, UTF-8, then GB18030 and Big5; bad bytes replaced visibly and recorded."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from reflow.model import Edit

DECODE_RULE = "input.decode"

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Tried in order when no encoding is given and there is no BOM; the first strict decode wins.
AUTO_ENCODINGS = ("utf-8", "gb18030", "big5hkscs")


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text, the encoding used, and an edit for every byte that could not be decoded."""

    text: str
    encoding: str
    edits: tuple[Edit, ...]


def decode(data: bytes, encoding: str = "auto") -> Decoded:
    """Decode ``data``; ``encoding`` is a codec name or ``auto``.

    >>> decode("中文".encode("gb18030")).encoding
    'gb18030'
    >>> d = decode(b"ok\\xff!")
    >>> d.text, d.edits[0].note
    ('ok\\ufffd!', 'undecodable byte 0xff at byte offset 2 (utf-8)')
    """
    if encoding == "auto":
        for bom, name in _BOMS:
            if data.startswith(bom):
                return _decode_recording(data, name)
        for name in AUTO_ENCODINGS:
            try:
                return Decoded(data.decode(name), name, ())
            except UnicodeDecodeError:
                continue
        return _decode_recording(data, "utf-8")
    return _decode_recording(data, encoding)


def _decode_recording(data: bytes, encoding: str) -> Decoded:
    """Decode with U+FFFD for bad bytes, recording each one's byte offset and character offset."""
    bad: list[tuple[int, int, bytes]] = []  # (byte offset, char offset, bytes)
    codec = codecs.lookup(encoding)
    state = {"byte": 0, "char": 0}
    if encoding in ("utf-8-sig",) and data.startswith(codecs.BOM_UTF8):
        state["byte"] = len(codecs.BOM_UTF8)

    def handler(error: UnicodeError) -> tuple[str, int]:
        assert isinstance(error, UnicodeDecodeError)
        segment = error.object[state["byte"] : error.start]
        state["char"] += len(codecs.decode(segment, _stateless(codec.name), "replace"))
        bad.append((error.start, state["char"], error.object[error.start : error.end]))
        state["char"] += 1
        state["byte"] = error.end
        return "\ufffd", error.end

    name = f"reflow-record-{id(bad)}"
    codecs.register_error(name, handler)
    text = data.decode(encoding, errors=name)
    edits = []
    for offset, at, raw in bad:
        line = text.count("\n", 0, at) + 1
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
                note=f"undecodable byte 0x{raw.hex()} at byte offset {offset} ({encoding})",
            )
        )
    return Decoded(text, codec.name, tuple(edits))


def _stateless(name: str) -> str:
    """The codec to decode a middle segment with (no BOM handling)."""
    return {"utf-8-sig": "utf-8", "utf-16": "utf-16-le", "utf-32": "utf-32-le"}.get(name, name)
