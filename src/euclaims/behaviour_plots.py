"""Figures of the small-states behaviour notebook (seaborn, project theme and colours)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from .behaviour import fit_band, size_class_of
from .plotting import A4_WIDTH_INCHES, SIZE_COLOURS


def _with_class(table: pd.DataFrame, threshold_millions: float) -> pd.DataFrame:
    data = table.reset_index()
    data["size_class"] = [size_class_of(p, threshold_millions) for p in data["population"]]
    return data


def _draw_band(ax: plt.Axes, band: pd.DataFrame, x: str = "log_population") -> None:
    """OLS line (grey) and its 95% HC3 confidence band.

    The band is rounded to 10 decimals before drawing: the least-squares solve differs in the
    last bits between CPUs (BLAS kernels), which moved antialiased pixels and so changed the
    figure's bytes (notebooks/figures.sha256.json) from one machine to another."""
    band = band.round(10)
    ax.fill_between(band[x], band["low"], band["high"], color="grey", alpha=0.2, linewidth=0)
    ax.plot(band[x], band["fit"], color="grey", linewidth=1)


def plot_exposure_panels(
    panels: list[tuple[pd.DataFrame, str, str, dict]],
    threshold_millions: float,
    x: str = "log_population",
    x_label: str = "ln(population)",
) -> plt.Figure:
    """One scatter per indicator against the size column `x`, OLS line and its 95% HC3 band.

    `panels` holds (table, column, y label, fit) with the fit from `behaviour.ols_fit`.
    """
    fig, axes = plt.subplots(1, len(panels), figsize=(A4_WIDTH_INCHES * 1.5, 4.2))
    for ax, (table, column, label, fit) in zip(np.atleast_1d(axes), panels, strict=True):
        data = _with_class(table, threshold_millions)
        _draw_band(ax, fit_band(data, column, x), x)
        sns.scatterplot(
            data=data, x=x, y=column, hue="size_class", hue_order=["small", "large"],
            palette=SIZE_COLOURS, ax=ax, legend=ax is np.atleast_1d(axes)[0],
        )  # fmt: skip
        for row in data.itertuples(index=False):
            ax.annotate(row.country, (getattr(row, x), getattr(row, column)), fontsize=6,
                        xytext=(2, 2), textcoords="offset points")  # fmt: skip
        ax.set(
            xlabel=x_label,
            ylabel=label,
            title=f"slope {fit['slope']:.2f} [{fit['ci_low']:.2f}, {fit['ci_high']:.2f}]",
        )
    first = np.atleast_1d(axes)[0]
    if first.get_legend() is not None:
        first.legend(title=f"< / ≥ {threshold_millions:g} million", fontsize=7)
    fig.tight_layout()
    return fig


def plot_lone_dissent(per_state: pd.DataFrame, period: str) -> plt.Figure:
    """Stacked bars per state and size class: lone dissents and dissents together with others."""
    data = per_state.assign(
        label=lambda t: t["country"] + np.where(t.duplicated("country", keep=False),
                                                " (" + t["size_class"] + ")", ""),
        joint=lambda t: t["dissents"] - t["lone_dissents"],
    ).sort_values(["size_class", "dissents"], ascending=[False, False])  # fmt: skip
    fig, ax = plt.subplots(figsize=(A4_WIDTH_INCHES, 7))
    colours = [SIZE_COLOURS[c] for c in data["size_class"]]
    ax.barh(data["label"], data["joint"], color=colours, alpha=0.45, label="with other dissenters")
    ax.barh(data["label"], data["lone_dissents"], left=data["joint"], color=colours,
            label="alone")  # fmt: skip
    ax.invert_yaxis()
    ax.set(xlabel=f"Dissents in public Council votes {period} (count)", ylabel="Member state")
    handles = [
        plt.Rectangle((0, 0), 1, 1, color=SIZE_COLOURS["small"]),
        plt.Rectangle((0, 0), 1, 1, color=SIZE_COLOURS["large"]),
        plt.Rectangle((0, 0), 1, 1, color="grey", alpha=0.45),
        plt.Rectangle((0, 0), 1, 1, color="grey"),
    ]
    ax.legend(handles, ["small state", "large state", "with others (pale)", "alone (solid)"],
              fontsize=7, loc="lower right")  # fmt: skip
    return fig


def plot_co_dissent(matrix: pd.DataFrame) -> plt.Figure:
    """Heat map of pair co-dissent rates (states ordered by population, largest first)."""
    fig, ax = plt.subplots(figsize=(A4_WIDTH_INCHES, 5.8))
    sns.heatmap(
        matrix, ax=ax, cmap="viridis", vmin=0, square=True, linewidths=0.2,
        cbar_kws={"label": "votes both dissent / votes either dissents"},
    )  # fmt: skip
    ax.set(xlabel="Member state (largest to smallest)", ylabel="Member state")
    ax.tick_params(labelsize=7)
    return fig


def plot_support(
    table: pd.DataFrame, fit: dict, threshold_millions: float, population_year: int
) -> plt.Figure:
    """Support for a common defence policy against ln(population), PESCO at launch marked."""
    data = table.reset_index().rename(columns={"index": "country"})
    data["PESCO at launch"] = np.where(data["pesco"], "joined", "stayed out")
    fig, ax = plt.subplots(figsize=(A4_WIDTH_INCHES, 4.2))
    _draw_band(ax, fit_band(data, "support_pct"))
    sns.scatterplot(
        data=data, x="log_population", y="support_pct", hue="size_class",
        hue_order=["small", "large"], palette=SIZE_COLOURS, style="PESCO at launch",
        style_order=["joined", "stayed out"], markers={"joined": "o", "stayed out": "X"}, s=60,
        ax=ax,
    )  # fmt: skip
    for row in data.itertuples(index=False):
        ax.annotate(row.country, (row.log_population, row.support_pct), fontsize=6,
                    xytext=(3, 2), textcoords="offset points")  # fmt: skip
    ax.axhline(50, color="black", linestyle=":", linewidth=0.8)
    ax.set(
        xlabel=f"ln(population on 1 January {population_year})",
        ylabel="For a common defence and security policy (%)",
        title=f"slope {fit['slope']:.2f} [{fit['ci_low']:.2f}, {fit['ci_high']:.2f}] "
        f"(threshold {threshold_millions:g} million)",
    )
    handles, labels = ax.get_legend_handles_labels()
    labels = ["size class" if label == "size_class" else label for label in labels]
    ax.legend(handles, labels, fontsize=7)
    return fig


def plot_differences(table: pd.DataFrame, title: str) -> plt.Figure:
    """One panel per measure: each case's small-minus-large difference with its 95% interval,
    zero dashed (an interval that crosses it decides nothing)."""
    measures = list(dict.fromkeys(table["measure"]))
    fig, axes = plt.subplots(1, len(measures), figsize=(A4_WIDTH_INCHES, 2.4), squeeze=False)
    colours = sns.color_palette("colorblind")
    for ax, measure in zip(axes[0], measures, strict=True):
        rows = table[table["measure"] == measure].reset_index(drop=True)
        positions = np.arange(len(rows))
        ax.errorbar(
            rows["difference"], positions,
            xerr=[rows["difference"] - rows["ci_low"], rows["ci_high"] - rows["difference"]],
            fmt="o", color=colours[0], ecolor=colours[0], capsize=3,
        )  # fmt: skip
        ax.axvline(0, color="black", linestyle="--", linewidth=0.8)
        ax.set_yticks(positions, rows["case"])
        ax.set_ylim(-0.6, len(rows) - 0.4)
        ax.invert_yaxis()
        ax.set(xlabel="small minus large", title=measure)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig
