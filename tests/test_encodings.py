"""Encodings end to end: the shared sample re-encoded (fixtures/zh-daily-{gb18030,big5,utf16}), Big5 vs
GB18030 detection, mojibake repair, and properties of decoding any text or any bytes.

The re-encoded fixtures are bytes, not UTF-8 (named ``input.<encoding>.txt`` so the UTF-8 fixture harness
leaves them alone): each must be detected as its ``case.toml`` says and convert to the structure and texts
of its ``source`` fixture's hand-checked ``expected.json``.
"""

from __future__ import annotations

import codecs
import json
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import opencc
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from reflow import load_ruleset
from reflow.decode import DECODE_RULE, MOJIBAKE_RULE, Decoded, decode, repair_mojibake
from reflow.pipeline import convert_bytes
from reflow.render import render
from reflow.scripts import convert_script
from tests.test_decode import python_codec
from tests.test_fixtures import projection
from tests.validators import assert_valid_tei

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ZH = load_ruleset("zh-newspaper")


def settings_of(case: Path) -> dict[str, Any]:
    path = case / "case.toml"
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


#: Fixture folders whose case.toml names a re-encoded ``input`` and the ``source`` fixture it comes from.
ENCODED = sorted(path for path in FIXTURES.iterdir() if "source" in settings_of(path))


@cache
def opencc_converter(config: str) -> opencc.OpenCC:
    """OpenCC itself, the oracle of the script conversions; building one reads its dictionaries (~10 ms
    to 100 ms each), so each configuration is built once per test run."""
    return opencc.OpenCC(config)


def script_form(case: dict[str, Any], text: str | None) -> str | None:
    """``text`` as the case's input has it (``script`` and ``replaced``), converted back (``convert``)."""
    if text is None or "script" not in case:
        return text
    converted: str = opencc_converter(case["script"]).convert(text)
    for old, new in case.get("replaced", {}).items():
        converted = converted.replace(old, new)
    back: str = opencc_converter(case["convert"]).convert(converted)
    return back


def test_there_are_the_three_re_encoded_fixtures() -> None:
    assert [case.name for case in ENCODED] == ["zh-daily-big5", "zh-daily-gb18030", "zh-daily-utf16"]


@pytest.mark.parametrize("case", ENCODED, ids=[case.name for case in ENCODED])
def test_fixture_bytes_are_the_source_fixture_re_encoded(case: Path) -> None:
    """The bytes are derived, not edited: they are regenerated here from the UTF-8 fixture."""
    settings = settings_of(case)
    text = (FIXTURES / settings["source"] / "input.txt").read_text(encoding="utf-8")
    if "script" in settings:
        text = opencc_converter(settings["script"]).convert(text)
        for old, new in settings.get("replaced", {}).items():
            text = text.replace(old, new)
    encoding = settings["encoding"]
    bom = codecs.BOM_UTF16_LE if encoding == "utf-16-le" else b""
    assert (case / settings["input"]).read_bytes() == bom + text.encode(encoding)


@pytest.mark.parametrize("case", ENCODED, ids=[case.name for case in ENCODED])
def test_re_encoded_fixture_is_detected_and_converts_like_its_source(case: Path) -> None:
    settings = settings_of(case)
    data = (case / settings["input"]).read_bytes()
    decoded = decode(data)
    assert (decoded.encoding, decoded.edits) == (settings["encoding"], ())
    document = convert_bytes(data, load_ruleset(settings["ruleset"]), source_name=settings["input"])
    if "convert" in settings:
        document = convert_script(document, settings["convert"])
    got = projection(json.loads(render(document, "json")))
    expected = json.loads((FIXTURES / settings["source"] / "expected.json").read_text(encoding="utf-8"))
    for article in expected["articles"]:
        for key in ("headline", "kicker", "subheadline", "dateline", "byline"):
            article[key] = script_form(settings, article[key])
        for block in article["blocks"]:
            block["text"] = script_form(settings, block["text"])
    assert got == expected["articles"]


