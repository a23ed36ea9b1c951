"""The report: readable numbers, links to cells, registration, sources, JSON-LD, citation, PDF."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import warnings
from pathlib import Path
from types import SimpleNamespace

import pytest

from euclaims import report
from euclaims.claims import Claim, load_ledger
from euclaims.display import (
    MetricDisplay,
    display_for,
    format_number,
    format_value,
    humanise,
    load_metric_display,
    readable_text,
    unlabelled,
)
from euclaims.errors import EuclaimsError, LedgerError
from euclaims.params import NotebookSpec
from euclaims.paths import CLAIMS_FILE, PROJECT_ROOT

# --- numbers a person reads -------------------------------------------------------------------


def test_ledger_labels_and_formats_print_as_a_person_reads():
    display = load_metric_display()
    entry = display["last_eu_russia_summit_held_year"]
    assert entry.label == "Last EU–Russia summit held"
    assert format_value(2014, entry) == "2014"  # a year, not "2,014"
    assert format_value(True, MetricDisplay("x", "yesno")) == "yes"
    assert format_value(False, MetricDisplay("x")) == "no"
    assert format_value(0.895, MetricDisplay("x", "share")) == "89.5%"
    assert format_value(94.79, MetricDisplay("x", "percent")) == "94.8%"
    assert format_value(None, MetricDisplay("x")) == "missing (no sourced value)"
    assert format_value("2026-06-25", MetricDisplay("x", "date")) == "25 June 2026"
    assert format_value(1.315, MetricDisplay("x", "number", "million")) == "1.31 million"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(4.269736224620343e-06, "< 0.001"), (19.903, "19.9"), (0.8057, "0.81"), (1234.5, "1,234"),
     (28.0, "28"), (-7.349, "−7.35"), (0.0, "0")],
)  # fmt: skip
def test_one_number_format_without_scientific_notation(value, expected):
    assert format_number(value) == expected
    assert "e-" not in format_number(value)


def test_a_tiny_share_is_not_printed_as_zero_or_in_scientific_notation():
    assert format_value(4.27e-06, MetricDisplay("x", "share")) == "< 0.1%"


def test_metrics_without_a_label_are_humanised():
    assert humanise("economic_sanctions_extensions_by_2017_12_31") == (
        "Economic sanctions extensions by 31 December 2017"
    )
    assert humanise("eu28_member_count_2017") == "EU28 member count 2017"
    assert humanise("eu_unga_agreement_last_session_before_essay_pct") == (
        "EU UNGA agreement last session before essay"
    )
    entry = display_for("some_new_share_eu27", {})
    assert entry.format == "share" and format_value(0.5, entry) == "50%"
    assert display_for("pesco_projects_count", {}).format == "integer"


def test_ledger_prose_never_shows_python_literals():
    assert readable_text("adopted in 2014: True; lapses: None; vetoed: False") == (
        "adopted in 2014: yes; lapses: missing; vetoed: no"
    )


def test_a_bad_metric_display_entry_names_the_metric(tmp_path: Path):
    path = tmp_path / "claims.yaml"
    path.write_text("metric_display:\n  some_metric: {label: Some, format: weird}\nclaims: []\n")
    with pytest.raises(LedgerError, match="some_metric.*format 'weird'"):
        load_metric_display(path)
    path.write_text("metric_display:\n  some_metric: {format: year}\nclaims: []\n")
    with pytest.raises(LedgerError, match="some_metric.*label"):
        load_metric_display(path)


def test_the_ledger_still_loads_with_metric_display():
    assert load_ledger(CLAIMS_FILE)
    assert load_metric_display(CLAIMS_FILE)


def test_metrics_that_lack_a_label_are_listed_as_a_warning():
    """Not a failure: notebooks add and rename metrics; the integrator fills the labels."""
    ledger = load_ledger()
    display = load_metric_display()
    used = [name for claim in ledger.values() for name in claim.metrics]
    missing = unlabelled(used, display)
    stale = sorted(set(display) - set(used))
    if missing:
        warnings.warn(f"metrics without a label in metric_display: {missing}", stacklevel=1)
    if stale:
        warnings.warn(f"metric_display labels metrics no claim uses: {stale}", stacklevel=1)
    assert unlabelled(["a", "b"], {"a": MetricDisplay("A")}) == ["b"]


# --- links to the cells that computed each number ---------------------------------------------


def _notebook(*cells: tuple[int, str, str]) -> dict:
    return {
        "cells": [{"cell_type": "markdown", "source": ["# Title"]}]
        + [
            {
                "cell_type": "code",
                "execution_count": count,
                "source": [source],
                "outputs": [{"output_type": "execute_result", "data": {"text/plain": [output]}}],
            }
            for count, source, output in cells
        ]
    }


def test_each_metric_links_to_the_cell_that_computed_it():
    notebook = _notebook(
        (3, "spread = dispersion(series)", "{'cv': 0.8}"),
        (5, 'metrics = {"ratio_a": spread["max"], "share_b": 0.2}', ""),
        (6, "metrics = module.evaluate(inputs, **parameters)\nmetrics", "{'evaluated_c': 1}"),
        (9, "record_results('x', parameters, metrics, output_dir)", ""),
    )
    cells = report.metric_cells(notebook, ["ratio_a", "share_b", "evaluated_c", "elsewhere_d"])
    assert cells == {"ratio_a": 5, "share_b": 5, "evaluated_c": 6, "elsewhere_d": 9}
    assert report.cell_link("nb", 5) == "notebooks/nb.html#cell-5"


def test_figures_link_to_the_cell_that_drew_them():
    notebook = _notebook(
        (4, 'figures["ranking"] = plotting.save_figure(fig, output_dir, "ranking", ...)', "")
    )
    assert report.figure_cells(notebook) == {"ranking": 4}


# --- registration, curated sources, upstream links ---------------------------------------------


def test_registration_is_read_from_the_registry_and_skipped_when_absent(tmp_path: Path):
    assert report.registration_for("any-claim", tmp_path / "absent.yaml") is None
    registry = tmp_path / "registry.yaml"
    registry.write_text(
        "claim-a:\n"
        "  - {rule_sha256: aaa111, registered_on: 2026-11-25, commit: 0123456789abcdef}\n"
        "  - {rule_sha256: bbb222, registered_on: 2026-11-30}\n"
    )
    record = report.registration_for("claim-a", registry)
    assert record == {
        "registered_on": "2026-11-25",
        "latest_on": "2026-11-30",
        "rule_sha256": "bbb222",
        "commit": "0123456789abcdef",
        "amendments": 1,
    }
    assert report.registration_for("claim-b", registry) is None
    registry.write_text("claim-a:\n  - {registered_on: 2026-11-25}\n")
    with pytest.raises(EuclaimsError, match="claim-a.*rule_sha256"):
        report.registration_for("claim-a", registry)


def test_claim_source_share_is_computed_over_the_fact_tables_its_notebook_reads():
    from euclaims.sources import claim_source_shares

    spec = NotebookSpec("nb", "Notebook", ("curated.csv", "plain.csv", "facts.csv"), {})
    resources = {
        "curated.csv": {"curated_rows": 40, "official_rows": 35, "official_source_share": 0.875},
        "plain.csv": {},
        "facts.csv": {"curated_rows": 10, "official_rows": 0, "official_source_share": 0.0},
        "other.csv": {"curated_rows": 3, "official_rows": 3, "official_source_share": 1.0},
    }
    claims = {
        "c-1": SimpleNamespace(notebook="nb"),
        "c-2": SimpleNamespace(notebook=None),
        "c-3": SimpleNamespace(notebook="elsewhere"),
    }
    shares = claim_source_shares(claims, {"nb": spec}, resources)
    assert list(shares) == ["c-1"]
    assert shares["c-1"]["rows"] == 50 and shares["c-1"]["official_rows"] == 35
    assert shares["c-1"]["share"] == pytest.approx(0.7)
    assert [t["path"] for t in shares["c-1"]["tables"]] == ["curated.csv", "facts.csv"]
    shown = report.curated_sources(shares["c-1"])
    assert shown["share_text"] == "70%"
    rows = [(t["path"], t["official_rows"], t["rows"], t["share_text"]) for t in shown["tables"]]
    assert rows == [
        ("curated.csv", 35, 40, "87.5%"), ("facts.csv", 0, 10, "0%"),
    ]  # fmt: skip
    assert shown["tables"][0]["anchor"] == "data-curated-csv"
    assert report.curated_sources(None) is None


def test_source_shares_file_is_not_rewritten_when_unchanged(tmp_path: Path):
    from euclaims.sources import read_source_shares, write_source_shares

    spec = NotebookSpec("nb", "Notebook", ("facts.csv",), {})
    resources = {
        "facts.csv": {"curated_rows": 4, "official_rows": 1, "official_source_share": 0.25}
    }
    claims = {"c-1": SimpleNamespace(notebook="nb")}
    path = tmp_path / "source_shares.json"
    write_source_shares(claims, {"nb": spec}, resources, path)
    stamp = path.stat().st_mtime_ns
    write_source_shares(claims, {"nb": spec}, resources, path)
    assert path.stat().st_mtime_ns == stamp
    assert read_source_shares(path)["c-1"]["share"] == 0.25
    with pytest.raises(EuclaimsError, match="make report"):
        read_source_shares(tmp_path / "missing.json")


def test_upstream_sources_become_links():
    links = dict(
        report.source_links(
            "EUMS database (github.com/jfjelstul/eums, commit 20fd6ff, data/x.RData); "
            "GESIS doi 10.7802/2560; Voeten (Harvard Dataverse hdl:1902.1/12379); "
            "SIPRI, https://www.sipri.org/databases/milex; The PopuList (popu-list.org)"
        )
    )
    assert set(links.values()) == {
        "https://github.com/jfjelstul/eums/tree/20fd6ff",
        "https://doi.org/10.7802/2560",
        "https://hdl.handle.net/1902.1/12379",
        "https://www.sipri.org/databases/milex",
        "https://popu-list.org",
    }
    assert report.source_links("Project reference tables (data/curated/x.csv)") == []
    html = str(report.linkify("see github.com/a/b <now>"))
    assert 'href="https://github.com/a/b"' in html and "&lt;now&gt;" in html


def test_data_files_named_in_prose_link_to_their_source_entry():
    html = str(
        report.link_data_files(
            "From data/raw/member_states.csv and population_eurostat.csv <b>; "
            "not reference_facts/member_states.csv nor member_states.csvx",
            ["member_states.csv", "population_eurostat.csv"],
        )
    )
    assert html.count('href="#data-member-states-csv"') == 1
    assert html.count('href="#data-population-eurostat-csv"') == 1
    assert "&lt;b&gt;" in html


# --- robustness, abstract, JSON-LD, citation ---------------------------------------------------


def _claim(**fields) -> Claim:
    base = dict(
        id="claim-a", paragraph=7, quote="the quote", paraphrase="A claim.", kind="comparison",
        family="sanctions", testable=True, notebook="nb", metrics=("m",),
    )  # fmt: skip
    return Claim(**{**base, **fields})


def _row(claim: Claim, verdict: str, robustness: dict | None) -> dict:
    return {
        "claim": claim,
        "verdict": verdict,
        "label": report.VERDICT_LABELS[verdict],
        "summary": "Summary.",
        "robustness": robustness,
        "robustness_label": report.robustness_label(robustness, claim.testable),
    }


MULTIVERSE = {
    "specifications": 60,
    "agree": 21,
    "share_agree": 0.35,
    "verdict_counts": {"not_supported": 24, "partly_supported": 21, "supported": 15},
    "decisive_choices": [],
    "label": "specification-dependent",
    "sentence": "Partly supported at the default; across 60 specifications ...",
}


def test_a_legacy_sweep_record_reads_like_a_multiverse_record():
    legacy = {"holds": 3, "of": 4, "flips": [{"specification": {"x": 1}, "verdict": "supported"}]}
    record = report.robustness_record(legacy, "partly_supported")
    assert record["specifications"] == 4 and record["agree"] == 3
    assert record["label"] == "fragile"
    assert record["verdict_counts"] == {"partly_supported": 3, "supported": 1}
    assert report.robustness_record(MULTIVERSE, "partly_supported")["label"] == (
        "specification-dependent"
    )
    assert report.robustness_record(None, "supported") is None


def test_the_abstract_counts_verdicts_and_robustness():
    rows = [
        _row(_claim(id="a"), "supported", {**MULTIVERSE, "label": "robust"}),
        _row(_claim(id="b"), "partly_supported", MULTIVERSE),
        _row(_claim(id="c", kind="prediction"), "came_true", None),
        _row(_claim(id="d", testable=False, notebook=None), "not_testable", None),
    ]
    text = report.abstract(rows)
    assert "into 4 claims and tested 3" in text
    assert "1 supported, 1 came true and 1 partly supported" in text
    assert "1 cannot be tested" in text
    assert "robust for 1 and specification-dependent for 1 claims" in text


def test_claim_reviews_are_one_schema_org_claimreview_per_claim():
    rows = [
        _row(_claim(id="a"), "supported", MULTIVERSE),
        _row(_claim(id="b", testable=False, notebook=None), "not_testable", None),
    ]
    document = json.loads(report.jsonld_text(report.claim_reviews(rows, {}, "2017-11-30")))
    assert document["@context"] == "https://schema.org"
    reviews = document["@graph"]
    assert [review["@type"] for review in reviews] == ["ClaimReview", "ClaimReview"]
    first = reviews[0]
    assert first["claimReviewed"] == "the quote"
    assert first["reviewRating"]["ratingValue"] == 3
    assert first["reviewRating"]["alternateName"] == "Supported"
    assert first["itemReviewed"]["appearance"]["datePublished"] == "2017-11-30"
    assert first["itemReviewed"]["position"] == 7
    assert "specification-dependent" in first["reviewBody"]
    assert "ratingValue" not in reviews[1]["reviewRating"]  # not testable: no rating


def test_bibtex_comes_from_citation_cff():
    citation = report.load_citation(PROJECT_ROOT / "CITATION.cff")
    entry = report.bibtex(citation, "0123456789abcdef0123")
    assert entry.startswith("@software{euclaims")
    assert f"title = {{{{{citation['title']}}}}}" in entry
    assert "version = {0.1.0}" in entry and "note = {Git commit 0123456789ab}" in entry
    assert entry.count("{") == entry.count("}")


#: Runs cffconvert's command line (`cffconvert --validate -i PATH`) on each path given, in one
#: process (its imports take most of a run), and prints [exit code, output] per path as JSON.
_CFFCONVERT_EACH = """
import json, sys
from click.testing import CliRunner
from cffconvert.cli.cli import cli
results = [CliRunner().invoke(cli, ["--validate", "-i", path]) for path in sys.argv[1:]]
print(json.dumps([[result.exit_code, result.output] for result in results]))
"""


def _cffconvert(*paths: Path) -> list[tuple[int, str]]:
    """(exit code, output) of `cffconvert --validate -i` on each path (cffconvert 2.0.0, run by
    uv in a tool environment)."""
    uv = PROJECT_ROOT / ".venv" / "bin" / "uv"
    command = [str(uv) if uv.exists() else "uv", "tool", "run", "--from", "cffconvert==2.0.0"]
    try:
        result = subprocess.run(
            [*command, "python", "-c", _CFFCONVERT_EACH, *map(str, paths)],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    except FileNotFoundError:
        pytest.skip("uv is not installed")
    if result.returncode != 0:
        assert "Traceback" not in result.stderr, result.stderr[-3000:]  # it ran, and failed
        pytest.skip(f"cffconvert could not be fetched: {result.stderr[-300:]}")
    return [(code, output) for code, output in json.loads(result.stdout)]


def test_citation_cff_is_valid_and_an_invalid_one_is_caught(tmp_path: Path):
    broken = tmp_path / "CITATION.cff"
    text = (PROJECT_ROOT / "CITATION.cff").read_text()
    broken.write_text(re.sub(r"(?ms)^authors:.*?^version:", "version:", text))
    assert "authors:" not in broken.read_text()
    (valid_code, valid_output), (broken_code, broken_output) = _cffconvert(
        PROJECT_ROOT / "CITATION.cff", broken
    )
    assert valid_code == 0, valid_output
    assert "valid according to schema version 1.2.0" in valid_output
    assert broken_code != 0, broken_output
    assert "valid according to schema" not in broken_output


def test_licence_matches_pyproject():
    licence = (PROJECT_ROOT / "LICENSE").read_text()
    assert licence.startswith("MIT License")
    assert 'license = { text = "MIT" }' in (PROJECT_ROOT / "pyproject.toml").read_text()
    assert report.load_citation()["license"] == "MIT"


def test_binder_postbuild_installs_the_package_and_the_kernel():
    script = (PROJECT_ROOT / "postBuild").read_text()
    assert "pip install --no-deps -e ." in script
    assert "ipykernel install --user --name euclaims" in script
    assert (PROJECT_ROOT / "postBuild").stat().st_mode & 0o111


# --- the PDF's links and bookmarks ------------------------------------------------------------


def _pdf_with_link(path: Path, uri: str, title: str) -> None:
    from pypdf import PdfWriter
    from pypdf.annotations import Link
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    link = Link(rect=(10, 10, 100, 30), target_page_index=0)
    link[NameObject("/A")] = DictionaryObject(
        {NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject(uri)}
    )
    del link[NameObject("/Dest")]
    writer.add_annotation(0, link)
    writer.add_outline_item(title=title, page_number=0)
    writer.write(path)


def test_pdf_links_become_relative_and_bookmarks_keep_their_spaces(tmp_path: Path):
    from pypdf import PdfReader

    base = tmp_path / "reports"
    pdf = tmp_path / "report.pdf"
    uri = (base / "notebooks" / "nb.html").as_uri() + "#cell-5"
    _pdf_with_link(pdf, uri, "Small states act incoalitions.")
    assert report.finish_pdf(pdf, base, ["Small states act in coalitions."]) == 1
    reader = PdfReader(pdf)
    action = reader.pages[0]["/Annots"][0].get_object()["/A"]
    assert action["/URI"] == "notebooks/nb.html#cell-5"
    assert reader.outline[0].title == "Small states act in coalitions."
    _pdf_with_link(pdf, "file:///elsewhere/data.csv", "T")
    report.finish_pdf(pdf, base, [])
    assert "/A" not in PdfReader(pdf).pages[0]["/Annots"][0].get_object()


def test_headings_are_read_from_the_html():
    html = '<h1>Title <span class="x">here</span></h1><p>no</p><h3 id="a">A &amp;\n B</h3>'
    assert report.html_headings(html) == ["Title here", "A & B"]


# --- the whole report (built once for the session) ---------------------------------------------


def _visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", html)


@pytest.mark.slow
def test_the_built_report_reads_well_and_is_machine_readable(built_full: Path):
    reports_dir = built_full / "reports"
    html = (reports_dir / "report.html").read_text(encoding="utf-8")
    ledger = load_ledger(built_full / "claims.yaml")
    text = _visible_text(html)
    raw = re.search(r"\b(True|False|None)\b", text)
    assert not raw, text[max(0, raw.start() - 200) : raw.end() + 40]
    assert not re.search(r"\d\.?\d*e[-+]\d", text), "scientific notation in the report"
    for verdict in ("partly_supported", "not_supported", "did_not_come_true", "too_early"):
        assert f" {verdict} " not in text
    # each figure once, numbered 1..n in reading order; every citation points to a figure
    numbers = [int(n) for n in re.findall(r'<figure id="figure-(\d+)"', html)]
    assert numbers == list(range(1, len(numbers) + 1))
    cited = {int(n) for n in re.findall(r'href="#figure-(\d+)"', html)}
    assert cited <= set(numbers)
    # JSON-LD: the file and the embedded copy, one ClaimReview per claim
    document = json.loads((reports_dir / "claims.jsonld").read_text(encoding="utf-8"))
    embedded = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert json.loads(embedded[1]) == document
    assert document["@context"] == "https://schema.org"
    reviews = document["@graph"]
    assert all(review["@type"] == "ClaimReview" for review in reviews)
    assert sorted(r["@id"].removeprefix("report.html#claim-") for r in reviews) == sorted(ledger)
    # one HTML page per executed notebook, each with its cell anchors
    for stem in {claim.notebook for claim in ledger.values() if claim.testable}:
        page = (reports_dir / "notebooks" / f"{stem}.html").read_text(encoding="utf-8")
        assert 'id="cell-1"' in page and "cdn" not in page.lower().split("<body", 1)[0]


def test_broken_links_are_found(tmp_path: Path):
    from euclaims.browser import broken_links

    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "nb.html").write_text(
        '<a id="cell-1"></a><a href="../report.html#top">back</a><a href="#cell-9">x</a>'
    )
    (tmp_path / "report.html").write_text(
        '<h1 id="top">T</h1><a href="notebooks/nb.html#cell-1">ok</a>'
        '<a href="notebooks/nb.html#cell-2">no anchor</a><a href="missing.html">missing</a>'
        '<a href="file:///work/x.html">local</a><a href="../outside.html">outside</a>'
        '<a href="https://example.org">web</a><img src="data:image/png;base64,AA==">'
    )
    problems = broken_links(tmp_path)
    assert len(problems) == 5, problems
    assert any("nb.html: #cell-9 has no anchor" in p for p in problems)
    assert any("absolute local link" in p for p in problems)


@pytest.mark.slow
def test_copy_of_reports_keeps_nothing_outside(tmp_path: Path, built_full: Path):
    from euclaims.browser import broken_links

    copy = tmp_path / "elsewhere" / "reports"
    shutil.copytree(built_full / "reports", copy)
    assert broken_links(copy) == []


# --- a small project with every ledger extra, rendered end to end -------------------------------

MINI_CLAIMS = """\
verdict_scale:
  supported: "Supported"
  partly_supported: "Partly supported"
  not_supported: "Not supported"
  not_testable: "Not testable with the data at hand"
  came_true: "Came true"
  did_not_come_true: "Did not come true"
  too_early: "Too early to tell"

