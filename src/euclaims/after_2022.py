"""The 2022 test: did the consensus hold when the stakes rose? Evidence to the latest data.

Five analyses, as small pure functions over the data/raw extracts: (1) the collapse of EU27 exports
to Russia by member state against pre-2014 exposure, (2) the sanctions record after the escalation
(packages, renewals, vetoes), (3) the EU members' UN votes on Ukraine 2014-2025, (4) defence money
and EU-level defence instruments, (5) Levada polls on the EU. `load_inputs` reads the tables once;
`evaluate` returns every metric of the notebook for one specification.

Dates are ISO strings ('YYYY', 'YYYY-MM' or 'YYYY-MM-DD'); a partial date covers a period, and
is compared by its first day unless said otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import data
from .claims import Claim, evaluate_claim
from .defence import period_bounds
from .hindsight import eastern_members
from .memo import cached_step
from .sanctions import gdp_table, russia_trade_baseline
from .sizes import members_on

# --- definitions (not facts: names used by the extracts and the ledger) -----------------------

EXPOSURE_MEASURES = ("exports_pct_gdp", "exports_pct_total_exports", "total_trade_pct_gdp")
END_PERIODS = ("latest_full_year", "latest_months_same_months", "latest_months_annualised")
GAP_POLICIES = ("not_retrieved", "strict")
VETO_SCOPES = ("sanctions", "russia_related", "russia_and_ukraine")
#: Regimes whose renewals are checked (`regimes_checked`), as named in sanctions_decisions.csv.
REGIME_SETS = {
    "three": ("economic", "individual", "crimea"),
    "with_territories": ("economic", "individual", "crimea", "territories"),
}
VOTE_SETS = ("complete_since_escalation", "complete_all", "retrieved_all")
ALIGNMENT_DEFINITIONS = ("majority", "any")
ABSTENTION_READINGS = ("not_alignment", "alignment")
MILEX_SOURCES = ("sipri", "nato")
INSTRUMENT_SCOPES = ("legal_acts", "all_initiatives")
DISDAIN_WINDOWS = ("essay_year", "since_essay", "since_escalation")
POOLINGS = ("mean", "median", "latest")
#: The two resolutions whose EU27 counts are named metrics of issue 14.
ES_11_1, ES_11_7 = "A/RES/ES-11/1", "A/RES/ES-11/7"
RUSSIA, UKRAINE = "RU", "UA"
Z_95 = 1.959963984540054  # standard normal quantile for a two-sided 95% interval


def check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    """Stop with a message naming the parameter when `value` is not one of `allowed`."""
    if value not in allowed:
        raise ValueError(f"parameter {name}: {value!r} is not one of {list(allowed)}")


def first_day(value: str) -> pd.Timestamp:
    """The first day covered by a full or partial ISO date."""
    return period_bounds(value)[0]


def none_if_missing(value: Any) -> Any:
    """None for a missing number (NaN, pandas NA); the value as a plain Python value otherwise."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def days_between(start: str, end: str) -> int:
    """Whole days from the first day of `start` to the first day of `end`."""
    return int((first_day(end) - first_day(start)).days)


# --- inputs ------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Inputs:
    """The notebook's data/raw tables, read and validated once (picklable).

    Hashable by identity (eq=False), so each analysis' metrics can be cached per inputs object.
    """

    membership: pd.DataFrame
    exports_monthly: pd.DataFrame
    trade_baseline: pd.DataFrame
    gdp: pd.DataFrame
    decisions: pd.DataFrame
    renewal_acts: pd.DataFrame
    vetoes: pd.DataFrame
    unga: pd.DataFrame
    sipri: pd.DataFrame
    nato: pd.DataFrame
    eda_eu27: pd.DataFrame
    eda_states: pd.DataFrame
    instruments: pd.DataFrame
    initiatives: pd.DataFrame
    levada: pd.DataFrame
    #: derived once (parameter-free): exports per country and year with the months covered,
    #: the UN resolutions with their EU counts, the votes as a country x resolution matrix,
    #: and the eastern members
    exports_annual: pd.DataFrame
    resolutions: pd.DataFrame
    votes_wide: pd.DataFrame
    eastern: tuple[str, ...]


def largest_enlargement_date(membership: pd.DataFrame) -> str:
    """The accession date shared by the most states (the 2004 'big bang' enlargement in the
    EUMS dates): the eastern members are those who joined on or after it, as in hindsight."""
    counts = membership["accession_date"].value_counts()
    return str(counts[counts == counts.max()].index.min())


