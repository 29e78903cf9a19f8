"""Whole-pipeline cases for behaviour that mutation testing (``tools/mutate.py``, see docs/mutation.md)
found unguarded: input dump in, expected articles, blocks and explain log out.

They are written against what a reader of the page expects (and what the rule files and docstrings
promise), not against reflow's current output, so they stay valid when the passes behind them change.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import pytest
import regex

from reflow import Document, convert, load_ruleset
from reflow.decode import decode
from reflow.model import Block
from reflow.pipeline import convert as convert_with_roles
from reflow.render import render
from reflow.render._escape import markup_attr, markup_text
from reflow.ruleset import RuleSet
from reflow.stages import BREAK_PASSES
from tests.strategies import HAN

ROOT = Path(__file__).resolve().parent.parent
ZH = load_ruleset("zh-passes")  # the break and structure passes, one by one
LATIN = load_ruleset("latin")
FIXTURE_INPUTS = sorted((ROOT / "fixtures").glob("*/input.txt"))


def fixture_document(path: Path) -> Document:
    rules = "latin" if path.parent.name.startswith("en-") else "zh-passes"
    return convert(path.read_text(encoding="utf-8"), load_ruleset(rules))


def page_roles(page: str, roles: dict[int, str]) -> dict[int, str]:
    """Gold roles for every non-blank line of ``page`` (0-based): ``roles``, the others ``para_cont``."""
    return {k: "para_cont" for k, line in enumerate(page.split("\n")) if line.strip()} | roles


def body_texts(document: Document) -> list[str]:
    return [block.text for article in document.articles for block in article.blocks]


# --- the explain log ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FIXTURE_INPUTS, ids=[p.parent.name for p in FIXTURE_INPUTS])
def test_every_gap_is_decided_by_a_named_break_pass_that_says_why(path: Path) -> None:
    """One break or join edit per gap between two non-blank lines, each naming a real pass and a reason."""
    document = fixture_document(path)
    decided = [e for e in document.edits if e.action in ("break", "join", "heal-column-break")]
    decided = [e for e in decided if not e.rule.startswith("articles.")]  # the stitch joins two articles
    assert decided
    for edit in decided:
        assert edit.rule in {*BREAK_PASSES, "breaks.continue"}, edit
        assert edit.note.strip(), edit


@pytest.mark.parametrize("path", FIXTURE_INPUTS, ids=[p.parent.name for p in FIXTURE_INPUTS])
def test_text_an_edit_removes_is_not_in_the_body(path: Path) -> None:
    """What an edit says it removed (a marker, a headline line moved to the stack, a dateline) is gone from
    the article bodies: no body piece copies a non-blank character of a removed span."""
    document = fixture_document(path)
    in_body = set()
    for article in document.articles:
        for block in article.blocks:
            for piece in block.pieces:
                if piece.text == document.source[piece.start : piece.end]:
                    in_body.update(range(piece.start, piece.end))
    for edit in document.edits:
        if edit.removed:
            shown = {i for i in range(edit.start, edit.end) if not document.source[i].isspace()}
            assert not shown & in_body, edit


def test_numbered_headings_stay_in_the_body_and_their_edits_remove_nothing() -> None:
    """The sample's six numbered sections: each heading is a body block, and its edit removes nothing."""
    document = fixture_document(ROOT / "fixtures" / "zh-daily-2020-11-23" / "input.txt")
    headings = [b for a in document.articles for b in a.blocks if b.rule.startswith("headings.numbered")]
    assert [b.text[:2] for b in headings][:6] == ["一、", "二、", "三、", "四、", "五、", "六、"]
    edits = [e for e in document.edits if e.action == "heading"]
    assert len(edits) >= 6
    assert all(e.removed == "" for e in edits)


def test_a_join_after_chinese_punctuation_is_a_cjk_join() -> None:
    """``，`` at a line end before a Latin word: glued without a space, as CJK text is (join.cjk)."""
    text = (
        "王毅表示，继出席联合国成立75周年系列高级别会议之后，主席结合中国统筹疫情防控\n"
        "和经济社会发展、率先实现复工复产和恢复经济增长的成功实践，\n"
        "Apple Watch等新品在全球各地陆续上市销售，受到各国消费者的广泛\n"
        "欢迎和好评。\n"
    )
    document = convert(text, ZH)
    (join,) = [e for e in document.edits if document.source.startswith("Apple", e.end)]
    assert (join.action, join.inserted) == ("join", "")
    assert "join.cjk" in join.note


# --- joins ----------------------------------------------------------------------------------------------


def test_a_byline_broken_after_the_reporters_title_gets_its_space_back() -> None:
    """join.spaced: the dateline grammar sets a space after 记者 and after a name before 通讯员; a line broken
    there loses it, and the join puts it back (the byline is then the one printed); running text is not
    touched."""
    text = (
        "本报讯（记者 张国洋 通讯员\n"
        "肖海旭）12月3日上午，满载\n"
        "果蔬的冷链专列驶出。本报\n"
        "记者从铁路部门了解到，这\n"
        "是今年的第三趟专列。记者\n"
        "了解到，专列全程恒温。\n"
    )
    article = convert(text, ZH).articles[0]
    assert article.byline is not None and article.byline.text == "记者 张国洋 通讯员 肖海旭"
    assert article.blocks[0].text.endswith(
        "本报记者从铁路部门了解到，这是今年的第三趟专列。记者了解到，专列全程恒温。"
    )
    document = convert(text, ZH)
    spaced = [e for e in document.edits if "join.spaced" in e.note]
    assert [(e.first_line, e.last_line, e.inserted) for e in spaced] == [(1, 2, " ")]


def test_a_byline_set_on_two_lines_is_one_byline_and_the_text_under_it_stays_in_the_body() -> None:
    """corpus/slice/dev/xe-00164 (lines 43-45): 本报记者 毛庆晓 / 本报通讯员 蒋军, both read as byline lines,
    are one byline (joined with its space); the editor's note the decoder ran on from it is body text."""
    case = ROOT / "corpus" / "slice" / "dev" / "xe-00164"
    document = convert((case / "input.txt").read_text("utf-8"), load_ruleset("zh-newspaper"))
    (article,) = [a for a in document.articles if a.byline and "毛庆晓" in a.byline.text]
    assert article.byline is not None and article.byline.text == "本报记者 毛庆晓 本报通讯员 蒋军"
    assert any("条消息背后" in block.text for block in article.blocks)


