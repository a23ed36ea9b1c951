"""after_2022: counting on hand-made frames, every verdict of the rules, evaluate() on the data."""

from __future__ import annotations

import ast
import copy
import json
import math
import statistics
import time
from dataclasses import fields
from types import SimpleNamespace

import pandas as pd
import pytest

from euclaims import after_2022 as a
from euclaims import data
from euclaims.claims import evaluate_claim, load_ledger
from euclaims.params import load_params_file
from euclaims.paths import NOTEBOOKS_DIR

STEM = "after_2022"


# --- 1. trade ------------------------------------------------------------------------------------


def monthly_frame() -> pd.DataFrame:
    """Two states; 2021 and 2022 complete, 2023 with three months only."""
    rows = []
    for year, months in ((2021, range(1, 13)), (2022, range(1, 13)), (2023, range(1, 4))):
        for month in months:
            rows.append(
                {"country": "AA", "month": f"{year}-{month:02d}", "exports_eur": 10 * (2024 - year)}
            )
            rows.append({"country": "BB", "month": f"{year}-{month:02d}", "exports_eur": month})
    return pd.DataFrame(rows)


def test_annual_exports_sum_months_and_count_them():
    annual = a.annual_exports(monthly_frame()).set_index(["country", "year"])
    assert annual.loc[("AA", 2021), "exports_eur"] == 12 * 30
    assert annual.loc[("AA", 2023), "months"] == 3
    assert annual.loc[("BB", 2022), "exports_eur"] == sum(range(1, 13))


def test_end_period_choices_state_the_partial_year():
    monthly = monthly_frame()
    full = a.end_period(monthly, "latest_full_year")
    assert (full["year"], full["scale"], full["label"]) == (2022, 1.0, "2022")
    same = a.end_period(monthly, "latest_months_same_months")
    assert (same["year"], same["months"], same["scale"]) == (2023, [1, 2, 3], 1.0)
    annualised = a.end_period(monthly, "latest_months_annualised")
    assert annualised["scale"] == 4.0 and "annualised" in annualised["label"]
    with pytest.raises(ValueError, match="trade_end_period"):
        a.end_period(monthly, "whatever")


def test_trade_change_compares_like_months_or_whole_years():
    monthly = monthly_frame()
    full = a.trade_change(monthly, 2021, "latest_full_year")
    assert full.loc["AA", "change_pct"] == pytest.approx(100 * (20 / 30 - 1))
    same = a.trade_change(monthly, 2021, "latest_months_same_months")
    assert same.loc["BB", "base_eur"] == 1 + 2 + 3  # January-March of the base year only
    assert same.loc["BB", "change_pct"] == pytest.approx(0.0)
    annualised = a.trade_change(monthly, 2021, "latest_months_annualised")
    assert annualised.loc["AA", "end_eur"] == pytest.approx(3 * 10 * 4)


def test_exports_in_names_missing_months():
    with pytest.raises(ValueError, match="2019-01"):
        a.exports_in(monthly_frame(), 2019, [1])


def test_exposure_measures():
    baseline = pd.DataFrame(
        {
            "country": ["AA", "BB"],
            "year": [2013, 2013],
            "exports_to_russia_musd": [10.0, 1.0],
            "imports_from_russia_musd": [30.0, 1.0],
            "total_exports_musd": [100.0, 50.0],
            "total_imports_musd": [0.0, 0.0],
        }
    )
    gdp = pd.DataFrame({"country": ["AA", "BB"], "year": [2013, 2013], "gdp_usd": [1e9, 1e8]})
    assert a.exposure(baseline, gdp, "exports_pct_gdp", 2013)["AA"] == pytest.approx(1.0)
    assert a.exposure(baseline, gdp, "total_trade_pct_gdp", 2013)["AA"] == pytest.approx(4.0)
    assert a.exposure(baseline, gdp, "exports_pct_total_exports", 2013)["BB"] == pytest.approx(2.0)
    with pytest.raises(ValueError, match="2012"):
        a.exposure(baseline, gdp, "exports_pct_gdp", 2012)


