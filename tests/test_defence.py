"""Unit tests of the defence integration functions, on small hand-made frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from euclaims import defence
from euclaims.claims import evaluate_claim, load_ledger
from euclaims.extracts.defence import merge_initiatives, parse_eda_sheet
from euclaims.multiverse import claim_specifications, notebook_specifications
from euclaims.params import load_params_file


def initiatives(rows):
    return pd.DataFrame(rows, columns=["date", "name", "kind", "counted"])


TABLE = initiatives(
    [
        ("2006-11-30", "on decade start (excluded)", "fund", True),
        ("2006-12-01", "first day of decade", "strategy", True),
        ("2012-05", "month in decade", "legal act", True),
        ("2016-11-30", "last day of decade", "fund", True),
        ("2016-12-01", "first day of window", "body", True),
        ("2017-06-01", "step flagged not counted (flags are ignored)", "legal act", False),
        ("2017-11-30", "essay day (in window)", "strategy", True),
        ("2017-12-01", "after essay", "legal act", True),
        ("2016", "year crossing the window start", "fund", True),
    ]
)


def test_period_bounds_of_partial_dates():
    may = (pd.Timestamp("2023-05-01"), pd.Timestamp("2023-05-31"))
    assert defence.period_bounds("2023-05") == may
    assert defence.period_bounds("2016")[1] == pd.Timestamp("2016-12-31")
    with pytest.raises(ValueError, match="2016-5"):
        defence.period_bounds("2016-5")


def test_windows_are_half_open_and_partial_dates_crossing_are_ambiguous():
    periods = defence.assign_periods(TABLE, "2017-11-30", 12)
    assert list(periods) == [
        "before", "decade", "decade", "decade", "window", "window", "window", "after", "ambiguous",
    ]  # fmt: skip


def test_window_comparison_counts_and_pace():
    result = defence.window_comparison(TABLE, "2017-11-30", 12, "all", "equal")
    assert result["in_window"] == 3  # the flagged step counts: inclusion is by kind
    assert result["in_decade"] == 3
    assert result["ambiguous"] == 1
    assert result["window_annual_pace"] == 3
    assert result["decade_annual_pace"] == pytest.approx(0.3)
    assert result["count_ratio"] == 1
    assert isinstance(result["in_window"], int)


def test_window_length_changes_the_windows():
    result = defence.window_comparison(TABLE, "2017-11-30", 6, "all", "equal")
    # window = (2017-05-30, 2017-11-30]: the step and the essay-day strategy; 2016-12-01 moves
    assert result["in_window"] == 2
    assert result["in_decade"] == 4
    assert result["window_annual_pace"] == 4


def test_kinds_and_weighting():
    weights = defence.initiative_weights(TABLE, "excluding_strategies", "equal")
    assert list(weights) == [1, 0, 1, 1, 1, 1, 0, 1, 1]
    legal = defence.initiative_weights(TABLE, "all", "legal_acts_and_funds_only")
    assert list(legal) == [1, 0, 1, 1, 0, 1, 0, 1, 1]


def test_bad_parameters_are_named():
    with pytest.raises(ValueError, match="initiative_kinds"):
        defence.initiative_weights(TABLE, "some", "equal")
    with pytest.raises(ValueError, match="initiative_weighting"):
        defence.initiative_weights(TABLE, "all", "heavy")
    with pytest.raises(ValueError, match="window_months"):
        defence.comparison_windows("2017-11-30", 0)
    odd = initiatives([("2017-01-01", "x", "summit", True)])
    with pytest.raises(ValueError, match="summit"):
        defence.initiative_weights(odd, "all", "equal")


def test_counts_per_year_zero_fills_and_totals():
    per_year = defence.counts_per_year(TABLE, "all", "equal", first=2015, last=2018)
    assert list(per_year.index) == [2015, 2016, 2017, 2018]
    assert per_year.loc[2015, "total"] == 0
    assert per_year.loc[2016, "total"] == 3  # 2016-11-30, 2016-12-01, "2016"
    assert per_year.loc[2017, "total"] == 3  # step, essay day and after
    assert per_year.loc[2018, "total"] == 0


def test_merge_initiatives_corrects_and_adds_rows():
    upstream = pd.DataFrame(
        {
            "date": ["2016-11", "2017-06-22"],
            "name": ["Plan", "Call"],
            "kind": ["fund", "legal act"],
            "legal_reference": ["", ""],
            "source": ["http://a.example", "http://b.example"],
            "notes": ["old", ""],
        }
    )
    curated = pd.DataFrame(
        {
            "name": ["Plan", "New act"],
            "date": ["2016-11-30", "2009-05-06"],
            "kind": ["strategy", "legal act"],
            "legal_reference": ["COM(2016) 950", "Directive 2009/43/EC"],
            "counted": ["true", "true"],
            "source": ["http://c.example", "http://d.example"],
            "notes": ["exact day", "added"],
        }
    )
    merged = merge_initiatives(upstream, curated).set_index("name")
    assert list(merged.index) == ["New act", "Plan", "Call"]  # sorted by date
    assert merged.loc["Plan", "date"] == "2016-11-30"
    assert merged.loc["Plan", "kind"] == "strategy"
    assert merged.loc["Plan", "source"] == "http://c.example ; http://a.example"
    assert merged.loc["Plan", "origin"] == "upstream, corrected"
    assert merged.loc["New act", "origin"] == "curated"
    assert bool(merged.loc["Call", "counted"])
    assert merged.loc["Plan", "date_precision"] == "day"


MEMBERSHIP = pd.DataFrame(
    {
        "country": ["AT", "DK", "MT", "IE"],
        "joined_date": ["2017-12-11", "2023-05", None, "2017-12-11"],
    }
)


def test_participants_by_counts_partial_dates_at_period_end():
    assert defence.participants_by(MEMBERSHIP, "2017-12-31") == ["AT", "IE"]
    assert defence.participants_by(MEMBERSHIP, "2023-05-15") == ["AT", "IE"]
    assert defence.participants_by(MEMBERSHIP, "2023-05-31") == ["AT", "DK", "IE"]


WAVES = pd.DataFrame(
    {
        "wave": [2, 1, 3],
        "council_adoption_date": ["2018-11-19", "2018-03-06", "2021-11-16"],
        "projects_added": [5, 10, 4],
        "projects_in_place_reported": [15.0, 10.0, None],
    }
)


def test_projects_by_date():
    assert defence.projects_by(WAVES, "2018-01-01") == 0
    assert defence.projects_by(WAVES, "2018-03-06") == 10
    assert defence.projects_by(WAVES, "2020-12-31") == 15
    assert defence.projects_by(WAVES, "2022-01-01") is None  # no reported total
    assert defence.projects_by(WAVES, "2022-01-01", "projects_added_cumulative") == 19


def test_coordinators_per_state_splits_joint_coordinators():
    projects = pd.DataFrame({"coordinator": ["DE", "GR;CY", None, "DE"]})
    counts = defence.coordinators_per_state(projects)
    assert counts["DE"] == 2 and counts["GR"] == 1 and counts["CY"] == 1


MILEX = pd.DataFrame(
    {
        "country": ["AA", "BB", "CC", "AA", "BB", "CC"],
        "year": [2014, 2014, 2014, 2024, 2024, 2024],
        "milex_constant_2023_usd_m": [1000.0, 2000.0, 500.0, 1500.0, 2500.0, 800.0],
        "milex_share_of_gdp_pct": [1.99, 2.0, 1.0, 2.5, 2.1, 1.2],
    }
)


def test_members_at_or_above_threshold_uses_members_of_the_year():
    summary = defence.members_at_or_above(MILEX, {2014: ["AA", "BB"], 2024: ["AA", "BB", "CC"]})
    assert summary.loc[2014, "at_or_above"] == 1  # 2.0 counts, 1.99 does not
    assert summary.loc[2014, "total_constant_2023_usd_bn"] == pytest.approx(3.0)
    assert summary.loc[2024, "at_or_above"] == 2
    assert summary.loc[2024, "members"] == 3
    with pytest.raises(ValueError, match="DD"):
        defence.members_at_or_above(MILEX, {2014: ["AA", "DD"]})


def eda_rows(release, aggregate, year, estimate, equipment, european):
    return [
        (release, aggregate, year, estimate, "equipment_procurement", equipment),
        (release, aggregate, year, estimate, "european_collaborative_procurement", european),
        (release, aggregate, year, estimate, "collaborative_procurement", european + 1),
    ]


def test_collaborative_share_picks_release_per_year_and_flags_benchmark():
    rows = (
        eda_rows("2005-2017e", "EDA-27", 2016, False, 100.0, 20.0)
        + eda_rows("2005-2017e", "EDA-27", 2017, True, 100.0, 50.0)
        + eda_rows("2017-2021", "EDA 26", 2017, False, 80.0, 28.0)
        + eda_rows("2017-2021", "EDA 26", 2018, False, 50.0, 20.0)
    )
    eda = pd.DataFrame(
        rows, columns=["release", "aggregate", "year", "estimate", "indicator", "value_eur_m"]
    )
    share = defence.collaborative_share(eda)
    assert list(share.index) == [2016, 2017, 2018]
    assert share.loc[2016, "share_pct"] == pytest.approx(20.0)
    assert share.loc[2017, "share_pct"] == pytest.approx(35.0)  # actual, not the 2017e estimate
    assert share.loc[2017, "aggregate"] == "EDA 26"
    assert list(share["meets_benchmark"]) == [False, True, True]


def test_parse_eda_sheet_reads_years_estimates_and_symbols():
    sheet = pd.DataFrame(
        [
            ["EDA-27", 2015, 2016.0, "2017e"],
            ["Defence Equipment Procurement Expenditure", 10.0, 12.0, 14.0],
            ["European Collaborative Defence Procurement¹", 2.0, ":", 3.0],
            ["Defence R&D Expenditure", 1.0, 1.0, 1.0],
        ]
    )
    table = parse_eda_sheet(sheet, "2005-2017e", "EDA-27")
    assert len(table) == 6  # two indicators x three years, R&D ignored
    european = table["indicator"] == "european_collaborative_procurement"
    row = table[(table["year"] == 2016) & european]
    assert row["value_eur_m"].isna().all()
    assert table.loc[table["year"] == 2017, "estimate"].all()


def test_launches_per_year_by_type():
    missions = pd.DataFrame(
        {
            "type": ["civilian", "military", "military", "civilian"],
            "start_date": ["2003-01-01", "2003-03", None, "2005"],
        }
    )
    launches = defence.launches_per_year(missions, first=2003, last=2005)
    assert launches.loc[2003, "civilian"] == 1 and launches.loc[2003, "military"] == 1
    assert launches.loc[2004, "total"] == 0
    assert launches["total"].sum() == 3  # the undated one is left out


# --- decade end, collaborative change ---------------------------------------------------------


def test_decade_end_moves_the_decade_and_leaves_a_run_up():
    periods = defence.assign_periods(TABLE, "2017-11-30", 12, "2015-12-31")
    # decade (2005-12-31, 2015-12-31]; 2016 up to the window start is run-up
    assert list(periods) == [
        "decade", "decade", "decade", "run-up", "window", "window", "window", "after", "ambiguous",
    ]  # fmt: skip
    result = defence.window_comparison(TABLE, "2017-11-30", 12, "all", "equal", "2015-12-31")
    assert (result["in_decade"], result["in_run_up"], result["in_window"]) == (3, 1, 3)
    with pytest.raises(ValueError, match="decade_end"):
        defence.comparison_windows("2017-11-30", 12, "soon")


def shares(values: dict[int, float]) -> pd.DataFrame:
    return pd.DataFrame({"share_pct": values}).rename_axis("year")


def test_collaborative_change_welch_interval_by_hand():
    table = shares({2014: 10.0, 2015: 12.0, 2016: 14.0, 2017: 20.0, 2018: 24.0})
    change = defence.collaborative_change(table, 2014, 2016, 0.95)
    assert change["change"] == pytest.approx(10.0)
    # variances of the means 4/3 and 8/2; Welch df = (16/3)^2 / ((4/3)^2/2 + 4^2/1)
    error = (4 / 3 + 4) ** 0.5
    freedom = (16 / 3) ** 2 / ((4 / 3) ** 2 / 2 + 16)
    half = stats.t.ppf(0.975, freedom) * error
    assert change["low"] == pytest.approx(10 - half)
    assert change["high"] == pytest.approx(10 + half)
    later = defence.collaborative_change(table, 2015, 2016, 0.95)
    assert later["before_mean"] == pytest.approx(13.0)
    with pytest.raises(ValueError, match="procurement_before_from=2016"):
        defence.collaborative_change(table, 2016, 2016, 0.95)
    with pytest.raises(ValueError, match="confidence_level"):
        defence.collaborative_change(table, 2014, 2016, 1.5)


# --- the real inputs: evaluate, purity, multiverse ----------------------------------------------

CLAIM_IDS = ("eu-integrating-in-defence", "defence-progress-past-year-vs-decade")


@pytest.fixture(scope="module")
def inputs():
    return defence.load_inputs()


@pytest.fixture(scope="module")
def defaults():
    return load_params_file()["defence_integration"].defaults


@pytest.fixture(scope="module")
def ledger():
    return load_ledger()


def test_evaluate_returns_every_ledger_metric_for_the_defaults(inputs, defaults, ledger):
    metrics = defence.evaluate(inputs, **defaults)
    wanted = {name for c in ledger.values() if c.notebook == "defence_integration"
              and c.testable for name in c.metrics}  # fmt: skip
    assert wanted and sorted(wanted - set(metrics)) == []
    assert metrics["pesco_participating_states_2017"] == 25
    assert metrics["defence_initiatives_in_year_before_essay"] == 8
    assert metrics["defence_initiatives_in_decade_before_that"] == 7
    assert metrics["collaborative_procurement_years_meeting_benchmark"] == 0
    assert all(type(value) is not np.float64 for value in metrics.values())  # plain floats


def test_evaluate_is_pure_and_parameters_matter(inputs, defaults):
    first = defence.evaluate(inputs, **defaults)
    other = defence.evaluate(inputs, **{**defaults, "decade_end": "2015-12-31",
                                        "procurement_before_from": 2012})  # fmt: skip
    second = defence.evaluate(inputs, **defaults)
    assert first == second
    assert other["defence_initiatives_in_decade_before_that"] < first[
        "defence_initiatives_in_decade_before_that"]  # fmt: skip
    assert (
        other["collaborative_procurement_change_pp"] != first["collaborative_procurement_change_pp"]
    )
    first["defence_initiatives_pace_ratio"] = -1.0  # mutating a result must not touch the cache
    assert defence.evaluate(inputs, **defaults)["defence_initiatives_pace_ratio"] > 0
    with pytest.raises(ValueError, match="initiative_kinds"):
        defence.evaluate(inputs, **{**defaults, "initiative_kinds": "some"})


def test_every_specification_of_the_multiverse_evaluates(inputs, ledger):
    spec = load_params_file()["defence_integration"]
    claims = [ledger[claim_id] for claim_id in CLAIM_IDS]
    specifications, total = notebook_specifications(spec, claims)
    assert total == len(specifications) < 400
    sizes = {c.id: len(claim_specifications(spec, c)) for c in claims}
    assert sizes == {"eu-integrating-in-defence": 24, "defence-progress-past-year-vs-decade": 48}
    for parameters in specifications:
        metrics = defence.evaluate(inputs, **parameters)
        for claim in claims:
            verdict = evaluate_claim(claim, metrics, parameters)["verdict"]
            assert verdict in ("supported", "partly_supported", "not_supported"), parameters


# --- every verdict of every rule reachable --------------------------------------------------------


def verdict_of(ledger, claim_id: str, **metrics) -> str:
    parameters = load_params_file()["defence_integration"].defaults
    base = {
        "defence_initiatives_in_year_before_essay": 7,
        "defence_initiatives_in_decade_before_that": 9,
        "defence_initiatives_window_to_decade_ratio": 7 / 9,
        "defence_initiatives_pace_ratio": 7.8,
        "pesco_participating_states_2017": 25,
        "pesco_participation_share_eu28_2017": 25 / 28,
        "collaborative_procurement_change_pp": -3.9,
        "collaborative_procurement_change_ci_low": -8.3,
        "collaborative_procurement_change_ci_high": 0.5,
    }
    return evaluate_claim(ledger[claim_id], {**base, **metrics}, parameters)["verdict"]


def test_every_verdict_of_eu_integrating_in_defence(ledger):
    claim = "eu-integrating-in-defence"
    rise = {
        "collaborative_procurement_change_pp": 4.0,
        "collaborative_procurement_change_ci_low": 1.0,
    }
    assert verdict_of(ledger, claim, **rise) == "supported"  # plausible: a 4-point rise
    assert verdict_of(ledger, claim) == "partly_supported"
    assert verdict_of(ledger, claim, **rise, defence_initiatives_pace_ratio=1.5) == "not_supported"
    few = {"pesco_participating_states_2017": 10, "pesco_participation_share_eu28_2017": 10 / 28}
    assert verdict_of(ledger, claim, **rise, **few) == "not_supported"


def test_every_verdict_of_defence_progress_past_year_vs_decade(ledger):
    claim = "defence-progress-past-year-vs-decade"
    more = {"defence_initiatives_in_year_before_essay": 7,
            "defence_initiatives_in_decade_before_that": 5,
            "defence_initiatives_window_to_decade_ratio": 1.4}  # fmt: skip
    assert verdict_of(ledger, claim, **more) == "supported"
    assert verdict_of(ledger, claim) == "partly_supported"
    slow = {
        "defence_initiatives_window_to_decade_ratio": 0.1,
        "defence_initiatives_pace_ratio": 1.0,
    }
    assert verdict_of(ledger, claim, **slow) == "not_supported"
