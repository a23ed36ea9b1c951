"""Tests of the hindsight analysis: counting on hand-made frames, the intervals, evaluate() on
the real inputs, and every verdict of the hindsight claims' rules."""

from __future__ import annotations

import itertools
import json

import pandas as pd
import pytest
from scipy import stats

from euclaims import hindsight as h
from euclaims.claims import evaluate_claim, load_ledger
from euclaims.extracts import eurostat_trade as comext
from euclaims.extracts import parlgov as px
from euclaims.extracts import populist as pop
from euclaims.params import load_params_file
from euclaims.paths import NOTEBOOKS_DIR

NA = None
CLAIMS = (
    "migration-crisis-as-eu-failure",
    "brexit-start-of-eu-collapse",
    "populism-rise-as-nationalism",
    "small-states-will-strive-defence-unity",
    "eu-russia-summits-stopped-2014",
)


@pytest.fixture(scope="module")
def inputs():
    return h.load_inputs()


@pytest.fixture(scope="module")
def defaults():
    return load_params_file()["hindsight"].defaults


@pytest.fixture(scope="module")
def ledger():
    return load_ledger()


@pytest.fixture(scope="module")
def default_metrics(inputs, defaults):
    return h.evaluate(inputs, **defaults)


def membership(rows):
    return pd.DataFrame(rows, columns=["country", "name", "accession_date", "exit_date"])


MEMBERS = membership(
    [
        ("AA", "A", "1958-01-01", NA),
        ("BB", "B", "2004-05-01", NA),
        ("CC", "C", "2004-05-01", NA),
        ("CY", "Cyprus", "2004-05-01", NA),
        ("DD", "D", "1973-01-01", "2020-01-31"),
        ("EE", "E", "2007-01-01", NA),
    ]
)


def composition(exits=None, accessions=None, as_of="2024-08"):
    exits, accessions = exits or {}, accessions or {}
    return pd.DataFrame(
        {
            "country": list(MEMBERS["country"]),
            "accession_month": [accessions.get(c, "1990-01") for c in MEMBERS["country"]],
            "exit_month": [exits.get(c) for c in MEMBERS["country"]],
            "reported_in_last_month": True,
            "composition_as_of": as_of,
        }
    )


# --- dates -------------------------------------------------------------------------------------


def test_add_years_and_month_precision_comparisons():
    assert h.add_years("2017-09-26", 5) == "2022-09-26"
    assert h.add_years("2016-02-29", 1) == "2017-02-28"
    assert h.on_or_after("2020-01", "2020-01-31") and not h.on_or_after("2019-12", "2020-01-01")
    assert h.reaches("2024-08", "2022-09-26") and not h.reaches("2023-09-18", "2023-09-26")


# --- Brexit ------------------------------------------------------------------------------------


def test_membership_changes_counts_exits_from_either_source():
    out = h.membership_changes(
        MEMBERS, composition(exits={"DD": "2020-01", "EE": "2023-03"}), "2016-06-23"
    )
    assert out["eu_member_states_left_since_2016"] == 2
    assert out["eu_member_states_left_since_2016_list"] == "DD;EE"
    assert out["eu_member_count_latest"] == 4
    assert out["membership_data_last_date"] == "2024-08"
    alone = h.membership_changes(MEMBERS, composition(), "2016-06-23", "comext")
    assert alone["eu_member_states_left_since_2016"] == 0  # Comext alone has no exit


def test_membership_changes_counts_accessions_and_ignores_old_exits():
    old = MEMBERS.assign(exit_date=[NA, NA, NA, NA, "2015-12-31", NA])
    out = h.membership_changes(
        old, composition(exits={"DD": "2015-12"}, accessions={"EE": "2017-01"}), "2016-06-23"
    )
    assert out["eu_member_states_left_since_2016"] == 0
    assert out["eu_accessions_since_2016"] == 1


def test_membership_events_reject_sources_listing_different_states():
    with pytest.raises(ValueError, match="only in Comext"):
        h.membership_events(MEMBERS.iloc[:-1], composition(), "both")
    with pytest.raises(ValueError, match="membership_source"):
        h.membership_events(MEMBERS, composition(), "eums")


def test_brexit_metrics_count_changes_after_the_first_exit():
    comext = composition(exits={"DD": "2020-01", "EE": "2023-03"}, accessions={"CC": "2021-07"})
    out = h.brexit_metrics(MEMBERS, comext, "2016-06-23", "both", "further_exits", "2022-09-26")
    assert out["brexit_exit_date"] == "2020-01-31"  # the exact EUMS date wins over the month
    assert out["eu_exits_after_brexit_list"] == "EE"
    assert out["eu_accessions_after_brexit_count"] == 1
    assert out["eu_collapse_signal_count"] == 1
    assert out["brexit_resolved"] is True
    net = h.brexit_metrics(MEMBERS, comext, "2016-06-23", "both", "net_shrinkage", "2025-01-01")
    assert net["eu_collapse_signal_count"] == 0 and net["brexit_resolved"] is False
    none = h.brexit_metrics(
        MEMBERS, composition(), "2016-06-23", "comext", "further_exits", "2022-09-26"
    )
    assert none["brexit_exit_date"] is None and none["eu_collapse_signal_count"] == 0


