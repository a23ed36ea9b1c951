"""Extract: Levada Center polls on Russians' attitude to the EU, 2008-2023 (transcribed points)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataError
from .base import Extract

LEVADA_FILE = "update_2026/levada_eu_attitudes/levada_attitude_to_eu_points.csv"
PERIOD = re.compile(r"^(?P<year>\d{4})(-(?P<month>\d{2}))?")
#: How a point is dated, from the transcriber's wording (checked: every row gets one class).
RELATIVE_MARK = "three years ago"
INFERRED_MARK = "year inferred"
SHARE_COLUMNS = ("positive_total_pct", "negative_total_pct", "very_good_pct", "mostly_good_pct",
                 "mostly_bad_pct", "very_bad_pct")  # fmt: skip


def dating_of(period: str, note: str) -> str:
    """'stated', 'relative' (dated from another poll), 'inferred' (year not on the page) or
    'undated' (no year)."""
    if not PERIOD.match(period):
        return "undated"
    if RELATIVE_MARK in period:
        return "relative"
    if note.startswith(INFERRED_MARK):
        return "inferred"
    return "stated"


def build_levada(upstream: Path) -> pd.DataFrame:
    """One row per transcribed point: survey year and month where stated, shares in percent."""
    path = upstream / LEVADA_FILE
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    matches = raw["survey_period"].map(PERIOD.match)
    table = pd.DataFrame(
        {
            "row": raw["row"].astype("int64"),
            "survey_period": raw["survey_period"],
            "year": [int(m["year"]) if m else None for m in matches],
            "month": [f"{m['year']}-{m['month']}" if m and m["month"] else None for m in matches],
            "dating": [
                dating_of(p, n) for p, n in zip(raw["survey_period"], raw["note"], strict=True)
            ],  # fmt: skip
        }
    )
    table["year"] = table["year"].astype("Int64")
    for column in SHARE_COLUMNS:
        try:
            table[column] = pd.to_numeric(raw[column].replace("", None)).astype(float)
        except ValueError as exc:
            raise DataError(f"{path}: column {column} is not numeric ({exc})") from exc
    table["source"] = raw["page_url"].replace("", None)
    table["note"] = raw["note"].replace("", None)
    return table


SHARE = pa.Check.in_range(0, 100)
SCHEMA = pa.DataFrameSchema(
    {
        "row": pa.Column("int64", unique=True),
        "survey_period": pa.Column(str),
        "year": pa.Column("Int64", pa.Check.in_range(1990, 2030), nullable=True, coerce=True),
        "month": pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d{2}$"), nullable=True),
        "dating": pa.Column(str, pa.Check.isin(["stated", "relative", "inferred", "undated"])),
        **{column: pa.Column(float, SHARE, nullable=True) for column in SHARE_COLUMNS},
        "source": pa.Column(str, pa.Check.str_startswith("http"), nullable=True),
        "note": pa.Column(str, nullable=True),
    },
    strict=True,
    ordered=True,
)

EXTRACTS = (
    Extract(
        name="levada_eu_attitudes.csv",
        upstream=(LEVADA_FILE,),
        title="Levada Center: Russians' attitude to the EU, point observations 2008-2023",
        source=(
            "Levada Center surveys as reported on news pages (transcribed row by row with the page "
            "address and quoted sentence in the shared snapshot update_2026/levada_eu_attitudes)"
        ),
        licence=(
            "Levada data (c) Levada Center (cite 'Levada Center survey, as reported by ...'); "
            "facts only"
        ),
        description=(
            "One row per reported poll: survey period as stated, year and month where stated, how "
            "it is dated, shares (percent) of positive (very + mostly good) and negative (mostly + "
            "very bad) answers and their components where the page states them."
        ),
        schema=SCHEMA,
        build=build_levada,
        caveats=(
            "Not a complete series: no 1990s, 2003-2007, 2009, 2011-2012, 2014, 2018-2020 (two "
            "undated 2019-like rows give only 'mostly good') or 2024 values. Row 2 (2010) is dated "
            "relative to 2013; row 13's year is inferred. Levada is a designated 'foreign agent' "
            "since 2016; polls after 2022 are conducted under war-time censorship."
        ),
    ),
)