def test_a_letter_spaced_dateline_is_found_and_printed_without_its_spaces() -> None:
    """dev/rl-00110: a justified line came out of pdftotext letter-spaced (新 竹 15 日 电 ）); the dateline
    rules match it once the spaces of its first characters are set aside, the dateline keeps its own
    characters only (each space deleted with an edit), and the body starts after its bracket."""
    text = (
        "（中央社记者汪鑫帅\n"
        "新 竹 15 日 电 ） 11 月 16\n"
        "日晚，校园歌会在仙林校区\n"
        "举行，数百名师生到场观看\n"
        "演出。歌会由学生会主办，\n"
        "共有十二个节目。\n"
    )
    document = convert(text, ZH)
    (article,) = document.articles
    assert article.dateline is not None and article.dateline.text == "中央社记者汪鑫帅新竹15日电"
    assert article.blocks[0].text.startswith("11月16日晚，校园歌会")
    deleted = [e for e in document.edits if e.rule == "paragraphs.letter_spacing" and e.first_line == 2]
    # the spaces between two Han characters (新 竹, 日 电); those next to digits went in normalisation
    assert [text[e.start - 1 : e.end + 1] for e in deleted] == ["新 竹", "日 电"]


def test_a_byline_letter_spaced_after_a_dateline_found_as_it_is_is_cut_too() -> None:
    """dev/xe-00140: in a narrow column the dateline comes out whole (新华社苏州8月16日电) but its byline
    letter-spaced (（记 者 / 贺 健 永）); the letter-spaced reading reaches further and wins, so the byline is
    cut from the body and the article's text starts where the gold's does."""
    text = "新华\n社苏州 8\n月 16 日\n电 （记 者\n贺 健 永）\n看病排队\n时间长、检\n查结果不互\n认。\n"
    (article,) = convert(text, ZH).articles
    assert article.dateline is not None and article.dateline.text == "新华社苏州8月16日电"
    assert article.byline is not None and article.byline.text.replace(" ", "") == "记者贺健永"
    assert [block.text for block in article.blocks] == ["看病排队时间长、检查结果不互认。"]


#: dev/rl-00213, lines 1-40 (headlines inside): the stack is printed after the lead paragraphs
INSIDE_PAGE = (
    "教育 江南晨报 2024年2月17日\n"
    "\n"
    "江南晨报\n"
    "JIANGNAN MORNING POST\n"
    "\n"
    "新华社贵阳2月17日电 初冬时节，闽\n"
    "北山区层林尽染。在福建省南平市建瓯市东\n"
    "峰镇的竹林里，伐竹工人正把一根根毛竹顺\n"
    "着索道运下山。山脚下的加工园区内机器轰\n"
    "鸣，这些毛竹几天后将变成竹地板、竹餐具，\n"
    "甚至是可以替代塑料的竹纤维包装材料。\n"
    "建瓯现有竹林面积约140万亩，竹子是\n"
    "当地农民增收的重要来源。过去，竹子大多\n"
    "以原竹形式低价外销，“一根竹子卖十几元，\n"
    "山上砍得辛苦，钱却赚得不多”。近年来，\n"
    "当地围绕竹材精深加工做文章，去年竹产业\n"
    "全链条产值达到106亿元，比5年前翻了一番。\n"
    "\n"
    "县域经济观察\n"
    "\n"
    "一根竹子撑起百亿产业\n"
    "——福建建瓯延伸竹产业链见闻\n"
    "\n"
    "一、从卖原竹到卖产品\n"
    "走进园区内的青岚竹业有限公司，车间\n"
    "里一条全自动竹片刨切线正在运转。公司总\n"
    "经理詹立新介绍，过去一根毛竹的利用率不\n"
    "\n"
    "到 40%，如今通过重组竹、竹集成材等工艺，\n"
    "竹梢、竹屑都能派上用场，综合利用率提高\n"
    "到 90% 以上。\n"
    "“同样一根竹子，做成竹地板能卖到原\n"
    "来的 6 倍。”詹立新说，公司产品六成销往\n"
    "\n"
    "欧美和日韩市场，今年的订单已经排到明年\n"
    "3 月。\n"
    "\n"
    "二、链条长了，竹农的路宽了\n"
    "\n"
    "产业链延伸，带动的不只是企业。东峰\n"
)


def test_a_stack_printed_inside_its_article_does_not_split_it() -> None:
    """headlines.inside: the stack went to the lead paragraphs above it, and the text under it (a section
    heading, no dateline) got none: it goes on the same article, and the split at the stack is undone."""
    rules = load_ruleset("zh-newspaper")
    document = convert(INSIDE_PAGE, rules)
    (article,) = [a for a in document.articles if a.blocks]
    assert article.headline is not None and article.headline.text == "一根竹子撑起百亿产业"
    assert [b.text[:9] for b in article.blocks[1:3]] == ["建瓯现有竹林面积约", "一、从卖原竹到卖产"]
    inside = [(e.first_line, e.last_line) for e in document.edits if e.rule == "headlines.inside"]
    assert inside == [(17, 24)]
    assert not [e for e in document.edits if e.rule == "articles.split" and e.first_line == 19]
    off = dataclasses.replace(rules, disabled=frozenset({"headlines.inside"}))
    assert len([a for a in convert(INSIDE_PAGE, off).articles if a.blocks]) == 2


#: dev/rl-00123, lines 60-143 (headlines below their bodies): pdftotext printed the title of the notice
#: above (乡村振兴看变化 / “同学小文”栏目征稿启事) after the first paragraph of the next story, whose own
#: title (聚焦秋粮丰收 / 千亩良田迎丰年) is printed under its body
INTERLOPER_PAGE = (
    "压缩到一个窗口、20 个工作日内办\n"
    "\n"
    "加装电梯涉及规划、住建、市场\n"
    "监管、供电、燃气等多个部门，也牵\n"
    "\n"
    "一些地方的探索值得借鉴。比如\n"
    "\n"
    "（新华社记者 龙海 摄）\n"
    "\n"
    "( 下转第三版)\n"
    "\n"
    "聚焦老旧小区改造\n"
    "\n"
    "化解加装电梯难题 需要耐心更需要办法\n"
    "紫藤学社发布\n"
    "\n"
    "的稿件将在”紫藤学社”微信公众号\n"
    "发表。优秀投稿者将有机会获得丰厚\n"
    "奖品，且稿件有机会被录入《紫藤学\n"
    "\n"
    "征文要求：主题不限，投稿时间\n"
    "自由，格式请遵循学术规范，被收录\n"
    "\n"
    "刊》杂志。\n"
    "\n"
    "至zitengxueshe@ 126.com。\n"
    "\n"
    "投稿方式：请以【同学小文-姓\n"
    "名-学号-学院】为主题, 将稿件发送\n"
    "\n"
    "“同学小文”栏目介绍与其他详\n"
    "情请查看\n"
    "\n"
    "【新华社杭州二十日电】十月初\n"
    "的豫东平原，秋风送爽，金黄的玉米\n"
    "地一望无际。在商丘市柘原县孟庄镇\n"
    "的高标准农田示范区里，几台大型收\n"
    "获机来回穿梭，摘穗、剥皮、脱粒一\n"
    "气呵成，运粮车在田头排起长队。今\n"
    "年，这片连片整治的3.2万亩农田玉\n"
    "米平均亩产达到612公斤，比改造前\n"
    "提高了近15%。\n"
    "\n"
    "乡村振兴看变化\n"
    "\n"
    "“同学小文”栏目征稿启事\n"
    "\n"
    "“过去地块零碎，浇一遍水要排\n"
    "好几天队，现在井电双配、\n"
    "管道到田，\n"
    "手机上点一下就能灌溉。”种粮大户\n"
    "周海生一边查看刚脱下的玉米粒，一\n"
    "边算起账来。他流转了680亩土地，\n"
    "今年扣除地租、农资和机械费用，每\n"
    "亩净收益预计比去年多出180元左右。\n"
    "\n"
    "田成方渠相通\n"
    "柘原县地处黄淮海平原腹地，是\n"
    "传统产粮大县，常年粮食播种面积稳\n"
    "定在160万亩以上。然而长期以来，\n"
    "当地不少农田存在田块小、沟渠淤、\n"
    "道路窄等问题，“靠天吃饭”的局面\n"
    "没有根本改变。2022年起，县里把高\n"
    "标准农田建设作为稳产增产的“头号\n"
    "工程”，整合涉农资金4.6亿元，按\n"
    "照“宜机化、节水化、数字化”标准\n"
    "集中连片推进改造。\n"
    "\n"
    "县农业农村局副局长韩立群介\n"
    "绍，改造工程统一实施土地平整、灌\n"
    "排配套、田间道路、农田防护和土壤\n"
    "改良，截至目前全县已累计建成高标\n"
    "准农田98万亩，新打和修复机井3100\n"
    "余眼，铺设地下输水管道2400多公里。\n"
    "“田块平整了，大机器能开进去了，\n"
    "一台收获机一天能收200多亩，效率\n"
    "是过去的好几倍。”\n"
    "\n"
    "聚焦秋粮丰收\n"
    "\n"
    "千亩良田迎丰年\n"
    "——河南柘原县推进高\n"
    "标准农田建设见闻\n"
    "\n"
)


