"""nbval really compares outputs: a changed key number in a committed notebook fails it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from euclaims.paths import NOTEBOOKS_DIR

pytestmark = pytest.mark.slow


def test_changed_key_number_makes_nbval_fail(tmp_path):
    notebook = json.loads((NOTEBOOKS_DIR / "small_states_institutions.ipynb").read_text())
    checked = [
        cell for cell in notebook["cells"]
        if cell["cell_type"] == "code" and "# NBVAL_CHECK_OUTPUT" in "".join(cell["source"])
    ]  # fmt: skip
    assert checked, "no cell is marked # NBVAL_CHECK_OUTPUT"
    text = checked[0]["outputs"][0]["data"]["text/plain"]
    joined = "".join(text)
    assert "'eu28_member_count_2017': 28" in joined
    checked[0]["outputs"][0]["data"]["text/plain"] = joined.replace(
        "'eu28_member_count_2017': 28", "'eu28_member_count_2017': 27"
    )
    # the cells after the tampered one need not run: nbval must fail on that one
    notebook["cells"] = notebook["cells"][: notebook["cells"].index(checked[0]) + 1]
    copy = tmp_path / "tampered.ipynb"
    copy.write_text(json.dumps(notebook))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(copy), "--nbval-lax", "--nbval-current-env",
         "-p", "no:cacheprovider", "-q", "-vv"],  # -vv: the full diff names the metric
        capture_output=True, text=True, cwd=tmp_path, timeout=600,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout
    assert "eu28_member_count_2017" in result.stdout
