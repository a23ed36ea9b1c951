"""The multiverse runner on a synthetic analysis: specifications, robustness, table, curve."""

from __future__ import annotations

import csv
import io
import os
import textwrap
import time

import pytest

from euclaims import multiverse
from euclaims.claims import load_ledger
from euclaims.errors import EuclaimsError
from euclaims.params import load_params_file

PARAMS = """
toy:
  title: Toy
  inputs: []
  parameters:
    threshold:
      type: float
      default: 10.0
      alternatives: {5.0: smaller cut, 15.0: larger cut}
    definition:
      type: str
      default: absolute
      choices: [absolute, relative]
      alternatives: {relative: below the mean}
    with_gb:
      type: bool
      default: true
      alternatives: {false: without the UK}
"""

LEDGER = """
verdict_scale:
  supported: "Supported"
  partly_supported: "Partly supported"
  not_supported: "Not supported"
  not_testable: "Not testable with the data at hand"
  came_true: "Came true"
  did_not_come_true: "Did not come true"
  too_early: "Too early to tell"
claims:
  - id: toy-claim
    paragraph: 1
    quote: "small ones outnumber"
    paraphrase: Small ones outnumber.
    kind: comparison
    family: sanctions
    testable: true
    notebook: toy
    operationalisation: toy
    metrics: [ratio]
    deciding_metric: ratio
    rule:
      plain: toy
      verdicts:
        - {verdict: supported, when: "ratio >= 2"}
        - {verdict: partly_supported, when: "ratio > 1"}
      otherwise: not_supported
    summary: "ratio {ratio}"
    multiverse: [threshold, definition]
  - id: toy-fixed
    paragraph: 1
    quote: "fixed"
    paraphrase: Fixed.
    kind: fact
    family: sanctions
    testable: true
    notebook: toy
    operationalisation: toy
    metrics: [count]
    rule:
      plain: toy
      verdicts:
        - {verdict: supported, when: "count >= 1"}
      otherwise: not_supported
    summary: "count {count}"
"""


def toy_evaluate(inputs, threshold, definition, with_gb):
    """A ratio that rises with the threshold; the relative definition halves it."""
    ratio = inputs["base"] * threshold / 10.0
    if definition == "relative":
        ratio /= 2
    return {"ratio": ratio, "count": 3 if with_gb else 2}


@pytest.fixture
def toy(tmp_path):
    (tmp_path / "params.yaml").write_text(textwrap.dedent(PARAMS))
    (tmp_path / "claims.yaml").write_text(textwrap.dedent(LEDGER))
    spec = load_params_file(tmp_path / "params.yaml")["toy"]
    ledger = load_ledger(tmp_path / "claims.yaml")
    return spec, list(ledger.values())


def rows_for(spec, claims, jobs=1):
    specifications, _ = multiverse.notebook_specifications(spec, claims)
    results = multiverse.evaluate_specifications(toy_evaluate, {"base": 1.5}, specifications, jobs)
    return [
        {
            "spec": multiverse.spec_id(p, spec.defaults),
            "parameters": p,
            "is_default": p == spec.defaults,
            "metrics": m,
        }
        for p, m in zip(specifications, results, strict=True)
    ]


def test_specifications_are_the_full_factorial_of_each_claims_choices(toy):
    spec, claims = toy
    assert len(multiverse.claim_specifications(spec, claims[0])) == 3 * 2
    assert multiverse.claim_specifications(spec, claims[1]) == [spec.defaults]
    specifications, total = multiverse.notebook_specifications(spec, claims)
    assert total == len(specifications) == 6
    assert specifications[0] == spec.defaults


def test_cap_cuts_the_grid_and_reports_the_total(toy):
    spec, claims = toy
    kept, total = multiverse.notebook_specifications(spec, claims, limit=4)
    assert (len(kept), total) == (4, 6)


def test_unknown_choice_is_named(toy):
    spec, claims = toy
    from dataclasses import replace

    bad = replace(claims[0], multiverse=("no_such",))
    with pytest.raises(EuclaimsError, match="no_such"):
        multiverse.claim_specifications(spec, bad)


