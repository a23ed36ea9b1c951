"""The whole pipeline on a copy of the project: parameters, caching, failures, ledger edits
(tests that change the copy get a private one, `built_copy`)."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
from conftest import FAST_NOTEBOOK, run_cli, tree_state

from euclaims.claims import load_ledger
from euclaims.params import load_params_file

STEM = FAST_NOTEBOOK
#: A claim of STEM whose rule the ledger tests edit.
CLAIM = "defence-progress-past-year-vs-decade"
pytestmark = pytest.mark.slow


def outputs(root: Path) -> dict:
    """Build outputs, leaving out notebooks kept for inspection after a failure."""
    state = tree_state(root / "data" / "processed", root / "reports")
    return {path: stamp for path, stamp in state.items() if "/_failed/" not in path}


def test_build_writes_results_report_and_verdicts(built):
    record = json.loads((built / "data/processed" / STEM / "results.json").read_text())
    assert record["notebook"] == STEM
    spec = load_params_file(built / "params.yaml")[STEM]
    assert set(record["inputs"]) == set(spec.inputs)
    assert record["metrics"]["pesco_participating_states_2017"] == 25
    verdict = record["claims"][CLAIM]
    assert set(verdict) >= {"verdict", "summary", "robustness"}
    claim = load_ledger(built / "claims.yaml")[CLAIM]
    expected = 1
    for name in claim.choices:
        expected *= len(spec.parameters[name].values)
    assert verdict["robustness"]["specifications"] == expected
    assert (built / "data/processed" / STEM / "executed.ipynb").exists()
    assert (built / "reports/report.html").exists()


def test_second_build_executes_nothing_and_is_fast(built):
    before = outputs(built)
    started = time.perf_counter()
    result = run_cli(built, "build", "--no-pdf")
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    assert "[run]" not in result.stderr
    assert outputs(built) == before
    assert elapsed < 2.0  # includes interpreter start-up; `make report` no-op is measured in bench


def test_unknown_parameter_exits_nonzero_and_writes_nothing(built_copy):
    before = outputs(built_copy)
    result = run_cli(built_copy, "run", STEM, "-p", "no_such_parameter", "1")
    assert result.returncode != 0
    assert "no_such_parameter" in result.stderr
    assert outputs(built_copy) == before


def test_invalid_parameter_value_is_named(built_copy):
    before = outputs(built_copy)
    result = run_cli(built_copy, "run", STEM, "-p", "window_months", "many")
    assert result.returncode != 0
    assert "window_months" in result.stderr and "expected an integer" in result.stderr
    assert outputs(built_copy) == before


def test_corrupted_raw_file_stops_build_naming_it(built_copy):
    path = built_copy / "data/raw/sipri_milex_eu.csv"
    original = path.read_bytes()
    (built_copy / "params.yaml").write_text((built_copy / "params.yaml").read_text())  # unchanged
    before = outputs(built_copy)
    path.write_bytes(original[: len(original) // 2])
    # touch the notebook's inputs so the build has to rerun it
    result = run_cli(built_copy, "build", "--no-pdf")
    assert result.returncode != 0
    assert "sipri_milex_eu.csv: sha256" in result.stderr
    assert outputs(built_copy) == before


def test_notebook_raising_midrun_leaves_outputs_untouched(built_copy):
    notebook = built_copy / "notebooks" / f"{STEM}.ipynb"
    data = json.loads(notebook.read_text())
    code = [cell for cell in data["cells"] if cell["cell_type"] == "code"]
    code[1]["source"] = ["raise RuntimeError('injected failure')\n"]  # the cell after parameters
    before = outputs(built_copy)
    notebook.write_text(json.dumps(data))
    result = run_cli(built_copy, "build", "--no-pdf")
    assert result.returncode != 0
    assert re.search(
        rf"notebook {STEM} \(default\) failed in cell \d+: RuntimeError", result.stderr
    )
    assert "injected failure" in result.stderr
    assert outputs(built_copy) == before
    assert (built_copy / "data/processed/_failed" / f"{STEM}--default.ipynb").exists()
    assert not list((built_copy / "data/processed").glob(".staging-*"))


def test_editing_a_ledger_threshold_changes_the_verdict(built_copy):
    ledger = built_copy / "claims.yaml"
    record_path = built_copy / "data/processed" / STEM / "results.json"
    assert json.loads(record_path.read_text())["claims"][CLAIM]["verdict"] == "supported"
    rule = 'when: "defence_initiatives_window_to_decade_ratio > 1"'
    ledger.write_text(ledger.read_text().replace(rule, rule.replace("> 1", "> 2")))
    result = run_cli(built_copy, "build", "--no-pdf")
    assert result.returncode == 0, result.stderr
    verdict = json.loads(record_path.read_text())["claims"][CLAIM]
    assert verdict["verdict"] == "partly_supported"
    html = (built_copy / "reports/report.html").read_text()
    section = html[html.index(f'id="claim-{CLAIM}"') :]
    assert re.search(r'class="badge v-([a-z_]+)"', section)[1] == "partly_supported"


def test_malformed_claims_file_is_named(built_copy):
    ledger = built_copy / "claims.yaml"
    before = outputs(built_copy)
    ledger.write_text(ledger.read_text() + "\n  - id: [broken\n")
    result = run_cli(built_copy, "build", "--no-pdf")
    assert result.returncode != 0
    assert "claims.yaml: not valid YAML" in result.stderr
    assert outputs(built_copy) == before


def test_report_is_self_contained_and_lists_every_claim(built_full):
    from html.parser import HTMLParser

    from euclaims.claims import load_ledger

    html = (built_full / "reports/report.html").read_text()

    class Resources(HTMLParser):
        def __init__(self):
            super().__init__()
            self.external = []

        def handle_starttag(self, tag, attrs):
            for name, value in attrs:
                if name in {"src", "href"} and value and re.match(r"^(https?:)?//", value):
                    if not (tag == "a" and name == "href"):
                        self.external.append((tag, value))
                if tag == "link" and name == "href":
                    self.external.append((tag, value))

    parser = Resources()
    parser.feed(html)
    assert parser.external == []
    assert "@import" not in html and "url(http" not in html
    for claim_id in load_ledger(built_full / "claims.yaml"):
        assert f'id="claim-{claim_id}"' in html


def test_every_testable_claim_has_a_computed_verdict(built_full):
    from euclaims.claims import load_ledger

    for claim in load_ledger(built_full / "claims.yaml").values():
        if not claim.testable:
            continue
        record = json.loads(
            (built_full / "data/processed" / claim.notebook / "results.json").read_text()
        )
        verdict = record["claims"][claim.id]
        assert verdict["verdict"] in claim.allowed_verdicts, claim.id
        assert verdict["summary"] and "{" not in verdict["summary"], claim.id
        robustness = verdict["robustness"]
        assert robustness["specifications"] >= 1 and robustness["agree"] >= 1, claim.id


def test_text_from_data_is_escaped_in_the_report(built_copy):
    ledger = built_copy / "claims.yaml"
    injected = "Small <script>alert(1)</script> & large"
    paraphrase = (
        'paraphrase: "At the time of writing the EU was integrating fast, including in common '
        'security and defence policy."'
    )
    assert paraphrase in ledger.read_text()
    ledger.write_text(ledger.read_text().replace(paraphrase, f'paraphrase: "{injected}"'))
    result = run_cli(built_copy, "report", "--no-pdf")
    assert result.returncode == 0, result.stderr
    html = (built_copy / "reports/report.html").read_text()
    assert "<script>alert(1)" not in html  # the report's own inline script is fine
    assert "Small &lt;script&gt;alert(1)&lt;/script&gt; &amp; large" in html


def test_a_fresh_multiverse_is_still_checked_against_the_notebooks_results(built_copy):
    """The multiverse runs alongside the notebooks and does not depend on their outputs, so its
    default row is compared with results.json on every build, fresh or not."""
    record_path = built_copy / "data/processed" / STEM / "results.json"
    record = json.loads(record_path.read_text())
    name = next(n for n, v in sorted(record["metrics"].items()) if isinstance(v, int | float)
                and not isinstance(v, bool))  # fmt: skip
    record["metrics"][name] += 1
    record_path.write_text(json.dumps(record))
    result = run_cli(built_copy, "multiverse")
    assert result.returncode != 0
    assert f"[up to date] {STEM} (multiverse)" in result.stderr
    assert f"differ from evaluate(load_inputs(), **defaults) for ['{name}']" in result.stderr


def test_builds_use_one_blas_thread_per_process_unless_the_user_chose(monkeypatch):
    from euclaims import pipeline

    for name in pipeline.BLAS_THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "4")
    pipeline.one_thread_per_process()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    assert os.environ["MKL_NUM_THREADS"] == "1"
    assert os.environ["OMP_NUM_THREADS"] == "4"