def load_inputs() -> Inputs:
    """Read every table of the notebook (sha256 and schema checked by `data.load_raw`)."""
    monthly = data.load_raw("eurostat_exports_russia_monthly.csv")
    membership = data.load_raw("member_states.csv")
    unga = data.load_raw("unga_ukraine_votes_2014_2025.csv")
    return Inputs(
        membership=membership,
        exports_monthly=monthly,
        trade_baseline=russia_trade_baseline(
            data.load_raw("cow_dyadic_trade_russia.csv"), data.load_raw("cow_national_trade.csv")
        ),
        gdp=gdp_table(data.load_raw("worldbank_wdi_eu.csv")),
        decisions=data.load_raw("sanctions_decisions.csv"),
        renewal_acts=data.load_raw("sanctions_renewal_acts_2026.csv"),
        vetoes=data.load_raw("eu_vetoes.csv"),
        unga=unga,
        sipri=data.load_raw("sipri_milex_eu.csv"),
        nato=data.load_raw("nato_defence_share_gdp_eu.csv"),
        eda_eu27=data.load_raw("eda_eu27_2018_2023.csv"),
        eda_states=data.load_raw("eda_member_states_2023.csv"),
        instruments=data.load_raw("eu_defence_instruments.csv"),
        initiatives=data.load_raw("defence_initiatives.csv"),
        levada=data.load_raw("levada_eu_attitudes.csv"),
        exports_annual=annual_exports(monthly),
        resolutions=resolution_table(unga, membership),
        votes_wide=unga.pivot(index="country", columns="resolution", values="vote"),
        eastern=tuple(eastern_members(membership, largest_enlargement_date(membership))),
    )


# --- 1. trade collapse by member state ----------------------------------------------------------


def annual_exports(monthly: pd.DataFrame) -> pd.DataFrame:
    """Exports to Russia per country and year (EUR) and the months of that year in the data."""
    table = monthly.assign(year=monthly["month"].str[:4].astype(int))
    out = table.groupby(["country", "year"]).agg(
        exports_eur=("exports_eur", "sum"), months=("month", "nunique")
    )
    return out.reset_index()


def months_in_data(monthly: pd.DataFrame) -> pd.Series:
    """Number of distinct months per year in the data (12 = a complete year)."""
    years = monthly["month"].drop_duplicates().str[:4].astype(int)
    return years.value_counts().sort_index()


def eu27_exports_per_year(monthly: pd.DataFrame) -> pd.DataFrame:
    """EU27 exports to Russia per year (EUR bn) and the months each year covers."""
    months = months_in_data(monthly)
    totals = monthly.assign(year=monthly["month"].str[:4].astype(int)).groupby("year")
    table = pd.DataFrame(
        {"exports_eur_bn": totals["exports_eur"].sum() / 1e9, "months": months}
    ).rename_axis("year")
    table["annualised_eur_bn"] = table["exports_eur_bn"] * 12 / table["months"]
    return table


def end_period(monthly: pd.DataFrame, choice: str) -> dict[str, Any]:
    """Year, months and scale of the period after the cut for `trade_end_period`."""
    check_choice("trade_end_period", choice, END_PERIODS)
    months = months_in_data(monthly)
    complete = months[months == 12]
    if complete.empty:
        raise ValueError("eurostat_exports_russia_monthly.csv: no complete year in the data")
    if choice == "latest_full_year":
        year = int(complete.index.max())
        return {"year": year, "months": list(range(1, 13)), "scale": 1.0, "label": str(year)}
    year = int(months.index.max())
    covered = sorted(
        int(m[5:]) for m in monthly["month"].drop_duplicates() if m.startswith(str(year))
    )
    label = f"{year}-{covered[0]:02d} to {year}-{covered[-1]:02d}"
    if choice == "latest_months_same_months":
        return {"year": year, "months": covered, "scale": 1.0, "label": label}
    return {
        "year": year,
        "months": covered,
        "scale": 12 / len(covered),
        "label": f"{label}, annualised",
    }


def exports_in(monthly: pd.DataFrame, year: int, months: list[int]) -> pd.Series:
    """Exports per country in the given months of `year` (EUR)."""
    wanted = [f"{year}-{m:02d}" for m in months]
    rows = monthly[monthly["month"].isin(wanted)]
    if rows["month"].nunique() != len(wanted):
        raise ValueError(
            "eurostat_exports_russia_monthly.csv: months "
            f"{sorted(set(wanted) - set(rows['month']))} are not in the data"
        )
    return rows.groupby("country")["exports_eur"].sum().astype(float)


def trade_change(monthly: pd.DataFrame, base_year: int, end_choice: str) -> pd.DataFrame:
    """Per member: exports in the base period and after the cut (EUR), and the change (%).

    With `latest_months_same_months` the base period is the same months of `base_year`;
    otherwise the whole base year.
    """
    end = end_period(monthly, end_choice)
    same_months = end_choice == "latest_months_same_months"
    base_months = end["months"] if same_months else list(range(1, 13))
    base = exports_in(monthly, base_year, base_months)
    after = exports_in(monthly, end["year"], end["months"]) * end["scale"]
    table = pd.DataFrame({"base_eur": base, "end_eur": after})
    table["change_pct"] = 100 * (
        table["end_eur"] / table["base_eur"].where(table["base_eur"] > 0) - 1
    )
    return table


def exposure(baseline: pd.DataFrame, gdp: pd.DataFrame, measure: str, year: int) -> pd.Series:
    """Pre-2014 exposure to Russia per state in `year` (percent), by `measure`."""
    check_choice("exposure_measure", measure, EXPOSURE_MEASURES)
    trade = baseline[baseline["year"] == year].set_index("country")
    if trade.empty:
        raise ValueError(f"cow_dyadic_trade_russia.csv: no rows for exposure_base_year {year}")
    if measure == "exports_pct_total_exports":
        return (100 * trade["exports_to_russia_musd"] / trade["total_exports_musd"]).rename(measure)
    product = gdp[gdp["year"] == year].set_index("country")["gdp_usd"].reindex(trade.index)
    if product.isna().any():
        missing = ", ".join(product.index[product.isna()])
        raise ValueError(f"worldbank_wdi_eu.csv: no {year} GDP (gdp_usd) for {missing}")
    flow = trade["exports_to_russia_musd"]
    if measure == "total_trade_pct_gdp":
        flow = flow + trade["imports_from_russia_musd"]
    return (100 * flow * 1e6 / product).rename(measure)


