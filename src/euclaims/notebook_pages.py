"""The HTML page of an executed notebook, rendered where the notebook ran.

The pipeline renders `executed.html` next to `executed.ipynb` in the notebook's output folder,
in the worker that executed it (so the pages of several notebooks render in parallel); the
report copies it to reports/notebooks/<stem>.html.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from .paths import PACKAGE_DIR

PAGE_NAME = "executed.html"


@cache
def _exporter() -> Any:
    """One HTML exporter per process: its Jinja environment keeps the compiled templates."""
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        extra_template_paths=[str(PACKAGE_DIR / "templates")],
        template_file="notebook.html.j2",
    )


def warm_exporter() -> None:
    """Render a two-cell notebook, so that the exporter's templates are compiled and the
    highlighter loaded in this process (and in the processes forked from it)."""
    import nbformat

    v4 = nbformat.v4
    output = v4.new_output("execute_result", {"text/plain": "1"}, execution_count=1)
    notebook = v4.new_notebook(
        cells=[v4.new_markdown_cell("*a*"), v4.new_code_cell("1", outputs=[output])],
        metadata={"language_info": {"name": "python", "pygments_lexer": "ipython3"}},
    )
    _exporter().from_notebook_node(notebook, resources={"metadata": {"name": "warm"}})


def render_notebook_html(executed: Path, stem: str) -> str:
    """The executed notebook as one offline HTML page with an anchor `cell-<n>` per code cell."""
    import nbformat

    notebook = nbformat.read(executed, as_version=4)
    notebook.metadata["title"] = f"{stem} (executed notebook, euclaims)"
    body, _ = _exporter().from_notebook_node(notebook, resources={"metadata": {"name": stem}})
    return body


def notebook_page_html(output_dir: Path, stem: str) -> str:
    """The page rendered with the run in `output_dir`, else rendered now from its notebook."""
    page = output_dir / PAGE_NAME
    if page.exists():
        return page.read_text(encoding="utf-8")
    return render_notebook_html(output_dir / "executed.ipynb", stem)
