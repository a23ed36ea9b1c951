"""Sanctions consensus: exposure to Russia, dispersion, the renewal record, an illustrative veto
model, and cohesion in UN General Assembly and Council votes. Small pure functions."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import brentq

ESSAY_DATE = "2017-12-31"

#: Exposure measures: name -> (column of `exposure_table`, axis label with unit).
MEASURES = {
    "exports_pct_gdp": ("exports_pct_gdp", "Exports to Russia (% of GDP)"),
    "total_trade_pct_gdp": (
        "total_trade_pct_gdp",
        "Trade with Russia, exports + imports (% of GDP)",
    ),
    "exports_pct_total_exports": (
        "exports_pct_total_exports",
        "Exports to Russia (% of total goods exports)",
    ),
    "gas_import_share": (
        "gas_import_share_pct",
        "Natural gas imported from Russia (% of gas imports)",
    ),
    "crude_oil_import_share": (
        "crude_oil_import_share_pct",
        "Crude oil imported from Russia (% of crude imports)",
    ),
}
VETO_FORMS = ("linear", "quadratic", "sqrt", "equal")
COHESION_INDICES = ("majority_share", "hix")


# --- exposure ---------------------------------------------------------------------------------


def _year_rows(frame: pd.DataFrame, year: int, name: str) -> pd.DataFrame:
    rows = frame[frame["year"] == year]
    if rows.empty:
        raise ValueError(
            f"{name}: no rows for year {year} (years: {sorted(frame['year'].unique())})"
        )
    return rows.set_index("country")


def _share(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """100 * numerator / denominator, missing where the denominator is missing or zero."""
    return 100 * numerator / denominator.where(denominator > 0)


def exposure_table(
    trade: pd.DataFrame, gdp: pd.DataFrame, energy: pd.DataFrame, year: int
) -> pd.DataFrame:
    """Every exposure measure per member state in `year` (percentages), indexed by country.

    trade: sanctions_trade_baseline.csv (million USD); gdp: sanctions_gdp_worldbank.csv (USD);
    energy: sanctions_energy_imports.csv. Gas/oil columns are missing if `year` is not covered.
    """
    t = _year_rows(trade, year, "trade baseline")
    g = _year_rows(gdp, year, "GDP")["gdp_usd"].reindex(t.index)
    if g.isna().any():
        raise ValueError(f"GDP missing for {', '.join(g.index[g.isna()])} in {year}")
    gdp_musd = g / 1e6
    table = pd.DataFrame(
        {
            "exports_to_russia_musd": t["exports_to_russia_musd"],
            "gdp_musd": gdp_musd,
            "exports_pct_gdp": _share(t["exports_to_russia_musd"], gdp_musd),
            "total_trade_pct_gdp": _share(
                t["exports_to_russia_musd"] + t["imports_from_russia_musd"], gdp_musd
            ),
            "exports_pct_total_exports": _share(
                t["exports_to_russia_musd"], t["total_exports_musd"]
            ),
        }
    )
    for fuel, column in (
        ("natural_gas", "gas_import_share_pct"),
        ("crude_oil", "crude_oil_import_share_pct"),
    ):
        rows = energy[(energy["fuel"] == fuel) & (energy["year"] == year)].set_index("country")
        table[column] = _share(rows["imports_from_russia"], rows["imports_total"]).reindex(
            table.index
        )
    return table.sort_index()


def exposure_series(table: pd.DataFrame, measure: str) -> pd.Series:
    """The chosen measure as a Series (states without a value dropped), largest first."""
    if measure not in MEASURES:
        raise ValueError(f"exposure_measure {measure!r} is not one of {sorted(MEASURES)}")
    column = MEASURES[measure][0]
    series = table[column].dropna()
    if series.empty:
        raise ValueError(f"exposure_measure {measure!r}: no values for this base_year")
    return series.sort_values(ascending=False, kind="stable").rename(measure)


def gini(values: Sequence[float]) -> float:
    """Gini coefficient of non-negative values: mean absolute difference / (2 * mean)."""
    x = np.asarray(values, dtype=float)
    if x.size == 0 or (x < 0).any():
        raise ValueError("gini needs at least one value and no negative values")
    mean = x.mean()
    if mean == 0:
        return 0.0
    return float(np.abs(x[:, None] - x[None, :]).mean() / (2 * mean))


def dispersion(series: pd.Series) -> dict[str, float | int | str | None]:
    """Max/min ratio over positive values, coefficient of variation (population SD), Gini."""
    values = series.dropna()
    positive = values[values > 0]
    mean = float(values.mean())
    return {
        "n_states": int(values.size),
        "n_zero": int((values == 0).sum()),
        "max": float(values.max()),
        "max_country": str(values.idxmax()),
        "min_positive": float(positive.min()) if len(positive) else None,
        "min_positive_country": str(positive.idxmin()) if len(positive) else None,
        "max_min_ratio": float(positive.max() / positive.min()) if len(positive) else None,
        "cv": float(values.std(ddof=0) / mean) if mean else None,
        "gini": gini(values.to_numpy()),
    }


def reexport_gap(
    trade: pd.DataFrame, comtrade: pd.DataFrame, gdp: pd.DataFrame, year: int = 2014
) -> pd.DataFrame:
    """Exports to Russia in `year`: Russia-side (COW) vs the state's own report (Comtrade).

    Columns in % of GDP and the ratio own/Russia-side; largest ratio first.
    """
    cow = _year_rows(trade, year, "trade baseline")["exports_to_russia_musd"]
    own = _year_rows(comtrade, year, "Comtrade")["exports_to_russia_usd"].reindex(cow.index) / 1e6
    gdp_musd = _year_rows(gdp, year, "GDP")["gdp_usd"].reindex(cow.index) / 1e6
    table = pd.DataFrame(
        {
            "russia_side_musd": cow,
            "own_report_musd": own,
            "russia_side_pct_gdp": _share(cow, gdp_musd),
            "own_report_pct_gdp": _share(own, gdp_musd),
            "own_to_russia_side_ratio": own / cow.where(cow > 0),
        }
    )
    return table.sort_values("own_to_russia_side_ratio", ascending=False, kind="stable")


def export_change(
    comtrade: pd.DataFrame, gdp: pd.DataFrame, from_year: int, to_year: int
) -> pd.DataFrame:
    """Change in own-reported exports to Russia between two years, in % of from-year GDP."""
    start = _year_rows(comtrade, from_year, "Comtrade")["exports_to_russia_usd"]
    end = _year_rows(comtrade, to_year, "Comtrade")["exports_to_russia_usd"].reindex(start.index)
    base_gdp = _year_rows(gdp, from_year, "GDP")["gdp_usd"].reindex(start.index)
    return pd.DataFrame(
        {
            "change_pct_gdp": _share(end - start, base_gdp),
            "change_pct": _share(end - start, start),
        }
    ).sort_values("change_pct_gdp", kind="stable")


# --- the renewal record ---------------------------------------------------------------------------


def parse_dates(values: pd.Series) -> pd.Series:
    """ISO dates; month-only values (YYYY-MM) are placed on the 15th of the month."""
    text = values.astype("string")
    text = text.where(text.str.len() != 7, text + "-15")
    return pd.to_datetime(text, format="%Y-%m-%d")


def regime_chain(decisions: pd.DataFrame, regime: str) -> pd.DataFrame:
    """Adoption and extension acts of one regime, in date order, with parsed dates."""
    rows = decisions[
        (decisions["regime"] == regime) & decisions["action"].isin(["adopt", "extend"])
    ]
    if rows.empty:
        raise ValueError(f"sanctions decisions: no adopt/extend rows for regime {regime!r}")
    chain = rows.assign(
        adopted=parse_dates(rows["adopted_date"]), expires=parse_dates(rows["extended_until"])
    )
    return chain.sort_values(["adopted", "action"], kind="stable", ignore_index=True)


def count_extensions(decisions: pd.DataFrame, regime: str, by: str | None = None) -> int:
    """Extensions of `regime` adopted on or before `by` (all when None)."""
    chain = regime_chain(decisions, regime)
    chain = chain[chain["action"] == "extend"]
    if by is not None:
        chain = chain[chain["adopted"] <= pd.Timestamp(by)]
    return int(len(chain))


def adopted_in_year(decisions: pd.DataFrame, regime: str, year: int) -> bool:
    """Whether the regime's adoption act is dated in `year`."""
    chain = regime_chain(decisions, regime)
    adoption = chain[chain["action"] == "adopt"]
    return bool((adoption["adopted"].dt.year == year).any())


