"""Extract: UN General Assembly recorded votes on Ukraine 2014-2025, EU27 (+ UK) and Russia.

A compilation of its own (not unvotes), written in the conventions of the unvotes tables
(extracts/unga.py): ISO2 countries through member_states, resolution symbols 'A/RES/...', votes
yes/no/abstain/absent. Its one roll call inside the unvotes period (68/262, 2014) agrees with
unga_ukraine_votes.csv vote for vote (tests/test_extracts_misc.py).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataError
from .base import (
    DATE,
    ISO2,
    MEMBER_STATES_FILE,
    Extract,
    check_members_on_date,
    iso3_to_iso2,
    read_member_states,
)

VOTES_FILE = "update_2026/unga_ukraine_votes/unga_ukraine_votes_eu27_rus.csv"
#: Upstream vote codes -> the unvotes words (X = absent or not voting, as 'absent' there).
VOTE_WORDS = {"Y": "yes", "N": "no", "A": "abstain", "X": "absent"}
RUSSIA = {"RUS": "RU"}


def build_unga_ukraine(upstream: Path) -> pd.DataFrame:
    """One row per resolution and state; an empty vote means "not retrieved", never "absent"."""
    path = upstream / VOTES_FILE
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    members = read_member_states(upstream)
    country = iso3_to_iso2(raw["iso3"], members).fillna(raw["iso3"].map(RUSSIA))
    unmapped = raw.index[country.isna()]
    if len(unmapped):
        first = unmapped[0]
        raise DataError(
            f"{path}: row {first + 2}: column iso3 {raw.loc[first, 'iso3']!r} is neither an EU "
            "member state in member_states.csv nor RUS"
        )
    bad = sorted(set(raw["vote"]) - {*VOTE_WORDS, ""})
    if bad:
        raise DataError(
            f"{path}: column vote has codes {bad}; expected {tuple(VOTE_WORDS)} or empty"
        )
    table = pd.DataFrame(
        {
            "resolution": raw["resolution"],
            "date": raw["date"],
            "country": country,
            "vote": raw["vote"].map(VOTE_WORDS),
            "retrieved": raw["vote"] != "",
            "source": raw["source"],
        }
    )
    table = table.sort_values(["date", "resolution", "country"], ignore_index=True)
    check_members_on_date(table, members, file=VOTES_FILE, others=tuple(RUSSIA.values()))
    return table


SCHEMA = pa.DataFrameSchema(
    {
        "resolution": pa.Column(str, pa.Check.str_matches(r"^A/RES/")),
        "date": pa.Column(str, pa.Check.str_matches(DATE)),
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "vote": pa.Column(str, pa.Check.isin(list(VOTE_WORDS.values())), nullable=True),
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
        upstream=(VOTES_FILE, MEMBER_STATES_FILE),
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
            "One row per resolution and state (ISO alpha-2, EU members on the day and RU): vote "
            "yes, no, abstain, absent (absent or not voting; upstream Y/N/A/X, the words of "
            "unga_ukraine_votes.csv) or empty = not retrieved; retrieved says which."
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
