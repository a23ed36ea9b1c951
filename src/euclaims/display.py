"""How metrics read in the report: a label, a unit and a number format for each metric name.

The ledger (claims.yaml) holds a top-level `metric_display:` mapping, e.g.

    metric_display:
      last_eu_russia_summit_held_year: {label: "Last EU–Russia summit held", format: year}
      exports_to_russia_pct_gdp_2013_cv: {label: "...", format: number, decimals: 2}

A metric without an entry still reads well: its name is humanised and its format guessed from
the name and the value. One number format is used throughout: never scientific notation,
never `True`, never a raw id.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import LedgerError
from .paths import CLAIMS_FILE
from .yamlload import YAML_LOADER

FORMATS = ("year", "integer", "number", "percent", "share", "yesno", "date", "text")
KEYS = {"label", "unit", "format", "decimals"}
#: Words written in capitals (or a fixed spelling) when a metric name is humanised.
SPELLINGS = {
    "eu": "EU",
    "eu27": "EU27",
    "eu28": "EU28",
    "uk": "UK",
    "gb": "GB",
    "un": "UN",
    "unga": "UNGA",
    "pesco": "PESCO",
    "csdp": "CSDP",
    "cfsp": "CFSP",
    "gdp": "GDP",
    "ep": "EP",
    "eda": "EDA",
    "ci": "CI",
    "cv": "coefficient of variation",
    "qmv": "QMV",
    "ols": "OLS",
    "de": "DE",
    "mt": "MT",
    "big4": "big four",
    "vs": "vs",
    "pct": "%",
    "russia": "Russia",
    "russian": "Russian",
    "lisbon": "Lisbon",
    "nice": "Nice",
    "estonia": "Estonia",
    "brexit": "Brexit",
    "crimea": "Crimea",
    "ukraine": "Ukraine",
    "commission": "Commission",
    "council": "Council",
}
#: Name endings that only say how the value is stored (dropped from the humanised label).
STORAGE_SUFFIXES = ("pct", "iso2", "count")
MISSING = "missing (no sourced value)"


@dataclass(frozen=True)
class MetricDisplay:
    """How one metric is printed."""

    label: str
    format: str = ""
    unit: str = ""
    decimals: int | None = None


def load_metric_display(path: Path = CLAIMS_FILE) -> dict[str, MetricDisplay]:
    """The ledger's `metric_display:` mapping (empty when absent); errors name the metric."""
    raw = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=YAML_LOADER) or {}
    entries = raw.get("metric_display") or {}
    if not isinstance(entries, dict):
        raise LedgerError(f"{path}: 'metric_display' must map metric names to {{label, format}}")
    return {name: _entry(path, name, entry) for name, entry in entries.items()}


def _entry(path: Path, name: str, entry: Any) -> MetricDisplay:
    where = f"{path}: metric_display: '{name}'"
    if not isinstance(entry, dict) or not str(entry.get("label", "")).strip():
        raise LedgerError(f"{where}: needs at least a non-empty 'label'")
    unknown = set(entry) - KEYS
    if unknown:
        raise LedgerError(f"{where}: unknown key(s) {sorted(unknown)}; use {sorted(KEYS)}")
    form = str(entry.get("format", ""))
    if form and form not in FORMATS:
        raise LedgerError(f"{where}: format {form!r} is not one of {FORMATS}")
    decimals = entry.get("decimals")
    if decimals is not None and (not isinstance(decimals, int) or not 0 <= decimals <= 6):
        raise LedgerError(f"{where}: decimals must be an integer from 0 to 6")
    return MetricDisplay(str(entry["label"]), form, str(entry.get("unit", "")), decimals)


# --- labels ----------------------------------------------------------------------------------


def humanise(name: str) -> str:
    """A readable label from a metric name: 'eu28_member_count_2017' -> 'EU28 member count 2017'.

    ISO dates written as 2017_12_31 become 31 Dec 2017; storage suffixes (pct, iso2) go.
    """
    text = re.sub(
        r"(?<!\d)(\d{4})_(\d{2})_(\d{2})(?!\d)",
        lambda m: _date_text(dt.date(int(m[1]), int(m[2]), int(m[3]))),
        name,
    )
    words = [word for word in text.split("_") if word]
    while len(words) > 1 and words[-1] in STORAGE_SUFFIXES:
        words.pop()
    words = [SPELLINGS.get(word, word) for word in words]
    label = " ".join(words)
    return label[:1].upper() + label[1:]