def coverage_gaps(decisions: pd.DataFrame, regime: str, until: str | None = None) -> pd.DataFrame:
    """Gaps between the expiry in force and the next extension (a lapse if the record is complete).

    Walks the chain in date order keeping the latest known expiry; an act adopted after that
    expiry opens a gap. Acts with an unknown expiry neither extend nor shorten the coverage.
    """
    chain = regime_chain(decisions, regime)
    if until is not None:
        chain = chain[chain["adopted"] <= pd.Timestamp(until)]
    gaps, covered_to = [], None
    for row in chain.itertuples():
        if covered_to is not None and row.adopted > covered_to:
            gaps.append(
                {
                    "expired": covered_to,
                    "next_act": row.adopted,
                    "days": (row.adopted - covered_to).days,
                }
            )
        if pd.notna(row.expires):
            covered_to = row.expires if covered_to is None else max(covered_to, row.expires)
    return pd.DataFrame(gaps, columns=["expired", "next_act", "days"])


def in_force_on(decisions: pd.DataFrame, regime: str, date: str) -> bool:
    """Whether an act adopted on or before `date` keeps the regime in force on `date`."""
    chain = regime_chain(decisions, regime)
    day = pd.Timestamp(date)
    past = chain[chain["adopted"] <= day]
    return bool(len(past)) and bool((past["expires"] >= day).any())


