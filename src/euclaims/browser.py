"""Open the report in headless Chromium: what a reader's browser sees, and screenshots.

`check_page` loads a page at a given viewport and measures what the browser tests assert:
console errors, every request (none may leave file:/data:), images, whether the verdict
overview fits the first screen, horizontal overflow, duplicate ids and drawn charts;
`check_pages` measures several pages in turn in a browser `launched` once.
`broken_links` follows every relative link of a copied reports/ folder without a browser.
"""

from __future__ import annotations

import html.parser
import shutil
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


def chromium_binary() -> str | None:
    """The Chromium (or Chrome) executable on PATH, if any."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


DESKTOP = (1280, 800)
PHONE = (390, 844)

_MEASURE = """() => {
  const height = window.innerHeight;
  const overview = document.querySelector('#overview table.overview');
  const rows = overview ? Array.from(overview.querySelectorAll('tbody tr')) : [];
  const box = overview ? overview.getBoundingClientRect() : null;
  const ids = Array.from(document.querySelectorAll('[id]')).map(e => e.id);
  const seen = new Set(), twice = new Set();
  ids.forEach(id => { if (seen.has(id)) { twice.add(id); } seen.add(id); });
  const wide = Array.from(document.body.querySelectorAll('*')).filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > document.documentElement.clientWidth + 1 &&
      !e.closest('.table-box, .chart, pre, .ov-claim, .jp-OutputArea-output, .jp-InputArea');
  }).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ')[0] : ''));
  return {
    overviewRows: rows.length,
    overviewRowsOnScreen: rows.filter(r => {
      const b = r.getBoundingClientRect();
      return b.top >= 0 && b.bottom <= height && b.height > 0;
    }).length,
    overviewTop: box ? box.top : -1,
    overviewBottom: box ? box.bottom : -1,
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    duplicateIds: Array.from(twice),
    overflowing: wide,
    charts: document.querySelectorAll('figure.has-chart').length,
    chartBoxes: document.querySelectorAll('[data-vega-spec]').length,
    keyNumberLinks: Array.from(document.querySelectorAll('a.key-number'))
      .map(a => a.getAttribute('href')),
    verdictRows: document.querySelectorAll('table.verdict-table tbody tr').length,
  };
}"""


@dataclass
class PageCheck:
    """What happened when the page loaded, and what the browser measured."""

    width: int = DESKTOP[0]
    height: int = DESKTOP[1]
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    images: list[tuple[bool, int, str]] = field(default_factory=list)
    verdict_table_visible: bool = False
    verdict_rows: int = 0
    overview_rows: int = 0
    overview_rows_on_screen: int = 0
    overview_top: float = -1.0
    overview_bottom: float = -1.0
    scroll_width: int = 0
    client_width: int = 0
    duplicate_ids: list[str] = field(default_factory=list)
    overflowing: list[str] = field(default_factory=list)
    charts_drawn: int = 0
    chart_boxes: int = 0
    key_number_links: list[str] = field(default_factory=list)

    @property
    def external_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(("file:", "data:"))]

    @property
    def overview_fits(self) -> bool:
        """Every row of the verdict overview is on the first screen."""
        return 0 < self.overview_rows == self.overview_rows_on_screen

    @property
    def horizontal_scroll(self) -> bool:
        return self.scroll_width > self.width


def check_page(
    html: Path,
    chromium: str,
    screenshot: Path | None = None,
    viewport: tuple[int, int] = DESKTOP,
    full_page: bool = False,
) -> PageCheck:
    """Load `html` in headless Chromium at `viewport`, measure it, optionally screenshot it."""
    with launched(chromium) as browser:
        return check_pages(browser, [html], screenshot, viewport, full_page)[0]


@contextmanager
def launched(chromium: str) -> Iterator[Any]:
    """One headless Chromium (a Playwright browser) for several `check_pages` calls: each
    launch costs about a second of CPU."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
        try:
            yield browser
        finally:
            browser.close()


