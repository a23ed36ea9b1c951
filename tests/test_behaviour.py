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
from euclaims.extracts.reference_facts import project_roles  # noqa: E402

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
    # small_dissents, small_lone, small_co_dissenters, large_dissents, large_lone, large_co_...
    assert counts.loc[3].tolist() == [1, 1, 0, 0, 0, 0]
    assert counts.loc[1].tolist() == [0, 0, 0, 1, 1, 0]
    assert counts.loc[2].tolist() == [1, 0, 1, 1, 0, 1]  # AA (large) with SS (small)
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
    projects = pd.DataFrame(
        {
            "project": ["P1", "P2", "P3"],
            "coordinator": ["AA", "SS;TT", ""],
            "participants": ["AA;BB", "", ""],
        }
    )
    roles = project_roles(projects)  # the extract's project x member table
    assert len(roles) == 4  # AA once (coordinator), BB, SS, TT; P3 has no known member
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
            "against_count": [300, 300, 50, 50, 700],
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
    fig = bp.plot_support(support, fit, 10, 2015)
    assert fig.axes[0].get_ylabel().endswith("(%)")
    plt.close(fig)


# --- new exposure measures and power ---------------------------------------------------------

WDI = pd.DataFrame(
    {
        "country": ["AA"] * 5 + ["BB"] * 5,
        "year": [2010, 2011, 2012, 2013, 2014] * 2,
        "gdp_growth_pct": [0.0, 2.0, -2.0, 2.0, -2.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        "exports_gs_pct_gdp": [50.0, 60, 70, 80, 90, 10, 10, 10, 10, 10],
        "imports_gs_pct_gdp": [40.0, 40, 40, 45, 40, 15, 15, 15, 15, 15],
    }
)


def test_wdi_openness_adds_goods_and_services_exports_and_imports():
    table = bh.wdi_openness(WDI, MACRO, 2013)
    assert table.loc["AA", "openness_pct"] == pytest.approx(125.0)
    assert table.loc["BB", "openness_pct"] == pytest.approx(25.0)
    assert table.loc["AA", "log_population"] == pytest.approx(np.log(1_000_000))
    with pytest.raises(ValueError, match="no rows for year 2009"):
        bh.wdi_openness(WDI, MACRO, 2009)


def test_real_growth_volatility_uses_the_years_after_the_start():
    table = bh.real_growth_volatility(WDI, MACRO, 2010, 2014)
    # growth 2011-2014: +2, -2, +2, -2 -> sample SD sqrt(16/3); the 2010 value is not a change
    assert table.loc["AA", "growth_volatility_pp"] == pytest.approx(np.sqrt(16 / 3))
    assert table.loc["BB", "growth_volatility_pp"] == pytest.approx(0.0)
    with pytest.raises(ValueError, match="at least three"):
        bh.real_growth_volatility(WDI, MACRO, 2012, 2014)
    with pytest.raises(ValueError, match=r"missing within 2011-2014 for \['AA'\]"):
        bh.real_growth_volatility(WDI.drop(index=3), MACRO, 2010, 2014)


def test_add_size_takes_log_population_or_log_gdp():
    table = bh.wdi_openness(WDI, MACRO, 2013)
    by_people = bh.add_size(table, MACRO, 2013, "log_population")
    assert (by_people["log_size"] == by_people["log_population"]).all()
    by_gdp = bh.add_size(table, MACRO, 2013, "log_gdp")
    assert by_gdp.loc["AA", "log_size"] == pytest.approx(np.log(133.1))
    assert "log_size" not in table  # a copy, the input is left alone
    with pytest.raises(ValueError, match="parameter 'size_measure'"):
        bh.add_size(table, MACRO, 2013, "area")


def test_detectable_correlation_matches_the_textbook_sample_sizes():
    # Cohen: a "medium" correlation of 0.3 needs about 85 units for 80% power (5%, two-sided)
    assert bh.detectable_correlation(85) == pytest.approx(0.30, abs=0.005)
    assert bh.detectable_correlation(28) == pytest.approx(0.508, abs=0.002)
    assert bh.detectable_correlation(28) > bh.detectable_correlation(100)
    with pytest.raises(ValueError, match="at least 4"):
        bh.detectable_correlation(3)


def test_detectable_slope_is_the_sum_of_two_t_quantiles_times_the_standard_error():
    from scipy import stats

    expected = (stats.t.ppf(0.975, 26) + stats.t.ppf(0.8, 26)) * 2.0
    assert bh.detectable_slope(2.0, 28) == pytest.approx(expected)
    assert bh.detectable_slope(2.0, 28) == pytest.approx(2 * bh.detectable_slope(1.0, 28))


def test_ols_fit_reports_se_and_signed_correlation():
    x = np.linspace(12, 18, 20)
    table = pd.DataFrame({"log_population": x, "y": 10 - x + np.tile([0.3, -0.3], 10)})
    fit = bh.ols_fit(table, "y")
    assert fit["r"] == pytest.approx(np.corrcoef(x, table["y"])[0, 1])
    assert fit["r"] < 0 and fit["se"] > 0
    row = bh.fit_table({"y": fit}).loc["y"]
    assert row["mde_80pct"] == pytest.approx(bh.detectable_slope(fit["se"], 20), abs=1e-4)


# --- coalitions: periods, company in dissent, resampling --------------------------------------


def test_votes_in_period_until_the_essay_and_after_the_uk_left():
    membership = pd.DataFrame({"country": ["GB", "AA"], "exit_date": ["2020-01-31", None]})
    votes = pd.DataFrame(
        {"decision_date": ["2016-01-01", "2017-11-30", "2019-05-01", "2021-01-01"]}
    )
    until = bh.votes_in_period(votes, membership, "until_essay", "2017-11-30")
    assert until.tolist() == [True, True, False, False]
    after = bh.votes_in_period(votes, membership, "after_brexit", "2017-11-30")
    assert after.tolist() == [False, False, False, True]
    assert bh.votes_in_period(votes, membership, "all", "2017-11-30").all()
    with pytest.raises(ValueError, match="parameter 'vote_period'"):
        bh.votes_in_period(votes, membership, "recent", "2017-11-30")
    with pytest.raises(ValueError, match="no exit date for GB"):
        bh.exit_date(membership.assign(exit_date=None), "GB")


def test_resample_weights_count_each_vote_drawn_and_are_fixed_by_the_seed():
    weights = bh.resample_weights(7, 50)
    assert weights.shape == (50, 7) and (weights.sum(axis=1) == 7).all()
    picks = np.random.default_rng(bh.BOOTSTRAP_SEED).integers(0, 7, size=(50, 7))
    assert (weights[3] == np.bincount(picks[3], minlength=7)).all()
    assert not weights.flags.writeable


def test_bootstrap_of_company_in_dissent_finds_a_clear_difference():
    rows = [
        {"vote_id": i, "size_class": "small", "lone": False, "dissenters": 4} for i in range(40)
    ]
    rows += [{"vote_id": 100 + i, "size_class": "large", "lone": True, "dissenters": 1}
             for i in range(20)]  # fmt: skip
    rows += [{"vote_id": 200 + i, "size_class": "large", "lone": False, "dissenters": 2}
             for i in range(20)]  # fmt: skip
    intervals = bh.bootstrap_class_differences(pd.DataFrame(rows), 400)
    low, high = intervals["co_dissenters"]
    assert 2 < low <= high < 3  # small: 3 co-dissenters each; large: 0 or 1, mean 0.5
    assert intervals["lone_share"][1] < 0
    empty = bh.bootstrap_class_differences(pd.DataFrame(rows).iloc[:0], 100)
    assert empty == {"lone_share": (None, None), "co_dissenters": (None, None)}


def test_coalition_metrics_give_the_co_dissenter_difference():
    events = bh.classify_events(bh.dissent_events(VOTES, True), POP, 10)
    metrics = bh.coalition_metrics(bh.lone_dissent_summary(events), (-0.5, 0.2), (0.1, 0.9))
    # small: SS on 2 (1 other), SS on 3 (alone), TT on 4 (1 other) -> 2/3; large: AA 1, AA 2, BB 4
    assert metrics["co_dissenters_difference"] == pytest.approx(2 / 3 - 2 / 3)
    assert metrics["co_dissenters_difference_ci_low"] == 0.1
    left_out = bh.metrics_without_state(events, "AA", 200)
    renamed = {key.replace("_without_aa", "_without_gb"): value for key, value in left_out.items()}
    table = bh.coalition_difference_table(metrics | renamed)
    assert table["case"].tolist() == ["as chosen", "UK left out"] * 2
    assert table.loc[0, "ci_high"] == 0.2


# --- defence: intervals of the differences ---------------------------------------------------


def test_wilson_and_newcombe_intervals_match_newcombe_1998():
    # Newcombe (1998), Statistics in Medicine 17, table II: 56/70 vs 48/80 -> 0.0524 to 0.3339
    low, high = bh.newcombe_interval(56, 70, 48, 80)
    assert low == pytest.approx(0.0524, abs=1e-4) and high == pytest.approx(0.3339, abs=1e-4)
    assert bh.wilson_interval(0, 10)[0] == 0.0 and bh.wilson_interval(10, 10)[1] == 1.0
    low, high = bh.newcombe_interval(14, 16, 11, 12)
    assert low < 14 / 16 - 11 / 12 < high


def test_welch_interval_agrees_with_scipy():
    from scipy import stats

    a = pd.Series([70.0, 75, 80, 72, 68, 79])
    b = pd.Series([60.0, 66, 71, 64])
    expected = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert bh.welch_interval(a, b) == pytest.approx((expected.low, expected.high))
    assert bh.welch_interval(a, b.iloc[:1]) == (None, None)


def test_pesco_difference_and_launch_date():
    table = pd.DataFrame(
        {
            "size_class": ["small"] * 4 + ["large"] * 2,
            "pesco": [True, True, True, False, True, True],
        }
    )
    gap = bh.pesco_difference(table)
    assert gap["difference"] == pytest.approx(-0.25)
    assert gap["ci_low"] < -0.25 < gap["ci_high"]
    assert bh.pesco_difference(table[table["size_class"] == "small"])["difference"] is None
    assert bh.pesco_launch_date(PESCO) == "2017-12-11"


def test_eurobarometer_share_among_those_with_an_opinion():
    eb = pd.DataFrame(
        {"geo": ["AA"], "respondents_weighted": [1000], "for_count": [600], "against_count": [200],
         "for_share_published": [0.6]}
    )  # fmt: skip
    support = bh.eurobarometer_support(eb)
    assert support.loc["AA", "support_pct"] == pytest.approx(60.0)
    assert support.loc["AA", "support_pct_with_opinion"] == pytest.approx(75.0)


def test_plot_differences_draws_one_panel_per_measure():
    table = pd.DataFrame(
        {"measure": ["a", "a", "b"], "case": ["x", "y", "x"], "difference": [0.1, -0.1, 2.0],
         "ci_low": [0.0, -0.3, 1.0], "ci_high": [0.2, 0.1, 3.0]}
    )  # fmt: skip
    fig = bp.plot_differences(table, "title")
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    plt.close(fig)


# --- evaluate: the contract ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def inputs():
    return bh.load_inputs()


@pytest.fixture(scope="module")
def defaults():
    from euclaims.params import load_params_file

    return load_params_file()["small_states_behaviour"].defaults


@pytest.fixture(scope="module")
def ledger():
    from euclaims.claims import load_ledger

    return load_ledger()


CLAIMS = (
    "small-states-more-vulnerable",
    "small-states-prone-to-coalitions",
    "small-states-support-defence-integration",
)


def test_evaluate_returns_every_ledger_metric_for_the_defaults(inputs, defaults, ledger):
    metrics = bh.evaluate(inputs, **defaults)
    for claim in ledger.values():
        if claim.notebook == "small_states_behaviour" and claim.testable:
            missing = [name for name in claim.metrics if name not in metrics]
            assert not missing, (claim.id, missing)
            assert claim.deciding_metric in metrics
    from euclaims.results import plain_value

    assert all(plain_value(name, value) == value for name, value in metrics.items())


def test_evaluate_is_pure_and_deterministic(inputs, defaults):
    first = bh.evaluate(inputs, **defaults)
    first_copy = dict(first)
    bh.vulnerability_step.cache_clear()
    bh.coalition_step.cache_clear()
    bh.defence_step.cache_clear()
    second = bh.evaluate(bh.load_inputs(), **defaults)
    assert first == second == first_copy
    other = bh.evaluate(inputs, **{**defaults, "without_gb": True, "vote_period": "until_essay"})
    assert other["large_state_lone_dissent_share"] != first["large_state_lone_dissent_share"]
    assert bh.evaluate(inputs, **defaults) == first  # the other call left no trace


def test_evaluate_follows_the_choices(inputs, defaults):
    base = bh.evaluate(inputs, **defaults)
    goods = bh.evaluate(inputs, **{**defaults, "openness_measure": "goods_cow"})
    assert goods["openness_vs_log_population_slope"] != base["openness_vs_log_population_slope"]
    assert (
        goods["growth_volatility_vs_log_population_slope"]
        == (base["growth_volatility_vs_log_population_slope"])
    )
    without_gb = bh.evaluate(inputs, **{**defaults, "without_gb": True})
    assert without_gb["lone_dissent_share_difference"] == pytest.approx(
        base["lone_dissent_share_difference_without_gb"]
    )
    no_dk = bh.evaluate(inputs, **{**defaults, "without_denmark": True})
    assert (
        no_dk["pesco_participation_share_small_states"]
        > base["pesco_participation_share_small_states"]
    )  # Denmark was a small state outside PESCO at launch
    latest = bh.evaluate(inputs, **{**defaults, "pesco_date": "latest"})
    assert latest["pesco_reference_date"] == latest["pesco_latest_date"]


def test_evaluate_names_a_bad_parameter(inputs, defaults):
    with pytest.raises(ValueError, match="parameter 'openness_measure'"):
        bh.evaluate(inputs, **{**defaults, "openness_measure": "services"})
    with pytest.raises(ValueError, match="parameter 'growth_period_end'"):
        bh.evaluate(
            inputs, **{**defaults, "volatility_series": "nominal_usd", "growth_period_end": 2024}
        )
    with pytest.raises(TypeError, match="bootstrap_draw"):
        bh.evaluate(inputs, **{**defaults, "bootstrap_draw": 10})


def test_evaluate_is_fast_enough_for_the_multiverse(inputs, defaults):
    import time

    bh.coalition_step.cache_clear()
    started = time.process_time()
    bh.evaluate(inputs, **{**defaults, "small_state_threshold_millions": 12.5})
    assert time.process_time() - started < 1.0  # cold; the median over the multiverse is ~15 ms


# --- every verdict of every rule is reachable ---------------------------------------------------


def _verdict(ledger, claim_id, metrics, parameters):
    from euclaims.claims import evaluate_claim

    return evaluate_claim(ledger[claim_id], metrics, parameters)["verdict"]


VULNERABLE = {
    # plausible: the default result (slopes of about -29 points of GDP and -0.5 pp)
    "supported": (-29.0, -13.4, -0.5, -0.13),
    "partly_supported": (-7.3, 2.9, -0.5, -0.13),  # goods-only openness: interval includes 0
    "not_supported": (-7.3, 2.9, 0.2, 0.6),  # volatility rises with size
}


@pytest.mark.parametrize("verdict", sorted(VULNERABLE))
def test_every_verdict_of_the_vulnerability_rule(inputs, defaults, ledger, verdict):
    openness, openness_high, volatility, volatility_high = VULNERABLE[verdict]
    metrics = bh.evaluate(inputs, **defaults) | {
        "openness_vs_log_population_slope": openness,
        "openness_vs_log_population_slope_ci_high": openness_high,
        "growth_volatility_vs_log_population_slope": volatility,
        "growth_volatility_vs_log_population_slope_ci_high": volatility_high,
    }
    assert _verdict(ledger, CLAIMS[0], metrics, defaults) == verdict


def test_vulnerability_partly_needs_both_slopes_negative(inputs, defaults, ledger):
    metrics = bh.evaluate(inputs, **defaults) | {
        "openness_vs_log_population_slope": -29.0,
        "openness_vs_log_population_slope_ci_high": -13.0,
        "growth_volatility_vs_log_population_slope": 0.1,
        "growth_volatility_vs_log_population_slope_ci_high": 0.5,
    }
    assert _verdict(ledger, CLAIMS[0], metrics, defaults) == "not_supported"


COALITIONS = {
    "supported": (-0.14, -0.09, 0.69),  # plausible: the default result
    "partly_supported": (-0.01, 0.04, 0.22),  # the UK left out: only company in dissent
    "not_supported": (0.07, 0.18, -0.41),  # the EU27 after Brexit
}


@pytest.mark.parametrize("verdict", sorted(COALITIONS))
def test_every_verdict_of_the_coalition_rule(inputs, defaults, ledger, verdict):
    difference, high, co_low = COALITIONS[verdict]
    metrics = bh.evaluate(inputs, **defaults) | {
        "lone_dissent_share_difference": difference,
        "lone_dissent_share_difference_ci_high": high,
        "co_dissenters_difference_ci_low": co_low,
    }
    assert _verdict(ledger, CLAIMS[1], metrics, defaults) == verdict


DEFENCE = {
    # small share, EB small mean, PESCO difference CI, EB difference CI
    "supported": (0.94, 78.0, (-0.1, 0.3), (1.5, 12.0)),  # small publics 7 points more supportive
    "partly_supported": (0.875, 71.8, (-0.29, 0.24), (-7.6, 4.3)),  # the default result
    "not_supported": (0.6, 71.8, (-0.6, -0.1), (-7.6, 4.3)),  # many small states stay out
}


@pytest.mark.parametrize("verdict", sorted(DEFENCE))
def test_every_verdict_of_the_defence_support_rule(inputs, defaults, ledger, verdict):
    share, support, (p_low, p_high), (e_low, e_high) = DEFENCE[verdict]
    metrics = bh.evaluate(inputs, **defaults) | {
        "pesco_participation_share_small_states": share,
        "eurobarometer_2015_support_common_defence_small_states_mean_pct": support,
        "pesco_participation_share_difference_ci_low": p_low,
        "pesco_participation_share_difference_ci_high": p_high,
        "eurobarometer_2015_support_difference_pct_ci_low": e_low,
        "eurobarometer_2015_support_difference_pct_ci_high": e_high,
    }
    assert _verdict(ledger, CLAIMS[2], metrics, defaults) == verdict


def test_defence_support_is_not_supported_when_small_states_are_significantly_less_supportive(
    inputs, defaults, ledger
):
    metrics = bh.evaluate(inputs, **defaults) | {
        "pesco_participation_share_difference_ci_low": 0.05,
        "pesco_participation_share_difference_ci_high": 0.4,
        "eurobarometer_2015_support_difference_pct_ci_low": -12.0,
        "eurobarometer_2015_support_difference_pct_ci_high": -2.0,
    }
    assert _verdict(ledger, CLAIMS[2], metrics, defaults) == "partly_supported"


def test_default_verdicts_and_multiverse_size(inputs, defaults, ledger):
    from euclaims.multiverse import claim_specifications
    from euclaims.params import load_params_file

    spec = load_params_file()["small_states_behaviour"]
    metrics = bh.evaluate(inputs, **defaults)
    verdicts = {claim_id: _verdict(ledger, claim_id, metrics, defaults) for claim_id in CLAIMS}
    assert verdicts == {
        "small-states-more-vulnerable": "supported",
        "small-states-prone-to-coalitions": "supported",
        "small-states-support-defence-integration": "partly_supported",
    }
    sizes = [len(claim_specifications(spec, ledger[claim_id])) for claim_id in CLAIMS]
    assert min(sizes) >= 12 and sum(sizes) / len(sizes) >= 24


def test_committed_notebook_records_exactly_the_evaluated_metrics(inputs, defaults):
    import ast
    import json

    from euclaims.paths import NOTEBOOKS_DIR

    notebook = json.loads((NOTEBOOKS_DIR / "small_states_behaviour.ipynb").read_text())
    start = "# NBVAL_CHECK_OUTPUT\n{name:"
    cell = next(
        c for c in notebook["cells"]
        if c["cell_type"] == "code" and "".join(c["source"]).startswith(start)
    )  # fmt: skip
    shown = ast.literal_eval("".join(cell["outputs"][0]["data"]["text/plain"]))
    metrics = bh.evaluate(inputs, **defaults)
    assert set(shown) == set(metrics)
    for name, value in metrics.items():
        expected = round(value, 4) if isinstance(value, float) else value
        assert shown[name] == expected, name


def test_roles_coverage_counts_projects_by_role():
    projects = pd.DataFrame(
        {"project": ["P1", "P2", "P3"], "coordinator": ["AA", "SS", ""],
         "participants": ["AA;BB", "", ""]}
    )  # fmt: skip
    text = bh.roles_coverage(project_roles(projects))
    assert text == "2 projects with a known member; participants known for 1, a coordinator for 2"
