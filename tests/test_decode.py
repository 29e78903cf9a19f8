"""Decoding bytes: BOMs, auto-detection, forced encodings, and an edit for every undecodable byte.

Every edit must point at its U+FFFD in the text and, through its note, at the bad bytes in the input.
The property test checks that against Python's own codecs with ``errors="replace"`` and ``"ignore"``.
"""

from __future__ import annotations

import codecs
import doctest
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given
from hypothesis import strategies as st

import reflow.decode
from reflow.decode import DECODE_RULE, Decoded, decode

NOTE = re.compile(
    r"undecodable byte 0x(?P<raw>[0-9a-f]+) at byte offset (?P<offset>\d+) \((?P<encoding>.+)\)"
)
BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


def bad_bytes(data: bytes, decoded: Decoded) -> list[tuple[int, int, bytes]]:
    """(text offset, byte offset, bad bytes) of every edit, checking each against ``text`` and ``data``."""
    found = []
    for edit in decoded.edits:
        assert (edit.rule, edit.action, edit.inserted) == (DECODE_RULE, "replace", "\ufffd")
        assert 0 <= edit.start < len(decoded.text)
        assert edit.end == edit.start + 1
        assert decoded.text[edit.start] == "\ufffd"
        assert edit.first_line == edit.last_line == decoded.text.count("\n", 0, edit.start) + 1
        note = NOTE.fullmatch(edit.note)
        assert note, edit.note
        raw, offset = bytes.fromhex(note["raw"]), int(note["offset"])
        assert note["encoding"] == decoded.encoding
        assert data[offset : offset + len(raw)] == raw
        found.append((edit.start, offset, raw))
    starts = [start for start, _, _ in found]
    assert starts == sorted(set(starts)), "one edit per U+FFFD, in text order"
    ends = [offset + len(raw) for _, offset, raw in found]
    assert all(end <= next_offset for end, (_, next_offset, _) in zip(ends, found[1:], strict=False))
    return found


# --- BOMs --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding", "bad"),
    [
        pytest.param(codecs.BOM_UTF8 + b"ab\xffcd", "utf-8-sig", [(2, 5, b"\xff")], id="utf-8"),
        pytest.param(
            codecs.BOM_UTF16_LE + "ab".encode("utf-16-le") + b"\x00\xdc" + "cd".encode("utf-16-le"),
            "utf-16-le",
            [(2, 6, b"\x00\xdc")],
            id="utf-16-le",
        ),
        pytest.param(
            codecs.BOM_UTF16_BE + "ab".encode("utf-16-be") + b"\xdc\x00" + "cd".encode("utf-16-be"),
            "utf-16-be",
            [(2, 6, b"\xdc\x00")],
            id="utf-16-be",
        ),
        pytest.param(
            codecs.BOM_UTF32_LE + "ab".encode("utf-32-le") + b"\x00\x00\x11\x00" + "cd".encode("utf-32-le"),
            "utf-32-le",
            [(2, 12, b"\x00\x00\x11\x00")],
            id="utf-32-le",
        ),
        pytest.param(
            codecs.BOM_UTF32_BE + "ab".encode("utf-32-be") + b"\x00\x11\x00\x00" + "cd".encode("utf-32-be"),
            "utf-32-be",
            [(2, 12, b"\x00\x11\x00\x00")],
            id="utf-32-be",
        ),
    ],
)
def test_a_bad_byte_after_each_bom_is_recorded_where_it_is(
    data: bytes, encoding: str, bad: list[tuple[int, int, bytes]]
) -> None:
    decoded = decode(data)
    assert (decoded.text, decoded.encoding) == ("ab\ufffdcd", encoding)
    assert bad_bytes(data, decoded) == bad


@pytest.mark.parametrize("bom", BOMS, ids=lambda bom: bom.hex())
def test_a_bad_byte_right_after_the_bom_is_at_text_offset_0(bom: bytes) -> None:
    data = bom + b"\xdc" * 4  # bad in each: a lone UTF-16 low surrogate, beyond U+10FFFF in UTF-32
    decoded = decode(data)
    found = bad_bytes(data, decoded)
    assert found[0][:2] == (0, len(bom))
    assert decoded.text.count("\ufffd") == len(found)


