"""Extract: act numbers of EU Russia sanctions renewals found for the referee round (partial)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataError
from .base import Extract

ACTS_FILE = "update_2026/eu_russia_sanctions_acts/sanctions_renewal_acts.csv"
#: Upstream regime labels -> the regime names of sanctions_decisions.csv.
REGIMES = {
    "economic (sectoral)": "economic",
    "individual listings": "individual",
    "Crimea/Sevastopol": "crimea",
}
ACT_NUMBER = re.compile(r"\b(\d{4}/\d{1,4})\b")
PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?")
STATUSES = ("act_number_found", "date_only", "not_found")


def leading_date(text: str) -> str | None:
    """The ISO date (or month, or year) a cell starts with; None for 'NOT IN EXCERPT' etc."""
    match = PARTIAL_DATE.match(text.strip())
    return match.group(0) if match else None


def build_renewal_acts(upstream: Path) -> pd.DataFrame:
    """One row per transcribed renewal: regime, act number where found, dates, status, page."""
    path = upstream / ACTS_FILE
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    regime = raw["regime"].map(REGIMES)
    if regime.isna().any():
        raise DataError(
            f"{path}: column regime has unknown values {sorted(set(raw['regime']) - set(REGIMES))}"
        )
    found = raw["status"] == "act_number_found"
    numbers = raw["act_number"].str.extract(ACT_NUMBER, expand=False)
    if numbers[found].isna().any():
        raise DataError(f"{path}: a row with status act_number_found has no act number")
    return pd.DataFrame(
        {
            "row": raw["row"].astype("int64"),
            "regime": regime,
            "act_number": numbers.where(found, None),
            "adoption_date": raw["adoption_date"].map(leading_date),
            "extended_until": raw["extended_until"].map(leading_date),
            "status": raw["status"],
            "source": raw["page_url"].replace("", None),
        }
    )


SCHEMA = pa.DataFrameSchema(
    {
        "row": pa.Column("int64", unique=True),
        "regime": pa.Column(str, pa.Check.isin(sorted(REGIMES.values()))),
        "act_number": pa.Column(str, pa.Check.str_matches(r"^\d{4}/\d{1,4}$"), nullable=True),
        "adoption_date": pa.Column(
            str, pa.Check.str_matches(r"^\d{4}(-\d{2}(-\d{2})?)?$"), nullable=True
        ),  # fmt: skip
        "extended_until": pa.Column(
            str, pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$"), nullable=True
        ),  # fmt: skip
        "status": pa.Column(str, pa.Check.isin(STATUSES)),
        "source": pa.Column(str, pa.Check.str_startswith("http"), nullable=True),
    },
    strict=True,
    ordered=True,
)

EXTRACTS = (
    Extract(
        name="sanctions_renewal_acts_2026.csv",
        upstream=(ACTS_FILE,),
        title="EU Russia sanctions renewals: act numbers found (partial, transcribed)",
        source=(
            "Shared snapshot update_2026/eu_russia_sanctions_acts (rows transcribed from stored "
            "pages with the quoted sentence; EUR-Lex for Decision (CFSP) 2026/1437)"
        ),
        licence=(
            "EUR-Lex content (c) European Union, reuse authorised (Decision 2011/833/EU); "
            "other pages facts only"
        ),
        description=(
            "One row per renewal looked for: regime (economic, individual, crimea), act number "
            "where quoted on a page, adoption date and new expiry where stated, status."
        ),
        schema=SCHEMA,
        build=build_renewal_acts,
        caveats=(
            "Partial: rows 12 and 15 (individual March 2022, Crimea June 2023) were looked for and "
            "not found; the March 2019 individual renewal number is not verified; most pages are "
            "secondary (law firms, news)."
        ),
    ),
)
