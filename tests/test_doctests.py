"""The examples in reflow's docstrings run as tests: every module of the package, found by walking it.

Modules are discovered, not listed, so a module added later has its doctests run without anyone
remembering to add it here. A module without examples is simply skipped over; the test at the end
keeps the discovery honest (the modules known to carry examples are found, and their examples run).
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from types import ModuleType

import pytest

import reflow

FINDER = doctest.DocTestFinder(exclude_empty=True)


def package_modules() -> list[str]:
    names = [reflow.__name__]
    for info in pkgutil.walk_packages(reflow.__path__, prefix=f"{reflow.__name__}."):
        names.append(info.name)
    return sorted(names)


def examples_of(name: str) -> list[doctest.DocTest]:
    module: ModuleType = importlib.import_module(name)
    return [test for test in FINDER.find(module) if test.examples]


MODULES = package_modules()
WITH_EXAMPLES = [name for name in MODULES if examples_of(name)]


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_docstring_examples(name: str) -> None:
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    failures: list[str] = []
    for test in examples_of(name):
        result = runner.run(test, out=failures.append)
        assert result.attempted == len(test.examples)
    assert runner.failures == 0, "".join(failures)


def test_the_modules_known_to_carry_examples_are_found() -> None:
    expected = {
        "reflow.structure",
        "reflow.render._escape",
        "reflow.evaluate",
        "reflow.decode",
        "reflow.scripts",
        "reflow.shadow",
    }
    assert expected <= set(WITH_EXAMPLES)
    assert len(WITH_EXAMPLES) >= 10