def test_rank_correlation_and_its_interval():
    x = pd.Series(range(10), index=list("abcdefghij"), dtype=float)
    strong = a.rank_correlation(x, -x)
    assert strong["rho"] == pytest.approx(-1.0) and strong["ci_high"] < 0
    noisy = a.rank_correlation(x, pd.Series([3, 1, 4, 1.5, 5, 9, 2, 6, 5.5, 3.5], index=x.index))
    assert noisy["ci_low"] < noisy["rho"] < noisy["ci_high"]
    assert noisy["n"] == 10
    assert a.rank_correlation(x.head(4), x.head(4))["rho"] is None  # too few states


# --- 2. sanctions record -------------------------------------------------------------------------


def decisions_frame(next_action: str = "extend") -> pd.DataFrame:
    rows = [
        ("economic", "2021-07-12", "extend", "2022-01-31", None),
        ("economic", "2022-01-13", "extend", "2022-07-31", None),
        # a renewal of January 2023 is missing: the next act starts after the expiry
        ("economic", "2023-07-20", next_action, "2024-01-31", None),
        ("economic", "2024-01", "extend", "2024-07-31", None),  # month precision, in time
        ("package", "2022-02-23", "package", None, 1),
        ("package", "2022-03-15", "package", None, 2),
        ("package", "2023-03-15", "package", None, 3),
    ]
    return pd.DataFrame(
        rows, columns=["regime", "adopted_date", "action", "extended_until", "package_no"]
    ).assign(act=None, notes=None, source="x")


def test_packages_since_counts_from_the_escalation_and_gives_intervals():
    table = a.packages_since(decisions_frame(), "2022-02-24")
    assert list(table["package_no"]) == [2, 3]
    assert list(table["days_since_previous"]) == [19, 365]
    assert a.package_intervals(["2022-03-15"], "2022-02-24", "2022-04-14") == [19, 30]


@pytest.mark.parametrize(
    ("policy", "next_action", "expected"),
    [
        ("not_retrieved", "extend", "not_retrieved"),
        ("not_retrieved", "adopt", "lapse"),
        ("strict", "extend", "lapse"),
    ],
)
def test_regime_record_reads_gaps_by_policy(policy, next_action, expected):
    record = a.regime_record(decisions_frame(next_action), "economic", "2022-02-24", policy)
    assert list(record["gap"]) == ["", "", expected, ""]


def test_regime_record_ignores_gaps_before_the_escalation():
    record = a.regime_record(decisions_frame(), "economic", "2024-06-01", "strict")
    assert (record["gap"] == "").all()


def test_regime_summary_counts_renewals_lapses_and_force():
    summary = a.regime_summary(
        decisions_frame(), ("economic",), "2022-02-24", "strict", "2024-07-31"
    )
    row = summary.loc["economic"]
    assert (row["renewals_since"], row["lapses"], row["not_retrieved"]) == (2, 1, 0)
    assert bool(row["in_force_on_check_date"])
    late = a.regime_summary(decisions_frame(), ("economic",), "2022-02-24", "strict", "2024-08-01")
    assert not bool(late.loc["economic", "in_force_on_check_date"])
    with pytest.raises(ValueError, match="crimea"):
        a.regime_summary(decisions_frame(), ("crimea",), "2022-02-24", "strict", "2024-08-01")


VETOES = pd.DataFrame(
    {
        "date": ["2021-01-01", "2022-12-06", "2024-06-26", "2025-06-26", "2025-06-26"],
        "country": ["HU", "HU", "HU", "HU", "SK"],
        "issue": ["sanctions", "aid", "media", "sanctions", "sanctions"],
        "issue_country": ["RU", "UA", "RU", "RU", "RU;BY"],
        "source": ["http://x"] * 5,
    }
)


@pytest.mark.parametrize(
    ("scope", "count"), [("sanctions", 2), ("russia_related", 3), ("russia_and_ukraine", 4)]
)
def test_vetoes_in_scope_since_the_escalation(scope, count):
    assert len(a.vetoes_in_scope(VETOES, scope, "2022-02-24")) == count


