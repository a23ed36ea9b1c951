"""The multiverse of the whole project, on the full build: the contract and the coverage."""

from __future__ import annotations

import csv
import json
import statistics
from html import unescape

import pytest

from euclaims.analyses import analysis_module, has_evaluate
from euclaims.claims import load_ledger
from euclaims.multiverse import cell, verdict_column
from euclaims.params import load_params_file
from euclaims.results import plain_value

pytestmark = pytest.mark.slow
SPECS = load_params_file()
LEDGER = load_ledger()


def record(root, stem):
    return json.loads((root / "data/processed" / stem / "results.json").read_text())


@pytest.mark.parametrize("stem", sorted(SPECS))
def test_results_metrics_equal_evaluate_of_the_defaults(built_full, stem):
    if not has_evaluate(stem):
        pytest.skip(f"{stem} has no load_inputs/evaluate yet (issue 12 open for it)")
    module = analysis_module(stem)
    evaluated = module.evaluate(module.load_inputs(), **SPECS[stem].defaults)
    clean = {name: plain_value(name, value) for name, value in evaluated.items()}
    assert clean == record(built_full, stem)["metrics"]


@pytest.mark.parametrize("stem", sorted(SPECS))
def test_default_row_of_the_multiverse_table_equals_results(built_full, stem):
    path = built_full / "data/processed/_multiverse" / f"{stem}.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    default = [row for row in rows if row["is_default"] == "true"]
    assert len(default) == 1 and default[0]["spec"] == "default"
    results = record(built_full, stem)
    for name, value in results["metrics"].items():
        assert default[0][name] == cell(value), name
    for claim_id, verdict in results["claims"].items():
        assert default[0][verdict_column(claim_id)] == verdict["verdict"]
    assert len({row["spec"] for row in rows}) == len(rows)


def test_every_claim_with_choices_has_a_real_multiverse(built_full):
    report = unescape((built_full / "reports" / "report.html").read_text(encoding="utf-8"))
    counts = {}
    for claim in LEDGER.values():
        if not claim.testable or not has_evaluate(claim.notebook):
            continue
        verdict = record(built_full, claim.notebook)["claims"][claim.id]
        robustness = verdict["robustness"]
        counts[claim.id] = robustness["specifications"]
        if claim.choices:
            assert robustness["specifications"] >= 12, claim.id
            assert f"Specification curve of '{claim.id}'" in report, claim.id
        parameters = SPECS[claim.notebook].parameters
        for entry in robustness["decisive_choices"]:
            assert entry["choice"] in parameters, (claim.id, entry)
        assert robustness["label"] in {
            "robust", "fragile", "specification-dependent", "single specification"
        }  # fmt: skip
        assert sum(robustness["verdict_counts"].values()) == robustness["specifications"]
    assert statistics.mean(counts.values()) >= 24, counts


@pytest.mark.parametrize("stem", sorted(SPECS))
def test_figures_equal_those_of_the_committed_notebooks(built_full, stem):
    """nbval does not compare images: a changed figure must match notebooks/figures.sha256.json,
    which `make notebooks` writes with the committed outputs."""
    from euclaims.notebooks import FIGURE_HASHES

    committed = json.loads(FIGURE_HASHES.read_text())[stem]
    built = {name: entry["sha256"] for name, entry in record(built_full, stem)["figures"].items()}
    assert built == committed, "figures differ from the committed notebooks; run `make notebooks`"


def test_the_reports_static_curves_are_the_ones_kept_in_the_chart_cache(built_full):
    """The build draws each static curve once, in its background multiverse process; the report
    embeds those same SVGs (one file per claim is kept)."""
    import base64
    import re

    html = (built_full / "reports" / "report.html").read_text(encoding="utf-8")
    embedded = {
        base64.b64decode(data).decode("utf-8")
        for data in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    }
    kept = list((built_full / "data" / "processed" / "_charts").glob("*.svg"))
    assert len(embedded) == len(kept) > 20
    assert {path.read_text(encoding="utf-8") for path in kept} == embedded
    assert len({path.name.split(".")[0] for path in kept}) == len(kept)


def test_the_background_multiverse_draws_the_curves_the_report_draws(built_full):
    """The build's background process draws each static curve from the multiverse summary's
    robustness record, the report from results.json's: the two records must be the same (else
    every curve would be drawn twice)."""
    from euclaims.report import robustness_record

    for stem in SPECS:
        if not has_evaluate(stem):
            continue
        path = built_full / "data/processed/_multiverse" / f"{stem}.json"
        summary = json.loads(path.read_text(encoding="utf-8"))["claims"]
        for claim_id, verdict in record(built_full, stem)["claims"].items():
            reported = robustness_record(verdict["robustness"], verdict["verdict"])
            assert reported == summary[claim_id]["robustness"], claim_id
