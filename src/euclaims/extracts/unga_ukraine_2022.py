"""Extract: UN General Assembly recorded votes on Ukraine 2014-2025, EU27 (+ UK) and Russia."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataError
from .base import EU28_NAME_TO_ISO2, Extract

VOTES_FILE = "update_2026/unga_ukraine_votes/unga_ukraine_votes_eu27_rus.csv"
#: Spellings of the upstream file that differ from the shared EU28 name map.
NAME_ALIASES = {"Czech Republic": "CZ", "Russia": "RU"}
VOTE_CODES = ("Y", "N", "A", "X")


def build_unga_ukraine(upstream: Path) -> pd.DataFrame:
    """One row per resolution and state; an empty vote means "not retrieved", never "absent"."""
    path = upstream / VOTES_FILE
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    names = {**EU28_NAME_TO_ISO2, **NAME_ALIASES}
    country = raw["country"].map(names)
    unmapped = sorted(set(raw.loc[country.isna(), "country"]))
    if unmapped:
        raise DataError(f"{path}: column country has names without an ISO code: {unmapped}")
    bad = sorted(set(raw["vote"]) - {*VOTE_CODES, ""})
    if bad:
        raise DataError(f"{path}: column vote has codes {bad}; expected {VOTE_CODES} or empty")
    table = pd.DataFrame(
        {
            "resolution": raw["resolution"],
            "date": raw["date"],
            "country": country,
            "vote": raw["vote"].replace("", None),
            "retrieved": raw["vote"] != "",
            "source": raw["source"],
        }
    )
    return table.sort_values(["date", "resolution", "country"], ignore_index=True)


SCHEMA = pa.DataFrameSchema(
    {
        "resolution": pa.Column(str, pa.Check.str_matches(r"^A/RES/")),
        "date": pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$")),
        "country": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{2}$")),
        "vote": pa.Column(str, pa.Check.isin(VOTE_CODES), nullable=True),
        "retrieved": pa.Column(bool),
        "source": pa.Column(str),
    },
    strict=True,
    ordered=True,
    unique=["resolution", "country"],
)

EXTRACTS = (
    Extract(
        name="unga_ukraine_votes_2014_2025.csv",
        upstream=(VOTES_FILE,),
        title="UN General Assembly votes on Ukraine, 2014-2025: EU27 (+ UK in 2014) and Russia",
        source=(
            "Compiled in the shared snapshot update_2026/unga_ukraine_votes (build.py): name lists "
            "of HarukiKinoshita/ukraine-viz commit c2270e0 (src/voting.js) for 68/262 and ES-11/1; "
            "Wikipedia mirrors and news pages (inews, TASS, Al Jazeera reprint) for ES-11/3, "
            "ES-11/5, ES-11/6 and ES-11/7; each cell names its source"
        ),
        licence=(
            "Facts from UN records; repository without licence (third-party compilation); "
            "Wikipedia text CC BY-SA 4.0; news pages (c) their publishers, facts only"
        ),
        description=(
            "One row per resolution and state: vote Y (in favour), N (against), A (abstain), "
            "X (absent / non-voting) or empty = not retrieved; retrieved says which."
        ),
        schema=SCHEMA,
        build=build_unga_ukraine,
        caveats=(
            "Complete for 68/262 (EU28), ES-11/1, ES-11/5 and ES-11/7; ES-11/3 lacks 7 EU members "
            "and ES-11/6 lacks 3 (not retrieved, never 'absent'); ES-11/2 and ES-11/4 have only "
            "Russia's vote. Not the UN Digital Library voting data. Wikipedia numbering of ES-11/5 "
            "to ES-11/7."
        ),
    ),
)
