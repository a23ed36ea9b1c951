"""Figures of the sanctions-consensus notebook (project theme from euclaims.plotting)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from .plotting import A4_WIDTH_INCHES, PALETTE
from .sanctions import parse_dates, regime_chain

REGIME_LABELS = {
    "economic": "Economic (2014/512/CFSP)",
    "individual": "Individual listings (2014/145/CFSP)",
    "crimea": "Crimea (2014/386/CFSP)",
    "territories": "Occupied territories (2022/266)",
}


def plot_exposure_ranking(series: pd.Series, label: str, year: int) -> plt.Figure:
    """Horizontal bars of member-state exposure, most exposed on top."""
    data = series.sort_values(ascending=False).rename("value").rename_axis("country").reset_index()
    fig, ax = plt.subplots(figsize=(A4_WIDTH_INCHES, 7))
    sns.barplot(data=data, y="country", x="value", color=sns.color_palette(PALETTE)[0], ax=ax)
    ax.axvline(float(series.mean()), color="black", linestyle="--", linewidth=1, label="EU28 mean")
    ax.set(xlabel=f"{label}, {year}", ylabel="Member state (ISO code)")
    ax.legend(loc="lower right")
    return fig


def plot_reexport_gap(gap: pd.DataFrame, year: int) -> plt.Figure:
    """Exports to Russia as % of GDP: Russia-side record vs the state's own report."""
    data = (
        gap[["russia_side_pct_gdp", "own_report_pct_gdp"]]
        .rename(columns={"russia_side_pct_gdp": "Russia's imports (COW)",
                         "own_report_pct_gdp": "State's own exports (Comtrade)"})
        .sort_values("State's own exports (Comtrade)", ascending=False)
        .rename_axis("country")
        .reset_index()
        .melt(id_vars="country", var_name="record", value_name="pct_gdp")
    )  # fmt: skip
    fig, ax = plt.subplots(figsize=(A4_WIDTH_INCHES, 7))
    sns.pointplot(
        data=data, y="country", x="pct_gdp", hue="record", linestyles="none",
        palette=PALETTE, markers=["o", "D"], ax=ax,
    )  # fmt: skip
    ax.set(xlabel=f"Exports to Russia, {year} (% of GDP)", ylabel="Member state (ISO code)")
    ax.legend(title="Record")
    return fig


def plot_timeline(decisions: pd.DataFrame, essay_date: str) -> plt.Figure:
    """Coverage of each sanctions regime (bars from each act to its expiry) and the packages."""
    fig, ax = plt.subplots(figsize=(A4_WIDTH_INCHES, 3.8))
    colours = sns.color_palette(PALETTE)
    regimes = [r for r in REGIME_LABELS if r in set(decisions["regime"])]
    for position, regime in enumerate(reversed(regimes)):
        chain = regime_chain(decisions, regime)
        for row in chain.itertuples():
            if pd.notna(row.expires):
                ax.plot([row.adopted, row.expires], [position, position], color=colours[position],
                        linewidth=6, solid_capstyle="butt", alpha=0.6)  # fmt: skip
        ax.scatter(chain["adopted"], [position] * len(chain), color="black", s=12, zorder=3)
    packages = decisions[decisions["regime"] == "package"]
    if len(packages):
        top = len(regimes)
        ax.scatter(parse_dates(packages["adopted_date"]), [top] * len(packages), marker="|",
                   s=120, color=colours[len(regimes) % len(colours)])  # fmt: skip
    labels = [REGIME_LABELS[r] for r in reversed(regimes)] + ["Packages since Feb 2022"]
    ax.set_yticks(range(len(labels)), labels)
    ax.axvline(pd.Timestamp(essay_date), color="black", linestyle="--", linewidth=1)
    ax.text(pd.Timestamp(essay_date), len(labels) - 0.5, " essay", va="center", fontsize=8)
    ax.set(xlabel="Date (bars: period covered by each act; dots: adoption or renewal)", ylabel="")
    return fig


def plot_unga_cohesion(
    agreement: pd.Series, with_russia: pd.Series, last_session: int
) -> plt.Figure:
    """EU agreement and EU-majority agreement with Russia by UNGA session."""
    data = pd.concat([agreement.rename("EU members' agreement"),
                      with_russia.rename("EU majority voted like Russia")], axis=1)  # fmt: skip
    data = (
        data.rename_axis("session")
        .reset_index()
        .melt(id_vars="session", var_name="measure", value_name="pct")
    )
    fig, ax = plt.subplots(figsize=(A4_WIDTH_INCHES, 3.6))
    sns.lineplot(data=data, x="session", y="pct", hue="measure", marker="o", palette=PALETTE, ax=ax)
    ax.axvline(last_session, color="black", linestyle="--", linewidth=1)
    ax.set(xlabel="UN General Assembly session (60 = 2005-06, 74 = 2019-20)",
           ylabel="Share of roll calls / agreement (%)")  # fmt: skip
    ax.legend(title="")
    return fig


def plot_ideal_point_distance(
    distances: pd.DataFrame, summary: pd.DataFrame, event_year: float
) -> plt.Figure:
    """Each member's ideal-point distance to Russia by year (dots), the EU median (line) and a
    dashed marker at `event_year` (on the axis of session opening years)."""
    colours = sns.color_palette(PALETTE)
    fig, ax = plt.subplots(figsize=(A4_WIDTH_INCHES, 4.2))
    sns.stripplot(
        data=distances, x="year", y="distance", native_scale=True, jitter=0.15,
        color=colours[0], alpha=0.45, size=4, label="Member state", ax=ax,
    )  # fmt: skip
    median = summary["median"].rename_axis("year").reset_index()
    sns.lineplot(data=median, x="year", y="median", color="black", marker="o",
                 label="EU28 median", ax=ax)  # fmt: skip
    ax.axvline(event_year, color=colours[3], linestyle="--", linewidth=1)
    ax.text(event_year, ax.get_ylim()[1], " March 2014 (Crimea)", va="top", fontsize=8)
    handles, labels = ax.get_legend_handles_labels()
    keep = {label: handle for handle, label in zip(handles, labels, strict=True)}
    ax.legend(keep.values(), keep.keys(), loc="lower left")
    ax.set(
        xlabel="UN General Assembly session, by the year it opens in September (2013 = 2013-14)",
        ylabel="|ideal point - Russia's| (ideal-point units)",
    )
    return fig