#: The gold roles of INTERLOPER_PAGE's lines (0-based) other than the lines that go on a paragraph.
INTERLOPER_ROLES = {
    **dict.fromkeys((2, 5, 14, 20, 27, 30, 33, 47, 57, 68), "para_start"),
    **dict.fromkeys((11, 43, 78), "kicker"),
    **dict.fromkeys((13, 45, 80), "headline"),
    **dict.fromkeys((81, 82), "subtitle"),
    7: "caption",
    9: "marker",
    56: "heading",
}


def test_a_stack_printed_inside_another_article_does_not_split_it() -> None:
    """headlines.inside: the notice's stack went to the notice above it, past the lead paragraph (with
    its dateline) of the next story; the text under the stack got the stack printed under it. Lead and
    text are one article, headed by that stack, and the split at the notice's stack is undone. The lines
    get their gold roles (what assembly is given is then the page's truth, whatever the weights)."""
    rules = load_ruleset("zh-newspaper")
    roles = page_roles(INTERLOPER_PAGE, INTERLOPER_ROLES)
    document = convert_with_roles(INTERLOPER_PAGE, rules, line_roles=roles)
    notice, story = document.articles[1:3]
    assert notice.headline is not None and notice.headline.text == "“同学小文”栏目征稿启事"
    assert story.headline is not None and story.headline.text == "千亩良田迎丰年"
    assert story.dateline is not None and story.dateline.text == "新华社杭州二十日电"
    assert [b.text[:6] for b in story.blocks[:3]] == ["十月初的豫东", "“过去地块零", "田成方渠相通"]
    inside = [(e.first_line, e.last_line) for e in document.edits if e.rule == "headlines.inside"]
    assert inside == [(42, 48)]
    assert not [e for e in document.edits if e.rule == "articles.split" and e.first_line == 44]
    off = dataclasses.replace(rules, disabled=frozenset({"headlines.inside"}))
    apart = convert_with_roles(INTERLOPER_PAGE, off, line_roles=roles).articles
    (lead,) = [a for a in apart if a.blocks and a.blocks[0].text.startswith("十月初")]
    assert lead.headline is None and len(lead.blocks) == 1


#: dev/rl-00365, lines 3-8 and 32-45: pdftotext printed the second story's editor's note between its
#: title and its subtitle, and the subtitle right above the dateline
LEAD_IN_PAGE = (
    "聚焦老旧小区改造\n"
    "\n"
    "化解加装电梯难题\n"
    "需要耐心更需要办法\n"
    "\n"
    "（中央社台中17日电）在不少城市的老旧\n"
    "小区，加装电梯早已不是新鲜话题。\n"
    "\n"
    "县域经济观察\n"
    "\n"
    "一根竹子撑起百亿产业\n"
    "\n"
    "编者按：近期，不少读者来信来电，关心\n"
    "相关活动的安排。本报记者进行了梳理，现将\n"
    "有关情况刊发如下。\n"
    "\n"
    "——福建建瓯延伸竹产业链见闻\n"
    "宝岛日报讯（首席记者 徐文琪）初冬时\n"
    "节，闽北山区层林尽染。在福建省南平市建瓯\n"
    "市东峰镇的竹林里，伐竹工人正把一根根毛竹\n"
    "顺着索道运下山。\n"
)

#: The gold roles of LEAD_IN_PAGE's lines (0-based) other than the lines that go on a paragraph.
LEAD_IN_ROLES = {
    **{0: "kicker", 2: "headline", 3: "headline", 5: "para_start"},
    **{8: "kicker", 10: "headline", 12: "para_start", 16: "subtitle", 17: "para_start"},
}


def test_a_stack_between_a_lead_in_and_its_dateline_does_not_part_them() -> None:
    """articles.split: the subtitle printed between the editor's note and the dateline does not end the
    note's article there; the note, the dateline and the body are one article, whose stack is the
    title above the note with the subtitle folded in (not an article headed by the subtitle alone)."""
    rules = load_ruleset("zh-newspaper")
    roles = page_roles(LEAD_IN_PAGE, LEAD_IN_ROLES)
    document = convert_with_roles(LEAD_IN_PAGE, rules, line_roles=roles)
    story = document.articles[-1]
    assert story.headline is not None and story.headline.text == "一根竹子撑起百亿产业"
    assert story.kicker is not None and story.kicker.text == "县域经济观察"
    assert story.subheadline is not None and story.subheadline.text == "——福建建瓯延伸竹产业链见闻"
    assert story.dateline is not None and story.dateline.text == "宝岛日报讯"
    assert [b.text[:5] for b in story.blocks] == ["编者按：近", "初冬时节，"]
    assert not any(a.headline is not None and a.headline.text.startswith("——") for a in document.articles)