def test_a_truncated_utf16_code_unit_at_the_end() -> None:
    data = b"\xff\xfe\x00garbage\x80"
    decoded = decode(data)
    assert (decoded.text, decoded.encoding) == ("\u6700\u7261\u6162\u6567\ufffd", "utf-16-le")
    assert bad_bytes(data, decoded) == [(4, 10, b"\x80")]


def test_a_utf32_bom_is_not_taken_for_a_utf16_one() -> None:
    assert decode(codecs.BOM_UTF32_LE + "中".encode("utf-32-le")) == Decoded("中", "utf-32-le", ())


def test_edits_carry_line_numbers() -> None:
    data = codecs.BOM_UTF8 + b"a\nb\n\xffc\n\n\xfe"
    decoded = decode(data)
    assert [(edit.start, edit.first_line) for edit in decoded.edits] == [(4, 3), (8, 5)]
    assert bad_bytes(data, decoded) == [(4, 7, b"\xff"), (8, 11, b"\xfe")]


def test_a_genuine_replacement_character_gets_no_edit() -> None:
    data = "a\ufffdb".encode() + b"\xff"
    decoded = decode(data)
    assert decoded.text == "a\ufffdb\ufffd"
    assert bad_bytes(data, decoded) == [(3, 5, b"\xff")]


# --- auto-detection ----------------------------------------------------------------------------------


def test_gb18030_is_detected() -> None:
    text = "新华社北京11月22日电　中国国家主席习近平𠀀€\n"
    assert decode(text.encode("gb18030")) == Decoded(text, "gb18030", ())


def test_utf8_wins_over_gb18030_when_both_decode() -> None:
    assert decode("中文".encode()) == Decoded("中文", "utf-8", ())


def test_gb18030_with_one_bad_byte_falls_back_to_utf8_with_edits() -> None:
    data = "中文".encode("gb18030") + b"\xff"
    decoded = decode(data)
    assert decoded.encoding == "utf-8"
    assert len(bad_bytes(data, decoded)) == decoded.text.count("\ufffd") == 5


def test_big5_is_detected() -> None:
    # Every Big5 byte pair is also a valid GB18030 pair: the reading with more common characters wins.
    text = "臺灣報紙香港新聞"
    assert decode(text.encode("big5hkscs")) == Decoded(text, "big5hkscs", ())


# --- forced encodings --------------------------------------------------------------------------------


def test_forced_big5_with_a_bad_byte() -> None:
    data = "臺灣".encode("big5") + b"\xff" + "報紙".encode("big5")
    decoded = decode(data, "big5")
    assert (decoded.text, decoded.encoding) == ("臺灣\ufffd報紙", "big5")
    assert bad_bytes(data, decoded) == [(2, 4, b"\xff")]


def test_forced_encoding_is_used_even_when_utf8_would_decode() -> None:
    data = "中文".encode()
    assert decode(data, "gb18030") == Decoded(data.decode("gb18030"), "gb18030", ())


def test_forced_encoding_is_reported_by_its_codec_name() -> None:
    assert decode(b"ab", "UTF8").encoding == "utf-8"
    assert decode(b"ab", "latin-1").encoding == "iso8859-1"


def test_forced_utf8_keeps_a_bom_as_text() -> None:
    assert decode(codecs.BOM_UTF8 + b"a", "utf-8").text == "\ufeffa"


@pytest.mark.parametrize(
    ("data", "encoding", "expected"),
    [
        (codecs.BOM_UTF8 + b"a\xff", "utf-8-sig", Decoded("a\ufffd", "utf-8-sig", ())),
        (b"a\xff", "utf-8-sig", Decoded("a\ufffd", "utf-8-sig", ())),
        (codecs.BOM_UTF16_BE + b"\x00a\xdc\x00", "utf-16", Decoded("a\ufffd", "utf-16-be", ())),
        (b"a\x00\x00\xdc", "utf-16", Decoded("a\ufffd", "utf-16-le", ())),
        # A UTF-16 BOM and U+0000, not a UTF-32 BOM, when UTF-16 is asked for.
        (codecs.BOM_UTF32_LE + b"\x00\xdc", "utf-16", Decoded("\x00\ufffd", "utf-16-le", ())),
        (codecs.BOM_UTF32_BE + b"\x00\x11\x00\x00", "utf-32", Decoded("\ufffd", "utf-32-be", ())),
    ],
)
def test_forced_bom_sniffing_codecs(data: bytes, encoding: str, expected: Decoded) -> None:
    decoded = decode(data, encoding)
    assert (decoded.text, decoded.encoding) == (expected.text, expected.encoding)
    assert len(bad_bytes(data, decoded)) == 1


