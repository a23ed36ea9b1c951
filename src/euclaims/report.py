"""Compile reports/report.html from results.json files and figures only (no recomputation)."""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import json
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .claims import VERDICT_LABELS, Claim, load_ledger, metric_value
from .errors import EuclaimsError
from .fileio import atomic_write_text, canonical_json
from .jsonld import claims_document, script_safe
from .manifest import read_manifest
from .params import NotebookSpec
from .paths import PROCESSED_DIR, PROJECT_ROOT, REPORTS_DIR
from .pipeline import read_record
from .registry import load_registry

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


def environment_versions() -> dict[str, str]:
    """Python and key package versions of the environment that built the report."""
    versions = {"python": platform.python_version()}
    for name in REPORT_PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def format_metric(value: Any, name: str = "") -> str:
    """Human-readable metric value with its unit: years without separators, yes/no for
    booleans, verdict keys as labels, one number format (3 significant digits, no exponent
    above 1e-4)."""
    unit = value.get("unit", "") if isinstance(value, dict) else ""
    value = metric_value(value)
    if value is None:
        return "missing (no sourced value)"
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, int) and (name.endswith("year") or "_year_" in name):
        text = str(value)
    elif isinstance(value, int):
        text = f"{value:,}"
    elif isinstance(value, float):
        text = _number(value)
    elif isinstance(value, str) and value in VERDICT_LABELS:
        text = VERDICT_LABELS[value]
    else:
        text = str(value)
    return f"{text} {unit}".strip()


def _number(value: float) -> str:
    if value == 0 or abs(value) >= 1e-4:
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return f"{value:.2e}".replace("e-0", " × 10^-").replace("e-", " × 10^-")


def metric_label(name: str) -> str:
    """A readable label for a metric id (the ledger's metric_display label when given)."""
    text = name.replace("_", " ")
    for short, long in (("pct", "%"), ("eu28", "EU28"), ("eu27", "EU27"), ("unga", "UNGA"),
                        ("gdp", "GDP"), ("cv", "CV"), ("pesco", "PESCO")):  # fmt: skip
        text = re.sub(rf"\b{short}\b", long, text)
    return text[:1].upper() + text[1:]


def breakable(text: str) -> Markup:
    """Escape `text` and allow line breaks after '_' and '-' (long metric names and ids)."""
    escaped = str(escape(text))
    return Markup(re.sub(r"([_-])", r"\1<wbr>", escaped))


def figure_cells(executed: Path) -> dict[str, dict[str, Any]]:
    """The code cell that saved each figure (matched by its quoted name): {count, id}."""
    if not executed.exists():
        return {}
    notebook = json.loads(executed.read_text(encoding="utf-8"))
    cells = {}
    for cell in notebook.get("cells", []):
        source = "".join(cell.get("source", ""))
        if cell.get("cell_type") == "code" and "save_figure(" in source:
            for name in re.findall(r"""["']([A-Za-z0-9_]+)["']""", source):
                cells.setdefault(name, {"count": cell.get("execution_count"), "id": cell.get("id")})
    return cells


def metrics_cell(executed: Path) -> dict[str, Any] | None:
    """The code cell that computed the notebook's metrics (the call of evaluate, else the
    call of record_results): {count, id}."""
    if not executed.exists():
        return None
    cells = [c for c in json.loads(executed.read_text(encoding="utf-8")).get("cells", [])
             if c.get("cell_type") == "code"]  # fmt: skip
    for marker in (".evaluate(", "record_results("):
        for cell in cells:
            if marker in "".join(cell.get("source", "")):
                return {"count": cell.get("execution_count"), "id": cell.get("id")}
    return None


#: Scripts the nbconvert lab template loads from CDNs: left out, the report works offline.
_REMOTE_SCRIPT = re.compile(r'<script[^>]*src="https?://[^"]*"[^>]*>\s*</script>')


