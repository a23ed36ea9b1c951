"""Interactive charts for the HTML report: specification curves (Vega-Lite written out) and time
series (Vega-Altair).

Each chart is a Vega-Lite specification (a dict) embedded in the report and drawn by the Vega
scripts that `vl-convert-python` bundles, inlined in the page (no CDN). The PDF and pages
without scripts show a static image instead: the notebook's PNG of a time series, an SVG drawn
from the same spec by vl-convert for a specification curve. Specs are not validated against the
Vega-Lite schema while the report is built (a third of the report's time); the tests validate
every spec the built report embeds (tests/test_report.py).
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import re
import sys
import textwrap
from collections.abc import Callable
from numbers import Number
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .claims import VERDICT_LABELS, Claim
from .display import MetricDisplay, display_for, format_value, load_metric_display
from .fileio import atomic_write_text
from .paths import CLAIMS_FILE, MULTIVERSE_DIR, PROCESSED_DIR

#: Verdict colours, the same as the badges of the report (colour-blind-safe).
VERDICT_COLOURS = {
    "supported": "#1b7837",
    "came_true": "#1b7837",
    "partly_supported": "#d9a300",
    "too_early": "#7f7f7f",
    "not_supported": "#b2182b",
    "did_not_come_true": "#b2182b",
    "not_testable": "#9e9e9e",
}
HIGHLIGHT = "#d95f02"

if TYPE_CHECKING:
    import pandas as pd


@functools.cache
def vega_script() -> str:
    """Vega, Vega-Lite and vega-embed in one script (from vl-convert-python, offline).

    Bundling takes seconds and depends only on the installed vl-convert, so the bundle is kept
    in the environment (`<venv>/share/euclaims/`), one file per vl-convert version."""
    import importlib.metadata

    import vl_convert

    version = importlib.metadata.version("vl-convert-python")
    cached = Path(sys.prefix) / "share" / "euclaims" / f"vega-bundle-{version}.js"
    if cached.is_file():
        return cached.read_text(encoding="utf-8")
    script = vl_convert.javascript_bundle()
    if "</script" in script.lower():
        raise RuntimeError("the Vega bundle contains '</script' and cannot be inlined")
    try:
        atomic_write_text(cached, script)
    except OSError:
        pass  # a read-only environment bundles on every build
    return script


def deciding_metric(claim: Claim, table: pd.DataFrame) -> str | None:
    """The metric on the y axis: the ledger's `deciding_metric`, else the first metric the rule
    names, else the first claim metric with numbers."""
    import pandas as pd

    candidates = [claim.deciding_metric] if claim.deciding_metric else []
    for step in (claim.rule or {}).get("verdicts", []):
        named = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", str(step.get("when", "")))
        candidates += [name for name in named if name in claim.metrics]
    candidates += list(claim.metrics)
    for name in dict.fromkeys(candidates):
        if name in table.columns and pd.to_numeric(table[name], errors="coerce").notna().any():
            return name
    return None


def _cell_value(text: Any) -> Any:
    """A CSV cell of the multiverse table back as a number, boolean or text."""
    if isinstance(text, str):
        if text in ("true", "false"):
            return text == "true"
        try:
            return float(text)
        except ValueError:
            return text
    return text


def specification_curve(
    claim: Claim,
    table: pd.DataFrame,
    metric_display: MetricDisplay,
    metric: str,
    robustness: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """Vega-Lite spec of a claim's specification curve from the multiverse CSV.

    Top: the deciding metric in each of the claim's specifications, ranked, coloured by
    verdict, the default circled, the rule's thresholds dashed; below: the choice each
    specification made. Hover shows the specification; None when fewer than two specifications
    have a value. The title is the claim and its robustness sentence, when given.
    """
    import pandas as pd

    column = f"verdict:{claim.id}"
    if column not in table.columns:
        return None
    own = table[table[column].fillna("").astype(str) != ""].copy()
    own["value"] = pd.to_numeric(own[metric], errors="coerce")
    own = own.dropna(subset=["value"])
    if len(own) < 2:
        return None
    own = own.sort_values(["value", "spec"], kind="stable").reset_index(drop=True)
    own["rank"] = range(1, len(own) + 1)
    own["verdict"] = own[column].map(lambda v: VERDICT_LABELS.get(v, v))
    own["shown"] = [format_value(_cell_value(v), metric_display) for v in own["value"]]
    own["default"] = own["is_default"].astype(str).str.lower().eq("true")
    choices = [c for c in claim.choices if c in own.columns and own[c].nunique() > 1]
    own["specification"] = [
        "; ".join(f"{c} = {row[c]}" for c in choices) for _, row in own.iterrows()
    ]
    present = list(dict.fromkeys(own[column]))
    long = own.melt(
        id_vars=["rank", "verdict"], value_vars=choices, var_name="choice", value_name="taken"
    )
    long["level"] = long["choice"] + " = " + long["taken"].astype(str)
    points = own[["rank", "value", "verdict", "shown", "default", "specification"]]
    low, high = float(own["value"].min()), float(own["value"].max())
    title = f"{claim.id}: {robustness['sentence']}" if robustness else claim.id
    return _curve_spec(
        points.to_dict(orient="records"),
        long.to_dict(orient="records"),
        colours=(
            [VERDICT_LABELS.get(v, v) for v in present],
            [VERDICT_COLOURS.get(v, "#444444") for v in present],
        ),
        label=metric_display.label,
        levels=long["level"].nunique(),
        thresholds=rule_thresholds(claim, metric),
        log_scale=low > 0 and high / low > LOG_SCALE_SPAN,
        title=textwrap.wrap(title, TITLE_CHARACTERS),
    )


#: A curve whose values span more than this factor gets a log scale.
LOG_SCALE_SPAN = 50
#: Characters per line of a curve's title and of its y-axis title.
TITLE_CHARACTERS = 100
AXIS_TITLE_CHARACTERS = 36


def rule_thresholds(claim: Claim, metric: str) -> list[float]:
    """Numbers the rule compares `metric` with (drawn as dashed lines on the curve)."""
    values = []
    for step in (claim.rule or {}).get("verdicts", []):
        tree = ast.parse(str(step["when"]), mode="eval")
        for node in ast.walk(tree):
            if not isinstance(node, ast.Compare):
                continue
            operands = [node.left, *node.comparators]
            if not any(isinstance(o, ast.Name) and o.id == metric for o in operands):
                continue
            values += [
                float(o.value)
                for o in operands
                if isinstance(o, ast.Constant)
                and isinstance(o.value, Number)
                and not isinstance(o.value, bool)
            ]
    return sorted(set(values))


def _curve_spec(
    points: list[dict], levels_taken: list[dict], colours: tuple[list, list], label: str,
    levels: int, thresholds: list[float], log_scale: bool, title: list[str],
) -> dict[str, Any]:  # fmt: skip
    """The Vega-Lite spec of a specification curve, written out (Altair took ~0.15 s per curve
    to build the same dict): the ranked points with the default circled and the rule's
    thresholds, the choices below."""
    import altair as alt

    count = len(points)
    scale = {"domain": [0.5, count + 0.5], "nice": False, "zero": False}
    x_top = {"field": "rank", "type": "quantitative", "scale": scale,
             "axis": {"title": None, "labels": False, "ticks": False}}  # fmt: skip
    x = {
        "field": "rank", "type": "quantitative", "scale": scale,
        "title": f"{count} specifications, ranked by {label}",
        "axis": {"tickMinStep": 1, "format": "d"},
    }  # fmt: skip
    y_scale = {"type": "log"} if log_scale else {"zero": False}
    tooltip = [
        {"field": "rank", "type": "quantitative", "title": "Rank"},
        {"field": "verdict", "type": "nominal", "title": "Verdict"},
        {"field": "shown", "type": "nominal", "title": label},
        {"field": "specification", "type": "nominal", "title": "Choices"},
    ]
    domain, colour_range = colours

    def on_hover(near: float, far: float) -> dict[str, Any]:
        return {"condition": {"param": "hover", "value": near, "empty": False}, "value": far}

    layers = [
        {
            "name": "curve",
            "mark": {"type": "point", "filled": True, "size": 45},
            "encoding": {
                "x": x_top,
                "y": {"field": "value", "type": "quantitative", "scale": y_scale,
                      "title": textwrap.wrap(label, AXIS_TITLE_CHARACTERS)},
                "color": {"field": "verdict", "type": "nominal", "title": "Verdict",
                          "scale": {"domain": domain, "range": colour_range},
                          "legend": {"orient": "top"}},
                "tooltip": tooltip,
                "opacity": on_hover(1.0, 0.75),
                "size": on_hover(140, 45),
            },
        },
        {
            "mark": {"type": "point", "size": 220, "color": "black", "strokeWidth": 1.5},
            "transform": [{"filter": "datum.default"}],
            "encoding": {"x": {"field": "rank", "type": "quantitative"},
                         "y": {"field": "value", "type": "quantitative"},
                         "tooltip": tooltip},
        },
    ]  # fmt: skip
    if thresholds:
        layers.append(
            {
                "data": {"values": [{"threshold": value} for value in thresholds]},
                "mark": {"type": "rule", "color": "grey", "strokeDash": [5, 4]},
                "encoding": {"y": {"field": "threshold", "type": "quantitative"}},
            }
        )
    top = {"data": {"name": "points"}, "layer": layers, "width": "container", "height": 180}
    matrix = {
        "data": {"name": "choices"},
        "mark": {"type": "tick", "thickness": 2, "size": 10},
        "encoding": {
            "x": x,
            "y": {"field": "level", "type": "nominal", "title": None, "sort": None,
                  "axis": {"labelLimit": 260}},
            "color": {"value": "#333333"},
            "tooltip": [{"field": "level", "type": "nominal"},
                        {"field": "rank", "type": "quantitative"}],
        },
        "width": "container",
        "height": max(40, 16 * levels),
    }  # fmt: skip
    return {
        "$schema": alt.SCHEMA_URL,
        "title": {"text": title, "anchor": "start", "fontSize": 11, "fontWeight": "normal"},
        "config": {"view": {"continuousWidth": 300, "continuousHeight": 300}},
        "params": [
            {"name": "hover", "select": {"type": "point", "fields": ["rank"], "on": "pointerover"},
             "views": ["curve"]},
        ],
        "vconcat": [top, matrix],
        "spacing": 6,
        "resolve": {"scale": {"x": "shared"}},
        "autosize": {"type": "fit-x", "contains": "padding"},
        "datasets": {"points": points, "choices": levels_taken},
    }  # fmt: skip


def claim_curve(
    claim: Claim, table: pd.DataFrame, display: dict[str, MetricDisplay], robustness: dict
) -> tuple[str, dict[str, Any]] | None:
    """(deciding metric, Vega-Lite spec) of a claim's specification curve, or None when the
    claim has fewer than two specifications or its metric fewer than two values."""
    if robustness["specifications"] < 2:
        return None
    metric = deciding_metric(claim, table)
    if metric is None:
        return None
    spec = specification_curve(claim, table, display_for(metric, display), metric, robustness)
    return (metric, spec) if spec else None


#: Width in pixels of each panel of a chart's static image (the PDF and pages without scripts).
STATIC_WIDTH = 560
#: Static images of charts, `<name>.<sha256 of the spec and vl-convert version>.svg`, and the
#: specs of specification curves (`stored_claim_curve`): one of each per name.
STATIC_CACHE = PROCESSED_DIR / "_charts"


def static_svg(spec: dict[str, Any], name: str) -> str:
    """The chart `name` as a static SVG (vl-convert), each panel `STATIC_WIDTH` wide: the
    interactive spec sizes itself to its container, which a static image has not. Kept in
    `STATIC_CACHE` (the same spec gives the same image), replacing the name's older image."""
    import importlib.metadata

    version = importlib.metadata.version("vl-convert-python")
    text = json.dumps([version, STATIC_WIDTH, spec], sort_keys=True)
    path = STATIC_CACHE / f"{name}.{hashlib.sha256(text.encode()).hexdigest()[:16]}.svg"
    if path.is_file():
        return path.read_text(encoding="utf-8")
    import vl_convert

    fixed = {**spec, "autosize": {"type": "pad"}}
    for key in ("vconcat", "hconcat"):
        if key in fixed:
            fixed[key] = [_fixed_width(view) for view in fixed[key]]
    svg = vl_convert.vegalite_to_svg(_fixed_width(fixed))
    for older in STATIC_CACHE.glob(f"{name}.*.svg"):
        older.unlink()
    atomic_write_text(path, svg)
    return svg


