"""The report's links: two clicks to the cell, relative links that survive copying reports/."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from urllib.parse import unquote

import pytest

pytestmark = pytest.mark.slow
HREF = re.compile(r'href="([^"]+)"')


def page_ids(html: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', html))


def test_no_duplicate_ids_and_each_figure_once(built_full):
    html = (built_full / "reports/report.html").read_text()
    ids = Counter(re.findall(r'\bid="([^"]+)"', html))
    assert not [name for name, count in ids.items() if count > 1]
    numbers = re.findall(r"<strong>Figure (\d+)\.</strong>", html)
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)]


def test_every_key_number_links_to_a_cell_that_exists(built_full):
    html = (built_full / "reports/report.html").read_text()
    links = re.findall(r'<a class="number" href="([^"]+)"', html)
    assert links
    pages = {}
    for link in links:
        page, anchor = link.split("#", 1)
        if page not in pages:
            pages[page] = page_ids((built_full / "reports" / page).read_text())
        assert anchor in pages[page], link


def test_links_are_relative_and_resolve_in_a_copied_reports_folder(built_full, tmp_path):
    copied = shutil.copytree(built_full / "reports", tmp_path / "elsewhere" / "reports")
    html = (copied / "report.html").read_text()
    own_ids = page_ids(html)
    for link in sorted(set(HREF.findall(html))):
        if link.startswith(("https://", "http://", "mailto:")):
            continue
        assert not link.startswith(("/", "file:")) and ".." not in link, link
        page, _, anchor = unquote(link).partition("#")
        if not page:
            assert anchor in own_ids, link
            continue
        target = copied / page
        assert target.exists(), link
        if anchor:
            assert anchor in page_ids(target.read_text()), link


def test_notebook_pages_load_nothing_from_the_network(built_full):
    for page in (built_full / "reports/notebooks").glob("*.html"):
        assert not re.search(r'<script[^>]*src="https?://', page.read_text()), page.name