def rank_correlation(x: pd.Series, y: pd.Series) -> dict[str, float | int | None]:
    """Spearman's rho over the common index, with a 95% interval (Fisher z, Bonett-Wright SE)."""
    pair = pd.concat([x, y], axis=1, join="inner").dropna()
    n = len(pair)
    if n < 5:
        return {"rho": None, "ci_low": None, "ci_high": None, "n": n}
    ranks = pair.rank()
    rho = float(np.corrcoef(ranks.iloc[:, 0], ranks.iloc[:, 1])[0, 1])
    se = math.sqrt((1 + rho**2 / 2) / (n - 3))
    z = math.atanh(max(min(rho, 0.999999), -0.999999))
    return {
        "rho": rho,
        "ci_low": math.tanh(z - Z_95 * se),
        "ci_high": math.tanh(z + Z_95 * se),
        "n": n,
    }


def trade_table(
    inputs: Inputs, base_year: int, end_choice: str, measure: str, exposure_year: int
) -> pd.DataFrame:
    """Per EU27 member: exposure, exports before and after, change; most exposed first."""
    change = cached_step(trade_change_step, inputs, base_year, end_choice)
    table = change.join(cached_step(exposure_step, inputs, measure, exposure_year))
    return table.rename(columns={measure: "exposure_pct"}).sort_values(
        "exposure_pct", ascending=False, kind="stable"
    )


def trade_change_step(inputs: Inputs, base_year: int, end_choice: str) -> pd.DataFrame:
    """`trade_change` of the inputs' monthly exports (a step for `cached_step`)."""
    return trade_change(inputs.exports_monthly, base_year, end_choice)


def exposure_step(inputs: Inputs, measure: str, year: int) -> pd.Series:
    """`exposure` of the inputs' trade baseline and GDP (a step for `cached_step`)."""
    return exposure(inputs.trade_baseline, inputs.gdp, measure, year)


def trade_metrics(
    inputs: Inputs, base_year: int, end_choice: str, measure: str, exposure_year: int
) -> dict[str, Any]:
    """Metrics of claim unequal-ties-made-consensus-impossible (names carry the default years)."""
    table = trade_table(inputs, base_year, end_choice, measure, exposure_year)
    end = end_period(inputs.exports_monthly, end_choice)
    base_total, end_total = float(table["base_eur"].sum()), float(table["end_eur"].sum())
    corr = rank_correlation(table["exposure_pct"], table["change_pct"])
    most = table["exposure_pct"].idxmax()
    return {
        "eu27_exports_to_russia_2021_eur": base_total,
        "eu27_exports_to_russia_2023_eur": end_total,
        "eu27_exports_to_russia_2021_eur_bn": base_total / 1e9,
        "eu27_exports_to_russia_2023_eur_bn": end_total / 1e9,
        "eu27_exports_to_russia_change_2021_2023_pct": 100 * (end_total / base_total - 1),
        "exposure_trade_change_rank_corr": corr["rho"],
        "exposure_trade_change_rank_corr_ci_low": corr["ci_low"],
        "exposure_trade_change_rank_corr_ci_high": corr["ci_high"],
        "exposure_trade_states_count": corr["n"],
        "members_with_export_increase_count": int((table["change_pct"] > 0).sum()),
        "most_exposed_state": most,
        "most_exposed_state_change_pct": float(table.loc[most, "change_pct"]),
        "trade_end_label": end["label"],
        "trade_latest_month": str(inputs.exports_monthly["month"].max()),
    }


# --- 2. consensus under pressure: packages, renewals, vetoes ----------------------------------


def packages_since(decisions: pd.DataFrame, since: str) -> pd.DataFrame:
    """Sanctions packages adopted on or after `since`, in order, with the days since the last."""
    rows = decisions[(decisions["regime"] == "package") & (decisions["adopted_date"] >= since)]
    table = rows.sort_values("adopted_date")[["package_no", "adopted_date", "act", "notes"]]
    previous = [since, *table["adopted_date"].iloc[:-1]]
    table = table.assign(
        days_since_previous=[
            days_between(a, b) for a, b in zip(previous, table["adopted_date"], strict=True)
        ]
    )
    return table.reset_index(drop=True)


def package_intervals(dates: list[str], start: str, end: str) -> list[int]:
    """Days between `start`, each package date and `end` (so a stall at either end shows)."""
    points = [start, *sorted(dates), end]
    return [days_between(a, b) for a, b in zip(points[:-1], points[1:], strict=True)]