def _fixed_width(view: dict[str, Any]) -> dict[str, Any]:
    return {**view, "width": STATIC_WIDTH} if view.get("width") == "container" else view


def prerender_curves(claims_by_stem: dict[str, list[Claim]]) -> None:
    """Draw the curves of these notebooks into `STATIC_CACHE` (spec and static image) from their
    multiverse tables and summaries, as the report will: the build does it in its background
    multiverse process, while the notebooks still run, so that the report finds them drawn. An
    error is left for the report to raise, with its message."""
    display = load_metric_display(CLAIMS_FILE)
    try:
        for stem, claims in claims_by_stem.items():
            summary = json.loads((MULTIVERSE_DIR / f"{stem}.json").read_text(encoding="utf-8"))
            for claim in claims:
                robustness = summary["claims"][claim.id]["robustness"]
                curve = stored_claim_curve(
                    claim, MULTIVERSE_DIR / f"{stem}.csv", display, robustness
                )
                if curve:
                    static_svg(curve[1], claim.id)
    except Exception:  # noqa: BLE001 (the report draws what is missing and reports the error)
        return


def stored_claim_curve(
    claim: Claim, table: Path, display: dict[str, MetricDisplay], robustness: dict
) -> tuple[str, dict[str, Any]] | None:
    """`claim_curve` from the multiverse table at `table`, kept in `STATIC_CACHE` as
    `<claim id>.<hash of the code, the claim, the table, its robustness and the labels>.json`:
    drawn by the multiverse process while the notebooks run (`prerender_curves`), read by the
    report on the build's last, single-core stretch (24 curves: 0.7 s less there)."""
    from .fileio import sha256_file
    from .records import package_source_digest

    inputs = [package_source_digest(), repr(claim), sha256_file(table), robustness, repr(display)]
    key = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:16]
    path = STATIC_CACHE / f"{claim.id}.{key}.json"
    if path.is_file():
        stored = json.loads(path.read_text(encoding="utf-8"))
        return (stored[0], stored[1]) if stored else None
    frame = read_multiverse(table)
    curve = claim_curve(claim, frame, display, robustness) if frame is not None else None
    for older in STATIC_CACHE.glob(f"{claim.id}.*.json"):
        older.unlink()
    atomic_write_text(path, json.dumps(curve, sort_keys=True))
    return curve