metric_display:
  mini_share: {label: "Share of mini things", format: share}

claims:
  - id: mini-claim
    paragraph: 3
    quote: "mini things abound"
    paraphrase: Mini things abound.
    kind: comparison
    family: sanctions
    testable: true
    notebook: mini
    operationalisation: Counted in data/raw/curated.csv.
    metrics: [mini_share, mini_flag]
    multiverse: [choice]
    deciding_metric: mini_share
    rule:
      plain: Supported if the share is above 0.4.
      verdicts:
        - verdict: supported
          when: mini_share > 0.4
      otherwise: not_supported
    summary: "Share {mini_share:.2f}; flag {mini_flag}."
    objections:
      - objection: Why 0.4 and not 0.5?
        answer: The specification curve shows both.
    amendments:
      - date: 2026-11-30
        reason: A referee asked for it.
        change: Threshold lowered from 0.5 to 0.4.
  - id: mini-untestable
    paragraph: 4
    quote: "nobody can tell"
    paraphrase: Nobody can tell.
    kind: perception
    family: hindsight
    testable: false
    untestable_reason: No survey asks it.
"""
MINI_PARAMS = """\
mini:
  title: A mini notebook
  inputs: [curated.csv]
  parameters:
    choice:
      type: str
      default: a
      choices: [a, b]
      help: A choice.
      alternatives: {b: "b is as defensible as a"}