def renewal_dates(decisions: pd.DataFrame, regime: str, by: str | None = None) -> list[str]:
    """ISO dates of the extensions of `regime` adopted on or before `by`."""
    chain = regime_chain(decisions, regime)
    chain = chain[chain["action"] == "extend"]
    if by is not None:
        chain = chain[chain["adopted"] <= pd.Timestamp(by)]
    return [d.date().isoformat() for d in chain["adopted"]]


# --- the veto model (illustrative) ---------------------------------------------------------------


def veto_probabilities(exposure: pd.Series, p_most_exposed: float, form: str) -> pd.Series:
    """Per-state probability of vetoing one renewal, rising with exposure.

    x = exposure / max exposure; p = p_most_exposed * f(x) with f(x) = x (linear), x**2
    (quadratic), sqrt(x) (sqrt) or 1 (equal: every state like the most exposed).
    """
    if not 0 <= p_most_exposed <= 1:
        raise ValueError(f"veto_probability_most_exposed must be in [0, 1], got {p_most_exposed}")
    if form not in VETO_FORMS:
        raise ValueError(f"veto_form {form!r} is not one of {VETO_FORMS}")
    if (exposure < 0).any() or exposure.max() <= 0:
        raise ValueError("veto model needs non-negative exposures with a positive maximum")
    x = exposure / exposure.max()
    shape = {"linear": x, "quadratic": x**2, "sqrt": np.sqrt(x), "equal": x * 0 + 1}[form]
    return (p_most_exposed * shape).rename("veto_probability")


def all_pass_probability(probabilities: pd.Series, electorates: Sequence[Sequence[str]]) -> float:
    """Probability that no state vetoes any decision; each decision has its own electorate.

    States vote independently; a state in an electorate without a probability raises.
    """
    log_total = 0.0
    for members in electorates:
        missing = sorted(set(members) - set(probabilities.index))
        if missing:
            raise ValueError(f"veto model: no exposure for {', '.join(missing)}")
        p = probabilities.reindex(list(members)).to_numpy(float)
        if (p >= 1).any():
            return 0.0
        log_total += float(np.log1p(-p).sum())
    return math.exp(log_total)


