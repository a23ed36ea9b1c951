"""Figures of the after_2022 notebook (project theme from `plotting.set_theme`)."""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

from .after_2022 import first_day
from .plotting import A4_WIDTH_INCHES, PALETTE

COLOURS = sns.color_palette(PALETTE)


def plot_eu27_exports(per_year: pd.DataFrame) -> plt.Figure:
    """EU27 exports to Russia per year (EUR bn); a partial year is hatched and its annualised
    value marked."""
    fig, ax = plt.subplots(figsize=(A4_WIDTH_INCHES, 3.5))
    partial = per_year["months"] < 12
    labels = [
        f"{year}\n({months} months)" if months < 12 else str(year)
        for year, months in per_year["months"].items()
    ]
    bars = ax.bar(labels, per_year["exports_eur_bn"], color=COLOURS[0])
    for bar, is_partial in zip(bars, partial, strict=True):
        if is_partial:
            bar.set_hatch("//")
            bar.set_facecolor("white")
            bar.set_edgecolor(COLOURS[0])
    ax.scatter(
        [label for label, p in zip(labels, partial, strict=True) if p],
        per_year.loc[partial, "annualised_eur_bn"],
        marker="_",
        s=400,
        color="black",
        label="annualised (x 12 / months)",
        zorder=3,
    )
    ax.set(xlabel="Year", ylabel="EU27 goods exports to Russia\n(EUR bn, current prices)")
    if partial.any():
        ax.legend(loc="upper right")
    return fig


def plot_trade_change(table: pd.DataFrame, exposure_label: str, correlation: dict) -> plt.Figure:
    """Change in exports to Russia per member, most exposed before 2014 at the top."""
    data = table.iloc[::-1]
    fig, ax = plt.subplots(figsize=(A4_WIDTH_INCHES, 7))
    colours = [COLOURS[3] if value > 0 else COLOURS[0] for value in data["change_pct"]]
    ax.barh(data.index, data["change_pct"], color=colours)
    for position, row in enumerate(data.to_dict("records")):
        ax.annotate(
            f"{row['exposure_pct']:.2f}",
            (0, position),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=7,
            color="0.3",
        )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set(
        xlabel="Change in exports to Russia (%)",
        ylabel=f"Member state, by exposure before 2014 (top: most exposed)\n[{exposure_label}]",
        title=(
            f"Spearman rho {correlation['rho']:+.2f} (95% CI {correlation['ci_low']:+.2f} to "
            f"{correlation['ci_high']:+.2f}, n = {correlation['n']})"
        ),
    )
    return fig


def plot_sanctions_timeline(
    packages: pd.DataFrame, records: pd.DataFrame, vetoes: pd.DataFrame, start: str, end: str
) -> plt.Figure:
    """Packages, regime renewals (hollow: a renewal before it not retrieved) and vetoes in time."""
    regimes = list(dict.fromkeys(records["regime"]))
    rows = ["packages", *regimes, "vetoes"]
    fig, ax = plt.subplots(figsize=(A4_WIDTH_INCHES, 3.8))
    ax.scatter(
        packages["adopted_date"].map(first_day),
        [0] * len(packages),
        marker="D",
        color=COLOURS[1],
        zorder=3,
    )
    for position, (number, day) in enumerate(
        zip(packages["package_no"], packages["adopted_date"], strict=True)
    ):
        ax.annotate(
            str(number),
            (first_day(day), 0),
            xytext=(0, 7 if position % 2 else -11),
            textcoords="offset points",
            ha="center",
            fontsize=6,
        )
    for level, regime in enumerate(regimes, start=1):
        rows_of = records[(records["regime"] == regime) & (records["action"] == "extend")]
        after = rows_of[rows_of["adopted_date"].map(first_day) >= first_day(start)]
        missing = after["gap"] != ""
        ax.scatter(
            after.loc[~missing, "adopted_date"].map(first_day),
            [level] * int((~missing).sum()),
            color=COLOURS[0],
            zorder=3,
        )
        ax.scatter(
            after.loc[missing, "adopted_date"].map(first_day),
            [level] * int(missing.sum()),
            facecolors="none",
            edgecolors=COLOURS[0],
            zorder=3,
        )
    ax.scatter(
        vetoes["date"].map(first_day),
        [len(rows) - 1] * len(vetoes),
        marker="x",
        color=COLOURS[3],
        zorder=3,
    )
    for day, states in vetoes.groupby("date")["country"]:
        ax.annotate(
            ";".join(states),
            (first_day(day), len(rows) - 1),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=7,
        )
    ax.set_yticks(range(len(rows)), rows)
    ax.set_xlim(first_day(start) - pd.Timedelta(days=30), first_day(end) + pd.Timedelta(days=30))
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set(xlabel="Date of adoption (vetoes: date of the veto)", ylabel="")
    fig.tight_layout()
    return fig