# --- Big5 or GB18030 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("臺灣報紙香港新聞", "big5hkscs"),
        ("中央社台北16日電", "big5hkscs"),
        ("（中央社記者王小明台北16日電）行政院今天召開院會。", "big5hkscs"),
        ("中文", "gb18030"),
        ("新华社北京11月22日电", "gb18030"),
        ("国务委员兼外交部长王毅接受中央媒体采访。", "gb18030"),
    ],
)
def test_big5_or_gb18030_by_the_common_characters_of_each_reading(text: str, encoding: str) -> None:
    decoded = decode(text.encode(encoding))
    assert (decoded.text, decoded.encoding, decoded.edits) == (text, encoding, ())


def test_the_choice_is_explained_when_both_decode() -> None:
    decoded = decode("臺灣報紙香港新聞".encode("big5"))
    assert (
        decoded.why
        == "big5hkscs: share of characters common in each codec's reading: 25% as gb18030, 100% as big5hkscs"
    )
    assert decode("中文".encode("gb18030")).why.startswith("gb18030: ")
    assert decode("中文".encode()).why == ""


# --- mojibake ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "codec", "misread"),
    [
        ("新华社北京11月22日电", "utf-8", "latin-1"),
        ("“引号”和—破折号", "utf-8", "windows-1252"),
        ("été à Paris, déjà vu", "utf-8", "latin-1"),
        ("国务委员兼外交部长王毅", "gb18030", "latin-1"),
        ("臺灣報紙香港新聞", "big5hkscs", "latin-1"),
    ],
)
def test_mojibake_is_re_decoded_with_a_recorded_edit(text: str, codec: str, misread: str) -> None:
    # Windows-1252 leaves five bytes undefined; the usual sloppy reading keeps them as C1 controls
    mojibake = "".join(
        chr(byte) if byte in b"\x81\x8d\x8f\x90\x9d" else bytes((byte,)).decode(misread)
        for byte in text.encode(codec)
    )
    decoded = decode(mojibake.encode("utf-8"))
    assert decoded.text == text
    assert decoded.encoding == "utf-8"
    [edit] = decoded.edits
    assert (edit.rule, edit.action, edit.start, edit.end) == (MOJIBAKE_RULE, "redecode", 0, 0)
    assert edit.note == f"the input was {codec} text read as {misread} and saved again: re-decoded"


@pytest.mark.parametrize(
    "text",
    [
        "Müller über Straße",  # Latin-1 letters: their bytes are GBK pairs, but rare ones
        "café",
        "Ã",  # one character: too little to tell
        "中文 and Ã©",  # not all Latin-1: not mojibake of a whole text
        "naïve façade, 10 °C ± 2",
    ],
)
def test_text_that_is_not_clearly_mojibake_is_kept(text: str) -> None:
    assert decode(text.encode()) == Decoded(text, "utf-8", ())


def test_no_repair_with_a_forced_encoding_or_after_bad_bytes() -> None:
    mojibake = "中文".encode().decode("latin-1").encode()
    assert decode(mojibake, "utf-8").text == "中文".encode().decode("latin-1")
    assert repair_mojibake(decode(mojibake + b"\xff")).text.startswith("ä")


def test_mojibake_repair_in_the_pipeline_keeps_offsets_in_the_repaired_text() -> None:
    document = convert_bytes("新华社北京11月22日电\n".encode().decode("latin-1").encode(), ZH)
    assert document.source == "新华社北京11月22日电\n"
    assert [edit.rule for edit in document.edits if edit.rule.startswith("input.")] == [MOJIBAKE_RULE]


# --- properties ----------------------------------------------------------------------------------------

#: Encodings a dump may come in, with what ``decode`` reports for them under auto-detection.
ROUND_TRIP = (
    "utf-8",
    "utf-8-sig",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "gb18030",
    "big5",
    "big5hkscs",
)