#: dev/rl-00086, lines 3-33 (titles beside their bodies): the first notice's title is printed under its
#: body and the second's above its body, one run of two stacks between the two texts
BESIDE_PAGE = (
    "校园新气象\n"
    "\n"
    "（中央社记者潘红勇基隆 15 日电）\n"
    "2024 年 11 月 18-28 日，鼓楼校区周一、\n"
    "\n"
    "三，仙林校区周二、四，上午 8: 00—11：\n"
    "00（具体时间段、地点请自行网上选择）\n"
    "\n"
    "体检地点：仙林校医院二楼或鼓楼校\n"
    "医院一楼\n"
    "\n"
    "体检对象：所有在校学生( 自愿参加\n"
    ")\n"
    "\n"
    "关于2024年下半年开展在校\n"
    "学生体检的通知\n"
    "——看昆明如何破解难题\n"
    "\n"
    "ll剧观众招募\n"
    "——相关负责人答记者问\n"
    "\n"
    "演出时间：\n"
    "11月23日\n"
    "19: 00《樱桃园》\n"
    "\n"
    "20: 30《暗恋桃花源》\n"
    "11月24日\n"
)

#: The gold roles of BESIDE_PAGE's lines (0-based) other than the lines that go on a paragraph.
BESIDE_ROLES = {
    **{0: "kicker", 14: "headline", 15: "headline", 16: "subtitle", 18: "headline", 19: "subtitle"},
    **dict.fromkeys((2, 8, 11, 21, 22, 23, 25, 26), "para_start"),
}


def test_a_run_of_two_stacks_between_two_texts_may_head_one_each() -> None:
    """headlines.attach: of a run of two stacks between two texts, the first may head the text above
    (printed under its body) and the second the text below (printed above it) at no cost, as well as
    both the text below or both the text above: the shared words decide (体检, 在校学生), though the
    second stack shares a word (记者) with the first text's dateline."""
    rules = load_ruleset("zh-newspaper")
    roles = page_roles(BESIDE_PAGE, BESIDE_ROLES)
    document = convert_with_roles(BESIDE_PAGE, rules, line_roles=roles)
    checkup, play = document.articles
    assert checkup.headline is not None and checkup.headline.text == "关于2024年下半年开展在校学生体检的通知"
    assert checkup.kicker is not None and checkup.kicker.text == "校园新气象"
    assert [b.text[:4] for b in checkup.blocks] == ["2024", "体检地点", "体检对象"]
    assert play.headline is not None and play.headline.text == "ll剧观众招募"
    assert play.blocks[0].text.startswith("演出时间")


#: dev/rl-00072, lines 140-170: the end line （作者单位：江南大学教育研究院） wraps over two lines, the
#: second read as an end line of its own after the article its first line ended
WRAPPED_END_PAGE = (
    "\n"
    "苏州赛区三个赛区，\n"
    "决赛在仙林校区统一\n"
    "举办。三个赛区独立\n"
    "评审，采取相同的赛\n"
    "\n"
    "制与评分标准。\n"
    "\n"
    "报名对象：南京\n"
    "大学全体全日制在校\n"
    "生\n"
    "\n"
    "报名方式：选手\n"
    "可通过院系推荐（每\n"
    "个院系、书院推荐2\n"
    "名）或个人报名的方\n"
    "\n"
    "式参与，并通过线上\n"
    "方式提交稿件及个人\n"
    "演讲视频。报名视频\n"
    "截止时间为2024年11\n"
    "\n"
    "月9日24：00\n"
    "\n"
    "详情见：\n"
    "（作者单位：江南大\n"
    "学教育研究院）\n"
    "\n"
    "- 4 -\n"
    "\n"
    "\n"
)


#: dev/rl-00434, lines 170-196: the same, with a stack printed inside the paragraph above the end line
WRAPPED_END_AFTER_STACK_PAGE = (
    "全省医保电子凭证激\n"
    "活率已达到七成以\n"
    "上。\n"
    "针对老年人等群\n"
    "体，各地医院保留了\n"
    "身份证、社保卡等多\n"
    "种结算方式，并在门\n"
    "诊大厅设置帮办服务\n"
    "\n"
    "医保码全省\n"
    "通用 看病\n"
    "结算更便捷\n"
    "——看北京如何\n"
    "破解难题\n"
    "台。参保人还可以通\n"
    "过家庭账户功能为家\n"
    "人绑定医保码，实现\n"
    "亲情代付，方便子女\n"
    "为父母挂号缴费。\n"
    "（作者为长河经济研\n"
    "究所研究员）\n"
    "\n"
    "编者按：校园是\n"
    "育人的重要阵地。即\n"
    "日起，本版推出系列\n"
    "报道，记录校园里的\n"
    "新变化、新风貌，敬\n"
)


@pytest.mark.parametrize(
    ("page", "rest", "last"),
    [(WRAPPED_END_PAGE, 27, "详情见："), (WRAPPED_END_AFTER_STACK_PAGE, 21, "针对老年人等群体")],
    ids=["after-text", "after-a-stack"],
)
def test_the_rest_of_a_wrapped_end_line_makes_no_empty_article(page: str, rest: int, last: str) -> None:
    """articles.split: the second line of a wrapped end line ends the article its first line ended; it
    starts no article of its own (an article with no text, title, dateline or jump)."""
    document = convert(page, load_ruleset("zh-newspaper"))
    assert rest in [e.first_line for e in document.edits if e.rule == "roles.end_cue"]  # read as an end line
    for article in document.articles:
        assert article.blocks or article.headline or article.dateline or article.jumps, article.id
    assert not any("研究" in text for text in body_texts(document))
    assert any(article.blocks[-1].text.startswith(last) for article in document.articles if article.blocks)


#: dev/rl-00719, lines 6-72 (a title inside the text): the notice's subtitle is printed apart from its
#: title, above the next notice's text
SUBTITLE_APART_PAGE = (
    "文／记者 崔娜刚\n"
    "\n"
    "本期活动预告\n"
    "\n"
    "【订阅方式和加入\n"
    "编辑部】\n"
    "编辑部招聘人\n"
    "才，用爱发电，工作\n"
    "轻松，详情可联系\n"
    "QQ ： 1329527951 客\n"
    "服小祥\n"
    "\n"
    "从本月起，山东\n"
    "全省定点医疗机构和\n"
    "定点药店全面支持医\n"
    "保电子凭证扫码结\n"
    "算，参保群众就医购\n"
    "药时无需携带实体\n"
    "卡，打开手机出示医\n"
    "保码即可完成挂号、\n"
    "缴费和报销。目前，\n"
    "全省医保电子凭证激\n"
    "\n"
    "——看杭州如何破解难题\n"
    "\n"
    "【讲座】\n"
    "1. 苏州交响乐团\n"
    "带你解码《黑神话：\n"
    "\n"
    "悟空》讲师：赵梦雯\n"
    "（苏州交响乐团提琴\n"
    "演奏家）\n"
    "形式：音乐分享\n"
    "\n"
    "课，深入剖析游戏\n"
    "《黑神话：悟空》的\n"
    "背景音乐\n"
    "讲座时间：2024\n"
    "\n"
    "年11月21日（周四）\n"
    "19：00-20：00\n"
    "\n"
    "【乐跑】\n"
    "\n"
    "在 本 日 （ 11 月\n"
    "14 号 ） ， 老 生 若 乐\n"
    "跑仍一次未跑，即使\n"
    "后面全勤，也已经无\n"
    "\n"
    "科技前沿\n"
    "\n"
    "医保码全省通用 看病结算更便捷\n"
    "活率已达到七成以\n"
    "上。\n"
    "针对老年人等群\n"
    "\n"
    "体，各地医院保留了\n"
    "身份证、社保卡等多\n"
    "种结算方式，并在门\n"
    "\n"
    "诊大厅设置帮办服务\n"
    "台。参保人还可以通\n"
    "过家庭账户功能为家\n"
    "\n"
    "人绑定医保码，实现\n"
    "亲情代付，方便子女\n"
    "为父母挂号缴费。\n"
)