def test_veto_resolutions_only_for_sanctions_vetoes():
    decisions = pd.DataFrame(
        {
            "regime": ["package", "economic"],
            "adopted_date": ["2025-07-18", "2025-06-30"],
            "action": ["package", "extend"],
        }
    )
    table = a.veto_resolutions(
        a.vetoes_in_scope(VETOES, "russia_and_ukraine", "2022-02-24"), decisions
    )
    sanctions = table[table["issue"] == "sanctions"]
    assert list(sanctions["resolved_on"]) == ["2025-06-30", "2025-06-30"]
    assert list(sanctions["days_to_resolution"]) == [4, 4]
    assert list(sanctions["next_package_on"]) == ["2025-07-18", "2025-07-18"]
    assert table.loc[table["issue"] != "sanctions", "resolved_on"].isna().all()
    assert a.states_list(table["country"]) == "HU;SK"
    assert a.states_list(table["country"].iloc[0:0]) == "none"


# --- 3. UN votes ---------------------------------------------------------------------------------

MEMBERS = pd.DataFrame(
    {
        "country": ["AA", "BB", "CC"],
        "name": ["A", "B", "C"],
        "accession_date": ["1958-01-01", "2004-05-01", "2004-05-01"],
        "exit_date": [None] * 3,
    }
)
UNGA = pd.DataFrame(
    {
        "resolution": ["R/1"] * 4 + ["R/2"] * 4 + ["R/3"] * 4,
        "date": ["2014-03-27"] * 4 + ["2022-03-02"] * 4 + ["2023-02-23"] * 4,
        "country": ["AA", "BB", "CC", "RU"] * 3,
        "vote": ["yes", "yes", "yes", "no", "yes", "no", "abstain", "no", "yes", None, "no", "no"],
    }
)


def test_resolution_table_marks_complete_votes_and_counts():
    table = a.resolution_table(UNGA, MEMBERS)
    assert list(table["complete"]) == [True, True, False]
    assert table.loc["R/3", "retrieved"] == 2  # the empty cell is not retrieved, not absent
    assert (table.loc["R/2", "no"], table.loc["R/2", "abstain"]) == (1, 1)
    assert table.loc["R/1", "russia"] == "no"


@pytest.mark.parametrize(
    ("vote_set", "expected"),
    [
        ("complete_since_escalation", ["R/2"]),
        ("complete_all", ["R/1", "R/2"]),
        ("retrieved_all", ["R/1", "R/2", "R/3"]),
    ],
)
def test_selected_resolutions(vote_set, expected):
    table = a.resolution_table(UNGA, MEMBERS)
    assert a.selected_resolutions(table, vote_set, "2022-02-24") == expected


def test_alignment_counts_no_votes_and_optionally_abstentions():
    wide = UNGA.pivot(index="country", columns="resolution", values="vote")
    chosen = ["R/1", "R/2", "R/3"]
    plain = a.alignment_with_russia(wide, chosen, ["BB", "CC"], "not_alignment")
    assert plain.loc["BB", "votes_retrieved"] == 2  # R/3 not retrieved: out of the denominator
    assert list(plain["as_russia"]) == [1, 1]
    strict = a.alignment_with_russia(wide, chosen, ["BB", "CC"], "alignment")
    assert strict.loc["CC", "as_russia"] == 2
    assert a.aligned_count(strict, "majority") == 1  # CC: 2 of 3 as Russia
    assert a.aligned_count(plain, "majority") == 0  # BB: 1 of 2 is not more than half
    assert a.aligned_count(plain, "any") == 2
    with pytest.raises(ValueError, match="RU"):
        a.alignment_with_russia(wide.drop(index="RU"), chosen, ["BB"], "alignment")


# --- 4. defence ----------------------------------------------------------------------------------


def test_members_at_or_above_counts_covered_members_only():
    shares = pd.DataFrame(
        {
            "country": ["AA", "BB", "CC", "AA", "BB"],
            "year": [2021, 2021, 2021, 2024, 2024],
            "share_pct": [2.0, 1.99, 3.0, 2.5, 2.1],
        }
    )
    counts = a.members_at_or_above(shares, ["AA", "BB"], 2.0)
    assert counts.loc[2021].tolist() == [2, 1]
    assert counts.loc[2024].tolist() == [2, 2]


def test_instruments_since_by_scope():
    fake = SimpleNamespace(
        instruments=pd.DataFrame(
            {
                "short_name": ["EDF", "SAFE"],
                "adopted_date": ["2021-04-29", "2025-05-27"],
                "act": ["Reg 1", "Reg 2"],
            }
        ),
        initiatives=pd.DataFrame(
            {
                "date": ["2022-03", "2022-02", "2023-07-20"],
                "name": ["Compass", "Early", "ASAP"],
                "legal_reference": [None, None, "Reg 3"],
                "counted": [True, True, False],
            }
        ),
    )
    assert list(a.instruments_since(fake, "2022-02-24", "legal_acts")["step"]) == ["SAFE"]
    assert list(a.instruments_since(fake, "2022-02-24", "all_initiatives")["step"]) == ["Compass"]


