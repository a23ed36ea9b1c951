"""Specification curves: a claim's deciding metric in every specification, and the choices."""

from __future__ import annotations

import ast
import textwrap
from numbers import Number
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402

from .claims import VERDICT_LABELS, Claim, expression_names, metric_value  # noqa: E402
from .fileio import atomic_write_bytes, sha256_file  # noqa: E402
from .paths import MULTIVERSE_DIR  # noqa: E402
from .plotting import A4_WIDTH_INCHES, PALETTE, png_bytes, set_theme  # noqa: E402

_COLOURS = sns.color_palette(PALETTE)
#: One colour per verdict (colour-blind-safe palette); the markers differ too.
VERDICT_STYLE = {
    "supported": (_COLOURS[2], "o"),
    "came_true": (_COLOURS[2], "o"),
    "partly_supported": (_COLOURS[1], "D"),
    "too_early": (_COLOURS[7], "D"),
    "not_supported": (_COLOURS[3], "X"),
    "did_not_come_true": (_COLOURS[3], "X"),
    "not_testable": (_COLOURS[7], "s"),
}
#: Characters per line of the title (8 pt across the upper panel) and of the y label (8 pt along the
#: upper panel). Wrapped here, not by matplotlib's `wrap=True`, which measures the text again for
#: every word it adds to a line (24 curves: 13.1 -> 11.8 s of CPU).
TITLE_CHARACTERS = 84
YLABEL_CHARACTERS = 28


def deciding_metric(claim: Claim) -> str:
    """The ledger's `deciding_metric`, else the first metric named by the rule's first step."""
    if claim.deciding_metric:
        return claim.deciding_metric
    for step in claim.rule["verdicts"]:
        for name in _names_in_order(str(step["when"])):
            if name in claim.metrics:
                return name
    return claim.metrics[0]


def _names_in_order(expression: str) -> list[str]:
    allowed = expression_names(expression)
    tree = ast.parse(expression, mode="eval")
    names = [node for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id in allowed]
    return [node.id for node in sorted(names, key=lambda node: node.col_offset)]


def rule_thresholds(claim: Claim, metric: str) -> list[float]:
    """Numbers the rule compares `metric` with (drawn as lines on the curve)."""
    values = []
    for step in claim.rule["verdicts"]:
        tree = ast.parse(str(step["when"]), mode="eval")
        for node in ast.walk(tree):
            if not isinstance(node, ast.Compare):
                continue
            operands = [node.left, *node.comparators]
            named = any(isinstance(o, ast.Name) and o.id == metric for o in operands)
            for operand in operands:
                if (
                    named
                    and isinstance(operand, ast.Constant)
                    and isinstance(operand.value, Number)
                    and not isinstance(operand.value, bool)
                ):
                    values.append(float(operand.value))
    return sorted(set(values))


def _numeric(value: Any) -> float | None:
    value = metric_value(value)
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, Number):
        return float(value)
    return None


def specification_curve(
    claim: Claim, rows: list[dict[str, Any]], verdicts: dict[str, str], robustness: dict[str, Any]
) -> dict[str, str]:
    """Draw and save the claim's specification curve; returns {file, caption, sha256}."""
    set_theme()
    metric = deciding_metric(claim)
    own = [row for row in rows if row["spec"] in verdicts]
    values = {row["spec"]: _numeric(row["metrics"].get(metric)) for row in own}
    order = sorted(own, key=lambda row: (values[row["spec"]] is None, values[row["spec"]] or 0.0))
    choices = [name for name in claim.choices if len({r["parameters"][name] for r in own}) > 1]
    levels = [(name, value) for name in choices for value in dict.fromkeys(
        row["parameters"][name] for row in own)]  # fmt: skip
    height_matrix = 0.28 * max(len(levels), 1) + 0.6
    fig, (top, bottom) = plt.subplots(
        2, 1, sharex=True, figsize=(A4_WIDTH_INCHES, 2.8 + height_matrix),
        gridspec_kw={"height_ratios": [2.8, height_matrix], "hspace": 0.08},
    )  # fmt: skip
    positions = range(len(order))
    for verdict in dict.fromkeys(verdicts[row["spec"]] for row in order):
        colour, marker = VERDICT_STYLE[verdict]
        points = [
            (x, values[row["spec"]])
            for x, row in zip(positions, order, strict=True)
            if verdicts[row["spec"]] == verdict and values[row["spec"]] is not None
        ]
        if points:
            xs, ys = zip(*points, strict=True)
            top.scatter(xs, ys, s=22, color=colour, marker=marker, label=VERDICT_LABELS[verdict])
    for x, row in zip(positions, order, strict=True):
        if row["is_default"] and values[row["spec"]] is not None:
            top.scatter([x], [values[row["spec"]]], s=120, facecolors="none", edgecolors="black",
                        linewidths=1.4, label="default specification", zorder=3)  # fmt: skip
    shown = [v for v in values.values() if v is not None]
    if shown and min(shown) > 0 and max(shown) / min(shown) > 50:
        top.set_yscale("log")  # values spanning orders of magnitude
    for threshold in rule_thresholds(claim, metric):
        top.axhline(threshold, color="grey", linestyle="--", linewidth=0.9)
    top.set_ylabel(textwrap.fill(metric.replace("_", " "), YLABEL_CHARACTERS), fontsize=8)
    top.legend(fontsize=7, loc="best", frameon=True)
    title = textwrap.fill(f"{claim.id}: {robustness['sentence']}", TITLE_CHARACTERS)
    top.set_title(title, fontsize=8, loc="left")
    # One collection for the whole matrix, not one per row: the same pixels, less to draw
    # (24 curves: median of 5 runs 11.5 -> 10.8 s of CPU).
    matrix = [
        (x, y)
        for y, (name, value) in enumerate(levels)
        for x, row in zip(positions, order, strict=True)
        if row["parameters"][name] == value
    ]
    if matrix:
        xs, ys = zip(*matrix, strict=True)
        bottom.scatter(xs, ys, s=14, color="black", marker="o")
    bottom.set_yticks(
        range(len(levels)), [f"{name} = {value}" for name, value in levels], fontsize=7
    )
    bottom.set_ylim(-0.5, len(levels) - 0.5)
    bottom.invert_yaxis()
    bottom.set_xlabel(f"Specifications, ranked by {metric.replace('_', ' ')}", fontsize=8)
    bottom.grid(axis="x", visible=False)
    name = f"figures/{claim.id}.png"
    png = png_bytes(fig)
    plt.close(fig)
    path = MULTIVERSE_DIR / name
    atomic_write_bytes(path, png)
    decisive = sorted({entry["choice"] for entry in robustness["decisive_choices"]})
    caption = (
        f"Specification curve of '{claim.id}': {metric} in each of the "
        f"{robustness['specifications']} specifications (the full factorial of "
        f"{', '.join(claim.choices)}), ranked, coloured by verdict; circled: the default; dashed: "
        "the rule's thresholds. Below: the choices each specification made. "
        + (f"Decisive choices: {', '.join(decisive)}." if decisive else "No choice is decisive.")
    )
    return {"file": f"_multiverse/{name}", "caption": caption, "sha256": sha256_file(path)}