#: The gold roles of SUBTITLE_APART_PAGE's lines (0-based) other than the lines that go on a paragraph.
SUBTITLE_APART_ROLES = {
    **{0: "byline", 2: "headline", 23: "subtitle", 49: "kicker", 51: "headline"},
    **dict.fromkeys((4, 5, 25, 42), "heading"),
    **dict.fromkeys((6, 12, 26, 32, 37, 44, 54), "para_start"),
}


def test_a_subtitle_alone_heads_no_article_when_a_title_before_it_lacks_one() -> None:
    """headlines.attach: a subtitle printed apart from its title took the text under it; it gives that
    text up and joins the stack before it on the page, which has a headline and no subtitle. No article
    is headed by a subtitle (a line starting with ——)."""
    rules = load_ruleset("zh-newspaper")
    roles = page_roles(SUBTITLE_APART_PAGE, SUBTITLE_APART_ROLES)
    document = convert_with_roles(SUBTITLE_APART_PAGE, rules, line_roles=roles)
    (notice,) = [a for a in document.articles if a.headline is not None and a.headline.text == "本期活动预告"]
    assert notice.subheadline is not None and notice.subheadline.text == "——看杭州如何破解难题"
    assert not any(a.headline is not None and a.headline.text.startswith("——") for a in document.articles)
    folded = [e for e in document.edits if e.rule == "headlines.attach" and "subtitle alone" in e.note]
    assert [e.first_line for e in folded] == [24]


def test_a_byline_alone_above_a_title_opens_the_article_below() -> None:
    """articles.split: a byline on its own line (文／记者 崔娜刚) above a stack is no article of its own
    (one with only a byline): it opens the article the stack heads, and is that article's byline."""
    rules = load_ruleset("zh-newspaper")
    roles = page_roles(SUBTITLE_APART_PAGE, SUBTITLE_APART_ROLES)
    document = convert_with_roles(SUBTITLE_APART_PAGE, rules, line_roles=roles)
    first = document.articles[0]
    assert first.headline is not None and first.headline.text == "本期活动预告"
    assert first.byline is not None and first.byline.text == "文／记者 崔娜刚"
    assert all(article.blocks for article in document.articles)


#: Dev page rl-00242 (excerpt): two titles set side by side, each wrapped over two lines, which pdftotext
#: printed row by row (首趟冷链果蔬专列 / 假日消费市场 / 从包头发往广州 / 活力足), then both bodies.
SIDE_BY_SIDE_PAGE = (
    "稳外贸 扩内需 促消费\n\n首趟冷链果蔬专列\n\n假日消费市场\n\n从包头发往广州\n\n"
    "活力足\n——写在5月11日之际\n\n"
    "【东方专讯】12 月 3\n日上午，满载土豆、洋葱、\n胡萝卜等果蔬的冷链专列\n从内蒙古包头市一处铁路\n"
    "物流基地驶出，预计 58\n\n小时后抵达广州。这是当\n地首次开行冷链果蔬班\n列，共编组 24 个冷藏集\n"
    "装箱，运载果蔬约 560 吨。\n这些果蔬主要来自包头周\n\n边的固阳、达茂等地的种\n植基地和冷库。\n"
    "据铁路部门介绍，与\n公路运输相比，冷链专列\n全程温度控制在2摄氏度\n\n至5摄氏度之间，每吨运\n"
    "输成本降低约15%。下一\n步，当地将根据货源情况，\n逐步实现每周固定开行。\n\n今年国庆假期，四川\n"
    "省成都市消费市场持续升\n温。据当地商务部门监测，\n假期7天全市重点监测的\n商圈、步行街累计接待客\n"
    "流约2860万人次，同比增\n长18.6%；餐饮、零售重\n点企业销售额同比分别增\n长14.2%和9.8%。\n"
    "文旅融合成为拉动消\n费的新亮点。各大商圈推\n出非遗市集、街头音乐会、\n夜间灯光秀等活动，不少\n"
    "年轻人专程前来“打卡”。\n新能源汽车、智能家电等\n以旧换新商品销售火爆，\n一家家电卖场负责人钟晓\n"
    "雯说，假期店里以旧换新\n订单量比平时增长了近 3\n倍。\n（完）\n"
)

#: The gold roles of SIDE_BY_SIDE_PAGE's lines (0-based) other than the lines that go on a paragraph.
SIDE_BY_SIDE_ROLES = {
    **{0: "kicker", 9: "subtitle", 54: "end_cue"},
    **dict.fromkeys((2, 4, 6, 8), "headline"),
    **dict.fromkeys((11, 25, 34, 43), "para_start"),
}


def test_a_stack_line_regrouped_to_another_title_is_printed_once() -> None:
    """headlines.regroup: 首趟冷链果蔬专列 shares its words with the text the stack of 假日消费市场 heads,
    and moves to that stack. The stack it left heads no article and is printed as an article of its own
    from what is left in it; before, from all its lines, so the moved line was printed twice."""
    rules = load_ruleset("zh-newspaper")
    roles = page_roles(SIDE_BY_SIDE_PAGE, SIDE_BY_SIDE_ROLES)
    document = convert_with_roles(SIDE_BY_SIDE_PAGE, rules, line_roles=roles)
    assert [e.first_line for e in document.edits if e.rule == "headlines.regroup"] == [3]
    printed = Counter(
        char
        for article in document.articles
        for block in (article.kicker, article.headline, article.subheadline, article.dateline, article.byline)
        if block is not None
        for char in block.text
        if not char.isspace()
    )
    printed.update(char for text in body_texts(document) for char in text if not char.isspace())
    source = Counter(char for char in SIDE_BY_SIDE_PAGE if not char.isspace())
    assert {char: n for char, n in printed.items() if n > source[char]} == {}


