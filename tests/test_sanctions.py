"""Sanctions-consensus functions on small synthetic tables (expected values worked out by hand)."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from euclaims import data, plotting, sanctions, sanctions_plots
from euclaims.claims import evaluate_claim, load_ledger
from euclaims.multiverse import claim_specifications, notebook_specifications
from euclaims.params import load_params_file
from euclaims.results import plain_value

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
    # a session is completed when all its roll calls in the data precede the date
    assert sanctions.last_session_completed_before(ROLLCALLS, "2016-12-31") == 71
    assert sanctions.last_session_completed_before(ROLLCALLS, "2016-11-01") == 70
    assert sanctions.completed_sessions(ROLLCALLS, "2016-10-15") == [70]
    with pytest.raises(ValueError, match="no session completed before 2015-01-01"):
        sanctions.last_session_completed_before(ROLLCALLS, "2015-01-01")


def test_uncontested_share_and_resolution_votes():
    council = pd.DataFrame(
        {
            "decision_date": ["2015-01-01", "2016-01-01", "2017-01-01"],
            "against": ["DE", None, "FR;IT"],
        }
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


# --- new step functions on hand-made frames -----------------------------------------------------

TRADE_TWO_YEARS = pd.concat(
    [TRADE, TRADE.assign(year=2014, exports_to_russia_musd=[20.0, 2.0, 4.0])]
)
COMTRADE = pd.DataFrame(
    {
        "country": ["AA", "BB", "CC"],
        "year": [2014] * 3,
        "exports_to_russia_usd": [60e6, 2e6, 4e6],
        "exports_world_usd": [1e9] * 3,
    }
)


def test_own_report_exports_actual_and_backcast():
    own, backcast = sanctions.own_report_exports(TRADE_TWO_YEARS, COMTRADE, 2014)
    assert not backcast
    assert own.to_dict() == pytest.approx({"AA": 60.0, "BB": 2.0, "CC": 4.0})
    # 2013 has no own report: Russia-side 2013 x (own / Russia-side in 2014) = 10 x 3, 1 x 1, 0 x 1
    own, backcast = sanctions.own_report_exports(TRADE_TWO_YEARS, COMTRADE, 2013)
    assert backcast
    assert own.to_dict() == pytest.approx({"AA": 30.0, "BB": 1.0, "CC": 0.0})
    assert sanctions.first_common_year(TRADE_TWO_YEARS, COMTRADE) == 2014


def test_exposure_table_uses_given_exports():
    exports = pd.Series({"AA": 30.0, "BB": 1.0, "CC": 0.0})
    table = sanctions.exposure_table(TRADE, GDP, ENERGY, 2013, exports)
    assert table.loc["AA", "exports_pct_gdp"] == pytest.approx(3.0)  # 30 of 1,000
    assert table.loc["AA", "total_trade_pct_gdp"] == pytest.approx(6.0)  # (30 + 30) of 1,000
    assert table.loc["AA", "exports_pct_total_exports"] == pytest.approx(30.0)


LEGAL = pd.DataFrame(
    {
        "instrument": ["regulation", "decision", "rule"],
        "legal_basis": ["Art. 215 TFEU", "Art. 29 TEU", "Art. 31(1) TEU"],
        "adopting_institution": [
            "Council of the EU",
            "Council of the EU",
            "Council of the EU and European Council",
        ],
        "voting_rule": ["qualified majority", "unanimity (Art. 31(1) TEU)", "unanimity"],
        "unanimity_required": [False, True, True],
        "source": ["x", "y", "z"],
        "notes": [None, None, None],
    }
)


def test_legal_metrics_follow_the_voting_rule_text():
    metrics = sanctions.legal_metrics(LEGAL, "European Council")
    assert metrics["cfsp_sanctions_decision_requires_unanimity"] is True
    assert metrics["cfsp_unanimity_derivation"] == (
        "Art. 29 TEU: unanimity (Art. 31(1) TEU) -> Art. 31(1) TEU: unanimity"
    )
    assert metrics["cfsp_unanimity_boolean_column_agrees"] is True
    assert metrics["essay_institution_adopts_sanctions"] is False
    assert metrics["unanimity_rule_binds_essay_institution"] is True
    assert metrics["sanctions_regulation_voting_rule"] == "qualified majority"
    # the text decides, not the typed boolean: a QMV rule text gives False and flags the column
    qmv = LEGAL.assign(voting_rule=["qualified majority", "unanimity (Art. 31(1) TEU)", "QMV"])
    metrics = sanctions.legal_metrics(qmv, "European Council")
    assert metrics["cfsp_sanctions_decision_requires_unanimity"] is False
    assert metrics["cfsp_unanimity_boolean_column_agrees"] is False
    narrow = LEGAL.assign(adopting_institution=["Council of the EU"] * 3)
    assert not sanctions.legal_metrics(narrow, "European Council")[
        "unanimity_rule_binds_essay_institution"
    ]
    with pytest.raises(ValueError, match="legal_basis 'Art. 29 TEU'"):
        sanctions.legal_metrics(LEGAL.iloc[[0, 2]], "European Council")


def test_cohesion_record_windows_and_interval():
    # sessions 1-4, two roll calls each; recent window = session 4 (window 1)
    values = pd.Series([90.0, 92.0, 94.0, 96.0, 80.0, 82.0, 99.0, 97.0])
    sessions = pd.Series([1, 1, 2, 2, 3, 3, 4, 4])
    record = sanctions.cohesion_record(values, sessions, last_session=4, window=1, level=0.95)
    assert record["recent_pct"] == pytest.approx(98.0)
    assert record["prior_max_pct"] == pytest.approx(95.0)  # session 2
    assert record["prior_mean_pct"] == pytest.approx(89.0)  # pooled 534 / 6
    assert record["minus_prior_max_pp"] == pytest.approx(3.0)
    assert record["minus_prior_mean_pp"] == pytest.approx(9.0)
    se = math.sqrt(2.0 / 2 + pd.Series(values[:6]).var(ddof=1) / 6)
    assert record["ci_low_pp"] == pytest.approx(9.0 - 1.959964 * se, abs=1e-5)
    assert record["prior_windows"] == 3
    # window 2: recent = sessions 3-4 (89.5), earlier windows of two sessions: only 1-2 (93)
    record = sanctions.cohesion_record(values, sessions, last_session=4, window=2, level=0.95)
    assert record["recent_pct"] == pytest.approx(89.5)
    assert record["prior_windows"] == 1
    assert record["prior_max_pct"] == pytest.approx(93.0)
    # one roll call per group: no interval
    single = sanctions.cohesion_record(values[[0, 6]], sessions[[0, 6]], 4, 1, 0.95)
    assert single["ci_low_pp"] is None and single["minus_prior_max_pp"] == pytest.approx(9.0)
    with pytest.raises(ValueError, match="recent_sessions"):
        sanctions.cohesion_record(values, sessions, 4, 0, 0.95)


def test_issue_rcids():
    agreement = sanctions.agreement_table(ROLLCALLS)
    assert list(agreement.index) == [1, 2, 3]  # rcid 4 has one EU vote
    issues = pd.DataFrame(
        {"rcid": [1, 3, 3, 4], "issue_code": ["hr", "hr", "nu", "hr"], "issue": ["x"] * 4}
    )
    assert list(sanctions.issue_rcids(agreement, issues, "hr")) == [1, 3]
    assert list(sanctions.issue_rcids(agreement, issues, "ukraine_related")) == [3]
    assert len(sanctions.issue_rcids(agreement, issues, "all")) == 3
    with pytest.raises(ValueError, match="unga_issue 'war'"):
        sanctions.issue_rcids(agreement, issues, "war")


def test_forecast_metrics_resolve_only_when_the_record_reaches_the_check_date():
    inputs = sanctions.prepare_inputs(**{**REAL_TABLES(), "decisions": DECISIONS_ECONOMIC})
    early = sanctions.record_metrics(
        inputs, "2015-12-31", 2014, "economic", "2016-07-01", "economic"
    )
    # the record ends in June 2016 (mid-month): a check on 1 July 2016 cannot see a repeal
    assert early["sanctions_record_reaches_check_date"] is False
    assert early["sanctions_in_force_on_check_date"] is True
    on_time = sanctions.record_metrics(
        inputs, "2015-12-31", 2014, "economic", "2016-02-02", "economic"
    )
    assert on_time["sanctions_record_reaches_check_date"] is True
    assert on_time["sanctions_in_force_on_check_date"] is False  # the 5-day lapse
    assert on_time["sanctions_extensions_by_essay_date"] == 1
    assert on_time["sanctions_extensions_by_essay_year_end"] == 1
    later = sanctions.record_metrics(
        inputs, "2015-07-01", 2014, "economic", "2016-02-02", "economic"
    )
    assert later["sanctions_extensions_by_essay_date"] == 1
    assert later["sanctions_extensions_after_essay_in_essay_year"] == 0
    assert later["economic_sanctions_adopted_2014"] is True


def test_jitter_is_seeded_and_bounded():
    values = pd.Series([2013.0] * 50)
    first = sanctions_plots.jittered(values, 0.15, seed=0)
    assert (first == sanctions_plots.jittered(values, 0.15, seed=0)).all()
    assert not (first == sanctions_plots.jittered(values, 0.15, seed=1)).all()
    assert (abs(first - 2013.0) <= 0.15).all()


# --- the real inputs: evaluate, purity, figures ---------------------------------------------------

#: Every metric the notebook recorded before evaluate() existed (names kept).
METRICS_RECORDED_BEFORE = """
exports_to_russia_pct_gdp_2013_max_min_ratio exports_to_russia_pct_gdp_2013_cv
exports_to_russia_pct_gdp_2013_gini exposure_most_exposed_state exposure_least_exposed_state
exposure_states_with_data exposure_states_with_zero lithuania_own_to_russia_side_exports_ratio_2014
export_loss_2016_exposure_rank_correlation economic_sanctions_adopted_2014
economic_sanctions_extensions_by_2017_12_31 economic_sanctions_extensions_latest
economic_sanctions_extensions_with_known_expiry_latest economic_sanctions_lapses
economic_sanctions_lapses_by_2017_12_31 economic_sanctions_in_force_2018_03_01
economic_sanctions_in_force_latest sanctions_data_last_date individual_regime_record_gaps
crimea_regime_record_gaps sanctions_packages_since_2022 cfsp_sanctions_decision_requires_unanimity
veto_model_renewals_counted single_renewal_pass_probability_eu28
unanimous_renewal_probability_under_veto_model unanimous_renewal_probability_under_veto_model_latest
max_veto_probability_most_exposed_consistent_95 max_common_veto_probability_consistent_95
max_common_veto_probability_consistent_95_latest eu28_yes_votes_unga_68_262
eu28_no_or_abstain_votes_unga_68_262 unga_ukraine_rollcalls unga_ukraine_rollcalls_all_eu_yes
unga_data_last_date eu_unga_last_session_before_essay
eu_unga_agreement_last_session_before_essay_pct eu_unga_agreement_max_prior_sessions_since_2005_pct
eu_unga_agreement_mean_prior_sessions_since_2005_pct
council_votes_uncontested_share_2016_2017 council_votes_uncontested_share_2010_2015
eu_russia_ideal_point_distance_mean_2005 eu_russia_ideal_point_distance_mean_2013
eu_russia_ideal_point_distance_mean_2019 eu_russia_ideal_point_distance_mean_change_2013_2019
eu_russia_ideal_point_distance_median_2005 eu_russia_ideal_point_distance_median_2013
eu_russia_ideal_point_distance_median_2019 eu_russia_ideal_point_distance_median_change_2013_2019
eu_russia_ideal_point_distance_closest_state_2019 eu_russia_ideal_point_distance_farthest_state_2019
russia_ideal_point_change_2013_2019 eu_mean_ideal_point_change_2013_2019
""".split()
CLAIM_IDS = (
    "economic-ties-differed-strongly",
    "sanctions-approved-and-repeatedly-extended",
    "sanctions-not-lifted-early-2018",
    "union-coming-together-as-never-before",
)


@pytest.fixture(scope="module")
def inputs():
    return sanctions.load_inputs()


@pytest.fixture(scope="module")
def defaults():
    return load_params_file()["sanctions_consensus"].defaults


@pytest.fixture(scope="module")
def ledger():
    return load_ledger()


def REAL_TABLES() -> dict[str, pd.DataFrame]:  # noqa: N802 - a table factory used like a constant
    return {key: data.load_raw(name) for key, name in sanctions.FILES.items()}


#: DECISIONS with the regime names of the real record (one adoption each for the others).
RENAMED = DECISIONS["regime"].replace({"econ": "economic", "other": "individual"})
DECISIONS_ECONOMIC = pd.concat(
    [DECISIONS.assign(regime=RENAMED), DECISIONS.tail(1).assign(regime="crimea")],
    ignore_index=True,
)


def test_evaluate_returns_every_ledger_metric_for_the_defaults(inputs, defaults, ledger):
    metrics = sanctions.evaluate(inputs, **defaults)
    wanted = set(METRICS_RECORDED_BEFORE)
    for claim in ledger.values():
        if claim.notebook == "sanctions_consensus" and claim.testable:
            wanted |= set(claim.metrics)
    assert sorted(wanted - set(metrics)) == []
    plain = {name: plain_value(name, value) for name, value in metrics.items()}  # no NaN
    assert plain["economic_sanctions_extensions_by_essay_date"] == 5  # 26 Sep 2017
    assert plain["economic_sanctions_extensions_by_2017_12_31"] == 6  # with 21 Dec 2017
    assert plain["eu_unga_last_session_before_essay"] == 71
    assert plain["lithuania_own_to_russia_side_exports_ratio_2014"] == pytest.approx(6.9, abs=0.01)


def test_evaluate_is_pure(inputs, defaults):
    first = sanctions.evaluate(inputs, **defaults)
    other = {**defaults, "base_year": 2011, "trade_record": "own_report", "unga_issue": "hr"}
    changed = sanctions.evaluate(inputs, **other)
    second = sanctions.evaluate(inputs, **defaults)
    assert first == second
    assert changed["exposure_own_report_backcast"] is True
    assert changed["exposure_max_min_ratio"] != first["exposure_max_min_ratio"]
    assert changed["unga_cohesion_recent_rollcalls"] < first["unga_cohesion_recent_rollcalls"]
    first["exposure_max_min_ratio"] = -1.0  # mutating a result must not touch the cache
    assert sanctions.evaluate(inputs, **defaults)["exposure_max_min_ratio"] > 0


def test_evaluate_names_a_bad_parameter(inputs, defaults):
    with pytest.raises(ValueError, match="unga_issue 'war'"):
        sanctions.evaluate(inputs, **{**defaults, "unga_issue": "war"})
    with pytest.raises(ValueError, match="trade_record 'mirror'"):
        sanctions.evaluate(inputs, **{**defaults, "trade_record": "mirror"})
    with pytest.raises(TypeError, match="base_year"):
        sanctions.evaluate(inputs, **{k: v for k, v in defaults.items() if k != "base_year"})


def test_every_specification_of_the_multiverse_evaluates(inputs, ledger):
    spec = load_params_file()["sanctions_consensus"]
    claims = [ledger[claim_id] for claim_id in CLAIM_IDS]
    specifications, total = notebook_specifications(spec, claims)
    assert total == len(specifications) < 400
    sizes = {c.id: len(claim_specifications(spec, c)) for c in claims}
    assert min(sizes.values()) >= 12 and sum(sizes.values()) / len(sizes) >= 24
    for parameters in specifications:
        metrics = sanctions.evaluate(inputs, **parameters)
        for claim in claims:
            verdict = evaluate_claim(claim, metrics, parameters)["verdict"]
            if claim.id == "union-coming-together-as-never-before":
                assert verdict != "not_testable", parameters
            else:
                assert verdict in ("supported", "partly_supported", "not_supported", "came_true")


def test_ideal_point_figure_is_byte_identical(inputs, tmp_path):
    plotting.set_theme()
    distances = sanctions.distance_to_russia(inputs.ideal_points)
    summary = sanctions.distance_by_year(distances)
    digests = []
    for attempt in range(2):
        figure = sanctions_plots.plot_ideal_point_distance(distances, summary, 2013.5, "event")
        entry = plotting.save_figure(figure, tmp_path / str(attempt), "ideal", "caption", [])
        plt.close(figure)
        digests.append(entry["sha256"])
    assert digests[0] == digests[1]


# --- every verdict of every rule reachable --------------------------------------------------------


def verdict(ledger, claim_id: str, metrics: dict, parameters: dict) -> str:
    return evaluate_claim(ledger[claim_id], metrics, parameters)["verdict"]


def ties(ratio: float, statistic: str, value: float) -> dict:
    return {
        "exposure_max_min_ratio": ratio, "exposure_dispersion": value, "exposure_cv": value,
        "exposure_gini": value, "exposure_most_exposed_state": "SK",
        "exposure_least_exposed_state": "CY", "exposure_own_report_backcast": False,
        "lithuania_own_to_russia_side_exports_ratio_2014": 6.9,
    }  # fmt: skip


TIES_PARAMETERS = {"base_year": 2013, "exposure_measure": "exports_pct_gdp",
                   "trade_record": "russia_side"}  # fmt: skip


@pytest.mark.parametrize(
    ("ratio", "statistic", "value", "expected"),
    [
        (19.9, "cv", 0.81, "supported"),  # the observed default
        (12.0, "gini", 0.30, "supported"),
        (12.0, "cv", 0.40, "partly_supported"),  # wide ratio, moderate CV
        (4.0, "gini", 0.20, "partly_supported"),
        (4.0, "cv", 0.25, "not_supported"),  # was Partly under the lenient OR
        (2.5, "cv", 0.60, "not_supported"),  # was Partly under the lenient OR
        (12.0, "gini", 0.12, "not_supported"),
    ],
)
def test_economic_ties_every_verdict(ledger, ratio, statistic, value, expected):
    parameters = {**TIES_PARAMETERS, "dispersion_statistic": statistic}
    metrics = ties(ratio, statistic, value)
    assert verdict(ledger, "economic-ties-differed-strongly", metrics, parameters) == expected


def approved(adopted=True, unanimity=True, binds=True, by_essay=5, lapses=0) -> dict:
    return {
        "sanctions_adopted_in_calculation_year": adopted,
        "cfsp_sanctions_decision_requires_unanimity": unanimity,
        "cfsp_unanimity_boolean_column_agrees": True,
        "unanimity_rule_binds_essay_institution": binds,
        "essay_institution_adopts_sanctions": False,
        "cfsp_sanctions_adopting_institution": "Council of the EU",
        "sanctions_extensions_by_essay_date": by_essay,
        "sanctions_extensions_by_essay_year_end": by_essay + 1,
        "sanctions_lapses_by_essay_date": lapses,
        "eu28_yes_votes_unga_68_262": 28,
        "unanimous_renewal_probability_under_veto_model": 3e-5,
    }


@pytest.mark.parametrize(
    ("metrics", "minimum", "expected"),
    [
        (approved(), 2, "supported"),
        (approved(by_essay=2), 3, "partly_supported"),  # "repeatedly" read as at least 3
        (approved(lapses=1), 2, "partly_supported"),
        (approved(unanimity=False), 2, "partly_supported"),
        (approved(binds=False), 2, "partly_supported"),
        (approved(by_essay=0), 2, "not_supported"),
        (approved(adopted=False), 2, "not_supported"),
    ],
)
def test_sanctions_approved_every_verdict(ledger, metrics, minimum, expected):
    parameters = {"renewal_regime": "economic", "essay_date": "2017-09-26",
                  "repeatedly_min_extensions": minimum}  # fmt: skip
    assert verdict(ledger, "sanctions-approved-and-repeatedly-extended", metrics, parameters) == (
        expected
    )


@pytest.mark.parametrize(
    ("reaches", "in_force", "expected"),
    [(True, True, "came_true"), (True, False, "did_not_come_true"), (False, True, "too_early"),
     (False, False, "too_early")],
)  # fmt: skip
def test_not_lifted_every_verdict(ledger, reaches, in_force, expected):
    metrics = {
        "sanctions_in_force_on_check_date": in_force,
        "sanctions_record_reaches_check_date": reaches,
        "economic_sanctions_in_force_latest": True,
        "economic_sanctions_extensions_latest": 23,
        "sanctions_data_last_date": "2026-06-25",
    }
    parameters = {"forecast_regime": "economic", "forecast_check_date": "2018-03-01"}
    assert verdict(ledger, "sanctions-not-lifted-early-2018", metrics, parameters) == expected


def union(recent: float, prior_max: float, prior_mean: float, half_width: float) -> dict:
    difference = recent - prior_mean
    return {
        "unga_cohesion_recent_pct": recent, "unga_cohesion_prior_max_pct": prior_max,
        "unga_cohesion_prior_mean_pct": prior_mean,
        "unga_cohesion_minus_prior_max_pp": recent - prior_max,
        "unga_cohesion_minus_prior_mean_pp": difference,
        "unga_cohesion_ci_low_pp": difference - half_width,
        "unga_cohesion_ci_high_pp": difference + half_width,
        "unga_cohesion_recent_first_session": 71, "unga_cohesion_recent_last_session": 71,
        "unga_cohesion_recent_rollcalls": 119, "unga_issues_at_record_cohesion": 0,
        "council_votes_uncontested_share_2016_2017": 0.9,
        "council_votes_uncontested_share_2010_2015": 0.81,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("metrics", "expected"),
    [
        (union(98.0, 97.4, 95.8, 1.5), "supported"),  # a record, clearly above the mean
        (union(97.0, 97.4, 95.0, 1.5), "partly_supported"),  # above the mean, not a record
        (union(94.8, 97.4, 95.9, 2.1), "not_supported"),  # the observed default
        (union(97.8, 97.4, 97.0, 1.5), "not_supported"),  # a record but within noise
    ],
)
def test_union_every_verdict(ledger, metrics, expected):
    parameters = {"cohesion_index": "majority_share", "unga_issue": "all", "recent_sessions": 1}
    got = verdict(ledger, "union-coming-together-as-never-before", metrics, parameters)
    assert got == expected


def test_union_ukraine_votes_cannot_show_a_record(inputs, defaults, ledger):
    parameters = {**defaults, "unga_issue": "ukraine_related"}
    metrics = sanctions.evaluate(inputs, **parameters)
    # unanimous yes before and after: no record to beat, and too few roll calls for an interval
    assert metrics["unga_cohesion_minus_prior_max_pp"] == 0.0
    assert verdict(ledger, "union-coming-together-as-never-before", metrics, parameters) == (
        "not_testable"
    )