def test_parse_comext_eu_label_reads_accession_and_exit_months():
    table = comext.parse_comext_eu_label("European Union (AT-01/1995, GB-01/1973->01/2020)")
    assert list(table["country"]) == ["AT", "GB"]
    assert list(table["accession_month"]) == ["1995-01", "1973-01"]
    assert table["exit_month"].isna().iloc[0] and table["exit_month"].iloc[1] == "2020-01"
    assert comext.comext_month("Aug. 2024") == "2024-08"


# --- eastern members (context) -------------------------------------------------------------------


def unga(rows):
    return pd.DataFrame(rows, columns=["rcid", "unres", "country", "vote"])


VOTES = unga(
    [
        (1, "R/68/262", "RU", "no"),
        (1, "R/68/262", "BB", "no"),
        (1, "R/68/262", "CC", "yes"),
        (2, "R/71/205", "RU", "no"),
        (2, "R/71/205", "BB", "no"),
        (2, "R/71/205", "CC", "abstain"),
        (3, "R/72/190", "RU", "no"),
        (3, "R/72/190", "CC", "no"),
    ]
)
VETOES = pd.DataFrame(
    {
        "date": ["2006-11-24", "2024-02-23", "2025-06-26", "2023-12-15", "2019-02-01"],
        "country": ["BB", "BB", "CC", "BB", "BB"],
        "issue": ["cooperation", "invasion", "sanctions", "aid", "migration"],
        "issue_country": ["RU", "RU", "BG;RU", "UA", NA],
        "source": "https://example.org",
    }
)


def test_eastern_members_and_alignment_with_russia():
    assert h.eastern_members(MEMBERS, "2004-05-01") == ["BB", "CC", "EE"]
    table = h.alignment_with_russia(VOTES, ["BB", "CC", "EE"], "R/68/262")
    assert table.loc["BB", "same_as_russia"] == 2
    assert table.loc["BB", "share_same_as_russia"] == pytest.approx(2 / 3)
    assert table.loc["BB", "vote_on_resolution"] == "no"
    assert table.loc["EE", "vote_on_resolution"] == "absent"
    with pytest.raises(ValueError, match="RU"):
        h.alignment_with_russia(VOTES[VOTES["country"] != "RU"], ["BB"], "R/68/262")


def test_eastern_coalition_metrics_apply_the_ledger_definitions():
    out = h.eastern_coalition_metrics(
        MEMBERS, VOTES, VETOES, "2004-05-01", "R/68/262", "2014-01-01", "2019-12-27"
    )
    assert out["unga_data_last_date"] == "2019-12-27"
    assert out["eastern_members_count"] == 3
    assert out["eastern_members_no_unga_68_262_count"] == 1
    assert out["eastern_members_aligned_with_russia_ukraine_votes_count"] == 1
    assert out["eastern_members_russia_related_vetoes_since_2014_count"] == 2
    assert out["eastern_members_ukraine_related_vetoes_since_2014_count"] == 1
    assert out["ukraine_roll_calls_count"] == 3
    assert out["vetoes_data_last_date"] == "2025-06-26"


# --- summits -----------------------------------------------------------------------------------

SUMMITS = pd.DataFrame(
    {
        "date_start": ["2013-06-03", NA, "2012-12-21", "2014-01-28", "2021-06-25", NA],
        "date_end": [NA, "2010-06-01", NA, NA, NA, NA],
        "place": NA,
        "status": [
            "held",
            "held",
            "announced",
            "held (last summit)",
            "proposed (not agreed)",
            "cancelled",
        ],
        "source": "https://example.org",
        "origin": "reference_facts",
    }
)


def test_summit_metrics_count_after_the_cutoff_to_the_date_evaluated():
    out = h.summit_metrics(SUMMITS, "2014-01-31", "held", "latest", "2017-09-26")
    assert out == {
        "last_eu_russia_summit_held_year": 2014,
        "eu_russia_summits_after_cutoff": 0,
        "eu_russia_summits_after_2014_01_31": 0,
        "summits_evaluated_to": "2021-06-25",
        "summits_data_last_date": "2021-06-25",
    }
    resumed = SUMMITS.assign(
        date_start=["2013-06-03", NA, "2012-12-21", "2014-01-28", "2019-05", NA]
    )
    resumed.loc[4, "status"] = "held"
    assert (
        h.summit_metrics(resumed, "2014-01-31", "held", "latest", "2017-09-26")[
            "eu_russia_summits_after_cutoff"
        ]
        == 1
    )
    at_essay = h.summit_metrics(resumed, "2014-01-31", "held", "essay_date", "2017-09-26")
    assert at_essay["eu_russia_summits_after_cutoff"] == 0
    assert at_essay["summits_evaluated_to"] == "2017-09-26"
    early = h.summit_metrics(SUMMITS, "2014-01-01", "held", "latest", "2017-09-26")
    assert early["eu_russia_summits_after_cutoff"] == 1  # the January 2014 summit


def test_summits_announced_rows_count_only_when_chosen():
    no_2014 = SUMMITS.drop(index=3)
    assert (
        h.summit_metrics(no_2014, "2014-01-31", "held", "latest", "2017-09-26")[
            "last_eu_russia_summit_held_year"
        ]
        == 2013
    )
    held = h.summits_held(no_2014, "held_or_announced", "2021-06-25")
    assert "2012-12-21" in set(held)
    with pytest.raises(ValueError, match="summits_rows_counted"):
        h.summits_held(SUMMITS, "all", "2021-06-25")


# --- PESCO -------------------------------------------------------------------------------------

EVENTS = pd.DataFrame(
    {
        "country": ["AA", "BB", "CC", "CY", "EE", "EE"],
        "event": [
            "pesco_joined",
            "pesco_joined",
            "pesco_non_participant",
            "pesco_joined",
            "pesco_joined",
            "csdp_opt_out_ended",
        ],
        "date": ["2017-12-11", "2017-12-11", NA, "2017-12-11", "2023-05", "2022-07-01"],
        "origin": "reference_facts",
    }
)
POPULATION = pd.DataFrame(
    {
        "country": ["AA", "BB", "CC", "CY", "DD", "EE"] * 2,
        "year": [2017] * 6 + [2021] * 6,
        "population": [80e6, 4e6, 2e6, 1e6, 60e6, 9e6, 80e6, 4e6, 2e6, 1e6, 60e6, 11e6],
        "flag": NA,
    }
).astype({"population": "int64"})


def test_pesco_participants_on_compares_month_only_dates_by_month():
    assert h.pesco_participants_on(EVENTS, "2023-04-30") == ["AA", "BB", "CY"]
    assert h.pesco_participants_on(EVENTS, "2023-05-23") == ["AA", "BB", "CY", "EE"]
    assert h.opt_out_states(EVENTS) == ["EE"]


def test_pesco_metrics_keep_the_small_states_of_launch_and_compare_with_large():
    out = h.pesco_metrics(EVENTS, MEMBERS, POPULATION, 10.0, False, "2022-12-11")
    # small at launch (2017): BB, CC, CY, EE; EE grows past 10 million by 2021 but stays counted.
    assert out["pesco_small_states_count_2017"] == 4
    assert out["pesco_participation_share_small_states_2017"] == pytest.approx(2 / 4)
    assert out["pesco_participation_share_small_states_latest"] == pytest.approx(3 / 4)
    assert out["pesco_small_states_share_change"] == pytest.approx(1 / 4)
    # large: AA (in) and DD (a member at launch, gone by the latest date)
    assert out["pesco_large_states_count_latest"] == 1
    assert out["pesco_participation_share_large_states_latest"] == 1.0
    assert out["pesco_small_minus_large_latest"] == pytest.approx(-1 / 4)
    assert (
        out["pesco_small_minus_large_latest_ci_low"]
        < -0.25
        < 0
        < out["pesco_small_minus_large_latest_ci_high"]
    )
    assert out["pesco_non_participants_2017"] == 3  # CC, DD, EE
    assert out["pesco_non_participants_latest_list"] == "CC"
    assert out["pesco_data_last_date"] == "2023-05"
    assert out["pesco_resolved"] is True
    assert out["denmark_csdp_opt_out_ended_date"] == "2022-07-01"
    without = h.pesco_metrics(EVENTS, MEMBERS, POPULATION, 10.0, True, "2024-01-01")
    assert without["pesco_states_left_out"] == "EE"
    assert without["pesco_small_states_count_2017"] == 3
    assert without["pesco_participation_share_small_states_latest"] == pytest.approx(2 / 3)
    assert without["pesco_small_states_share_change"] == 0.0
    assert without["pesco_resolved"] is False


def test_newcombe_interval_reproduces_newcombe_1998_example():
    difference, low, high = h.newcombe_interval(56, 70, 48, 80)
    assert difference == pytest.approx(0.2)
    assert (low, high) == (pytest.approx(0.0524, abs=1e-4), pytest.approx(0.3339, abs=1e-4))
    assert h.newcombe_interval(1, 2, 0, 0) == (None, None, None)
    low, high = h.wilson_interval(15, 16)
    assert 0.7 < low < 0.75 and 0.98 < high < 1.0


# --- migration ---------------------------------------------------------------------------------

