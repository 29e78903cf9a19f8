"""Renderers: TEI (checked against reflow's RELAX NG schema and the TEI P5 DTD), HTML5, JSON and text."""

from __future__ import annotations

import json
import re
from typing import Any

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from reflow.model import Article, Block, BlockKind, Document, Jump, Piece
from reflow.render import FORMATS, render
from reflow.render._escape import clean, markup_attr, markup_text, one_line
from reflow.render.json import source_spans
from reflow.render.tei import TEI_NAMESPACE, tei_schema
from tests.validators import assert_valid_tei, parse_tei, tei_dtd

NS = {"t": TEI_NAMESPACE}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


# --- building documents by hand ------------------------------------------------------------------


def block(kind: BlockKind, text: str, first: int, last: int | None = None, *, level: int = 0) -> Block:
    """A block copied verbatim from one source span (offsets are not checked by renderers)."""
    start = first * 100
    return Block(kind, (Piece(text, start, start + len(text)),), first, last or first, level=level)


def para(text: str, first: int, last: int | None = None) -> Block:
    return block(BlockKind.PARAGRAPH, text, first, last)


def heading(text: str, line: int, level: int) -> Block:
    return block(BlockKind.HEADING, text, line, level=level)


def sample_document() -> Document:
    """Headline stacks, nested sections, jumps, a three-part chain, furniture, and odd ids."""
    front = Article(
        "a1",
        (
            para("Lead & <intro> paragraph.", 6, 7),
            heading("Background", 8, 1),
            para("First section text.", 9),
            heading("Detail", 10, 2),
            para("Subsection text.", 11),
            heading("Outlook", 12, 1),
            para("Second section text.", 13, 14),
        ),
        headline=block(BlockKind.HEADLINE, "Council votes", 2),
        kicker=block(BlockKind.KICKER, "CITY HALL", 1),
        subheadline=block(BlockKind.SUBHEADLINE, "— budget passes 7 to 2", 3),
        dateline=block(BlockKind.DATELINE, "AUSTIN, Texas (AP) —", 4),
        byline=block(BlockKind.BYLINE, "By Jane Roe", 5),
        jumps=(Jump("to", "A9", 15, "Continued on Page A9"),),
        next="2",
    )
    middle = Article(
        "2",
        (para("Middle part.", 40),),
        jumps=(Jump("from", "1", 39, "(Continued from Page 1)"), Jump("to", "A12", 41, "See COUNCIL, A12")),
        prev="a1",
        next="a3",
    )
    final = Article(
        "a3",
        (para("Final part.", 60),),
        kicker=block(BlockKind.KICKER, "COUNCIL", 58),
        subheadline=block(BlockKind.SUBHEADLINE, "continued", 59),
        jumps=(Jump("from", "A9", 57, "(Continued from Page A9)"),),
        prev="2",
    )
    brief = Article("a4", (heading("Deep first", 70, 3), para("Under a skipped level.", 71)))
    empty = Article("a5", ())
    furniture = (
        block(BlockKind.FURNITURE, "THE EVENING STAR, WASHINGTON", 100),
        block(BlockKind.FURNITURE, "Page 3", 101),
    )
    return Document(
        "star-1916-11-08.txt", "", "latin", (front, middle, final, brief, empty), furniture=furniture
    )


EMPTY = Document("empty.txt", "", "zh-newspaper", ())


# --- validators ----------------------------------------------------------------------------------


def rng_accepts(output: str) -> bool:
    return bool(tei_schema().validate(parse_tei(output)))


def dtd_accepts(output: str) -> bool:
    return bool(tei_dtd().validate(parse_tei(output)))


def children(element: etree._Element) -> list[tuple[str, str | None]]:
    return [(etree.QName(child).localname, child.get("type")) for child in element]


def one(element: etree._Element, path: str) -> etree._Element:
    """The first element at an ElementPath (TEI prefix ``t``), which must exist."""
    found = element.find(path, NS)
    assert found is not None, path
    return found


def select(element: etree._Element, expression: str) -> list[etree._Element]:
    """The elements an XPath expression (TEI prefix ``t``) selects."""
    found = element.xpath(expression, namespaces=NS)
    assert isinstance(found, list)
    return [item for item in found if isinstance(item, etree._Element)]


def article_div(root: etree._Element, article_id: str) -> etree._Element:
    (found,) = select(root, f"//t:div[@type='article'][@xml:id='{article_id}']")
    return found


def parse_html(output: str) -> Any:
    return lxml.html.document_fromstring(output.encode("utf-8"))


# --- the public entry point ----------------------------------------------------------------------


def test_formats_are_the_documented_ones() -> None:
    assert FORMATS == ("tei", "html", "json", "text", "jsonl")


def test_unknown_format_names_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match=r"'xml'.*tei, html, json, text"):
        render(sample_document(), "xml")
    with pytest.raises(ValueError, match=r"did you mean 'html'\?"):
        render(sample_document(), "htm")


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_is_deterministic_and_ends_with_a_newline(fmt: str) -> None:
    first = render(sample_document(), fmt)
    assert first == render(sample_document(), fmt)
    assert first.endswith("\n") and not first.endswith("\n\n")


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_document_renders(fmt: str) -> None:
    output = render(EMPTY, fmt)
    assert output == "" if fmt == "jsonl" else output.endswith("\n")  # no article, no record


# --- TEI -----------------------------------------------------------------------------------------


def test_tei_validates_against_schema_and_dtd() -> None:
    assert_valid_tei(render(sample_document(), "tei"))


def test_tei_of_an_empty_document_is_valid() -> None:
    root = assert_valid_tei(render(EMPTY, "tei"))
    assert children(one(root, "t:text/t:body")) == [("div", "furniture")]
    assert root.get(XML_LANG) == "zh"


def test_tei_header_names_source_and_rule_set() -> None:
    root = parse_tei(render(sample_document(), "tei"))
    assert root.get(XML_LANG) == "und"
    assert root.findtext("t:teiHeader/t:fileDesc/t:titleStmt/t:title", namespaces=NS) == "star-1916-11-08.txt"
    assert (
        root.findtext("t:teiHeader/t:fileDesc/t:publicationStmt/t:p", namespaces=NS)
        == "Converted by reflow (rule set latin)"
    )
    assert root.findtext("t:teiHeader/t:fileDesc/t:sourceDesc/t:p", namespaces=NS) == "star-1916-11-08.txt"


def test_tei_article_content_follows_the_div_content_model() -> None:
    root = parse_tei(render(sample_document(), "tei"))
    front = one(root, "t:text/t:body/t:div[@type='article']")
    assert children(front) == [
        ("head", "kicker"),
        ("head", "main"),
        ("head", "sub"),
        ("dateline", None),
        ("byline", None),
        ("p", None),
        ("div", "section"),
        ("div", "section"),
        ("note", "jump"),
    ]
    assert [head.text for head in front.findall("t:head", NS)] == [
        "CITY HALL",
        "Council votes",
        "— budget passes 7 to 2",
    ]
    assert front.findtext("t:p", namespaces=NS) == "Lead & <intro> paragraph."


def test_tei_headings_nest_sections_by_level() -> None:
    root = parse_tei(render(sample_document(), "tei"))
    front = article_div(root, "a1")
    first, second = front.findall("t:div[@type='section']", NS)
    assert children(first) == [("head", None), ("p", None), ("div", "section")]
    assert first.findtext("t:head", namespaces=NS) == "Background"
    assert first.findtext("t:div/t:head", namespaces=NS) == "Detail"
    assert first.findtext("t:div/t:p", namespaces=NS) == "Subsection text."
    assert children(second) == [("head", None), ("p", None)]
    assert second.findtext("t:p", namespaces=NS) == "Second section text."


@pytest.mark.parametrize("levels", [(3,), (0,), (1, 3, 2, 1), (2, 2, 5, 1)])
def test_tei_heading_levels_never_skip_a_depth(levels: tuple[int, ...]) -> None:
    blocks = tuple(b for i, level in enumerate(levels) for b in (heading(f"h{i}", i, level), para("x", i)))
    output = render(Document("s", "", "latin", (Article("a1", blocks),)), "tei")
    root = assert_valid_tei(output)
    depth = {
        head.text: len(select(head, "ancestor::t:div[@type='section']"))
        for head in select(root, "//t:div[@type='section']/t:head")
    }
    expected: dict[str, int] = {}
    open_depth = 0
    for i, level in enumerate(levels):
        open_depth = min(max(level, 1), open_depth + 1)
        expected[f"h{i}"] = open_depth
    assert depth == expected