def write_notebook_pages(stems: list[str]) -> None:
    """reports/notebooks/<stem>.html: each executed notebook, an anchor per cell (its id)."""
    for stem in stems:
        executed = PROCESSED_DIR / stem / "executed.ipynb"
        target = REPORTS_DIR / "notebooks" / f"{stem}.html"
        stamp = target.with_name(f".{stem}.source-sha256")
        digest = hashlib.sha256(executed.read_bytes()).hexdigest()
        if target.exists() and stamp.exists() and stamp.read_text().strip() == digest:
            continue
        import nbformat  # only when a page is stale: importing nbconvert costs a second
        from nbconvert import HTMLExporter

        notebook = nbformat.read(executed, as_version=4)
        body, _ = HTMLExporter(template_name="lab").from_notebook_node(notebook)
        atomic_write_text(target, _REMOTE_SCRIPT.sub("", body))
        atomic_write_text(stamp, digest + "\n")


def figure_data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def claim_rows(ledger: dict[str, Claim], records: dict[str, dict]) -> list[dict[str, Any]]:
    """One row per ledger claim: verdict, robustness and key numbers (or why untestable)."""
    rows = []
    for claim in ledger.values():
        row = {"claim": claim, "key_numbers": []}
        if not claim.testable:
            row.update(
                verdict="not_testable", summary=claim.untestable_reason, robustness=None, curve=None
            )
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
                summary=verdict["summary"],
                robustness=verdict.get("robustness"),
                curve=_curve(verdict.get("specification_curve")),
                key_numbers=[
                    (metric_label(name), format_metric(record["metrics"][name], name), name)
                    for name in claim.metrics
                ],
            )
        row["label"] = VERDICT_LABELS[row["verdict"]]
        row["icon"] = VERDICT_ICONS[row["verdict"]]
        rows.append(row)
    return rows


def _curve(entry: dict | None) -> dict | None:
    """The specification curve of a claim, embedded (paths are relative to data/processed)."""
    if not entry:
        return None
    return {**entry, "uri": figure_data_uri(PROCESSED_DIR / entry["file"])}


def essay_metadata() -> dict[str, Any]:
    """The `essay:` block of claims.yaml (title, url, published, publisher)."""
    from .paths import CLAIMS_FILE
    from .yamlload import load_yaml

    return dict(load_yaml(CLAIMS_FILE.read_text(encoding="utf-8")).get("essay") or {})


def render_report(specs: dict[str, NotebookSpec]) -> str:
    """The report's HTML, from results.json files, figures, the ledger and the manifest."""
    return _render(specs)[0]


def _render(specs: dict[str, NotebookSpec]) -> tuple[str, dict[str, Any]]:
    """The report's HTML and its JSON-LD document of claim reviews."""
    ledger = load_ledger()
    records = {stem: read_record(PROCESSED_DIR / stem) for stem in specs}
    figures = {}
    for stem, record in records.items():
        cells = figure_cells(PROCESSED_DIR / stem / "executed.ipynb")
        figures[stem] = [
            {
                **entry,
                "name": name,
                "cell": cells.get(name),
                "number": None,
                "uri": figure_data_uri(PROCESSED_DIR / stem / entry["file"]),
            }
            for name, entry in sorted(record.get("figures", {}).items())
        ]
    rows = claim_rows(ledger, records)
    metric_cells = {stem: metrics_cell(PROCESSED_DIR / stem / "executed.ipynb") for stem in records}
    home = figure_families(ledger, list(records))
    number = 0
    for family in FAMILY_TITLES:
        for stem in records:
            if home.get(stem) != family:
                continue
            for figure in figures[stem]:
                number += 1
                figure["number"] = number
    families = [
        {"id": family, "title": title, "rows": [r for r in rows if r["claim"].family == family]}
        for family, title in FAMILY_TITLES.items()
    ]
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("euclaims", "templates"),
        autoescape=jinja2.select_autoescape(default=True),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.filters["breakable"] = breakable
    commits = sorted({record["git_commit"] for record in records.values()})
    document = claims_document(rows, essay_metadata())
    html = environment.get_template("report.html.j2").render(
        jsonld=Markup(script_safe(document)),
        metric_cells=metric_cells,
        figure_home=home,
        rows=rows,
        families=[f for f in families if f["rows"]],
        specs=specs,
        records=records,
        figures=figures,
        resources=sorted(read_manifest().values(), key=lambda r: r["path"]),
        versions=environment_versions(),
        commits=commits,
        counts=_verdict_counts(rows),
        robustness_counts=_robustness_counts(rows),
        registrations=load_registry(),
        specification_total=sum((r["robustness"] or {}).get("specifications", 0) for r in rows),
    )
    return html, document