COUNCIL = pd.DataFrame(
    {
        "vote_procedure_id": [1, 2, 3, 4, 5, 6],
        "decision_date": [
            "2010-02-15",
            "2012-06-01",
            "2015-12-31",
            "2016-01-01",
            "2019-05-14",
            "2023-09-18",
        ],
        "policy_area": [h.JHA, h.JHA, "Finances", h.JHA, h.JHA, h.JHA],
        "against": [NA, "HU", NA, NA, "HU, PL", NA],
        "abstained": NA,
        "migration_keywords": ["asylum", NA, "migra", "visa", "border", NA],
        "title": NA,
    }
)


def test_migration_votes_selections():
    assert list(h.migration_votes(COUNCIL, "keywords")["vote_procedure_id"]) == [1, 4, 5]
    assert list(h.migration_votes(COUNCIL, "jha_area")["vote_procedure_id"]) == [1, 2, 4, 5, 6]
    with pytest.raises(ValueError, match="migration_act_selection"):
        h.migration_votes(COUNCIL, "everything")


def test_acts_per_year_clips_to_the_data_and_counts_contested_acts():
    selected = h.migration_votes(COUNCIL, "jha_area")
    out = h.acts_per_year(selected, "2016-01-01", "2023-12-31", "2010-02-15", "2023-09-18")
    assert (out["count"], out["contested"], out["uncontested"]) == (3, 1, 2)
    assert out["per_year"] == pytest.approx(3 / h.years_between("2016-01-01", "2023-09-18"))
    assert out["contested_share"] == pytest.approx(1 / 3)
    assert h.years_between("2016-01-01", "2016-12-31") == pytest.approx(366 / 365.25)


def test_migration_metrics_rates_by_measure_and_split_year():
    out = h.migration_metrics(COUNCIL, VETOES, "jha_area", "all_acts", 2016, "2022-09-26")
    pre_years = h.years_between("2010-02-15", "2015-12-31")
    post_years = h.years_between("2016-01-01", "2023-09-18")
    assert out["migration_pre_crisis_count"] == 2 and out["migration_post_crisis_count"] == 3
    assert out["migration_rate_ratio"] == pytest.approx((3 / post_years) / (2 / pre_years))
    assert out["migration_post_crisis_contested_count"] == 1
    assert out["migration_vetoes_since_2016_count"] == 1
    assert out["migration_resolved"] is True
    uncontested = h.migration_metrics(
        COUNCIL, VETOES, "jha_area", "uncontested_acts", 2016, "2022-09-26"
    )
    assert (
        uncontested["migration_pre_crisis_count"] == 1
        and uncontested["migration_post_crisis_count"] == 2
    )
    late = h.migration_metrics(COUNCIL, VETOES, "keywords", "all_acts", 2013, "2024-01-01")
    assert late["migration_acts_adopted_2010_2015_count"] == 1  # 2010-2012 under split 2013
    assert late["migration_resolved"] is False
    with pytest.raises(ValueError, match="migration_measure"):
        h.migration_metrics(COUNCIL, VETOES, "jha_area", "some", 2016, "2022-09-26")
    by_year = h.acts_by_year(h.migration_votes(COUNCIL, "jha_area"), COUNCIL)
    assert list(by_year.index) == list(range(2010, 2024)) and by_year.loc[2020, "acts"] == 0
    assert by_year.loc[2012, "contested"] == 1


def test_rate_ratio_interval_is_the_exact_binomial_one():
    ratio, low, high = h.rate_ratio_interval(19, 7.7, 26, 5.9)
    exact = stats.binomtest(19, 45).proportion_ci(0.95, method="exact")
    scale = 5.9 / 7.7
    assert ratio == pytest.approx(19 / 26 * scale)
    assert low == pytest.approx(exact.low / (1 - exact.low) * scale)
    assert high == pytest.approx(exact.high / (1 - exact.high) * scale)
    zero = h.rate_ratio_interval(0, 7.0, 20, 6.0)
    assert zero[0] == 0.0 and zero[1] == 0.0 and 0 < zero[2] < 0.3
    assert h.rate_ratio_interval(3, 7.0, 0, 6.0) == (None, None, None)


# --- populism and nationalism ------------------------------------------------------------------

POPULIST = pd.DataFrame(
    {
        "country": ["HU", "HU", "HU", "XX"],
        "parlgov_id": [921.0, 600.0, 50.0, NA],
        "party_name": ["Fidesz", "Jobbik", "Borderline", "No id"],
        "family": "populist",
        "flag": 1,
        "start": [2002, 1900, 1900, 1900],
        "end": [2100, 2100, 2100, 2100],
        "start_nobl": [2002, 1900, 2100, 1900],
        "end_nobl": [2100, 2100, 2100, 2100],
        "borderline": [0, 0, 1, 0],
    }
)
FLAGS = pd.DataFrame(
    {
        "country": ["HU", "HU", "HU", "HU"],
        "parlgov_id": [921.0, 600.0, 600.0, 1970.0],
        "party_name": ["Fidesz", "Jobbik", "Jobbik", "DK"],
        "family": ["eurosceptic", "eurosceptic", "far_right", "far_left"],
        "flag": 1,
        "start": [2010, 1900, 1900, 1900],
        "end": [2100, 2100, 2018, 2100],
        "start_nobl": [2010, 1900, 1900, 2100],
        "end_nobl": [2100, 2100, 2018, 2100],
        "borderline": [0, 0, 0, 1],
    }
)
FAMILIES = pd.concat([POPULIST, FLAGS], ignore_index=True)