# --- 5. Levada -----------------------------------------------------------------------------------

LEVADA = pd.DataFrame(
    {
        "row": [1, 2, 3, 4, 5, 6],
        "year": pd.array([2010, 2013, 2015, 2017, 2017, None], dtype="Int64"),
        "month": [None, "2013-07", None, "2017-01", "2017-12", None],
        "positive_total_pct": [66.0, 64.0, 25.0, 39.0, 28.0, None],
        "negative_total_pct": [None, 24.0, 64.0, 47.0, 54.0, None],
    }
)


def test_levada_periods_follow_the_window():
    periods = a.levada_periods(2008, 2013, 2017, 2022, 2023, "essay_year")
    assert periods == {"hope": (2008, 2013), "disillusion": (2014, 2016), "disdain": (2017, 2017)}
    late = a.levada_periods(2008, 2013, 2017, 2022, 2023, "since_escalation")
    assert late["disillusion"] == (2014, 2021) and late["disdain"] == (2022, 2023)


@pytest.mark.parametrize(("pooling", "value"), [("mean", 33.5), ("median", 33.5), ("latest", 28.0)])
def test_pooled(pooling, value):
    assert a.pooled(pd.Series([39.0, 28.0]), pooling) == value
    assert a.pooled(pd.Series([None], dtype=float), pooling) is None


def test_levada_metrics_and_an_empty_period():
    out = a.levada_metrics(LEVADA, 2008, 2013, "2017-11-30", "2022-02-24", "essay_year", "mean")
    assert out["levada_positive_share_hope_pct"] == pytest.approx(65.0)
    assert out["levada_positive_share_disillusion_pct"] == pytest.approx(25.0)
    assert out["levada_negative_share_disdain_pct"] == pytest.approx(50.5)
    assert out["levada_latest_survey"] == "2017-12"
    assert out["levada_points_undated_count"] == 1
    assert out["levada_years_without_point"] == "2011, 2012, 2014, 2016"
    empty = a.levada_metrics(LEVADA, 2011, 2012, "2017-11-30", "2022-02-24", "essay_year", "mean")
    assert empty["levada_positive_share_hope_pct"] is None  # no poll in 2011-2012


# --- the ledger rules: every verdict reachable ---------------------------------------------------


@pytest.fixture(scope="module")
def ledger():
    return load_ledger()


def verdict(ledger, claim_id: str, values: dict, parameters: dict | None = None) -> str:
    claim = ledger[claim_id]
    base = {name: "x" for name in claim.metrics}
    return evaluate_claim(claim, {**base, **values}, parameters or DEFAULTS)["verdict"]


DEFAULTS = load_params_file()[STEM].defaults


def trade_values(low: float, high: float, change: float) -> dict:
    return {
        "eu27_exports_to_russia_2021_eur": 1e9,
        "eu27_exports_to_russia_2023_eur": 4e8,
        "eu27_exports_to_russia_2021_eur_bn": 1.0,
        "eu27_exports_to_russia_2023_eur_bn": 0.4,
        "eu27_exports_to_russia_change_2021_2023_pct": change,
        "exposure_trade_change_rank_corr": (low + high) / 2,
        "exposure_trade_change_rank_corr_ci_low": low,
        "exposure_trade_change_rank_corr_ci_high": high,
        "exposure_trade_states_count": 27,
        "members_with_export_increase_count": 0,
    }


@pytest.mark.parametrize(
    ("low", "high", "change", "expected"),
    [
        (0.1, 0.7, -60.0, "came_true"),
        (-0.4, 0.3, -60.0, "did_not_come_true"),
        (-0.1, 0.6, -60.0, "too_early"),
        (-0.4, 0.3, -20.0, "too_early"),
    ],
)
def test_trade_rule_every_verdict(ledger, low, high, change, expected):
    assert (
        verdict(ledger, "unequal-ties-made-consensus-impossible", trade_values(low, high, change))
        == expected
    )


