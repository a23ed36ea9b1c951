"""Unit tests of the hindsight functions and extract helpers, on small hand-made frames."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from euclaims import hindsight as h
from euclaims.claims import load_ledger
from euclaims.extracts import hindsight as hx
from euclaims.paths import NOTEBOOKS_DIR

NA = None


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


# --- Brexit ------------------------------------------------------------------------------------


def test_membership_changes_counts_exits_from_either_source():
    out = h.membership_changes(MEMBERS, composition(exits={"DD": "2020-01", "EE": "2023-03"}))
    assert out["eu_member_states_left_since_2016"] == 2
    assert out["eu_member_states_left_since_2016_list"] == "DD;EE"
    assert out["eu_member_count_latest"] == 4
    assert out["membership_data_last_date"] == "2024-08"


def test_membership_changes_counts_accessions_and_ignores_old_exits():
    old = MEMBERS.assign(exit_date=[NA, NA, NA, NA, "2015-12-31", NA])
    out = h.membership_changes(
        old, composition(exits={"DD": "2015-12"}, accessions={"EE": "2017-01"})
    )
    assert out["eu_member_states_left_since_2016"] == 0
    assert out["eu_accessions_since_2016"] == 1


def test_membership_changes_rejects_sources_listing_different_states():
    with pytest.raises(ValueError, match="only in Comext"):
        h.membership_changes(MEMBERS.iloc[:-1], composition())


def test_parse_comext_eu_label_reads_accession_and_exit_months():
    table = hx.parse_comext_eu_label("European Union (AT-01/1995, GB-01/1973->01/2020)")
    assert list(table["country"]) == ["AT", "GB"]
    assert list(table["accession_month"]) == ["1995-01", "1973-01"]
    assert table["exit_month"].isna().iloc[0] and table["exit_month"].iloc[1] == "2020-01"
    assert hx.comext_month("Aug. 2024") == "2024-08"


# --- eastern members ---------------------------------------------------------------------------


def test_eastern_members_excludes_cyprus_and_old_members():
    assert h.eastern_members(MEMBERS) == ["BB", "CC", "EE"]


def unga(rows):
    frame = pd.DataFrame(rows, columns=["rcid", "unres", "country", "vote"])
    return frame.assign(dataset_last_date="2019-12-27")


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


def test_alignment_with_russia_counts_identical_votes_over_all_roll_calls():
    table = h.alignment_with_russia(VOTES, ["BB", "CC", "EE"])
    assert table.loc["BB", "same_as_russia"] == 2
    assert table.loc["BB", "share_same_as_russia"] == pytest.approx(2 / 3)
    assert table.loc["CC", "share_same_as_russia"] == pytest.approx(1 / 3)
    assert table.loc["BB", "vote_on_68_262"] == "no"
    assert table.loc["EE", "vote_on_68_262"] == "absent"
    assert table.loc["EE", "same_as_russia"] == 0


def test_alignment_with_russia_needs_russian_votes():
    with pytest.raises(ValueError, match="RU"):
        h.alignment_with_russia(VOTES[VOTES["country"] != "RU"], ["BB"])


VETOES = pd.DataFrame(
    {
        "date": ["2006-11-24", "2024-02-23", "2025-06-26", "2023-12-15", "2019-02-01"],
        "country": ["BB", "BB", "CC", "BB", "BB"],
        "issue": ["cooperation", "invasion", "sanctions", "aid", "migration"],
        "issue_country": ["RU", "RU", "BG;RU", "UA", NA],
        "source": "https://example.org",
    }
)


def test_eastern_coalition_metrics_apply_the_ledger_definitions():
    out = h.eastern_coalition_metrics(MEMBERS, VOTES, VETOES)
    assert out["eastern_members_count"] == 3
    assert out["eastern_members_no_unga_68_262_count"] == 1
    assert out["eastern_members_aligned_with_russia_ukraine_votes_count"] == 1
    assert out["eastern_members_russia_related_vetoes_since_2014_count"] == 2
    assert out["eastern_members_ukraine_related_vetoes_since_2014_count"] == 1
    assert out["ukraine_roll_calls_count"] == 3
    assert out["vetoes_data_last_date"] == "2025-06-26"


def test_ukraine_roll_calls_match_titles_not_cosponsor_lists():
    calls = pd.DataFrame(
        {
            "rcid": [1, 2, 3, 4],
            "date": ["2014-03-27", "2017-12-11", "2018-12-17", "2010-01-01"],
            "unres": ["R/68/262", "R/72/131", "R/73/194", "R/64/1"],
            "short": ["ARMED CONFLICTS", NA, "Problem of Crimea : resolution", "Crimea"],
            "descr": [
                "Territorial integrity of Ukraine : resolution",
                "sponsors: Armenia, Ukraine and Zambia",
                "x",
                "Crimea",
            ],
        }
    )
    table = hx.ukraine_roll_calls(calls)
    assert list(table["rcid"]) == [1, 3]
    assert list(table["title"]) == ["Territorial integrity of Ukraine", "Problem of Crimea"]


# --- summits -----------------------------------------------------------------------------------

SUMMITS = pd.DataFrame(
    {
        "date_start": ["2013-06-03", NA, "2014-01-28", "2021-06-25", NA],
        "date_end": [NA, "2010-06-01", NA, NA, NA],
        "place": NA,
        "status": ["held", "held", "held (last summit)", "proposed (not agreed)", "cancelled"],
        "source": "https://example.org",
        "origin": "reference_facts",
    }
)


def test_summit_metrics():
    out = h.summit_metrics(SUMMITS)
    assert out == {
        "last_eu_russia_summit_held_year": 2014,
        "eu_russia_summits_after_2014_01_31": 0,
        "summits_data_last_date": "2021-06-25",
    }
    later = SUMMITS.assign(date_start=["2013-06-03", NA, "2014-01-28", "2015-05", NA])
    later.loc[3, "status"] = "held"
    assert h.summit_metrics(later)["eu_russia_summits_after_2014_01_31"] == 1


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


def test_pesco_metrics_keep_the_small_states_of_launch():
    out = h.pesco_metrics(EVENTS, MEMBERS, POPULATION, 10.0)
    # small at launch (2017): BB, CC, CY, EE; EE grows past 10 million by 2021 but stays counted.
    assert out["pesco_small_states_count_2017"] == 4
    assert out["pesco_participation_share_small_states_2017"] == pytest.approx(2 / 4)
    assert out["pesco_participation_share_small_states_latest"] == pytest.approx(3 / 4)
    assert out["pesco_non_participants_2017"] == 3  # CC, DD (still a member), EE
    assert out["pesco_non_participants_latest_list"] == "CC"
    assert out["pesco_data_last_date"] == "2023-05"
    assert out["denmark_csdp_opt_out_ended_date"] == "2022-07-01"


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
    assert out["count"] == 3
    assert out["per_year"] == pytest.approx(3 / h.years_between("2016-01-01", "2023-09-18"))
    assert out["contested_share"] == pytest.approx(1 / 3)
    assert h.years_between("2016-01-01", "2016-12-31") == pytest.approx(366 / 365.25)


def test_migration_metrics():
    out = h.migration_metrics(COUNCIL, VETOES, "keywords")
    assert out["migration_acts_adopted_2010_2015_count"] == 1
    assert out["migration_acts_adopted_2016_2023_count"] == 2
    assert out["migration_acts_contested_share_2016_2023"] == pytest.approx(0.5)
    assert out["council_votes_last_date"] == "2023-09-18"
    assert out["migration_vetoes_since_2016_count"] == 1
    per_year = h.acts_by_year(h.migration_votes(COUNCIL, "jha_area"))
    assert per_year.loc[2012, "contested"] == 1 and per_year.loc[2016, "acts"] == 1


def test_migration_keywords_skip_cross_border_acts():
    assert hx.migration_keywords("on cross-border exchange of information") is None
    assert hx.migration_keywords("external borders and visas; Eurodac") == "border;eurodac;visa"
    assert hx.migration_keywords("statistical RETURNS") == "return"


# --- populism ----------------------------------------------------------------------------------

POPULIST = pd.DataFrame(
    {
        "country": ["HU", "HU", "HU", "XX"],
        "parlgov_id": [921.0, 600.0, 50.0, NA],
        "party_name": ["Fidesz", "Jobbik", "Borderline", "No id"],
        "populist_start": [2002, 1900, 1900, 1900],
        "populist_end": [2100, 2100, 2100, 2100],
        "populist_startnobl": [2002, 1900, 2100, 1900],
        "populist_endnobl": [2100, 2100, 2100, 2100],
        "populist_bl": [0, 0, 1, 0],
    }
)


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


def test_is_populist_uses_years_and_the_borderline_option():
    ids, years = pd.Series([921, 921, 50, 99]), pd.Series([1998, 2002, 2000, 2000])
    assert list(h.is_populist(POPULIST, ids, years, "include")) == [False, True, True, False]
    assert list(h.is_populist(POPULIST, ids, years, "exclude")) == [False, True, False, False]
    with pytest.raises(ValueError, match="populist_borderline"):
        h.is_populist(POPULIST, ids, years, "maybe")


def test_election_populist_shares_split_alliances_by_seats():
    shares = h.election_populist_shares(ELECTIONS, POPULIST, "include").set_index("election_date")
    assert shares.loc["1998-05-24", "populist_vote_pct"] == pytest.approx(10.0)
    expected = 54.0 * 117 / 135 + 36.0 * 10 / 30
    assert shares.loc["2022-04-03", "populist_vote_pct"] == pytest.approx(expected)
    naive = ELECTIONS.assign(vote_list_party_id=NA)
    unmapped = h.election_populist_shares(naive, POPULIST, "include").set_index("election_date")
    assert unmapped.loc["2022-04-03", "populist_vote_pct"] == 0.0
    assert len(h.unmapped_populist_members(naive, POPULIST, "include")) == 2
    assert h.unmapped_populist_members(ELECTIONS, POPULIST, "include").empty


def test_populist_list_row_with_non_populist_member_is_split_too():
    rows = elections(
        [
            ("HU", "2002-04-21", 921, "Fi", 41.0, 164.0, NA),
            ("HU", "2002-04-21", 546, "MDF", NA, 24.0, 921),
            ("HU", "2006-04-09", 600, "Jobbik", 2.0, 0.0, NA),
        ]
    )
    shares = h.election_populist_shares(rows, POPULIST, "include").set_index("election_date")
    assert shares.loc["2002-04-21", "populist_vote_pct"] == pytest.approx(41.0 * 164 / 188)
    assert shares.loc["2006-04-09", "populist_vote_pct"] == pytest.approx(2.0)


def test_populist_share_by_year_takes_the_election_in_force():
    shares = pd.DataFrame(
        {
            "country": ["AA", "AA", "BB"],
            "election_date": ["1999-05-01", "2001-12-31", "1998-01-01"],
            "populist_vote_pct": [10.0, 30.0, 5.0],
        }
    )
    by_year = h.populist_share_by_year(shares, range(2000, 2003))
    aa = by_year[by_year["country"] == "AA"].set_index("year")["populist_vote_pct"]
    assert list(aa) == [10.0, 30.0, 30.0]
    with pytest.raises(ValueError, match="AA: no national election on or before 1997"):
        h.populist_share_by_year(shares, range(1997, 1998))


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


def test_populists_without_parlgov_id_and_metrics():
    lost = h.populists_without_parlgov_id(POPULIST, "include", range(2000, 2024))
    assert list(lost["party_name"]) == ["No id"]
    by_year = pd.DataFrame(
        {
            "country": ["HU"] * 3,
            "year": [2000, 2017, 2023],
            "election_date": ["1998-05-24"] * 3,
            "populist_vote_pct": [1.0, 2.0, 3.0],
        }
    )
    means = pd.Series({2000: 1.0, 2017: 2.0, 2023: 3.0})
    out = h.populism_metrics(by_year, means, ELECTIONS, ELECTIONS.iloc[:0], lost)
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
    kept = hx.in_force_elections(table, 2000, "2023-12-31")
    assert list(kept["election_date"]) == ["1998-01-01", "2002-01-01", "2001-01-01"]


# --- scorecard ---------------------------------------------------------------------------------


def test_scorecard_has_a_row_per_hindsight_claim_with_verdict_and_latest_date():
    ledger = load_ledger()
    claim = ledger["brexit-start-of-eu-collapse"]
    metrics = {
        "eu_member_states_left_since_2016": 2,
        "eu_accessions_since_2016": 0,
        "eu_member_count_latest": 26,
        "membership_data_last_date": "2030-01",
    }
    one = {claim.id: claim, "eu-seen-as-political-dwarf": ledger["eu-seen-as-political-dwarf"]}
    table = h.scorecard(one, "hindsight", metrics, {})
    assert table.loc[claim.id, "verdict"] == "Came true"
    assert table.loc[claim.id, "latest data"] == "2030-01"
    assert table.loc["eu-seen-as-political-dwarf", "verdict"].startswith("Not testable")


# --- committed notebook outputs ----------------------------------------------------------------


def test_committed_notebook_shows_no_exit_after_the_uk():
    notebook = json.loads((NOTEBOOKS_DIR / "hindsight.ipynb").read_text())
    text = "".join(
        "".join(output.get("data", {}).get("text/plain", ""))
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
        for output in cell.get("outputs", [])
    )
    assert "'eu_member_states_left_since_2016': 1" in text
    assert "'pesco_non_participants_latest': 1" in text


def test_rounded_sorts_and_rounds_floats_only():
    assert h.rounded({"b": 1 / 3, "a": 2, "c": "x"}) == {"a": 2, "b": 0.3333, "c": "x"}
    assert list(h.rounded({"b": 1, "a": 2})) == ["a", "b"]
