"""Compile the report (reports/): report.html, one HTML page per executed notebook, claims.jsonld
and report.pdf, from results.json files, figures, the multiverse tables and the ledger.

Everything in reports/ links only within reports/ (relative links) or to public https pages, so
the folder can be copied anywhere. Key numbers link to the notebook cell that computed them,
figures to the cell that drew them, data files to their entry in the data-sources section.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import json
import platform
import queue
import re
import sys
import threading
from collections import Counter
from html import unescape
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markupsafe import Markup, escape

from .browser import CHROMIUM_ARGS, chromium_binary
from .charts import CURVE_HINT, HINTS, static_svg
from .claims import VERDICT_LABELS, Claim, load_ledger
from .display import (
    MetricDisplay,
    display_for,
    format_percent,
    format_value,
    load_metric_display,
    readable_text,
)
from .errors import EuclaimsError
from .fileio import atomic_write_bytes, atomic_write_text, sha256_file
from .manifest import read_manifest
from .notebook_pages import notebook_page_html
from .params import NotebookSpec
from .paths import (
    CLAIMS_FILE,
    MANIFEST_FILE,
    MULTIVERSE_DIR,
    PROCESSED_DIR,
    PROJECT_ROOT,
    REPORTS_DIR,
)
from .records import package_source_digest, read_record
from .sources import SHARES_FILE, read_source_shares
from .yamlload import YAML_LOADER

REPORT_PACKAGES = (
    "euclaims",
    "pandas",
    "numpy",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbval",
    "pandera",
    "jinja2",
    "nbconvert",
    "altair",
    "vl-convert-python",
    "playwright",
    "pypdf",
)
FAMILY_TITLES = {
    "sanctions": "Sanctions consensus",
    "defence": "Defence integration since 2016",
    "small-states-institutions": "Small states in EU institutions",
    "small-states-behaviour": "Small states' behaviour",
    "hindsight": "The essay's forecasts in hindsight",
}
VERDICT_ICONS = {
    "supported": "✔",
    "came_true": "✔",
    "partly_supported": "◐",
    "not_supported": "✘",
    "did_not_come_true": "✘",
    "not_testable": "?",
    "too_early": "…",
}
#: Badge text: the verdict scale's labels, with the long 'not testable' label shortened.
VERDICT_SHORT = {**VERDICT_LABELS, "not_testable": "Not testable"}
#: Order of verdicts when sorting and in the abstract (best supported first).
VERDICT_ORDER = (
    "supported",
    "came_true",
    "partly_supported",
    "too_early",
    "not_supported",
    "did_not_come_true",
    "not_testable",
)
#: The rating scale of the ClaimReviews (schema.org Rating: 1 worst, 3 best; none if untested).
RATING_VALUES = {
    "supported": 3,
    "came_true": 3,
    "partly_supported": 2,
    "too_early": 2,
    "not_supported": 1,
    "did_not_come_true": 1,
}
ROBUSTNESS_ORDER = ("robust", "fragile", "specification-dependent", "single specification")
NOT_RUN = "not run"
NO_TEST = "no test"
REGISTRY_FILE = PROJECT_ROOT / "ledger" / "registry.yaml"
CITATION_FILE = PROJECT_ROOT / "CITATION.cff"
NOTEBOOK_PAGES = "notebooks"
FINGERPRINT_FILE = ".report.fingerprint"
#: Where the multiverse runner writes its table per notebook (data/processed/_multiverse).
PDF_SOURCE_FILE = ".report.pdf.source"


# --- environment and small helpers ---------------------------------------------------------


def environment_versions() -> dict[str, str]:
    """Python and key package versions of the environment that built the report."""
    versions = {"python": platform.python_version()}
    for name in REPORT_PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def breakable(text: str) -> Markup:
    """Escape `text` and allow line breaks after '_', '-', '/' and '=' (ids, paths)."""
    escaped = str(escape(text))
    return Markup(re.sub(r"([_/=-])", r"\1<wbr>", escaped))


def slug(text: str) -> str:
    """An id fragment: lower case, runs of other characters as '-'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def data_anchor(path: str) -> str:
    """The id of a data file's entry in the data-sources section."""
    return f"data-{slug(path)}"


def family_title(family: str) -> str:
    return FAMILY_TITLES.get(family) or family.replace("-", " ").capitalize()


def multiverse_table(stem: str) -> Path:
    """The multiverse CSV of a notebook (one row per specification)."""
    return MULTIVERSE_DIR / f"{stem}.csv"


def data_uri(payload: bytes, media_type: str = "image/png") -> str:
    return f"data:{media_type};base64," + base64.b64encode(payload).decode("ascii")


# --- notebook pages and cell anchors -------------------------------------------------------


def notebook_page(stem: str) -> str:
    """Link from report.html to the HTML page of notebook `stem`."""
    return f"{NOTEBOOK_PAGES}/{stem}.html"


def cell_link(stem: str, cell: int | None) -> str:
    """Link to code cell [cell] of a notebook page (to the page when the cell is unknown)."""
    return notebook_page(stem) + (f"#cell-{cell}" if cell else "")