def sanctions_values(failures: int, interval: int, unresolved: int) -> dict:
    return {
        "sanctions_packages_since_2022_count": 18,
        "sanctions_packages_latest_date": "2025-10-23",
        "sanctions_package_median_interval_days": 71.0,
        "sanctions_package_max_interval_days": interval,
        "sanctions_regime_renewals_since_2022_count": 20,
        "sanctions_regime_renewals_not_retrieved_count": 2,
        "sanctions_regime_failures_count": failures,
        "sanctions_vetoes_since_2022_count": 2,
        "sanctions_vetoes_unresolved_count": unresolved,
        "sanctions_vetoing_states": "HU;SK",
        "sanctions_data_latest_date": "2026-06-25",
    }


@pytest.mark.parametrize(
    ("failures", "interval", "unresolved", "expected"),
    [
        (0, 245, 0, "came_true"),
        (1, 245, 0, "did_not_come_true"),
        (0, 400, 0, "too_early"),
        (0, 245, 1, "too_early"),
    ],
)
def test_sanctions_rule_every_verdict(ledger, failures, interval, unresolved, expected):
    values = sanctions_values(failures, interval, unresolved)
    assert verdict(ledger, "sanctions-consensus-survived-2022", values) == expected


@pytest.mark.parametrize(
    ("aligned", "voted", "vetoes", "expected"),
    [
        (0, 0, 0, "came_true"),
        (1, 1, 0, "did_not_come_true"),
        (0, 1, 2, "too_early"),
        (0, 0, 1, "too_early"),
    ],
)
def test_eastern_rule_every_verdict(ledger, aligned, voted, vetoes, expected):
    values = {
        "eastern_members_count": 11,
        "eastern_members_aligned_with_russia_count": aligned,
        "eastern_members_voted_with_russia_count": voted,
        "eastern_members_russia_vetoes_count": vetoes,
        "eastern_members_vetoing_states": "HU",
        "unga_resolutions_used": "ES-11/1",
        "unga_votes_latest_date": "2025-02-24",
        "vetoes_data_latest_date": "2025-06-26",
    }
    assert verdict(ledger, "eastern-states-russia-coalition-absurd", values) == expected


@pytest.mark.parametrize(
    ("steps", "base", "latest", "expected"),
    [
        (3, 4, 12, "came_true"),
        (0, 4, 4, "did_not_come_true"),
        (1, 4, 12, "too_early"),
        (3, 5, 5, "too_early"),
    ],
)
def test_defence_rule_every_verdict(ledger, steps, base, latest, expected):
    values = {
        "eu_defence_instruments_since_escalation_count": steps,
        "eu_defence_instruments_since_escalation": "ASAP",
        "eu_members_milex_2pct_gdp_latest": latest,
        "eu_members_milex_2pct_gdp_latest_year": 2024,
        "eu_members_milex_2pct_gdp_2021": base,
        "eu_members_milex_covered_latest": 27,
        "eda_defence_expenditure_share_gdp_latest_pct": 1.6,
        "eda_latest_year": 2023,
    }
    assert verdict(ledger, "eu-defence-effort-grew-after-2022", values) == expected


@pytest.mark.parametrize(
    ("hope", "disillusion", "disdain", "expected"),
    [
        (59.0, 26.0, 50.5, "supported"),
        (45.0, 26.0, 50.5, "partly_supported"),
        (59.0, 26.0, 40.0, "partly_supported"),
        (59.0, 55.0, 60.0, "not_supported"),
        (None, 26.0, 50.5, "not_testable"),
    ],
)
def test_levada_rule_every_verdict(ledger, hope, disillusion, disdain, expected):
    values = {
        "levada_positive_share_hope_pct": hope,
        "levada_positive_share_disillusion_pct": disillusion,
        "levada_negative_share_disdain_pct": disdain,
        "levada_points_hope_count": 3,
        "levada_points_disillusion_count": 2,
        "levada_points_disdain_count": 4,
        "levada_years_without_point": "2009",
        "levada_latest_survey": "2023-02",
    }
    assert verdict(ledger, "russian-attitudes-hope-disillusion-disdain", values) == expected


