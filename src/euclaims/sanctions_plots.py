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