def elections(rows):
    columns = ["country", "election_date", "party_id", "party_name_short", "vote_share", "seats"]
    columns.append("vote_list_party_id")
    return pd.DataFrame(rows, columns=columns)


ELECTIONS = elections(
    [
        ("HU", "1998-05-24", 921, "Fi", 30.0, 148.0, NA),  # not yet populist in 1998
        ("HU", "1998-05-24", 50, "BL", 10.0, 10.0, NA),  # borderline
        ("HU", "2022-04-03", 437, "Fi+KDNP", 54.0, NA, NA),  # alliance row, not in PopuList
        ("HU", "2022-04-03", 921, "Fi", NA, 117.0, 437),
        ("HU", "2022-04-03", 434, "KDNP", NA, 18.0, 437),
        ("HU", "2022-04-03", 1970, "DK", 36.0, 15.0, NA),  # list row with its own seats
        ("HU", "2022-04-03", 600, "Jobbik", NA, 10.0, 1970),
        ("HU", "2022-04-03", 2659, "MM", NA, 5.0, 1970),
        ("MT", "2022-03-26", 1, "PL", 55.0, 44.0, NA),  # not covered by the PopuList: dropped
    ]
)


def test_in_family_uses_years_and_the_borderline_option():
    ids, years = pd.Series([921, 921, 50, 99]), pd.Series([1998, 2002, 2000, 2000])
    assert list(h.in_family(FAMILIES, "populist", ids, years, "include")) == [
        False,
        True,
        True,
        False,
    ]
    assert list(h.in_family(FAMILIES, "populist", ids, years, "exclude")) == [
        False,
        True,
        False,
        False,
    ]
    assert list(h.is_populist(FAMILIES, ids, years, "include")) == [False, True, True, False]
    with pytest.raises(ValueError, match="populist_borderline"):
        h.in_family(FAMILIES, "populist", ids, years, "maybe")


def test_in_measure_combines_families():
    ids, years = pd.Series([921, 600, 600, 1970]), pd.Series([2012, 2012, 2022, 2012])
    assert list(h.in_measure(FAMILIES, "eurosceptic", ids, years, "include")) == [
        True,
        True,
        True,
        False,
    ]
    assert list(h.in_measure(FAMILIES, "far_right", ids, years, "include")) == [
        False,
        True,
        False,
        False,
    ]
    # Jobbik is Eurosceptic and not far left: kept; DK is far left but not Eurosceptic
    sceptic_right = h.in_measure(FAMILIES, "eurosceptic_not_far_left", ids, years, "include")
    assert list(sceptic_right) == [True, True, True, False]
    with pytest.raises(ValueError, match="nationalism_measure"):
        h.in_measure(FAMILIES, "nationalist", ids, years, "include")


def test_election_shares_split_alliances_by_seats():
    shares = h.election_populist_shares(ELECTIONS, FAMILIES, "include").set_index("election_date")
    assert shares.loc["1998-05-24", "populist_vote_pct"] == pytest.approx(10.0)
    expected = 54.0 * 117 / 135 + 36.0 * 10 / 30
    assert shares.loc["2022-04-03", "populist_vote_pct"] == pytest.approx(expected)
    assert "MT" not in set(h.covered_elections(ELECTIONS, FAMILIES)["country"])
    sceptic = h.measure_shares(ELECTIONS, FAMILIES, "eurosceptic", "include").set_index(
        "election_date"
    )
    assert sceptic.loc["1998-05-24", "vote_pct"] == 0.0  # Fidesz Eurosceptic only from 2010
    assert sceptic.loc["2022-04-03", "vote_pct"] == pytest.approx(expected)
    naive = ELECTIONS.assign(vote_list_party_id=NA)
    assert len(h.unmapped_members(naive, FAMILIES, "populist", "include")) == 2
    assert h.unmapped_members(ELECTIONS, FAMILIES, "populist", "include").empty
    lost = h.without_parlgov_id(FAMILIES, "populist", "include", range(2000, 2024))
    assert list(lost["party_name"]) == ["No id"]


def test_shares_in_force_and_by_year_take_the_election_in_force():
    shares = pd.DataFrame(
        {
            "country": ["AA", "AA", "BB"],
            "election_date": ["1999-05-01", "2001-12-31", "1998-01-01"],
            "vote_pct": [10.0, 30.0, 5.0],
        }
    )
    assert h.shares_in_force(shares, "2001-12-30").to_dict() == {"AA": 10.0, "BB": 5.0}
    by_year = h.share_by_year(shares, range(2000, 2003))
    assert list(by_year.loc[by_year["country"] == "AA", "vote_pct"]) == [10.0, 30.0, 30.0]
    with pytest.raises(ValueError, match="AA: no national election on or before 1998-12-31"):
        h.share_by_year(shares, range(1998, 1999))


