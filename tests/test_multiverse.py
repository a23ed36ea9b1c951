"""The multiverse runner on a synthetic analysis: specifications, robustness, table, and the
specification curve drawn from that table."""

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


def _toy_curve(toy):
    """The Vega-Lite specification curve of the toy claim, from the table the multiverse writes."""
    import pandas as pd

    from euclaims import charts
    from euclaims.display import display_for

    spec, claims = toy
    rows = rows_for(spec, claims)
    member = {r["spec"] for r in rows}
    verdicts = {c.id: multiverse.claim_verdicts(c, rows, member) for c in claims}
    record = multiverse.robustness(claims[0], rows, verdicts[claims[0].id])
    payload = multiverse.table_bytes(spec, rows, claims, verdicts)
    table = pd.read_csv(io.BytesIO(payload), dtype=str, keep_default_na=False)
    chart = charts.specification_curve(claims[0], table, display_for("ratio", {}), "ratio", record)
    return chart, table, record


def test_specification_curve_ranks_every_specification_and_draws_the_rules_thresholds(toy):
    chart, table, record = _toy_curve(toy)
    points = chart["datasets"]["points"]
    values = [point["value"] for point in points]
    assert [point["rank"] for point in points] == list(range(1, len(table) + 1))
    assert values == sorted(float(v) for v in table["ratio"])
    assert sum(point["default"] for point in points) == 1
    rules = [layer for layer in chart["vconcat"][0]["layer"] if layer["mark"]["type"] == "rule"]
    assert [row["threshold"] for row in rules[0]["data"]["values"]] == [1.0, 2.0]
    assert " ".join(chart["title"]["text"]) == f"toy-claim: {record['sentence']}"


def test_choice_matrix_marks_each_specification_once_per_choice(toy):
    """Below the curve, each specification is marked at its rank in the row of each value it
    took (fails if ranks and choices are mixed up)."""
    chart, table, _ = _toy_curve(toy)
    ranked = table.assign(value=table["ratio"].astype(float)).sort_values(
        ["value", "spec"], kind="stable"
    )
    expected = {
        (rank, f"{name} = {row[name]}")
        for rank, (_, row) in enumerate(ranked.iterrows(), start=1)
        for name in ("threshold", "definition")
    }
    marked = [(entry["rank"], entry["level"]) for entry in chart["datasets"]["choices"]]
    assert set(marked) == expected and len(marked) == len(expected)


def test_static_curve_is_an_svg_drawn_once_per_spec(toy, tmp_path, monkeypatch):
    """The same spec gives the same SVG, drawn once and kept; a changed spec replaces it."""
    import vl_convert

    from euclaims import charts

    monkeypatch.setattr(charts, "STATIC_CACHE", tmp_path / "charts")
    drawn = []
    render = vl_convert.vegalite_to_svg
    monkeypatch.setattr(vl_convert, "vegalite_to_svg", lambda spec: drawn.append(1) or render(spec))
    chart, _, _ = _toy_curve(toy)
    first, second = charts.static_svg(chart, "toy"), charts.static_svg(chart, "toy")
    assert first == second and len(drawn) == 1
    assert first.startswith("<svg") and "toy-claim" in first
    assert chart["vconcat"][0]["width"] == "container", "the interactive spec is left as it was"
    (kept,) = (tmp_path / "charts").glob("toy.*.svg")
    assert kept.read_text(encoding="utf-8") == first
    charts.static_svg({**chart, "title": {"text": ["another title"]}}, "toy")
    assert len(drawn) == 2 and [p.name for p in (tmp_path / "charts").glob("toy.*")] != [kept.name]
    assert len(list((tmp_path / "charts").glob("toy.*"))) == 1


def test_a_stored_curve_is_computed_once_and_again_when_its_table_changes(
    toy, tmp_path, monkeypatch
):
    """The multiverse process leaves each curve's spec for the report: the report reads it
    back equal to what `claim_curve` gives; a changed table (or claim, labels, code) is
    another key, computed afresh, and replaces the old file."""
    from euclaims import charts

    monkeypatch.setattr(charts, "STATIC_CACHE", tmp_path / "charts")
    chart, table, record = _toy_curve(toy)
    claim = toy[1][0]
    path = tmp_path / "toy.csv"
    table.to_csv(path, index=False)
    computed = []
    original = charts.claim_curve
    monkeypatch.setattr(charts, "claim_curve", lambda *a: computed.append(1) or original(*a))
    first = charts.stored_claim_curve(claim, path, {}, record)
    second = charts.stored_claim_curve(claim, path, {}, record)
    assert len(computed) == 1 and first == second == original(claim, table, {}, record)
    assert first[1] == chart
    path.write_text(path.read_text().replace("relative", "relative-again"))
    third = charts.stored_claim_curve(claim, path, {}, record)
    assert len(computed) == 2 and third != first
    assert len(list((tmp_path / "charts").glob(f"{claim.id}.*.json"))) == 1


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


def test_each_notebooks_grid_is_evaluated_in_one_pool_worker(monkeypatch):
    """One pool: a task per notebook, its inputs loaded and its whole grid evaluated in one
    worker; serially (jobs=1) everything runs in the parent."""
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
    monkeypatch.setattr(multiverse, "_outcome", lambda spec, claims, grid, results, *rest: results)
    items = {stem: (grid, [], None) for stem, grid in grids.items()}
    outcomes = multiverse.evaluate_notebooks(items, jobs=2)
    for stem, grid in grids.items():
        rows = outcomes[stem]
        assert [{"x": row["x"]} for row in rows] == grid
        assert len({row["pid"] for row in rows}) == 1, "a notebook's grid runs in one worker"
        assert rows[0]["pid"] != os.getpid(), "evaluated in the pool, not in the parent"
    assert loads == [], "inputs are loaded in the workers"
    serial = multiverse.evaluate_notebooks(items, jobs=1)
    assert {row["pid"] for row in serial["one"]} == {os.getpid()}
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