def check_pages(
    browser: Any,
    pages: list[Path],
    screenshot: Path | None = None,
    viewport: tuple[int, int] = DESKTOP,
    full_page: bool = False,
) -> list[PageCheck]:
    """Load each of `pages` in turn in one tab of a fresh browser context at `viewport`, as a
    reader following links does, and measure each; the screenshot, if asked for, is of the
    last page."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    current: list[PageCheck] = []
    page.on(
        "console",
        lambda m: current[-1].console_errors.append(m.text) if m.type == "error" else None,
    )
    page.on("pageerror", lambda error: current[-1].console_errors.append(str(error)))
    page.on("request", lambda request: current[-1].requests.append(request.url))
    try:
        for html in pages:
            current.append(PageCheck(width=viewport[0], height=viewport[1]))
            page.goto(Path(html).resolve().as_uri(), wait_until="load")
            _measure(page, current[-1])
        if screenshot is not None:
            Path(screenshot).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=full_page)
    finally:
        context.close()
    return current


def _measure(page: Any, check: PageCheck) -> None:
    """Wait until the loaded page has drawn its charts, then fill `check` in."""
    boxes = page.locator("[data-vega-spec]").count()
    if boxes:
        page.wait_for_function(
            "n => document.querySelectorAll('figure.has-chart').length >= n",
            arg=boxes,
            timeout=30_000,
        )
    check.images = [
        tuple(item)
        for item in page.evaluate(
            "Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.alt])"
        )
    ]
    check.verdict_table_visible = page.locator("table.verdict-table").first.is_visible()
    measured = page.evaluate(_MEASURE)
    check.verdict_rows = measured["verdictRows"]
    check.overview_rows = measured["overviewRows"]
    check.overview_rows_on_screen = measured["overviewRowsOnScreen"]
    check.overview_top = measured["overviewTop"]
    check.overview_bottom = measured["overviewBottom"]
    check.scroll_width = measured["scrollWidth"]
    check.client_width = measured["clientWidth"]
    check.duplicate_ids = measured["duplicateIds"]
    check.overflowing = measured["overflowing"]
    check.charts_drawn = measured["charts"]
    check.chart_boxes = measured["chartBoxes"]
    check.key_number_links = measured["keyNumberLinks"]


# --- links, without a browser ----------------------------------------------------------------


class _Links(html.parser.HTMLParser):
    """Collects ids and the href/src of links, images and scripts of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"])
        for name in ("href", "src"):
            if values.get(name) and tag in ("a", "img", "script", "link", "iframe"):
                self.links.append(values[name])


def page_links(path: Path) -> tuple[set[str], list[str]]:
    """(ids, links) of an HTML page."""
    parser = _Links()
    parser.feed(Path(path).read_text(encoding="utf-8"))
    return parser.ids, parser.links


def broken_links(folder: Path, start: str = "report.html") -> list[str]:
    """Every relative link reachable from `start` in `folder` that does not resolve.

    A link resolves when its file exists inside `folder` and, for a fragment into an HTML
    page, the page has that id. Absolute local links (file:, /...) are broken by definition;
    https links are left to the reader's network; data: URIs are fine.
    """
    folder = Path(folder).resolve()
    parsed: dict[Path, tuple[set[str], list[str]]] = {}
    visited: set[Path] = set()
    queue, problems = [folder / start], []
    while queue:
        page = queue.pop()
        if page in visited:
            continue
        visited.add(page)
        if page not in parsed:
            parsed[page] = page_links(page)
        for link in parsed[page][1]:
            if link.startswith(("https://", "http://", "data:", "mailto:")):
                continue
            if link.startswith(("file:", "/")):
                problems.append(f"{page.name}: absolute local link {link}")
                continue
            address, _, fragment = link.partition("#")
            target = (page.parent / urllib.parse.unquote(address)).resolve() if address else page
            if not target.is_relative_to(folder):
                problems.append(f"{page.name}: {link} leaves the folder")
            elif not target.exists():
                problems.append(f"{page.name}: {link} does not exist")
            elif target.suffix == ".html":
                if target not in parsed:
                    parsed[target] = page_links(target)
                queue.append(target)
                ids = parsed[target][0]
                if fragment and fragment not in ids and urllib.parse.unquote(fragment) not in ids:
                    problems.append(f"{page.name}: {link} has no anchor #{fragment}")
    return problems


if __name__ == "__main__":
    import sys

    binary = chromium_binary()
    if binary is None:
        sys.exit("Chromium not found: apt-get update && apt-get install -y chromium")
    width, height = (int(v) for v in (sys.argv[3] if len(sys.argv) > 3 else "1280x800").split("x"))
    result = check_page(Path(sys.argv[1]), binary, Path(sys.argv[2]), viewport=(width, height))
    print(
        f"wrote {sys.argv[2]}; console errors: {len(result.console_errors)}; "
        f"external requests: {len(result.external_requests)}; overview rows on the first "
        f"screen: {result.overview_rows_on_screen} of {result.overview_rows}; page width "
        f"{result.scroll_width} px at a {width} px viewport"
    )