#: A story jumped from page 1 to page 2, where pdftotext printed another story's title above the
#: continued-from marker (line numbers 0-based; the form feed starts line 7).
JUMPED_PAGE = (
    "市民公园今天开放\n\n本报记者 李华\n市民公园今天上午正式开放，首批游客\n"
    "在园内参观了新建的花卉展区和儿童乐园。公园\n管理处负责人介绍，今年还将\n（下转第2版）\n"
    "\f老城区改造进展顺利\n\n（上接第1版）\n本报记者 王明\n增加三处停车场，方便市民前来游览。\n"
)
JUMPED_ROLES = {
    **{0: "headline", 7: "headline", 11: "para_start"},
    **dict.fromkeys((2, 10), "byline"),
    **dict.fromkeys((6, 9), "marker"),
    3: "para_start",
}


def test_stitching_a_jump_keeps_the_second_halfs_title_and_byline() -> None:
    """articles.stitch: the half on page 2 got a stack and a byline of its own, and the half on page 1 has
    both already. The stitched article keeps page 1's; page 2's title stays an article of its own (no
    text) and its byline a paragraph where the half begins, recorded. Before, both were dropped: their
    characters were in no output and no edit said why."""
    rules = load_ruleset("zh-newspaper")
    document = convert_with_roles(JUMPED_PAGE, rules, line_roles=page_roles(JUMPED_PAGE, JUMPED_ROLES))
    first, title = document.articles
    assert first.headline is not None and first.headline.text == "市民公园今天开放"
    assert first.byline is not None and first.byline.text == "本报记者 李华"
    assert [b.text for b in first.blocks][1:] == ["本报记者王明", "增加三处停车场，方便市民前来游览。"]
    assert title.headline is not None and title.headline.text == "老城区改造进展顺利" and not title.blocks
    kept = [e for e in document.edits if e.rule == "articles.stitch" and e.action == "keep"]
    assert [e.first_line for e in kept] == [11]


def test_a_line_end_hyphen_without_evidence_for_the_joined_word_is_kept() -> None:
    """``self-`` / ``employed``: the document never writes ``selfemployed``, so the hyphen is the word's."""
    text = (
        "The council met on Tuesday to hear the self-\n"
        "employed workers of the county talk about the new rules for the\n"
        "markets of the city.\n"
    )
    document = convert(text, LATIN)
    assert body_texts(document) == [
        "The council met on Tuesday to hear the self-employed workers of the county talk about the new "
        "rules for the markets of the city."
    ]
    (edit,) = [e for e in document.edits if e.rule == "join.hyphen" or "join.hyphen" in e.note]
    assert "kept hyphen: self-employed" in edit.note


def test_a_line_end_hyphen_is_dropped_where_the_document_writes_the_word_whole() -> None:
    text = (
        "The cooperation of the two towns was praised. The council said that such co-\n"
        "operation between neighbours was rare in the county and should go on.\n"
    )
    document = convert(text, LATIN)
    assert body_texts(document) == [
        "The cooperation of the two towns was praised. The council said that such cooperation between "
        "neighbours was rare in the county and should go on."
    ]


# --- headline stacks ------------------------------------------------------------------------------------


def test_a_latin_stack_is_headline_first_then_decks() -> None:
    """The latin rules put the main headline first (``kicker_first = false``); the lines below are decks."""
    text = (
        "MAYOR WINS SECOND TERM\n"
        "Landslide in the Fifth Ward\n"
        "Turnout Was the Highest Since 1904\n"
        "\n"
        "The mayor was re-elected on Tuesday by the largest majority the city has\n"
        "seen in a generation, the count showed late on Tuesday night.\n"
    )
    (article,) = convert(text, LATIN).articles
    assert article.kicker is None
    assert article.headline is not None and article.headline.text == "MAYOR WINS SECOND TERM"
    assert article.subheadline is not None
    assert article.subheadline.text == "Landslide in the Fifth Ward Turnout Was the Highest Since 1904"


def test_a_chinese_stack_of_two_lines_is_kicker_then_headline() -> None:
    text = (
        "春耕时节访农村\n"
        "春耕备耕有序推进 农资供应总体充足\n"
        "\n"
        "本报北京3月4日电（记者 韩晓东）眼下，春耕生产由南向北陆续展开，各地农事进展顺利。\n"
    )
    (article,) = convert(text, ZH).articles
    assert article.kicker is not None and article.kicker.text == "春耕时节访农村"
    assert article.headline is not None and article.headline.text == "春耕备耕有序推进 农资供应总体充足"
    assert article.dateline is not None and article.dateline.text == "本报北京3月4日电"
    assert article.byline is not None and article.byline.text == "记者 韩晓东"
    assert body_texts(convert(text, ZH)) == ["眼下，春耕生产由南向北陆续展开，各地农事进展顺利。"]


def test_a_chinese_stack_of_three_lines_without_a_dash_is_kicker_headline_subtitle() -> None:
    """Of three stacked lines, the first is the kicker (引题), the second the main title, the rest the
    subtitle (副题), even when the subtitle lacks its dash."""
    text = (
        "春耕时节访农村\n"
        "春耕备耕有序推进 农资供应总体充足\n"
        "全国春播粮食意向面积稳中有增\n"
        "\n"
        "本报北京3月4日电（记者 韩晓东）眼下，春耕生产由南向北陆续展开，各地农事进展顺利。\n"
    )
    (article,) = convert(text, ZH).articles
    assert [(b.text if b else None) for b in (article.kicker, article.headline, article.subheadline)] == [
        "春耕时节访农村",
        "春耕备耕有序推进 农资供应总体充足",
        "全国春播粮食意向面积稳中有增",
    ]


# --- markers glued to text ------------------------------------------------------------------------------


def test_a_glued_jump_marker_leaves_the_whole_paragraph_before_it() -> None:
    text = "南方早稻意向种植面积比上年略有增加，东北地区玉米种植结构保持稳定。（下转第2版）\n"
    document = convert(text, ZH)
    assert body_texts(document) == ["南方早稻意向种植面积比上年略有增加，东北地区玉米种植结构保持稳定。"]
    assert document.articles[0].continues_on == "2"


# --- the break passes -----------------------------------------------------------------------------------


def test_text_set_one_paragraph_per_line_stays_one_paragraph_per_line() -> None:
    """Four full-width lines, three ending a sentence and one a caption without a full stop: a file with
    one paragraph per line (not a hard-wrapped column), so every line is a paragraph of its own."""
    lines = [HAN[k * 30 : k * 30 + 29] + "。" for k in range(3)]
    lines.insert(1, HAN[100:130])  # no sentence end: the one line broken in mid-sentence, if it were wrapped
    lines.append(HAN[140:150] + "。")
    document = convert("\n".join(lines) + "\n", ZH)
    assert body_texts(document) == lines
    assert {e.rule for e in document.edits if e.action == "break"} == {"breaks.unwrapped"}


# --- rendering ------------------------------------------------------------------------------------------


def test_markup_escapes_quotes_in_text_and_attributes() -> None:
    """One escaping for XML and HTML alike: ``& < > " '`` always, CR as a reference (parsers drop it)."""
    assert markup_text("a \"b\" 'c' <d> & e\r") == "a &quot;b&quot; &#x27;c&#x27; &lt;d&gt; &amp; e&#13;"
    assert markup_attr('x"y\n\tz') == "x&quot;y&#10;&#9;z"