def read_multiverse(path: Path) -> pd.DataFrame | None:
    """The multiverse CSV as text columns (empty cells as ''), or None when it is absent."""
    import pandas as pd

    if not path.exists():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False)


# --- time series ----------------------------------------------------------------------------


def _ideal_point_distance(parameters: dict[str, Any]) -> dict[str, Any]:
    """Distance of each EU28 member's UNGA ideal point to Russia's per year, country on hover."""
    import altair as alt

    from . import sanctions
    from .data import load_raw

    distances = sanctions.distance_to_russia(load_raw("unga_ideal_points_eu_russia.csv"))
    median = distances.groupby("year", as_index=False)["distance"].median()
    pick = alt.selection_point(fields=["country"], on="pointerover", nearest=True, empty=False)
    base = alt.Chart(distances).encode(
        x=alt.X("year:O", title="Session opening in"),
        y=alt.Y("distance:Q", title="Distance to Russia's ideal point"),
        detail="country:N",
    )
    tooltip = [
        alt.Tooltip("country:N", title="Country"),
        alt.Tooltip("year:O", title="Year"),
        alt.Tooltip("distance:Q", title="Distance", format=".2f"),
    ]
    lines = base.mark_line().encode(
        color=alt.condition(pick, alt.value(HIGHLIGHT), alt.value("#c4c4c4")),
        strokeWidth=alt.condition(pick, alt.value(3), alt.value(1)),
    )
    points = (
        base.mark_point(filled=True, size=22)
        .encode(
            color=alt.condition(pick, alt.value(HIGHLIGHT), alt.value("#9a9a9a")),
            tooltip=tooltip,
        )
        .add_params(pick)
    )
    middle = (
        alt.Chart(median)
        .mark_line(color="black", strokeWidth=2.5)
        .encode(x="year:O", y="distance:Q", tooltip=[alt.Tooltip("distance:Q", format=".2f")])
    )
    lines = lines + points
    return (lines + middle).properties(width="container", height=300).to_dict(validate=False)


