"""Figures of the sanctions-consensus notebook (project theme from euclaims.plotting).

Labels that state facts (acts, dates, sessions) are built from the data passed in.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from .plotting import A4_WIDTH_INCHES, PALETTE
from .sanctions import parse_dates, regime_chain, regime_label

#: Regimes drawn on the timeline, top to bottom.
TIMELINE_REGIMES = ("economic", "individual", "crimea", "territories")


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
    regimes = [r for r in TIMELINE_REGIMES if r in set(decisions["regime"])]
    for position, regime in enumerate(reversed(regimes)):
        chain = regime_chain(decisions, regime)
        for row in chain.itertuples():
            if pd.notna(row.expires):
                ax.plot([row.adopted, row.expires], [position, position], color=colours[position],
                        linewidth=6, solid_capstyle="butt", alpha=0.6)  # fmt: skip
        ax.scatter(chain["adopted"], [position] * len(chain), color="black", s=12, zorder=3)
    labels = [regime_label(decisions, r) for r in reversed(regimes)]
    packages = decisions[decisions["regime"] == "package"]
    if len(packages):
        dates = parse_dates(packages["adopted_date"])
        ax.scatter(dates, [len(regimes)] * len(packages), marker="|", s=120,
                   color=colours[len(regimes) % len(colours)])  # fmt: skip
        labels.append(f"Packages since {dates.min():%b %Y}")
    ax.set_yticks(range(len(labels)), labels)
    ax.axvline(pd.Timestamp(essay_date), color="black", linestyle="--", linewidth=1)
    ax.text(pd.Timestamp(essay_date), len(labels) - 0.5, " essay", va="center", fontsize=8)
    ax.set(xlabel="Date (bars: period covered by each act; dots: adoption or renewal)", ylabel="")
    return fig


def session_axis_label(session_years: pd.Series) -> str:
    """'UN General Assembly session (60 = 2005-06, 74 = 2019-20)' from session -> opening year."""
    first, last = session_years.index.min(), session_years.index.max()

    def span(session: int) -> str:
        year = int(session_years[session])
        return f"{year}-{(year + 1) % 100:02d}"

    return f"UN General Assembly session ({first} = {span(first)}, {last} = {span(last)})"


def plot_unga_cohesion(
    agreement: pd.Series, with_russia: pd.Series, last_session: int, session_years: pd.Series
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
    ax.set(xlabel=session_axis_label(session_years), ylabel="Share of roll calls / agreement (%)")
    ax.legend(title="")
    return fig


def plot_issue_cohesion(
    by_session: pd.DataFrame,
    issue_names: dict[str, str],
    recent: tuple[int, int],
    session_years: pd.Series,
) -> plt.Figure:
    """EU agreement by session, one panel per issue set; the recent window shaded.

    by_session: long table (session, issue, agreement, rollcalls) from
    `sanctions.session_issue_agreement`.
    """
    names = {issue: textwrap.fill(name, 24) for issue, name in issue_names.items()}
    data = by_session.assign(issue=by_session["issue"].map(names))
    order = list(dict.fromkeys(names[i] for i in by_session["issue"]))
    grid = sns.relplot(
        data=data, x="session", y="agreement", col="issue", col_order=order, col_wrap=4,
        kind="line", marker="o", markersize=4, color=sns.color_palette(PALETTE)[0], height=2.0,
        aspect=A4_WIDTH_INCHES / 4 / 2.0, facet_kws={"sharey": False},
    )  # fmt: skip
    for ax in grid.axes.flat:
        ax.axvspan(recent[0] - 0.4, recent[1] + 0.4, color="grey", alpha=0.25, linewidth=0)
    grid.set_titles("{col_name}", size=8)
    grid.set_axis_labels("", "Agreement (%)")
    first, last = session_years.index.min(), session_years.index.max()
    grid.figure.supxlabel(
        f"UN General Assembly session ({first} opens in {int(session_years[first])}, {last} in "
        f"{int(session_years[last])}); shaded: the latest sessions before the essay",
        fontsize=9,
    )
    grid.figure.tight_layout()
    return grid.figure


def jittered(values: pd.Series, width: float, seed: int) -> np.ndarray:
    """`values` plus uniform noise in [-width, width] from a seeded generator (reproducible)."""
    rng = np.random.default_rng(seed)
    return values.to_numpy(float) + rng.uniform(-width, width, size=len(values))


def plot_ideal_point_distance(
    distances: pd.DataFrame,
    summary: pd.DataFrame,
    event_year: float,
    event_label: str,
    seed: int = 0,
) -> plt.Figure:
    """Each member's ideal-point distance to Russia by year (dots, jitter drawn from a seeded
    generator so the figure is byte-identical between builds), the EU median (line) and a dashed
    marker at `event_year` (on the axis of session opening years)."""
    colours = sns.color_palette(PALETTE)
    fig, ax = plt.subplots(figsize=(A4_WIDTH_INCHES, 4.2))
    points = distances.assign(x=jittered(distances["year"], 0.15, seed))
    sns.scatterplot(
        data=points, x="x", y="distance", color=colours[0], alpha=0.45, s=16, linewidth=0,
        label="Member state", ax=ax,
    )  # fmt: skip
    median = summary["median"].rename_axis("year").reset_index()
    sns.lineplot(data=median, x="year", y="median", color="black", marker="o",
                 label="EU28 median", ax=ax)  # fmt: skip
    ax.axvline(event_year, color=colours[3], linestyle="--", linewidth=1)
    ax.text(event_year, ax.get_ylim()[1], f" {event_label}", va="top", fontsize=8)
    handles, labels = ax.get_legend_handles_labels()
    keep = {label: handle for handle, label in zip(handles, labels, strict=True)}
    ax.legend(keep.values(), keep.keys(), loc="lower left")
    ax.set(
        xlabel="UN General Assembly session, by the year it opens in September",
        ylabel="|ideal point - Russia's| (ideal-point units)",
    )
    return fig
