"""Figures of the defence integration notebook (project theme from `plotting.set_theme`)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from .defence import EDA_COLLABORATIVE_BENCHMARK_PCT, comparison_windows, period_bounds
from .plotting import A4_WIDTH_INCHES, PALETTE

KIND_ORDER = ["treaty", "strategy", "body", "capability", "fund", "legal act"]


def plot_initiatives_timeline(
    periods: pd.DataFrame,
    per_year: pd.DataFrame,
    essay_date: str,
    window_months: int,
    decade_end: str = "window_start",
) -> plt.Figure:
    """Top: initiatives by date and kind (hollow: weight 0); bottom: weighted count per year."""
    bounds = comparison_windows(essay_date, window_months, decade_end)
    middles = [first + (last - first) / 2 for first, last in map(period_bounds, periods["date"])]
    data = periods.assign(when=middles)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(A4_WIDTH_INCHES, 6.5), height_ratios=[3, 2])
    colours = dict(zip(KIND_ORDER, sns.color_palette(PALETTE, len(KIND_ORDER)), strict=True))
    for kind in KIND_ORDER:
        rows = data[data["kind"] == kind]
        counted = rows["weight"] > 0
        level = [KIND_ORDER.index(kind)]
        top.scatter(rows.loc[counted, "when"], level * int(counted.sum()),
                    color=colours[kind], s=40, zorder=3)  # fmt: skip
        top.scatter(rows.loc[~counted, "when"], level * int((~counted).sum()),
                    facecolors="none", edgecolors=colours[kind], s=40, zorder=3)  # fmt: skip
    top.axvspan(bounds["decade_start"], bounds["decade_end"], color="0.9", zorder=0)
    top.axvspan(bounds["window_start"], bounds["essay_date"], color="#f4c28f", zorder=0)
    top.set_yticks(range(len(KIND_ORDER)), KIND_ORDER)
    top.set(xlabel="Date of adoption", ylabel="Kind",
            title="Grey: the decade compared; orange: window before the essay")  # fmt: skip
    per_year["total"].plot.bar(ax=bottom, color=sns.color_palette(PALETTE)[0], width=0.8)
    bottom.set(xlabel="Year", ylabel="Weighted initiatives")
    bottom.tick_params(axis="x", labelrotation=90)
    fig.tight_layout()
    return fig


def plot_pesco_waves(waves: pd.DataFrame) -> plt.Figure:
    """Projects added per PESCO wave (bars) and projects in place as reported (line)."""
    fig, ax = plt.subplots()
    labels = [f"{row.wave}\n{row.council_adoption_date[:7]}" for row in waves.itertuples()]
    ax.bar(labels, waves["projects_added"], color=sns.color_palette(PALETTE)[0], label="added")
    ax.plot(labels, waves["projects_added_cumulative"], marker="o", linestyle="--",
            color=sns.color_palette(PALETTE)[2], label="ever added (cumulative)")  # fmt: skip
    ax.plot(labels, waves["projects_in_place_reported"].astype(float), marker="s",
            color=sns.color_palette(PALETTE)[1], label="in place, as reported")  # fmt: skip
    ax.set(xlabel="Wave (Council adoption, year-month)", ylabel="PESCO projects")
    ax.legend()
    return fig


def plot_milex(eu27: pd.DataFrame, members_of_the_time: pd.DataFrame) -> plt.Figure:
    """EU27 spending (constant 2023 US$ bn) and members of the time at or above 2% of GDP."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(A4_WIDTH_INCHES, 3.5))
    left.plot(eu27.index, eu27["total_constant_2023_usd_bn"], marker="o", markersize=3)
    left.set(xlabel="Year", ylabel="Military spending of the EU27\n(US$ bn, constant 2023)")
    right.bar(members_of_the_time.index, members_of_the_time["at_or_above"],
              color=sns.color_palette(PALETTE)[1])  # fmt: skip
    right.set(xlabel="Year", ylabel="EU members spending ≥ 2% of GDP")
    for axis in (left, right):
        top = axis.get_ylim()[1]
        for year, align in ((2014, "right"), (2016, "left")):
            axis.axvline(year, color="black", linestyle=":", linewidth=1)
            axis.annotate(f" {year} ", (year, top), ha=align, va="bottom", fontsize=8)
    fig.tight_layout()
    return fig


def plot_collaborative_share(share: pd.DataFrame) -> plt.Figure:
    """European collaborative procurement share per year against the EDA 35% benchmark."""
    fig, ax = plt.subplots()
    for aggregate, rows in share.groupby("aggregate", sort=False):
        ax.plot(rows.index, rows["share_pct"], marker="o", label=aggregate)
    ax.axhline(EDA_COLLABORATIVE_BENCHMARK_PCT, color="black", linestyle="--", linewidth=1,
               label="EDA benchmark (35%)")  # fmt: skip
    ax.axvline(2011.5, color="0.5", linestyle=":", linewidth=1)
    ax.annotate("data partial from 2012", (2011.6, 2), fontsize=8, color="0.3")
    ax.set(xlabel="Year", ylabel="European collaborative procurement\n(% of equipment procurement)",
           ylim=(0, 40))  # fmt: skip
    ax.legend(loc="lower left")
    return fig


def plot_csdp_launches(per_year: pd.DataFrame) -> plt.Figure:
    """Stacked bars of CSDP missions and operations launched per year, civilian and military."""
    fig, ax = plt.subplots()
    per_year[["civilian", "military"]].plot.bar(stacked=True, ax=ax, width=0.8)
    ax.set(xlabel="Year of launch", ylabel="Missions and operations launched")
    ax.legend(title="Type")
    return fig
