"""Rule-set loading: built-ins, extends/merge semantics, validation that reports every problem at once.

Rule files are real files under ``tmp_path``; normalize examples of the built-in rule files run as tests.
"""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest
import regex

from reflow.ruleset import (
    _SPEC,
    Example,
    NormalizeRule,
    Problem,
    RuleFileError,
    RuleSet,
    builtin_rulesets,
    check_files,
    describe,
    load_ruleset,
)
from reflow.stages import PASS_NAMES

BUILTIN_NAMES = [name for name, _ in builtin_rulesets()]
DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def problems_of(path: Path | str) -> tuple[Problem, ...]:
    with pytest.raises(RuleFileError) as caught:
        load_ruleset(path)
    return caught.value.problems


def where(problems: tuple[Problem, ...] | list[Problem]) -> set[tuple[str, str]]:
    return {(p.rule, p.key) for p in problems}


def only(problems: tuple[Problem, ...] | list[Problem], rule: str, key: str) -> Problem:
    found = [p for p in problems if (p.rule, p.key) == (rule, key)]
    assert len(found) == 1, f"expected one problem at {rule}.{key}, got {problems}"
    return found[0]


# --- Built-in rule sets ------------------------------------------------------------------------------------


def test_builtin_rulesets_are_listed_sorted_with_descriptions() -> None:
    listed = builtin_rulesets()
    assert [name for name, _ in listed] == sorted(BUILTIN_NAMES)
    assert {"latin", "zh-newspaper"} <= set(BUILTIN_NAMES)
    assert all(description for _, description in listed)


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_builtin_ruleset_loads_under_its_file_name(name: str) -> None:
    ruleset = load_ruleset(name)
    assert isinstance(ruleset, RuleSet)
    assert ruleset.name == name
    assert ruleset.files[0] == f"rules/{name}.toml"


def test_builtin_loads_are_cached() -> None:
    assert load_ruleset("zh-newspaper") is load_ruleset("zh-newspaper")


def test_zh_newspaper_extends_latin() -> None:
    zh, latin = load_ruleset("zh-newspaper"), load_ruleset("latin")
    assert zh.files == ("rules/zh-newspaper.toml", "rules/latin.toml")
    assert zh.layout.full_ratio == 0.88
    assert zh.layout.first_line_indent == 2
    assert zh.join.no_space_scripts == ("Han", "Hiragana", "Katakana", "Bopomofo")
    assert zh.join.space_after.fullmatch("a") and not zh.join.space_after.fullmatch("中")
    assert "normalize.han_latin_space" in [rule.name for rule in zh.normalize]
    # [[examples]] are not inherited: each file's examples test its own rule set.
    assert zh.examples and latin.examples
    assert not set(zh.examples) & set(latin.examples)
    assert zh.disabled == frozenset()


def test_multiline_example_input_starts_with_its_first_line() -> None:
    # TOML drops the newline right after the opening """; nothing else is stripped.
    example = load_ruleset("latin").examples[0]
    assert isinstance(example, Example)
    assert example.input == "The State of New York gave these\nfigures on President and Governor.\n"
    assert isinstance(example.expected, tuple)


def test_loading_a_builtin_by_path_gives_the_builtin() -> None:
    path = Path(__file__).resolve().parent.parent / "rules" / "latin.toml"
    assert load_ruleset(path).files == ("rules/latin.toml",)


NORMALIZE_EXAMPLES = [
    pytest.param(rule, given, expected, id=f"{name}:{rule.name}:{i}")
    for name in BUILTIN_NAMES
    for rule in load_ruleset(name).normalize
    for i, (given, expected) in enumerate(rule.examples, 1)
]


@pytest.mark.parametrize(("rule", "given", "expected"), NORMALIZE_EXAMPLES)
def test_normalize_rule_examples_of_builtin_rule_files_hold(
    rule: NormalizeRule, given: str, expected: str
) -> None:
    assert rule.apply(given) == expected


def test_spec_keys_are_the_fields_of_the_compiled_dataclasses() -> None:
    ruleset = load_ruleset("zh-newspaper")
    for table, spec in _SPEC.items():
        if spec.make is None:
            continue
        value = getattr(ruleset, table)
        sample = value[0] if spec.array else value
        assert [f.name for f in dataclasses.fields(sample)] == list(spec.keys), table


def test_docs_mention_every_table_key_and_pass() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    for table, spec in _SPEC.items():
        assert (f"### `[[{table}]]`" if spec.array else f"### `[{table}]`") in docs
        for key in spec.keys:
            assert f"| `{key}`" in docs, f"docs/rules.md does not document {table}.{key}"
    for name in PASS_NAMES:
        assert f"| `{name}`" in docs, f"docs/rules.md does not document the pass {name}"


def test_rule_files_in_the_docs_load_and_their_normalize_examples_hold(tmp_path: Path) -> None:
    blocks = regex.findall(r"```toml\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=regex.DOTALL)
    assert blocks
    for i, block in enumerate(blocks):
        ruleset = load_ruleset(write(tmp_path, f"docs-{i}.toml", block))
        for rule in ruleset.normalize:
            for given, expected in rule.examples:
                assert rule.apply(given) == expected, rule.name


# --- extends and merging -----------------------------------------------------------------------------------

BASE = """
    [ruleset]
    name = "base"
    description = "a complete rule set"
    disable = ["breaks.indent", "normalize.gone"]

    [layout]
    full_ratio = 0.8
    very_short_ratio = 0.5
    first_line_indent = 0
    window = 40
    max_line_width = 110
    ambiguous_wide = false

    [punctuation]
    terminal = ".!?"
    closers = ")"
    no_line_start = ",."
    no_line_end = "("
    paragraph_end = [":"]

    [join]
    no_space_scripts = []
    space_before = '\\S'
    space_after = '\\S'
    hyphens = "-"
    hyphen_policy = "keep"

    [[normalize]]
    name = "first"
    pattern = 'a'
    replace = "A"

    [[normalize]]
    name = "gone"
    pattern = 'g'

    [[normalize]]
    name = "last"
    pattern = 'z'

    [[examples]]
    title = "base example"
    input = "x"
    expected = ["x"]
    """


def test_child_overrides_keys_and_inherits_the_rest(tmp_path: Path) -> None:
    write(tmp_path, "base.toml", BASE)
    child = write(
        tmp_path,
        "child.toml",
        """
        [ruleset]
        name = "child"
        extends = "base.toml"

        [layout]
        window = 30

        [join]
        hyphen_policy = "drop"
        """,
    )
    ruleset = load_ruleset(child)
    assert ruleset.name == "child"
    assert ruleset.description == ""  # not inherited: it describes the parent
    assert ruleset.files == (str(child), str(tmp_path / "base.toml"))
    assert ruleset.layout.window == 30
    assert ruleset.layout.full_ratio == 0.8
    assert ruleset.join.hyphen_policy == "drop"
    assert ruleset.join.hyphens == "-"
    assert ruleset.punctuation.paragraph_end == (":",)


def test_normalize_rules_merge_by_name_and_examples_concatenate(tmp_path: Path) -> None:
    write(tmp_path, "base.toml", BASE)
    child = write(
        tmp_path,
        "child.toml",
        """
        [ruleset]
        name = "child"
        extends = "base.toml"

        [[normalize]]
        name = "new"
        pattern = 'n'

        [[normalize]]
        name = "first"
        description = "replaced"
        pattern = 'b'

        [[examples]]
        title = "child example"
        input = "y"
        expected = ["y"]
        """,
    )
    ruleset = load_ruleset(child)
    names = [rule.name for rule in ruleset.normalize]
    assert names == ["normalize.first", "normalize.gone", "normalize.last", "normalize.new"]
    first = ruleset.normalize[0]
    assert (first.description, first.pattern.pattern, first.replace) == ("replaced", "b", "")
    assert [example.title for example in ruleset.examples] == ["child example"]


def test_disable_lists_union_and_enable_removes_inherited_names(tmp_path: Path) -> None:
    write(tmp_path, "base.toml", BASE)
    child = write(
        tmp_path,
        "child.toml",
        """
        [ruleset]
        name = "child"
        extends = "base.toml"
        disable = ["join.latin", "normalize.last"]
        enable = ["breaks.indent"]
        """,
    )
    ruleset = load_ruleset(child)
    assert ruleset.disabled == {"normalize.gone", "normalize.last", "join.latin"}
    assert ruleset.enabled("breaks.indent")
    assert not ruleset.enabled("normalize.gone")
    assert load_ruleset(tmp_path / "base.toml").disabled == {"breaks.indent", "normalize.gone"}


def test_extends_chain_of_three_files_lists_every_file(tmp_path: Path) -> None:
    write(tmp_path, "base.toml", BASE)
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "middle.toml", '[ruleset]\nname = "middle"\nextends = "../base.toml"\n')
    top = write(tmp_path, "top.toml", '[ruleset]\nname = "top"\nextends = "sub/middle.toml"\n')
    ruleset = load_ruleset(top)
    assert ruleset.name == "top"
    assert ruleset.files == (str(top), str(tmp_path / "sub" / "middle.toml"), str(tmp_path / "base.toml"))