def test_tei_jump_notes_open_and_close_the_article() -> None:
    root = parse_tei(render(sample_document(), "tei"))
    middle = article_div(root, "id-2")
    notes = middle.findall("t:note", NS)
    assert [(n.get("type"), n.get("subtype"), n.get("n"), n.text) for n in notes] == [
        ("jump", "from", "1", "(Continued from Page 1)"),
        ("jump", "to", "A12", "See COUNCIL, A12"),
    ]
    assert middle[0] is notes[0] and middle[-1] is notes[1]
    final = article_div(root, "a3")
    assert children(final) == [("head", "kicker"), ("head", "sub"), ("note", "jump"), ("p", None)]


def test_tei_chain_parts_point_at_each_other() -> None:
    root = parse_tei(render(sample_document(), "tei"))
    articles = root.findall("t:text/t:body/t:div[@type='article']", NS)
    chain = [(d.get(XML_ID), d.get("part"), d.get("prev"), d.get("next")) for d in articles]
    assert chain == [
        ("a1", "I", None, "#id-2"),
        ("id-2", "M", "#a1", "#a3"),
        ("a3", "F", "#id-2", None),
        ("a4", None, None, None),
        ("a5", None, None, None),
    ]
    ids = {d.get(XML_ID) for d in articles}
    pointers = {d.get(attr) for d in articles for attr in ("prev", "next")} - {None}
    assert {p[1:] for p in pointers if p} <= ids


def test_tei_ids_are_made_valid_in_one_way() -> None:
    doc = Document("s", "", "latin", (Article("3 x", (), next="a/b"), Article("a/b", (), prev="3 x")))
    root = assert_valid_tei(render(doc, "tei"))
    first, second = root.findall(".//t:div[@type='article']", NS)
    assert (first.get(XML_ID), first.get("next")) == ("id-3_x", "#a_b")
    assert (second.get(XML_ID), second.get("prev")) == ("a_b", "#id-3_x")


def test_tei_furniture_comes_first_as_anonymous_blocks() -> None:
    root = parse_tei(render(sample_document(), "tei"))
    body = one(root, "t:text/t:body")
    furniture = body[0]
    assert (furniture.get("type"), children(furniture)) == ("furniture", [("ab", None), ("ab", None)])
    assert [(ab.get("n"), ab.text) for ab in furniture] == [
        ("L100-L100", "THE EVENING STAR, WASHINGTON"),
        ("L101-L101", "Page 3"),
    ]


def test_tei_every_block_element_carries_its_source_lines() -> None:
    root = parse_tei(render(sample_document(), "tei"))
    body = one(root, "t:text/t:body")
    elements = select(body, ".//t:p | .//t:head | .//t:dateline | .//t:byline | .//t:ab")
    assert elements and all(re.fullmatch(r"L\d+-L\d+", e.get("n", "")) for e in elements)
    lead = one(article_div(root, "a1"), "t:p")
    assert lead.get("n") == "L6-L7"


# Each edit turns valid output into something reflow never emits: the schema must refuse it.
NOT_EMITTED = [
    ('<head type="kicker"', '<head type="other"'),
    ('<head type="main" n="L2-L2">', "<head>"),
    ('<p n="L9-L9">', "<p>"),
    ('<p n="L9-L9">', '<p n="9-9">'),
    ('subtype="to"', 'subtype="sideways"'),
    ('<note type="jump"', '<note type="editorial"'),
    ('<div type="section">', '<div type="chapter">'),
    ('<div type="furniture">', '<div type="furniture"><fw type="header">x</fw>'),
    ('part="I" ', ""),
    ('part="F"', 'part="I"'),
    ('xml:id="a4"', 'xml:id="a4" rend="bold"'),
    ('xml:lang="und"', ""),
    ("<byline ", '<byline rend="italic" '),
]


@pytest.mark.parametrize(("old", "new"), NOT_EMITTED)
def test_tei_schema_is_closed(old: str, new: str) -> None:
    output = render(sample_document(), "tei")
    assert old in output
    assert not rng_accepts(output.replace(old, new, 1))


def test_tei_dtd_check_is_real() -> None:
    """The DTD catches what TEI forbids: a paragraph after a nested section, an undeclared element."""
    output = render(sample_document(), "tei")
    late = output.replace("</div>\n        <note", '</div>\n        <p n="L1-L1">late</p>\n        <note', 1)
    assert late != output and not dtd_accepts(late)
    assert not dtd_accepts(output.replace('<div type="furniture">', '<fw type="header">x</fw><div>', 1))


# --- HTML ----------------------------------------------------------------------------------------


