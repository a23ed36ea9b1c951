"""The executed notebook's HTML page, and the exporter warmed before notebook workers fork."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from euclaims import notebook_pages
from euclaims.paths import NOTEBOOKS_DIR


@pytest.fixture
def fresh_exporter():
    notebook_pages._exporter.cache_clear()
    yield
    notebook_pages._exporter.cache_clear()


def _page(tmp_path: Path) -> str:
    notebook = nbformat.read(NOTEBOOKS_DIR / "defence_integration.ipynb", as_version=4)
    path = tmp_path / "executed.ipynb"
    nbformat.write(notebook, path)
    return notebook_pages.render_notebook_html(path, "defence_integration")


def test_warming_compiles_the_templates_and_leaves_the_page_unchanged(tmp_path, fresh_exporter):
    cold = _page(tmp_path)
    notebook_pages._exporter.cache_clear()
    notebook_pages.warm_exporter()
    assert len(notebook_pages._exporter().environment.cache) > 0
    assert _page(tmp_path) == cold
    assert 'id="cell-1"' in cold