def test_pool_and_serial_evaluation_agree(toy):
    spec, claims = toy
    assert rows_for(spec, claims, jobs=2) == rows_for(spec, claims, jobs=1)


def test_robustness_counts_labels_and_decisive_choices(toy):
    spec, claims = toy
    rows = rows_for(spec, claims)
    member = {multiverse.spec_id(p, spec.defaults) for p in multiverse.claim_specifications(
        spec, claims[0])}  # fmt: skip
    verdicts = multiverse.claim_verdicts(claims[0], rows, member)
    # base 1.5: absolute 0.75/1.5/2.25, relative 0.375/0.75/1.125
    assert verdicts["default"] == "partly_supported"
    record = multiverse.robustness(claims[0], rows, verdicts)
    assert record["specifications"] == 6
    assert record["verdict_counts"] == {
        "not_supported": 3, "partly_supported": 2, "supported": 1
    }  # fmt: skip
    assert record["agree"] == 2
    assert record["label"] == "specification-dependent"
    decisive = {(entry["choice"], entry["value"]) for entry in record["decisive_choices"]}
    assert ("definition", "relative") in decisive
    assert ("threshold", 5.0) in decisive
    assert record["sentence"].startswith("Partly supported at the default; across 6 specifications")
    assert "decided by" in record["sentence"]


def test_labels_follow_the_shares():
    assert multiverse.robustness_label(1, 1.0) == multiverse.SINGLE
    assert multiverse.robustness_label(20, 0.95) == "robust"
    assert multiverse.robustness_label(20, 0.6) == "fragile"
    assert multiverse.robustness_label(20, 0.4) == "specification-dependent"


def test_table_has_a_row_per_specification_and_blank_verdicts_outside_a_claim(toy):
    spec, claims = toy
    rows = rows_for(spec, claims)
    verdicts = {}
    for claim in claims:
        member = {multiverse.spec_id(p, spec.defaults) for p in multiverse.claim_specifications(
            spec, claim)}  # fmt: skip
        verdicts[claim.id] = multiverse.claim_verdicts(claim, rows, member)
    payload = multiverse.table_bytes(spec, rows, claims, verdicts)
    table = list(csv.DictReader(io.StringIO(payload.decode())))
    assert len(table) == 6
    assert table[0]["spec"] == "default" and table[0]["is_default"] == "true"
    assert table[0]["verdict:toy-fixed"] == "supported"
    assert all(row["verdict:toy-fixed"] == "" for row in table[1:])
    assert float(table[0]["ratio"]) == 1.5
    assert payload == multiverse.table_bytes(spec, rows, claims, verdicts)


def test_default_row_must_equal_the_notebooks_metrics():
    multiverse.check_default_row("toy", {"ratio": 1.5}, {"ratio": 1.5})
    with pytest.raises(EuclaimsError, match=r"toy.*ratio"):
        multiverse.check_default_row("toy", {"ratio": 1.5}, {"ratio": 1.25})


def test_specification_curve_is_written_and_deterministic(toy, tmp_path, monkeypatch):
    from euclaims import multiverse_plots

    monkeypatch.setattr(multiverse_plots, "MULTIVERSE_DIR", tmp_path / "mv")
    spec, claims = toy
    rows = rows_for(spec, claims)
    member = {r["spec"] for r in rows}
    verdicts = multiverse.claim_verdicts(claims[0], rows, member)
    record = multiverse.robustness(claims[0], rows, verdicts)
    first = multiverse_plots.specification_curve(claims[0], rows, verdicts, record)
    second = multiverse_plots.specification_curve(claims[0], rows, verdicts, record)
    assert first == second
    assert first["file"] == "_multiverse/figures/toy-claim.png"
    assert (tmp_path / "mv" / "figures" / "toy-claim.png").stat().st_size > 1000
    assert multiverse_plots.rule_thresholds(claims[0], "ratio") == [1.0, 2.0]