def test_mean_by_year_unweighted_and_population_weighted():
    by_year = pd.DataFrame(
        {"country": ["AA", "BB"], "year": [2000, 2000], "populist_vote_pct": [10.0, 40.0]}
    )
    population = pd.DataFrame({"country": ["AA", "BB"], "year": [2000, 2000], "population": [3, 1]})
    assert h.mean_by_year(by_year, population, "unweighted").loc[2000] == pytest.approx(25.0)
    assert h.mean_by_year(by_year, population, "population").loc[2000] == pytest.approx(17.5)
    with pytest.raises(ValueError, match="no population for BB"):
        h.mean_by_year(by_year, population.iloc[:1], "population")
    with pytest.raises(ValueError, match="country_weighting"):
        h.mean_by_year(by_year, population, "gdp")


def test_weighted_mean_change_reduces_to_the_t_interval_with_equal_weights():
    before = pd.Series({"A": 10.0, "B": 20.0, "C": 5.0, "D": 12.0})
    after = pd.Series({"A": 14.0, "B": 21.0, "C": 9.0, "D": 11.0})
    out = h.weighted_mean_change(before, after, pd.Series(0.25, index=list("ABCD")))
    ci = stats.ttest_1samp(after - before, 0).confidence_interval(0.95)
    assert out["change"] == pytest.approx(2.0)
    assert (out["ci_low"], out["ci_high"]) == (pytest.approx(ci.low), pytest.approx(ci.high))
    weighted = h.weighted_mean_change(
        before, after, pd.Series([3.0, 1.0, 0.0, 0.0], index=list("ABCD"))
    )
    assert weighted["before"] == pytest.approx(12.5) and weighted["change"] == pytest.approx(3.25)
    assert h.weighted_mean_change(before[:1], after[:1], pd.Series({"A": 1.0}))["ci_low"] is None


def hand_made_inputs():
    """Two states, elections in 2015 and 2020: AA's Eurosceptic party rises, BB's falls."""
    rows = elections(
        [
            ("AA", "2015-05-01", 1, "S", 10.0, 10.0, NA),
            ("AA", "2015-05-01", 2, "O", 90.0, 90.0, NA),
            ("AA", "2020-05-01", 1, "S", 30.0, 30.0, NA),
            ("AA", "2020-05-01", 2, "O", 70.0, 70.0, NA),
            ("BB", "2014-05-01", 3, "T", 20.0, 20.0, NA),
            ("BB", "2019-05-01", 3, "T", 16.0, 16.0, NA),
        ]
    )
    flags = pd.DataFrame(
        {
            "country": ["AA", "BB"],
            "parlgov_id": [1.0, 3.0],
            "party_name": ["S", "T"],
            "family": "eurosceptic",
            "flag": 1,
            "start": 1900,
            "end": 2100,
            "start_nobl": 1900,
            "end_nobl": 2100,
            "borderline": 0,
        }
    )
    members = membership([("AA", "A", "1958-01-01", NA), ("BB", "B", "1958-01-01", "2018-01-31")])
    population = pd.DataFrame(
        {"country": ["AA", "BB"] * 2, "year": [2017, 2017, 2015, 2015], "population": [3, 1, 3, 1]}
    )
    empty = pd.DataFrame()
    return h.Inputs(
        membership=members, population=empty, composition=empty, unga=empty, vetoes=empty,
        council=empty, elections=rows, population_wb=population, pesco=empty, summits=empty,
        families=flags, unga_last_date="2019-12-27",
    )  # fmt: skip


def test_nationalism_metrics_on_hand_made_inputs():
    inputs = hand_made_inputs()
    out = h.nationalism_metrics(
        inputs, "eurosceptic", "include", "unweighted", "essay_members", "2017-09-26", "2019-01-01"
    )
    assert out["nationalist_vote_share_essay_pct"] == pytest.approx(15.0)  # (10 + 20) / 2
    assert out["nationalist_vote_share_latest_pct"] == pytest.approx(23.0)  # (30 + 16) / 2
    assert out["nationalist_vote_share_change_pct"] == pytest.approx(8.0)
    assert out["nationalist_states_count"] == 2 and out["nationalist_states_rising_count"] == 1
    assert out["populism_resolved"] is True
    weighted = h.nationalism_metrics(
        inputs, "eurosceptic", "include", "population", "essay_members", "2017-09-26", "2021-01-01"
    )
    assert weighted["nationalist_vote_share_change_pct"] == pytest.approx(0.75 * 20 - 0.25 * 4)
    assert weighted["populism_resolved"] is False
    latest = h.nationalism_metrics(
        inputs, "eurosceptic", "include", "unweighted", "latest_members", "2017-09-26", "2019-01-01"
    )
    assert latest["nationalist_states_count"] == 1  # BB left before the latest election
    assert latest["nationalist_vote_share_change_pct"] == pytest.approx(20.0)
    assert latest["nationalist_vote_share_change_ci_low"] is None  # one state: no interval