def test_every_claim_has_a_multiverse_of_at_least_twelve(ledger):
    spec = load_params_file()[STEM]
    claims = [c for c in ledger.values() if c.notebook == STEM]
    assert len(claims) == 5
    for claim in claims:
        size = math.prod(len(spec.parameters[name].values) for name in claim.multiverse)
        assert size >= 12, claim.id
        assert claim.deciding_metric in claim.metrics
        assert claim.rule.get("thresholds"), claim.id


def test_moved_claim_records_its_amendment(ledger):
    claim = ledger["eastern-states-russia-coalition-absurd"]
    assert claim.notebook == STEM
    assert [item["date"] for item in claim.amendments] == ["2026-12-01"]
    assert "68/262 predates the essay" in claim.objections[0]["objection"]


# --- evaluate() on the real inputs ---------------------------------------------------------------


@pytest.fixture(scope="module")
def inputs():
    return a.load_inputs()


NAMED = (
    "eu27_exports_to_russia_2021_eur",
    "eu27_exports_to_russia_2023_eur",
    "eu27_exports_to_russia_change_2021_2023_pct",
    "sanctions_packages_since_2022_count",
    "sanctions_packages_latest_date",
    "unga_es11_1_eu27_yes_count",
    "unga_es11_7_eu27_no_count",
    "eu_members_milex_2pct_gdp_latest",
    "eu_members_milex_2pct_gdp_latest_year",
    "levada_positive_share_2013_pct",
    "evidence_latest_date",
)


def test_evaluate_returns_every_ledger_and_named_metric(inputs, ledger):
    metrics = a.evaluate(inputs, **DEFAULTS)
    needed = {m for c in ledger.values() if c.notebook == STEM for m in c.metrics}
    assert needed | set(NAMED) <= set(metrics)
    assert metrics["unga_es11_1_eu27_yes_count"] == 27  # ES-11/1 is complete: 27 of 27 in favour
    assert metrics["evidence_latest_date"] >= metrics["sanctions_packages_latest_date"]
    for claim in ledger.values():
        if claim.notebook == STEM:
            assert evaluate_claim(claim, metrics, DEFAULTS)["verdict"] != "not_testable", claim.id


def test_evaluate_is_pure_and_deterministic(inputs):
    # Compared table by table, not as one pickle: pandas caches attributes on the Int64 dtype
    # object when a nullable column is first used, which changes its pickle, not the data.
    before = {field.name: copy.deepcopy(getattr(inputs, field.name)) for field in fields(inputs)}
    first = a.evaluate(inputs, **DEFAULTS)
    second = a.evaluate(inputs, **DEFAULTS)
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    for name, value in before.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(getattr(inputs, name), value, check_exact=True, obj=name)
        else:
            assert getattr(inputs, name) == value, name


def test_evaluate_runs_every_alternative_and_is_fast(inputs):
    spec = load_params_file()[STEM]
    for name, parameter in spec.parameters.items():
        for value in parameter.values:
            metrics = a.evaluate(inputs, **{**DEFAULTS, name: value})
            assert metrics["evidence_latest_date"], (name, value)
    timings = []
    for _ in range(5):
        start = time.process_time()
        a.evaluate(inputs, **DEFAULTS)
        timings.append(time.process_time() - start)
    assert statistics.median(timings) < 0.3


def test_bad_parameter_is_named(inputs):
    with pytest.raises(ValueError, match="veto_scope"):
        a.evaluate(inputs, **{**DEFAULTS, "veto_scope": "everything"})


def test_scorecard_covers_every_claim_with_its_latest_data(inputs, ledger):
    metrics = a.evaluate(inputs, **DEFAULTS)
    table = a.scorecard(ledger, STEM, metrics, DEFAULTS)
    assert set(table.index) == {c.id for c in ledger.values() if c.notebook == STEM}
    assert (
        table.loc["eastern-states-russia-coalition-absurd", "latest data"]
        == metrics["unga_votes_latest_date"]
    )


# --- the committed notebook ----------------------------------------------------------------------


def test_notebook_code_cells_hold_no_year_or_date_literals():
    notebook = json.loads((NOTEBOOKS_DIR / f"{STEM}.ipynb").read_text())
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code" or "parameters" in cell["metadata"].get("tags", []):
            continue
        source = "".join(cell["source"])
        assert "def " not in source
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Constant) and isinstance(node.value, int):
                assert not 1900 <= node.value <= 2099, source
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not (node.value[:4].isdigit() and node.value[:2] in ("19", "20")), source


