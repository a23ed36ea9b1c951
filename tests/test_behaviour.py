"""Small-states behaviour functions on small hand-made tables (no real figures)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from euclaims import behaviour as bh  # noqa: E402
from euclaims import behaviour_plots as bp  # noqa: E402
from euclaims.extracts import behaviour as ex  # noqa: E402

# --- exposure -------------------------------------------------------------------------------

MACRO = pd.DataFrame(
    {
        "country": ["AA"] * 5 + ["BB"] * 5,
        "year": [2010, 2011, 2012, 2013, 2014] * 2,
        "gdp_usd": [100.0, 110.0, 121.0, 133.1, 146.41, 200.0, 200.0, 200.0, 200.0, 200.0],
        "population": [1_000_000] * 5 + [50_000_000] * 5,
    }
)
TRADE = pd.DataFrame(
    {
        "country": ["AA", "BB"],
        "year": [2013, 2013],
        "exports_musd": [0.0001, 0.00005],  # million US$: 100 and 50 US$
        "imports_musd": [0.00003, 0.00005],
    }
)


def test_trade_openness_is_trade_over_gdp_in_percent():
    table = bh.trade_openness(TRADE, MACRO, 2013)
    assert table.loc["AA", "openness_pct"] == pytest.approx(100 * 130 / 133.1)
    assert table.loc["BB", "openness_pct"] == pytest.approx(50.0)
    assert table.loc["BB", "log_population"] == pytest.approx(np.log(50_000_000))


def test_trade_openness_names_missing_year_and_state():
    with pytest.raises(ValueError, match="no rows for year 2009"):
        bh.trade_openness(TRADE.assign(year=2009), MACRO, 2009)
    with pytest.raises(ValueError, match="no 2013 value for BB"):
        bh.trade_openness(TRADE, MACRO[MACRO["country"] == "AA"], 2013)


def test_growth_volatility_of_constant_growth_is_zero_and_of_swings_positive():
    table = bh.growth_volatility(MACRO, 2010, 2014)
    assert table.loc["AA", "growth_volatility_pp"] == pytest.approx(0.0, abs=1e-9)
    assert table.loc["BB", "growth_volatility_pp"] == pytest.approx(0.0, abs=1e-9)
    swings = MACRO.copy()
    swings.loc[swings["country"] == "AA", "gdp_usd"] = [100.0, 200.0, 100.0, 200.0, 100.0]
    table = bh.growth_volatility(swings, 2010, 2014)
    # log changes +-ln 2 alternating, in percentage points: sample SD = 100 ln2 * sqrt(4/3)
    assert table.loc["AA", "growth_volatility_pp"] == pytest.approx(
        100 * np.log(2) * np.sqrt(4 / 3)
    )


def test_growth_volatility_rejects_short_windows_and_gaps():
    with pytest.raises(ValueError, match="at least three"):
        bh.growth_volatility(MACRO, 2012, 2014)
    with pytest.raises(ValueError, match=r"GDP missing within 2010-2014 for \['AA'\]"):
        bh.growth_volatility(MACRO.drop(index=2), 2010, 2014)


def test_russia_export_loss_uses_same_year_gdp():
    exports = pd.DataFrame(
        {
            "country": ["AA", "AA", "BB", "BB"],
            "year": [2013, 2014, 2013, 2014],
            "exports_to_russia_usd": [13.31, 7.3205, 4.0, 4.0],
        }
    )
    table = bh.russia_export_loss(exports, MACRO, 2013, 2014)
    assert table.loc["AA", "russia_export_loss_pp"] == pytest.approx(10 - 5)
    assert table.loc["BB", "russia_export_loss_pp"] == pytest.approx(0.0)
    with pytest.raises(ValueError, match="must follow"):
        bh.russia_export_loss(exports, MACRO, 2014, 2014)


def test_ols_fit_recovers_slope_and_interval_covers_it():
    rng = np.random.default_rng(3)
    x = np.linspace(12, 18, 40)
    table = pd.DataFrame({"log_population": x, "y": 5 - 2 * x + rng.normal(0, 0.5, x.size)})
    fit = bh.ols_fit(table, "y")
    assert fit["slope"] == pytest.approx(-2, abs=0.15)
    assert fit["ci_low"] < -2 < fit["ci_high"] < 0
    assert fit["n"] == 40
    exact = bh.ols_fit(pd.DataFrame({"log_population": x, "y": 1 + 3 * x}), "y")
    assert exact["slope"] == pytest.approx(3)
    assert exact["intercept"] == pytest.approx(1)


def test_ols_fit_needs_enough_points_and_names_columns():
    with pytest.raises(ValueError, match="only 3 observations"):
        bh.ols_fit(pd.DataFrame({"log_population": [1.0, 2, 3], "y": [1.0, 2, 4]}), "y")
    with pytest.raises(KeyError, match="missing column"):
        bh.ols_fit(pd.DataFrame({"x": [1.0]}), "y")


def test_fit_band_brackets_the_line_and_metrics_are_named():
    x = np.arange(10.0)
    table = pd.DataFrame({"log_population": x, "y": 2 * x + np.tile([0.5, -0.5], 5)})
    band = bh.fit_band(table, "y", points=5)
    assert (band["low"] <= band["fit"]).all() and (band["fit"] <= band["high"]).all()
    assert band["log_population"].iloc[-1] == pytest.approx(9)
    metrics = bh.fit_metrics(bh.ols_fit(table, "y"), "openness")
    assert set(metrics) == {
        "openness_vs_log_population_slope", "openness_vs_log_population_slope_ci_low",
        "openness_vs_log_population_slope_ci_high", "openness_vs_log_population_n",
    }  # fmt: skip


# --- Council dissent ------------------------------------------------------------------------

VOTES = pd.DataFrame(
    {
        "vote_id": [1, 2, 3, 4, 5],
        "decision_date": ["2015-01-10", "2015-02-10", "2016-03-01", "2022-05-01", "2016-04-01"],
        "against": ["AA", "AA;SS", None, "BB", None],
        "abstained": [None, None, "SS", "TT", None],
    }
)
POP = pd.DataFrame(
    {
        "country": ["AA", "AA", "BB", "BB", "SS", "SS", "TT", "TT"],
        "year": [2015, 2021, 2015, 2021, 2015, 2021, 2015, 2020],
        "population": [50e6, 50e6, 9e6, 11e6, 2e6, 2e6, 3e6, 3e6],
    }
)


def test_dissent_events_with_and_without_abstention():
    with_abstention = bh.dissent_events(VOTES, include_abstention=True)
    assert list(with_abstention["vote_id"]) == [1, 2, 2, 3, 4, 4]
    assert list(with_abstention["lone"]) == [True, False, False, True, False, False]
    against_only = bh.dissent_events(VOTES, include_abstention=False)
    assert list(against_only["vote_id"]) == [1, 2, 2, 4]
    assert list(against_only["lone"]) == [True, False, False, True]
    assert against_only["year"].tolist() == [2015, 2015, 2015, 2022]


def test_population_for_years_takes_latest_earlier_year():
    table = bh.population_for_years(POP, [2014, 2016, 2022]).set_index(["country", "year"])
    assert table.loc[("BB", 2016), "population"] == 9e6  # latest at or before 2016 is 2015
    assert table.loc[("BB", 2022), "population"] == 11e6
    assert table.loc[("TT", 2022), "population"] == 3e6
    assert table.loc[("AA", 2014), "population"] == 50e6  # nothing before: earliest


def test_classify_events_sets_size_class_per_vote_year():
    events = bh.classify_events(bh.dissent_events(VOTES, True), POP, 10)
    bb = events[events["country"] == "BB"]
    assert bb["size_class"].tolist() == ["large"]  # 11 million in 2021 (used for 2022)
    assert set(events.loc[events["country"] == "SS", "size_class"]) == {"small"}
    with pytest.raises(ValueError, match=r"no population for dissenting state\(s\) \['SS'\]"):
        bh.classify_events(bh.dissent_events(VOTES, True), POP[POP["country"] != "SS"], 10)


def test_lone_dissent_summary_pools_by_class():
    events = bh.classify_events(bh.dissent_events(VOTES, True), POP, 10)
    summary = bh.lone_dissent_summary(events)
    # small: SS (votes 2, 3), TT (vote 4) -> 3 dissents, 1 lone; large: AA (1, 2), BB (4)
    assert summary.loc["small", "dissents"] == 3
    assert summary.loc["small", "lone_dissents"] == 1
    assert summary.loc["large", "dissents"] == 3
    assert summary.loc["large", "lone_share"] == pytest.approx(1 / 3)
    assert summary.loc["small", "mean_co_dissenters"] == pytest.approx(2 / 3)


def test_vote_level_counts_and_bootstrap_interval():
    events = bh.classify_events(bh.dissent_events(VOTES, True), POP, 10)
    counts = bh.vote_level_counts(events)
    assert counts.loc[3].tolist() == [1, 1, 0, 0]  # small_dissents, small_lone, large_...
    assert counts.loc[1].tolist() == [0, 0, 1, 1]
    low, high = bh.bootstrap_lone_share_difference(events, 300)
    assert -1 <= low <= high <= 1
    assert (low, high) == bh.bootstrap_lone_share_difference(events, 300)  # fixed seed


def test_bootstrap_interval_excludes_zero_for_a_clear_difference():
    rows = [
        {"vote_id": i, "size_class": "small", "lone": False, "dissenters": 2} for i in range(50)
    ]
    rows += [{"vote_id": 100 + i, "size_class": "large", "lone": True, "dissenters": 1}
             for i in range(50)]  # fmt: skip
    rows += [{"vote_id": 200 + i, "size_class": "large", "lone": False, "dissenters": 2}
             for i in range(50)]  # fmt: skip
    low, high = bh.bootstrap_lone_share_difference(pd.DataFrame(rows), 500)
    assert high < 0 and low > -1


def test_coalition_metrics_and_state_left_out():
    events = bh.classify_events(bh.dissent_events(VOTES, True), POP, 10)
    metrics = bh.coalition_metrics(bh.lone_dissent_summary(events), (-0.5, 0.2))
    assert metrics["small_state_lone_dissent_share"] == pytest.approx(1 / 3)
    assert metrics["lone_dissent_share_difference"] == pytest.approx(0.0)
    assert metrics["lone_dissent_share_difference_ci_high"] == 0.2
    without = bh.metrics_without_state(events, "AA", 200)
    assert without["large_state_lone_dissent_share_without_aa"] == pytest.approx(0.0)
    assert without["small_state_lone_dissent_share_without_aa"] == pytest.approx(1 / 3)


def test_per_state_and_co_dissent_rates():
    events = bh.classify_events(bh.dissent_events(VOTES, True), POP, 10)
    per_state = bh.per_state_dissent(events).set_index("country")
    assert per_state.loc["AA", "dissents"] == 2 and per_state.loc["AA", "lone_dissents"] == 1
    rates = bh.co_dissent_rates(events).set_index(["first", "second"])
    assert rates.loc[("AA", "SS"), "rate"] == pytest.approx(1 / 3)  # both on 2; either 1, 2, 3
    assert rates.loc[("BB", "TT"), "rate"] == pytest.approx(1.0)
    matrix = bh.co_dissent_matrix(rates.reset_index(), ["AA", "SS", "ZZ"])
    assert matrix.loc["SS", "AA"] == pytest.approx(1 / 3)
    assert np.isnan(matrix.loc["AA", "AA"]) and np.isnan(matrix.loc["ZZ", "AA"])


def test_vote_coverage_and_split_codes():
    events = bh.dissent_events(VOTES, True)
    coverage = bh.vote_coverage(VOTES, events)
    assert coverage == {
        "council_votes_count": 5, "council_votes_with_dissent_count": 4,
        "council_votes_first_date": "2015-01-10", "council_votes_last_date": "2022-05-01",
    }  # fmt: skip
    assert bh.split_codes("DE;GB") == ["DE", "GB"]
    assert bh.split_codes(None) == [] and bh.split_codes(float("nan")) == []
    assert ex.council_codes_to_iso("UK, EL, DE") == "DE;GB;GR"
    assert ex.council_codes_to_iso("") is None


# --- defence support ------------------------------------------------------------------------

MEMBERSHIP = pd.DataFrame(
    {
        "country": ["AA", "BB", "SS", "TT"],
        "name": ["A", "B", "S", "T"],
        "accession_date": ["1958-01-01", "1973-01-01", "2004-05-01", "2004-05-01"],
        "exit_date": [None, "2020-01-31", None, None],
    }
)
POP_SIZES = pd.DataFrame(
    {
        "country": ["AA", "BB", "SS", "TT"] * 2,
        "year": [2017] * 4 + [2021] * 4,
        "population": [60e6, 12e6, 2e6, 4e6, 61e6, 12e6, 2e6, 4e6],
    }
).astype({"population": "int64"})
PESCO = pd.DataFrame(
    {"country": ["AA", "SS", "TT"], "joined_date": ["2017-12-11", None, "2023-05"]}
)


def test_pesco_by_size_and_shares():
    launch = bh.pesco_by_size(MEMBERSHIP, POP_SIZES, PESCO, "2017-12-11", 2017, 10)
    assert launch["pesco"].to_dict() == {"AA": True, "BB": False, "TT": False, "SS": False}
    shares = bh.share_by_class(launch, "pesco")
    assert shares == {"small": 0.0, "large": 0.5}
    latest_date = bh.pesco_last_date(PESCO)
    assert latest_date == "2023-05-31"
    latest = bh.pesco_by_size(MEMBERSHIP, POP_SIZES, PESCO, latest_date, 2021, 10)
    assert "BB" not in latest.index  # left in 2020
    table = bh.pesco_class_table(latest)
    assert table.loc["small", "participants"] == 1 and table.loc["small", "members"] == 2
    assert table.loc["large", "share"] == 1.0


def test_share_by_class_empty_class_is_none():
    table = pd.DataFrame({"size_class": ["large"], "pesco": [True]})
    assert bh.share_by_class(table, "pesco") == {"small": None, "large": 1.0}


def test_project_roles_count_coordinators_as_participants():
    roles = pd.DataFrame(
        {
            "project": ["P1", "P2", "P3"],
            "coordinators": ["AA", "SS;TT", None],
            "participants": ["AA;BB", None, None],
        }
    )
    table = bh.project_roles_by_state(roles)
    assert table.loc["AA"].tolist() == [1, 1]
    assert table.loc["BB"].tolist() == [1, 0]
    assert table.loc["TT"].tolist() == [1, 1]


def test_eurobarometer_support_and_size_join():
    eb = pd.DataFrame(
        {
            "geo": ["AA", "BB", "SS", "TT", "EU28"],
            "respondents_weighted": [1000, 800, 500, 400, 2700],
            "for_count": [600, 400, 400, 300, 1700],
            "for_share_published": [0.6, 0.5, 0.8, 0.75, 0.63],
        }
    )
    support = bh.eurobarometer_support(eb)
    assert support.loc["EU28", "support_pct"] == pytest.approx(100 * 1700 / 2700)
    assert support.loc["TT", "support_pct_published"] == pytest.approx(75)
    table = bh.support_by_size(support, MEMBERSHIP, POP_SIZES, 2017, 10)
    assert bh.share_by_class(table, "support_pct") == pytest.approx({"small": 77.5, "large": 55})
    with pytest.raises(ValueError, match=r"no result for member state\(s\) \['TT'\]"):
        bh.support_by_size(support.drop(index="TT"), MEMBERSHIP, POP_SIZES, 2017, 10)


def test_size_class_threshold_is_strict():
    assert bh.size_class_of(9_999_999, 10) == "small"
    assert bh.size_class_of(10_000_000, 10) == "large"


# --- extract helpers and figures ------------------------------------------------------------


def test_comtrade_extract_names_missing_reporter(tmp_path, monkeypatch):
    folder = tmp_path / "sanctions_trade"
    folder.mkdir()
    monkeypatch.setattr(ex, "COMTRADE_YEARS", (2014,))
    monkeypatch.setattr(ex, "COMTRADE_FILES", ("sanctions_trade/c2014.csv",))
    rows = [(name, partner, 10.0) for name in ex.EU28_COMTRADE if name != "Malta"
            for partner in ("World", "Russian Federation")]  # fmt: skip
    pd.DataFrame(
        {"date": "2014-01-01", "value": [r[2] for r in rows], "reporter": [r[0] for r in rows],
         "partner": [r[1] for r in rows]}
    ).to_csv(folder / "c2014.csv", index=False)  # fmt: skip
    with pytest.raises(ValueError, match=r"no rows for reporter\(s\) \['Malta'\]"):
        ex.build_comtrade_russia(tmp_path)


def test_council_votes_extract_recodes_and_sorts(tmp_path):
    folder = tmp_path / "defence_institutions" / "council_votes"
    folder.mkdir(parents=True)
    pd.DataFrame(
        {
            "decision_date": ["2012-01-02", "2011-05-05"],
            "voting_rule": ["qualified majority", "unanimity"],
            "against": ["UK, DE", ""],
            "abstained": ["", "EL"],
            "vote_procedure_id": ["7", "3"],
        }
    ).to_csv(folder / "swp_ceu_votes_full_dataset_2023-10-20.csv", index=False)
    table = ex.build_council_votes(tmp_path)
    assert table["vote_id"].tolist() == [3, 7]
    assert table["against"].isna().tolist() == [True, False]
    assert table["against"].iloc[1] == "DE;GB"
    assert table["abstained"].iloc[0] == "GR" and pd.isna(table["abstained"].iloc[1])


def test_plot_functions_draw_on_small_tables():
    table = pd.DataFrame(
        {"y": [1.0, 3, 2, 5, 4, 6], "population": [1e6, 2e6, 5e6, 9e6, 20e6, 60e6]},
        index=pd.Index(list("ABCDEF"), name="country"),
    ).assign(log_population=lambda t: np.log(t["population"]))
    fit = bh.ols_fit(table, "y")
    fig = bp.plot_exposure_panels([(table, "y", "y (%)", fit)], 10)
    assert len(fig.axes) == 1 and "slope" in fig.axes[0].get_title()
    plt.close(fig)
    support = table.rename(columns={"y": "support_pct"}).assign(
        size_class=["small"] * 4 + ["large"] * 2, pesco=[True] * 5 + [False]
    )
    fig = bp.plot_support(support, fit, 10)
    assert fig.axes[0].get_ylabel().endswith("(%)")
    plt.close(fig)


def test_committed_notebook_publishes_the_issue_metrics():
    import ast
    import json

    from euclaims.paths import NOTEBOOKS_DIR

    notebook = json.loads((NOTEBOOKS_DIR / "small_states_behaviour.ipynb").read_text())
    cell = next(
        c for c in notebook["cells"]
        if c["cell_type"] == "code" and "".join(c["source"]).lstrip().startswith(
            "# NBVAL_CHECK_OUTPUT\nmetrics = {")
    )  # fmt: skip
    metrics = ast.literal_eval("".join(cell["outputs"][0]["data"]["text/plain"]))
    for name in ("small_state_lone_dissent_share", "large_state_lone_dissent_share"):
        assert 0 <= metrics[name] <= 1
    assert 0 < metrics["eurobarometer_2015_support_common_defence_eu28_pct"] < 100
    assert (
        metrics["openness_vs_log_population_slope_ci_low"]
        < metrics["openness_vs_log_population_slope"]
        < metrics["openness_vs_log_population_slope_ci_high"]
    )
