"""Sentence splitting with the rule sets' punctuation tables: cases, and the tiling property."""

from __future__ import annotations

import doctest
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

import reflow.sentences
from reflow import load_ruleset
from reflow.sentences import sentence_spans, split_sentences
from tests.strategies import paragraphs

ZH = load_ruleset("zh-newspaper").punctuation
LATIN = load_ruleset("latin").punctuation


def test_doctests() -> None:
    assert doctest.testmod(reflow.sentences).failed == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("他说：“好。”然后", ["他说：“好。”", "然后"]),
        ("第一句。第二句。", ["第一句。", "第二句。"]),
        ("他沉默了……过了很久才开口。", ["他沉默了……", "过了很久才开口。"]),
        ("真的吗？！我不信。", ["真的吗？！", "我不信。"]),
        ("真的吗?!我不信。", ["真的吗?!", "我不信。"]),
        ("这是《人民日报》。（完）", ["这是《人民日报》。", "（完）"]),
        ("他说（这是真的。）然后走了", ["他说（这是真的。）", "然后走了"]),
        ("“走吧！”他说。", ["“走吧！”", "他说。"]),
        ("他喊道“好！”。然后", ["他喊道“好！”。", "然后"]),
        ("（完。）”下一篇", ["（完。）”", "下一篇"]),
        ("好。“然后呢？”", ["好。", "“然后呢？”"]),
        ("增长12.7%，达938.4亿元。下降", ["增长12.7%，达938.4亿元。", "下降"]),
        ("没有句号", ["没有句号"]),
        ("标题——副题：内容", ["标题——副题：内容"]),
        ("句子。 下一句", ["句子。 ", "下一句"]),
        ("", []),
    ],
)
def test_chinese(text: str, expected: list[str]) -> None:
    assert split_sentences(text, ZH) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It rained. Then it stopped.", ["It rained. ", "Then it stopped."]),
        ('He said "Stop." Then he left.', ['He said "Stop." ', "Then he left."]),
        ("“Stop!” he said. Nobody moved.", ["“Stop!” he said. ", "Nobody moved."]),
        ("The U.S. Army and J. Smith came.", ["The U.S. Army and J. Smith came."]),
        ("It costs 3.50 dollars, e.g. today.", ["It costs 3.50 dollars, e.g. today."]),
        ("Why? Because. Really?! Yes...", ["Why? ", "Because. ", "Really?! ", "Yes..."]),
        (
            "Wait... what happened (in 1916.) Nobody knows",
            ["Wait... what happened (in 1916.) ", "Nobody knows"],
        ),
        ("No end", ["No end"]),
        ('He asked "why?". Nobody knew', ['He asked "why?". ', "Nobody knew"]),
    ],
)
def test_latin(text: str, expected: list[str]) -> None:
    assert split_sentences(text, LATIN) == expected


def test_the_vocabulary_is_the_rule_sets() -> None:
    """A mark the rule set does not call terminal ends nothing; one it adds does."""
    assert split_sentences("一句；二句；", ZH) == ["一句；二句；"]
    semicolons = replace(ZH, terminal=ZH.terminal + "；")
    assert split_sentences("一句；二句；", semicolons) == ["一句；", "二句；"]
    assert split_sentences("“好。”然后", replace(ZH, closers="")) == ["“好。", "”然后"]
    assert split_sentences("一句。二句。", replace(ZH, terminal="")) == ["一句。二句。"]


def test_spans_are_offsets_into_the_text() -> None:
    text = "他说：“好。”然后走了。"
    assert sentence_spans(text, ZH) == [(0, 7), (7, 12)]


MIXED = st.text(alphabet="好的人 。！？…!?.,“”‘’（）()\"'aA1", max_size=60)


@given(st.one_of(MIXED, paragraphs(), st.text(max_size=80)), st.sampled_from([ZH, LATIN]))
def test_sentences_tile_the_text(text: str, punctuation: reflow.ruleset.PunctuationRules) -> None:
    """Nothing is inserted or dropped: the sentences are non-empty, in order, and join back to the text;
    every sentence but the last ends in a terminal mark (closers and blanks aside)."""
    spans = sentence_spans(text, punctuation)
    sentences = split_sentences(text, punctuation)
    assert "".join(sentences) == text
    assert all(sentences)
    assert [start for start, _ in spans] == ([0, *(end for _, end in spans[:-1])] if text else [])
    for sentence in sentences[:-1]:
        core = sentence.rstrip().rstrip(punctuation.closers)
        assert core and core[-1] in punctuation.terminal


@given(st.lists(paragraphs(), min_size=1, max_size=4))
def test_generated_chinese_sentences_are_found_one_by_one(texts: list[str]) -> None:
    """The generated paragraphs are made of sentences that each end in 。！？: they come back one by one."""
    text = "".join(texts)
    for sentence in split_sentences(text, ZH):
        assert sentence[-1] in "。！？"
        assert not any(mark in sentence[:-1] for mark in "。！？")