def write_notebook_pages(stems: list[str], reports: Path = REPORTS_DIR) -> list[Path]:
    """Render each executed notebook to reports/notebooks/<stem>.html (only when it changed)."""
    written = []
    folder = reports / NOTEBOOK_PAGES
    for stem in stems:
        executed = PROCESSED_DIR / stem / "executed.ipynb"
        if not executed.exists():
            raise EuclaimsError(f"{executed} is missing; run `make report`")
        html = notebook_page_html(executed.parent, stem)
        target = folder / f"{stem}.html"
        if not target.exists() or target.read_text(encoding="utf-8") != html:
            atomic_write_text(target, html)
            written.append(target)
    for stale in sorted(folder.glob("*.html")) if folder.exists() else []:
        if stale.stem not in stems:
            stale.unlink()
    return written


def read_notebook(executed: Path) -> dict:
    if not executed.exists():
        return {"cells": []}
    return json.loads(executed.read_text(encoding="utf-8"))


def _code_cells(notebook: dict) -> list[tuple[int | None, str, str]]:
    """(execution count, source, text of the outputs) of each code cell."""
    cells = []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        outputs = []
        for output in cell.get("outputs", []):
            text = output.get("text") or output.get("data", {}).get("text/plain", "")
            outputs.append("".join(text) if isinstance(text, list) else str(text))
        source = "".join(cell.get("source", ""))
        cells.append((cell.get("execution_count"), source, "".join(outputs)))
    return cells


def figure_cells(notebook: dict) -> dict[str, int]:
    """Execution count of the code cell that saved each figure (matched by its quoted name)."""
    cells: dict[str, int] = {}
    for count, source, _ in _code_cells(notebook):
        if "save_figure(" in source:
            for name in re.findall(r"""["']([A-Za-z0-9_]+)["']""", source):
                cells.setdefault(name, count)
    return cells


def metric_cells(notebook: dict, names: list[str]) -> dict[str, int | None]:
    """The code cell that computed each metric.

    First the cell whose code names the metric in quotes (where it is assigned); else the
    first cell whose output shows it; else the cell that records the results.
    """
    cells = _code_cells(notebook)
    recording = next((c for c, source, _ in cells if "record_results(" in source), None)
    found: dict[str, int | None] = {}
    for name in names:
        quoted = re.compile(rf"""["']{re.escape(name)}["']""")
        word = re.compile(rf"\b{re.escape(name)}\b")
        count = next((c for c, source, _ in cells if quoted.search(source)), None)
        if count is None:
            count = next((c for c, _, output in cells if word.search(output)), None)
        found[name] = count if count is not None else recording
    return found


# --- ledger extras: registration, curated sources, citation --------------------------------


def registration_for(claim_id: str, path: Path | None = None) -> dict[str, Any] | None:
    """The claim's pre-registration from ledger/registry.yaml, or None when there is none.

    The registry maps claim ids to the registered versions of their rule,
    `[{rule_sha256, registered_on, commit?}]`, oldest first. Returns registered_on (first),
    rule_sha256 and commit (latest) and the number of amendments (versions after the first).
    """
    path = REGISTRY_FILE if path is None else path
    registry = _read_registry(path)
    versions = registry.get(claim_id) or []
    if not versions:
        return None
    if not isinstance(versions, list) or not all(isinstance(v, dict) for v in versions):
        raise EuclaimsError(f"{path}: '{claim_id}' must be a list of registered versions")
    for position, version in enumerate(versions, start=1):
        if "registered_on" not in version or "rule_sha256" not in version:
            raise EuclaimsError(
                f"{path}: '{claim_id}' version #{position} needs rule_sha256 and registered_on"
            )
    first, latest = versions[0], versions[-1]
    return {
        "registered_on": str(first["registered_on"]),
        "latest_on": str(latest["registered_on"]),
        "rule_sha256": str(latest["rule_sha256"]),
        "commit": str(latest.get("commit") or first.get("commit") or ""),
        "amendments": len(versions) - 1,
    }


def _read_registry(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        registry = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER) or {}
    except yaml.YAMLError as exc:
        raise EuclaimsError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(registry, dict):
        raise EuclaimsError(f"{path}: expected a mapping of claim ids to registered versions")
    return registry


def curated_sources(share: dict[str, Any] | None) -> dict[str, Any] | None:
    """A claim's official-source share (as the pipeline computed it) ready to print: overall and
    per fact table, with anchors to the tables' source entries."""
    if not share:
        return None
    tables = [
        {
            "path": table["path"],
            "anchor": data_anchor(table["path"]),
            "rows": int(table["rows"]),
            "official_rows": int(table["official_rows"]),
            "share_text": format_percent(100 * float(table["share"])),
        }
        for table in share["tables"]
    ]
    return {
        "rows": int(share["rows"]),
        "official_rows": int(share["official_rows"]),
        "share_text": format_percent(100 * float(share["share"])),
        "tables": tables,
    }


def load_citation(path: Path | None = None) -> dict[str, Any]:
    """CITATION.cff as a mapping (empty when absent): the one source of citation metadata."""
    path = CITATION_FILE if path is None else path
    if not path.exists():
        return {}
    return yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER) or {}