def regime_record(
    decisions: pd.DataFrame, regime: str, since: str, gap_policy: str
) -> pd.DataFrame:
    """Adoption and extension acts of `regime`, each with the expiry in force before it and
    whether a gap opened after `since` (an act starting after that expiry).

    A gap's kind: 'not_retrieved' when the act extends the same decision and `gap_policy` is
    not_retrieved (an expired decision cannot be extended, so a renewal in between is missing
    from the table); otherwise 'lapse'.
    """
    check_choice("gap_policy", gap_policy, GAP_POLICIES)
    acts = decisions[
        (decisions["regime"] == regime) & decisions["action"].isin(["adopt", "extend"])
    ]
    acts = acts.assign(start=acts["adopted_date"].map(first_day)).sort_values(
        "start", kind="stable"
    )
    expiry, rows = None, []
    for act in acts.itertuples(index=False):
        gap = expiry is not None and act.start > expiry and expiry >= first_day(since)
        kind = ""
        if gap:
            kind = (
                "not_retrieved"
                if gap_policy == "not_retrieved" and act.action == "extend"
                else "lapse"
            )
        rows.append(
            {
                "regime": regime,
                "adopted_date": act.adopted_date,
                "action": act.action,
                "act": act.act,
                "expiry_before": None if expiry is None else expiry.strftime("%Y-%m-%d"),
                "extended_until": act.extended_until,
                "gap": kind,
                "notes": act.notes,
            }
        )
        if isinstance(act.extended_until, str):
            until = pd.Timestamp(act.extended_until)
            expiry = until if expiry is None else max(expiry, until)
    return pd.DataFrame(rows)


def regime_summary(
    decisions: pd.DataFrame, regimes: tuple[str, ...], since: str, gap_policy: str, check_date: str
) -> pd.DataFrame:
    """Per regime: renewals since `since`, renewals not retrieved, lapses, last known expiry and
    whether it was in force on `check_date`."""
    rows = []
    for regime in regimes:
        record = regime_record(decisions, regime, since, gap_policy)
        if record.empty:
            raise ValueError(f"sanctions_decisions.csv: no acts of regime {regime!r}")
        expiries = record["extended_until"].dropna()
        last = str(expiries.max()) if len(expiries) else None
        renewals = record[(record["action"] == "extend") & (record["adopted_date"] >= since)]
        rows.append(
            {
                "regime": regime,
                "renewals_since": len(renewals),
                "not_retrieved": int((record["gap"] == "not_retrieved").sum()),
                "lapses": int((record["gap"] == "lapse").sum()),
                "last_known_expiry": last,
                "in_force_on_check_date": last is not None and last >= check_date,
            }
        )
    return pd.DataFrame(rows).set_index("regime")


def vetoes_in_scope(vetoes: pd.DataFrame, scope: str, since: str) -> pd.DataFrame:
    """Veto episodes on or after `since` within `veto_scope`."""
    check_choice("veto_scope", scope, VETO_SCOPES)
    targets = vetoes["issue_country"].fillna("").str.split(";")
    on_russia = targets.map(lambda t: RUSSIA in t)
    if scope == "sanctions":
        keep = on_russia & (vetoes["issue"] == "sanctions")
    elif scope == "russia_related":
        keep = on_russia
    else:
        keep = on_russia | targets.map(lambda t: UKRAINE in t)
    return vetoes[keep & (vetoes["date"] >= since)].sort_values(["date", "country"])