def test_populism_metrics_name_the_years_of_the_series():
    by_year = pd.DataFrame(
        {"country": ["HU"] * 3, "year": [2000, 2017, 2023], "election_date": "1998-05-24",
         "populist_vote_pct": [1.0, 2.0, 3.0]}
    )  # fmt: skip
    means = pd.Series({2000: 1.0, 2017: 2.0, 2023: 3.0})
    lost = h.without_parlgov_id(FAMILIES, "populist", "include", range(2000, 2024))
    out = h.populism_metrics(by_year, means, ELECTIONS, 0, len(lost), 2017)
    assert out["populist_vote_share_mean_2017_pct"] == 2.0
    assert out["populist_vote_share_mean_2023_pct"] == 3.0
    assert out["hungary_populist_vote_share_2023_pct"] == 3.0
    assert out["parlgov_last_election_date"] == "2022-04-03"
    assert out["populist_parties_without_parlgov_id_count"] == 1


def test_in_force_elections_start_with_the_last_one_before_the_first_year():
    table = pd.DataFrame(
        {
            "country": ["AA"] * 4 + ["BB"],
            "election_date": ["1994-01-01", "1998-01-01", "2002-01-01", "2024-02-01", "2001-01-01"],
        }
    )
    kept = px.in_force_elections(table, 2000, "2023-12-31")
    assert list(kept["election_date"]) == ["1998-01-01", "2002-01-01", "2001-01-01"]


def test_populist_flags_extract_keeps_families_with_a_window():
    raw = pd.DataFrame(
        {
            "parlgov_id": [1.0, 2.0],
            "party_name_english": ["One", "Two"],
            "farright": [1, 0],
            "farright_start": [1900, 2100],
            "farright_end": [2018, 2100],
            "farright_startnobl": [2100, 2100],
            "farright_endnobl": [2100, 2100],
            "farright_bl": [1, 0],
        }
    )
    rows = pop.family_rows(raw, "farright", "far_right")
    assert list(rows["party_name"]) == ["One"]
    assert rows.iloc[0][["start", "end", "start_nobl", "borderline"]].tolist() == [
        1900,
        2018,
        2100,
        1,
    ]


# --- evaluate on the real inputs ----------------------------------------------------------------


def test_evaluate_returns_every_ledger_metric_and_every_step_metric(default_metrics, ledger):
    needed = {
        name
        for claim in ledger.values()
        if claim.notebook == "hindsight" and claim.testable
        for name in claim.metrics
    }
    assert needed <= set(default_metrics)
    assert set(default_metrics) == set(itertools.chain(*h.STEP_METRICS.values()))
    assert all(
        value is None or isinstance(value, bool | int | float | str)
        for value in default_metrics.values()
    )


def test_evaluate_is_pure(inputs, defaults):
    before = inputs.elections.copy()
    first = h.evaluate(inputs, **defaults)
    other = h.evaluate(inputs, **{**defaults, "nationalism_measure": "far_right"})
    assert h.evaluate(inputs, **defaults) == first
    assert other != first
    pd.testing.assert_frame_equal(inputs.elections, before)


def test_evaluate_covers_the_latest_data_and_names_its_date(default_metrics, inputs):
    assert (
        default_metrics["scorecard_latest_data_date"]
        == default_metrics["membership_data_last_date"]
    )
    assert default_metrics["parlgov_last_election_date"] == inputs.elections["election_date"].max()
    assert default_metrics["council_votes_last_date"] == inputs.council["decision_date"].max()
    assert default_metrics["forecast_resolution_date"] == "2022-09-26"
    assert default_metrics["eu_exits_after_brexit_count"] == 0
    assert default_metrics["pesco_non_participants_latest"] == 1


def test_evaluate_rejects_an_unknown_choice(inputs, defaults):
    with pytest.raises(ValueError, match="collapse_measure"):
        h.evaluate(inputs, **{**defaults, "collapse_measure": "exits"})
    with pytest.raises(TypeError):
        h.evaluate(inputs, **{**defaults, "unknown": 1})


def test_every_multiverse_choice_is_a_parameter_with_alternatives(ledger):
    spec = load_params_file()["hindsight"]
    for claim_id in CLAIMS:
        claim = ledger[claim_id]
        sizes = [len(spec.parameters[name].values) for name in claim.choices]
        assert all(size >= 2 for size in sizes), claim_id
        product = 1
        for size in sizes:
            product *= size
        assert product >= 12, claim_id
        assert claim.deciding_metric in claim.metrics
        assert claim.objections and claim.amendments
        assert "thresholds" in claim.rule


