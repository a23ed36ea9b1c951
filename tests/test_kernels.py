"""Kernels forked by the build's kernel server behave as kernels started as usual."""

from __future__ import annotations

import json
import os
import re
import subprocess

import nbformat
import papermill
import pytest

from euclaims import kernels
from euclaims.engine import ENGINE_NAME

CELLS = [
    "import pandas as pd\npd.DataFrame({f'column_{i}': range(3) for i in range(30)})",
    "import matplotlib\nmatplotlib.get_backend()",
    "import os, sys\nos.getcwd() == sys.argv[0] or os.path.basename(os.getcwd())",
    "import warnings\nwarnings.warn('shown in the cell')\nprint('printed')",
]


def _outputs(tmp_path, name: str) -> list:
    source = tmp_path / "cells.ipynb"
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(cell) for cell in CELLS]
    notebook.metadata["kernelspec"] = {
        "name": "euclaims",
        "language": "python",
        "display_name": "e",
    }
    nbformat.write(notebook, source)
    executed = papermill.execute_notebook(
        str(source), str(tmp_path / f"{name}.ipynb"), kernel_name="euclaims",
        progress_bar=False, cwd=str(tmp_path), engine_name=ENGINE_NAME,
    )  # fmt: skip
    # a warning names the kernel's temporary folder, which holds its pid
    return json.loads(re.sub(r"ipykernel_\d+", "ipykernel_N", json.dumps(
        [cell["outputs"] for cell in executed["cells"]])))  # fmt: skip


def test_a_forked_kernel_prints_what_a_started_one_prints(tmp_path):
    started = _outputs(tmp_path, "started")
    with kernels.kernel_server() as server:
        assert server and os.environ[kernels.SERVER_VARIABLE] == server
        forked = _outputs(tmp_path, "forked")
    assert kernels.SERVER_VARIABLE not in os.environ
    assert forked == started
    # the wide frame is cut at 20 columns in a kernel, not fitted to a terminal
    assert "30 columns" in started[0][0]["data"]["text/plain"]
    assert "inline" in started[1][0]["data"]["text/plain"]


def test_forking_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("EUCLAIMS_FORK_KERNELS", "0")
    ran = []
    with kernels.kernel_server(while_starting=lambda: ran.append("prepared")) as server:
        assert server is None
        assert kernels.SERVER_VARIABLE not in os.environ
        assert ran == ["prepared"]  # the work meant for the server's start is still done


def test_only_ipykernel_commands_are_forked():
    command = ["/venv/bin/python", "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "c"]
    assert kernels.launcher_arguments(command) == ["-f", "c"]
    assert kernels.launcher_arguments(["/usr/bin/R", "--slave", "-f", "c"]) is None


def test_an_ended_kernel_is_seen_as_ended():
    child = subprocess.Popen(["sleep", "30"])
    process = kernels.ForkedKernelProcess(child.pid)
    assert process.poll() is None
    process.kill()
    child.wait()
    assert process.poll() == 0
    with pytest.raises(ProcessLookupError):
        process.send_signal(0)


def test_a_server_that_does_not_start_leaves_ordinary_kernels(monkeypatch, capsys):
    monkeypatch.setattr(kernels.sys, "executable", "/bin/false")
    ran = []
    with kernels.kernel_server(while_starting=lambda: ran.append("prepared")) as server:
        assert server is None
        assert kernels.SERVER_VARIABLE not in os.environ
        assert ran == ["prepared"]
    assert "kernel server did not start" in capsys.readouterr().err


def test_work_done_while_the_server_starts_stops_the_server_when_it_fails(monkeypatch):
    started = []
    real_popen = kernels.subprocess.Popen

    def a_server_that_never_listens(*args, **kwargs):
        started.append(real_popen(["sleep", "30"]))
        return started[-1]

    monkeypatch.setattr(kernels.subprocess, "Popen", a_server_that_never_listens)

    def failing() -> None:
        raise RuntimeError("bad input")

    with pytest.raises(RuntimeError, match="bad input"):
        with kernels.kernel_server(while_starting=failing):
            pass
    assert started and started[0].poll() is not None  # the server process was ended
    assert kernels.SERVER_VARIABLE not in os.environ


def test_a_kernel_starts_as_usual_when_the_server_is_gone(tmp_path, monkeypatch):
    monkeypatch.setenv(kernels.SERVER_VARIABLE, str(tmp_path / "gone.sock"))
    backend = _outputs(tmp_path, "fallback")[1][0]["data"]["text/plain"]
    assert "matplotlib_inline" in backend