# --- the new extracts on hand-made upstream files ------------------------------------------------


@pytest.fixture
def members_only(monkeypatch):
    """The extract reads member_states from data/raw instead of the upstream EUMS files."""
    from euclaims.extracts import eurostat_trade

    members = data.load_raw("member_states.csv")
    monkeypatch.setattr(eurostat_trade, "read_member_states", lambda upstream: members)


def write_comext(root, rows):
    from euclaims.extracts import eurostat_trade as comext

    path = root / comext.COMEXT_FILE
    path.parent.mkdir(parents=True)
    header = "REPORTER,PARTNER,PRODUCT,FLOW,STAT_PROCEDURE,PERIOD,VALUE_IN_EUR,source_file\n"
    lines = [
        f'"{r}",Russian Federation (Russia),Total,EXPORT,Total,{p},{v},f.csv' for r, p, v in rows
    ]
    path.write_text(header + "\n".join(lines) + "\n")
    return comext


def test_comext_extract_reads_a_missing_row_as_nil_only_when_the_aggregate_agrees(
    tmp_path, members_only
):
    eu27 = "European Union - 27 countries (AT, BE)"
    rows = [
        ("Austria", "Jan. 2024", 5),
        ("Belgium (incl. Luxembourg 'LU' -> 1998)", "Jan. 2024", 7),
        (eu27, "Jan. 2024", 12),
        ("Austria", "Feb. 2024", 4),
        (eu27, "Feb. 2024", 4),
    ]
    comext = write_comext(tmp_path, rows)
    table = comext.build_exports_monthly(tmp_path).set_index(["country", "month"])
    assert table.loc[("BE", "2024-02"), "exports_eur"] == 0
    assert not table.loc[("BE", "2024-02"), "row_in_source"]
    assert table.loc[("BE", "2024-01"), "exports_eur"] == 7


def test_comext_extract_refuses_when_the_aggregate_differs(tmp_path, members_only):
    from euclaims.errors import DataError

    rows = [("Austria", "Jan. 2024", 5), ("European Union - 27 countries (AT)", "Jan. 2024", 6)]
    comext = write_comext(tmp_path, rows)
    with pytest.raises(DataError, match="2024-01"):
        comext.build_exports_monthly(tmp_path)


def test_levada_dating_classes():
    from euclaims.extracts.levada import dating_of

    assert dating_of("2013-07", "") == "stated"
    assert dating_of("2010 (stated as 'three years ago' in a July 2013 release)", "") == "relative"
    assert dating_of("2021-01", "year inferred: same article") == "inferred"
    assert dating_of("May (year not stated; probably 2019)", "") == "undated"


def test_unga_extract_keeps_empty_votes_as_not_retrieved(tmp_path):
    from euclaims.errors import DataError
    from euclaims.extracts import base
    from euclaims.extracts import unga_ukraine_votes as unga
    from euclaims.paths import upstream_dir

    for relative in (base.MEMBER_STATES_FILE, base.COW_CODES_FILE):  # codes and membership
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).symlink_to(upstream_dir() / relative)
    path = tmp_path / unga.VOTES_FILE
    path.parent.mkdir(parents=True)
    header = "resolution,date,iso3,country,vote,source,note\n"
    path.write_text(
        header + "A/RES/ES-11/3,2022-04-07,POL,Poland,,not_retrieved,x\n"
        "A/RES/ES-11/3,2022-04-07,RUS,Russia,N,page,\n"
    )
    table = unga.build_unga_ukraine(tmp_path).set_index("country")
    assert pd.isna(table.loc["PL", "vote"]) and not table.loc["PL", "retrieved"]
    assert table.loc["RU", "vote"] == "no"
    path.write_text(header + "A/RES/ES-11/3,2022-04-07,POL,Poland,maybe,page,\n")
    with pytest.raises(DataError, match="vote"):
        unga.build_unga_ukraine(tmp_path)


def test_largest_enlargement_date_is_the_most_shared_accession_date():
    import pandas as pd

    from euclaims.after_2022 import largest_enlargement_date

    membership = pd.DataFrame(
        {"accession_date": ["1958-01-01"] * 6 + ["2004-05-01"] * 10 + ["2007-01-01"] * 2}
    )
    assert largest_enlargement_date(membership) == "2004-05-01"