def _unga_cohesion(parameters: dict[str, Any]) -> dict[str, Any]:
    """EU agreement at the UNGA by session and the share of votes with Russia, values on hover."""
    import altair as alt
    import pandas as pd

    from . import sanctions
    from .data import load_raw

    rollcalls = load_raw("unga_eu_rollcalls.csv")
    index = parameters["cohesion_index"]
    agreement = sanctions.session_agreement(rollcalls, index).rename("value")
    with_russia = sanctions.eu_majority_with_russia(rollcalls).rename("value")
    frame = pd.concat(
        [
            agreement.reset_index().assign(series=f"EU agreement ({index}), %"),
            with_russia.reset_index().assign(series="EU majority voted like Russia, %"),
        ],
        ignore_index=True,
    )
    frame.columns = ["session", "value", "series"]
    hover = alt.selection_point(fields=["session"], on="pointerover", nearest=True, empty=False)
    base = alt.Chart(frame).encode(
        x=alt.X("session:Q", title="UNGA session", axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y("value:Q", title="%"),
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="top")),
    )
    points = (
        base.mark_point(filled=True, size=30)
        .encode(
            tooltip=[
                alt.Tooltip("session:Q", title="Session"),
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("value:Q", title="%", format=".1f"),
            ]
        )
        .add_params(hover)
    )
    lines = base.mark_line() + points
    rule = (
        alt.Chart(frame)
        .mark_rule(color="#888888")
        .encode(x="session:Q", opacity=alt.condition(hover, alt.value(1), alt.value(0)))
    )
    return (lines + rule).properties(width="container", height=280).to_dict(validate=False)


#: What the reader can do with each interactive figure (shown under its caption).
HINTS = {
    "unga_ideal_point_distance": "hover a line to pick out its country and read its values",
    "unga_cohesion": "hover for the values of a session",
}
CURVE_HINT = "hover a point for its specification, its choices and its value"

#: Figure name -> builder(parameters of the run) -> Vega-Lite spec of its interactive version.
TIME_SERIES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "unga_ideal_point_distance": _ideal_point_distance,
    "unga_cohesion": _unga_cohesion,
}


def time_series(name: str, parameters: dict[str, Any]) -> dict[str, Any] | None:
    """The interactive version of figure `name`, or None when it has none.

    An interactive version is an addition to the static figure: when its builder fails (e.g.
    an analysis function it calls was renamed), the report says so and keeps the static figure.
    """
    builder = TIME_SERIES.get(name)
    if builder is None:
        return None
    try:
        return builder(parameters)
    except Exception as exc:  # reported below; the static figure stays
        print(
            f"note: the interactive version of figure '{name}' was not drawn "
            f"({type(exc).__name__}: {exc}); the report shows its static image",
            file=sys.stderr,
        )
        return None