def test_custom_file_extending_zh_newspaper(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "mine.toml",
        """
        [ruleset]
        name = "my-daily"
        extends = "zh-newspaper"
        disable = ["breaks.indent"]

        [layout]
        window = 30

        [[normalize]]
        name = "han_latin_space"
        pattern = '(?<=\\p{Han}) +(?=\\p{N})'
        examples = [["第 7", "第7"]]

        [[normalize]]
        name = "strip_page_furniture"
        description = "Drop the running head."
        pattern = '(?m)^人民日报[ \\t]+第\\d+版$'
        """,
    )
    ruleset = load_ruleset(path)
    zh = load_ruleset("zh-newspaper")
    assert ruleset.files == (str(path), "rules/zh-newspaper.toml", "rules/latin.toml")
    assert ruleset.layout.window == 30
    assert ruleset.layout.full_ratio == zh.layout.full_ratio
    assert [rule.name for rule in ruleset.normalize][-1] == "normalize.strip_page_furniture"
    rules = {rule.name: rule for rule in ruleset.normalize}
    assert rules["normalize.han_latin_space"].pattern.sub("", "第 7") == "第7"
    assert ruleset.disabled == {"breaks.indent"}
    assert ruleset.examples == ()


# --- Problems ----------------------------------------------------------------------------------------------


def test_every_mistake_in_a_file_is_reported_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.toml",
        """
        [ruleset]
        name = "bad"
        extends = "latin"
        disable = ["join.cjkk"]

        [layout]
        ful_ratio = 0.9
        very_short_ratio = "abc"
        window = 3
        first_line_indent = 9

        [join]
        hyphen_policy = "evidance"
        no_space_scripts = ["Han", "Hann", "L"]
        space_before = '[a]+'

        [layuot]
        window = 40

        [[normalize]]
        name = "broken"
        pattern = '(a'
        """,
    )
    problems = problems_of(path)
    assert where(problems) == {
        ("layout", "ful_ratio"),
        ("layout", "very_short_ratio"),
        ("layout", "window"),
        ("layout", "first_line_indent"),
        ("join", "hyphen_policy"),
        ("join", "no_space_scripts"),
        ("join", "space_before"),
        ("layuot", ""),
        ("normalize.broken", "pattern"),
        ("ruleset", "disable"),
    }
    assert all(p.file == str(path) for p in problems)
    assert "did you mean 'full_ratio'?" in only(problems, "layout", "ful_ratio").message
    assert "full_ratio, sentence_end_ratio, very_short_ratio" in only(problems, "layout", "ful_ratio").message
    assert "expected a number between 0 and 1 (0 excluded), got 'abc'" in str(problems)
    assert "expected a whole number of at least 5, got 3" in only(problems, "layout", "window").message
    assert "from 0 to 8, got 9" in only(problems, "layout", "first_line_indent").message
    policy = only(problems, "join", "hyphen_policy").message
    assert "'keep', 'drop', 'evidence'" in policy and "did you mean 'evidence'?" in policy
    scripts = [p.message for p in problems if p.key == "no_space_scripts"]
    assert len(scripts) == 2  # one per bad entry; "Han" is fine
    assert "item 2: unknown Unicode script 'Hann' (did you mean 'Han'?)" in scripts[0]
    assert "item 3: unknown Unicode script 'L'" in scripts[1]
    assert "one character class" in only(problems, "join", "space_before").message
    assert "did you mean 'layout'?" in only(problems, "layuot", "").message
    disable = only(problems, "ruleset", "disable").message
    assert "unknown pass 'join.cjkk' (did you mean 'join.cjk'?)" in disable
    # str(Problem) names the file, the rule and the key.
    assert str(only(problems, "layout", "window")).startswith(f"{path}: layout.window: ")


