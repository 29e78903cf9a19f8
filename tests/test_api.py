"""The Python API: convert with a rule set by name, path or object; articles, paragraphs and sentences with
offsets; a pure, picklable core that runs in a process pool."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import doctest
import functools
import multiprocessing
import pickle
from pathlib import Path

import pytest

import reflow
import reflow.api
from reflow import (
    ArticleUnit,
    Document,
    RuleFileError,
    TextUnit,
    convert,
    iter_articles,
    iter_paragraphs,
    iter_sentences,
    load_ruleset,
)

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
JUMP = (ROOT / "fixtures" / "zh-jump-multipage" / "input.txt").read_text(encoding="utf-8")
PAGE = (ROOT / "fixtures" / "zh-daily-2020-11-23" / "input.txt").read_text(encoding="utf-8")
LATIN_TEXT = "The State of New York gave these\nfigures on President and Governor. It was late.\n"


def test_doctests() -> None:
    assert doctest.testmod(reflow.api).failed == 0
    assert doctest.testmod(reflow).failed == 0


def test_public_names_are_few_and_exported() -> None:
    assert set(reflow.api.__all__) <= set(reflow.__all__) | {"DEFAULT_RULESET"}
    assert all(hasattr(reflow, name) for name in reflow.__all__)
    assert reflow.convert is reflow.api.convert


# --- convert ---------------------------------------------------------------------------------------


def test_the_rule_set_by_name_path_or_object_gives_the_same_document() -> None:
    by_object = convert(LATIN_TEXT, load_ruleset("latin"))
    assert convert(LATIN_TEXT, "latin") == by_object
    assert convert(LATIN_TEXT, RULES / "latin.toml") == by_object
    assert convert(LATIN_TEXT, str(RULES / "latin.toml")) == by_object


def test_the_default_rule_set_is_the_chinese_newspaper_one() -> None:
    assert convert(PAGE) == convert(PAGE, load_ruleset("zh-newspaper"))
    assert convert(PAGE).ruleset == reflow.api.DEFAULT_RULESET == "zh-newspaper"


def test_the_old_call_still_works() -> None:
    """``convert(text, RuleSet)`` as before, with ``source_name``."""
    from reflow.pipeline import convert as pipeline_convert

    ruleset = load_ruleset("zh-newspaper")
    assert convert(PAGE, ruleset, source_name="p.txt") == pipeline_convert(PAGE, ruleset, source_name="p.txt")


def test_bytes_are_decoded() -> None:
    document = convert(PAGE.encode("gb18030"), source_name="p.txt")
    assert document.encoding.startswith("gb18030")
    assert [b.text for a in document.articles for b in a.blocks] == [
        b.text for a in convert(PAGE).articles for b in a.blocks
    ]
    with pytest.raises(LookupError):
        convert(b"x", encoding="no-such-codec")


def test_an_unknown_rule_set_says_so() -> None:
    with pytest.raises(RuleFileError, match="latn"):
        convert("x", "latn")


# --- units -----------------------------------------------------------------------------------------


def test_paragraphs_are_the_stack_then_the_body_with_ids_and_roles() -> None:
    document = convert(JUMP)
    paragraphs = list(iter_paragraphs(document))
    first = [(p.block, p.role) for p in paragraphs if p.article == "a1"][:6]
    assert first == [
        ("a1.headline", "headline"),
        ("a1.subheadline", "subheadline"),
        ("a1.dateline", "dateline"),
        ("a1.byline", "byline"),
        ("a1.b1", "paragraph"),
        ("a1.b2", "paragraph"),
    ]
    assert paragraphs[0].text == "春耕备耕有序推进 农资供应总体充足"
    assert all(p.unit == "paragraph" and p.sentence is None and p.document == "-" for p in paragraphs)
    # every unit's text is what its offsets say, character by character, except inserted characters
    for p in paragraphs:
        assert len(p.offsets) == len(p.text)
        assert [c for c, o in zip(p.text, p.offsets, strict=True) if o is not None] == [
            document.source[o] for o in p.offsets if o is not None
        ]


def test_headings_carry_their_level() -> None:
    headings = [p for p in iter_paragraphs(convert(PAGE)) if p.role == "heading"]
    assert headings and all(h.level is not None and h.level >= 1 for h in headings)
    assert all(p.level is None for p in iter_paragraphs(convert(PAGE)) if p.role != "heading")


def test_articles_hold_their_stack_and_blocks() -> None:
    document = convert(JUMP)
    articles = list(iter_articles(document))
    assert [a.article for a in articles] == [a.id for a in document.articles]
    first = articles[0]
    assert isinstance(first, ArticleUnit)
    assert [p.role for p in first.stack] == ["headline", "subheadline", "dateline", "byline"]
    assert [p.block for p in first.blocks] == [f"a1.b{n}" for n in range(1, len(first.blocks) + 1)]
    assert (first.page, first.page_label) == (1, "1")
    assert {(b.page, b.page_label) for b in first.blocks} == {(1, "1"), (2, "4")}  # stitched across pages
    assert first.lines[0] == first.stack[0].lines[0]


def test_sentences_split_blocks_and_keep_offsets() -> None:
    document = convert(PAGE)
    paragraphs = {p.block: p for p in iter_paragraphs(document)}
    sentences = list(iter_sentences(document))
    assert len(sentences) > 2 * len(paragraphs)
    for sentence in sentences:
        block = paragraphs[sentence.block]
        start, end = sentence.in_block
        assert sentence.text == block.text[start:end]
        assert sentence.offsets == block.offsets[start:end]
        assert sentence.sentence is not None and sentence.sentence.startswith(sentence.block + ".s")
    quoted = [s.text for s in sentences if s.text.endswith("”")]
    assert quoted and all(s[-2] in "。！？…" or "“" in s for s in quoted)


@pytest.mark.parametrize("text", [JUMP, "第一句。第二\f句。\n第三句。\f\n\f第四句。第五句。\n"])
def test_a_sentence_is_on_the_page_of_its_first_line(text: str) -> None:
    document = convert(text)
    blocks = {p.block: p for p in iter_paragraphs(document)}
    sentences = list(iter_sentences(document))
    pages = {s.page for s in sentences}
    assert len(pages) > 1
    for sentence in sentences:
        block = blocks[sentence.block]
        if sentence.in_block[0] == 0:
            assert (sentence.page, sentence.page_label) == (block.page, block.page_label)
        assert block.page <= sentence.page


def test_sentences_of_a_latin_page_use_the_latin_punctuation() -> None:
    document = convert(LATIN_TEXT, "latin")
    assert [s.text for s in iter_sentences(document)] == [
        "The State of New York gave these figures on President and Governor. ",
        "It was late.",
    ]
    # another rule set's punctuation can be asked for (the Chinese one has no ASCII full stop) ...
    assert len(list(iter_sentences(document, "zh-newspaper"))) == 1
    # ... and a rule set that is not built in must be given
    custom = dataclasses.replace(document, ruleset="my-own-rules")
    with pytest.raises(RuleFileError):
        list(iter_sentences(custom))
    assert len(list(iter_sentences(custom, RULES / "latin.toml"))) == 2


def test_a_token_maps_back_to_the_source() -> None:
    document = convert(LATIN_TEXT, "latin")
    (paragraph,) = iter_paragraphs(document)
    start = paragraph.text.index("these figures")
    span = paragraph.source_span(start, start + len("these figures"))
    assert span is not None
    assert document.source[span[0] : span[1]] == "these\nfigures"
    space = paragraph.text.index(" figures")
    assert paragraph.offsets[space] is None and paragraph.source_span(space, space + 1) is None


def test_units_are_frozen() -> None:
    unit = next(iter_paragraphs(convert(PAGE)))
    assert isinstance(unit, TextUnit)
    with pytest.raises(dataclasses.FrozenInstanceError):
        unit.text = "x"  # type: ignore[misc]


# --- pure and picklable ----------------------------------------------------------------------------


def test_documents_units_and_the_function_pickle() -> None:
    document = convert(JUMP, source_name="jump.txt")
    assert pickle.loads(pickle.dumps(document)) == document
    assert pickle.loads(pickle.dumps(convert)) is convert
    assert pickle.loads(pickle.dumps(load_ruleset("zh-newspaper"))).name == "zh-newspaper"
    units = list(iter_sentences(document))
    assert pickle.loads(pickle.dumps(units)) == units
    articles = list(iter_articles(document))
    assert pickle.loads(pickle.dumps(articles)) == articles


def test_convert_is_pure() -> None:
    """The same input gives an equal document however often and in whatever order it is converted."""
    first = convert(JUMP)
    convert(PAGE)
    convert(LATIN_TEXT, "latin")
    assert convert(JUMP) == first


def test_convert_runs_in_a_process_pool() -> None:
    """Each worker process imports reflow afresh (spawn): only the function, the text and the rule set name
    travel, and the documents come back equal to the ones converted here."""
    texts = [JUMP, PAGE, LATIN_TEXT]
    rulesets = ["zh-newspaper", "zh-newspaper", "latin"]
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        documents = list(pool.map(convert, texts, rulesets))
        latin = pool.submit(functools.partial(convert, ruleset="latin"), LATIN_TEXT).result()
    assert documents == [convert(text, ruleset) for text, ruleset in zip(texts, rulesets, strict=True)]
    assert all(isinstance(document, Document) for document in documents)
    assert latin == documents[2]
