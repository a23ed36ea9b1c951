"""Extract for the `hindsight` notebook: the PopuList's Eurosceptic, far-right and far-left flags.

The PopuList 3.0 classifies each party on four dimensions, each with a window of years with
(start/end) and without (startnobl/endnobl) borderline cases. `hindsight_populist_parties.csv`
holds the populist dimension; this table holds the other three, one row per party and
dimension the party ever belongs to, so that nationalism can be measured by Euroscepticism and
the far right rather than by populism.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .base import Extract
from .hindsight import ISO2, MEMBERS_FILE, POPULIST_FILE, _members

#: PopuList column prefix -> family name used in the table.
FAMILIES = {"eurosceptic": "eurosceptic", "farright": "far_right", "farleft": "far_left"}
#: The PopuList's code for "never" (an empty window starts in 2100).
NEVER = 2100


def family_rows(raw: pd.DataFrame, prefix: str, family: str) -> pd.DataFrame:
    """One row per party with a non-empty window of `prefix` (with or without borderline cases)."""
    table = pd.DataFrame(
        {
            "parlgov_id": raw["parlgov_id"].astype("Int64"),
            "party_name": raw["party_name_english"],
            "family": family,
            "flag": raw[prefix].astype("int64"),
            "start": raw[f"{prefix}_start"].astype("int64"),
            "end": raw[f"{prefix}_end"].astype("int64"),
            "start_nobl": raw[f"{prefix}_startnobl"].astype("int64"),
            "end_nobl": raw[f"{prefix}_endnobl"].astype("int64"),
            "borderline": raw[f"{prefix}_bl"].astype("int64"),
        },
        index=raw.index,
    )
    ever = (table["start"] < NEVER) | (table["start_nobl"] < NEVER)
    return table[ever]


def build_populist_flags(upstream: Path) -> pd.DataFrame:
    """Eurosceptic, far-right and far-left windows of the EU28 parties in the PopuList 3.0."""
    raw = pd.read_csv(upstream / POPULIST_FILE, sep=";", encoding="utf-8-sig")
    iso = _members(upstream).set_index("name")["iso2"]
    raw = raw[raw["country_name"].isin(iso.index)]
    parts = [family_rows(raw, prefix, family) for prefix, family in FAMILIES.items()]
    table = pd.concat(parts)
    table.insert(0, "country", raw.loc[table.index, "country_name"].map(iso))
    return table.sort_values(["family", "country", "party_name"], ignore_index=True)


YEAR = pa.Check.in_range(1900, 2100)
POPULIST_FLAGS_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "parlgov_id": pa.Column(float, pa.Check.gt(0), nullable=True),
        "party_name": pa.Column(str),
        "family": pa.Column(str, pa.Check.isin(list(FAMILIES.values()))),
        "flag": pa.Column("int64", pa.Check.isin([0, 1])),
        "start": pa.Column("int64", YEAR),
        "end": pa.Column("int64", YEAR),
        "start_nobl": pa.Column("int64", YEAR),
        "end_nobl": pa.Column("int64", YEAR),
        "borderline": pa.Column("int64", pa.Check.isin([0, 1])),
    },
    strict=True,
    ordered=True,
    unique=["family", "country", "party_name"],
)


EXTRACTS = (
    Extract(
        name="hindsight_populist_flags.csv",
        upstream=(POPULIST_FILE, MEMBERS_FILE),
        title="The PopuList 3.0: Eurosceptic, far-right and far-left EU28 parties",
        source=(
            "The PopuList 3.0 (Rooduijn et al., popu-list.org), CSV kept in "
            "github.com/varvarailyina/mds_thesis (commit 3323987)"
        ),
        licence="No licence stated in the repository; check popu-list.org terms",
        description=(
            "One row per party and family (eurosceptic, far_right, far_left) it belongs to in some "
            "year: the years with (start/end) and without (start_nobl/end_nobl) borderline cases "
            "(1900 and 2100 mean open-ended; a window starting in 2100 is empty), the PopuList's "
            "0/1 flag and its borderline marker."
        ),
        schema=POPULIST_FLAGS_SCHEMA,
        build=build_populist_flags,
        caveats=(
            "Malta is not covered. The PopuList lists only parties that are populist, far right, "
            "far left or Eurosceptic; a party not listed belongs to none. Two rows have a window "
            "but flag 0 (BZÖ far right to 2008, Cyprus SYM Eurosceptic): the windows are used. "
            "Parties without a parlgov_id cannot be joined to ParlGov results."
        ),
    ),
)