def bibtex(citation: dict[str, Any], commit: str) -> str:
    """A BibTeX @software entry from CITATION.cff, pinned to the commit of the build."""
    authors = " and ".join(
        author.get("name")
        or " ".join(p for p in (author.get("given-names"), author.get("family-names")) if p)
        for author in citation.get("authors", [])
    )
    released = str(citation.get("date-released", ""))
    fields = {
        "author": "{" + authors + "}" if authors else "",
        "title": "{" + str(citation.get("title", "")) + "}",
        "year": released[:4],
        "version": str(citation.get("version", "")),
        "note": f"Git commit {commit[:12]}" if commit and commit != "unknown" else "",
        "url": str(citation.get("repository-code") or citation.get("url") or ""),
        "doi": str(citation.get("doi") or ""),
        "license": str(citation.get("license", "")),
    }
    key = "euclaims" + (released[:4] or "")
    lines = [f"@software{{{key},"]
    lines += [f"  {name} = {{{value}}}," for name, value in fields.items() if value]
    return "\n".join(lines) + "\n}\n"


# --- upstream sources as links -------------------------------------------------------------

_LINK_PATTERNS = (
    # full addresses
    (re.compile(r"https?://[^\s,;)\]]+"), lambda m: m[0].rstrip(".")),
    # github.com/owner/repo, optionally followed by '(, )commit <sha>'
    (
        re.compile(
            r"github\.com/([\w.-]+/[\w.-]+?)(?=[\s,;)]|$)"
            r"(?:[^()]*?\b(?:commit|blob) ([0-9a-f]{7,40}))?"
        ),
        lambda m: f"https://github.com/{m[1]}" + (f"/tree/{m[2]}" if m[2] else ""),
    ),
    # doi 10.x/y, doi:10.x/y
    (re.compile(r"\bdoi:? ?(10\.\d{4,9}/[^\s,;)]+)", re.I), lambda m: f"https://doi.org/{m[1]}"),
    # handles
    (re.compile(r"\bhdl:(\d[\d.]*/[^\s,;)]+)"), lambda m: f"https://hdl.handle.net/{m[1]}"),
    # bare domains of public bodies and projects
    (
        re.compile(r"\b(?:www\.)?[a-z0-9-]+\.(?:org|int|eu)(?:/[^\s,;)]*)?\b"),
        lambda m: "https://" + m[0],
    ),
)


def source_links(text: str) -> list[tuple[str, str]]:
    """(matched text, https address) for each address a source's title names."""
    found: list[tuple[int, int, str, str]] = []
    for pattern, address in _LINK_PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e, _, _ in found):
                continue
            found.append((start, end, match[0], address(match)))
    return [(shown, url) for _, _, shown, url in sorted(found)]


def linkify(text: str) -> Markup:
    """Escape a source title and make each address in it a link (new tab, no referrer)."""
    out, position = [], 0
    for shown, url in source_links(text):
        start = text.index(shown, position)
        out.append(str(escape(text[position:start])))
        out.append(
            f'<a href="{escape(url)}" rel="noreferrer noopener" target="_blank">'
            f"{breakable(shown)}</a>"
        )
        position = start + len(shown)
    out.append(str(escape(text[position:])))
    return Markup("".join(out))


def link_data_files(text: str, names: list[str]) -> Markup:
    """Escape `text`; each mention of a data/raw file (with or without 'data/raw/') links to its
    entry in the data-sources section."""
    escaped = str(escape(text))
    if not names:
        return Markup(escaped)
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w/.-])((?:data/raw/)?({alternatives}))(?![\w-])")
    return Markup(
        pattern.sub(
            lambda m: f'<a href="#{data_anchor(m[2])}"><code>{breakable(m[1])}</code></a>', escaped
        )
    )


# --- robustness ------------------------------------------------------------------------------


def robustness_record(raw: dict[str, Any] | None, verdict: str) -> dict[str, Any] | None:
    """The multiverse robustness record; a legacy sweep record {holds, of, flips} is converted."""
    if not raw:
        return None
    if "specifications" in raw:
        return {**raw, "decisive_choices": raw.get("decisive_choices", [])}
    total, agree = int(raw["of"]), int(raw["holds"])
    share = agree / total if total else 0.0
    label = (
        "single specification"
        if total < 2
        else "robust"
        if share >= 0.9
        else "fragile"
        if share >= 0.5
        else "specification-dependent"
    )
    counts = Counter([verdict] * agree + [flip["verdict"] for flip in raw.get("flips", [])])
    sentence = (
        f"{VERDICT_LABELS[verdict]} in {agree} of {total} specifications "
        "(one choice varied at a time)."
    )
    return {
        "specifications": total,
        "agree": agree,
        "share_agree": round(share, 4),
        "verdict_counts": dict(sorted(counts.items())),
        "decisive_choices": [],
        "label": label,
        "sentence": sentence,
    }


# --- the rows of the report ----------------------------------------------------------------


