"""Test configuration: hypothesis profiles.

``default`` (CI) is derandomized: the same examples on every run, so a red CI always means a change, never
luck. ``thorough`` draws fresh random examples, thirty times as many: run it when changing the passes
(``HYPOTHESIS_PROFILE=thorough python -m pytest tests/test_properties.py``) and on a schedule
(``bash .ci/run --thorough``).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

settings.register_profile("default", deadline=None, print_blob=True, derandomize=True)
settings.register_profile("thorough", deadline=None, print_blob=True, max_examples=3000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen", action="store_true", help="rewrite the TEI and HTML goldens of fixtures/ (review the diff)"
    )