def figure_families(ledger: dict[str, Claim], stems: list[str]) -> dict[str, str]:
    """The one family whose section shows a notebook's figures: where most of its claims are."""
    home = {}
    for stem in stems:
        families = [c.family for c in ledger.values() if c.testable and c.notebook == stem]
        if families:
            home[stem] = max(dict.fromkeys(families), key=families.count)
    return home


def _robustness_counts(rows: list[dict[str, Any]]) -> list[tuple[str, int]]:
    order = ("robust", "fragile", "specification-dependent", "single specification")
    labels = [row["robustness"]["label"] for row in rows if row.get("robustness")]
    return [(label, labels.count(label)) for label in order if label in labels]


def _verdict_counts(rows: list[dict[str, Any]]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["label"]] = counts.get(row["label"], 0) + 1
    return sorted(counts.items())


def chromium_binary() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def write_pdf(html_path: Path, pdf_path: Path) -> bool:
    """Print the HTML to PDF with headless Chromium; says so and returns False if absent."""
    binary = chromium_binary()
    if binary is None:
        print(
            "note: Chromium not found, so reports/report.pdf was not built. Install it once with "
            "`apt-get update && apt-get install -y chromium`, then run `make report` again.",
            file=sys.stderr,
        )
        return False
    tmp = pdf_path.with_name(f".{pdf_path.name}.tmp")
    command = [
        binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--no-pdf-header-footer",
        f"--print-to-pdf={tmp}", html_path.resolve().as_uri(),
    ]  # fmt: skip
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=PDF_TIMEOUT)
        if not tmp.exists() or tmp.stat().st_size == 0:
            raise EuclaimsError("Chromium wrote no PDF")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, EuclaimsError) as exc:
        tmp.unlink(missing_ok=True)
        pdf_path.unlink(missing_ok=True)
        pdf_stamp(pdf_path).unlink(missing_ok=True)
        reason = f"timed out after {PDF_TIMEOUT} s" if isinstance(
            exc, subprocess.TimeoutExpired) else str(exc)  # fmt: skip
        raise EuclaimsError(
            f"{pdf_path}: printing the report to PDF failed ({reason}); {html_path} is up to "
            "date and the stale PDF was removed. Run `make report` again, or build without the "
            "PDF (`python -m euclaims build --no-pdf`)"
        ) from None
    tmp.replace(pdf_path)
    return True


#: Seconds Chromium may take to print the report.
PDF_TIMEOUT = 180


def pdf_stamp(pdf_path: Path) -> Path:
    """Beside the PDF: the sha256 of the HTML it was printed from (its freshness)."""
    return pdf_path.with_name(f".{pdf_path.name}.source-sha256")


def pdf_is_fresh(pdf_path: Path, html: str) -> bool:
    stamp = pdf_stamp(pdf_path)
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()
    return pdf_path.exists() and stamp.exists() and stamp.read_text().strip() == digest


def write_report(specs: dict[str, NotebookSpec], pdf: bool = True) -> Path:
    """Write reports/report.html if its content changed (and the PDF beside it)."""
    write_notebook_pages(list(specs))
    html, document = _render(specs)
    jsonld_path = REPORTS_DIR / "claims.jsonld"
    jsonld = canonical_json(document)
    if not jsonld_path.exists() or jsonld_path.read_text(encoding="utf-8") != jsonld:
        atomic_write_text(jsonld_path, jsonld)
    html_path = REPORTS_DIR / "report.html"
    pdf_path = REPORTS_DIR / "report.pdf"
    changed = not html_path.exists() or html_path.read_text(encoding="utf-8") != html
    if changed:
        atomic_write_text(html_path, html)
        print(f"wrote {html_path.relative_to(PROJECT_ROOT)}", file=sys.stderr)
    if pdf and not pdf_is_fresh(pdf_path, html):
        pdf_stamp(pdf_path).unlink(missing_ok=True)
        if write_pdf(html_path, pdf_path):
            digest = hashlib.sha256(html.encode("utf-8")).hexdigest()
            atomic_write_text(pdf_stamp(pdf_path), digest + "\n")
            print(f"wrote {pdf_path.relative_to(PROJECT_ROOT)}", file=sys.stderr)
    return html_path
