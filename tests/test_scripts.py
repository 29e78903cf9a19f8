"""Output script conversion (``--convert``): OpenCC text, provenance kept piece by piece."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reflow.scripts
from reflow import Article, Block, Document, convert, load_ruleset
from reflow.cli import main
from reflow.model import BlockKind, Piece
from reflow.render import render
from reflow.scripts import CONVERT_RULE, convert_script, script_configs
from tests.test_encodings import opencc_converter
from tests.test_properties import every_block

ZH = load_ruleset("zh-newspaper")
SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "zh-daily-2020-11-23" / "input.txt"
HANT = Path(__file__).resolve().parent.parent / "fixtures" / "zh-hant-page" / "input.txt"


def assert_provenance(before: Document, after: Document, config: str) -> None:
    """Each block's text is OpenCC's conversion of the old text; each piece's span lies in the old block's
    span; copied pieces are exact; every changed run has an edit whose span covers its piece."""
    converter = opencc_converter(config)
    old_blocks, new_blocks = every_block(before), every_block(after)
    assert len(old_blocks) == len(new_blocks)
    changes = {(edit.start, edit.end, edit.inserted) for edit in after.edits if edit.rule == CONVERT_RULE}
    for old, new in zip(old_blocks, new_blocks, strict=True):
        assert new.text == converter.convert(old.text)
        assert (new.kind, new.first_line, new.last_line) == (old.kind, old.first_line, old.last_line)
        old_spans = [(piece.start, piece.end) for piece in old.pieces]
        for piece in new.pieces:
            assert old.start <= piece.start <= piece.end <= old.end, (piece, old_spans)
            copied = piece.text == after.source[piece.start : piece.end]
            assert (
                copied
                or (piece.start, piece.end) in old_spans
                or (piece.start, piece.end, piece.text) in changes
            )
    for edit in after.edits:
        if edit.rule == CONVERT_RULE and edit.removed:
            assert after.source[edit.start : edit.end] == edit.removed
    assert after.source == before.source


@pytest.mark.parametrize(
    ("path", "config"), [(SAMPLE, "s2twp"), (SAMPLE, "s2t"), (HANT, "t2s"), (HANT, "tw2sp")]
)
def test_pages_convert_with_exact_provenance(path: Path, config: str) -> None:
    before = convert(path.read_text(encoding="utf-8"), ZH)
    after = convert_script(before, config)
    assert_provenance(before, after, config)
    assert any(edit.rule == CONVERT_RULE for edit in after.edits)


def test_a_phrase_that_changes_length_maps_onto_what_it_replaced() -> None:
    document = convert_script(convert("鼠标和软件的内存。\n", ZH), "s2twp")
    block = document.articles[0].blocks[0]
    assert [(p.text, document.source[p.start : p.end]) for p in block.pieces] == [
        ("滑鼠", "鼠标"),
        ("和", "和"),
        ("軟體", "软件"),
        ("的", "的"),
        ("記憶體", "内存"),
        ("。", "。"),
    ]
    edits = [(e.removed, e.inserted, e.action) for e in document.edits if e.rule == CONVERT_RULE]
    assert edits == [("鼠标", "滑鼠", "convert"), ("软件", "軟體", "convert"), ("内存", "記憶體", "convert")]


def test_a_replaced_piece_keeps_its_whole_span() -> None:
    """A piece the pipeline replaced (not copied) has no per-character offsets: its span is kept whole."""
    source = "臺灣報 紙\n"
    block = Block(BlockKind.PARAGRAPH, (Piece("臺灣", 0, 2), Piece("報紙", 2, 5)), 1, 1)
    before = Document("-", source, "zh-newspaper", (Article("a1", (block,)),))
    after = convert_script(before, "t2s")
    assert [(p.text, p.start, p.end) for p in after.articles[0].blocks[0].pieces] == [
        ("台湾", 0, 2),
        ("报纸", 2, 5),
    ]
    assert [(e.start, e.end, e.removed, e.inserted, e.note) for e in after.edits] == [
        (0, 2, "臺灣", "台湾", ""),
        (2, 5, "", "报纸", "was '報紙'"),
    ]
    assert_provenance(before, after, "t2s")


def test_nothing_to_convert_gives_the_same_document() -> None:
    document = convert("Hello world.\n", load_ruleset("latin"))
    assert convert_script(document, "t2s") is document


def test_unknown_configuration_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown script conversion 's2x'.*s2twp"):
        convert_script(convert("中文\n", ZH), "s2x")
    assert {"t2s", "s2t", "tw2s", "hk2s", "s2tw", "s2hk", "s2twp", "tw2sp"} <= set(script_configs())


def test_doctests() -> None:
    assert doctest.testmod(reflow.scripts).failed == 0


# --- the command line ----------------------------------------------------------------------------------


def test_cli_convert_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.txt"
    page.write_text("鼠标和软件的内存。\n", encoding="utf-8")
    assert main(["convert", str(page), "--to", "json", "--convert", "s2twp", "--explain"]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["articles"][0]["blocks"][0]["text"] == "滑鼠和軟體的記憶體。"
    assert "output.convert" in err
    assert main(["convert", str(page), "--to", "text"]) == 0
    assert capsys.readouterr().out.strip() == "鼠标和软件的内存。"


def test_cli_unknown_convert_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.txt"
    page.write_text("中文\n", encoding="utf-8")
    assert main(["convert", str(page), "--convert", "s2twpp"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("reflow: error: unknown --convert 's2twpp' (did you mean 's2twp'?)")
    assert err.count("\n") == 1


# --- property ------------------------------------------------------------------------------------------

HAN = list(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
)
TEXTS = st.lists(
    st.sampled_from([*HAN, "，", "。", " ", "软件", "内存", "鼠标", "网络", "信息", "A", "1"]),
    min_size=1,
    max_size=60,
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(TEXTS.map("".join), min_size=1, max_size=6), st.sampled_from(("s2twp", "s2t", "s2hk", "s2tw"))
)
def test_any_text_converts_with_exact_provenance(lines: list[str], config: str) -> None:
    before = convert("\n".join(lines) + "\n", ZH)
    after = convert_script(before, config)
    assert_provenance(before, after, config)
    back = convert_script(
        after, "t2s" if config in ("s2t", "s2hk") else "tw2sp" if config == "s2twp" else "tw2s"
    )
    for block in every_block(back):
        for piece in block.pieces:
            assert 0 <= piece.start <= piece.end <= len(back.source)
    json.loads(render(after, "json"))


def test_every_block_helper_sees_all_blocks() -> None:
    document = convert(SAMPLE.read_text(encoding="utf-8"), ZH)
    assert all(isinstance(block, Block) for block in every_block(document))
