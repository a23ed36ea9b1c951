"""The PopuList 3.0: populist, Eurosceptic, far-right and far-left EU28 parties, one table.

The PopuList classifies each party on four dimensions, each with a window of years with
(start/end) and without (startnobl/endnobl) borderline cases. The table holds one row per party
and family the party belongs to in some year.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .base import ISO2, MEMBER_STATES_FILE, Extract, map_member_names, read_member_states

POPULIST_FILE = "defence_institutions/parties/populist_3.0.csv"
#: PopuList column prefix -> family name used in the table.
FAMILIES = {
    "populist": "populist",
    "eurosceptic": "eurosceptic",
    "farright": "far_right",
    "farleft": "far_left",
}
#: The PopuList's codes for open-ended windows; a window starting in NEVER is empty.
ALWAYS, NEVER = 1900, 2100
#: The one member state the PopuList does not cover.
NOT_COVERED = ("MT",)


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


def build_populist_parties(upstream: Path) -> pd.DataFrame:
    """The four PopuList families of the EU28 parties, long: one row per party and family."""
    path = upstream / POPULIST_FILE
    raw = pd.read_csv(path, sep=";", encoding="utf-8-sig")
    members = read_member_states(upstream)
    expect = sorted(set(members["country"]) - set(NOT_COVERED))
    country = map_member_names(
        raw["country_name"], members, file=path, column="country_name", expect=expect
    )
    raw = raw[country.notna()]
    parts = [family_rows(raw, prefix, family) for prefix, family in FAMILIES.items()]
    table = pd.concat(parts)
    table.insert(0, "country", country.loc[table.index])
    return table.sort_values(["family", "country", "party_name"], ignore_index=True)


YEAR = pa.Check.in_range(ALWAYS, NEVER)
POPULIST_SCHEMA = pa.DataFrameSchema(
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
        name="populist_parties.csv",
        upstream=(POPULIST_FILE, MEMBER_STATES_FILE),
        title="The PopuList 3.0: populist, Eurosceptic, far-right and far-left EU28 parties",
        source=(
            "The PopuList 3.0 (Rooduijn et al., popu-list.org), CSV kept in "
            "github.com/varvarailyina/mds_thesis (commit 3323987)"
        ),
        licence="No licence stated in the repository; check popu-list.org terms",
        description=(
            "One row per party and family (populist, eurosceptic, far_right, far_left) it belongs "
            "to in some year: the years with (start/end) and without (start_nobl/end_nobl) "
            "borderline cases (1900 and 2100 mean open-ended; a window starting in 2100 is empty, "
            "and such rows are left out), the PopuList's 0/1 flag and its borderline marker."
        ),
        schema=POPULIST_SCHEMA,
        build=build_populist_parties,
        caveats=(
            "Malta is not covered. The PopuList lists only parties that are populist, far right, "
            "far left or Eurosceptic; a party not listed belongs to none. Two rows have a window "
            "but flag 0 (BZÖ far right to 2008, Cyprus SYM Eurosceptic): the windows are used. "
            "Parties without a parlgov_id cannot be joined to ParlGov results; their votes are "
            "missing from the shares."
        ),
    ),
)
