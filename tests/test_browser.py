"""The report in a real browser (headless Chromium) and its PDF.

Chromium is a system package (`apt-get install -y chromium`); CI installs it. Where it is absent
outside CI these tests are skipped with that reason; in CI (CI=true) its absence is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from euclaims.browser import check_page
from euclaims.claims import load_ledger
from euclaims.paths import REPORTS_DIR
from euclaims.report import chromium_binary, write_pdf

pytestmark = pytest.mark.slow
CHROMIUM = chromium_binary()


@pytest.fixture(scope="module")
def chromium() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI: apt-get install -y chromium")
        pytest.skip("Chromium not installed (apt-get install -y chromium)")
    return CHROMIUM


def test_report_renders_offline_without_errors(built_full: Path, chromium: str):
    screenshot = REPORTS_DIR / "browser-test.png"
    check = check_page(built_full / "reports" / "report.html", chromium, screenshot)
    assert check.console_errors == []
    assert check.external_requests == []
    assert check.images, "the report has no figures"
    assert all(complete and width > 0 for complete, width, _ in check.images), check.images
    assert check.verdict_table_visible
    assert check.verdict_rows == len(load_ledger(built_full / "claims.yaml"))
    assert screenshot.stat().st_size > 10_000


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