def test_choice_matrix_marks_each_specification_once_per_choice(toy, tmp_path, monkeypatch):
    from euclaims import multiverse_plots

    monkeypatch.setattr(multiverse_plots, "MULTIVERSE_DIR", tmp_path / "mv")
    figures = []
    monkeypatch.setattr(multiverse_plots, "png_bytes", lambda fig: figures.append(fig) or b"png")
    spec, claims = toy
    rows = rows_for(spec, claims)
    member = {r["spec"] for r in rows}
    verdicts = multiverse.claim_verdicts(claims[0], rows, member)
    record = multiverse.robustness(claims[0], rows, verdicts)
    multiverse_plots.specification_curve(claims[0], rows, verdicts, record)
    bottom = figures[0].axes[1]
    labels = [tick.get_text() for tick in bottom.get_yticklabels()]
    marked = {(round(x), labels[round(y)]) for c in bottom.collections for x, y in c.get_offsets()}
    ranked = sorted(rows, key=lambda row: row["metrics"]["ratio"])
    expected = {
        (rank, f"{name} = {row['parameters'][name]}")
        for rank, row in enumerate(ranked)
        for name in claims[0].choices
    }
    assert marked == expected
    assert sum(len(c.get_offsets()) for c in bottom.collections) == len(expected)


def test_evaluate_notebooks_keeps_each_grid_in_order_over_the_pool(monkeypatch):
    from types import SimpleNamespace

    from euclaims import analyses

    module = SimpleNamespace(load_inputs=lambda: "inputs", evaluate=lambda inputs, **p: dict(p))
    monkeypatch.setattr(analyses, "has_evaluate", lambda stem: True)
    monkeypatch.setattr(analyses, "analysis_module", lambda stem: module)
    grids = {"one": [{"x": i} for i in range(9)], "two": [{"x": -i} for i in range(5)]}
    whole_grid = lambda grid, claims: (grid, len(grid))  # noqa: E731
    monkeypatch.setattr(multiverse, "notebook_specifications", whole_grid)
    monkeypatch.setattr(multiverse, "_outcome", lambda spec, claims, grid, results, *rest: results)
    outcomes = multiverse.evaluate_notebooks(
        {stem: (grid, [], grid[0]) for stem, grid in grids.items()}, jobs=2
    )
    assert outcomes == grids


def test_each_notebooks_curves_are_drawn_in_the_pool_once_its_grid_is_done(monkeypatch):
    """One pool: a grid task per notebook (inputs loaded in the worker), then one task per curve,
    submitted when that notebook's grid is back; the curves come back keyed by claim index."""
    from types import SimpleNamespace

    from euclaims import analyses

    loads = []
    module = SimpleNamespace(
        load_inputs=lambda: loads.append(os.getpid()) or "inputs",
        evaluate=lambda inputs, **p: {"pid": os.getpid(), **p},
    )
    monkeypatch.setattr(analyses, "has_evaluate", lambda stem: True)
    monkeypatch.setattr(analyses, "analysis_module", lambda stem: module)
    grids = {"one": [{"x": i} for i in range(9)], "two": [{"x": -i} for i in range(5)]}
    whole_grid = lambda grid, claims: (grid, len(grid))  # noqa: E731
    monkeypatch.setattr(multiverse, "notebook_specifications", whole_grid)

    def outcome(spec, claims, grid, results, *rest):
        robustness = {c.id: {"specifications": 1 if c.id == "single" else 2} for c in claims}
        return {"rows": results, "verdicts": {c.id: {} for c in claims}, "robustness": robustness}

    monkeypatch.setattr(multiverse, "_outcome", outcome)
    monkeypatch.setattr(
        multiverse, "_draw_curve", lambda claim, rows, verdicts, record: (claim.id, os.getpid())
    )
    claims = {
        stem: [SimpleNamespace(id=name) for name in names]
        for stem, names in {"one": ["a", "single", "b"], "two": ["c"]}.items()
    }
    outcomes = multiverse.evaluate_notebooks(
        {stem: (grid, claims[stem], None) for stem, grid in grids.items()}, jobs=2, draw=True
    )
    for stem, grid in grids.items():
        rows = outcomes[stem]["rows"]
        assert [{"x": row["x"]} for row in rows] == grid
        assert len({row["pid"] for row in rows}) == 1, "a notebook's grid runs in one worker"
        assert rows[0]["pid"] != os.getpid(), "evaluated in the pool, not in the parent"
    assert {i: c for i, (c, _) in outcomes["one"]["curves"].items()} == {0: "a", 2: "b"}
    assert {i: c for i, (c, _) in outcomes["two"]["curves"].items()} == {0: "c"}
    drawn_by = {pid for stem in grids for _, pid in outcomes[stem]["curves"].values()}
    assert os.getpid() not in drawn_by, "curves are drawn in the pool, not in the parent"
    assert loads == [], "inputs are loaded in the workers"
    serial = multiverse.evaluate_notebooks(
        {stem: (grid, claims[stem], None) for stem, grid in grids.items()}, jobs=1, draw=True
    )
    assert {pid for _, pid in serial["one"]["curves"].values()} == {os.getpid()}
    assert len(loads) == 2