def test_quotes_in_a_paragraph_are_escaped_in_tei_and_html() -> None:
    document = convert("He said \"no\" and 'yes' to the council, the count showed on Tuesday night.\n", LATIN)
    for fmt in ("tei", "html"):
        output = render(document, fmt)
        assert "He said &quot;no&quot; and &#x27;yes&#x27; to the council" in output, fmt


# --- decoding -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["「」，。、；：？！", "（中央社）、「新聞」。", "「臺灣」，「香港」。"])
def test_big5_text_of_mostly_punctuation_is_read_as_big5(text: str) -> None:
    """Big5's punctuation rows count as common characters: a line of quotes and stops is Big5 too."""
    decoded = decode(text.encode("big5"))
    assert (decoded.text, decoded.encoding) == (text, "big5hkscs")


def test_a_column_break_after_a_line_short_only_by_measuring_slack_is_healed() -> None:
    """A 25-character column; the line before the blank line is 21 characters and a digit (43 of 50
    columns): the next character would not have fitted within the 12% slack that ``layout.full_ratio``
    allows for half-width digits and squeezed marks, so the line was full and the blank line is a column
    break in mid-sentence, not a paragraph end."""
    column = [
        HAN[0:23],
        *(HAN[25 * k : 25 * k + 25] for k in range(1, 5)),
        HAN[130:140] + "第5" + HAN[141:151],
    ]
    rest = [HAN[160:185], HAN[190:200] + "。"]
    document = convert("\n".join(column) + "\n\n" + "\n".join(rest) + "\n", ZH)
    assert body_texts(document) == ["".join(column + rest)]
    (healed,) = [e for e in document.edits if e.action == "heal-column-break"]
    assert (healed.first_line, healed.last_line, healed.rule) == (6, 8, "breaks.column_break")


# Two stories whose titles pdftotext printed together, above both bodies (the bodies as narrow columns, so
# that the page is long enough for the line-role decoder of the default rules).
_BRIDGE_STACK = "长江新桥通车\n——两岸往来从此只需一小时\n"
_FARM_STACK = "春耕备耕有序推进\n——各地农资供应总体充足\n"
_BRIDGE = (
    "本报南京3月4日电（记者 王伟）\n长江新桥今天正式通车，两岸往来\n从此只需一小时。新桥全长十二公\n"
    "里，通车后每天可通行车辆五万辆\n次。大桥建设历时四年。\n"
)
_FARM = (
    "本报北京3月4日电（记者 韩晓东）\n眼下，春耕备耕由南向北陆续展开，\n各地农资供应总体充足。农业农村\n"
    "部门说，化肥、种子储备比去年同\n期略有增加。\n"
)


def _heads(text: str, ruleset: RuleSet) -> list[tuple[str | None, str]]:
    return [
        (a.headline.text if a.headline else None, a.blocks[0].text[:4] if a.blocks else "")
        for a in convert(text, ruleset).articles
    ]


@pytest.mark.parametrize(
    "first, second", [(_BRIDGE_STACK, _FARM_STACK), (_FARM_STACK, _BRIDGE_STACK)], ids=["in-order", "crossed"]
)
def test_titles_printed_together_go_to_their_own_bodies(first: str, second: str) -> None:
    """Each stack of a run goes to the body at its place in text order, or to the one it shares words with."""
    text = first + "\n" + second + "\n" + _BRIDGE + "\n" + _FARM
    expected = [("长江新桥通车", "长江新桥"), ("春耕备耕有序推进", "眼下，春")]
    assert _heads(text, load_ruleset("zh-newspaper")) == expected


def test_reach_zero_keeps_the_stacks_of_a_run_at_their_place() -> None:
    """``reach = 0``: word overlap may not move a stack past its place; the title the other one took
    stands alone."""
    rules = load_ruleset("zh-newspaper")
    rules = dataclasses.replace(rules, headlines=dataclasses.replace(rules.headlines, reach=0))
    text = _FARM_STACK + "\n" + _BRIDGE_STACK + "\n" + _BRIDGE + "\n" + _FARM
    assert _heads(text, rules) == [("春耕备耕有序推进", ""), ("长江新桥通车", "长江新桥"), (None, "眼下，春")]


# An editor's note (编者按) opens its article ahead of the dateline, under the headline or after another
# article's last paragraph.
_LEAD_INS = (
    "长江新桥今天通车\n\n"
    "编者按：新桥通车是两岸群众盼了多年的大事。本\n报记者走访了建设者，现将有关情况刊发如下。\n"
    "本报南京3月4日电（记者 王伟）长江新桥今天\n正式通车，两岸往来从此只需一小时。新桥全长\n"
    "十二公里，通车后每天可通行车辆五万辆次。\n\n"
    "春耕备耕有序推进\n\n"
    "本报北京3月4日电（记者 韩晓东）眼下，春耕\n备耕由南向北陆续展开，各地农资供应总体充足，\n"
    "化肥储备比去年略有增加。\n"
    "编者按：春耕时节，本报推出系列报道，记录田\n间地头的新变化，敬请关注。\n"
    "本报合肥3月4日电 连日来，江淮大地春意渐浓，\n田间地头一片繁忙景象。\n"
)


def _openings(document: Document) -> list[tuple[str | None, str | None, str]]:
    def text(block: Block | None) -> str | None:
        return block.text if block else None

    return [(text(a.headline), text(a.dateline), a.blocks[0].text[:3]) for a in document.articles]


def test_an_editors_note_opens_its_article_ahead_of_the_dateline() -> None:
    """``headlines.lead_in``: the dateline after an editor's note is the same article's (and is taken off
    its paragraph), and an editor's note after another article's text starts an article."""
    assert _openings(convert(_LEAD_INS, load_ruleset("zh-newspaper"))) == [
        ("长江新桥今天通车", "本报南京3月4日电", "编者按"),
        ("春耕备耕有序推进", "本报北京3月4日电", "眼下，"),
        (None, "本报合肥3月4日电", "编者按"),
    ]


def test_without_lead_ins_the_dateline_after_an_editors_note_starts_an_article() -> None:
    """The same page with ``lead_in`` matching nothing: each note is left at the edge of the wrong
    article (the first one alone, the second one at the end of the article above it)."""
    rules = load_ruleset("zh-newspaper")
    never = dataclasses.replace(rules.headlines.lead_in, compiled=regex.compile("(?!)"))
    rules = dataclasses.replace(rules, headlines=dataclasses.replace(rules.headlines, lead_in=never))
    assert _openings(convert(_LEAD_INS, rules)) == [
        (None, None, "编者按"),
        ("长江新桥今天通车", "本报南京3月4日电", "长江新"),
        ("春耕备耕有序推进", "本报北京3月4日电", "眼下，"),
        (None, "本报合肥3月4日电", "连日来"),
    ]


