"""The default report: regenerated, it has the committed tables, columns and plots; generated
twice, it is the same bytes; a primitive that is not built gets a line, not numbers."""

from __future__ import annotations

import csv
import io
import struct
from pathlib import Path

import pytest

from qresource.report import sources
from qresource.report.build import DEFAULT_PRESETS, Engine, ReportConfig, build_report, depth_series

COMMITTED = Path(__file__).resolve().parent.parent / "reports"
KEY_COLUMNS = {
    "resources.csv": ("preset", "n", "d", "k", "series", "loader"),
    "classical.csv": ("preset", "n", "d", "k", "hardware"),
    "crossover.csv": ("d", "k", "series", "loader", "classical", "hardware"),
    "architectures.csv": ("preset", "series", "loader", "architecture"),
    "crossover_best_architecture.csv": ("d", "k", "series", "loader", "classical", "hardware"),
}


def read_csv(path: Path) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(path.read_text()))
    return list(reader.fieldnames or []), list(reader)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


SMALL = ReportConfig(
    presets=DEFAULT_PRESETS[:1],
    ks=(8,),
    hardware=("h100-sxm",),
    loaders=("qrom",),
    plot_d=(64,),
    plot_exponents=(10, 12),
    crossover_n_max=2**24,
    babbush_reference_n=2**12,
    sparsity_ns=(32, 64),
    sparsity_windows=1,
    frontier_k=8,
    frontier_architectures=("gate_based_ns_e3", "gate_based_ns_e4"),
)


@pytest.fixture(scope="module")
def small_reports(tmp_path_factory):
    """The small configuration without QLACI (its synthesised circuits dominate the run time
    and are covered by the full regeneration below)."""
    first, second = tmp_path_factory.mktemp("a"), tmp_path_factory.mktemp("b")
    def without_qlaci():
        status = {name: sources.probe(name) for name in sources.PROBES if name != "qlaci"}
        status["qlaci"] = "left out of this test"
        return status

    patch = pytest.MonkeyPatch()
    patch.setattr(sources, "availability", without_qlaci)
    try:
        build_report(first, SMALL)
        build_report(second, SMALL)
    finally:
        patch.undo()
    return first, second


def test_two_runs_write_the_same_bytes(small_reports):
    first, second = small_reports
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    assert {"index.md", "resources.csv", "resources.md", "crossover.csv", "classical.csv", "architectures.csv",
            "crossover_best_architecture.csv", "frontier_gpt2-small-head.png", "depth_vs_n_d64.png"} <= set(names)
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_a_primitive_that_is_not_built_gets_a_line_and_no_numbers(small_reports):
    first, _ = small_reports
    index = (first / "index.md").read_text()
    assert "- QLACI: not built (left out of this test); no numbers shown." in index
    _, rows = read_csv(first / "resources.csv")
    assert rows and not any("QLACI" in row["series"] for row in rows)


def test_crossover_rows_are_consistent_with_their_runtimes(small_reports):
    first, _ = small_reports
    _, rows = read_csv(first / "crossover.csv")
    for row in rows:
        if row["n_star"]:
            # at n* the quantum side (plus its classical part) is the faster one
            assert float(row["quantum_s_at_n_star"]) < float(row["classical_s_at_n_star"])
        else:
            assert row["crossover"].startswith(("none", "no quantum"))


def stale_tables(fresh: Path, committed: Path) -> list[str]:
    """Where the committed tables differ from a fresh run: columns, rows (by their key columns)
    and every number, cell by cell."""
    found = []
    for name, keys in KEY_COLUMNS.items():
        new_columns, new_rows = read_csv(fresh / name)
        old_columns, old_rows = read_csv(committed / name)
        if new_columns != old_columns:
            found.append(f"{name}: columns {old_columns} -> {new_columns}")
            continue
        if [tuple(r[k] for k in keys) for r in new_rows] != [tuple(r[k] for k in keys) for r in old_rows]:
            found.append(f"{name}: the rows differ")
            continue
        for new, old in zip(new_rows, old_rows):
            changed = {c: (old[c], new[c]) for c in new_columns if new[c] != old[c]}
            if changed:
                found.append(f"{name} at {tuple(new[k] for k in keys)}: {changed}")
    return found


@pytest.mark.skipif(not COMMITTED.is_dir(), reason="no committed report in this checkout")
def test_regenerated_default_report_has_the_committed_tables_numbers_and_plots(tmp_path):
    written = build_report(tmp_path)
    committed = sorted(p.name for p in COMMITTED.iterdir() if not p.name.startswith("."))
    assert written == committed
    stale = stale_tables(tmp_path, COMMITTED)
    assert not stale, f"reports/ is stale (regenerate it with `qresource report`): {stale[:5]}"
    for name in written:
        if name.endswith(".png"):
            assert png_size(tmp_path / name) == png_size(COMMITTED / name), name
        if name.endswith(".md"):
            assert (tmp_path / name).read_text() == (COMMITTED / name).read_text(), f"reports/{name} is stale"


@pytest.mark.skipif(not COMMITTED.is_dir(), reason="no committed report in this checkout")
def test_a_stale_number_is_noticed(tmp_path):
    """The comparison itself, on a copy of the committed tables with one number moved."""
    import shutil

    for name in KEY_COLUMNS:
        shutil.copy(COMMITTED / name, tmp_path / name)
    assert stale_tables(tmp_path, COMMITTED) == []
    columns, rows = read_csv(COMMITTED / "resources.csv")
    numeric = next(c for c in columns if c not in KEY_COLUMNS["resources.csv"] and rows[0][c].isdigit())
    rows[0][numeric] = str(int(rows[0][numeric]) + 1)
    with (tmp_path / "resources.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    (stale,) = stale_tables(tmp_path, COMMITTED)
    assert stale.startswith("resources.csv at") and numeric in stale


def test_depth_plot_draws_three_readings_of_each_circuit_series():
    """Every full-circuit series comes with depth, lattice-surgery depth and T-depth at every n
    plotted, each the whole-attention record's own value; the fan-out merge never lengthens a
    schedule (lattice-surgery depth <= depth) and T-depth is at most depth."""
    engine = Engine(SMALL)
    curves = {label: (xs, values) for label, xs, values in depth_series(engine, 64)}
    circuit = [series for series in engine.series() if series.name == sources.GROVER_CIRCUIT]
    assert circuit and len(curves) == 3 * len(circuit)
    for series in circuit:
        label = f"{sources.GROVER_CIRCUIT} ({series.loader})"
        ns, depth = curves[f"{label}, depth"]
        _, surgery = curves[f"{label}, lattice-surgery depth"]
        _, t_depth = curves[f"{label}, T-depth"]
        for n, whole, fanned, t in zip(ns, depth, surgery, t_depth):
            record = series.evaluate(n, SMALL.plot_k, 64)["counts"]["logical"]
            assert (whole, fanned, t) == (record.depth, record.lattice_surgery_depth, record.t_depth)
            assert 0 < t <= whole and 0 < fanned <= whole