def key_numbers(
    claim: Claim,
    record: dict[str, Any],
    display: dict[str, MetricDisplay],
    cells: dict[str, int | None],
) -> list[dict[str, Any]]:
    """Each of the claim's metrics as label, readable value and link to its cell."""
    numbers = []
    for name in claim.metrics:
        entry = display_for(name, display)
        cell = cells.get(name)
        numbers.append(
            {
                "name": name,
                "label": entry.label,
                "value": format_value(record["metrics"].get(name), entry),
                "cell": cell,
                "href": cell_link(claim.notebook, cell),
                "labelled": name in display,
            }
        )
    return numbers


def claim_rows(
    ledger: dict[str, Claim],
    records: dict[str, dict],
    display: dict[str, MetricDisplay] | None = None,
    notebooks: dict[str, dict] | None = None,
) -> list[dict[str, Any]]:
    """One row per ledger claim: verdict, robustness, key numbers (or why it is untestable)."""
    display = {} if display is None else display
    notebooks = {} if notebooks is None else notebooks
    cells = {
        stem: metric_cells(notebooks.get(stem, {"cells": []}), sorted(record["metrics"]))
        for stem, record in records.items()
    }
    rows = []
    for position, claim in enumerate(ledger.values()):
        row: dict[str, Any] = {
            "claim": claim,
            "position": position,
            "key_numbers": [],
            "robustness": None,
            "curve_figure": None,
            "cited_figures": [],
        }
        if not claim.testable:
            row.update(verdict="not_testable", summary=claim.untestable_reason)
        elif claim.notebook not in records:
            raise EuclaimsError(
                f"claim '{claim.id}' is testable but notebook '{claim.notebook}' has no results; "
                "add the notebook to params.yaml or mark the claim untestable with a reason"
            )
        else:
            record = records[claim.notebook]
            if claim.id not in record["claims"]:
                raise EuclaimsError(
                    f"claim '{claim.id}' has no verdict in "
                    f"data/processed/{claim.notebook}/results.json; run `make report`"
                )
            verdict = record["claims"][claim.id]
            row.update(
                verdict=verdict["verdict"],
                summary=readable_text(verdict["summary"]),
                robustness=robustness_record(verdict.get("robustness"), verdict["verdict"]),
                key_numbers=key_numbers(claim, record, display, cells[claim.notebook]),
            )
        row["label"] = VERDICT_LABELS[row["verdict"]]
        row["short"] = VERDICT_SHORT[row["verdict"]]
        row["icon"] = VERDICT_ICONS[row["verdict"]]
        row["robustness_label"] = robustness_label(row["robustness"], claim.testable)
        rows.append(row)
    return rows


def robustness_label(robustness: dict[str, Any] | None, testable: bool) -> str:
    """The robustness label, or why there is none (not run in this build, or no test)."""
    if robustness:
        return robustness["label"]
    return NOT_RUN if testable else NO_TEST


def family_order(rows: list[dict[str, Any]]) -> list[str]:
    """Families in the order of FAMILY_TITLES, then any other family in ledger order."""
    present = list(dict.fromkeys(row["claim"].family for row in rows))
    known = [family for family in FAMILY_TITLES if family in present]
    return known + [family for family in present if family not in known]


def abstract(rows: list[dict[str, Any]]) -> str:
    """One paragraph: how many claims, how many testable, the verdicts and their robustness."""
    testable = [row for row in rows if row["claim"].testable]
    counts = Counter(row["verdict"] for row in testable)
    parts = [f"{counts[v]} {VERDICT_LABELS[v].lower()}" for v in VERDICT_ORDER if counts.get(v)]
    untested = len(rows) - len(testable)
    text = (
        f"We turned the essay's checkable statements into {len(rows)} claims and tested "
        f"{len(testable)} of them against public data, each with a decision rule written down "
        f"before its result was computed. Verdicts: {_join(parts)}"
    )
    if untested:
        text += f"; {untested} cannot be tested with the data at hand"
    run = [row for row in testable if row["robustness"]]
    if run:
        labels = Counter(row["robustness_label"] for row in run)
        shown = [f"{k} for {labels[k]}" for k in ROBUSTNESS_ORDER[:3] if labels.get(k)]
        if shown:
            text += (
                ". Across every defensible specification of its test, the verdict is "
                f"{_join(shown)} claims"
            )
        single = labels.get("single specification", 0)
        if single:
            have = "test has" if single == 1 else "tests have"
            text += f"; {single} {have} a single specification"
    return text + "."


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


# --- figures ---------------------------------------------------------------------------------


