"""Keep notebooks/*.ipynb committed with the outputs of their default run (for nbval)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from .fileio import atomic_write_text
from .params import check_notebook_matches, load_params_file, notebook_path
from .paths import NOTEBOOKS_DIR
from .pipeline import KERNEL


def clean_committed_notebook(notebook: dict) -> dict:
    """Drop papermill's run metadata so the committed notebook holds only code, outputs, tags."""
    notebook.get("metadata", {}).pop("papermill", None)
    for cell in notebook.get("cells", []):
        metadata = cell.get("metadata", {})
        metadata.pop("papermill", None)
        metadata.pop("execution", None)
    return notebook


#: sha256 of every figure of the notebooks' default runs (nbval does not compare images).
FIGURE_HASHES = NOTEBOOKS_DIR / "figures.sha256.json"


def refresh(stem: str) -> Path:
    """Execute notebooks/<stem>.ipynb with its own defaults and write it back with outputs;
    record the sha256 of the figures it saved in notebooks/figures.sha256.json."""
    import papermill

    source = notebook_path(stem)
    with tempfile.TemporaryDirectory() as tmp:
        executed = Path(tmp) / source.name
        papermill.execute_notebook(
            str(source), str(executed), kernel_name=KERNEL, cwd=str(source.parent),
            parameters={"output_dir": tmp},
        )  # fmt: skip
        notebook = clean_committed_notebook(json.loads(executed.read_text(encoding="utf-8")))
        record = json.loads((Path(tmp) / "results.json").read_text(encoding="utf-8"))
    for cell in notebook.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            continue
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["__drop__"] = True
    notebook["cells"] = [cell for cell in notebook["cells"] if not cell.pop("__drop__", False)]
    atomic_write_text(source, json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
    hashes = json.loads(FIGURE_HASHES.read_text()) if FIGURE_HASHES.exists() else {}
    hashes[stem] = {name: entry["sha256"] for name, entry in sorted(record["figures"].items())}
    atomic_write_text(FIGURE_HASHES, json.dumps(dict(sorted(hashes.items())), indent=2) + "\n")
    return source


def refresh_all(stems: list[str] | None = None) -> None:
    """Refresh the named notebooks (all of params.yaml by default)."""
    for spec in load_params_file().values():
        if stems and spec.stem not in stems:
            continue
        check_notebook_matches(spec)
        print(f"refreshed {refresh(spec.stem)}")


__all__ = ["refresh", "refresh_all"]
