"""The papermill engine writes the executed notebook at the start and the end of a run only,
and still names the failing cell."""

from __future__ import annotations

import json

import nbformat
import papermill
import papermill.engines
import pytest

from euclaims.engine import ENGINE_NAME


def _notebook(path, sources):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "language": "python",
        "display_name": "py",
    }
    nbformat.write(notebook, path)
    return path


@pytest.fixture
def writes(monkeypatch):
    counted = []
    original = papermill.engines.write_ipynb
    monkeypatch.setattr(
        papermill.engines,
        "write_ipynb",
        lambda nb, path: (counted.append(path), original(nb, path)),
    )
    return counted


def _run(source, output):
    papermill.execute_notebook(
        str(source), str(output), kernel_name="python3", progress_bar=False,
        engine_name=ENGINE_NAME,
    )  # fmt: skip


def test_five_cells_are_written_twice_not_twelve_times(tmp_path, writes):
    source = _notebook(tmp_path / "in.ipynb", [f"x = {i}" for i in range(5)])
    _run(source, tmp_path / "out.ipynb")
    assert len(writes) == 2  # papermill's own engine: start, 2 per cell, end
    executed = json.loads((tmp_path / "out.ipynb").read_text())
    assert [c["execution_count"] for c in executed["cells"]] == [1, 2, 3, 4, 5]


def test_a_failing_cell_is_recorded_in_the_written_notebook(tmp_path, writes):
    source = _notebook(tmp_path / "in.ipynb", ["x = 1", "1 / 0", "y = 2"])
    with pytest.raises(papermill.PapermillExecutionError) as raised:
        _run(source, tmp_path / "out.ipynb")
    assert raised.value.exec_count == 2
    executed = json.loads((tmp_path / "out.ipynb").read_text())
    statuses = {
        "".join(c["source"]): c["metadata"]["papermill"]["status"]
        for c in executed["cells"]
        if "papermill" in c["metadata"]
    }
    assert statuses == {"x = 1": "completed", "1 / 0": "failed", "y = 2": "pending"}
