"""The essay's forecasts and the Russian expectations it describes, checked to the latest data.

Small pure functions over the `hindsight_*` extracts; each returns plain values or tidy frames.
Dates are ISO strings ('YYYY-MM-DD' or 'YYYY-MM'), compared as strings.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from .claims import VERDICT_LABELS, Claim, evaluate_claim
from .plotting import A4_WIDTH_INCHES
from .sizes import classify_sizes, members_on, population_of

#: The Brexit referendum: exits and accessions are counted from this day on.
BREXIT_REFERENDUM = "2016-06-23"
#: Eastern members: the enlargements of these years, without the two Mediterranean islands.
EASTERN_ACCESSION_YEARS = (2004, 2007, 2013)
EASTERN_EXCLUDED = ("CY", "MT")
#: The UNGA resolution on the territorial integrity of Ukraine (27 March 2014).
UNGA_68_262 = "R/68/262"
JHA = "Justice and Home Affairs"
MIGRATION_SELECTIONS = ("keywords", "jha_area")
BORDERLINE_CHOICES = ("include", "exclude")
WEIGHTINGS = ("unweighted", "population")

#: Which metric dates the latest data behind each hindsight claim.
LATEST_DATA_METRIC = {
    "brexit-start-of-eu-collapse": "membership_data_last_date",
    "eastern-states-russia-coalition-absurd": "unga_data_last_date",
    "eu-russia-summits-stopped-2014": "summits_data_last_date",
    "migration-crisis-as-eu-failure": "council_votes_last_date",
    "populism-rise-as-nationalism": "parlgov_last_election_date",
    "small-states-will-strive-defence-unity": "pesco_data_last_date",
}


# --- "the EU will collapse" after Brexit ---------------------------------------------------------


def membership_changes(
    membership: pd.DataFrame, composition: pd.DataFrame, since: str = BREXIT_REFERENDUM
) -> dict[str, Any]:
    """Exits and accessions on or after `since`, and the members at the latest data.

    `membership` has exact dates (EUMS, state of 2021); `composition` has months and runs later
    (Eurostat Comext). A state counts if either source dates an exit / accession on or after
    `since`; the two must list the same states.
    """
    eums, comext = set(membership["country"]), set(composition["country"])
    if eums != comext:
        raise ValueError(
            f"membership sources disagree on the states: only in EUMS {sorted(eums - comext)}, "
            f"only in Comext {sorted(comext - eums)}"
        )
    month = since[:7]
    left = set(membership.loc[membership["exit_date"].fillna("") >= since, "country"])
    left |= set(composition.loc[composition["exit_month"].fillna("") >= month, "country"])
    joined = set(membership.loc[membership["accession_date"] >= since, "country"])
    joined |= set(composition.loc[composition["accession_month"] >= month, "country"])
    as_of = str(composition["composition_as_of"].max())
    current = composition["exit_month"].isna() | (composition["exit_month"] > as_of)
    return {
        "eu_member_states_left_since_2016": len(left),
        "eu_accessions_since_2016": len(joined),
        "eu_member_count_latest": int(current.sum()),
        "membership_data_last_date": as_of,
        "eu_member_states_left_since_2016_list": ";".join(sorted(left)),
    }


# --- eastern members and a coalition around Russia ----------------------------------------------


def eastern_members(membership: pd.DataFrame) -> list[str]:
    """States that joined in 2004, 2007 or 2013, other than Cyprus and Malta, sorted."""
    years = membership["accession_date"].str.slice(0, 4).astype(int)
    eastern = years.isin(EASTERN_ACCESSION_YEARS) & ~membership["country"].isin(EASTERN_EXCLUDED)
    return sorted(membership.loc[eastern, "country"])


def alignment_with_russia(votes: pd.DataFrame, countries: list[str]) -> pd.DataFrame:
    """Per country: roll calls, votes identical to Russia's, their share, and the 68/262 vote.

    The share is over every selected roll call (an absence is not a vote with Russia).
    """
    calls = votes[["rcid", "unres"]].drop_duplicates()
    russia = votes[votes["country"] == "RU"].set_index("rcid")["vote"]
    if russia.empty:
        raise ValueError("no Russian votes in the UNGA votes table (country 'RU')")
    rows = []
    for country in countries:
        own = votes[votes["country"] == country].set_index("rcid")["vote"]
        same = int((own.reindex(russia.index) == russia).sum())
        on_68_262 = own.reindex(calls.loc[calls["unres"] == UNGA_68_262, "rcid"])
        rows.append(
            {
                "country": country,
                "roll_calls": len(calls),
                "votes_cast": len(own),
                "same_as_russia": same,
                "share_same_as_russia": same / len(calls) if len(calls) else float("nan"),
                "vote_on_68_262": on_68_262.iloc[0] if len(on_68_262.dropna()) else "absent",
            }
        )
    return pd.DataFrame(rows).set_index("country")


def vetoes_on(
    vetoes: pd.DataFrame, countries: list[str], targets: tuple[str, ...], since: str
) -> pd.DataFrame:
    """Vetoes by `countries` on or after `since` whose target country is one of `targets`."""
    targeted = (
        vetoes["issue_country"].fillna("").str.split(";").map(lambda t: bool(set(t) & set(targets)))
    )
    keep = targeted & vetoes["country"].isin(countries) & (vetoes["date"] >= since)
    return vetoes[keep]


def eastern_coalition_metrics(
    membership: pd.DataFrame, votes: pd.DataFrame, vetoes: pd.DataFrame
) -> dict[str, Any]:
    """Metrics of claim eastern-states-russia-coalition-absurd."""
    eastern = eastern_members(membership)
    table = alignment_with_russia(votes, eastern)
    return {
        "eastern_members_count": len(eastern),
        "eastern_members_no_unga_68_262_count": int((table["vote_on_68_262"] == "no").sum()),
        "eastern_members_aligned_with_russia_ukraine_votes_count": int(
            (table["share_same_as_russia"] > 0.5).sum()
        ),
        "eastern_members_russia_related_vetoes_since_2014_count": len(
            vetoes_on(vetoes, eastern, ("RU",), "2014-01-01")
        ),
        "eastern_members_ukraine_related_vetoes_since_2014_count": len(
            vetoes_on(vetoes, eastern, ("UA",), "2014-01-01")
        ),
        "ukraine_roll_calls_count": int(votes["rcid"].nunique()),
        "unga_data_last_date": str(votes["dataset_last_date"].max()),
        "vetoes_data_last_date": str(vetoes["date"].max()),
    }


# --- EU-Russia summits ----------------------------------------------------------------------


def summit_metrics(summits: pd.DataFrame, after: str = "2014-01-31") -> dict[str, Any]:
    """Last summit held, summits held after `after`, and the latest dated row of the table."""
    dates = summits["date_start"].fillna(summits["date_end"])
    held = summits["status"].str.startswith("held")
    if not held.any():
        raise ValueError("the summits table has no row with status 'held'")
    held_dates = dates[held].dropna()
    return {
        "last_eu_russia_summit_held_year": int(held_dates.max()[:4]),
        "eu_russia_summits_after_2014_01_31": int((held_dates > after).sum()),
        "summits_data_last_date": str(dates.dropna().max()),
    }


# --- PESCO and small states ------------------------------------------------------------------


def pesco_participants_on(events: pd.DataFrame, date: str) -> list[str]:
    """States that had joined PESCO on `date` (a month-only join date counts from that month)."""
    joined = events[(events["event"] == "pesco_joined") & events["date"].notna()]
    return sorted(joined.loc[joined["date"].str.slice(0, len(date)) <= date, "country"])


def small_states_of(
    membership: pd.DataFrame, population: pd.DataFrame, date: str, threshold_millions: float
) -> list[str]:
    """Members on `date` with fewer inhabitants than the threshold on 1 January of its year."""
    members = members_on(membership, date)
    sizes = classify_sizes(population_of(population, members, int(date[:4])), threshold_millions)
    return sorted(sizes.index[sizes["size_class"] == "small"])


def pesco_small_state_share(
    events: pd.DataFrame, membership: pd.DataFrame, date: str, small_states: list[str]
) -> dict[str, Any]:
    """Share of `small_states` that are members on `date` and in PESCO; all non-participants.

    The small states are fixed once (at PESCO's launch), so that a change in the share is a
    change in participation, not a state crossing the population threshold.
    """
    members = members_on(membership, date)
    small = sorted(set(small_states) & set(members))
    participants = set(pesco_participants_on(events, date))
    return {
        "small_states": small,
        "small_in_pesco": sorted(set(small) & participants),
        "share": len(set(small) & participants) / len(small) if small else None,
        "non_participants": sorted(set(members) - participants),
    }


def pesco_metrics(
    events: pd.DataFrame,
    membership: pd.DataFrame,
    population: pd.DataFrame,
    threshold_millions: float,
) -> dict[str, Any]:
    """Metrics of claim small-states-will-strive-defence-unity (size classes of launch year)."""
    joined = events.loc[events["event"] == "pesco_joined", "date"].dropna()
    launch, latest = str(joined.min()), str(events["date"].dropna().max())
    small = small_states_of(membership, population, launch, threshold_millions)
    at_launch = pesco_small_state_share(events, membership, launch, small)
    now = pesco_small_state_share(events, membership, latest, small)
    opt_out = events.loc[events["event"] == "csdp_opt_out_ended", "date"]
    return {
        "pesco_launch_date": launch,
        "pesco_data_last_date": latest,
        "pesco_small_states_count_2017": len(at_launch["small_states"]),
        "pesco_small_states_count_latest": len(now["small_states"]),
        "pesco_participation_share_small_states_2017": at_launch["share"],
        "pesco_participation_share_small_states_latest": now["share"],
        "pesco_non_participants_2017": len(at_launch["non_participants"]),
        "pesco_non_participants_latest": len(now["non_participants"]),
        "pesco_non_participants_latest_list": ";".join(now["non_participants"]),
        "pesco_size_class_population_year": int(launch[:4]),
        "denmark_csdp_opt_out_ended_date": str(opt_out.iloc[0]) if len(opt_out) else None,
    }


# --- migration: Council legislation -------------------------------------------------------------


def migration_votes(council: pd.DataFrame, selection: str) -> pd.DataFrame:
    """Council votes on migration acts: 'keywords' (JHA with a migration keyword) or 'jha_area'."""
    if selection not in MIGRATION_SELECTIONS:
        raise ValueError(
            f"parameter 'migration_act_selection': {selection!r} is not one of "
            f"{list(MIGRATION_SELECTIONS)}"
        )
    jha = council["policy_area"] == JHA
    if selection == "keywords":
        jha &= council["migration_keywords"].notna()
    return council[jha]


def years_between(start: str, end: str) -> float:
    """Length in years (365.25 days) from `start` to `end` inclusive."""
    return ((pd.Timestamp(end) - pd.Timestamp(start)).days + 1) / 365.25


def acts_per_year(
    selected: pd.DataFrame, start: str, end: str, data_first: str, data_last: str
) -> dict[str, float | int]:
    """Acts adopted from `start` to `end` (clipped to the data's coverage), per year."""
    lo, hi = max(start, data_first), min(end, data_last)
    window = selected[(selected["decision_date"] >= lo) & (selected["decision_date"] <= hi)]
    contested = window["against"].notna()
    return {
        "count": len(window),
        "per_year": len(window) / years_between(lo, hi),
        "contested_share": float(contested.mean()) if len(window) else None,
    }


def migration_metrics(council: pd.DataFrame, vetoes: pd.DataFrame, selection: str) -> dict:
    """Metrics of claim migration-crisis-as-eu-failure."""
    first, last = str(council["decision_date"].min()), str(council["decision_date"].max())
    selected = migration_votes(council, selection)
    before = acts_per_year(selected, "2010-01-01", "2015-12-31", first, last)
    after = acts_per_year(selected, "2016-01-01", "2023-12-31", first, last)
    migration_vetoes = vetoes[(vetoes["issue"] == "migration") & (vetoes["date"] >= "2016-01-01")]
    return {
        "migration_acts_adopted_2010_2015_count": before["count"],
        "migration_acts_adopted_2016_2023_count": after["count"],
        "migration_acts_per_year_2010_2015": before["per_year"],
        "migration_acts_per_year_2016_2023": after["per_year"],
        "migration_acts_contested_share_2010_2015": before["contested_share"],
        "migration_acts_contested_share_2016_2023": after["contested_share"],
        "council_votes_first_date": first,
        "council_votes_last_date": last,
        "migration_vetoes_since_2016_count": len(migration_vetoes),
    }


def acts_by_year(selected: pd.DataFrame) -> pd.DataFrame:
    """Acts per calendar year, and how many of them had at least one vote against."""
    years = selected["decision_date"].str.slice(0, 4).astype(int)
    table = selected.assign(year=years, contested=selected["against"].notna())
    return table.groupby("year").agg(acts=("year", "size"), contested=("contested", "sum"))


# --- populism: vote share of populist parties ----------------------------------------------------


def is_populist(
    populist: pd.DataFrame, party_ids: pd.Series, years: pd.Series, borderline: str
) -> pd.Series:
    """Whether each party was populist in the given year (PopuList; borderline cases per option).

    A ParlGov id listed more than once counts as populist if any of its PopuList rows does.
    """
    if borderline not in BORDERLINE_CHOICES:
        raise ValueError(
            f"parameter 'populist_borderline': {borderline!r} is not one of "
            f"{list(BORDERLINE_CHOICES)}"
        )
    start, end = (
        ("populist_start", "populist_end")
        if borderline == "include"
        else ("populist_startnobl", "populist_endnobl")
    )
    pairs = pd.DataFrame({"parlgov_id": party_ids.to_numpy(), "year": years.to_numpy()})
    known = populist[populist["parlgov_id"].notna()].astype({"parlgov_id": "int64"})
    merged = pairs.reset_index().merge(known[["parlgov_id", start, end]], on="parlgov_id")
    merged["hit"] = (merged[start] <= merged["year"]) & (merged["year"] <= merged[end])
    hits = merged.groupby("index")["hit"].any()
    return pd.Series(
        hits.reindex(range(len(pairs)), fill_value=False).to_numpy(), index=party_ids.index
    )


def election_populist_shares(
    elections: pd.DataFrame, populist: pd.DataFrame, borderline: str
) -> pd.DataFrame:
    """Populist vote share (%) per national election, electoral alliances mapped.

    A row with a vote share and no alliance members counts fully if its party is populist in
    the election year. The vote share of an alliance row (members: rows whose
    `vote_list_party_id` points to it) is split by seats among the row's own party and its
    members, and the populist parties' part counts. Countries the PopuList does not cover are
    dropped.
    """
    table = elections[elections["country"].isin(set(populist["country"]))].copy()
    table["populist"] = is_populist(
        populist, table["party_id"], table["election_date"].str.slice(0, 4).astype(int), borderline
    )
    table["seats"] = table["seats"].fillna(0.0)
    key = ["country", "election_date"]
    members = table[table["vote_list_party_id"].notna()].assign(
        party_id=lambda t: t["vote_list_party_id"].astype("int64"),
        populist_seats=lambda t: t["seats"].where(t["populist"], 0.0),
    )
    member_seats = members.groupby([*key, "party_id"])[["seats", "populist_seats"]].sum()
    voting = table[table["vote_share"].notna()].join(
        member_seats.rename(columns={"seats": "member_seats"}), on=[*key, "party_id"]
    )
    seats = voting[["member_seats", "populist_seats"]].fillna(0.0)
    own_populist_seats = voting["seats"].where(voting["populist"], 0.0)
    list_seats = voting["seats"] + seats["member_seats"]
    alliance = (seats["populist_seats"] + own_populist_seats) / list_seats.where(list_seats > 0)
    alone = voting["populist"].astype(float)
    share = alliance.where(seats["member_seats"] > 0, alone).fillna(0.0)
    voting["populist_vote_pct"] = voting["vote_share"] * share
    return voting.groupby(key, as_index=False)["populist_vote_pct"].sum()


def unmapped_populist_members(
    elections: pd.DataFrame, populist: pd.DataFrame, borderline: str
) -> pd.DataFrame:
    """Populist parties with seats but no vote share and no alliance mapping (votes lost)."""
    years = elections["election_date"].str.slice(0, 4).astype(int)
    flag = is_populist(populist, elections["party_id"], years, borderline)
    lost = flag & elections["vote_share"].isna() & elections["vote_list_party_id"].isna()
    return elections[lost & (elections["seats"].fillna(0) > 0)]


def populist_share_by_year(shares: pd.DataFrame, years: range) -> pd.DataFrame:
    """Per country and year, the populist share in the latest election held by 31 December."""
    rows = []
    for country, group in shares.groupby("country"):
        ordered = group.sort_values("election_date")
        for year in years:
            held = ordered[ordered["election_date"] <= f"{year}-12-31"]
            if held.empty:
                raise ValueError(f"{country}: no national election on or before {year} in the data")
            last = held.iloc[-1]
            rows.append(
                {
                    "country": country,
                    "year": year,
                    "election_date": last["election_date"],
                    "populist_vote_pct": float(last["populist_vote_pct"]),
                }
            )
    return pd.DataFrame(rows)


def mean_by_year(by_year: pd.DataFrame, population: pd.DataFrame, weighting: str) -> pd.Series:
    """Mean populist share per year across countries, unweighted or population-weighted."""
    if weighting not in WEIGHTINGS:
        raise ValueError(
            f"parameter 'country_weighting': {weighting!r} is not one of {list(WEIGHTINGS)}"
        )
    if weighting == "unweighted":
        return by_year.groupby("year")["populist_vote_pct"].mean()
    table = by_year.merge(population, on=["country", "year"], how="left")
    missing = table[table["population"].isna()]
    if not missing.empty:
        first = missing.iloc[0]
        raise ValueError(f"no population for {first['country']} in {first['year']}")
    weighted = table.assign(w=table["populist_vote_pct"] * table["population"])
    sums = weighted.groupby("year")[["w", "population"]].sum()
    return sums["w"] / sums["population"]


def populists_without_parlgov_id(
    populist: pd.DataFrame, borderline: str, years: range
) -> pd.DataFrame:
    """PopuList parties populist in some year of `years` that have no ParlGov id (votes lost)."""
    start, end = (
        ("populist_start", "populist_end")
        if borderline == "include"
        else ("populist_startnobl", "populist_endnobl")
    )
    overlaps = (populist[start] <= max(years)) & (populist[end] >= min(years))
    return populist[populist["parlgov_id"].isna() & overlaps]


def populism_metrics(
    by_year: pd.DataFrame,
    means: pd.Series,
    elections: pd.DataFrame,
    unmapped: pd.DataFrame,
    without_id: pd.DataFrame,
) -> dict[str, Any]:
    """Metrics of claim populism-rise-as-nationalism."""
    hungary = by_year[(by_year["country"] == "HU") & (by_year["year"] == 2023)]
    return {
        "populist_vote_share_mean_2000_pct": float(means.loc[2000]),
        "populist_vote_share_mean_2017_pct": float(means.loc[2017]),
        "populist_vote_share_mean_2023_pct": float(means.loc[2023]),
        "populist_countries_covered_count": int(by_year["country"].nunique()),
        "parlgov_last_election_date": str(elections["election_date"].max()),
        "hungary_populist_vote_share_2023_pct": (
            float(hungary["populist_vote_pct"].iloc[0]) if len(hungary) else None
        ),
        "populist_unmapped_alliance_members_count": len(unmapped),
        "populist_parties_without_parlgov_id_count": len(without_id),
    }


def plot_populism(by_year: pd.DataFrame, means: pd.Series, weighting: str) -> plt.Figure:
    """Populist vote share per country (thin grey) and the mean across countries (bold)."""
    fig, ax = plt.subplots(figsize=(A4_WIDTH_INCHES, 4.2))
    for _, group in by_year.groupby("country"):
        ax.plot(
            group["year"], group["populist_vote_pct"], color="0.75", linewidth=0.7,
            drawstyle="steps-post",
        )  # fmt: skip
    label = "mean (population-weighted)" if weighting == "population" else "mean (unweighted)"
    ax.plot(means.index, means.to_numpy(), color="C0", linewidth=2.5, label=label)
    ax.axvline(2017, color="black", linestyle="--", linewidth=1, label="essay (2017)")
    ax.set(
        xlabel="Year (election in force on 31 December)",
        ylabel="Populist parties' vote share (% of votes)",
        xlim=(int(by_year["year"].min()), int(by_year["year"].max())),
    )
    ax.plot([], [], color="0.75", linewidth=0.7, label="one member state")
    ax.legend(loc="upper left")
    return fig


# --- the scorecard -------------------------------------------------------------------------


def scorecard(
    ledger: dict[str, Claim],
    notebook: str,
    metrics: dict[str, Any],
    parameters: dict[str, Any],
) -> pd.DataFrame:
    """One row per ledger claim of `notebook`: expectation, verdict, evidence, latest data used."""
    rows = []
    for claim in ledger.values():
        if claim.notebook != notebook:
            continue
        if claim.testable:
            verdict = evaluate_claim(claim, metrics, parameters)
            label, evidence = verdict["label"], verdict["summary"]
            latest = metrics.get(LATEST_DATA_METRIC.get(claim.id, ""), "")
        else:
            label, evidence, latest = VERDICT_LABELS["not_testable"], claim.untestable_reason, ""
        rows.append(
            {
                "claim": claim.id,
                "paragraph": claim.paragraph,
                "kind": claim.kind,
                "expectation": claim.paraphrase,
                "verdict": label,
                "evidence": evidence,
                "latest data": latest,
            }
        )
    return pd.DataFrame(rows).set_index("claim")


def rounded(values: dict[str, Any], digits: int = 4) -> dict[str, Any]:
    """The metrics sorted by name with floats rounded, for stable display in a notebook."""
    return {
        name: round(value, digits) if isinstance(value, float) else value
        for name, value in sorted(values.items())
    }