def test_the_letter_spacing_of_a_justified_line_leaves_paragraphs_but_not_law_articles() -> None:
    """``join.letter_spacing``: a space between two Han characters in a paragraph is deleted (an edit
    on the line it was on); the space after a law article's number, and a headline's, stay."""
    text = (
        "长江新桥 今天通车\n\n"
        "长江新桥今天正式通车，两岸往来从此只需一小时。新桥全长十二公里，通车后\n"
        "每天可通行车辆五万 辆次。大桥建设历时四年，先后有三千多 名工人参与施工。\n\n"
        "第二条 本公约适用于在校学生和教职工，以及进入校园的其他人员。\n"
    )
    document = convert(text, load_ruleset("zh-newspaper"))
    texts = [block.text for article in document.articles for block in article.blocks]
    assert "每天可通行车辆五万辆次。" in texts[0] and "三千多名工人" in texts[0]
    assert texts[-1].startswith("第二条 本公约")
    deleted = [(e.first_line, e.removed) for e in document.edits if e.rule == "paragraphs.letter_spacing"]
    assert deleted == [(4, " "), (4, " ")]
    off = dataclasses.replace(load_ruleset("zh-newspaper"), disabled=frozenset({"paragraphs.letter_spacing"}))
    assert "五万 辆次" in "".join(b.text for a in convert(text, off).articles for b in a.blocks)


#: dev/rl-01290, lines 1-50: the titles of two stories side by side across the columns, read row by row:
#: kicker A, kicker B, headline A's first line, headline B, the rest of headline A, then the two bodies
BAND_PAGE = (
    "宝岛日报\n"
    "\n"
    "澜湄合作新篇\n"
    "\n"
    "聚焦秋粮丰收\n"
    "\n"
    "澜湄农业合作示范园\n"
    "\n"
    "千亩良田迎丰年\n"
    "\n"
    "迎来首个丰收季\n"
    "中新社郑州十月二日电（记者\n"
    "罗帅琪）10月下旬，老挝万象省北部\n"
    "平原稻浪翻滚。在中老两国农业机构\n"
    "合作建设的澜湄农业合作示范园里，\n"
    "收割机来回穿梭，当地农民忙着装袋、\n"
    "过秤。经测产，示范园内种植的300\n"
    "公顷杂交水稻平均亩产达到520公斤，\n"
    "比当地常规品种高出约40%。\n"
    "示范园由云南一家农业科研单位\n"
    "与老挝当地农业部门共同建设，于\n"
    "2022年启动，规划面积1000公顷，主\n"
    "要开展水稻、玉米和热带果蔬的品种\n"
    "筛选、技术示范和人员培训。今年是\n"
    "首批试验品种大面积种植后迎来的第\n"
    "一个丰收季。\n"
    "\n"
    "——河南柘原县推进高标准农田建设见闻\n"
    "中新社苏州十月二日电（记者\n"
    "程龙）十月初的豫东平原，秋风送爽，\n"
    "金黄的玉米地一望无际。在商丘市柘\n"
    "原县孟庄镇的高标准农田示范区里，\n"
    "几台大型收获机来回穿梭，摘穗、剥\n"
    "皮、脱粒一气呵成，运粮车在田头排\n"
    "起长队。今年，这片连片整治的3.2\n"
    "万亩农田玉米平均亩产达到612公斤，\n"
    "\n"
    "比改造前提高了近15%。\n"
    "“过去地块零碎，浇一遍水要排\n"
    "好几天队，现在井电双配、管道到田，\n"
    "手机上点一下就能灌溉。”种粮大户\n"
    "周海生一边查看刚脱下的玉米粒，一\n"
    "边算起账来。他流转了680亩土地，\n"
    "今年扣除地租、农资和机械费用，每\n"
    "亩净收益预计比去年多出180元左右。\n"
    "\n"
    "田成方渠相通\n"
    "柘原县地处黄淮海平原腹地，是\n"
    "传统产粮大县，常年粮食播种面积稳\n"
    "定在 160 万亩以上。然而长期以来，\n"
)


def test_lines_of_stacks_printed_side_by_side_go_to_the_article_sharing_their_words() -> None:
    """headlines.regroup: the kicker of story A (澜湄) and the rest of its wrapped headline, printed among
    story B's title lines, go back to story A's stack by the words they share with its text."""
    rules = load_ruleset("zh-newspaper")
    document = convert(BAND_PAGE, rules)
    first, second = [a for a in document.articles if a.blocks]
    assert first.headline is not None and first.headline.text == "澜湄农业合作示范园迎来首个丰收季"
    assert first.kicker is not None and first.kicker.text.startswith("澜湄合作新篇")
    assert second.headline is not None and second.headline.text == "千亩良田迎丰年"
    assert second.subheadline is not None and second.subheadline.text == "——河南柘原县推进高标准农田建设见闻"
    moved = [e.first_line for e in document.edits if e.rule == "headlines.regroup"]
    assert moved == [3, 11]
    assert len(document.articles) == 2  # no article is left with a stack and no text
    off = dataclasses.replace(rules, disabled=rules.disabled | {"headlines.regroup"})
    heads = [a.headline.text for a in convert(BAND_PAGE, off).articles if a.headline is not None]
    assert heads == ["澜湄合作新篇", "澜湄农业合作示范园", "迎来首个丰收季"]


#: A story's end, then a title on two lines over the next story's first paragraph.
TWO_LINE_TITLE = (
    "本报北京11月2日电 记者从有关部门获悉，今年\n"
    "以来全国新开通社区公交线路一百余条，主要\n"
    "连接居民小区、地铁站和农贸市场。\n"
    "\n"
    "{title}"
    "\n"
    "街角的早点铺、巷口的修鞋摊、小区门口的\n"
    "水果店……这些看似不起眼的小店，连着千家\n"
    "万户的日常生活。记者近日走访多个城市发\n"
    "现，各地正在想办法让小店开得好、开得久。\n"
)


@pytest.mark.parametrize(
    ("title", "headline"),
    [
        ("小店开得好\n街巷更兴旺\n", "小店开得好 街巷更兴旺"),  # as long: two phrases, one to a line
        ("小店开得好\n街巷更加兴旺\n", "小店开得好 街巷更加兴旺"),  # the second longer: a break set by hand
        ("小店开得好街巷\n更兴旺\n", "小店开得好街巷更兴旺"),  # the first filled, the rest below: wrapped
    ],
)
def test_a_title_on_two_lines_is_two_phrases_when_its_second_line_is_not_shorter(
    title: str, headline: str
) -> None:
    """A line breaker fills a line before it starts the next, so a two-line title whose second line is as
    long as the first (or longer) was broken by hand between its two phrases: they keep a space."""
    document = convert(TWO_LINE_TITLE.format(title=title), load_ruleset("zh-newspaper"))
    assert [a.headline.text for a in document.articles if a.headline is not None] == [headline]
