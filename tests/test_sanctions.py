"""Sanctions-consensus functions on small synthetic tables (expected values worked out by hand)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from euclaims import sanctions

TRADE = pd.DataFrame(
    {
        "country": ["AA", "BB", "CC"],
        "year": [2013, 2013, 2013],
        "exports_to_russia_musd": [10.0, 1.0, 0.0],
        "imports_from_russia_musd": [30.0, 1.0, 2.0],
        "total_exports_musd": [100.0, 50.0, 10.0],
        "total_imports_musd": [100.0, 50.0, 10.0],
    }
)
GDP = pd.DataFrame({"country": ["AA", "BB", "CC"], "year": [2013] * 3, "gdp_usd": [1e9, 1e9, 2e9]})
ENERGY = pd.DataFrame(
    {
        "country": ["AA", "BB", "CC", "AA"],
        "year": [2013, 2013, 2013, 2013],
        "fuel": ["natural_gas", "natural_gas", "natural_gas", "crude_oil"],
        "imports_from_russia": [50.0, 0.0, 1.0, 5.0],
        "imports_total": [100.0, 10.0, 0.0, 20.0],
        "unit": ["TJ_GCV", "TJ_GCV", "TJ_GCV", "kt"],
    }
)


def test_exposure_table_percentages():
    table = sanctions.exposure_table(TRADE, GDP, ENERGY, 2013)
    # AA: 10 of 1,000 million USD GDP = 1%; trade 40/1000 = 4%; 10 of 100 exports = 10%
    assert table.loc["AA", "exports_pct_gdp"] == pytest.approx(1.0)
    assert table.loc["AA", "total_trade_pct_gdp"] == pytest.approx(4.0)
    assert table.loc["AA", "exports_pct_total_exports"] == pytest.approx(10.0)
    assert table.loc["CC", "total_trade_pct_gdp"] == pytest.approx(0.1)  # 2 of 2,000
    assert table.loc["AA", "gas_import_share_pct"] == pytest.approx(50.0)
    assert math.isnan(table.loc["CC", "gas_import_share_pct"])  # zero total imports
    assert table.loc["AA", "crude_oil_import_share_pct"] == pytest.approx(25.0)
    assert math.isnan(table.loc["BB", "crude_oil_import_share_pct"])


def test_exposure_table_missing_year_is_named():
    with pytest.raises(ValueError, match="no rows for year 2010"):
        sanctions.exposure_table(TRADE, GDP, ENERGY, 2010)


def test_exposure_series_rejects_unknown_measure():
    table = sanctions.exposure_table(TRADE, GDP, ENERGY, 2013)
    with pytest.raises(ValueError, match="exposure_measure 'oil'"):
        sanctions.exposure_series(table, "oil")
    assert list(sanctions.exposure_series(table, "exports_pct_gdp").index) == ["AA", "BB", "CC"]


def test_gini_by_hand():
    # values 0, 0, 3: mean 1; mean |xi - xj| over 9 pairs = (3+3+3+3)/9 = 4/3; Gini = 4/3 / 2 = 2/3
    assert sanctions.gini([0, 0, 3]) == pytest.approx(2 / 3)
    assert sanctions.gini([5, 5, 5]) == 0.0
    with pytest.raises(ValueError):
        sanctions.gini([1, -1])


def test_dispersion_uses_positive_minimum():
    series = pd.Series({"AA": 4.0, "BB": 1.0, "CC": 0.0, "DD": 3.0})
    result = sanctions.dispersion(series)
    assert result["max_min_ratio"] == pytest.approx(4.0)  # 4 / 1, zero ignored
    assert result["min_positive_country"] == "BB"
    assert result["max_country"] == "AA"
    assert result["n_zero"] == 1
    # mean 2, population SD sqrt((4+1+4+1)/4) = sqrt(2.5)
    assert result["cv"] == pytest.approx(math.sqrt(2.5) / 2)


def test_reexport_gap_ratio():
    comtrade = pd.DataFrame(
        {
            "country": ["AA", "BB", "CC"],
            "year": [2013] * 3,
            "exports_to_russia_usd": [20e6, 1e6, 5e6],
            "exports_world_usd": [1e8] * 3,
        }
    )
    gap = sanctions.reexport_gap(TRADE, comtrade, GDP, 2013)
    assert gap.loc["AA", "own_to_russia_side_ratio"] == pytest.approx(2.0)
    assert gap.loc["AA", "own_report_pct_gdp"] == pytest.approx(2.0)
    assert math.isnan(gap.loc["CC", "own_to_russia_side_ratio"])  # Russia-side zero
    assert gap.index[0] == "AA"


def test_export_change():
    comtrade = pd.DataFrame(
        {
            "country": ["AA", "AA"],
            "year": [2014, 2016],
            "exports_to_russia_usd": [30e6, 10e6],
            "exports_world_usd": [1e8, 1e8],
        }
    )
    gdp = pd.DataFrame({"country": ["AA"], "year": [2014], "gdp_usd": [1e9]})
    change = sanctions.export_change(comtrade, gdp, 2014, 2016)
    assert change.loc["AA", "change_pct_gdp"] == pytest.approx(-2.0)
    assert change.loc["AA", "change_pct"] == pytest.approx(-200 / 3)


DECISIONS = pd.DataFrame(
    {
        "regime": ["econ", "econ", "econ", "econ", "econ", "other"],
        "act": [None] * 6,
        "adopted_date": [
            "2014-07-31",
            "2015-06-22",
            "2015-09-01",
            "2016-02-05",
            "2016-06",
            "2014-01-01",
        ],
        "action": ["adopt", "extend", "amend", "extend", "extend", "adopt"],
        "extended_until": ["2015-07-31", "2016-01-31", None, "2016-07-31", None, None],
        "package_no": [None] * 6,
        "source": ["x"] * 6,
        "notes": [None] * 6,
    }
)


def test_count_extensions_and_adoption():
    assert sanctions.count_extensions(DECISIONS, "econ") == 3
    assert sanctions.count_extensions(DECISIONS, "econ", "2015-12-31") == 1
    assert sanctions.adopted_in_year(DECISIONS, "econ", 2014)
    assert not sanctions.adopted_in_year(DECISIONS, "econ", 2015)
    with pytest.raises(ValueError, match="regime 'none'"):
        sanctions.count_extensions(DECISIONS, "none")


def test_coverage_gaps_finds_lapse():
    gaps = sanctions.coverage_gaps(DECISIONS, "econ")
    # expiry 2016-01-31, next extension 2016-02-05: a 5-day lapse; the June act has no known expiry
    assert len(gaps) == 1
    assert gaps.loc[0, "days"] == 5
    assert len(sanctions.coverage_gaps(DECISIONS, "econ", until="2015-12-31")) == 0


def test_in_force_on():
    assert sanctions.in_force_on(DECISIONS, "econ", "2015-01-01")
    assert not sanctions.in_force_on(DECISIONS, "econ", "2016-02-02")  # during the lapse
    assert sanctions.in_force_on(DECISIONS, "econ", "2016-07-31")
    assert not sanctions.in_force_on(DECISIONS, "econ", "2014-07-30")  # before adoption


def test_month_only_dates_go_to_mid_month():
    parsed = sanctions.parse_dates(pd.Series(["2023-03", "2023-03-13", None]))
    assert parsed.iloc[0] == pd.Timestamp("2023-03-15")
    assert parsed.iloc[1] == pd.Timestamp("2023-03-13")
    assert pd.isna(parsed.iloc[2])
    assert sanctions.renewal_dates(DECISIONS, "econ", "2016-03-01") == ["2015-06-22", "2016-02-05"]


EXPOSURE = pd.Series({"AA": 4.0, "BB": 1.0, "CC": 0.0})


def test_veto_probabilities_forms():
    linear = sanctions.veto_probabilities(EXPOSURE, 0.4, "linear")
    assert linear.to_dict() == pytest.approx({"AA": 0.4, "BB": 0.1, "CC": 0.0})
    quad = sanctions.veto_probabilities(EXPOSURE, 0.4, "quadratic")
    assert quad["BB"] == pytest.approx(0.4 / 16)
    root = sanctions.veto_probabilities(EXPOSURE, 0.4, "sqrt")
    assert root["BB"] == pytest.approx(0.2)
    equal = sanctions.veto_probabilities(EXPOSURE, 0.4, "equal")
    assert equal.tolist() == pytest.approx([0.4, 0.4, 0.4])
    with pytest.raises(ValueError, match="veto_form"):
        sanctions.veto_probabilities(EXPOSURE, 0.4, "cubic")
    with pytest.raises(ValueError, match="veto_probability_most_exposed"):
        sanctions.veto_probabilities(EXPOSURE, 1.5, "linear")


def test_all_pass_probability_by_hand():
    p = sanctions.veto_probabilities(EXPOSURE, 0.4, "linear")
    # one decision with all three: 0.6 * 0.9 * 1 = 0.54; a second without AA: 0.9
    assert sanctions.all_pass_probability(p, [["AA", "BB", "CC"], ["BB", "CC"]]) == pytest.approx(
        0.54 * 0.9
    )
    with pytest.raises(ValueError, match="no exposure for ZZ"):
        sanctions.all_pass_probability(p, [["ZZ"]])


def test_max_consistent_veto_probability():
    electorates = [["AA", "BB", "CC"]] * 2
    # equal form: 6 trials, 1 - 0.05 ** (1/6)
    expected = 1 - 0.05 ** (1 / 6)
    assert sanctions.max_consistent_veto_probability(EXPOSURE, "equal", electorates) == (
        pytest.approx(expected)
    )
    # linear: P = ((1 - p)(1 - p/4))^2 = 0.05 at the answer
    p = sanctions.max_consistent_veto_probability(EXPOSURE, "linear", electorates)
    assert ((1 - p) * (1 - p / 4)) ** 2 == pytest.approx(0.05, abs=1e-9)
    assert sanctions.max_consistent_veto_probability(EXPOSURE, "linear", []) == 1.0


ROLLCALLS = pd.DataFrame(
    {
        "rcid": [1, 2, 3, 4],
        "session": [70, 70, 71, 71],
        "date": ["2015-10-01", "2015-11-01", "2016-10-01", "2016-11-01"],
        "unres": ["R/70/1", "R/70/2", "R/71/1", "R/71/2"],
        "ukraine_related": [False, False, True, False],
        "eu_members": [4, 4, 4, 4],
        "eu_yes": [4, 2, 3, 1],
        "eu_no": [0, 1, 0, 0],
        "eu_abstain": [0, 1, 1, 0],
        "russia_vote": ["yes", "no", "no", None],
    }
)


def test_session_agreement_indices():
    share = sanctions.session_agreement(ROLLCALLS, "majority_share")
    # session 70: (100 + 50) / 2; session 71: roll call 4 has one vote only -> dropped, 75
    assert share.to_dict() == pytest.approx({70: 75.0, 71: 75.0})
    hix = sanctions.session_agreement(ROLLCALLS, "hix")
    # rcid 2: (2 - 0.5*2)/4 = 25%; rcid 3: (3 - 0.5)/4 = 62.5%
    assert hix.to_dict() == pytest.approx({70: 62.5, 71: 62.5})
    with pytest.raises(ValueError, match="cohesion_index"):
        sanctions.session_agreement(ROLLCALLS, "rice")


def test_eu_majority_with_russia_and_sessions():
    with_russia = sanctions.eu_majority_with_russia(ROLLCALLS)
    assert with_russia.to_dict() == pytest.approx({70: 50.0, 71: 0.0})
    assert sanctions.last_session_completed_before("2017-12-31") == 71
    assert sanctions.last_session_completed_before("2017-09-29") == 70


def test_uncontested_share_and_resolution_votes():
    council = pd.DataFrame(
        {"decision_date": ["2015-01-01", "2016-01-01", "2017-01-01"], "n_against": [1, 0, 2]}
    )
    assert sanctions.uncontested_share(council, 2016, 2017) == pytest.approx(0.5)
    assert sanctions.uncontested_share(council, 2010, 2015) == 0.0
    assert sanctions.uncontested_share(council, 2020, 2021) is None
    votes = pd.DataFrame(
        {
            "rcid": [1, 1, 1, 1],
            "date": ["2014-03-27"] * 4,
            "unres": ["R/68/262"] * 4,
            "country": ["AA", "BB", "RU", "CC"],
            "vote": ["yes", "abstain", "no", "absent"],
        }
    )
    counts = sanctions.resolution_votes(votes, "R/68/262", ["AA", "BB", "CC"])
    assert counts.to_dict() == {"yes": 1, "no": 0, "abstain": 1, "absent": 1}
    with pytest.raises(ValueError, match="R/99/1"):
        sanctions.resolution_votes(votes, "R/99/1", ["AA"])


def test_members_on():
    membership = pd.DataFrame(
        {
            "country": ["AA", "GB", "HR"],
            "accession_date": ["1958-01-01", "1973-01-01", "2013-07-01"],
            "exit_date": [None, "2020-01-31", None],
        }
    )
    assert sanctions.members_on(membership, "2013-06-30") == ["AA", "GB"]
    assert sanctions.members_on(membership, "2020-01-31") == ["AA", "HR"]


# --- UNGA ideal points -----------------------------------------------------------------------

IDEAL_POINTS = pd.DataFrame(
    {
        "country": ["RU", "AA", "BB", "CC", "RU", "AA", "BB", "CC"],
        "year": [2013, 2013, 2013, 2013, 2019, 2019, 2019, 2019],
        "ideal_point": [0.5, 1.5, 0.0, 2.5, -0.5, 1.0, 0.5, 0.0],
    }
)


def test_distance_to_russia_absolute_and_same_year():
    distances = sanctions.distance_to_russia(IDEAL_POINTS).set_index(["year", "country"])
    # 2013, Russia 0.5: AA |1.5-0.5| = 1.0, BB |0.0-0.5| = 0.5 (below Russia), CC 2.0
    assert distances.loc[(2013, "AA"), "distance"] == pytest.approx(1.0)
    assert distances.loc[(2013, "BB"), "distance"] == pytest.approx(0.5)
    assert distances.loc[(2013, "CC"), "distance"] == pytest.approx(2.0)
    # 2019, Russia -0.5: AA 1.5, BB 1.0, CC 0.5 (Russia's own value of that year, not 2013's)
    assert distances.loc[(2019, "AA"), "distance"] == pytest.approx(1.5)
    assert distances.loc[(2019, "CC"), "distance"] == pytest.approx(0.5)
    assert "RU" not in set(distances.index.get_level_values("country"))
    assert len(distances) == 6


def test_distance_to_russia_needs_russia_every_year():
    frame = IDEAL_POINTS[~((IDEAL_POINTS["country"] == "RU") & (IDEAL_POINTS["year"] == 2019))]
    with pytest.raises(ValueError, match=r"RU in years \[2019\]"):
        sanctions.distance_to_russia(frame)
    with pytest.raises(ValueError, match="ideal_point"):
        sanctions.distance_to_russia(IDEAL_POINTS.drop(columns="ideal_point"))


def test_distance_by_year_and_metrics():
    summary = sanctions.distance_by_year(sanctions.distance_to_russia(IDEAL_POINTS))
    # 2013: 1.0, 0.5, 2.0 -> mean 3.5/3, median 1.0; 2019: 1.5, 1.0, 0.5 -> mean 1.0, median 1.0
    assert summary.loc[2013, "mean"] == pytest.approx(3.5 / 3)
    assert summary.loc[2013, "median"] == pytest.approx(1.0)
    assert summary.loc[2013, "max"] == pytest.approx(2.0)
    assert summary.loc[2019, "min"] == pytest.approx(0.5)
    assert summary.loc[2019, "n_states"] == 3
    metrics = sanctions.distance_metrics(summary, [2013, 2019], (2013, 2019))
    assert metrics["eu_russia_ideal_point_distance_mean_2019"] == pytest.approx(1.0)
    assert metrics["eu_russia_ideal_point_distance_mean_change_2013_2019"] == pytest.approx(
        1.0 - 3.5 / 3
    )
    assert metrics["eu_russia_ideal_point_distance_median_change_2013_2019"] == pytest.approx(0.0)
    assert len(metrics) == 6
    with pytest.raises(ValueError, match=r"years \[2005\]"):
        sanctions.distance_metrics(summary, [2005], (2013, 2019))