def veto_resolutions(vetoes: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """Each veto with the next sanctions package or renewal after it (a sanctions veto is
    resolved by that act); vetoes outside sanctions have no coded resolution."""
    acts = decisions[decisions["action"].isin(["package", "extend"])]
    acts = acts.assign(start=acts["adopted_date"].map(first_day)).sort_values("start")
    rows = []
    for veto in vetoes.itertuples(index=False):
        later = acts[acts["start"] > pd.Timestamp(veto.date)]
        is_sanction = veto.issue == "sanctions"
        nxt = later.iloc[0] if is_sanction and len(later) else None
        package = later[later["action"] == "package"] if is_sanction else later.iloc[0:0]
        rows.append(
            {
                "date": veto.date,
                "country": veto.country,
                "issue": veto.issue,
                "target": veto.issue_country,
                "resolved_by": None if nxt is None else f"{nxt['regime']} {nxt['action']}",
                "resolved_on": None if nxt is None else nxt["adopted_date"],
                "days_to_resolution": None
                if nxt is None
                else days_between(veto.date, nxt["adopted_date"]),
                "next_package_on": package.iloc[0]["adopted_date"] if len(package) else None,
            }
        )
    columns = [
        "date",
        "country",
        "issue",
        "target",
        "resolved_by",
        "resolved_on",
        "days_to_resolution",
        "next_package_on",
    ]
    return pd.DataFrame(rows, columns=columns)


def states_list(codes: pd.Series) -> str:
    """Distinct codes joined by ';', or 'none'."""
    values = sorted(set(codes))
    return ";".join(values) if values else "none"


def regime_summary_step(
    inputs: Inputs, regimes_checked: str, since: str, gap_policy: str, check_date: str
) -> pd.DataFrame:
    """`regime_summary` of the regimes of `regimes_checked` (a step for `cached_step`)."""
    return regime_summary(
        inputs.decisions, REGIME_SETS[regimes_checked], since, gap_policy, check_date
    )


def veto_resolutions_step(inputs: Inputs, veto_scope: str, since: str) -> pd.DataFrame:
    """`veto_resolutions` of the vetoes in scope since `since` (a step for `cached_step`)."""
    return veto_resolutions(vetoes_in_scope(inputs.vetoes, veto_scope, since), inputs.decisions)


def sanctions_metrics(
    inputs: Inputs, escalation_date: str, gap_policy: str, veto_scope: str, regimes_checked: str
) -> dict[str, Any]:
    """Metrics of claim sanctions-consensus-survived-2022."""
    check_choice("regimes_checked", regimes_checked, tuple(REGIME_SETS))
    decisions = inputs.decisions
    latest = str(decisions["adopted_date"].max())
    packages = packages_since(decisions, escalation_date)
    dates = list(packages["adopted_date"])
    intervals = package_intervals(dates, escalation_date, latest)
    check_date = dates[-1] if dates else latest
    regimes = cached_step(
        regime_summary_step, inputs, regimes_checked, escalation_date, gap_policy, check_date
    )
    vetoes = cached_step(veto_resolutions_step, inputs, veto_scope, escalation_date)
    between = [days_between(a, b) for a, b in zip(dates[:-1], dates[1:], strict=True)]
    return {
        "sanctions_packages_since_2022_count": len(dates),
        "sanctions_packages_latest_date": dates[-1] if dates else None,
        "sanctions_package_median_interval_days": float(np.median(between)) if between else None,
        "sanctions_package_max_interval_days": max(intervals),
        "sanctions_regime_renewals_since_2022_count": int(regimes["renewals_since"].sum()),
        "sanctions_regime_renewals_not_retrieved_count": int(regimes["not_retrieved"].sum()),
        "sanctions_regime_failures_count": int(regimes["lapses"].sum())
        + int((~regimes["in_force_on_check_date"]).sum()),
        "sanctions_regimes_checked_count": len(regimes),
        "sanctions_vetoes_since_2022_count": len(vetoes),
        "sanctions_vetoes_unresolved_count": int(vetoes["resolved_on"].isna().sum()),
        "sanctions_vetoing_states": states_list(vetoes["country"]),
        "sanctions_renewals_noting_veto_threat_count": int(
            decisions.loc[decisions["adopted_date"] >= escalation_date, "notes"]
            .fillna("")
            .str.contains("veto")
            .sum()
        ),
        "sanctions_data_latest_date": latest,
    }


# --- 3. UN General Assembly votes on Ukraine ---------------------------------------------------


def resolution_table(unga: pd.DataFrame, membership: pd.DataFrame) -> pd.DataFrame:
    """Per resolution: EU members on the day, votes retrieved, yes/no/abstain/absent among them,
    Russia's vote, and whether every EU member's vote was retrieved (complete)."""
    rows = []
    for (resolution, date), votes in unga.groupby(["resolution", "date"], sort=False):
        members = members_on(membership, date)
        eu = votes[votes["country"].isin(members)].set_index("country")["vote"].reindex(members)
        russia = votes.loc[votes["country"] == RUSSIA, "vote"]
        counts = eu.value_counts()
        rows.append(
            {
                "resolution": resolution,
                "date": date,
                "eu_members": len(members),
                "retrieved": int(eu.notna().sum()),
                **{code: int(counts.get(code, 0)) for code in ("yes", "no", "abstain", "absent")},
                "russia": russia.iloc[0] if len(russia) else None,
                "complete": bool(eu.notna().all()),
            }
        )
    return pd.DataFrame(rows).sort_values("date", kind="stable").set_index("resolution")


def selected_resolutions(table: pd.DataFrame, vote_set: str, since: str) -> list[str]:
    """Resolutions of `unga_vote_set` (with EU votes retrieved and a Russian vote), by date."""
    check_choice("unga_vote_set", vote_set, VOTE_SETS)
    usable = table[(table["retrieved"] > 0) & table["russia"].notna()]
    if vote_set == "complete_since_escalation":
        usable = usable[usable["complete"] & (usable["date"] >= since)]
    elif vote_set == "complete_all":
        usable = usable[usable["complete"]]
    return list(usable.index)


def alignment_with_russia(
    votes_wide: pd.DataFrame, resolutions: list[str], countries: list[str], abstention: str
) -> pd.DataFrame:
    """Per country: selected votes retrieved, votes as Russia (no where Russia voted no, and
    abstentions if `abstention_counts_as` is alignment) and their share.

    `votes_wide`: votes as a country x resolution matrix (empty = not retrieved).
    """
    check_choice("abstention_counts_as", abstention, ABSTENTION_READINGS)
    if RUSSIA not in votes_wide.index:
        raise ValueError("UN votes table has no Russian votes (country 'RU')")
    russia_no = [r for r in resolutions if votes_wide.loc[RUSSIA, r] == "no"]
    siding = ["no", "abstain"] if abstention == "alignment" else ["no"]
    own = votes_wide.reindex(index=countries, columns=resolutions)
    retrieved = own.notna().sum(axis=1)
    as_russia = own[russia_no].isin(siding).sum(axis=1)
    table = pd.DataFrame({"votes_retrieved": retrieved, "as_russia": as_russia})
    table["share_as_russia"] = table["as_russia"] / table["votes_retrieved"].where(retrieved > 0)
    return table.rename_axis("country")


def aligned_count(alignment: pd.DataFrame, definition: str) -> int:
    """Members aligned with Russia: as Russia on more than half of their retrieved votes
    (`majority`) or at least once (`any`)."""
    check_choice("alignment_definition", definition, ALIGNMENT_DEFINITIONS)
    if definition == "majority":
        return int((alignment["as_russia"] > alignment["votes_retrieved"] / 2).sum())
    return int((alignment["as_russia"] >= 1).sum())


def crimea_alignment(inputs: Inputs) -> pd.DataFrame:
    """`alignment_with_russia` of the eastern members on the Crimea resolution (68/262)."""
    crimea_vote = [r for r in inputs.resolutions.index if r.endswith("68/262")]
    return alignment_with_russia(
        inputs.votes_wide, crimea_vote, list(inputs.eastern), "not_alignment"
    )


def eastern_metrics(
    inputs: Inputs,
    essay_date: str,
    escalation_date: str,
    vote_set: str,
    alignment_definition: str,
    abstention: str,
    veto_scope: str,
) -> dict[str, Any]:
    """Metrics of claim eastern-states-russia-coalition-absurd and the UN vote counts."""
    table = inputs.resolutions
    chosen = selected_resolutions(table, vote_set, escalation_date)
    eastern = list(inputs.eastern)
    alignment = alignment_with_russia(inputs.votes_wide, chosen, eastern, abstention)
    vetoes = vetoes_in_scope(inputs.vetoes, veto_scope, essay_date)
    by_eastern = vetoes[vetoes["country"].isin(eastern)]
    old = cached_step(crimea_alignment, inputs)
    return {
        "eastern_members_count": len(eastern),
        "eastern_members_aligned_with_russia_count": aligned_count(alignment, alignment_definition),
        "eastern_members_voted_with_russia_count": int((alignment["as_russia"] >= 1).sum()),
        "eastern_members_voting_with_russia": states_list(
            alignment.index[alignment["as_russia"] >= 1].to_series()
        ),
        "eastern_members_russia_vetoes_count": len(by_eastern),
        "eastern_members_vetoing_states": states_list(by_eastern["country"]),
        "eastern_members_no_unga_68_262_count": int(old["as_russia"].sum()),
        "unga_resolutions_used": ", ".join(r.removeprefix("A/RES/") for r in chosen) or "none",
        "unga_resolutions_used_count": len(chosen),
        "unga_es11_1_eu27_yes_count": int(table.loc[ES_11_1, "yes"]),
        "unga_es11_7_eu27_no_count": int(table.loc[ES_11_7, "no"]),
        "unga_eu_votes_with_russia_since_escalation_count": int(
            table.loc[table["date"] >= escalation_date, "no"].sum()
        ),
        "unga_votes_latest_date": str(inputs.unga["date"].max()),
        "vetoes_data_latest_date": str(inputs.vetoes["date"].max()),
    }


# --- 4. defence money and EU-level instruments -------------------------------------------------


def milex_shares(inputs: Inputs, source: str) -> pd.DataFrame:
    """Military expenditure as % of GDP per country and year: SIPRI or NATO (share of real GDP)."""
    check_choice("milex_source", source, MILEX_SOURCES)
    if source == "sipri":
        return inputs.sipri.rename(columns={"milex_share_of_gdp_pct": "share_pct"})[
            ["country", "year", "share_pct"]
        ]
    return inputs.nato.rename(columns={"share_of_real_gdp_pct": "share_pct"})[
        ["country", "year", "share_pct"]
    ]


def members_at_or_above(shares: pd.DataFrame, members: list[str], threshold: float) -> pd.DataFrame:
    """Per year: members with a value (covered) and members at or above `threshold` % of GDP."""
    rows = shares[shares["country"].isin(members)]
    grouped = rows.groupby("year")["share_pct"]
    return pd.DataFrame(
        {
            "covered": grouped.count(),
            "at_or_above": grouped.apply(lambda s: int((s >= threshold).sum())),
        }
    )


def instruments_since(inputs: Inputs, since: str, scope: str) -> pd.DataFrame:
    """EU-level defence steps adopted on or after `since`: name, date, act."""
    check_choice("instrument_scope", scope, INSTRUMENT_SCOPES)
    if scope == "legal_acts":
        rows = inputs.instruments[inputs.instruments["adopted_date"] >= since]
        return rows.rename(columns={"short_name": "step", "adopted_date": "date"})[
            ["step", "date", "act"]
        ].reset_index(drop=True)
    initiatives = inputs.initiatives[inputs.initiatives["counted"].astype(bool)]
    starts = initiatives["date"].map(first_day)
    rows = initiatives[starts >= first_day(since)]
    return rows.rename(columns={"name": "step", "legal_reference": "act"})[
        ["step", "date", "act"]
    ].reset_index(drop=True)


def eda_value(eda: pd.DataFrame, indicator: str, year: int) -> float | None:
    """One EDA EU27 value, or None when the EDA did not publish it."""
    rows = eda[(eda["indicator"] == indicator) & (eda["year"] == year)]
    return float(rows["value"].iloc[0]) if len(rows) else None


def defence_metrics(
    inputs: Inputs,
    escalation_date: str,
    source: str,
    threshold: float,
    base_year: int,
    scope: str,
) -> dict[str, Any]:
    """Metrics of claim eu-defence-effort-grew-after-2022 (names carry the 2% and 2021 defaults)."""
    shares = milex_shares(inputs, source)
    latest = int(shares["year"].max())
    eu27 = members_on(inputs.membership, f"{latest}-01-01")
    counts = members_at_or_above(shares, eu27, threshold)
    if base_year not in counts.index:
        raise ValueError(f"parameter defence_base_year: {base_year} is not covered by {source}")
    steps = instruments_since(inputs, escalation_date, scope)
    eda = inputs.eda_eu27
    eda_latest = int(eda["year"].max())
    share_latest = eda_value(eda, "total_defence_expenditure_share_gdp", eda_latest)
    share_base = eda_value(eda, "total_defence_expenditure_share_gdp", base_year)
    invest_base = eda_value(eda, "defence_investment", base_year)
    invest_latest = eda_value(eda, "defence_investment", eda_latest)
    collab = eda[eda["indicator"] == "european_collaborative_procurement"]
    collab_year = int(collab["year"].max())
    collab_share = (
        100
        * eda_value(eda, "european_collaborative_procurement", collab_year)
        / (eda_value(eda, "equipment_procurement", collab_year))
    )
    return {
        "eu_members_milex_2pct_gdp_latest": int(counts.loc[latest, "at_or_above"]),
        "eu_members_milex_2pct_gdp_latest_year": latest,
        "eu_members_milex_2pct_gdp_2021": int(counts.loc[base_year, "at_or_above"]),
        "eu_members_milex_covered_latest": int(counts.loc[latest, "covered"]),
        "eu_defence_instruments_since_escalation_count": len(steps),
        "eu_defence_instruments_since_escalation": ", ".join(steps["step"]) or "none",
        "eda_defence_expenditure_share_gdp_latest_pct": None
        if share_latest is None
        else 100 * share_latest,
        "eda_defence_expenditure_share_gdp_2021_pct": None
        if share_base is None
        else 100 * share_base,
        "eda_defence_investment_change_2021_2023_pct": None
        if invest_base is None or invest_latest is None
        else 100 * (invest_latest / invest_base - 1),
        "eda_latest_year": eda_latest,
        "eda_european_collaborative_procurement_share_latest_pct": collab_share,
        "eda_collaborative_data_last_year": collab_year,
        "eda_members_2pct_gdp_2023": int(
            (inputs.eda_states["share_of_gdp_pct"] >= threshold).sum()
        ),
    }


# --- 5. Russian attitudes to the EU (Levada) ---------------------------------------------------


def levada_periods(
    hope_first: int, hope_last: int, essay_year: int, escalation_year: int, latest: int, window: str
) -> dict[str, tuple[int, int]]:
    """Years (first, last) of the hope, disillusion and disdain periods."""
    check_choice("levada_disdain_window", window, DISDAIN_WINDOWS)
    disdain = {
        "essay_year": (essay_year, essay_year),
        "since_essay": (essay_year, latest),
        "since_escalation": (escalation_year, latest),
    }[window]
    return {
        "hope": (hope_first, hope_last),
        "disillusion": (hope_last + 1, disdain[0] - 1),
        "disdain": disdain,
    }


def pooled(values: pd.Series, pooling: str) -> float | None:
    """Mean, median or latest (last in order) of the non-missing values; None if there are none."""
    check_choice("levada_pooling", pooling, POOLINGS)
    values = values.dropna()
    if values.empty:
        return None
    if pooling == "mean":
        return float(values.mean())
    if pooling == "median":
        return float(values.median())
    return float(values.iloc[-1])


def levada_period_table(
    levada: pd.DataFrame, periods: dict[str, tuple[int, int]], pooling: str
) -> pd.DataFrame:
    """Per period: years, dated points, polls with a positive / negative share, pooled shares."""
    dated = levada.dropna(subset=["year"]).sort_values(["year", "row"])
    rows = []
    for name, (first, last) in periods.items():
        points = dated[(dated["year"] >= first) & (dated["year"] <= last)]
        rows.append(
            {
                "period": name,
                "years": f"{first}-{last}",
                "points": len(points),
                "positive_polls": int(points["positive_total_pct"].notna().sum()),
                "negative_polls": int(points["negative_total_pct"].notna().sum()),
                "positive_pct": pooled(points["positive_total_pct"], pooling),
                "negative_pct": pooled(points["negative_total_pct"], pooling),
            }
        )
    return pd.DataFrame(rows).set_index("period")


def years_without_point(levada: pd.DataFrame) -> str:
    """Years between the first and the last dated poll without any dated poll, joined by ', '."""
    years = set(levada["year"].dropna().astype(int))
    gaps = [str(y) for y in range(min(years), max(years) + 1) if y not in years]
    return ", ".join(gaps) if gaps else "none"


def levada_metrics(
    levada: pd.DataFrame,
    hope_first: int,
    hope_last: int,
    essay_date: str,
    escalation_date: str,
    window: str,
    pooling: str,
) -> dict[str, Any]:
    """Metrics of claim russian-attitudes-hope-disillusion-disdain."""
    dated = levada.dropna(subset=["year"])
    latest_year = int(dated["year"].max())
    periods = levada_periods(
        hope_first, hope_last, int(essay_date[:4]), int(escalation_date[:4]), latest_year, window
    )
    table = levada_period_table(levada, periods, pooling)
    last_hope_year = dated[dated["year"] == hope_last]["positive_total_pct"].dropna()
    latest = dated.sort_values(["year", "row"]).iloc[-1]
    return {
        "levada_positive_share_hope_pct": none_if_missing(table.loc["hope", "positive_pct"]),
        "levada_positive_share_disillusion_pct": none_if_missing(
            table.loc["disillusion", "positive_pct"]
        ),
        "levada_negative_share_disdain_pct": none_if_missing(table.loc["disdain", "negative_pct"]),
        "levada_positive_share_disdain_pct": none_if_missing(table.loc["disdain", "positive_pct"]),
        "levada_points_hope_count": int(table.loc["hope", "positive_polls"]),
        "levada_points_disillusion_count": int(table.loc["disillusion", "positive_polls"]),
        "levada_points_disdain_count": int(table.loc["disdain", "negative_polls"]),
        "levada_positive_share_2013_pct": float(last_hope_year.mean())
        if len(last_hope_year)
        else None,
        "levada_points_undated_count": int(levada["year"].isna().sum()),
        "levada_years_without_point": years_without_point(levada),
        "levada_latest_survey": latest["month"]
        if isinstance(latest["month"], str)
        else str(latest["year"]),
    }


# --- the scorecard and evaluate -----------------------------------------------------------------

#: Which metric dates the latest data behind each claim of the notebook.
LATEST_DATA_METRIC = {
    "unequal-ties-made-consensus-impossible": "trade_latest_month",
    "sanctions-consensus-survived-2022": "sanctions_data_latest_date",
    "eastern-states-russia-coalition-absurd": "unga_votes_latest_date",
    "eu-defence-effort-grew-after-2022": "eu_members_milex_2pct_gdp_latest_year",
    "russian-attitudes-hope-disillusion-disdain": "levada_latest_survey",
}


def evidence_latest_date(metrics: dict[str, Any]) -> str:
    """The latest of the dates (or years) that close each data source used."""
    dates = [
        str(metrics[name]) for name in (*LATEST_DATA_METRIC.values(), "vetoes_data_latest_date")
    ]
    return max(dates)


def levada_inputs_metrics(inputs: Inputs, *args: Any) -> dict[str, Any]:
    """`levada_metrics` of the inputs' Levada table (a step of the inputs, for `cached_step`)."""
    return levada_metrics(inputs.levada, *args)


def evaluate(inputs: Inputs, **parameters: Any) -> dict[str, Any]:
    """Every metric of the notebook for one specification (all params.yaml parameters).

    Each analysis reads a few of the parameters and is computed once per choice of them
    (`memo.cached_step`)."""
    p = parameters
    metrics: dict[str, Any] = {}
    metrics.update(
        cached_step(
            trade_metrics,
            inputs,
            p["trade_base_year"],
            p["trade_end_period"],
            p["exposure_measure"],
            p["exposure_base_year"],
        )
    )
    metrics.update(
        cached_step(
            sanctions_metrics,
            inputs,
            p["escalation_date"],
            p["gap_policy"],
            p["veto_scope"],
            p["regimes_checked"],
        )
    )
    metrics.update(
        cached_step(
            eastern_metrics,
            inputs,
            p["essay_date"],
            p["escalation_date"],
            p["unga_vote_set"],
            p["alignment_definition"],
            p["abstention_counts_as"],
            p["veto_scope"],
        )
    )
    metrics.update(
        cached_step(
            defence_metrics,
            inputs,
            p["escalation_date"],
            p["milex_source"],
            p["milex_threshold_pct"],
            p["defence_base_year"],
            p["instrument_scope"],
        )
    )
    metrics.update(
        cached_step(
            levada_inputs_metrics,
            inputs,
            p["levada_hope_first_year"],
            p["levada_hope_last_year"],
            p["essay_date"],
            p["escalation_date"],
            p["levada_disdain_window"],
            p["levada_pooling"],
        )
    )
    metrics["evidence_latest_date"] = evidence_latest_date(metrics)
    return {name: none_if_missing(value) for name, value in metrics.items()}


def scorecard(
    ledger: dict[str, Claim], notebook: str, metrics: dict[str, Any], parameters: dict[str, Any]
) -> pd.DataFrame:
    """One row per ledger claim of `notebook`: expectation, verdict, evidence, latest data used."""
    rows = []
    for claim in ledger.values():
        if claim.notebook != notebook or not claim.testable:
            continue
        verdict = evaluate_claim(claim, metrics, parameters)
        rows.append(
            {
                "claim": claim.id,
                "paragraph": claim.paragraph,
                "expectation": claim.paraphrase,
                "verdict": verdict["label"],
                "evidence": verdict["summary"],
                "latest data": metrics.get(LATEST_DATA_METRIC.get(claim.id, ""), ""),
            }
        )
    columns = ["claim", "paragraph", "expectation", "verdict", "evidence", "latest data"]
    return pd.DataFrame(rows, columns=columns).set_index("claim")


def rounded(values: dict[str, Any], digits: int = 4) -> dict[str, Any]:
    """The metrics sorted by name with floats rounded, for stable display in a notebook."""
    return {
        name: round(value, digits) if isinstance(value, float) else value
        for name, value in sorted(values.items())
    }