def test_regex_error_reports_its_position_with_a_caret(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.toml",
        """
        [ruleset]
        name = "bad"
        extends = "latin"

        [[normalize]]
        name = "unclosed"
        pattern = '中文)x'
        """,
    )
    message = only(problems_of(path), "normalize.unclosed", "pattern").message
    assert "unbalanced parenthesis at position 2" in message
    excerpt, caret = message.splitlines()[-2:]
    assert excerpt.strip() == "中文)x"
    # The caret sits under ')', after two wide characters: four columns.
    assert caret.index("^") == excerpt.index("中") + 4


def test_extends_cycle_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", '[ruleset]\nname = "a"\nextends = "b.toml"\n')
    write(tmp_path, "b.toml", '[ruleset]\nname = "b"\nextends = "a.toml"\n')
    problems = problems_of(tmp_path / "a.toml")
    assert len(problems) == 1, problems  # no noise about keys the cycle left missing
    problem = problems[0]
    assert (problem.file, problem.rule, problem.key) == (str(tmp_path / "b.toml"), "ruleset", "extends")
    assert "cycle" in problem.message
    assert f"{tmp_path / 'a.toml'} -> {tmp_path / 'b.toml'} -> {tmp_path / 'a.toml'}" in problem.message


def test_a_file_extending_itself_is_a_cycle(tmp_path: Path) -> None:
    path = write(tmp_path, "self.toml", '[ruleset]\nname = "self"\nextends = "self.toml"\n')
    assert "cycle" in only(problems_of(path), "ruleset", "extends").message


def test_unknown_extends_name_suggests_a_builtin(tmp_path: Path) -> None:
    path = write(tmp_path, "child.toml", '[ruleset]\nname = "child"\nextends = "zh-newspapr"\n')
    problems = problems_of(path)
    assert len(problems) == 1
    message = only(problems, "ruleset", "extends").message
    assert "unknown rule set 'zh-newspapr' (did you mean 'zh-newspaper'?)" in message
    assert "latin" in message


def test_missing_extends_file_is_reported_at_the_extends_key(tmp_path: Path) -> None:
    path = write(tmp_path, "child.toml", '[ruleset]\nname = "child"\nextends = "nowhere.toml"\n')
    message = only(problems_of(path), "ruleset", "extends").message
    assert "no such file" in message and "relative to the extending file" in message


def test_problems_of_an_extended_file_are_reported_with_its_name(tmp_path: Path) -> None:
    write(tmp_path, "parent.toml", '[ruleset]\nname = "parent"\nextends = "latin"\n[layout]\nwindow = 2\n')
    child = write(
        tmp_path, "child.toml", '[ruleset]\nname = "child"\nextends = "parent.toml"\n[join]\nx = 1\n'
    )
    problems = problems_of(child)
    assert [(p.file, p.rule, p.key) for p in problems] == [
        (str(child), "join", "x"),
        (str(tmp_path / "parent.toml"), "layout", "window"),
    ]


def test_unknown_pass_names_in_disable_and_enable(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.toml",
        """
        [ruleset]
        name = "bad"
        extends = "zh-newspaper"
        disable = ["normalize.han_latin_spaces", "breaks.column_break"]
        enable = ["breaks.column_break", "blank_line"]
        """,
    )
    problems = problems_of(path)
    assert where(problems) == {("ruleset", "disable"), ("ruleset", "enable")}
    messages = " | ".join(p.message for p in problems)
    assert "(did you mean 'normalize.han_latin_space'?)" in messages
    assert "'blank_line'" in messages and "breaks.blank_line" in messages
    assert "'breaks.column_break' is both in disable and in enable" in messages


