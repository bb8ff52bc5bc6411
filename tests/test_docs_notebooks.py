"""The notebooks of docs/notebooks run top to bottom (small sizes, well within a minute each),
so a change that breaks one fails here. They are committed without outputs: a notebook's
numbers come from the package of the day, and this test is what keeps them working."""

from __future__ import annotations

import os
import pathlib

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "docs" / "notebooks").glob("*.ipynb"))
#: Seconds one cell may take before the run fails (the whole notebook stays well under a minute).
CELL_TIMEOUT = 60


def test_the_four_notebooks_exist():
    assert [path.stem for path in NOTEBOOKS] == ["grover_attention", "loaders", "qlaci", "sparsity"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_is_committed_without_outputs(path):
    book = nbformat.read(path, as_version=4)
    assert all(not cell.get("outputs") and cell.get("execution_count") is None
               for cell in book.cells if cell.cell_type == "code")


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_runs_top_to_bottom(path, tmp_path, monkeypatch):
    book = nbformat.read(path, as_version=4)
    # the kernel imports this checkout's package, and writes nothing next to the notebook
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    client = nbclient.NotebookClient(book, timeout=CELL_TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [output for cell in book.cells for output in cell.get("outputs", []) if output.output_type == "error"]
    assert not errors