def test_html_page_head() -> None:
    output = render(sample_document(), "html")
    assert output.startswith('<!DOCTYPE html>\n<html lang="und">\n')
    page = parse_html(output)
    assert page.xpath("/html/head/meta/@charset") == ["utf-8"]
    assert page.findtext("head/title") == "star-1916-11-08.txt"
    assert page.xpath("/html/head/style/text()")
    assert parse_html(render(EMPTY, "html")).get("lang") == "zh"


def test_html_article_header_with_headline() -> None:
    page = parse_html(render(sample_document(), "html"))
    article = page.get_element_by_id("a1")
    assert article.tag == "article"
    header = article.find("header")
    assert [(e.tag, e.get("class")) for e in header] == [("hgroup", None), ("p", "dateline"), ("p", "byline")]
    assert [(e.tag, e.get("class"), e.text) for e in header.find("hgroup")] == [
        ("p", "kicker", "CITY HALL"),
        ("h1", None, "Council votes"),
        ("p", "subtitle", "— budget passes 7 to 2"),
    ]
    assert header.find("p[@class='dateline']").get("data-lines") == "4-4"


def test_html_article_without_headline_has_no_hgroup() -> None:
    page = parse_html(render(sample_document(), "html"))
    final = page.get_element_by_id("a3")
    assert not final.xpath(".//hgroup")
    assert [(e.tag, e.get("class")) for e in final.find("header")] == [("p", "kicker"), ("p", "subtitle")]
    assert page.get_element_by_id("a5").find("header") is None


def test_html_body_blocks_headings_and_jumps() -> None:
    page = parse_html(render(sample_document(), "html"))
    front = page.get_element_by_id("a1")
    assert [(e.tag, e.get("class")) for e in front[1:]] == [
        ("p", None),
        ("h2", None),
        ("p", None),
        ("h3", None),
        ("p", None),
        ("h2", None),
        ("p", None),
        ("p", "jump"),
    ]
    assert front.get("data-continues-on") == "A9" and front.get("data-continued-from") is None
    assert front.get("data-next") == "id-2" and front.get("data-prev") is None
    middle = page.get_element_by_id("id-2")
    assert middle.get("data-continued-from") == "1" and middle.get("data-continues-on") == "A12"
    jumps = middle.xpath("p[@class='jump']")
    assert [(j.get("data-direction"), j.get("data-page"), j.text) for j in jumps] == [
        ("from", "1", "(Continued from Page 1)"),
        ("to", "A12", "See COUNCIL, A12"),
    ]
    assert middle[0] is jumps[0] and middle[-1] is jumps[1]
    assert page.get_element_by_id("a4").find("h4").text == "Deep first"


def test_html_every_block_element_carries_its_source_lines() -> None:
    page = parse_html(render(sample_document(), "html"))
    elements = page.xpath("//body//p | //body//h1 | //body//h2 | //body//h3 | //body//h4")
    assert elements and all(re.fullmatch(r"\d+-\d+", e.get("data-lines")) for e in elements)
    assert [p.text for p in page.xpath("//aside[@class='furniture']/p")] == [
        "THE EVENING STAR, WASHINGTON",
        "Page 3",
    ]


def test_html_escapes_markup_in_text_and_attributes() -> None:
    nasty = "<script>alert(\"x\")</script> & 'quoted'"
    article = Article("a1", (para(nasty, 1),), jumps=(Jump("to", '"><b>', 2, nasty),))
    output = render(Document(nasty, "", "latin", (article,)), "html")
    page = parse_html(output)
    assert not page.xpath("//script | //b")
    assert page.findtext("head/title") == nasty
    assert page.xpath("//article/p[1]")[0].text == nasty
    assert page.get_element_by_id("a1").get("data-continues-on") == '"><b>'


# --- JSON ----------------------------------------------------------------------------------------

ARTICLE_KEYS = [
    "id",
    "headline",
    "kicker",
    "subheadline",
    "dateline",
    "byline",
    "continued_from",
    "continues_on",
    "prev",
    "next",
    "jumps",
    "stack",
    "blocks",
]
OPTIONAL_TEXT = ARTICLE_KEYS[1:10]


