"""The line-role decoder: exact decoding, fitting, weights in rule files, and ``reflow rules fit``."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reflow import convert
from reflow.cli import main
from reflow.model import Article, Edit
from reflow.roles.decoder import DECODED_ROLES, START, best_sequence, decisions
from reflow.roles.features import LineEvidence, pair_features
from reflow.roles.fit import Page, fit, fit_seeds, forked_map, weights_toml
from reflow.roles.training import BEGIN, END, fit_cases, replace_section
from reflow.ruleset import RuleFileError, RuleSet, load_ruleset

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
FEATURES = ("a", "b", "c")
GAPS = ("tight", "blank", "page")


def _score(
    evidence: list[LineEvidence], roles: tuple[str, ...], weights: dict[str, dict[str, float]]
) -> float:
    """The score of one role sequence, summed the way the decoder defines it (independent of it)."""
    total = 0.0
    for k, (item, role) in enumerate(zip(evidence, roles, strict=True)):
        previous = roles[k - 1] if k else START
        own = weights.get(role, {})
        total += sum(own.get(f, 0.0) for f in item.features)
        total += sum(own.get(f, 0.0) for f in pair_features(previous, item.gap, item.old))
    return total


weights_strategy = st.dictionaries(
    st.sampled_from(DECODED_ROLES),
    st.dictionaries(
        st.sampled_from(
            FEATURES
            + tuple(f"prev={p}" for p in (*DECODED_ROLES[:4], START))
            + tuple(f"prev={p}&blank" for p in DECODED_ROLES[:4])
        ),
        st.integers(-5, 5).map(float),
        max_size=6,
    ),
    max_size=6,
)
lines_strategy = st.lists(
    st.tuples(
        st.lists(st.sampled_from(FEATURES), max_size=3, unique=True),
        st.sampled_from(GAPS),
        st.sampled_from(("join", "break")),
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=60, deadline=None)
@given(weights_strategy, lines_strategy)
def test_viterbi_finds_the_best_sequence(weights: dict[str, dict[str, float]], lines: list) -> None:
    evidence = [
        LineEvidence(k, tuple(features), "start" if k == 0 else gap, "start" if k == 0 else old)
        for k, (features, gap, old) in enumerate(lines)
    ]
    decoded = tuple(best_sequence(evidence, weights))
    best = max(
        _score(evidence, roles, weights) for roles in itertools.product(DECODED_ROLES, repeat=len(lines))
    )
    assert _score(evidence, decoded, weights) == best


def test_the_decoder_uses_the_role_before() -> None:
    # "a" alone favours headline; after a headline the pair weight makes the second line a subtitle
    weights = {
        "headline": {"a": 2.0},
        "subtitle": {"a": 1.0, "prev=headline": 3.0},
        "para_start": {"bias": 0.5},
    }
    evidence = [LineEvidence(0, ("a",), "start", "start"), LineEvidence(1, ("a",), "tight", "break")]
    assert best_sequence(evidence, weights) == ["headline", "subtitle"]
    explained = decisions(evidence, weights)
    assert explained[1].evidence[0] == ("prev=headline", 3.0)
    assert explained[1].margin == pytest.approx(1.0 + 3.0 - 2.0)


def _toy_page() -> tuple[tuple[LineEvidence, ...], tuple[str, ...]]:
    """Twelve lines, every third one short and a headline, the others long paragraph starts."""
    evidence = tuple(
        LineEvidence(
            k, ("bias", "short") if k % 3 == 0 else ("bias", "long"), "start" if k == 0 else "tight", "break"
        )
        for k in range(12)
    )
    return evidence, tuple("headline" if k % 3 == 0 else "para_start" for k in range(12))


def test_fit_learns_a_separable_page_and_is_deterministic() -> None:
    evidence, roles = _toy_page()
    pages = [Page("toy", evidence, roles)]
    weights, report = fit(pages, epochs=5, seed=3)
    assert best_sequence(evidence, weights) == list(roles)
    assert report.averaged == 1.0 and report.lines == 12
    assert fit(pages, epochs=5, seed=3)[0] == weights


def test_a_loss_augmented_fit_separates_the_gold_by_its_margin() -> None:
    evidence, roles = _toy_page()
    # decoding against the gold: with no weights every other role is worth the margin more
    augmented = best_sequence(evidence, {}, roles, 5.0)
    assert all(guess != gold for guess, gold in zip(augmented, roles, strict=True))
    assert best_sequence(evidence, {}, roles, 0.0) == best_sequence(evidence, {})
    pages = [Page("toy", evidence, roles)]
    # weights that decode the page right by a hair: a plain perceptron has nothing to correct
    barely = {"headline": {"short": 0.1}, "para_start": {"long": 0.1}}
    assert min(d.margin for d in decisions(evidence, barely)) == pytest.approx(0.1)
    plain, _ = fit(pages, epochs=5, seed=3, initial=barely)
    assert plain == barely
    # the loss-augmented fit moves them until the gold wins clearly
    weights, report = fit(pages, epochs=5, seed=3, initial=barely, margin=5.0)
    assert best_sequence(evidence, weights) == list(roles) and report.margin == 5.0
    assert min(d.margin for d in decisions(evidence, weights)) > 1.0


def test_fits_with_several_seeds_are_averaged() -> None:
    """``--seed 3 4``: one fit per order of the pages, the weights their mean (steadier than one fit)."""
    pages = [
        Page(
            f"toy{n}",
            tuple(
                LineEvidence(k, ("bias", f"f{(k * n) % 4}"), "start" if k == 0 else "tight", "break")
                for k in range(10)
            ),
            tuple(("headline", "para_start", "para_cont")[(k * n) % 3] for k in range(10)),
        )
        for n in (1, 2, 3)
    ]
    one, two = fit(pages, epochs=3, seed=3)[0], fit(pages, epochs=3, seed=4)[0]
    assert one != two  # the order matters
    mean, report = fit_seeds(pages, epochs=3, seeds=(3, 4))
    for role in set(one) | set(two):
        for feature in set(one.get(role, {})) | set(two.get(role, {})):
            expected = (one.get(role, {}).get(feature, 0.0) + two.get(role, {}).get(feature, 0.0)) / 2
            assert mean.get(role, {}).get(feature, 0.0) == pytest.approx(expected, abs=0.001)
    assert report.seeds == (3, 4) and len(report.epochs) == 3
    assert fit_seeds(pages, epochs=3, seeds=(3,)) == fit(pages, epochs=3, seed=3)
    with pytest.raises(ValueError, match="no seed"):
        fit_seeds(pages, seeds=())
    # --jobs 2: the seeds fitted in two worker processes give the same weights and report
    assert fit_seeds(pages, epochs=3, seeds=(3, 4), jobs=2) == (mean, report)


def test_weights_round_trip_through_a_rule_file(tmp_path: Path) -> None:
    weights = {"headline": {"len<=14": 1.5, 'odd "name"': -0.25}, "para_cont": {"full": 2.0}}
    path = tmp_path / "paper.toml"
    path.write_text(
        '[ruleset]\nname = "paper"\nextends = "zh-newspaper"\n\n' + weights_toml(weights), "utf-8"
    )
    loaded = load_ruleset(path)
    assert {role: dict(table) for role, table in loaded.roles.weights.items()} == weights
    assert loaded.roles.enabled


def test_weights_for_an_unknown_role_are_refused_with_a_suggestion(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        '[ruleset]\nname = "bad"\nextends = "zh-newspaper"\n[roles.weights.headlin]\nbias = 1\n', "utf-8"
    )
    with pytest.raises(RuleFileError) as error:
        load_ruleset(path)
    assert "unknown line role 'headlin'" in str(error.value) and "did you mean 'headline'" in str(error.value)


def test_replace_section_rewrites_only_the_fitted_block() -> None:
    from reflow.roles.fit import FitReport
    from reflow.roles.training import Fitted

    fitted = Fitted({"headline": {"bias": 1.0}}, FitReport((0.5,), 3, 1, 1.0), ("case",))
    text = "[ruleset]\nname = 'x'\n"
    once = replace_section(text, fitted)
    assert once.startswith(text) and BEGIN in once and once.rstrip().endswith(END)
    refitted = Fitted({"heading": {"bias": 2.0}}, FitReport((0.5,), 3, 1, 1.0), ("case",))
    twice = replace_section(once, refitted)
    assert (
        twice.count(BEGIN) == 1
        and "[roles.weights.heading]" in twice
        and "[roles.weights.headline]" not in twice
    )


def test_rules_fit_writes_a_rule_set_that_loads_and_converts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = tmp_path / "cases"
    for name in ("zh-hant-page", "zh-jump-multipage"):
        shutil.copytree(FIXTURES / name, cases / name)
        gold = json.loads((cases / name / "expected.json").read_text("utf-8"))
        for article in gold["articles"]:  # hand-written gold rarely gives line ranges
            for block in article["blocks"]:
                block.pop("lines", None)
        (cases / name / "expected.json").write_text(json.dumps(gold, ensure_ascii=False), "utf-8")
    output = tmp_path / "paper.toml"
    assert main(["rules", "fit", "zh-newspaper", str(cases), "-o", str(output), "--epochs", "6"]) == 0
    err = capsys.readouterr().err
    assert "fitted on 2 pages" in err and "strongest weights" in err
    ruleset = load_ruleset(output)
    assert ruleset.roles.enabled and ruleset.name == "paper"
    text = (FIXTURES / "zh-hant-page" / "input.txt").read_text("utf-8")
    document = convert(text, ruleset)
    assert [a.headline.text for a in document.articles if a.headline] == [
        "行政院會通過長照新方案 明年起擴大補助",
        "北市公車4月起 可刷手機信用卡",
    ]


def test_rules_fit_with_several_seeds_says_so_in_the_file_and_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "paper.toml"
    case = str(FIXTURES / "zh-jump-multipage")
    assert (
        main(["rules", "fit", "zh-newspaper", case, "-o", str(output), "--epochs", "2", "--seed", "0,1"]) == 0
    )
    assert "by epoch (mean of 2 fits)" in capsys.readouterr().err
    assert "The mean of 2 fits, the pages met in the orders of seeds 0, 1." in output.read_text("utf-8")
    assert (
        main(["rules", "fit", "zh-newspaper", case, "-o", str(output), "--epochs", "1", "--margin", "20"])
        == 0
    )
    assert "the gold role had to win each line by 20." in output.read_text("utf-8")
    assert load_ruleset(output).roles.enabled
    with pytest.raises(SystemExit) as error:  # argparse refuses it with a usage line, exit status 2
        main(["rules", "fit", "zh-newspaper", case, "-o", str(output), "--seed", "1,a"])
    assert error.value.code == 2
    assert "not a seed or a comma-separated list of seeds: '1,a'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["rules", "fit", "zh-newspaper", case, "-o", str(output), "--margin", "-1"])
    assert "not a margin (a number, 0 or more): '-1'" in capsys.readouterr().err


def test_cases_read_in_worker_processes_fit_the_same_weights() -> None:
    cases = [FIXTURES / "zh-jump-multipage", FIXTURES / "zh-hant-page", FIXTURES / "zh-headlines-first"]
    ruleset = load_ruleset("zh-newspaper")
    one = fit_cases(cases, ruleset, epochs=2, seeds=(0, 1))
    assert fit_cases(cases, ruleset, epochs=2, seeds=(0, 1), jobs=2) == one
    assert one.weights and one.report.pages == 3


def _pid(_shared: object, _item: int) -> int:
    return os.getpid()


def test_forked_map_forks_only_from_a_single_threaded_process() -> None:
    """A child forked beside other threads inherits the locks they hold and may wait forever: with a
    thread running, the items are done in this process; alone, in forked workers."""
    stop = threading.Event()
    beside = threading.Thread(target=stop.wait)
    beside.start()
    try:
        assert set(forked_map(_pid, None, range(4), jobs=2)) == {os.getpid()}
    finally:
        stop.set()
        beside.join()
    # a fresh interpreter has no other thread (this one may keep some from other tests)
    script = (
        "import os, threading\n"
        "from reflow.roles.fit import forked_map\n"
        "assert threading.active_count() == 1\n"
        "pids = set(forked_map(lambda _s, _i: os.getpid(), None, range(4), jobs=2))\n"
        "print(os.getpid() not in pids and len(pids) >= 1)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"


def test_rules_fit_reports_a_folder_without_cases(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "fit", "zh-newspaper", str(tmp_path), "-o", str(tmp_path / "x.toml")]) == 2
    assert "no case folder" in capsys.readouterr().err


def test_fit_weight_counts_a_case_several_times_and_is_checked(tmp_path: Path) -> None:
    from reflow.roles.training import CaseError, training_page

    case = tmp_path / "case"
    shutil.copytree(FIXTURES / "zh-hant-page", case)
    ruleset = load_ruleset("zh-newspaper")
    assert training_page(case, ruleset).weight == 5  # as the fixture's case.toml says
    (case / "case.toml").write_text('ruleset = "zh-newspaper"\nfit_weight = 0\n', "utf-8")
    with pytest.raises(CaseError, match="fit_weight must be a whole number from 1 to 100, got 0"):
        training_page(case, ruleset)
    (case / "case.toml").unlink()
    assert training_page(case, ruleset).weight == 1


def test_a_line_continuing_an_interleaved_block_is_learned_as_a_start(tmp_path: Path) -> None:
    """Two paragraphs pdftotext interleaved: A's second half is printed after B ended. Read in text
    order that line starts a block (joining it would run B on into A's rest), so the fit learns it as
    para_start; a line whose line above goes on stays para_cont."""
    from reflow.roles.training import training_page

    a1, a2 = "第一段的前半，写到这里还没有写完，", "接着写完第一段。"
    b1, b2 = "第二段从这里开始，也写了好几行字，", "第二段写完了。"
    case = tmp_path / "case"
    case.mkdir()
    (case / "input.txt").write_text("\n".join([a1, b1, b2, a2]) + "\n", "utf-8")
    gold = {
        "articles": [
            {
                "headline": None,
                "blocks": [
                    {"type": "paragraph", "text": a1 + a2, "lines": [1, 4]},
                    {"type": "paragraph", "text": b1 + b2, "lines": [2, 3]},
                ],
            }
        ],
        "line_roles": ["para_start", "para_start", "para_cont", "para_cont", "blank"],
    }
    (case / "expected.json").write_text(json.dumps(gold, ensure_ascii=False), "utf-8")
    page = training_page(case, load_ruleset("zh-newspaper"))
    assert page.roles == ("para_start", "para_start", "para_cont", "para_start")


def test_averaged_weights_are_the_mean_over_updates() -> None:
    # epoch 1: every role scores 0 and the tie goes to the first role (furniture): one update, at clock 1;
    # epoch 2: the line is read right, no update. The headline weight is 1 from clock 1 on, 0 before:
    # averaged over the clock of 3 ticks it is 1 - 1/3.
    page = Page("one", (LineEvidence(0, ("bias",), "start", "start"),), ("headline",))
    weights, report = fit([page], epochs=2)
    assert weights["headline"]["bias"] == pytest.approx(2 / 3, abs=1e-3)
    assert weights["furniture"]["bias"] == pytest.approx(-2 / 3, abs=1e-3)
    assert report.epochs == (0.0, 1.0)


def test_the_pass_reading_gives_a_glued_dateline_line_to_its_paragraph() -> None:
    from reflow.decode import decode
    from reflow.pipeline import read_page

    ruleset = load_ruleset("zh-newspaper")
    page = read_page(decode((FIXTURES / "zh-hant-page" / "input.txt").read_bytes(), "auto").text, ruleset)
    reading = page.reading(ruleset)
    # （中央社台北15日電）行政院… and 〔記者王小明∕台北報導〕台北市…: datelines opening their paragraphs
    assert (reading[3], reading[4], reading[5], reading[34]) == (
        "headline",
        "para_start",
        "para_cont",
        "para_start",
    )


# --- the decoder in the pipeline: when it runs, what binds it, how stacks are assembled ------------------

SAMPLE = FIXTURES / "zh-daily-2020-11-23" / "input.txt"


def _rules_of(document_edits: Iterable[Edit]) -> set[str]:
    return {e.rule.split(".")[0] for e in document_edits}


def test_the_default_decodes_roles_and_zh_passes_does_not() -> None:
    text = SAMPLE.read_text("utf-8")
    assert load_ruleset("zh-newspaper").decodes_roles and not load_ruleset("zh-passes").decodes_roles
    assert "roles" in _rules_of(convert(text, load_ruleset("zh-newspaper")).edits)
    assert "roles" not in _rules_of(convert(text, load_ruleset("zh-passes")).edits)


def test_disabling_the_roles_pass_in_a_rule_file_switches_the_decoder_off(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[ruleset]\nname = "mine"\nextends = "zh-newspaper"\ndisable = ["roles"]\n', "utf-8")
    ruleset = load_ruleset(path)
    assert ruleset.roles.enabled and not ruleset.decodes_roles
    text = SAMPLE.read_text("utf-8")
    passes = convert(text, load_ruleset("zh-passes"))
    assert [b.text for a in convert(text, ruleset).articles for b in a.blocks] == [
        b.text for a in passes.articles for b in a.blocks
    ]


def test_a_text_too_short_to_be_a_page_is_read_pass_by_pass() -> None:
    """Seven non-blank lines: no page to weigh; the decoder would set a lone line aside as furniture."""
    text = "第一版的文字。\n\n第二版的文字，有一个坏字节。\n"
    document = convert(text, load_ruleset("zh-newspaper"))
    assert "roles" not in _rules_of(document.edits)
    assert [b.text for a in document.articles for b in a.blocks] == [
        "第一版的文字。",
        "第二版的文字，有一个坏字节。",
    ]


def test_one_paragraph_per_line_binds_the_decoder() -> None:
    """breaks.unwrapped judges the whole file: a full line without a sentence end still ends its paragraph."""
    han = (
        "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会"
        "可主发年动同工也能下过子说产种面"
    )
    lines = [han[k : k + 29] + "。" for k in range(0, 24, 3)]
    lines.insert(2, han[30:60])
    document = convert("\n".join(lines) + "\n", load_ruleset("zh-newspaper"))
    assert [b.text for a in document.articles for b in a.blocks] == lines
    assert {e.rule for e in document.edits if e.action == "break"} <= {"breaks.unwrapped"}


def test_a_subtitle_wrapped_across_a_blank_line_is_one_subtitle() -> None:
    """pdftotext puts a blank line inside the sample's two-line subtitle (lines 328 and 330): the line above
    is filled and longer, so the stack goes on. Headline lines printed apart are two titles, filled or not,
    and a subtitle line that starts with its own dash starts a second subtitle."""
    article = convert(SAMPLE.read_text("utf-8"), load_ruleset("zh-newspaper")).articles[0]
    assert article.subheadline is not None and article.subheadline.first_line == 328
    assert article.subheadline.text.endswith("二十国集团领导人第十五次峰会成果")
    from reflow.model import Block, BlockKind, Piece
    from reflow.roles.decoder import RoleDecision
    from reflow.structure import StructureRules, _wrapped

    source = "校园文明公约\n\n区域国别研究院博洽书会报名\n\n报名通知的正文\n\n——正文\n"
    upper = Block(BlockKind.PARAGRAPH, (Piece("校园文明公约", 0, 6),), 1, 1, 1)
    lower = Block(BlockKind.PARAGRAPH, (Piece("区域国别研究院博洽书会报名", 8, 21),), 3, 3, 1)
    rest = Block(BlockKind.PARAGRAPH, (Piece("报名通知", 23, 27),), 5, 5, 1)
    dashed = Block(BlockKind.PARAGRAPH, (Piece("——正文", 31, 35),), 7, 7, 1)
    roles = {n: RoleDecision(n - 1, "headline", 1.0, (), full=True) for n in (1, 3)}
    rules = StructureRules(load_ruleset("zh-newspaper"), source, [0, 7, 8, 22, 23, 30, 31], line_roles=roles)
    assert not _wrapped(upper, lower, "subtitle", rules)  # the upper one filled but shorter
    assert _wrapped(lower, rest, "subtitle", rules)  # filled and longer: the rest of one subtitle
    assert not _wrapped(lower, dashed, "subtitle", rules)  # a dash starts a subtitle of its own
    assert not _wrapped(lower, rest, "headline", rules)  # two headlines printed apart
    unfilled = StructureRules(load_ruleset("zh-newspaper"), source, [0, 7, 8, 22, 23, 30, 31], line_roles={})
    assert not _wrapped(lower, rest, "subtitle", unfilled)


def test_headline_lines_printed_apart_head_two_articles() -> None:
    """Two headline lines with a blank line between them are two titles even when the upper one fills its
    column (dev/rl-00503: a spanning story's title printed between the kicker and title of the next)."""
    kicker, first, second = "聚焦秋粮丰收", "成都新增二十条社区微公交线路", "千亩良田迎丰年"
    body = "十月初的豫东平原，秋风送爽，金黄的玉米地一望无际。"
    text = "\n\n".join([kicker, first, second]) + "\n" + "\n".join(body[k : k + 12] for k in range(0, 24, 12))
    from reflow.model import Block, BlockKind, Piece
    from reflow.roles.decoder import RoleDecision
    from reflow.structure import StructureRules, Unit, _role_stacks

    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    roles = {1: "kicker", 3: "headline", 5: "headline"}
    decided = {n: RoleDecision(n - 1, r, 1.0, (), full=True) for n, r in roles.items()}
    rules = StructureRules(load_ruleset("zh-newspaper"), text, starts, line_roles=decided)
    units = [
        Unit(
            Block(BlockKind.PARAGRAPH, (Piece(t, starts[n - 1], starts[n - 1] + len(t)),), n, n, 1),
            "stack",
            1,
            stack_role=roles[n],
        )
        for n, t in ((1, kicker), (3, first), (5, second))
    ]
    stacks = _role_stacks(units, rules, [])
    assert [[b.text for b in s.members] for s in stacks] == [[kicker, first], [second]]


def test_title_lines_are_glued_with_a_space_only_where_a_phrase_ended_short_of_the_box() -> None:
    """Each phrase of a two-phrase title starts a line; a line filled to within a character of the widest
    line of the title (its box) was wrapped, and a line before an opening quote gave it a character."""
    from reflow.model import Block, BlockKind, Piece
    from reflow.structure import StructureRules, _merge

    def title(*lines: str) -> str | None:
        source = "\n".join(lines) + "\n"
        blocks, at = [], 0
        for n, text in enumerate(lines, 1):
            blocks.append(Block(BlockKind.HEADLINE, (Piece(text, at, at + len(text)),), n, n, 1))
            at += len(text) + 1
        rules = StructureRules(load_ruleset("zh-newspaper"), source, [0])
        merged = _merge(blocks, BlockKind.HEADLINE, rules)
        return merged.text if merged else None

    # the first phrase wraps, its one-character end is a phrase end; the second phrase wraps too
    assert title("化解加装电梯难", "题", "需要耐心更需要", "办法") == "化解加装电梯难题 需要耐心更需要办法"
    assert title("智能营养配餐系统走", "进中小学食堂") == "智能营养配餐系统走进中小学食堂"  # wrapped
    assert title("清水绕村流", "河长守碧波岸") == "清水绕村流 河长守碧波岸"
    # a line is one character short because the opening quote may not end it
    assert title("原产地证书", "申办有了", "“快车道”") == "原产地证书申办有了“快车道”"


def test_a_paragraph_goes_on_across_a_headline_stack_printed_inside_it() -> None:
    """pdftotext prints a title set inside the body between two lines of one paragraph: the line after the
    stack continues the paragraph (para_cont), so the halves are one paragraph and the article is not split
    there; the stack still heads an article, chosen by its words, and the join is recorded."""
    from reflow.model import Block, BlockKind, Piece
    from reflow.roles.decoder import RoleDecision
    from reflow.structure import build

    lines = [
        "本报北京1月5日电 从本月起，全省医保码",  # 1
        "",
        "医保码全省通用 看病结算更便捷",  # 3
        "",
        "全面支持扫码结算，参保群众无需携带实体卡。",  # 5
        "医保码激活率已达七成以上。",  # 6
    ]
    source = "\n".join(lines) + "\n"
    starts = [sum(len(t) + 1 for t in lines[:k]) for k in range(len(lines))]

    def block(n: int) -> Block:
        return Block(
            BlockKind.PARAGRAPH,
            (Piece(lines[n - 1], starts[n - 1], starts[n - 1] + len(lines[n - 1])),),
            n,
            n,
            1,
        )

    roles = {
        1: RoleDecision(0, "para_start", 5.0, ()),
        3: RoleDecision(2, "headline", 5.0, ()),
        5: RoleDecision(4, "para_cont", 5.0, ()),
        6: RoleDecision(5, "para_start", 5.0, ()),
    }
    ruleset = load_ruleset("zh-newspaper")

    def structure(rules: RuleSet) -> tuple[list[Article], list[Edit]]:
        return build(
            [block(1), block(3), block(5), block(6)],
            rules,
            source=source,
            line_starts=starts,
            line_pages=[1] * len(lines),
            page_labels={},
            line_roles=roles,
        )

    articles, edits = structure(ruleset)
    assert len(articles) == 1
    article = articles[0]
    assert article.headline is not None and article.headline.text == "医保码全省通用 看病结算更便捷"
    assert [b.text for b in article.blocks] == [
        "从本月起，全省医保码全面支持扫码结算，参保群众无需携带实体卡。",
        "医保码激活率已达七成以上。",
    ]
    assert article.blocks[0].first_line == 1 and article.blocks[0].last_line == 5
    joins = [e for e in edits if e.rule == "paragraphs.across_stack"]
    assert [(e.first_line, e.last_line) for e in joins] == [(1, 5)]
    assert "lines 3-3" in joins[0].note
    # the pass switched off: the stack splits the paragraph and the article
    import dataclasses

    off = dataclasses.replace(ruleset, disabled=ruleset.disabled | {"paragraphs.across_stack"})
    assert len(structure(off)[0]) == 2
    # the line after the stack starts a paragraph: the stack splits the page into two articles
    roles[5] = RoleDecision(4, "para_start", 5.0, ())
    assert len(structure(ruleset)[0]) == 2


def test_a_warm_fit_adjusts_the_shipped_weights_instead_of_replacing_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--warm` starts from RULESET's weights: what no line of the pages shows (a law article) stays as
    the shipped weights have it; a fit from nothing knows only the pages."""
    shipped = load_ruleset("zh-newspaper").roles.weights
    case = FIXTURES / "zh-headlines-first"  # a page the shipped weights misread a line of
    warm, cold = tmp_path / "warm.toml", tmp_path / "cold.toml"
    assert main(["rules", "fit", "zh-newspaper", str(case), "-o", str(warm), "--epochs", "2", "--warm"]) == 0
    assert main(["rules", "fit", "zh-newspaper", str(case), "-o", str(cold), "--epochs", "2"]) == 0
    capsys.readouterr()
    warm_weights, cold_weights = load_ruleset(warm).roles.weights, load_ruleset(cold).roles.weights
    assert warm_weights["para_start"]["cue:law_article"] == shipped["para_start"]["cue:law_article"]
    assert "cue:law_article" not in cold_weights.get("para_start", {})
    assert warm_weights != shipped  # the page moved some weights
    text = (case / "input.txt").read_text("utf-8")
    assert convert(text, load_ruleset(warm)).articles


def test_the_fit_report_counts_weighted_pages_as_often_as_it_meets_them() -> None:
    """A page of weight 3 is met three times an epoch: accuracies stay between 0 and 1, and the report
    counts each line once."""
    evidence = tuple(LineEvidence(k, (f"f{k % 2}",), "tight", "join") for k in range(4))
    page = Page("p", evidence, ("para_start", "para_cont", "para_start", "para_cont"), weight=3)
    _weights, report = fit([page], epochs=3)
    assert report.lines == 4 and report.pages == 1
    assert all(0.0 <= accuracy <= 1.0 for accuracy in report.epochs) and report.averaged == 1.0


def test_a_paired_mark_left_open_is_evidence_that_the_text_goes_on() -> None:
    """Sample lines 421/423: 《重庆市新型基础设施重大项目建设行动方案（2020—2022 | 年）》发布…, with
    a column break between. The first line leaves （ open, the second closes ）》 opened above; with that
    evidence the decoder continues the paragraph (the break passes heal the column break there too)."""
    from reflow.decode import decode
    from reflow.pipeline import read_page

    ruleset = load_ruleset("zh-newspaper")
    text = decode(SAMPLE.read_bytes(), "auto").text
    page = read_page(text, ruleset)
    features = {page.lines[item.index].number: item.features for item in page.evidence(ruleset)}
    assert "brackets:unclosed" in features[421]
    assert {"brackets:unopened", "prev:brackets:unclosed"} <= set(features[423])
    assert "brackets:unclosed" not in features[424] and "brackets:unopened" not in features[424]
    document = convert(text, ruleset)
    (block,) = [b for a in document.articles for b in a.blocks if b.first_line <= 423 <= b.last_line]
    assert block.first_line < 421


def test_a_kicker_or_subtitle_alone_joins_the_neighbouring_stack_that_lacks_one() -> None:
    """pdftotext printed a stack in pieces: a kicker alone that heads no article joins the next stack that
    heads one and has no kicker; a subtitle alone joins the one before without a subtitle; a host that
    has that part already keeps its own."""
    from reflow.model import Block, BlockKind, Piece
    from reflow.structure import Stack, Unit, _fold_fragments, _Segment

    def block(text: str, line: int) -> Block:
        return Block(BlockKind.PARAGRAPH, (Piece(text, line * 10, line * 10 + len(text)),), line, line, 1)

    kicker = Stack((block("县域经济观察", 1),), ("kicker",))
    head = Stack((block("一根竹子撑起百亿产业", 5),), ("headline",))
    subtitle = Stack((block("——福建建瓯延伸竹产业链见闻", 9),), ("subtitle",))
    body = _Segment([Unit(block("初冬时节，闽北山区层林尽染。", 3), "paragraph", 1)])
    rest = _Segment([Unit(block("走进园区内的青岚竹业有限公司。", 7), "paragraph", 1)])
    edits: list[Edit] = []
    stacks, absorbed = _fold_fragments([kicker, body, head, rest, subtitle], {2}, edits)
    assert absorbed == {0, 4}
    assert [b.text for b in stacks[2].members] == [
        "县域经济观察",
        "一根竹子撑起百亿产业",
        "——福建建瓯延伸竹产业链见闻",
    ]
    assert stacks[2].roles == ("kicker", "headline", "subtitle")
    assert [(e.rule, e.first_line) for e in edits] == [("headlines.attach", 1), ("headlines.attach", 9)]
    # a piece chooses after the whole stacks: the body under the kicker goes to the headline printed below it
    from reflow.structure import _attach_options

    options = _attach_options([kicker, body, head], load_ruleset("zh-newspaper").headlines, {})
    assert max(options)[2:] == (2, 1)
    own = Stack((block("深读", 4), block("一根竹子撑起百亿产业", 5)), ("kicker", "headline"))
    stacks, absorbed = _fold_fragments([kicker, body, own, rest], {2}, [])
    assert absorbed == set() and stacks[2] == own


def test_a_numbered_heading_wrapped_over_two_lines_is_read_as_one_heading() -> None:
    """dev/rl-00012: 三、既要装得上， fills its narrow column and 更要用得好 is short, as a paragraph's
    first and last lines are; the run they make matches the numbered-heading pattern as a whole and ends
    without a stop, and that (``run:`` features) makes both lines a heading."""
    text = (
        "值得一提的是，\n"
        "加装电梯过程中的矛\n"
        "盾调解，也需要法治\n"
        "的支撑。对于已经达\n"
        "到法定表决比例、但\n"
        "个别住户仍坚持阻挠\n"
        "施工的情况，可以通\n"
        "过人民调解、司法确\n"
        "认等途径依法处理，\n"
        "既保护少数人的合法\n"
        "权益，也不让多数人\n"
        "的合理诉求被长期搁\n"
        "置。\n"
        "\n"
        "三、既要装得上，\n"
        "更要用得好\n"
        "电梯装好只是开\n"
        "始，后期的维保费用\n"
        "由谁承担、出现故障\n"
        "如何快速响应、年检\n"
        "和更新改造资金从哪\n"
        "里来，都是必须提前\n"
        "想清楚的问题。个别\n"
        "小区电梯建成后因维\n"
        "保费收缴困难而停\n"
    )
    document = convert(text, load_ruleset("zh-newspaper"))
    (article,) = document.articles
    assert [(b.kind.value, b.text[:6]) for b in article.blocks] == [
        ("paragraph", "值得一提的是"),
        ("heading", "三、既要装得"),
        ("paragraph", "电梯装好只是"),
    ]
    assert article.blocks[1].text == "三、既要装得上，更要用得好"
    second = [e for e in document.edits if e.rule == "roles.heading" and e.first_line == 15]
    assert second and "run:heading:numbered" in second[0].note


def test_a_line_that_goes_on_a_pair_of_characters_printed_elsewhere_is_a_junction() -> None:
    """``junction``: the last character above and the first one of the line are a pair the page prints
    inside a line (高标准农 / 田: 农田 is in 高标准农田建设), so the text goes on across the line end; a new
    paragraph (改造。 / 县农业) or a Latin start does not make one. The fitted weights read it so: a
    paragraph goes on there, across a blank line too, and a paragraph's first line does not start there."""
    from reflow.roles.features import _junctions

    lines = [
        "县里把高标准农田建设作为头号工程",
        "推进改造。截至目前，高标准农",
        "田已建成98万亩",
        "县农业农村局介绍",
        "2400公里",
    ]
    assert _junctions(lines) == [False, False, True, False, False]
    weights = load_ruleset("zh-newspaper").roles.weights
    across_blank = {role: weights[role]["junction"] + weights[role]["junction&blank"] for role in weights}
    assert max(across_blank, key=lambda role: across_blank[role]) == "para_cont"
    assert across_blank["para_start"] < 0 < across_blank["para_cont"]


def test_a_pause_inside_a_short_line_is_evidence_of_prose() -> None:
    """``inner_punct``: a comma or a stop before a line's last character (对此，学院建立了订单班)
    marks prose; a title has none (千亩良田迎丰年), and a mark that ends the line does not count. The
    fitted weights make a short line with one a paragraph's line rather than a kicker or a headline."""
    from reflow.breaks import BreakRules
    from reflow.roles.features import _shape

    rules = BreakRules(load_ruleset("zh-newspaper"))
    assert {"inner_punct", "inner_punct&len<=14"} <= set(_shape("对此，学院建立了订单班", rules))
    assert not [f for f in _shape("千亩良田迎丰年", rules) if f.startswith("inner_punct")]
    assert not [f for f in _shape("面积稳定在160万亩，", rules) if f.startswith("inner_punct")]
    weights = load_ruleset("zh-newspaper").roles.weights
    short = {
        role: weights[role].get("inner_punct", 0.0) + weights[role].get("inner_punct&len<=14", 0.0)
        for role in weights
    }
    assert short["para_start"] > short["headline"] and short["para_cont"] > short["kicker"]
