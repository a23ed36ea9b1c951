"""The essay's forecasts and the Russian expectations it describes, checked to the latest data.

`load_inputs()` reads the `hindsight_*` extracts once; `evaluate(inputs, **parameters)` returns
every metric of the notebook for one specification (the function the notebook, the multiverse
and the tests share). The step functions below are small and pure; each returns plain values or
tidy frames. Dates are ISO strings ('YYYY-MM-DD', or 'YYYY-MM' where a source gives months only),
compared as strings: a month-only date is compared on its month.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from scipy import stats

from . import data
from .claims import VERDICT_LABELS, Claim, evaluate_claim
from .memo import cached_step
from .plotting import A4_WIDTH_INCHES
from .sizes import classify_sizes, members_on, population_of

NOTEBOOK = "hindsight"
#: Confidence level of every interval in this notebook.
CONFIDENCE = 0.95
#: Eastern members are the states of the enlargements from `eastern_enlargement_from` on, without
#: the two Mediterranean islands (a geographic definition).
EASTERN_EXCLUDED = ("CY", "MT")
JHA = "Justice and Home Affairs"
MIGRATION_SELECTIONS = ("keywords", "jha_area")
MIGRATION_MEASURES = ("all_acts", "uncontested_acts")
BORDERLINE_CHOICES = ("include", "exclude")
WEIGHTINGS = ("unweighted", "population")
COLLAPSE_MEASURES = ("further_exits", "net_shrinkage")
MEMBERSHIP_SOURCES = ("both", "comext")
SUMMIT_ROWS = ("held", "held_or_announced")
SUMMITS_UNTIL = ("latest", "essay_date")
NATIONALISM_MEASURES = ("eurosceptic", "far_right", "eurosceptic_not_far_left", "populist")
POPULISM_STATES = ("essay_members", "latest_members")

#: Which metric dates the latest data behind each hindsight claim.
LATEST_DATA_METRIC = {
    "brexit-start-of-eu-collapse": "membership_data_last_date",
    "eastern-states-russia-coalition-absurd": "unga_data_last_date",
    "eu-russia-summits-stopped-2014": "summits_data_last_date",
    "migration-crisis-as-eu-failure": "council_votes_last_date",
    "populism-rise-as-nationalism": "parlgov_last_election_date",
    "small-states-will-strive-defence-unity": "pesco_data_last_date",
}
#: The claims whose latest data the scorecard's date range covers (the eastern claim is
#: context here: it is re-tested on the votes after 2022 in another notebook).
SCORECARD_CLAIMS = (
    "brexit-start-of-eu-collapse",
    "eu-russia-summits-stopped-2014",
    "migration-crisis-as-eu-failure",
    "populism-rise-as-nationalism",
    "small-states-will-strive-defence-unity",
)


def check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    """Stop with a message naming the parameter when `value` is not one of `allowed`."""
    if value not in allowed:
        raise ValueError(f"parameter '{name}': {value!r} is not one of {list(allowed)}")


# --- inputs ------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Inputs:
    """The validated data/raw tables of the notebook (hashable by identity, for caching)."""

    membership: pd.DataFrame
    population: pd.DataFrame
    composition: pd.DataFrame
    unga: pd.DataFrame
    vetoes: pd.DataFrame
    council: pd.DataFrame
    elections: pd.DataFrame
    population_wb: pd.DataFrame
    pesco: pd.DataFrame
    summits: pd.DataFrame
    #: PopuList populist, Eurosceptic, far-right and far-left windows in one long table.
    families: pd.DataFrame
    #: Date of the last roll call in the UNGA data (of unga_eu_rollcalls.csv).
    unga_last_date: str


INPUT_FILES = {
    "membership": "member_states.csv",
    "population": "population_eurostat.csv",
    "composition": "comext_eu_composition.csv",
    "unga": "unga_ukraine_votes.csv",
    "rollcalls": "unga_eu_rollcalls.csv",
    "vetoes": "eu_vetoes.csv",
    "council": "council_votes.csv",
    "elections": "parlgov_elections.csv",
    "families": "populist_parties.csv",
    "worldbank": "worldbank_wdi_eu.csv",
    "pesco": "pesco_membership.csv",
    "summits": "eu_russia_summits.csv",
}


def load_inputs() -> Inputs:
    """Read and validate every table of the notebook once (sha256 and schema checked)."""
    tables = {field: data.load_raw(name) for field, name in INPUT_FILES.items()}
    tables["pesco"] = pesco_events(tables["pesco"])
    tables["population_wb"] = data.worldbank_series(tables.pop("worldbank"), ["population"])
    rollcalls = tables.pop("rollcalls")
    tables["unga"] = votes_cast(tables["unga"])
    return Inputs(**tables, unga_last_date=str(rollcalls["date"].max()))


def votes_cast(votes: pd.DataFrame) -> pd.DataFrame:
    """The UNGA Ukraine votes actually cast (no 'absent' rows), of the EU members and Russia."""
    return votes[(votes["vote"] != "absent") & (votes["country"] != "UA")].reset_index(drop=True)


# --- dates and the resolution of a forecast -----------------------------------------------------


def add_years(date: str, years: int) -> str:
    """The ISO date `years` after `date` (29 February becomes 28 February)."""
    stamp = pd.Timestamp(date)
    try:
        moved = stamp.replace(year=stamp.year + years)
    except ValueError:
        moved = stamp.replace(year=stamp.year + years, day=28)
    return moved.strftime("%Y-%m-%d")


def on_or_after(value: str, date: str) -> bool:
    """Whether `value` (a date or a month) is on or after `date`, at the precision of `value`."""
    return value >= date[: len(value)]


def reaches(latest: str, date: str) -> bool:
    """Whether data whose latest date is `latest` (a date or a month) cover `date`."""
    return on_or_after(latest, date)


# --- "the EU will collapse" after Brexit ---------------------------------------------------------


def membership_events(
    membership: pd.DataFrame, composition: pd.DataFrame, source: str
) -> pd.DataFrame:
    """One row per state: its exit and accession, from EUMS and Comext ('both') or Comext alone.

    EUMS has exact dates (state of 2021), Comext months (to its `composition_as_of`). With
    'both' a change counts if either source dates it: an exit from EUMS (exact) or else Comext,
    and the later of the two accessions (the EUMS date where both give the same month). The two
    sources must list the same states.
    """
    check_choice("membership_source", source, MEMBERSHIP_SOURCES)
    eums, comext = set(membership["country"]), set(composition["country"])
    if eums != comext:
        raise ValueError(
            f"membership sources disagree on the states: only in EUMS {sorted(eums - comext)}, "
            f"only in Comext {sorted(comext - eums)}"
        )
    table = composition.set_index("country")[["accession_month", "exit_month"]]
    table = table.rename(columns={"accession_month": "accession", "exit_month": "exit"})
    if source == "both":
        exact = membership.set_index("country").reindex(table.index)
        table = table.assign(
            exit=exact["exit_date"].combine_first(table["exit"]),
            accession=[
                later_of(str(a), str(b))
                for a, b in zip(exact["accession_date"], table["accession"], strict=True)
            ],
        )
    return table.sort_index()


def later_of(exact: str, month: str) -> str:
    """The later of an exact date and a month; the exact date when both fall in the same month."""
    return exact if exact[:7] >= month else month


def membership_changes(
    membership: pd.DataFrame, composition: pd.DataFrame, since: str, source: str = "both"
) -> dict[str, Any]:
    """Exits and accessions on or after `since`, and the members at the latest data."""
    events = membership_events(membership, composition, source)
    left = [c for c, e in events["exit"].items() if pd.notna(e) and on_or_after(e, since)]
    joined = [c for c, a in events["accession"].items() if on_or_after(a, since)]
    as_of = str(composition["composition_as_of"].max())
    current = composition["exit_month"].isna() | (composition["exit_month"] > as_of)
    return {
        "eu_member_states_left_since_2016": len(left),
        "eu_accessions_since_2016": len(joined),
        "eu_member_count_latest": int(current.sum()),
        "membership_data_last_date": as_of,
        "eu_member_states_left_since_2016_list": ";".join(sorted(left)),
    }


def changes_after_brexit(events: pd.DataFrame, referendum: str) -> dict[str, Any]:
    """Brexit (the first exit on or after the referendum), and the exits and accessions after it.

    A further exit is any other exit on or after the referendum; an accession counts from the
    month of Brexit on. Without any exit since the referendum there is no Brexit to follow.
    """
    exits = sorted(
        (str(e), c) for c, e in events["exit"].items() if pd.notna(e) and on_or_after(e, referendum)
    )
    if not exits:
        return {"brexit": None, "further_exits": [], "accessions_after": []}
    brexit_date, brexit = exits[0]
    month = brexit_date[:7]
    accessions = [c for c, a in events["accession"].items() if on_or_after(a, month)]
    return {
        "brexit": brexit,
        "brexit_date": brexit_date,
        "further_exits": [c for _, c in exits[1:]],
        "accessions_after": sorted(accessions),
    }


def membership_changes_table(events: pd.DataFrame, since: str) -> pd.DataFrame:
    """The states whose exit or accession falls on or after `since` (the others are unchanged)."""
    changed = [
        (pd.notna(e) and on_or_after(e, since)) or on_or_after(a, since)
        for e, a in zip(events["exit"], events["accession"], strict=True)
    ]
    return events[changed]


def brexit_metrics(
    membership: pd.DataFrame,
    composition: pd.DataFrame,
    referendum: str,
    source: str,
    measure: str,
    resolution: str,
) -> dict[str, Any]:
    """Metrics of claim brexit-start-of-eu-collapse."""
    check_choice("collapse_measure", measure, COLLAPSE_MEASURES)
    old = membership_changes(membership, composition, referendum, source)
    after = changes_after_brexit(membership_events(membership, composition, source), referendum)
    further, accessions = len(after["further_exits"]), len(after["accessions_after"])
    return {
        **old,
        "brexit_exit_date": after.get("brexit_date"),
        "eu_exits_after_brexit_count": further,
        "eu_exits_after_brexit_list": ";".join(after["further_exits"]),
        "eu_accessions_after_brexit_count": accessions,
        "eu_collapse_signal_count": further if measure == "further_exits" else further - accessions,
        "brexit_resolved": reaches(old["membership_data_last_date"], resolution),
    }


# --- eastern members and a coalition around Russia (context; re-tested after 2022 elsewhere) ------


def eastern_members(membership: pd.DataFrame, enlargement_from: str) -> list[str]:
    """States that joined on or after `enlargement_from`, other than Cyprus and Malta, sorted."""
    eastern = (membership["accession_date"] >= enlargement_from) & ~membership["country"].isin(
        EASTERN_EXCLUDED
    )
    return sorted(membership.loc[eastern, "country"])


def alignment_with_russia(
    votes: pd.DataFrame, countries: list[str], resolution: str
) -> pd.DataFrame:
    """Per country: roll calls, votes identical to Russia's, their share, and its vote on
    `resolution`. The share is over every selected roll call (an absence is not a vote with
    Russia)."""
    calls = votes[["rcid", "unres"]].drop_duplicates()
    russia = votes[votes["country"] == "RU"].set_index("rcid")["vote"]
    if russia.empty:
        raise ValueError("no Russian votes in the UNGA votes table (country 'RU')")
    rows = []
    for country in countries:
        own = votes[votes["country"] == country].set_index("rcid")["vote"]
        same = int((own.reindex(russia.index) == russia).sum())
        on_resolution = own.reindex(calls.loc[calls["unres"] == resolution, "rcid"])
        rows.append(
            {
                "country": country,
                "roll_calls": len(calls),
                "votes_cast": len(own),
                "same_as_russia": same,
                "share_same_as_russia": same / len(calls) if len(calls) else float("nan"),
                "vote_on_resolution": (
                    on_resolution.iloc[0] if len(on_resolution.dropna()) else "absent"
                ),
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
    membership: pd.DataFrame,
    votes: pd.DataFrame,
    vetoes: pd.DataFrame,
    enlargement_from: str,
    resolution: str,
    vetoes_since: str,
    unga_last_date: str,
) -> dict[str, Any]:
    """Metrics of claim eastern-states-russia-coalition-absurd (UN votes to the data's end)."""
    eastern = eastern_members(membership, enlargement_from)
    table = alignment_with_russia(votes, eastern, resolution)
    return {
        "eastern_members_count": len(eastern),
        "eastern_members_no_unga_68_262_count": int((table["vote_on_resolution"] == "no").sum()),
        "eastern_members_aligned_with_russia_ukraine_votes_count": int(
            (table["share_same_as_russia"] > 0.5).sum()
        ),
        "eastern_members_russia_related_vetoes_since_2014_count": len(
            vetoes_on(vetoes, eastern, ("RU",), vetoes_since)
        ),
        "eastern_members_ukraine_related_vetoes_since_2014_count": len(
            vetoes_on(vetoes, eastern, ("UA",), vetoes_since)
        ),
        "ukraine_roll_calls_count": int(votes["rcid"].nunique()),
        "unga_data_last_date": unga_last_date,
        "vetoes_data_last_date": str(vetoes["date"].max()),
    }


# --- EU-Russia summits ----------------------------------------------------------------------


def summit_dates(summits: pd.DataFrame) -> pd.Series:
    """The date of each summit row (its start, else its end; month-only where so recorded)."""
    return summits["date_start"].fillna(summits["date_end"])


def summits_held(summits: pd.DataFrame, rows_counted: str, until: str) -> pd.Series:
    """Dates of the summits held (or announced, per `rows_counted`) dated on or before `until`."""
    check_choice("summits_rows_counted", rows_counted, SUMMIT_ROWS)
    held = summits["status"].str.startswith("held")
    if rows_counted == "held_or_announced":
        held |= summits["status"] == "announced"
    dates = summit_dates(summits)[held].dropna()
    return dates[[d <= until[: len(d)] for d in dates]]


def summit_metrics(
    summits: pd.DataFrame, cutoff: str, rows_counted: str, until: str, essay_date: str
) -> dict[str, Any]:
    """Last summit held and summits held after `cutoff`, up to the latest source or the essay."""
    check_choice("summits_until", until, SUMMITS_UNTIL)
    latest = str(summit_dates(summits).dropna().max())
    evaluated_to = latest if until == "latest" else essay_date
    held = summits_held(summits, rows_counted, evaluated_to)
    if held.empty:
        raise ValueError(f"eu_russia_summits.csv: no summit held on or before {evaluated_to}")
    after = int(sum(d > cutoff[: len(d)] for d in held))
    return {
        "last_eu_russia_summit_held_year": int(held.max()[:4]),
        "eu_russia_summits_after_cutoff": after,
        "eu_russia_summits_after_2014_01_31": after,
        "summits_evaluated_to": evaluated_to,
        "summits_data_last_date": latest,
    }


# --- PESCO and small states ------------------------------------------------------------------


def pesco_events(membership: pd.DataFrame) -> pd.DataFrame:
    """The shared PESCO membership table (one row per member state) as dated events per state:
    pesco_joined, pesco_non_participant (undated) and csdp_opt_out_ended."""
    rows = []
    for row in membership.itertuples(index=False):
        joined = row.joined_date if pd.notna(row.joined_date) else None
        event = "pesco_joined" if joined else "pesco_non_participant"
        rows.append({"country": row.country, "event": event, "date": joined})
        if pd.notna(row.csdp_opt_out_ended_date):
            rows.append(
                {"country": row.country, "event": "csdp_opt_out_ended",
                 "date": row.csdp_opt_out_ended_date}
            )  # fmt: skip
    events = pd.DataFrame(rows, columns=["country", "event", "date"])
    return events.sort_values(["country", "event"], ignore_index=True)


def pesco_participants_on(events: pd.DataFrame, date: str) -> list[str]:
    """States that had joined PESCO on `date` (a month-only join date counts from that month)."""
    joined = events[(events["event"] == "pesco_joined") & events["date"].notna()]
    return sorted(joined.loc[joined["date"].str.slice(0, len(date)) <= date, "country"])


def opt_out_states(events: pd.DataFrame) -> list[str]:
    """States with a defence (CSDP) opt-out event in the data."""
    return sorted(set(events.loc[events["event"].str.startswith("csdp_opt_out"), "country"]))


def size_classes_of(
    membership: pd.DataFrame, population: pd.DataFrame, date: str, threshold_millions: float
) -> pd.DataFrame:
    """Members on `date` with the population of 1 January of its year and their size class."""
    members = members_on(membership, date)
    return classify_sizes(population_of(population, members, int(date[:4])), threshold_millions)


def small_states_of(
    membership: pd.DataFrame, population: pd.DataFrame, date: str, threshold_millions: float
) -> list[str]:
    """Members on `date` with fewer inhabitants than the threshold on 1 January of its year."""
    sizes = size_classes_of(membership, population, date, threshold_millions)
    return sorted(sizes.index[sizes["size_class"] == "small"])


def pesco_share_of(
    events: pd.DataFrame, membership: pd.DataFrame, date: str, states: list[str]
) -> dict[str, Any]:
    """Which of `states` are members on `date`, which of those are in PESCO, and the share."""
    members = members_on(membership, date)
    group = sorted(set(states) & set(members))
    inside = sorted(set(group) & set(pesco_participants_on(events, date)))
    return {
        "states": group,
        "in_pesco": inside,
        "share": len(inside) / len(group) if group else None,
        "non_participants": sorted(set(members) - set(pesco_participants_on(events, date))),
    }


def wilson_interval(successes: int, trials: int, level: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval of a proportion."""
    z = float(stats.norm.ppf(0.5 + level / 2))
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * np.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def newcombe_interval(
    x1: int, n1: int, x2: int, n2: int, level: float = CONFIDENCE
) -> tuple[float, float, float] | tuple[None, None, None]:
    """Difference p1 - p2 of two independent proportions with Newcombe's hybrid score interval.

    (None, None, None) when a group is empty.
    """
    if n1 == 0 or n2 == 0:
        return None, None, None
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson_interval(x1, n1, level)
    l2, u2 = wilson_interval(x2, n2, level)
    difference = p1 - p2
    low = difference - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = difference + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return float(difference), float(low), float(high)


def pesco_metrics(
    events: pd.DataFrame,
    membership: pd.DataFrame,
    population: pd.DataFrame,
    threshold_millions: float,
    without_opt_out: bool,
    resolution: str,
) -> dict[str, Any]:
    """Metrics of claim small-states-will-strive-defence-unity (size classes of the launch year)."""
    joined = events.loc[events["event"] == "pesco_joined", "date"].dropna()
    launch, latest = str(joined.min()), str(events["date"].dropna().max())
    left_out = opt_out_states(events) if without_opt_out else []
    sizes = size_classes_of(membership, population, launch, threshold_millions).drop(left_out)
    small = sorted(sizes.index[sizes["size_class"] == "small"])
    large = sorted(sizes.index[sizes["size_class"] == "large"])
    at_launch = pesco_share_of(events, membership, launch, small)
    now = pesco_share_of(events, membership, latest, small)
    large_now = pesco_share_of(events, membership, latest, large)
    difference, low, high = newcombe_interval(
        len(now["in_pesco"]),
        len(now["states"]),
        len(large_now["in_pesco"]),
        len(large_now["states"]),
    )
    change = (
        now["share"] - at_launch["share"]
        if now["share"] is not None and at_launch["share"] is not None
        else None
    )
    opt_out = events.loc[events["event"] == "csdp_opt_out_ended", "date"]
    return {
        "pesco_launch_date": launch,
        "pesco_data_last_date": latest,
        "pesco_small_states_count_2017": len(at_launch["states"]),
        "pesco_small_states_count_latest": len(now["states"]),
        "pesco_large_states_count_latest": len(large_now["states"]),
        "pesco_participation_share_small_states_2017": at_launch["share"],
        "pesco_participation_share_small_states_latest": now["share"],
        "pesco_participation_share_large_states_latest": large_now["share"],
        "pesco_small_states_share_change": change,
        "pesco_small_minus_large_latest": difference,
        "pesco_small_minus_large_latest_ci_low": low,
        "pesco_small_minus_large_latest_ci_high": high,
        "pesco_non_participants_2017": len(at_launch["non_participants"]),
        "pesco_non_participants_latest": len(now["non_participants"]),
        "pesco_non_participants_latest_list": ";".join(now["non_participants"]),
        "pesco_states_left_out": ";".join(left_out),
        "pesco_size_class_population_year": int(launch[:4]),
        "denmark_csdp_opt_out_ended_date": str(opt_out.iloc[0]) if len(opt_out) else None,
        "pesco_resolved": reaches(latest, resolution),
    }


def pesco_table(
    events: pd.DataFrame,
    membership: pd.DataFrame,
    population: pd.DataFrame,
    threshold_millions: float,
    without_opt_out: bool,
) -> pd.DataFrame:
    """Per member at launch: size class, population, PESCO at launch and at the latest data."""
    joined = events.loc[events["event"] == "pesco_joined", "date"].dropna()
    launch, latest = str(joined.min()), str(events["date"].dropna().max())
    sizes = size_classes_of(membership, population, launch, threshold_millions)
    if without_opt_out:
        sizes = sizes.drop(opt_out_states(events))
    at_launch, now = (
        set(pesco_participants_on(events, launch)),
        set(pesco_participants_on(events, latest)),
    )
    members_now = set(members_on(membership, latest))
    return sizes.assign(
        population_millions=(sizes["population"] / 1e6).round(2),
        pesco_at_launch=[c in at_launch for c in sizes.index],
        pesco_latest=[c in now if c in members_now else None for c in sizes.index],
    ).drop(columns="population")


# --- migration: Council legislation -------------------------------------------------------------


def migration_votes(council: pd.DataFrame, selection: str) -> pd.DataFrame:
    """Council votes on migration acts: 'keywords' (JHA with a migration keyword) or 'jha_area'."""
    check_choice("migration_act_selection", selection, MIGRATION_SELECTIONS)
    jha = council["policy_area"] == JHA
    if selection == "keywords":
        jha &= council["migration_keywords"].notna()
    return council[jha]


def years_between(start: str, end: str) -> float:
    """Length in years (365.25 days) from `start` to `end` inclusive."""
    return ((pd.Timestamp(end) - pd.Timestamp(start)).days + 1) / 365.25


def acts_per_year(
    selected: pd.DataFrame, start: str, end: str, data_first: str, data_last: str
) -> dict[str, Any]:
    """Acts adopted from `start` to `end` (clipped to the data's coverage), per year; the
    same for the acts adopted with no vote against."""
    lo, hi = max(start, data_first), min(end, data_last)
    window = selected[(selected["decision_date"] >= lo) & (selected["decision_date"] <= hi)]
    contested = window["against"].notna()
    years = years_between(lo, hi)
    return {
        "count": len(window),
        "contested": int(contested.sum()),
        "uncontested": int((~contested).sum()),
        "years": years,
        "per_year": len(window) / years,
        "contested_share": float(contested.mean()) if len(window) else None,
    }


def rate_ratio_interval(
    a: int, years_a: float, b: int, years_b: float, level: float = CONFIDENCE
) -> tuple[float | None, float | None, float | None]:
    """Ratio of two Poisson rates (a / years_a over b / years_b) with the exact conditional
    (Clopper-Pearson on a / (a + b)) interval; None where it is undefined (no baseline events)."""
    if b == 0:
        return None, None, None
    scale = years_b / years_a
    alpha = 1 - level
    p_low = float(stats.beta.ppf(alpha / 2, a, b + 1)) if a > 0 else 0.0
    p_high = float(stats.beta.ppf(1 - alpha / 2, a + 1, b))
    return (
        a / b * scale,
        p_low / (1 - p_low) * scale,
        p_high / (1 - p_high) * scale if p_high < 1 else None,
    )


def migration_metrics(
    council: pd.DataFrame,
    vetoes: pd.DataFrame,
    selection: str,
    measure: str,
    split_year: int,
    resolution: str,
) -> dict[str, Any]:
    """Metrics of claim migration-crisis-as-eu-failure (the old names keep the default windows'
    years; they follow `migration_split_year`)."""
    check_choice("migration_measure", measure, MIGRATION_MEASURES)
    first, last = str(council["decision_date"].min()), str(council["decision_date"].max())
    selected = migration_votes(council, selection)
    split = f"{split_year:04d}-01-01"
    before = acts_per_year(selected, first, f"{split_year - 1:04d}-12-31", first, last)
    after = acts_per_year(selected, split, last, first, last)
    counted = "count" if measure == "all_acts" else "uncontested"
    ratio, low, high = rate_ratio_interval(
        after[counted], after["years"], before[counted], before["years"]
    )
    migration_vetoes = vetoes[(vetoes["issue"] == "migration") & (vetoes["date"] >= split)]
    return {
        "migration_acts_adopted_2010_2015_count": before["count"],
        "migration_acts_adopted_2016_2023_count": after["count"],
        "migration_acts_per_year_2010_2015": before["per_year"],
        "migration_acts_per_year_2016_2023": after["per_year"],
        "migration_acts_contested_share_2010_2015": before["contested_share"],
        "migration_acts_contested_share_2016_2023": after["contested_share"],
        "migration_pre_crisis_count": before[counted],
        "migration_post_crisis_count": after[counted],
        "migration_post_crisis_contested_count": after["contested"],
        "migration_pre_crisis_rate_per_year": before[counted] / before["years"],
        "migration_post_crisis_rate_per_year": after[counted] / after["years"],
        "migration_rate_ratio": ratio,
        "migration_rate_ratio_ci_low": low,
        "migration_rate_ratio_ci_high": high,
        "council_votes_first_date": first,
        "council_votes_last_date": last,
        "migration_vetoes_since_2016_count": len(migration_vetoes),
        "migration_resolved": reaches(last, resolution),
    }


def acts_by_year(selected: pd.DataFrame, span: pd.DataFrame | None = None) -> pd.DataFrame:
    """Acts per calendar year, and how many of them had at least one vote against; with `span`
    (the whole vote table), every year it covers is listed, with 0 where no act was adopted."""
    years = selected["decision_date"].str.slice(0, 4).astype(int)
    table = selected.assign(year=years, contested=selected["against"].notna())
    counts = table.groupby("year").agg(acts=("year", "size"), contested=("contested", "sum"))
    if span is not None:
        covered = span["decision_date"].str.slice(0, 4).astype(int)
        counts = counts.reindex(range(covered.min(), covered.max() + 1), fill_value=0)
        counts.index.name = "year"
    return counts.astype("int64")


# --- populism and nationalism: vote shares of PopuList party families ---------------------------


def in_family(
    families: pd.DataFrame, family: str, party_ids: pd.Series, years: pd.Series, borderline: str
) -> pd.Series:
    """Whether each party belonged to `family` in the given year (borderline cases per option).

    A ParlGov id listed more than once belongs if any of its rows does.
    """
    check_choice("populist_borderline", borderline, BORDERLINE_CHOICES)
    start, end = ("start", "end") if borderline == "include" else ("start_nobl", "end_nobl")
    rows = families[(families["family"] == family) & families["parlgov_id"].notna()]
    rows = rows.astype({"parlgov_id": "int64"})
    pairs = pd.DataFrame({"parlgov_id": party_ids.to_numpy(), "year": years.to_numpy()})
    merged = pairs.reset_index().merge(rows[["parlgov_id", start, end]], on="parlgov_id")
    merged["hit"] = (merged[start] <= merged["year"]) & (merged["year"] <= merged[end])
    hits = merged.groupby("index")["hit"].any()
    return pd.Series(
        hits.reindex(range(len(pairs)), fill_value=False).to_numpy(), index=party_ids.index
    )


def in_measure(
    families: pd.DataFrame, measure: str, party_ids: pd.Series, years: pd.Series, borderline: str
) -> pd.Series:
    """Whether each party counts under `nationalism_measure` in the given year."""
    check_choice("nationalism_measure", measure, NATIONALISM_MEASURES)
    if measure == "eurosceptic_not_far_left":
        sceptic = in_family(families, "eurosceptic", party_ids, years, borderline)
        return sceptic & ~in_family(families, "far_left", party_ids, years, borderline)
    return in_family(families, measure, party_ids, years, borderline)


def is_populist(
    families: pd.DataFrame, party_ids: pd.Series, years: pd.Series, borderline: str
) -> pd.Series:
    """Whether each party was populist in the given year (PopuList; borderline cases per option)."""
    return in_family(families, "populist", party_ids, years, borderline)


def election_years(elections: pd.DataFrame) -> pd.Series:
    return elections["election_date"].str.slice(0, 4).astype(int)


def election_family_shares(elections: pd.DataFrame, flag: pd.Series) -> pd.DataFrame:
    """Vote share (%) of the flagged parties per national election, electoral alliances mapped.

    A row with a vote share and no alliance members counts fully if it is flagged. The vote
    share of an alliance row (members: rows whose `vote_list_party_id` points to it) is split by
    seats among the row's own party and its members, and the flagged parties' part counts.
    """
    table = elections.assign(flagged=flag.reindex(elections.index).fillna(False).astype(bool))
    table["seats"] = table["seats"].fillna(0.0)
    key = ["country", "election_date"]
    members = table[table["vote_list_party_id"].notna()].assign(
        party_id=lambda t: t["vote_list_party_id"].astype("int64"),
        flagged_seats=lambda t: t["seats"].where(t["flagged"], 0.0),
    )
    member_seats = members.groupby([*key, "party_id"])[["seats", "flagged_seats"]].sum()
    voting = table[table["vote_share"].notna()].join(
        member_seats.rename(columns={"seats": "member_seats"}), on=[*key, "party_id"]
    )
    seats = voting[["member_seats", "flagged_seats"]].fillna(0.0)
    own_flagged_seats = voting["seats"].where(voting["flagged"], 0.0)
    list_seats = voting["seats"] + seats["member_seats"]
    alliance = (seats["flagged_seats"] + own_flagged_seats) / list_seats.where(list_seats > 0)
    alone = voting["flagged"].astype(float)
    share = alliance.where(seats["member_seats"] > 0, alone).fillna(0.0)
    voting["vote_pct"] = voting["vote_share"] * share
    return voting.groupby(key, as_index=False)["vote_pct"].sum()


def covered_elections(elections: pd.DataFrame, families: pd.DataFrame) -> pd.DataFrame:
    """The elections of the countries the PopuList covers (Malta is not)."""
    return elections[elections["country"].isin(set(families["country"]))]


def measure_shares(
    elections: pd.DataFrame, families: pd.DataFrame, measure: str, borderline: str
) -> pd.DataFrame:
    """Vote share (%) of the parties counted by `measure` in every covered national election."""
    table = covered_elections(elections, families)
    flag = in_measure(families, measure, table["party_id"], election_years(table), borderline)
    return election_family_shares(table, flag)


def election_populist_shares(
    elections: pd.DataFrame, families: pd.DataFrame, borderline: str
) -> pd.DataFrame:
    """Populist vote share (%) per national election (column `populist_vote_pct`)."""
    shares = measure_shares(elections, families, "populist", borderline)
    return shares.rename(columns={"vote_pct": "populist_vote_pct"})


def unmapped_members(
    elections: pd.DataFrame, families: pd.DataFrame, measure: str, borderline: str
) -> pd.DataFrame:
    """Counted parties with seats but no vote share and no alliance mapping (votes lost)."""
    table = covered_elections(elections, families)
    flag = in_measure(families, measure, table["party_id"], election_years(table), borderline)
    lost = flag & table["vote_share"].isna() & table["vote_list_party_id"].isna()
    return table[lost & (table["seats"].fillna(0) > 0)]


def without_parlgov_id(
    families: pd.DataFrame, measure: str, borderline: str, years: range
) -> pd.DataFrame:
    """Parties of the measure's family in some year of `years` with no ParlGov id (votes lost)."""
    family = "eurosceptic" if measure == "eurosceptic_not_far_left" else measure
    start, end = ("start", "end") if borderline == "include" else ("start_nobl", "end_nobl")
    rows = families[families["family"] == family]
    overlaps = (rows[start] <= max(years)) & (rows[end] >= min(years))
    return rows[rows["parlgov_id"].isna() & overlaps]


def shares_in_force(shares: pd.DataFrame, date: str, column: str = "vote_pct") -> pd.Series:
    """Per country, the share in the latest election held on or before `date`."""
    held = shares[shares["election_date"] <= date].sort_values(["country", "election_date"])
    in_force = held.groupby("country")[column].last()
    missing = sorted(set(shares["country"]) - set(in_force.index))
    if missing:
        raise ValueError(f"{', '.join(missing)}: no national election on or before {date}")
    return in_force.astype(float)


def share_by_year(shares: pd.DataFrame, years: range, column: str = "vote_pct") -> pd.DataFrame:
    """Per country and year, the share in the latest election held by 31 December."""
    frames = [
        shares_in_force(shares, f"{year:04d}-12-31", column).rename(column).reset_index()
        for year in years
    ]
    return pd.concat(
        [frame.assign(year=year) for frame, year in zip(frames, years, strict=True)],
        ignore_index=True,
    )[["country", "year", column]]


def populist_share_by_year(shares: pd.DataFrame, years: range) -> pd.DataFrame:
    """Per country and year, the populist share (`populist_vote_pct`) in force on 31 December."""
    return share_by_year(shares, years, "populist_vote_pct")


def mean_by_year(
    by_year: pd.DataFrame,
    population: pd.DataFrame,
    weighting: str,
    column: str = "populist_vote_pct",
) -> pd.Series:
    """Mean share per year across countries, unweighted or population-weighted."""
    check_choice("country_weighting", weighting, WEIGHTINGS)
    if weighting == "unweighted":
        return by_year.groupby("year")[column].mean()
    table = by_year.merge(population, on=["country", "year"], how="left")
    missing = table[table["population"].isna()]
    if not missing.empty:
        first = missing.iloc[0]
        raise ValueError(f"no population for {first['country']} in {first['year']}")
    weighted = table.assign(w=table[column] * table["population"])
    sums = weighted.groupby("year")[["w", "population"]].sum()
    return sums["w"] / sums["population"]


def weights_for(
    countries: list[str], population: pd.DataFrame, year: int, weighting: str
) -> pd.Series:
    """Weights of `countries` summing to 1: equal, or by population in `year`."""
    check_choice("country_weighting", weighting, WEIGHTINGS)
    if weighting == "unweighted":
        return pd.Series(1.0 / len(countries), index=countries)
    values = population_of(population, countries, year).astype(float)
    return values / values.sum()


def weighted_mean_change(
    before: pd.Series, after: pd.Series, weights: pd.Series, level: float = CONFIDENCE
) -> dict[str, float | None]:
    """Weighted means before and after, the mean change and its t interval across units.

    Standard error of a weighted mean: sqrt(n / (n - 1) * sum(w_i^2 (d_i - mean)^2)) with the
    weights summing to 1 (with equal weights, the usual s / sqrt(n)); n - 1 degrees of freedom.
    """
    w = weights / weights.sum()
    change = (after - before).reindex(w.index)
    mean = float((w * change).sum())
    n = len(w)
    result = {
        "before": float((w * before.reindex(w.index)).sum()),
        "after": float((w * after.reindex(w.index)).sum()),
        "change": mean,
        "ci_low": None,
        "ci_high": None,
    }
    if n >= 2:
        se = float(np.sqrt(n / (n - 1) * float((w**2 * (change - mean) ** 2).sum())))
        t = float(stats.t.ppf(0.5 + level / 2, n - 1))
        result.update(ci_low=mean - t * se, ci_high=mean + t * se)
    return result


@functools.lru_cache(maxsize=64)
def cached_measure_shares(inputs: Inputs, measure: str, borderline: str) -> pd.DataFrame:
    """`measure_shares` of the inputs' elections, computed once per measure and option."""
    return measure_shares(inputs.elections, inputs.families, measure, borderline)


@functools.lru_cache(maxsize=64)
def cached_unmapped_count(inputs: Inputs, measure: str, borderline: str) -> int:
    """How many counted parties lose their votes (`unmapped_members`), once per choice."""
    return len(unmapped_members(inputs.elections, inputs.families, measure, borderline))


@functools.lru_cache(maxsize=16)
def cached_populist_by_year(inputs: Inputs, borderline: str) -> pd.DataFrame:
    """Populist share per country and year, first population year to the last election's year."""
    shares = cached_measure_shares(inputs, "populist", borderline)
    by_year = share_by_year(shares, populism_years(inputs))
    return by_year.rename(columns={"vote_pct": "populist_vote_pct"})


def populism_years(inputs: Inputs) -> range:
    """Years of the populist series: from the first year at whose end every state has an election
    in force in the data (the year of the latest first election) to the year of the last one."""
    dates = inputs.elections["election_date"].astype(str)
    first = int(dates.groupby(inputs.elections["country"]).min().max()[:4])
    return range(first, int(dates.max()[:4]) + 1)


def populism_metrics(
    by_year: pd.DataFrame,
    means: pd.Series,
    elections: pd.DataFrame,
    unmapped_count: int,
    without_id_count: int,
    essay_year: int,
) -> dict[str, Any]:
    """The populist context metrics: means in the first year, the essay's year and the last;
    the counts of populist parties whose votes are lost (unmapped alliance members, no id)."""
    first, last = int(means.index.min()), int(means.index.max())
    hungary = by_year[(by_year["country"] == "HU") & (by_year["year"] == last)]
    return {
        "populist_vote_share_mean_2000_pct": float(means.loc[first]),
        "populist_vote_share_mean_2017_pct": float(means.loc[essay_year]),
        "populist_vote_share_mean_2023_pct": float(means.loc[last]),
        "populist_countries_covered_count": int(by_year["country"].nunique()),
        "parlgov_last_election_date": str(elections["election_date"].max()),
        "hungary_populist_vote_share_2023_pct": (
            float(hungary["populist_vote_pct"].iloc[0]) if len(hungary) else None
        ),
        "populist_unmapped_alliance_members_count": unmapped_count,
        "populist_parties_without_parlgov_id_count": without_id_count,
    }


def populism_states_of(
    membership: pd.DataFrame, covered: set[str], choice: str, essay_date: str, latest: str
) -> list[str]:
    """The states averaged: members on the essay date or at the latest election, covered."""
    check_choice("populism_states", choice, POPULISM_STATES)
    date = essay_date if choice == "essay_members" else latest
    return sorted(set(members_on(membership, date)) & covered)


def nationalism_metrics(
    inputs: Inputs,
    measure: str,
    borderline: str,
    weighting: str,
    states_choice: str,
    essay_date: str,
    resolution: str,
) -> dict[str, Any]:
    """Metrics of claim populism-rise-as-nationalism: the measure's share at the essay date and
    at the latest election, and the mean change with its interval across states."""
    shares = cached_measure_shares(inputs, measure, borderline)
    latest = str(inputs.elections["election_date"].max())
    states = populism_states_of(
        inputs.membership, set(shares["country"]), states_choice, essay_date, latest
    )
    weights = weights_for(states, inputs.population_wb, int(essay_date[:4]), weighting)
    before = cached_step(measure_in_force, inputs, measure, borderline, essay_date)
    after = cached_step(measure_in_force, inputs, measure, borderline, latest)
    change = weighted_mean_change(before, after, weights)
    years = cached_step(populism_years, inputs)
    first_year_end = f"{years[0]:04d}-12-31"
    first = cached_step(measure_in_force, inputs, measure, borderline, first_year_end)
    first = first.reindex(states)
    return {
        "nationalist_vote_share_first_year_pct": float((weights * first).sum()),
        "nationalist_vote_share_essay_pct": change["before"],
        "nationalist_vote_share_latest_pct": change["after"],
        "nationalist_vote_share_change_pct": change["change"],
        "nationalist_vote_share_change_ci_low": change["ci_low"],
        "nationalist_vote_share_change_ci_high": change["ci_high"],
        "nationalist_states_count": len(states),
        "nationalist_states_rising_count": int(
            (after.reindex(states) > before.reindex(states)).sum()
        ),
        "nationalist_unmapped_alliance_members_count": cached_unmapped_count(
            inputs, measure, borderline
        ),
        "nationalist_parties_without_parlgov_id_count": len(
            without_parlgov_id(inputs.families, measure, borderline, years)
        ),
        "populism_resolved": reaches(latest, resolution),
    }


def measure_in_force(inputs: Inputs, measure: str, borderline: str, date: str) -> pd.Series:
    """`shares_in_force` on `date` of the measure's shares (`cached_measure_shares`)."""
    return shares_in_force(cached_measure_shares(inputs, measure, borderline), date)


def nationalism_measures_table(
    inputs: Inputs, borderline: str, weighting: str, states_choice: str, essay_date: str
) -> pd.DataFrame:
    """Every nationalism measure side by side (the other choices as given): levels and change."""
    rows = {}
    for measure in NATIONALISM_MEASURES:
        values = nationalism_metrics(
            inputs, measure, borderline, weighting, states_choice, essay_date, essay_date
        )
        rows[measure] = {
            "at_essay_date": values["nationalist_vote_share_essay_pct"],
            "at_latest_election": values["nationalist_vote_share_latest_pct"],
            "change": values["nationalist_vote_share_change_pct"],
            "ci_low": values["nationalist_vote_share_change_ci_low"],
            "ci_high": values["nationalist_vote_share_change_ci_high"],
            "states_rising": values["nationalist_states_rising_count"],
            "unmapped_alliance_members": values["nationalist_unmapped_alliance_members_count"],
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("nationalism_measure")


def nationalism_by_state(
    inputs: Inputs, measure: str, borderline: str, states_choice: str, essay_date: str
) -> pd.DataFrame:
    """Per state averaged: the measure's share at the essay date, at the latest election, change."""
    shares = cached_measure_shares(inputs, measure, borderline)
    latest = str(inputs.elections["election_date"].max())
    states = populism_states_of(
        inputs.membership, set(shares["country"]), states_choice, essay_date, latest
    )
    before = shares_in_force(shares, essay_date).reindex(states)
    after = shares_in_force(shares, latest).reindex(states)
    table = pd.DataFrame({"at_essay_date": before, "at_latest_election": after})
    return table.assign(change=after - before).sort_values("change", ascending=False)


def nationalism_series(
    inputs: Inputs,
    measure: str,
    borderline: str,
    weighting: str,
    states_choice: str,
    essay_date: str,
) -> tuple[pd.DataFrame, pd.Series]:
    """Per state and year the measure's share in force on 31 December, and the yearly mean."""
    shares = cached_measure_shares(inputs, measure, borderline)
    latest = str(inputs.elections["election_date"].max())
    states = populism_states_of(
        inputs.membership, set(shares["country"]), states_choice, essay_date, latest
    )
    by_year = share_by_year(shares[shares["country"].isin(states)], populism_years(inputs))
    return by_year, mean_by_year(by_year, inputs.population_wb, weighting, "vote_pct")


def plot_nationalism(
    by_year: pd.DataFrame, means: pd.Series, measure: str, weighting: str, essay_date: str
) -> plt.Figure:
    """The measure's vote share per state (thin grey) and the mean across states (bold)."""
    fig, ax = plt.subplots(figsize=(A4_WIDTH_INCHES, 4.2))
    sns.lineplot(
        data=by_year,
        x="year",
        y="vote_pct",
        units="country",
        estimator=None,
        color="0.75",
        linewidth=0.7,
        drawstyle="steps-post",
        ax=ax,
    )
    label = "mean (population-weighted)" if weighting == "population" else "mean (unweighted)"
    ax.plot(means.index, means.to_numpy(), color="C0", linewidth=2.5, label=label)
    essay = pd.Timestamp(essay_date)
    essay_x = essay.year + (essay.dayofyear - 1) / 365.25
    ax.axvline(essay_x, color="black", linestyle="--", linewidth=1, label=f"essay ({essay_date})")
    ax.plot([], [], color="0.75", linewidth=0.7, label="one member state")
    ax.set(
        xlabel="Year (election in force on 31 December; the last year to the latest election)",
        ylabel=f"Vote share of {measure.replace('_', ' ')} parties (%)",
        xlim=(int(by_year["year"].min()), int(by_year["year"].max())),
    )
    ax.legend(loc="upper left")
    return fig


def plot_migration(by_year: pd.DataFrame, metrics: dict[str, Any], split_year: int) -> plt.Figure:
    """Migration acts per year (bars: uncontested and contested), pre- and post-crisis rates."""
    table = by_year.assign(uncontested=by_year["acts"] - by_year["contested"]).reset_index()
    fig, ax = plt.subplots(figsize=(A4_WIDTH_INCHES, 3.8))
    ax.bar(table["year"], table["uncontested"], color="C0", label="adopted, no vote against")
    ax.bar(
        table["year"],
        table["contested"],
        bottom=table["uncontested"],
        color="C1",
        label="adopted over a vote against",
    )
    first, last = int(table["year"].min()), int(table["year"].max())
    rates = dict(color="black", linestyle="--")
    pre = metrics["migration_pre_crisis_rate_per_year"]
    post = metrics["migration_post_crisis_rate_per_year"]
    ax.hlines(pre, first - 0.4, split_year - 0.6, label="rate per year (acts counted)", **rates)
    ax.hlines(post, split_year - 0.4, last + 0.4, **rates)
    ax.axvline(split_year - 0.5, color="0.4", linewidth=1)
    ax.set(
        xlabel="Year of the Council vote (the last year is partial)",
        ylabel="Migration acts adopted",
        ylim=(0, 1.45 * float(table["acts"].max())),
    )
    ax.legend(loc="upper center", ncols=2, fontsize="small")
    return fig


# --- evaluate: every metric for one specification ---------------------------------------------

#: The metrics of each step, in the order the notebook shows them.
STEP_METRICS: dict[str, tuple[str, ...]] = {
    "brexit": (
        "eu_member_states_left_since_2016", "eu_member_states_left_since_2016_list",
        "eu_accessions_since_2016", "brexit_exit_date", "eu_exits_after_brexit_count",
        "eu_exits_after_brexit_list", "eu_accessions_after_brexit_count",
        "eu_collapse_signal_count", "eu_member_count_latest", "membership_data_last_date",
        "brexit_resolved",
    ),
    "eastern": (
        "eastern_members_count", "eastern_members_no_unga_68_262_count",
        "eastern_members_aligned_with_russia_ukraine_votes_count",
        "eastern_members_russia_related_vetoes_since_2014_count",
        "eastern_members_ukraine_related_vetoes_since_2014_count", "ukraine_roll_calls_count",
        "unga_data_last_date", "vetoes_data_last_date",
    ),
    "pesco": (
        "pesco_launch_date", "pesco_data_last_date", "pesco_size_class_population_year",
        "pesco_states_left_out", "pesco_small_states_count_2017",
        "pesco_small_states_count_latest", "pesco_large_states_count_latest",
        "pesco_participation_share_small_states_2017",
        "pesco_participation_share_small_states_latest",
        "pesco_participation_share_large_states_latest", "pesco_small_states_share_change",
        "pesco_small_minus_large_latest", "pesco_small_minus_large_latest_ci_low",
        "pesco_small_minus_large_latest_ci_high", "pesco_non_participants_2017",
        "pesco_non_participants_latest", "pesco_non_participants_latest_list",
        "denmark_csdp_opt_out_ended_date", "pesco_resolved",
    ),
    "summits": (
        "last_eu_russia_summit_held_year", "eu_russia_summits_after_cutoff",
        "eu_russia_summits_after_2014_01_31", "summits_evaluated_to", "summits_data_last_date",
    ),
    "migration": (
        "council_votes_first_date", "council_votes_last_date",
        "migration_acts_adopted_2010_2015_count", "migration_acts_adopted_2016_2023_count",
        "migration_acts_per_year_2010_2015", "migration_acts_per_year_2016_2023",
        "migration_acts_contested_share_2010_2015", "migration_acts_contested_share_2016_2023",
        "migration_pre_crisis_count", "migration_post_crisis_count",
        "migration_post_crisis_contested_count", "migration_pre_crisis_rate_per_year",
        "migration_post_crisis_rate_per_year", "migration_rate_ratio",
        "migration_rate_ratio_ci_low", "migration_rate_ratio_ci_high",
        "migration_vetoes_since_2016_count", "migration_resolved",
    ),
    "populism": (
        "parlgov_last_election_date", "nationalist_states_count",
        "nationalist_vote_share_first_year_pct", "nationalist_vote_share_essay_pct",
        "nationalist_vote_share_latest_pct", "nationalist_vote_share_change_pct",
        "nationalist_vote_share_change_ci_low", "nationalist_vote_share_change_ci_high",
        "nationalist_states_rising_count", "nationalist_unmapped_alliance_members_count",
        "nationalist_parties_without_parlgov_id_count", "populism_resolved",
        "populist_countries_covered_count", "populist_vote_share_mean_2000_pct",
        "populist_vote_share_mean_2017_pct", "populist_vote_share_mean_2023_pct",
        "hungary_populist_vote_share_2023_pct", "populist_unmapped_alliance_members_count",
        "populist_parties_without_parlgov_id_count",
    ),
    "scorecard": (
        "forecast_resolution_date", "scorecard_latest_data_date", "scorecard_earliest_data_end",
    ),
}  # fmt: skip


def scorecard_dates(metrics: dict[str, Any]) -> dict[str, str]:
    """The latest date of any data behind the scorecard's claims, and the earliest data end."""
    ends = [str(metrics[LATEST_DATA_METRIC[claim]]) for claim in SCORECARD_CLAIMS]
    return {"scorecard_latest_data_date": max(ends), "scorecard_earliest_data_end": min(ends)}


def evaluate(
    inputs: Inputs,
    *,
    essay_date: str,
    forecast_horizon_years: int,
    brexit_referendum_date: str,
    collapse_measure: str,
    membership_source: str,
    eastern_enlargement_from: str,
    ukraine_resolution: str,
    eastern_vetoes_since: str,
    small_state_threshold_millions: float,
    pesco_without_opt_out: bool,
    summits_cutoff_date: str,
    summits_rows_counted: str,
    summits_until: str,
    migration_act_selection: str,
    migration_measure: str,
    migration_split_year: int,
    nationalism_measure: str,
    populist_borderline: str,
    country_weighting: str,
    populism_states: str,
) -> dict[str, Any]:
    """Every metric of the hindsight notebook for one specification (pure, deterministic).

    Each step reads a few of the parameters and is computed once per choice of them
    (`memo.cached_step`)."""
    resolution = add_years(essay_date, forecast_horizon_years)
    metrics = {
        **cached_step(
            brexit_step,
            inputs,
            brexit_referendum_date,
            membership_source,
            collapse_measure,
            resolution,
        ),
        **cached_eastern_metrics(
            inputs, eastern_enlargement_from, ukraine_resolution, eastern_vetoes_since
        ),
        **cached_step(
            pesco_step, inputs, small_state_threshold_millions, pesco_without_opt_out, resolution
        ),
        **cached_step(
            summit_step,
            inputs,
            summits_cutoff_date,
            summits_rows_counted,
            summits_until,
            essay_date,
        ),  # fmt: skip
        **cached_step(
            migration_step,
            inputs,
            migration_act_selection,
            migration_measure,
            migration_split_year,
            resolution,
        ),
        **cached_step(populism_step, inputs, populist_borderline, country_weighting, essay_date),
        **cached_step(
            nationalism_metrics,
            inputs,
            nationalism_measure,
            populist_borderline,
            country_weighting,
            populism_states,
            essay_date,
            resolution,
        ),
        "forecast_resolution_date": resolution,
    }
    return {**metrics, **scorecard_dates(metrics)}


def brexit_step(
    inputs: Inputs, referendum: str, source: str, measure: str, resolution: str
) -> dict[str, Any]:
    """`brexit_metrics` of the inputs."""
    return brexit_metrics(
        inputs.membership, inputs.composition, referendum, source, measure, resolution
    )


def pesco_step(
    inputs: Inputs, threshold_millions: float, without_opt_out: bool, resolution: str
) -> dict[str, Any]:
    """`pesco_metrics` of the inputs."""
    return pesco_metrics(
        inputs.pesco, inputs.membership, inputs.population, threshold_millions, without_opt_out,
        resolution,
    )  # fmt: skip


def summit_step(
    inputs: Inputs, cutoff: str, rows_counted: str, until: str, essay_date: str
) -> dict[str, Any]:
    """`summit_metrics` of the inputs."""
    return summit_metrics(inputs.summits, cutoff, rows_counted, until, essay_date)


def migration_step(
    inputs: Inputs, selection: str, measure: str, split_year: int, resolution: str
) -> dict[str, Any]:
    """`migration_metrics` of the inputs."""
    return migration_metrics(
        inputs.council, inputs.vetoes, selection, measure, split_year, resolution
    )


def populism_step(
    inputs: Inputs, borderline: str, weighting: str, essay_date: str
) -> dict[str, Any]:
    """`populism_metrics` of the inputs: the populist series under `borderline`, its mean per
    year by `weighting`, and the parties whose votes are lost."""
    populist_by_year = cached_populist_by_year(inputs, borderline)
    years = cached_step(populism_years, inputs)
    return populism_metrics(
        populist_by_year,
        mean_by_year(populist_by_year, inputs.population_wb, weighting),
        inputs.elections,
        cached_unmapped_count(inputs, "populist", borderline),
        len(without_parlgov_id(inputs.families, "populist", borderline, years)),
        int(essay_date[:4]),
    )


@functools.lru_cache(maxsize=8)
def cached_eastern_metrics(
    inputs: Inputs, enlargement_from: str, resolution: str, vetoes_since: str
) -> dict[str, Any]:
    """`eastern_coalition_metrics` of the inputs, once per choice of its parameters."""
    return eastern_coalition_metrics(
        inputs.membership,
        inputs.unga,
        inputs.vetoes,
        enlargement_from,
        resolution,
        vetoes_since,
        inputs.unga_last_date,
    )


def step_metrics(metrics: dict[str, Any], step: str, digits: int = 4) -> dict[str, Any]:
    """The metrics of one step (`STEP_METRICS`), floats rounded, for display in the notebook."""
    return {
        name: round(metrics[name], digits) if isinstance(metrics[name], float) else metrics[name]
        for name in STEP_METRICS[step]
    }


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
