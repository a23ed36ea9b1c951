"""The report in a real browser (headless Chromium) and its PDF.

Chromium is a system package (`apt-get install -y chromium`); CI installs it. Where it is absent
outside CI these tests are skipped with that reason; in CI (CI=true) its absence is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from euclaims.paths import REPORTS_DIR
from euclaims.report import chromium_binary, write_pdf

pytestmark = pytest.mark.slow
CHROMIUM = chromium_binary()
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def chromium() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI: apt-get install -y chromium")
        pytest.skip("Chromium not installed (apt-get install -y chromium)")
    return CHROMIUM


def test_report_renders_offline_without_errors(built: Path, chromium: str):
    from playwright.sync_api import sync_playwright

    html = built / "reports" / "report.html"
    console_errors, requests = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: console_errors.append(str(error)))
        page.on("request", lambda request: requests.append(request.url))
        page.goto(html.as_uri(), wait_until="load")
        images = page.evaluate(
            "Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.alt])"
        )
        table_visible = page.locator("table.verdict-table").is_visible()
        rows = page.locator("table.verdict-table tbody tr").count()
        REPORTS_DIR.mkdir(exist_ok=True)
        page.screenshot(path=str(REPORTS_DIR / "browser-test.png"))
        browser.close()
    assert console_errors == []
    assert [url for url in requests if not url.startswith(("file:", "data:"))] == []
    assert images, "the report has no figures"
    assert all(complete and width > 0 for complete, width, _ in images), images
    assert table_visible
    assert rows >= 1


def test_pdf_is_printed_from_the_html(built: Path, chromium: str, tmp_path: Path):
    pdf = tmp_path / "report.pdf"
    assert write_pdf(built / "reports" / "report.html", pdf)
    payload = pdf.read_bytes()
    assert payload.startswith(b"%PDF-")
    assert payload.count(b"/Type /Page") + payload.count(b"/Type/Page") >= 2


def test_missing_chromium_is_reported_not_fatal(built: Path, tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert write_pdf(built / "reports" / "report.html", tmp_path / "report.pdf") is False
    assert "apt-get install -y chromium" in capsys.readouterr().err
    assert not (tmp_path / "report.pdf").exists()