# --- the multiverse alongside the notebooks ---------------------------------------------------


def test_background_multiverse_raises_its_error_in_the_build(monkeypatch):
    def failing(items, jobs):
        raise EuclaimsError("specification x of notebook toy: evaluate failed")

    monkeypatch.setattr(multiverse, "evaluate_and_write", failing)
    background = multiverse.Background({}, 1)
    with pytest.raises(EuclaimsError, match="specification x of notebook toy: evaluate failed"):
        background.wait()


def test_background_multiverse_names_an_unexpected_error(monkeypatch, capfd):
    def broken(items, jobs):
        raise KeyError("missing_metric")

    monkeypatch.setattr(multiverse, "evaluate_and_write", broken)
    background = multiverse.Background({}, 1)
    with pytest.raises(EuclaimsError, match="the multiverse failed \\(KeyError: 'missing_metric'"):
        background.wait()
    assert "Traceback" in capfd.readouterr().err


def test_background_multiverse_that_dies_is_reported(monkeypatch):
    monkeypatch.setattr(multiverse, "evaluate_and_write", lambda items, jobs: os._exit(3))
    background = multiverse.Background({}, 1)
    with pytest.raises(EuclaimsError, match="ended without finishing \\(exit code 3\\)"):
        background.wait()


def test_background_multiverse_is_stopped_when_the_build_stops(monkeypatch):
    monkeypatch.setattr(multiverse, "evaluate_and_write", lambda items, jobs: time.sleep(60))
    background = multiverse.Background({}, 1)
    started = time.monotonic()
    background.stop()
    assert time.monotonic() - started < 10
    assert not background._process.is_alive()


def test_a_failing_notebook_stops_the_multiverse_alongside(monkeypatch):
    from euclaims import pipeline

    events = []

    class Recording:
        def __init__(self, items, jobs):
            events.append(("started", sorted(items)))

        def wait(self):
            events.append("waited")

        def stop(self):
            events.append("stopped")

    monkeypatch.setattr(pipeline, "multiverse_items", lambda specs: {"toy": ("spec", ["c"])})
    monkeypatch.setattr(pipeline, "multiverse_value", lambda spec, claims: "value")
    monkeypatch.setattr(multiverse, "is_fresh", lambda stem, value: False)
    monkeypatch.setattr(multiverse, "notebook_specifications", lambda spec, claims: ([{}], 1))
    monkeypatch.setattr(multiverse, "Background", Recording)
    with pipeline.multiverse_alongside({}) as alongside:
        assert alongside == {"toy"}
    assert events == [("started", ["toy"]), "waited"]
    events.clear()
    with pytest.raises(EuclaimsError, match="notebook toy failed"):
        with pipeline.multiverse_alongside({}):
            raise EuclaimsError("notebook toy failed in cell 3")
    assert events == [("started", ["toy"]), "stopped"]