# --- every verdict of the rules -----------------------------------------------------------------


def verdict(ledger, defaults, claim_id, metrics, **changes):
    return evaluate_claim(ledger[claim_id], {**metrics, **changes}, defaults)["verdict"]


CASES = {
    "migration-crisis-as-eu-failure": {
        "did_not_come_true": {},  # the default: ratio 0.56
        "came_true": {"migration_rate_ratio": 0.45, "migration_rate_ratio_ci_high": 0.9},
        "too_early": {"migration_resolved": False},
    },
    "brexit-start-of-eu-collapse": {
        "did_not_come_true": {},
        "came_true": {"eu_collapse_signal_count": 1, "brexit_resolved": False},
        "too_early": {"brexit_resolved": False},
    },
    "populism-rise-as-nationalism": {
        "did_not_come_true": {},
        "came_true": {
            "nationalist_vote_share_change_pct": 4.3,
            "nationalist_vote_share_change_ci_low": 0.4,
        },
        "too_early": {"populism_resolved": False},
    },
    "small-states-will-strive-defence-unity": {
        "came_true": {},
        "did_not_come_true": {"pesco_participation_share_small_states_latest": 0.8889},
        "too_early": {"pesco_resolved": False},
    },
    "eu-russia-summits-stopped-2014": {
        "supported": {},
        "partly_supported": {"last_eu_russia_summit_held_year": 2013},
        "not_supported": {"eu_russia_summits_after_cutoff": 1},
    },
}


@pytest.mark.parametrize(
    ("claim_id", "expected"), [(c, v) for c, cases in CASES.items() for v in cases]
)
def test_every_verdict_of_the_hindsight_rules(
    ledger, defaults, default_metrics, claim_id, expected
):
    changes = CASES[claim_id][expected]
    assert verdict(ledger, defaults, claim_id, default_metrics, **changes) == expected


def test_the_cases_cover_every_verdict_each_rule_can_give(ledger):
    for claim_id in CLAIMS:
        rule = ledger[claim_id].rule
        possible = {step["verdict"] for step in rule["verdicts"]} | {rule["otherwise"]}
        assert possible == set(CASES[claim_id]), claim_id


def test_rule_details_that_a_referee_asked_for(ledger, defaults, default_metrics):
    def v(claim_id, **changes):
        return verdict(ledger, defaults, claim_id, default_metrics, **changes)

    migration = "migration-crisis-as-eu-failure"
    # a halving whose interval includes 1 does not decide for the Russian reading
    assert (
        v(migration, migration_rate_ratio=0.45, migration_rate_ratio_ci_high=1.2)
        == "did_not_come_true"
    )
    pesco = "small-states-will-strive-defence-unity"
    # small states distinguishably behind the large ones, or fewer of them than at launch
    assert v(pesco, pesco_small_minus_large_latest_ci_high=-0.01) == "did_not_come_true"
    assert v(pesco, pesco_small_states_share_change=-0.05) == "did_not_come_true"
    populism = "populism-rise-as-nationalism"
    # a rise of 2.6 points whose interval includes 0 (population weighting) does not decide
    changes = {
        "nationalist_vote_share_change_pct": 2.6,
        "nationalist_vote_share_change_ci_low": -1.0,
    }
    assert v(populism, **changes) == "did_not_come_true"


def test_scorecard_has_a_row_per_hindsight_claim_with_verdict_and_latest_date(
    ledger, defaults, default_metrics
):
    one = {c: ledger[c] for c in ("brexit-start-of-eu-collapse", "eu-seen-as-political-dwarf")}
    metrics = {
        **default_metrics,
        "eu_collapse_signal_count": 1,
        "membership_data_last_date": "2030-01",
    }
    table = h.scorecard(one, "hindsight", metrics, defaults)
    assert table.loc["brexit-start-of-eu-collapse", "verdict"] == "Came true"
    assert table.loc["brexit-start-of-eu-collapse", "latest data"] == "2030-01"
    assert table.loc["eu-seen-as-political-dwarf", "verdict"].startswith("Not testable")


def test_step_metrics_round_floats_only(default_metrics):
    shown = h.step_metrics(default_metrics, "migration")
    assert list(shown) == list(h.STEP_METRICS["migration"])
    assert shown["migration_rate_ratio"] == round(default_metrics["migration_rate_ratio"], 4)
    assert shown["council_votes_last_date"] == default_metrics["council_votes_last_date"]


# --- committed notebook outputs ----------------------------------------------------------------


def test_committed_notebook_shows_no_exit_after_the_uk():
    notebook = json.loads((NOTEBOOKS_DIR / "hindsight.ipynb").read_text())
    text = "".join(
        "".join(output.get("data", {}).get("text/plain", ""))
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
        for output in cell.get("outputs", [])
    )
    assert "'eu_exits_after_brexit_count': 0" in text
    assert "'pesco_non_participants_latest': 1" in text
