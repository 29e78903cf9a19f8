"""Regression gate: accuracy floors on the committed slice of the generated corpus (corpus/slice/).

The slice is 26 cases of the dev split (both engines, 2-8 columns, every headline placement, news and
notices; see corpus/README.md). The floors sit a little below what was measured when they were set (see the
README's accuracy table); they catch a regression, they are not the target. The test split is never
scored here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reflow.cli import main

ROOT = Path(__file__).resolve().parent.parent
SLICE = sorted(str(case) for case in (ROOT / "corpus" / "slice" / "dev").iterdir() if case.is_dir())

FLOORS = {
    # the pass-by-pass rules, as the fixtures shaped them
    "zh-passes": {"bnd-F1": 0.55, "exact": 0.27, "art-B3": 0.69, "chr-F1": 0.98},
    # the default: the line-role decoder with fitted weights
    "zh-newspaper": {
        "bnd-F1": 0.79,
        "exact": 0.52,
        "hdg-F1": 0.56,
        "headl": 0.40,
        "stack": 0.33,
        "art-B3": 0.81,
        "jumps": 0.67,
        "chr-F1": 0.99,
    },
}


@pytest.mark.parametrize("ruleset", sorted(FLOORS))
def test_the_slice_scores_above_its_floors(ruleset: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert len(SLICE) >= 20
    floors = [f"{metric}={value}" for metric, value in FLOORS[ruleset].items()]
    code = main(["eval", "-r", ruleset, *SLICE, *(arg for floor in floors for arg in ("--min", floor))])
    err = capsys.readouterr().err
    assert code == 0, err


def test_a_floor_above_the_measured_score_fails_the_gate(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "-r", "zh-passes", *SLICE, "--min", "hdg-F1=0.9"]) == 1
    assert "hdg-F1" in capsys.readouterr().err
