"""One figure style for the whole project, and deterministic figure files."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.transforms import Bbox

from .fileio import atomic_write_bytes, sha256_file

PALETTE = "colorblind"
#: Colours for the two size classes, from the colour-blind-safe palette.
SIZE_COLOURS = {"small": sns.color_palette(PALETTE)[0], "large": sns.color_palette(PALETTE)[1]}
A4_WIDTH_INCHES = 6.5


def set_theme() -> None:
    """The project's seaborn theme: readable when printed on A4, colour-blind-safe palette."""
    sns.set_theme(context="paper", style="whitegrid", palette=PALETTE, font_scale=1.1)
    matplotlib.rcParams.update(
        {
            "figure.dpi": 110,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            "svg.hashsalt": "euclaims",
            "figure.figsize": (A4_WIDTH_INCHES, 4.0),
        }
    )


def save_figure(
    fig: plt.Figure, output_dir: str | Path | None, name: str, caption: str, inputs: list[str]
) -> dict[str, str]:
    """Write `figures/<name>.png` under `output_dir` (no timestamps) and describe it.

    In a notebook the figure is shown as those same PNG bytes and then closed: the inline
    backend would otherwise draw it twice more (at the end of the cell and for its display)."""
    entry = {"file": f"figures/{name}.png", "caption": caption, "inputs": sorted(inputs)}
    png = png_bytes(fig)
    if output_dir:
        path = Path(output_dir) / entry["file"]
        atomic_write_bytes(path, png)
        entry["sha256"] = sha256_file(path)
    show_png(fig, png, f"Figure {name}: {caption}")
    return entry


def png_bytes(fig: plt.Figure) -> bytes:
    """The figure as PNG without timestamps, cropped as `savefig.bbox = "tight"` crops it.

    "tight" draws the whole figure once only to measure it, then again to save it. Measured here
    at the saving resolution, the crop and the bytes are the same and the figure is drawn once
    (about a tenth less time). A figure with a layout engine, which lays itself out while it is
    drawn, is saved the usual way."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches=_tight_crop(fig), metadata={"Software": None})
    return buffer.getvalue()


def _tight_crop(fig: plt.Figure) -> Bbox | None:
    """The bounding box (inches) that savefig's "tight" would crop `fig` to, or None (savefig
    then follows rcParams) when it cannot be measured without drawing."""
    rc = matplotlib.rcParams
    if rc["savefig.bbox"] != "tight" or fig.get_layout_engine() is not None:
        return None
    dpi = fig.dpi if rc["savefig.dpi"] == "figure" else rc["savefig.dpi"]
    screen_dpi = fig.dpi
    fig.set_dpi(dpi)
    try:
        bbox = fig.get_tightbbox(fig.canvas.get_renderer())
    finally:
        fig.set_dpi(screen_dpi)
    return bbox.padded(rc["savefig.pad_inches"])


def show_png(fig: plt.Figure, png: bytes, text: str) -> None:
    """In an IPython kernel, display `png` at the figure's on-screen size (`text` as its plain
    text) and close `fig`."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    if get_ipython() is None:
        return
    from IPython.display import display

    pixels = int.from_bytes(png[16:20], "big")  # the PNG header's width
    rc = matplotlib.rcParams
    width = round(pixels * rc["figure.dpi"] / rc["savefig.dpi"])
    display(
        {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": text},
        raw=True,
        metadata={"image/png": {"width": width}},
    )
    plt.close(fig)


def plot_size_classes(table, threshold_millions: float, year: int) -> plt.Figure:
    """Horizontal bars of member-state population coloured by size class, threshold dashed."""
    data = table.reset_index().assign(population_millions=lambda t: t["population"] / 1e6)
    fig, ax = plt.subplots(figsize=(A4_WIDTH_INCHES, 7))
    sns.barplot(
        data=data, y="country", x="population_millions", hue="size_class",
        hue_order=["small", "large"], palette=SIZE_COLOURS, dodge=False, ax=ax,
    )  # fmt: skip
    ax.axvline(threshold_millions, color="black", linestyle="--", linewidth=1)
    ax.set(xlabel=f"Population on 1 January {year} (millions)", ylabel="Member state (ISO code)")
    ax.legend(title=f"Below (small) / at or above (large) {threshold_millions:g} million")
    return fig