def number_figures(
    families: list[dict[str, Any]],
    records: dict[str, dict],
    notebooks: dict[str, dict],
    charts: dict[tuple[str, str], dict | None],
) -> None:
    """Give every figure one place and one number, in reading order.

    A claim's specification curve sits in its claim; a notebook's figures sit once, at the end
    of the family with most of that notebook's claims (the first such family on a tie). Each
    claim cites its notebook's figures by number.
    """
    home: dict[str, str] = {}
    for stem in records:
        families_of = Counter(
            row["claim"].family
            for family in families
            for row in family["rows"]
            if row["claim"].notebook == stem
        )
        if families_of:
            order = [f["id"] for f in families]
            home[stem] = min(families_of, key=lambda f: (-families_of[f], order.index(f)))
    number = 0
    for family in families:
        for row in family["rows"]:
            chart = charts.get((row["claim"].notebook, f"curve:{row['claim'].id}"))
            if chart:
                number += 1
                row["curve_figure"] = _curve_figure(number, row, chart)
        family["figures"] = []
        for stem in [s for s in records if home.get(s) == family["id"]]:
            cells = figure_cells(notebooks.get(stem, {"cells": []}))
            record = records[stem]
            for name, entry in sorted(record.get("figures", {}).items()):
                number += 1
                family["figures"].append(
                    _notebook_figure(number, stem, name, entry, record, cells, charts)
                )
    by_stem: dict[str, list[int]] = {}
    for family in families:
        for figure in family["figures"]:
            by_stem.setdefault(figure["stem"], []).append(figure["number"])
    for family in families:
        for row in family["rows"]:
            row["cited_figures"] = by_stem.get(row["claim"].notebook or "", [])


def _curve_figure(number: int, row: dict[str, Any], chart: dict[str, Any]) -> dict[str, Any]:
    """A claim's specification curve: the interactive chart, and its static SVG for print."""
    claim, robustness = row["claim"], row["robustness"]
    decisive = sorted({entry["choice"] for entry in robustness["decisive_choices"]})
    caption = (
        f"Specification curve of '{claim.id}': {row['curve_metric']} in each of the "
        f"{robustness['specifications']} specifications (the full factorial of "
        f"{', '.join(claim.choices)}), ranked, coloured by verdict; circled: the default; dashed: "
        "the rule's thresholds. Below: the choices each specification made. "
        + (f"Decisive choices: {', '.join(decisive)}." if decisive else "No choice is decisive.")
    )
    return {
        "number": number,
        "id": f"figure-{number}",
        "caption": caption,
        "uri": data_uri(static_svg(chart, claim.id).encode("utf-8"), "image/svg+xml"),
        "chart": chart,
        "chart_id": f"chart-{number}",
        "hint": CURVE_HINT,
        "stem": claim.notebook,
    }


def _notebook_figure(number, stem, name, entry, record, cells, charts) -> dict[str, Any]:
    path = PROCESSED_DIR / stem / entry["file"]
    cell = cells.get(name)
    return {
        "number": number,
        "id": f"figure-{number}",
        "name": name,
        "stem": stem,
        "caption": entry.get("caption", ""),
        "uri": data_uri(path.read_bytes()),
        "chart": charts.get((stem, name)),
        "chart_id": f"chart-{number}",
        "hint": HINTS.get(name, "hover for values"),
        "cell": cell,
        "href": cell_link(stem, cell),
        "inputs": [
            {"path": n, "anchor": data_anchor(n), "sha256": record["inputs"].get(n, "not read")}
            for n in entry.get("inputs", [])
        ],
    }


def build_charts(
    rows: list[dict[str, Any]],
    records: dict[str, dict],
    display: dict[str, MetricDisplay],
) -> dict[tuple[str, str], dict | None]:
    """Vega-Lite specs: specification curves from the multiverse CSVs and the time series."""
    from . import charts

    specs: dict[tuple[str, str], dict | None] = {}
    for row in rows:
        claim = row["claim"]
        if claim.notebook not in records or not row["robustness"]:
            continue
        table = multiverse_table(claim.notebook)
        if not table.exists():
            continue
        curve = charts.stored_claim_curve(claim, table, display, row["robustness"])
        if curve:
            row["curve_metric"], specs[(claim.notebook, f"curve:{claim.id}")] = curve
    for stem, record in records.items():
        for name in record.get("figures", {}):
            if name in charts.TIME_SERIES:
                specs[(stem, name)] = charts.time_series(name, record["parameters"])
    return specs


# --- machine-readable verdicts ---------------------------------------------------------------


def claim_reviews(
    rows: list[dict[str, Any]], citation: dict[str, Any], essay_date: str | None
) -> dict[str, Any]:
    """schema.org ClaimReview per claim (JSON-LD): the quote, the verdict on a 1-3 scale, the
    robustness, the essay and paragraph reviewed."""
    references = citation.get("references", [])
    essay = next((ref for ref in references if ref.get("type") in ("article", "generic")), {})
    author = {"@type": "Organization", "name": "euclaims contributors"}
    reviews = []
    for row in rows:
        claim = row["claim"]
        rating: dict[str, Any] = {
            "@type": "Rating",
            "alternateName": row["label"],
            "bestRating": 3,
            "worstRating": 1,
            "ratingExplanation": row["summary"],
        }
        if row["verdict"] in RATING_VALUES:
            rating["ratingValue"] = RATING_VALUES[row["verdict"]]
        robustness = row["robustness"]
        appearance: dict[str, Any] = {
            "@type": "CreativeWork",
            "name": essay.get("title", "The essay under review"),
            "description": f"paragraph {claim.paragraph}",
        }
        if essay_date:
            appearance["datePublished"] = essay_date
        reviews.append(
            {
                "@type": "ClaimReview",
                "@id": f"report.html#claim-{claim.id}",
                "url": f"report.html#claim-{claim.id}",
                "name": claim.paraphrase,
                "claimReviewed": claim.quote,
                "reviewRating": rating,
                "reviewBody": f"Robustness: {row['robustness_label']}. "
                + (robustness["sentence"] if robustness else "No alternative specification run."),
                "keywords": [claim.family, claim.kind, f"robustness: {row['robustness_label']}"],
                "author": author,
                "itemReviewed": {
                    "@type": "Claim",
                    "text": claim.quote,
                    "appearance": appearance,
                    "position": claim.paragraph,
                },
            }
        )
    return {"@context": "https://schema.org", "@graph": reviews}


def jsonld_text(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


# --- the report ------------------------------------------------------------------------------


def parameter_text(value: Any) -> str:
    """A parameter value as a user types it on the command line (true/false, not True/False)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "none" if value is None else str(value)


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("euclaims", "templates"),
        autoescape=jinja2.select_autoescape(default=True),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.filters["breakable"] = breakable
    environment.filters["parameter_text"] = parameter_text
    environment.filters["linkify"] = linkify
    environment.filters["data_anchor"] = data_anchor
    environment.filters["link_data_files"] = link_data_files
    environment.filters["tojson_script"] = lambda data: Markup(
        json.dumps(data, sort_keys=True, ensure_ascii=False).replace("<", "\\u003c")
    )
    return environment


def essay_date_of(records: dict[str, dict]) -> str | None:
    """The essay's date as the notebooks used it (parameter `essay_date`), if any uses it."""
    dates = sorted(
        str(record["parameters"]["essay_date"])
        for record in records.values()
        if "essay_date" in record["parameters"]
    )
    return dates[0] if dates else None


def report_context(specs: dict[str, NotebookSpec], pdf: bool = False) -> dict[str, Any]:
    """Everything the report template needs (also used for claims.jsonld)."""
    ledger = load_ledger()
    display = load_metric_display(CLAIMS_FILE)
    records = {stem: read_record(PROCESSED_DIR / stem) for stem in specs}
    notebooks = {stem: read_notebook(PROCESSED_DIR / stem / "executed.ipynb") for stem in specs}
    manifest = read_manifest()
    shares = read_source_shares()
    rows = claim_rows(ledger, records, display, notebooks)
    for row in rows:
        claim = row["claim"]
        row["registration"] = registration_for(claim.id)
        row["curated"] = curated_sources(shares.get(claim.id))
        row["family_title"] = family_title(claim.family)
    families = [
        {
            "id": family,
            "title": family_title(family),
            "rows": [r for r in rows if r["claim"].family == family],
        }
        for family in family_order(rows)
    ]
    ordered = [row for family in families for row in family["rows"]]
    charts = build_charts(ordered, records, display)
    number_figures(families, records, notebooks, charts)
    commits = sorted({record["git_commit"] for record in records.values()})
    citation = load_citation()
    essay_date = essay_date_of(records)
    reviews = claim_reviews(ordered, citation, essay_date)
    resources = sorted(manifest.values(), key=lambda r: r["path"])
    return {
        "rows": ordered,
        "families": families,
        "abstract": abstract(ordered),
        "specs": specs,
        "records": records,
        "resources": resources,
        "resource_names": [resource["path"] for resource in resources],
        "versions": environment_versions(),
        "commits": commits,
        "citation": citation,
        "bibtex": bibtex(citation, commits[0] if len(commits) == 1 else ""),
        "reviews": reviews,
        "essay_date": essay_date,
        "verdicts_present": [v for v in VERDICT_ORDER if any(r["verdict"] == v for r in ordered)],
        "verdict_labels": VERDICT_LABELS,
        "verdict_short": VERDICT_SHORT,
        "verdict_rank": {v: i for i, v in enumerate(VERDICT_ORDER)},
        "robustness_rank": {v: i for i, v in enumerate(ROBUSTNESS_ORDER)},
        "rating_values": RATING_VALUES,
        "has_charts": any(spec for spec in charts.values()),
        "vega_script": _vega_script if any(spec for spec in charts.values()) else None,
        "pdf": pdf,
        "unlabelled": sorted(
            {n["name"] for row in ordered for n in row["key_numbers"] if not n["labelled"]}
        ),
    }


def _vega_script() -> Markup:
    from .charts import vega_script

    return Markup(vega_script())


def render_report(specs: dict[str, NotebookSpec], pdf: bool = False) -> str:
    """The report's HTML, from results.json files, figures, the ledger and the manifest."""
    context = report_context(specs, pdf)
    return _render(context)


def _render(context: dict[str, Any]) -> str:
    return _environment().get_template("report.html.j2").render(**context)


# --- PDF ---------------------------------------------------------------------------------------


FOOTER = (
    '<div style="font-size:8px;width:100%;text-align:center;color:#555;">'
    'euclaims report · page <span class="pageNumber"></span> of <span class="totalPages"></span>'
    "</div>"
)


def write_pdf(html_path: Path, pdf_path: Path, printer: PdfPrinter | None = None) -> bool:
    """Print the HTML to an A4 PDF with page numbers and bookmarks (headless Chromium).

    Links to other pages of reports/ become relative; nothing points to a local path. Says so
    and returns False when Chromium is absent.
    """
    binary = chromium_binary()
    if binary is None:
        print(
            "note: Chromium not found, so reports/report.pdf was not built. Install it once with "
            "`apt-get update && apt-get install -y chromium`, then run `make report` again.",
            file=sys.stderr,
        )
        return False
    tmp = pdf_path.with_name(f".{pdf_path.name}.tmp")
    own_printer = printer is None
    printer = printer or PdfPrinter(binary)
    try:
        _print_pdf(html_path, tmp, printer)
    except Exception as exc:  # playwright's errors, a timeout, a browser that will not start
        tmp.unlink(missing_ok=True)
        pdf_path.unlink(missing_ok=True)
        (pdf_path.parent / PDF_SOURCE_FILE).unlink(missing_ok=True)
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EuclaimsError(
            f"{pdf_path}: printing the report to PDF failed ({reason}); {html_path} is up to "
            "date and the stale PDF was removed. Run `make report` again, or build without the "
            "PDF (`python -m euclaims build --no-pdf`)"
        ) from None
    finally:
        if own_printer:
            printer.close()
    tmp.replace(pdf_path)
    return True


#: Milliseconds Chromium may take to start and to print the report.
PDF_TIMEOUT_MS = 180_000


#: One Chromium process prints the report: the usual browser, zygotes, renderers and print
#: compositor held ~1.5 GB of resident memory together, one process ~0.9 GB (same PDF text).
PDF_CHROMIUM_ARGS = (*CHROMIUM_ARGS, "--single-process", "--no-zygote")


class PdfPrinter:
    """Headless Chromium started in a background thread, so that its start (seconds) overlaps
    the rendering of the report; `print_pdf` prints one page with it and returns once the PDF
    is written (Chromium closes meanwhile), `close` waits until it has closed."""

    def __init__(self, binary: str) -> None:
        self._requests: queue.Queue = queue.Queue()
        self._results: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._serve, args=(binary,), daemon=True)
        self._thread.start()

    def _serve(self, binary: str) -> None:
        from playwright.sync_api import sync_playwright

        printed = False
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=binary, args=list(PDF_CHROMIUM_ARGS), timeout=PDF_TIMEOUT_MS
                )
                try:
                    request = self._requests.get()
                    if request is not None:
                        _print_page(browser, *request)
                        printed = True
                        # the PDF is written: the build goes on while Chromium closes
                        self._results.put(None)
                finally:
                    browser.close()
        except Exception as exc:  # handed to print_pdf, which raises it in the build's thread
            if not printed:
                self._results.put(exc)

    def print_pdf(self, html_path: Path, tmp: Path) -> None:
        self._requests.put((html_path, tmp))
        error = self._results.get()
        if error is not None:
            self._thread.join()
            raise error

    def close(self) -> None:
        if self._thread.is_alive():
            self._requests.put(None)
            self._thread.join()