def representable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


@settings(suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(text=st.text(max_size=200), encoding=st.sampled_from(ROUND_TRIP))
def test_encode_then_decode_with_that_encoding_round_trips(text: str, encoding: str) -> None:
    assume(representable(text, encoding))
    decoded = decode(text.encode(encoding), encoding)
    assert (decoded.text, decoded.edits) == (text, ())


@cache
def common_han(codec: str) -> list[str]:
    """The common Han characters of GB2312 (level 1) or Big5 (常用字), decoded from their code ranges."""
    if codec == "gb18030":
        pairs = ((lead, trail) for lead in range(0xB0, 0xD8) for trail in range(0xA1, 0xFF))
    else:
        pairs = (
            (lead, trail) for lead in range(0xA4, 0xC6) for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF))
        )
    found = []
    for lead, trail in pairs:
        try:
            found.append(bytes((lead, trail)).decode(codec))
        except UnicodeDecodeError:
            continue
    return found


@given(
    st.sampled_from(("gb18030", "big5hkscs")).flatmap(
        lambda codec: st.tuples(
            st.just(codec),
            st.lists(
                st.sampled_from(common_han(codec)) | st.sampled_from(list("，。、：0123456789 \n")),
                min_size=12,
                max_size=120,
            )
            .map("".join)
            .filter(lambda text: sum(char > "\u2e80" for char in text) >= 8),
        )
    )
)
def test_auto_detection_round_trips_chinese_text_in_gb18030_and_big5(case: tuple[str, str]) -> None:
    codec, text = case
    decoded = decode(text.encode(codec))
    assert (decoded.text, decoded.encoding, decoded.edits) == (text, codec, ())


@given(st.text(max_size=200), st.sampled_from(("utf-8", "utf-8-sig", "utf-16", "utf-32")))
def test_auto_detection_round_trips_any_text_in_utf(text: str, encoding: str) -> None:
    assume(repair_mojibake(Decoded(text, "utf-8", ())).text == text)  # text that is itself mojibake-shaped
    assume(not (encoding == "utf-8" and text.startswith("\ufeff")))  # a leading U+FEFF is a BOM
    # The UTF-16-LE BOM and U+0000 are the UTF-32-LE BOM: such a file is read as UTF-32.
    assume(not (encoding == "utf-16" and text.startswith("\x00")))
    assert decode(text.encode(encoding)).text == text


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400), st.sampled_from(("auto", "utf-8", "gb18030", "big5hkscs", "utf-16")))
def test_random_bytes_convert_and_every_replaced_byte_is_recorded(data: bytes, encoding: str) -> None:
    decoded = decode(data, encoding)
    document = convert_bytes(data, ZH, encoding=encoding)  # never raises
    json.loads(render(document, "json"))
    assert_valid_tei(render(document, "tei"))
    # one edit per U+FFFD that stands for bad bytes, as many as Python's own codec replaces
    python = python_codec(data, encoding, decoded)
    replaced = data.decode(python, "replace").count("\ufffd") - data.decode(python, "ignore").count("\ufffd")
    recorded = [edit for edit in decoded.edits if edit.rule == DECODE_RULE]
    assert len(recorded) == replaced
    in_document = [edit for edit in document.edits if edit.rule == DECODE_RULE]
    assert len(in_document) == len(recorded)
    assert all(document.source[edit.start] == "\ufffd" for edit in in_document)


def test_the_encoding_used_is_reported_in_json_and_the_explain_log() -> None:
    from reflow.explain import format_log
    from reflow.render import render

    data = "新华社北京11月22日电 十一月的会议。\n".encode("gb18030")
    document = convert_bytes(data, load_ruleset("zh-newspaper"))
    assert document.encoding.startswith("gb18030")
    assert json.loads(render(document, "json"))["encoding"].startswith("gb18030")
    assert format_log(document).startswith("# encoding: gb18030")
