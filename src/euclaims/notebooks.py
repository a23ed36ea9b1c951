"""Keep notebooks/*.ipynb committed with the outputs of their default run (for nbval)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from .fileio import atomic_write_text
from .params import check_notebook_matches, load_params_file, notebook_path
from .pipeline import KERNEL


def clean_committed_notebook(notebook: dict) -> dict:
    """Drop papermill's run metadata so the committed notebook holds only code, outputs, tags."""
    notebook.get("metadata", {}).pop("papermill", None)
    for cell in notebook.get("cells", []):
        metadata = cell.get("metadata", {})
        metadata.pop("papermill", None)
        metadata.pop("execution", None)
    return notebook


def refresh(stem: str) -> Path:
    """Execute notebooks/<stem>.ipynb with its own defaults and write it back with outputs."""
    import papermill

    source = notebook_path(stem)
    with tempfile.TemporaryDirectory() as tmp:
        executed = Path(tmp) / source.name
        papermill.execute_notebook(
            str(source), str(executed), kernel_name=KERNEL, cwd=str(source.parent)
        )
        notebook = clean_committed_notebook(json.loads(executed.read_text(encoding="utf-8")))
    atomic_write_text(source, json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
    return source


def refresh_all(stems: list[str] | None = None) -> None:
    """Refresh the named notebooks (all of params.yaml by default)."""
    for spec in load_params_file().values():
        if stems and spec.stem not in stems:
            continue
        check_notebook_matches(spec)
        print(f"refreshed {refresh(spec.stem)}")


__all__ = ["refresh", "refresh_all"]
