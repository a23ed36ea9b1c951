"""The report in a real browser (headless Chromium driven by Playwright) and its PDF.

Chromium is a system package (`apt-get install -y chromium`); CI installs it. Where it is absent
outside CI these tests are skipped with that reason; in CI (CI=true) its absence is a failure.
What they measure: the verdict overview on the first 1280x800 screen, no horizontal scroll at
390 px, every link of a copied reports/ resolving, key numbers linking to cell anchors that
exist, no duplicate ids, no request leaving the machine, an A4 PDF with page numbers and
bookmarks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import asdict
from pathlib import Path

import pytest
from conftest import exclusive, shared_dir

from euclaims.browser import (
    DESKTOP,
    PHONE,
    PageCheck,
    broken_links,
    check_pages,
    launched,
    page_links,
)
from euclaims.claims import load_ledger
from euclaims.params import load_params_file
from euclaims.paths import PROJECT_ROOT
from euclaims.report import chromium_binary, html_headings, write_pdf

pytestmark = pytest.mark.slow
CHROMIUM = chromium_binary()
#: The ledger is growing (a post-2022 notebook is on its way): the overview must leave room.
CLAIMS_TO_FIT = 28
SCREENSHOTS = PROJECT_ROOT / "docs"


@pytest.fixture(scope="session")
def chromium() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI: apt-get install -y chromium")
        pytest.skip("Chromium not installed (apt-get install -y chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def copied(built_full: Path, tmp_path_factory) -> Path:
    """reports/ copied somewhere else, as a reader would receive it (once per run, shared by
    the xdist workers: tests only read it)."""
    folder = shared_dir(tmp_path_factory) / "copied"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "somewhere" / "reports"
    with exclusive(folder / "copy.lock"):
        if not (folder / "copied").exists():
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(built_full / "reports", target)
            (folder / "copied").touch()
    return target


@pytest.fixture(scope="session")
def checks(copied: Path, chromium: str) -> dict[str, list[PageCheck]]:
    """The copied report measured at the desktop viewport (with its first screen) and at the
    phone's, and its notebook pages, in one Chromium: once per run, by whichever xdist worker
    needs them first, the other reading what it wrote (each report load draws 26 charts)."""
    folder = copied.parent
    saved = folder / "checks.json"
    with exclusive(folder / "checks.lock"):
        if not saved.exists():
            notebook_pages = sorted((copied / "notebooks").glob("*.html"))
            report = copied / "report.html"
            with launched(chromium) as browser:
                measured = {
                    "desktop": check_pages(browser, [report], folder / "first-screen.png"),
                    "phone": check_pages(browser, [report], folder / "phone.png", PHONE),
                    "notebooks": check_pages(browser, notebook_pages),
                }
            payload = {key: [asdict(check) for check in found] for key, found in measured.items()}
            saved.write_text(json.dumps(payload))
    payload = json.loads(saved.read_text())
    return {key: [PageCheck(**check) for check in found] for key, found in payload.items()}


def test_first_screen_shows_every_verdict_offline(checks, copied: Path, built_full: Path):
    check, screenshot = checks["desktop"][0], copied.parent / "first-screen.png"
    claims = len(load_ledger(built_full / "claims.yaml"))
    assert check.console_errors == []
    assert check.external_requests == []
    assert check.images and all(done and width > 0 for done, width, _ in check.images)
    assert check.overview_rows == claims
    assert check.overview_fits, (check.overview_rows_on_screen, check.overview_bottom)
    row_height = (check.overview_bottom - check.overview_top) / claims
    projected = check.overview_bottom + max(CLAIMS_TO_FIT - claims, 0) * row_height
    assert projected <= DESKTOP[1], f"{CLAIMS_TO_FIT} claims would end at {projected:.0f} px"
    assert check.verdict_table_visible and check.verdict_rows == claims
    assert check.duplicate_ids == []
    assert not check.horizontal_scroll
    assert check.chart_boxes > 0 and check.charts_drawn == check.chart_boxes
    assert screenshot.stat().st_size > 10_000


def test_phone_has_no_horizontal_scroll(checks):
    check = checks["phone"][0]
    assert check.width == PHONE[0]
    assert check.scroll_width <= PHONE[0], check.overflowing
    assert check.overflowing == []
    assert check.console_errors == [] and check.external_requests == []
    assert check.chart_boxes > 0 and check.charts_drawn == check.chart_boxes


def test_every_link_of_a_copied_report_resolves(copied: Path):
    assert broken_links(copied) == []
    _, links = page_links(copied / "report.html")
    assert not [link for link in links if link.startswith(("file:", "/"))]
    assert any(link.startswith("notebooks/") for link in links)


def test_every_key_number_links_to_a_cell_that_exists(copied: Path, checks):
    check = checks["desktop"][0]
    assert len(check.key_number_links) >= 20
    targets = {}
    for link in check.key_number_links:
        match = re.fullmatch(r"notebooks/([a-z0-9_]+)\.html#(cell-\d+)", link)
        assert match, f"key number link {link!r} does not point to a notebook cell"
        page = copied / "notebooks" / f"{match[1]}.html"
        if page not in targets:
            targets[page] = page_links(page)[0]
        assert match[2] in targets[page], f"{link}: no such cell anchor"


def test_notebook_pages_load_offline_without_duplicate_ids(copied: Path, checks):
    pages = sorted((copied / "notebooks").glob("*.html"))
    assert len(pages) == len(load_params_file())
    for page, check in zip(pages, checks["notebooks"], strict=True):
        assert check.requests[0] == page.resolve().as_uri(), page.name  # its own requests
        assert check.external_requests == [], page.name
        assert check.console_errors == [], page.name
        assert check.duplicate_ids == [], page.name


def test_pdf_is_a4_with_page_numbers_and_bookmarks(built_copy: Path, chromium: str):
    from pypdf import PdfReader

    built = built_copy  # the PDF is written next to the HTML: a private copy
    html = built / "reports" / "report.html"
    pdf = built / "reports" / "report-test.pdf"
    try:
        assert write_pdf(html, pdf)
        reader = PdfReader(pdf)
        assert len(reader.pages) >= 2
        width, height = (float(v) for v in reader.pages[0].mediabox[2:])
        assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2, "not A4"
        assert re.search(r"page 2 of \d+", reader.pages[1].extract_text())

        def titles(items) -> list[str]:
            out = []
            for item in items:
                out += titles(item) if isinstance(item, list) else [item.title]
            return out

        bookmarks = titles(reader.outline)
        headings = html_headings(html.read_text(encoding="utf-8"))
        assert len(bookmarks) >= 10
        assert set(bookmarks) <= set(headings), set(bookmarks) - set(headings)
        assert "Data sources and licences" in bookmarks
        uris = [
            str(annotation.get_object()["/A"]["/URI"])
            for page in reader.pages
            for annotation in page.get("/Annots") or []
            if "/A" in annotation.get_object() and "/URI" in annotation.get_object()["/A"]
        ]
        assert uris and not [u for u in uris if u.startswith("file:") or str(built) in u]
        assert any(u.startswith("notebooks/") for u in uris)
    finally:
        pdf.unlink(missing_ok=True)


def test_missing_chromium_is_reported_not_fatal(built: Path, tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert write_pdf(built / "reports" / "report.html", tmp_path / "report.pdf") is False
    assert "apt-get install -y chromium" in capsys.readouterr().err
    assert not (tmp_path / "report.pdf").exists()


def test_screenshots_for_the_readme_are_current_sizes():
    """docs/ holds the first-screen (1280x800) and phone (390 px) screenshots."""
    for name in ("report-first-screen.png", "report-phone.png"):
        payload = (SCREENSHOTS / name).read_bytes()
        assert payload.startswith(b"\x89PNG")
    width = int.from_bytes((SCREENSHOTS / "report-first-screen.png").read_bytes()[16:20], "big")
    assert width == DESKTOP[0]
