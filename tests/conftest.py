"""Test configuration: hypothesis profiles (``HYPOTHESIS_PROFILE=thorough`` runs ten times more examples)."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

settings.register_profile("default", deadline=None, print_blob=True)
settings.register_profile("thorough", deadline=None, print_blob=True, max_examples=3000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen", action="store_true", help="rewrite the TEI and HTML goldens of fixtures/ (review the diff)"
    )
