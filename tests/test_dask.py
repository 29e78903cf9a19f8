"""The Dask engine on a real ``distributed.LocalCluster`` of two worker processes (no mocks).

The same batch gives byte-identical outputs, and the same manifest but for the seconds, on the local
engine with one or two jobs and on the cluster; a bad input fails alone there too.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import reflow.engines.dask
from reflow.cli import main

from .test_batch import PDF, make_tree, outputs

distributed = pytest.importorskip(
    "distributed", reason="the dask extra is not installed: pip install '.[dask]'"
)


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """The scheduler address of a two-worker cluster of separate processes."""
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as local,
        distributed.Client(local) as client,
    ):
        client.wait_for_workers(2, timeout=60)
        yield str(local.scheduler_address)


def records(out: Path) -> list[dict[str, object]]:
    lines = (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return [{key: value for key, value in json.loads(line).items() if key != "seconds"} for line in lines]


def test_the_dask_engine_gives_the_outputs_of_the_local_engine(
    cluster: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    make_tree(tmp_path / "archive")
    (tmp_path / "archive/2020-11-24/broken.txt").write_bytes(PDF)
    argv = ["convert", "archive", "--to", "json"]
    assert main([*argv, "-o", "local1", "-j", "1"]) == 1
    assert main([*argv, "-o", "local2", "-j", "2"]) == 1
    assert main([*argv, "-o", "dask", "--engine", "dask", "--scheduler", cluster]) == 1
    err = capsys.readouterr().err
    assert "reflow: failed: archive/2020-11-24/broken.txt: is a PDF document" in err
    expected = outputs(tmp_path / "local1")
    assert len(expected) == 5
    assert outputs(tmp_path / "local2") == expected
    assert outputs(tmp_path / "dask") == expected
    assert records(tmp_path / "dask") == records(tmp_path / "local1")


def test_the_dask_engine_resumes_and_groups_pages_like_the_local_engine(
    cluster: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    make_tree(tmp_path / "archive")
    argv = ["convert", "archive", "--group-by-dir", "--to", "text"]
    assert main([*argv, "-o", "local"]) == 0
    assert main([*argv, "-o", "dask", "--engine", "dask", "--scheduler", cluster]) == 0
    assert outputs(tmp_path / "dask") == outputs(tmp_path / "local")
    assert sorted(outputs(tmp_path / "dask")) == ["2020-11-23.txt", "2020-11-24.txt", "2020-11-24/extra.txt"]
    shutil.rmtree(tmp_path / "dask" / "2020-11-24")
    capsys.readouterr()
    assert main([*argv, "-o", "dask", "--engine", "dask", "--scheduler", cluster]) == 0
    assert "1 converted, 2 up to date" in capsys.readouterr().err
    assert outputs(tmp_path / "dask") == outputs(tmp_path / "local")


def test_an_unreachable_scheduler_is_a_usage_error_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(reflow.engines.dask, "CONNECT_TIMEOUT", 1.0)
    make_tree(tmp_path / "archive")
    code = main(["convert", "archive", "-o", "out", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("reflow: error: cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert not (tmp_path / "out").exists()
