"""Figures of the small-states-institutions notebook (project theme from euclaims.plotting)."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from .institutions import RULE_LABELS
from .plotting import A4_WIDTH_INCHES, PALETTE, SIZE_COLOURS


def plot_power_by_rule(summary: pd.DataFrame, member_share: float, title: str) -> plt.Figure:
    """Small states' share of Banzhaf and Shapley-Shubik power per rule, with reference lines
    for their share of members, population and GDP (all in % of the EU total)."""
    data = (
        summary[["small_banzhaf_share", "small_shapley_shubik_share"]]
        .rename(
            columns={
                "small_banzhaf_share": "Banzhaf (normalised)",
                "small_shapley_shubik_share": "Shapley-Shubik",
            },
            index=RULE_LABELS,
        )
        .mul(100)
        .rename_axis("rule")
        .reset_index()
        .melt(id_vars="rule", var_name="index", value_name="share_pct")
    )
    fig, ax = plt.subplots(figsize=(A4_WIDTH_INCHES, 4.2))
    sns.barplot(data=data, y="rule", x="share_pct", hue="index", palette=PALETTE, ax=ax)
    colours = sns.color_palette(PALETTE)
    references = {
        "Share of members": (100 * member_share, colours[2]),
        "Share of population": (100 * float(summary["small_population_share"].iloc[0]), "black"),
    }
    gdp = summary["small_gdp_share"].iloc[0]
    if gdp is not None and not pd.isna(gdp):
        references["Share of GDP"] = (100 * float(gdp), colours[3])
    for label, (value, colour) in references.items():
        ax.axvline(value, color=colour, linestyle="--", linewidth=1.2, label=label)
    ax.set(xlabel="Small states' share of the EU total (%)", ylabel="Council decision rule")
    ax.set_title(title)
    ax.legend(loc="upper center", bbox_to_anchor=(0.35, -0.14), ncol=3, fontsize="small")
    return fig


def plot_power_vs_population(powers: pd.DataFrame, rule: str) -> plt.Figure:
    """Each state's Banzhaf power share against its population share (both %), 1:1 line."""
    data = (
        powers.assign(
            population_pct=100 * powers["population_share"],
            banzhaf_pct=100 * powers["banzhaf_normalized"],
        )
        .rename_axis("country")
        .reset_index()
    )
    fig, ax = plt.subplots(figsize=(A4_WIDTH_INCHES, 4.8))
    sns.scatterplot(
        data=data, x="population_pct", y="banzhaf_pct", hue="size_class",
        hue_order=["small", "large"], palette=SIZE_COLOURS, s=45, ax=ax,
    )  # fmt: skip
    top = float(max(data["population_pct"].max(), data["banzhaf_pct"].max())) * 1.05
    ax.plot([0, top], [0, top], color="grey", linestyle=":", linewidth=1, label="equal shares")
    smallest = data["population_pct"].min()
    for row in data.itertuples(index=False):
        if row.size_class == "large" or row.population_pct == smallest:
            ax.annotate(row.country, (row.population_pct, row.banzhaf_pct), fontsize=7,
                        xytext=(3, -8), textcoords="offset points")  # fmt: skip
    ax.set(
        xlabel="Share of EU population (%)",
        ylabel="Share of Banzhaf voting power (%)",
        title=RULE_LABELS[rule],
    )
    ax.legend(title="Size class", loc="upper left")
    return fig


def plot_ep_degressivity(table: pd.DataFrame) -> plt.Figure:
    """EP seats per million inhabitants against population (log scale), one colour per term."""
    data = table.assign(population_millions=table["population"] / 1e6)
    fig, ax = plt.subplots(figsize=(A4_WIDTH_INCHES, 4.5))
    sns.scatterplot(
        data=data, x="population_millions", y="seats_per_million", hue="term",
        palette=PALETTE, style="term", s=40, ax=ax,
    )  # fmt: skip
    ax.set_xscale("log")
    ax.set_yscale("log")
    for row in data[data["term"] == data["term"].max()].itertuples(index=False):
        ax.annotate(row.country, (row.population_millions, row.seats_per_million), fontsize=7,
                    xytext=(3, 2), textcoords="offset points")  # fmt: skip
    ax.set(
        xlabel="Population in the term's first year (millions, log scale)",
        ylabel="EP seats per million inhabitants (log scale)",
    )
    ax.legend(title="Term from", fontsize="small")
    return fig