def max_consistent_veto_probability(
    exposure: pd.Series, form: str, electorates: Sequence[Sequence[str]], level: float = 0.95
) -> float:
    """Largest `p_most_exposed` giving the observed record (no veto) probability >= 1 - level.

    For the 'equal' form this is the closed form 1 - (1 - level) ** (1 / trials).
    """
    if not electorates:
        return 1.0
    alpha = 1 - level
    if form == "equal":
        trials = sum(len(members) for members in electorates)
        return 1 - alpha ** (1 / trials)

    def excess(p: float) -> float:
        return all_pass_probability(veto_probabilities(exposure, p, form), electorates) - alpha

    if excess(1.0) >= 0:
        return 1.0
    return float(brentq(excess, 0.0, 1.0, xtol=1e-12))


def members_on(membership: pd.DataFrame, date: str) -> list[str]:
    """ISO codes of EU members on `date` (YYYY-MM-DD), sorted."""
    joined = membership["accession_date"] <= date
    stayed = membership["exit_date"].isna() | (membership["exit_date"] > date)
    return sorted(membership.loc[joined & stayed, "country"])


# --- cohesion: UN General Assembly and Council ----------------------------------------------


def rollcall_agreement(rollcalls: pd.DataFrame, index: str) -> pd.Series:
    """Per roll call, EU agreement in % (roll calls with fewer than two EU votes dropped).

    majority_share: share of voting members who voted like the largest group.
    hix: Hix's agreement index (max - (total - max) / 2) / total, rescaled to %.
    """
    if index not in COHESION_INDICES:
        raise ValueError(f"cohesion_index {index!r} is not one of {COHESION_INDICES}")
    counts = rollcalls[["eu_yes", "eu_no", "eu_abstain"]].to_numpy(float)
    total = counts.sum(axis=1)
    top = counts.max(axis=1)
    keep = total >= 2
    if index == "majority_share":
        value = top / np.where(keep, total, 1)
    else:
        value = (top - 0.5 * (total - top)) / np.where(keep, total, 1)
    return pd.Series(100 * value, index=rollcalls["rcid"]).loc[keep]


def session_agreement(rollcalls: pd.DataFrame, index: str) -> pd.Series:
    """Mean per-roll-call EU agreement (%) by UNGA session."""
    per_call = rollcall_agreement(rollcalls, index)
    sessions = rollcalls.set_index("rcid")["session"].loc[per_call.index]
    return per_call.groupby(sessions).mean().rename(index)


def last_session_completed_before(date: str) -> int:
    """The last UNGA session closed before `date`; session s runs September 1945+s to
    September 1946+s (taken to close on 30 September)."""
    day = pd.Timestamp(date)
    session = day.year - 1946
    return session if day >= pd.Timestamp(f"{day.year}-09-30") else session - 1


def eu_majority_with_russia(rollcalls: pd.DataFrame) -> pd.Series:
    """Per session, % of roll calls on which the EU members' largest group voted like Russia."""
    rows = rollcalls.dropna(subset=["russia_vote"])
    counts = rows[["eu_yes", "eu_no", "eu_abstain"]]
    rows = rows[counts.sum(axis=1) > 0]
    majority = rows[["eu_yes", "eu_no", "eu_abstain"]].idxmax(axis=1).str.removeprefix("eu_")
    same = majority == rows["russia_vote"]
    return (100 * same.groupby(rows["session"]).mean()).rename("eu_majority_with_russia_pct")


def uncontested_share(council: pd.DataFrame, first_year: int, last_year: int) -> float | None:
    """Share of public Council votes in [first_year, last_year] with no member voting against."""
    years = council["decision_date"].str[:4].astype(int)
    rows = council[(years >= first_year) & (years <= last_year)]
    if rows.empty:
        return None
    return float((rows["n_against"] == 0).mean())


