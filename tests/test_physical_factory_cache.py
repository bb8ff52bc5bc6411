"""Where qre's round-based factory keeps its pipelines, and that estimates do not depend on it.

qre's own default (``~/.cache/re3/round_based``) made every estimate that offers the round-based
factory (the default "all" does) fail where the home directory cannot be written, and its files
are not told apart by qdk version. These tests take the home directory away, the temporary
directory too, and hold the estimates equal to the ones made with a cache."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from qresource.machinery import physical
from qresource.machinery.physical import (
    CODE_DISTANCES,
    Architecture,
    Factory,
    QecCode,
    _frontier_over,
    estimator_version,
    factory_cache_candidates,
    factory_cache_dir,
)

#: A unit the round-based factory alone can serve on gate-based surface-code hardware.
UNIT = {"numQubits": 300, "tCount": 100, "rotationCount": 0, "rotationDepth": 0, "cczCount": 10**6,
        "ccixCount": 0, "measurementCount": 10**6}


@pytest.fixture
def fresh_cache_dir():
    """Forget the chosen directory before and after the test (it is chosen once per process)."""
    factory_cache_dir.cache_clear()
    yield
    factory_cache_dir.cache_clear()


def _frontier():
    return _frontier_over(UNIT, Architecture.GATE_BASED_NS_E3, QecCode.SURFACE_CODE, (Factory.ROUND_BASED,),
                          1e-3, CODE_DISTANCES)


def _without_home(monkeypatch, tmp_path: Path) -> Path:
    """A home directory that is a file (no cache can be made under it) and a temporary
    directory of the test's own; returns the latter."""
    not_a_directory = tmp_path / "home-is-a-file"
    not_a_directory.write_text("")
    monkeypatch.setenv("HOME", str(not_a_directory))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(physical.tempfile, "tempdir", str(temporary))
    return temporary


def test_candidates_are_named_after_the_qdk_version(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    candidates = factory_cache_candidates()
    assert candidates[0] == tmp_path / "xdg" / "qresource" / f"qdk-{estimator_version()}" / "round_based"
    assert all(f"qdk-{estimator_version()}" in candidate.parts for candidate in candidates)


def test_a_relative_xdg_cache_home_is_ignored(monkeypatch, tmp_path):
    # the XDG base directory specification: relative paths are invalid and must be ignored
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert all(candidate.is_absolute() for candidate in factory_cache_candidates())


def test_an_unwritable_home_falls_back_to_the_temporary_directory(monkeypatch, tmp_path, fresh_cache_dir):
    temporary = _without_home(monkeypatch, tmp_path)
    chosen = factory_cache_dir()
    assert chosen is not None and chosen.is_relative_to(temporary) and chosen.is_dir()
    points, _, _ = _frontier()
    assert points
    assert list(chosen.glob("*.json")), "the pipelines were not kept where the cache was chosen"


def test_estimates_are_the_same_with_no_cache_a_new_one_and_a_kept_one(monkeypatch, tmp_path, fresh_cache_dir):
    monkeypatch.setattr(physical, "factory_cache_candidates", lambda: [tmp_path / "cache"])
    first, _, _ = _frontier()  # computes the pipelines and keeps them
    assert list((tmp_path / "cache").glob("*.json"))
    kept, _, _ = _frontier()  # reads them back
    factory_cache_dir.cache_clear()
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setattr(physical, "factory_cache_candidates", lambda: [blocked / "cache"])
    assert factory_cache_dir() is None
    uncached, _, _ = _frontier()
    assert first and _exact(first) == _exact(kept) == _exact(uncached)
    # a pipeline qre reads back from its file can differ from the computed one in the last bit
    # of its error rate: the points' errors may differ there, and nothing else may
    for ours, theirs in ((first, kept), (first, uncached)):
        assert [p["unit_error"] for p in ours] == pytest.approx([p["unit_error"] for p in theirs], rel=1e-15)


def _exact(points) -> list[dict]:
    return [{key: value for key, value in point.items() if key != "unit_error"} for point in points]


def test_the_cli_estimates_where_no_home_can_be_written(tmp_path):
    home = tmp_path / "home-is-a-file"
    home.write_text("")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {key: value for key, value in os.environ.items() if key != "XDG_CACHE_HOME"}
    env.update(HOME=str(home), TMPDIR=str(temporary), MPLCONFIGDIR=str(temporary / "mpl"))
    result = subprocess.run(
        [sys.executable, "-m", "qresource", "estimate", "attention", "--n", "1024", "--k", "8", "--d", "64",
         "--loader", "qrom", "--physical", "--factory", "round_based", "--json"],
        capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert '"physical_qubits"' in result.stdout
    assert list(temporary.glob(f"qresource-*/qdk-{estimator_version()}/round_based/*.json"))