def plot_council_dissent(rates: pd.DataFrame) -> plt.Figure:
    """Per state: % of votes cast against and abstentions, states grouped by size class."""
    labels = [f"{c} ({s})" for c, s in zip(rates.index, rates["size_class"], strict=True)]
    data = rates.assign(label=labels)
    data = data.sort_values(["size_class", "against_pct"], ascending=[True, False], kind="stable")
    long = data.melt(
        id_vars="label", value_vars=["against_pct", "abstained_pct"], var_name="position",
        value_name="pct",
    )  # fmt: skip
    names = {"against_pct": "Against", "abstained_pct": "Abstained"}
    long["position"] = long["position"].map(names)
    fig, ax = plt.subplots(figsize=(A4_WIDTH_INCHES, 7.5))
    sns.barplot(data=long, y="label", x="pct", hue="position", palette=PALETTE, ax=ax)
    ax.set(
        xlabel="Share of the state's votes cast in public Council votes 2010-2023 (%)",
        ylabel="Member state (size class)",
        xlim=(0, float(np.ceil(long["pct"].max() + 1))),
    )
    ax.legend(title="Position", loc="lower right")
    return fig


def plot_power_table(powers_by_rule: dict[str, pd.DataFrame]) -> plt.Figure:
    """Heat-map table: each state's normalised Banzhaf power (%) per rule and its population
    share (%), states largest first, size class in the row label."""
    first = next(iter(powers_by_rule.values()))
    columns = {rule: 100 * frame["banzhaf_normalized"] for rule, frame in powers_by_rule.items()}
    short = {"unanimity": "Unanimity", "nice": "Nice", "lisbon": "Lisbon", "lisbon_72": "Lisb. 72%"}
    table = pd.DataFrame(columns).rename(columns=short)
    table["Population"] = 100 * first["population_share"]
    table.index = [f"{c} ({s})" for c, s in zip(first.index, first["size_class"], strict=True)]
    fig, ax = plt.subplots(figsize=(A4_WIDTH_INCHES, 8.5))
    sns.heatmap(
        table, annot=True, fmt=".2f", cmap="Blues", cbar_kws={"label": "% of the EU total"},
        annot_kws={"fontsize": 7}, ax=ax,
    )  # fmt: skip
    ax.set(xlabel="Normalised Banzhaf power under each rule, and population", ylabel="Member state")
    ax.tick_params(axis="x", labelrotation=0, labelsize=8)
    ax.tick_params(axis="y", labelsize=8)
    return fig


def plot_size_classes(
    table: pd.DataFrame, threshold_millions: float | None, year: int, label: str
) -> plt.Figure:
    """Member populations as bars coloured by size class; the population line dashed when the
    definition draws one (not under below_mean_votes, which draws it in Council votes)."""
    data = table.reset_index().assign(population_millions=lambda t: t["population"] / 1e6)
    fig, ax = plt.subplots(figsize=(A4_WIDTH_INCHES, 7))
    sns.barplot(
        data=data, y="country", x="population_millions", hue="size_class",
        hue_order=["small", "large"], palette=SIZE_COLOURS, dodge=False, ax=ax,
    )  # fmt: skip
    if threshold_millions is not None:
        ax.axvline(threshold_millions, color="black", linestyle="--", linewidth=1)
    ax.set(xlabel=f"Population on 1 January {year} (millions)", ylabel="Member state (ISO code)")
    ax.legend(title="Size class", loc="lower right")
    ax.set_title(f"Small = {label}", fontsize="small")
    return fig


def plot_vote_differences(grid: pd.DataFrame) -> plt.Figure:
    """The two Council-vote differences (percentage points) with their intervals, for each
    combination of the vote choices: one panel per difference, zero line dashed."""
    panels = list(dict.fromkeys(grid["difference"]))
    fig, axes = plt.subplots(1, len(panels), figsize=(A4_WIDTH_INCHES, 4.2), sharey=True)
    axes = np.atleast_1d(axes)
    colours = sns.color_palette(PALETTE)
    for ax, panel in zip(axes, panels, strict=True):
        rows = grid[grid["difference"] == panel].reset_index(drop=True)
        positions = np.arange(len(rows))
        errors = np.vstack(
            [rows["estimate"] - rows["ci_low"], rows["ci_high"] - rows["estimate"]]
        ).astype(float)
        ax.errorbar(
            rows["estimate"], positions, xerr=errors, fmt="o", color=colours[0],
            ecolor=colours[0], capsize=3,
        )  # fmt: skip
        ax.axvline(0, color="grey", linestyle="--", linewidth=1)
        ax.set_yticks(positions, rows["specification"], fontsize=7)
        ax.set(xlabel="Percentage points", title=textwrap.fill(panel, 30))
        ax.title.set_fontsize("small")
    axes[0].invert_yaxis()
    return fig