"""


def _mini_project(root: Path) -> Path:
    (root / "data" / "raw").mkdir(parents=True)
    (root / "claims.yaml").write_text(MINI_CLAIMS)
    (root / "params.yaml").write_text(MINI_PARAMS)
    (root / "CITATION.cff").write_text((PROJECT_ROOT / "CITATION.cff").read_text())
    (root / "ledger").mkdir()
    (root / "ledger" / "registry.yaml").write_text(
        "mini-claim:\n  - {rule_sha256: " + "a" * 64 + ", registered_on: 2026-11-25}\n"
        "  - {rule_sha256: " + "b" * 64 + ", registered_on: 2026-11-30}\n"
    )
    resource = {
        "path": "curated.csv", "title": "Curated facts", "hash": "sha256:" + "0" * 64,
        "sources": [{"title": "Council pages (github.com/owner/repo, commit abcdef1)"}],
        "licenses": [{"title": "CC BY 4.0"}], "upstream": [], "curated": [], "caveats": "",
        "curated_rows": 10, "official_rows": 9, "official_source_share": 0.9,
    }  # fmt: skip
    (root / "data" / "raw" / "datapackage.json").write_text(json.dumps({"resources": [resource]}))
    processed = root / "data" / "processed"
    (processed / "mini").mkdir(parents=True)
    (processed / "_multiverse").mkdir(parents=True)
    (processed / "_multiverse" / "mini.csv").write_text(
        "spec,choice,is_default,mini_flag,mini_share,verdict:mini-claim\n"
        "default,a,true,true,0.42,supported\nchoice=b,b,false,true,0.38,not_supported\n"
    )
    robustness = {
        "specifications": 2, "agree": 1, "share_agree": 0.5,
        "verdict_counts": {"not_supported": 1, "supported": 1},
        "decisive_choices": [{"choice": "choice", "value": "b", "verdict": "not_supported",
                              "share_default": 0.0, "specifications": 1}],
        "label": "fragile",
        "sentence": "Supported at the default; across 2 specifications 50% Not supported, "
                    "50% Supported — decided by choice.",
    }  # fmt: skip
    record = {
        "notebook": "mini", "parameters": {"choice": "a"}, "inputs": {"curated.csv": "0" * 64},
        "metrics": {"mini_share": 0.42, "mini_flag": True}, "figures": {},
        "claims": {"mini-claim": {
            "verdict": "supported", "label": "Supported", "summary": "Share 0.42; flag True.",
            "robustness": robustness,
        }},
        "package_version": "0.1.0", "git_commit": "0123456789abcdef",
    }  # fmt: skip
    (processed / "mini" / "results.json").write_text(json.dumps(record))
    cell = {
        "cell_type": "code", "execution_count": 1, "id": "c1", "metadata": {},
        "source": ['metrics = {"mini_share": 0.42, "mini_flag": True}'], "outputs": [],
    }  # fmt: skip
    notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (processed / "mini" / "executed.ipynb").write_text(json.dumps(notebook))
    return root


def test_a_small_project_renders_every_ledger_extra(tmp_path: Path):
    from conftest import run_cli

    from euclaims.browser import broken_links

    root = _mini_project(tmp_path / "mini")
    result = run_cli(root, "report", "--no-pdf", timeout=300)
    assert result.returncode == 0, result.stderr
    html = (root / "reports" / "report.html").read_text(encoding="utf-8")
    for expected in (
        "What a referee would ask", "Why 0.4 and not 0.5?", "Amendments (1)",
        "Threshold lowered from 0.5 to 0.4.", "Rule registered on 2026-11-25",
        "amended 1 time since, last on 2026-11-30",
        "90% of the 10 fact rows the notebook reads are backed by an official source",
        "</code></a> 9 of 10 (90%)",
        "Share of mini things", ">42%<", "flag yes", 'href="notebooks/mini.html#cell-1"',
        "decided by choice", 'data-vega-spec="chart-1-spec"', "<strong>Figure 1.</strong>",
        "Specification curve of &#39;mini-claim&#39;", 'src="data:image/svg+xml;base64,',
        'href="https://github.com/owner/repo/tree/abcdef1"', 'href="#data-curated-csv"',
        "Nobody can tell.", "No survey asks it.",
    ):  # fmt: skip
        assert expected in html, expected
    assert "Mini flag" in html  # no label in metric_display: humanised
    assert "mini_flag" in result.stderr  # ... and listed as unlabelled
    page = (root / "reports" / "notebooks" / "mini.html").read_text(encoding="utf-8")
    assert 'id="cell-1"' in page
    reviews = json.loads((root / "reports" / "claims.jsonld").read_text())["@graph"]
    assert [r["reviewRating"].get("ratingValue") for r in reviews] == [3, None]
    assert broken_links(root / "reports") == []
    again = run_cli(root, "report", "--no-pdf", timeout=300)
    assert again.returncode == 0 and "wrote" not in again.stderr  # nothing changed: no rewrite


def test_a_failing_interactive_chart_keeps_the_static_figure(monkeypatch, capsys):
    from euclaims import charts

    def broken(parameters):
        raise KeyError("cohesion_index")

    monkeypatch.setitem(charts.TIME_SERIES, "some_figure", broken)
    assert charts.time_series("some_figure", {}) is None
    assert "figure 'some_figure' was not drawn" in capsys.readouterr().err
    assert charts.time_series("no_such_figure", {}) is None


def test_every_embedded_chart_is_valid_vega_lite(built_full: Path):
    """The build skips altair's schema validation for speed: every chart spec embedded in the
    built report must still validate against the Vega-Lite schema. Each dataset's rows are
    checked against the schema's InlineDataset directly (jsonschema walks every row once per
    branch of its anyOf: most of three seconds), the rest of the spec by jsonschema."""
    import jsonschema
    from altair.vegalite.v6.schema import core

    html = (built_full / "reports/report.html").read_text(encoding="utf-8")
    pattern = r'<script type="application/json" id="[^"]*-spec">(.*?)</script>'
    found = re.findall(pattern, html, re.S)
    assert len(found) >= 20, len(found)
    schema = core.load_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    assert not validator.is_valid({"mark": "no-such-mark", "data": {"values": []}})
    assert not is_inline_dataset([{"a": 1}, 2]) and not is_inline_dataset([True, 1])
    for text in found:
        spec = json.loads(text)
        datasets = spec.get("datasets", {})
        assert all(is_inline_dataset(rows) for rows in datasets.values())
        errors = list(validator.iter_errors({**spec, "datasets": dict.fromkeys(datasets, [])}))
        assert not errors, [error.message for error in errors[:3]]


def is_inline_dataset(value: object) -> bool:
    """Vega-Lite's InlineDataset: an array of numbers, of strings, of booleans or of objects;
    or a string or an object."""
    if isinstance(value, str | dict):
        return True
    if not isinstance(value, list):
        return False
    kinds = (
        lambda item: isinstance(item, int | float) and not isinstance(item, bool),
        lambda item: isinstance(item, str),
        lambda item: isinstance(item, bool),
        lambda item: isinstance(item, dict),
    )
    return any(all(kind(item) for item in value) for kind in kinds)