def test_required_keys_are_checked_after_merging(tmp_path: Path) -> None:
    alone = write(tmp_path, "alone.toml", '[ruleset]\nname = "alone"\n[layout]\nwindow = 40\n')
    problems = problems_of(alone)
    missing = {
        (table, key)
        for table in ("layout", "punctuation", "join")
        for key, spec in _SPEC[table].keys.items()
        if spec.required
    }
    assert where(problems) == missing - {("layout", "window")}
    assert 'extends = "latin"' in problems[0].message
    child = write(tmp_path, "child.toml", '[ruleset]\nname = "child"\nextends = "latin"\n')
    assert load_ruleset(child).layout == load_ruleset("latin").layout


def test_an_invalid_value_is_not_also_reported_as_missing(tmp_path: Path) -> None:
    path = write(
        tmp_path, "bad.toml", '[ruleset]\nname = "bad"\nextends = "latin"\n[layout]\nwindow = "many"\n'
    )
    assert where(problems_of(path)) == {("layout", "window")}


def test_ruleset_table_needs_a_name_and_known_keys(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.toml", '[ruleset]\nextend = "latin"\ndescription = 3\n')
    problems = problems_of(path)
    assert {("ruleset", "name"), ("ruleset", "extend"), ("ruleset", "description")} <= where(problems)
    assert "did you mean 'extends'?" in only(problems, "ruleset", "extend").message
    assert "expected a string, got 3" in only(problems, "ruleset", "description").message


def test_key_outside_any_table_says_where_it_belongs(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.toml", 'name = "bad"\nextends = "latin"\n')
    problems = problems_of(path)
    assert "belongs in [ruleset]" in only(problems, "name", "").message
    assert ("ruleset", "name") in where(problems)


def test_normalize_rule_problems(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.toml",
        """
        [ruleset]
        name = "bad"
        extends = "latin"

        [[normalize]]
        pattern = 'x'

        [[normalize]]
        name = "twice"
        pattern = 'x'

        [[normalize]]
        name = "twice"
        pattern = 'y'

        [[normalize]]
        name = "bad name"
        pattern = 'x'

        [[normalize]]
        name = "group"
        pattern = '(a)'
        replace = '\\2'
        examples = [["a", "b"], ["only input"]]
        patern = 'x'
        """,
    )
    problems = problems_of(path)
    assert where(problems) == {
        ("normalize[1]", "name"),
        ("normalize.twice", "name"),
        ("normalize.bad name", "name"),
        ("normalize.group", "replace"),
        ("normalize.group", "examples"),
        ("normalize.group", "patern"),
    }
    assert "used by two [[normalize]] entries" in only(problems, "normalize.twice", "name").message
    assert "item 2:" in only(problems, "normalize.group", "examples").message
    assert "invalid replacement '\\2': no such group" in only(problems, "normalize.group", "replace").message
    assert "did you mean 'pattern'?" in only(problems, "normalize.group", "patern").message


def test_examples_problems(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.toml",
        """
        [ruleset]
        name = "bad"
        extends = "latin"

        [[examples]]
        title = "no input"
        expected = "one paragraph"
        """,
    )
    problems = problems_of(path)
    assert where(problems) == {("examples[1]", "input"), ("examples[1]", "expected")}
    assert (
        "expected a list of strings, got 'one paragraph'" in only(problems, "examples[1]", "expected").message
    )


def test_single_table_written_as_array_and_array_as_table(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.toml",
        """
        [ruleset]
        name = "bad"
        extends = "latin"

        [[layout]]
        window = 40

        [normalize]
        name = "x"
        """,
    )
    problems = problems_of(path)
    assert where(problems) == {("layout", ""), ("normalize", "")}
    assert "[[normalize]]" in only(problems, "normalize", "").message


@pytest.mark.parametrize(
    ("pattern", "ok"),
    [
        (r"[^\s\-‐]", True),
        (r"\S", True),
        (r"[\p{Latin}\p{N},.;:!?)]", True),
        (r"[[:alpha:]\d]", True),
        (r"\p{Han}", True),
        (r"(?i)[a-z]", True),
        (".", True),
        ("a", True),
        ("[a]+", False),
        ("[a]|[b]", False),
        ("ab", False),
        (r"\S\S", False),
        ("(a)", False),
    ],
)
def test_space_before_must_be_one_character_class(tmp_path: Path, pattern: str, ok: bool) -> None:
    path = write(
        tmp_path,
        "x.toml",
        f'[ruleset]\nname = "x"\nextends = "latin"\n[join]\nspace_before = \'{pattern}\'\n',
    )
    if ok:
        assert load_ruleset(path).join.space_before.pattern == pattern
    else:
        assert where(problems_of(path)) == {("join", "space_before")}


# --- Files that cannot be read -----------------------------------------------------------------------------


def test_toml_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.toml", '[ruleset]\nname = "broken"\n[layout\nwindow = 40\n')
    (problem,) = problems_of(path)
    assert (problem.file, problem.rule, problem.key) == (str(path), "", "")
    assert "TOML syntax error at line 3, column" in problem.message
    assert "[layout" in problem.message


def test_missing_file_and_unknown_name(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path / "nothing.toml")
    assert "no such file" in problem.message
    (problem,) = problems_of("zh-newspapers")
    assert "did you mean 'zh-newspaper'?" in problem.message


def test_check_files_reports_problems_without_raising(tmp_path: Path) -> None:
    good = write(tmp_path, "good.toml", '[ruleset]\nname = "good"\nextends = "zh-newspaper"\n')
    bad = write(tmp_path, "bad.toml", '[ruleset]\nname = "bad"\nextends = "latin"\n[layout]\nful_ratio = 1\n')
    broken = write(tmp_path, "broken.toml", "[ruleset\n")
    assert check_files([str(good)]) == []
    assert check_files(["latin", "zh-newspaper"]) == []
    problems = check_files([str(good), str(bad), str(broken), str(tmp_path / "missing.toml")])
    assert [p.file for p in problems] == [str(bad), str(broken), str(tmp_path / "missing.toml")]
    assert problems[0].key == "ful_ratio"


def test_check_files_lists_a_shared_parent_problem_once(tmp_path: Path) -> None:
    write(tmp_path, "parent.toml", '[ruleset]\nname = "parent"\nextends = "latin"\n[layout]\nwindow = 1\n')
    one = write(tmp_path, "one.toml", '[ruleset]\nname = "one"\nextends = "parent.toml"\n')
    two = write(tmp_path, "two.toml", '[ruleset]\nname = "two"\nextends = "parent.toml"\n')
    assert len(check_files([str(one), str(two)])) == 1


# --- describe ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_describe_shows_every_key_and_loads_back(tmp_path: Path, name: str) -> None:
    ruleset = load_ruleset(name)
    text = describe(ruleset)
    for table, spec in _SPEC.items():
        if spec.make is not None and not spec.array:
            assert f"[{table}]" in text
            assert all(f"\n{key} = " in text for key in spec.keys)
    assert f"# [[examples]]: {len(ruleset.examples)}" in text
    reloaded = load_ruleset(write(tmp_path, "flat.toml", text))
    # Everything but the header and the [[examples]] count (examples are not shown) comes back.
    again = describe(reloaded).replace("[[examples]]: 0", f"[[examples]]: {len(ruleset.examples)}")
    assert again.splitlines()[1:] == text.splitlines()[1:]
    assert (reloaded.layout, reloaded.punctuation, reloaded.disabled) == (
        ruleset.layout,
        ruleset.punctuation,
        ruleset.disabled,
    )


def test_describe_shows_normalize_rules_and_disabled_passes(tmp_path: Path) -> None:
    write(tmp_path, "base.toml", BASE)
    text = describe(load_ruleset(tmp_path / "base.toml"))
    assert 'name = "first"\ndescription = ""\npattern = \'a\'\nreplace = "A"\n' in text
    assert 'disable = ["breaks.indent", "normalize.gone"]' in text
    assert "normalize.gone" in text and "off" in text
    assert 'hyphens = "-\\u00ad"' not in text  # only latin has a soft hyphen
    assert 'hyphens = "-‐\\u00ad"' in describe(load_ruleset("latin"))  # invisible characters escaped


def test_every_stage_pass_is_switchable(tmp_path: Path) -> None:
    names = sorted(PASS_NAMES)
    path = write(
        tmp_path,
        "all.toml",
        f'[ruleset]\nname = "all"\nextends = "latin"\ndisable = {names!r}\n'.replace("'", '"'),
    )
    assert load_ruleset(path).disabled == set(names)