def test_json_has_the_documented_shape() -> None:
    data = json.loads(render(sample_document(), "json"))
    assert list(data) == ["source", "ruleset", "encoding", "furniture", "articles"]
    assert data["encoding"] is None  # the document was made from text, not bytes
    assert (data["source"], data["ruleset"]) == ("star-1916-11-08.txt", "latin")
    for article in data["articles"]:
        assert list(article) == ARTICLE_KEYS
        assert isinstance(article["id"], str)
        assert all(article[key] is None or isinstance(article[key], str) for key in OPTIONAL_TEXT)
        for jump in article["jumps"]:
            assert list(jump) == ["direction", "page", "line", "text"]
            assert jump["direction"] in ("from", "to") and isinstance(jump["line"], int)
        for item in article["stack"]:
            assert list(item) == ["type", "text", "lines", "spans", "offsets"]
            assert item["type"] in ("kicker", "headline", "subheadline", "dateline", "byline")
            assert item["text"] == article[item["type"]]
        for item in article["blocks"]:
            keys = (
                ["type", "level", "text", "lines", "spans", "offsets"] if item["type"] == "heading" else None
            )
            assert list(item) == (keys or ["type", "text", "lines", "spans", "offsets"])
            assert item["type"] in ("paragraph", "heading")
            assert isinstance(item["text"], str)
            assert len(item["lines"]) == 2 and all(isinstance(n, int) for n in item["lines"])
            assert all(len(span) == 2 and span[0] < span[1] for span in item["spans"])
    for item in data["furniture"]:
        assert list(item) == ["type", "text", "lines", "spans", "offsets"] and item["type"] == "furniture"


def test_json_values_map_the_document() -> None:
    data = json.loads(render(sample_document(), "json"))
    front, middle, _, brief, empty = data["articles"]
    assert {key: front[key] for key in OPTIONAL_TEXT} == {
        "headline": "Council votes",
        "kicker": "CITY HALL",
        "subheadline": "— budget passes 7 to 2",
        "dateline": "AUSTIN, Texas (AP) —",
        "byline": "By Jane Roe",
        "continued_from": None,
        "continues_on": "A9",
        "prev": None,
        "next": "2",
    }
    assert (middle["id"], middle["prev"], middle["next"], middle["continued_from"]) == ("2", "a1", "a3", "1")
    assert front["blocks"][1] == {
        "type": "heading",
        "level": 1,
        "text": "Background",
        "lines": [8, 8],
        "spans": [[800, 810]],
        "offsets": [[0, 800, 10]],
    }
    assert front["blocks"][0]["lines"] == [6, 7]
    assert brief["blocks"][0]["level"] == 3
    assert empty["blocks"] == [] and empty["headline"] is None


def test_json_spans_merge_adjacent_pieces_and_skip_inserted_text() -> None:
    pieces = (
        Piece("Hyphen", 0, 6),
        Piece("ated", 8, 12),  # after a removed "-\n"
        Piece(" ", 12, 12),  # inserted
        Piece("word", 13, 17),
        Piece("s", 17, 18),
        Piece("x", 30, 31),
    )
    paragraph = Block(BlockKind.PARAGRAPH, pieces, 1, 2)
    assert source_spans(paragraph) == [[0, 6], [8, 12], [13, 18], [30, 31]]
    data = json.loads(render(Document("s", "", "latin", (Article("a1", (paragraph,)),)), "json"))
    assert data["articles"][0]["blocks"][0]["spans"] == [[0, 6], [8, 12], [13, 18], [30, 31]]
    assert data["articles"][0]["blocks"][0]["text"] == "Hyphenated wordsx"
    assert data["articles"][0]["blocks"][0]["offsets"] == [
        [0, 0, 6],
        [6, 8, 4],
        [10, None, 1],
        [11, 13, 5],
        [16, 30, 1],
    ]


def test_json_keeps_non_ascii_readable() -> None:
    doc = Document("报.txt", "", "zh-newspaper", (Article("a1", (para("新华社北京11月22日电", 1),)),))
    assert "新华社北京11月22日电" in render(doc, "json")


# --- text ----------------------------------------------------------------------------------------


def test_text_one_block_per_line_and_blank_line_between_articles() -> None:
    doc = sample_document()
    doc = Document(doc.source_name, "", doc.ruleset, doc.articles[:4], furniture=doc.furniture)
    assert render(doc, "text") == (
        "CITY HALL\nCouncil votes\n— budget passes 7 to 2\nAUSTIN, Texas (AP) —\nBy Jane Roe\n"
        "Lead & <intro> paragraph.\nBackground\nFirst section text.\nDetail\nSubsection text.\n"
        "Outlook\nSecond section text.\n"
        "\n"
        "Middle part.\n"
        "\n"
        "COUNCIL\ncontinued\nFinal part.\n"
        "\n"
        "Deep first\nUnder a skipped level.\n"
    )


