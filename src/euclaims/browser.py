"""Open the report in headless Chromium: what a reader's browser sees, and a screenshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

#: Flags for a root user on a machine without network: no sandbox, no background requests.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
)


@dataclass
class PageCheck:
    """What happened when the page loaded."""

    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    images: list[tuple[bool, int, str]] = field(default_factory=list)
    verdict_table_visible: bool = False
    verdict_rows: int = 0

    @property
    def external_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(("file:", "data:"))]


def _record_console(check: PageCheck, message) -> None:
    if message.type == "error":
        check.console_errors.append(message.text)


def check_page(html: Path, chromium: str, screenshot: Path | None = None) -> PageCheck:
    """Load `html` in headless Chromium, record errors, requests and images; screenshot it."""
    from playwright.sync_api import sync_playwright

    check = PageCheck()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on(
            "console", lambda m: check.console_errors.append(m.text) if m.type == "error" else None
        )
        page.on("pageerror", lambda error: check.console_errors.append(str(error)))
        page.on("request", lambda request: check.requests.append(request.url))
        page.goto(Path(html).resolve().as_uri(), wait_until="load")
        check.images = [
            tuple(item)
            for item in page.evaluate(
                "Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.alt])"
            )
        ]
        check.verdict_table_visible = page.locator("table.verdict-table").is_visible()
        check.verdict_rows = page.locator("table.verdict-table tbody tr").count()
        if screenshot is not None:
            Path(screenshot).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot))
        browser.close()
    return check


if __name__ == "__main__":
    import sys

    from .report import chromium_binary

    binary = chromium_binary()
    if binary is None:
        sys.exit("Chromium not found: apt-get update && apt-get install -y chromium")
    result = check_page(Path(sys.argv[1]), binary, Path(sys.argv[2]))
    print(
        f"wrote {sys.argv[2]}; console errors: {len(result.console_errors)}; "
        f"external requests: {len(result.external_requests)}"
    )