def resolution_votes(votes: pd.DataFrame, unres: str, members: Sequence[str]) -> pd.Series:
    """Counts of yes/no/abstain/absent among `members` on resolution `unres`."""
    rows = votes[(votes["unres"] == unres) & votes["country"].isin(list(members))]
    if rows.empty:
        raise ValueError(f"UNGA votes: no roll call {unres!r} for the given members")
    return rows["vote"].value_counts().reindex(["yes", "no", "abstain", "absent"], fill_value=0)


def ukraine_vote_summary(votes: pd.DataFrame, rollcalls: pd.DataFrame) -> pd.DataFrame:
    """Per Ukraine/Crimea roll call: date, resolution, EU yes/no/abstain/absent, Russia, Ukraine."""
    eu = votes[~votes["country"].isin(["RU", "UA"])]
    counts = eu.pivot_table(index="rcid", columns="vote", values="country", aggfunc="count")
    counts = counts.reindex(columns=["yes", "no", "abstain", "absent"]).fillna(0).astype(int)
    counts.columns = [f"eu_{c}" for c in counts.columns]
    others = votes[votes["country"].isin(["RU", "UA"])].pivot_table(
        index="rcid", columns="country", values="vote", aggfunc="first"
    )
    meta = rollcalls.set_index("rcid")[["date", "unres"]]
    table = meta.join(counts, how="inner").join(
        others.rename(columns={"RU": "russia", "UA": "ukraine"})
    )
    return table.sort_values("date")


# --- UNGA ideal points: distance between EU members and Russia ----------------------------------


def distance_to_russia(ideal_points: pd.DataFrame, russia: str = "RU") -> pd.DataFrame:
    """Each state's absolute ideal-point distance to Russia's in the same year.

    ideal_points: columns country, year, ideal_point (unga_ideal_points_eu_russia.csv). Returns
    country, year, distance for every state except Russia, sorted by year and country.
    """
    needed = {"country", "year", "ideal_point"}
    missing = sorted(needed - set(ideal_points.columns))
    if missing:
        raise ValueError(f"ideal points: missing columns {', '.join(missing)}")
    reference = ideal_points[ideal_points["country"] == russia].set_index("year")["ideal_point"]
    if reference.index.duplicated().any():
        raise ValueError(f"ideal points: several rows for {russia} in one year")
    others = ideal_points[ideal_points["country"] != russia]
    no_reference = sorted(set(others["year"]) - set(reference.index))
    if no_reference:
        raise ValueError(f"ideal points: no value for {russia} in years {no_reference}")
    distance = (others["ideal_point"] - others["year"].map(reference)).abs()
    table = pd.DataFrame(
        {"country": others["country"], "year": others["year"], "distance": distance}
    )
    return table.sort_values(["year", "country"], ignore_index=True)


def distance_by_year(distances: pd.DataFrame) -> pd.DataFrame:
    """Per year: mean, median, min and max distance and the number of states."""
    grouped = distances.groupby("year")["distance"]
    return pd.DataFrame(
        {
            "mean": grouped.mean(),
            "median": grouped.median(),
            "min": grouped.min(),
            "max": grouped.max(),
            "n_states": grouped.size().astype(int),
        }
    )


def distance_metrics(
    summary: pd.DataFrame, years: Sequence[int], change: tuple[int, int]
) -> dict[str, float]:
    """Named metrics: mean and median distance in each of `years`, and their change between
    the two years of `change` (later minus earlier)."""
    wanted = sorted({*years, *change})
    absent = [y for y in wanted if y not in summary.index]
    if absent:
        raise ValueError(
            f"ideal-point distance: no value for years {absent} "
            f"(available {int(summary.index.min())}-{int(summary.index.max())})"
        )
    prefix = "eu_russia_ideal_point_distance"
    metrics: dict[str, float] = {}
    for statistic in ("mean", "median"):
        for year in years:
            metrics[f"{prefix}_{statistic}_{year}"] = float(summary.loc[year, statistic])
        first, last = change
        metrics[f"{prefix}_{statistic}_change_{first}_{last}"] = float(
            summary.loc[last, statistic] - summary.loc[first, statistic]
        )
    return metrics