def test_text_line_breaks_inside_a_block_become_spaces() -> None:
    doc = Document("s", "", "latin", (Article("a1", (para("one\ntwo\r\nthree\u2028four", 1),)),))
    assert render(doc, "text") == "one two three four\n"


# --- the escape helpers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("plain", "plain"),
        ("\x00", "\ufffd"),
        ("\x08\x0b\x0c\x1f", "\ufffd" * 4),
        ("\ud800\udfff", "\ufffd\ufffd"),
        ("\ufffe\uffff", "\ufffd\ufffd"),
        ("\t\n\r", "\t\n\r"),
        ("\x7f\x85\ue000\U0001f600\U0010ffff", "\x7f\x85\ue000\U0001f600\U0010ffff"),
    ],
)
def test_clean_replaces_what_xml_forbids(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned


def test_markup_escapes_survive_a_parser_round_trip() -> None:
    value = "a\tb\nc\rd & <e> \"f\" 'g'"
    element = etree.fromstring(f'<x a="{markup_attr(value)}">{markup_text(value)}</x>')
    assert (element.get("a"), element.text) == (value, value)


def test_one_line_leaves_no_line_boundary() -> None:
    assert one_line("a\nb\rc\r\nd\x85e\u2028f\u2029g\x0bh\x0ci\x1cj").splitlines() == [
        "a b c d e f g\ufffdh\ufffdi\ufffdj"
    ]


# --- any text at all -----------------------------------------------------------------------------

NASTY = [
    "\x00",
    "\ud800",
    "\udfff",
    "\ufffe",
    "\uffff",
    "\r",
    "\r\n",
    "\x85",
    "\u2028",
    "]]>",
    "&",
    "<",
    '"',
    "'",
    "\x0b",
    "\x1f",
    "\x7f",
    "\x9f",
    "&#13;",
    "\t",
    " ",
]
any_text = st.lists(
    st.one_of(
        st.text(st.characters(exclude_categories=())),
        st.text(st.characters(categories=["Cs", "Cc", "Zl", "Zp"])),
        st.sampled_from(NASTY),
    ),
    max_size=6,
).map("".join)


@st.composite
def documents(draw: st.DrawFn) -> Document:
    def text_block(kind: BlockKind, line: int, level: int = 0) -> Block:
        return Block(kind, (Piece(draw(any_text), line, line + 1),), line, line, level=level)

    article = Article(
        draw(any_text),
        (
            text_block(BlockKind.PARAGRAPH, 10),
            text_block(BlockKind.HEADING, 11, draw(st.integers(0, 7))),
            text_block(BlockKind.PARAGRAPH, 12),
        ),
        headline=text_block(BlockKind.HEADLINE, 2),
        kicker=draw(st.none() | st.just(text_block(BlockKind.KICKER, 1))),
        byline=text_block(BlockKind.BYLINE, 3),
        jumps=(
            Jump("from", draw(any_text), 4, draw(any_text)),
            Jump("to", draw(any_text), 13, draw(any_text)),
        ),
        prev=draw(st.none() | any_text),
        next=draw(st.none() | any_text),
    )
    furniture = (text_block(BlockKind.FURNITURE, 20),)
    return Document(draw(any_text), "", draw(any_text), (article,), furniture=furniture)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_any_text_gives_valid_deterministic_output(document: Document) -> None:
    article = document.articles[0]
    paragraph = article.blocks[0].text

    tei = render(document, "tei")
    root = assert_valid_tei(tei)
    assert article.headline is not None
    assert (one(root, ".//t:div[@type='article']/t:p").text or "") == clean(paragraph)
    assert (one(root, ".//t:head[@type='main']").text or "") == clean(article.headline.text)

    page = parse_html(render(document, "html"))
    assert len(page.xpath("//article")) == 1
    assert (page.xpath("//article/p[not(@class)]")[0].text or "") == clean(paragraph)

    data = json.loads(render(document, "json").encode("utf-8"))
    assert data["articles"][0]["blocks"][0]["text"] == clean(paragraph)
    assert data["articles"][0]["headline"] == clean(article.headline.text)

    text = render(document, "text")
    text.encode("utf-8")
    stack = 3 if article.kicker is not None else 2
    assert len(text.splitlines()) == stack + len(article.blocks)

    for fmt in FORMATS:
        assert render(document, fmt) == render(document, fmt)