VOTE_ORDER = ["yes", "abstain", "no", "absent", "not retrieved"]
VOTE_COLOURS = [COLOURS[2], COLOURS[8], COLOURS[3], COLOURS[7], "white"]


def plot_unga_votes(
    votes_wide: pd.DataFrame, members: list[str], resolutions: list[str]
) -> plt.Figure:
    """EU members' votes per resolution (rows: states); white = not retrieved (never 'absent')."""
    matrix = votes_wide.reindex(index=members, columns=resolutions).fillna("not retrieved")
    codes = matrix.apply(lambda column: column.map(VOTE_ORDER.index))
    fig, ax = plt.subplots(figsize=(A4_WIDTH_INCHES, 7))
    sns.heatmap(
        codes,
        ax=ax,
        cmap=ListedColormap(VOTE_COLOURS),
        vmin=-0.5,
        vmax=len(VOTE_ORDER) - 0.5,
        cbar=False,
        linewidths=0.5,
        linecolor="0.85",
    )
    ax.set_xticklabels([r.removeprefix("A/RES/") for r in resolutions], rotation=45, ha="right")
    ax.set(xlabel="UN General Assembly resolution", ylabel="Member state")
    handles = [
        Patch(facecolor=c, edgecolor="0.6", label=v)
        for v, c in zip(VOTE_ORDER, VOTE_COLOURS, strict=True)
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), title="Vote")
    return fig


def plot_defence_money(
    counts: dict[str, pd.DataFrame], eda_share: pd.Series, threshold: float, escalation_year: int
) -> plt.Figure:
    """Left: EU27 members at or above the threshold per year and source; right: EDA EU27 defence
    expenditure in % of GDP."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(A4_WIDTH_INCHES, 3.5))
    for position, (source, table) in enumerate(counts.items()):
        left.plot(
            table.index,
            table["at_or_above"],
            marker="o",
            markersize=3,
            color=COLOURS[position],
            label=f"{source} ({int(table['covered'].max())} covered)",
        )
    left.axvline(escalation_year, color="black", linestyle=":", linewidth=1)
    left.set(xlabel="Year", ylabel=f"EU27 members at or above {threshold:g}% of GDP")
    left.legend(fontsize=7)
    right.bar(eda_share.index, eda_share.values, color=COLOURS[1])
    right.set(
        xlabel="Year",
        ylabel="EDA: EU27 defence expenditure\n(% of GDP)",
        ylim=(0, max(eda_share.max() * 1.2, threshold)),
    )
    fig.tight_layout()
    return fig


def plot_levada(levada: pd.DataFrame, periods: dict[str, tuple[int, int]]) -> plt.Figure:
    """Positive and negative views of the EU per poll, with the three periods shaded."""
    dated = levada.dropna(subset=["year"]).copy()
    month = dated["month"].fillna("").str[5:].replace("", "6").astype(int)
    dated["when"] = dated["year"].astype(int) + (month - 0.5) / 12
    fig, ax = plt.subplots(figsize=(A4_WIDTH_INCHES, 3.5))
    shades = {"hope": COLOURS[2], "disillusion": COLOURS[8], "disdain": COLOURS[3]}
    for name, (first, last) in periods.items():
        if last >= first:
            ax.axvspan(
                first, last + 1, color=shades[name], alpha=0.12, label=f"{name} {first}-{last}"
            )
    ax.plot(dated["when"], dated["positive_total_pct"], "o", color=COLOURS[0], label="positive")
    ax.plot(dated["when"], dated["negative_total_pct"], "s", color=COLOURS[3], label="negative")
    ax.axhline(50, color="black", linewidth=0.8, linestyle="--")
    ax.set(xlabel="Survey date", ylabel="Russians' view of the EU (%)", ylim=(0, 100))
    ax.legend(fontsize=7, ncol=5, loc="upper center", bbox_to_anchor=(0.5, -0.18))
    return fig