def _print_page(browser, html_path: Path, tmp: Path) -> None:
    """Print the page without running its scripts: in print the static figures stand for the
    charts the scripts would draw (same text, a second less)."""
    page = browser.new_page(java_script_enabled=False)
    page.set_default_timeout(PDF_TIMEOUT_MS)
    page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
    page.emulate_media(media="print")
    page.pdf(
        path=str(tmp),
        format="A4",
        margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"},
        display_header_footer=True,
        header_template="<span></span>",
        footer_template=FOOTER,
        print_background=True,
        outline=True,
        tagged=True,
    )


def _print_pdf(html_path: Path, tmp: Path, printer: PdfPrinter) -> None:
    """Print with Chromium through Playwright, then make links relative and bookmarks exact."""
    printer.print_pdf(html_path, tmp)
    headings = html_headings(Path(html_path).read_text(encoding="utf-8"))
    finish_pdf(tmp, Path(html_path).resolve().parent, headings)


def finish_pdf(pdf: Path, base: Path, headings: list[str]) -> int:
    """Make the PDF's links relative and its bookmark titles exact; returns links changed.

    Chromium writes every link as an absolute URL: a file:// link under `base` (reports/)
    becomes relative, any other local link is dropped. Chromium's bookmark titles lose the
    space at each line break of a wrapped heading; each title that matches a heading of
    `headings` once spaces are ignored takes that heading's text.
    """
    import pikepdf

    prefix = base.as_uri() + "/"
    changed = 0
    with pikepdf.open(pdf, allow_overwriting_input=True) as document:
        for page in document.pages:
            for annotation in page.obj.get("/Annots", []):
                action = annotation.get("/A")
                if action is None or action.get("/S") != "/URI":
                    continue
                uri = str(action.get("/URI"))
                if not uri.startswith("file:"):
                    continue
                if uri.startswith(prefix):
                    action["/URI"] = pikepdf.String(uri[len(prefix) :])
                else:
                    del annotation["/A"]
                changed += 1
        exact = {re.sub(r"\s+", "", heading): heading for heading in headings}
        outlines = document.Root.get("/Outlines")
        stack = [outlines.get("/First")] if outlines is not None else []
        while stack:
            node = stack.pop()
            if node is None:
                continue
            title = re.sub(r"\s+", "", str(node.get("/Title", "")))
            if title in exact:
                node["/Title"] = pikepdf.String(exact[title])
            stack += [node.get("/Next"), node.get("/First")]
        document.save(pdf, deterministic_id=True)
    return changed