def display_for(name: str, display: dict[str, MetricDisplay]) -> MetricDisplay:
    """The ledger's entry for `name`, else a humanised label with a format guessed from the name."""
    if name in display:
        return display[name]
    return MetricDisplay(humanise(name), guess_format(name))


def guess_format(name: str) -> str:
    """The number format a metric name implies ('' when the value has to decide)."""
    if name.endswith("_pct"):
        return "percent"
    if name.endswith(("_share", "_rate")) or "_share_" in name:
        return "share"
    if name.endswith("year"):
        return "year"
    if name.endswith("_date"):
        return "date"
    if name.endswith(("_count", "_counted")) or "_count_" in name:
        return "integer"
    return ""


# --- values ----------------------------------------------------------------------------------


def format_number(value: float, decimals: int | None = None) -> str:
    """One number format for the whole report: grouped thousands, no scientific notation.

    Without `decimals`: 0 decimals from 100, 1 from 10, 2 below; values below 0.001 (but not
    0) print as '< 0.001'. Trailing zeros of a whole number are dropped ('12', not '12.00').
    """
    if math.isnan(value) or math.isinf(value):
        return MISSING
    if decimals is None:
        magnitude = abs(value)
        if value != 0 and magnitude < 0.001:
            return "< 0.001" if value > 0 else "> −0.001"
        decimals = 0 if magnitude >= 100 else 1 if magnitude >= 10 else 2
        if float(value).is_integer():
            decimals = 0
    text = f"{value:,.{decimals}f}"
    if text.startswith("-"):
        text = "−" + text[1:]
    return "0" if text in ("−0", "0") else text


def format_percent(value: float, decimals: int | None = None) -> str:
    """A percentage (value already in %): one decimal, '< 0.1%' for tiny positive values."""
    if math.isnan(value) or math.isinf(value):
        return MISSING
    places = 1 if decimals is None else decimals
    if value != 0 and abs(value) < 0.5 * 10**-places:
        return f"< {10**-places:g}%" if value > 0 else f"> −{10**-places:g}%"
    text = f"{value:,.{places}f}"
    if decimals is None and text.endswith(".0"):
        text = text[:-2]
    return text.replace("-", "−") + "%"


def format_value(value: Any, display: MetricDisplay) -> str:
    """The value as a person reads it, in the entry's format with its unit."""
    if isinstance(value, dict):
        display = MetricDisplay(display.label, display.format, value.get("unit") or display.unit)
        value = value.get("value")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    form = display.format or _format_of_value(value)
    text = _formatted(value, form, display.decimals)
    return f"{text} {display.unit}".strip() if display.unit else text


def _format_of_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yesno"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value):
        return "date"
    return "text"


def _formatted(value: Any, form: str, decimals: int | None) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if form == "year" and isinstance(value, int | float):
        return str(int(value))
    if form == "integer" and isinstance(value, int | float):
        return format_number(float(value), 0 if float(value).is_integer() else decimals)
    if form == "percent" and isinstance(value, int | float):
        return format_percent(float(value), decimals)
    if form == "share" and isinstance(value, int | float):
        return format_percent(100 * float(value), decimals)
    if form == "date" and isinstance(value, str):
        return date_text(value)
    if form == "yesno":
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return format_number(float(value), decimals)
    return str(value)


def date_text(value: str) -> str:
    """'2026-06-25' -> '25 June 2026', '2024-08' -> 'August 2024'; other text unchanged."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}", value):
            return dt.date.fromisoformat(f"{value}-01").strftime("%B %Y")
        return _date_text(dt.date.fromisoformat(value))
    except ValueError:
        return value


def _date_text(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def readable_text(text: str) -> str:
    """Ledger-generated prose with Python literals replaced: True -> yes, None -> missing."""
    text = re.sub(r"\bTrue\b", "yes", text)
    text = re.sub(r"\bFalse\b", "no", text)
    return re.sub(r"\bNone\b", "missing", text)


def unlabelled(names: list[str], display: dict[str, MetricDisplay]) -> list[str]:
    """The metric names that have no entry in `metric_display` (sorted, unique)."""
    return sorted(set(names) - set(display))