@pytest.mark.parametrize("encoding", ["klingon-8", "rot13"])
def test_an_unknown_or_non_text_codec_is_a_lookup_error(encoding: str) -> None:
    with pytest.raises(LookupError):
        decode(b"ab", encoding)


def test_a_codec_that_produces_lone_surrogates_itself() -> None:
    # unicode_escape turns \udfff into a lone surrogate, the character decode first marks bad bytes with.
    data = b"\\udfff \\x4 \\udfff\n\\N{"
    decoded = decode(data, "unicode_escape")
    assert decoded.text == "\udfff \ufffd \udfff\n\ufffd"
    assert bad_bytes(data, decoded) == [(2, 7, b"\\x4"), (6, 18, b"\\N{")]


# --- the error handler ---------------------------------------------------------------------------------


def test_the_error_handler_outside_decode_raises_the_original_error() -> None:
    with pytest.raises(UnicodeDecodeError):
        b"\xff".decode("utf-8", errors="reflow.decode.record")


def test_decoding_in_threads_gives_the_same_edits() -> None:
    inputs = [bytes([0x61] * n) + b"\xff" + b"\n\xfe" * n for n in range(40)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(decode, inputs * 5)) == [decode(data) for data in inputs * 5]


def test_doctests() -> None:
    assert doctest.testmod(reflow.decode).failed == 0


# --- property ----------------------------------------------------------------------------------------

# What Python's own codec is for what reflow reports after sniffing a BOM: Python's strips it too.
PYTHON_SNIFFING = {
    "utf-8-sig": "utf-8-sig",
    "utf-16-le": "utf-16",
    "utf-16-be": "utf-16",
    "utf-32-le": "utf-32",
    "utf-32-be": "utf-32",
}


def python_codec(data: bytes, encoding: str, decoded: Decoded) -> str:
    if encoding == "auto":
        return PYTHON_SNIFFING.get(decoded.encoding, decoded.encoding)
    family_boms = {"utf-16": BOMS[1:3], "utf-32": BOMS[3:]}.get(encoding, ())
    if family_boms and not data.startswith(family_boms):
        return f"{encoding}-le"  # Python would take the machine's byte order; reflow always little-endian
    return encoding


# Bytes that start, end or break multi-byte sequences, escapes and shifts in the codecs below.
CHUNKS = (
    *(b"\xff", b"\x80", b"\x00", b"\xdc", b"\xd8", b"\x11", b"\n", b"a", b"+", b"-", b"\x1b$B"),
    *(b"\xe4\xb8\xad", b"\xef\xbf\xbd", b"\xd6\xd0", b"\xa4\xa4", b"\x81\x30\x81\x30"),
)
ENCODINGS = (
    *("auto", "utf-8", "utf-8-sig", "gb18030", "big5", "big5hkscs", "utf-16", "utf-16-be", "utf-32"),
    *("latin-1", "shift_jis", "iso2022_jp", "utf-7"),
)


@given(
    bom=st.sampled_from((b"", *BOMS)),
    body=st.binary(max_size=200) | st.lists(st.sampled_from(CHUNKS), max_size=60).map(b"".join),
    encoding=st.sampled_from(ENCODINGS),
)
def test_every_bad_byte_has_exactly_one_edit_at_its_replacement_character(
    bom: bytes, body: bytes, encoding: str
) -> None:
    data = bom + body
    decoded = decode(data, encoding)  # never raises
    bad_bytes(data, decoded)  # every edit at a U+FFFD, its note at the bad bytes
    python = python_codec(data, encoding, decoded)
    assert decoded.text == data.decode(python, "replace")
    edited = {edit.start for edit in decoded.edits}
    kept = "".join(char for at, char in enumerate(decoded.text) if at not in edited)
    assert kept == data.decode(python, "ignore"), "an edit for each bad byte's U+FFFD, and only for those"