def html_headings(html: str) -> list[str]:
    """The text of every h1-h6 of a page, whitespace collapsed."""
    found = re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", html, flags=re.S)
    texts = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip() for text in found]
    return [unescape(text) for text in texts if text]


# --- writing everything ----------------------------------------------------------------------


def report_fingerprint(specs: dict[str, NotebookSpec], pdf: bool) -> str:
    """Hash of everything the report reads: a no-op `make report` skips the whole report."""
    digest = hashlib.sha256(f"pdf={pdf}\n{package_source_digest()}\n".encode())
    files = [CLAIMS_FILE, MANIFEST_FILE, REGISTRY_FILE, CITATION_FILE, PROJECT_ROOT / "params.yaml"]
    files.append(SHARES_FILE)
    for stem in specs:
        files += [PROCESSED_DIR / stem / "results.json", PROCESSED_DIR / stem / "executed.ipynb"]
        files.append(multiverse_table(stem))
    for path in files:
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
        digest.update(sha256_file(path).encode() if path.exists() else b"<missing>")
    return digest.hexdigest()


def copy_results(specs: dict[str, NotebookSpec], reports: Path = REPORTS_DIR) -> None:
    """Copy each results.json and multiverse table into reports/data/ (linked from the report)."""
    for stem in specs:
        for source, name in (
            (PROCESSED_DIR / stem / "results.json", f"{stem}.results.json"),
            (multiverse_table(stem), f"{stem}.multiverse.csv"),
        ):
            target = reports / "data" / name
            if source.exists():
                payload = source.read_bytes()
                if not target.exists() or target.read_bytes() != payload:
                    atomic_write_bytes(target, payload)
            elif target.exists():
                target.unlink()


def write_report(specs: dict[str, NotebookSpec], pdf: bool = True) -> Path:
    """Write reports/: report.html, notebooks/<stem>.html, claims.jsonld, data/, report.pdf.

    Nothing is rewritten when nothing it reads changed; the PDF is reprinted when the HTML it
    was printed from changed (tracked in reports/.report.pdf.source).
    """
    html_path = REPORTS_DIR / "report.html"
    pdf_path = REPORTS_DIR / "report.pdf"
    wants_pdf = pdf and chromium_binary() is not None
    stamp = REPORTS_DIR / FINGERPRINT_FILE
    value = report_fingerprint(specs, wants_pdf)
    pdf_fresh = _pdf_is_fresh(html_path, pdf_path)
    pages = [REPORTS_DIR / notebook_page(stem) for stem in specs]
    complete = html_path.exists() and all(page.exists() for page in pages)
    if complete and stamp.exists() and stamp.read_text().strip() == value:
        if not wants_pdf or pdf_fresh:
            return html_path
    printer = PdfPrinter(chromium_binary()) if wants_pdf and not pdf_fresh else None
    try:
        _write_html_and_pdf(specs, html_path, pdf_path, wants_pdf, pdf, printer)
    finally:
        if printer is not None:
            printer.close()
    atomic_write_text(stamp, value + "\n")
    return html_path


def _write_html_and_pdf(
    specs: dict[str, NotebookSpec],
    html_path: Path,
    pdf_path: Path,
    wants_pdf: bool,
    pdf: bool,
    printer: PdfPrinter | None,
) -> None:
    """The pages, report.html and claims.jsonld, then the PDF (with `printer` when started)."""
    write_notebook_pages(list(specs))
    copy_results(specs)
    context = report_context(specs, pdf=wants_pdf)
    html = _render(context)
    jsonld = jsonld_text(context["reviews"])
    for path, text in ((html_path, html), (REPORTS_DIR / "claims.jsonld", jsonld)):
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            atomic_write_text(path, text)
            print(f"wrote {_shown(path)}", file=sys.stderr)
    if context["unlabelled"]:
        print(
            f"note: {len(context['unlabelled'])} key metric(s) have no label in claims.yaml "
            f"metric_display (printed with a humanised name): {', '.join(context['unlabelled'])}",
            file=sys.stderr,
        )
    if pdf and not _pdf_is_fresh(html_path, pdf_path):
        if write_pdf(html_path, pdf_path, printer):
            atomic_write_text(REPORTS_DIR / PDF_SOURCE_FILE, sha256_file(html_path) + "\n")
            print(f"wrote {_shown(pdf_path)}", file=sys.stderr)


def _pdf_is_fresh(html_path: Path, pdf_path: Path) -> bool:
    """True when the PDF was printed from the current report.html."""
    source = REPORTS_DIR / PDF_SOURCE_FILE
    return (
        pdf_path.exists()
        and html_path.exists()
        and source.exists()
        and source.read_text().strip() == sha256_file(html_path)
    )


def _shown(path: Path) -> str:
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)
