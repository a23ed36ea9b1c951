"""EUMS (EU member states dataset) and the member-state folder beside it: the one member-state
table every extract maps codes through, the Nice Council vote weights and the EP seats."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataError
from .base import (
    COW_CODES_FILE,
    DATE,
    ISO2,
    MEMBER_STATES_FILE,
    NAME_ALIASES,
    Extract,
    eu_code_to_iso2,
    map_member_names,
    read_member_states,
)

QMV_WEIGHTS_FILE = "defence_institutions/member_states/eums_qmv_weights.csv"
CORESIZE_FILE = "defence_institutions/member_states/coresize_eucouncil_weights.csv"
EP_SEATS_FILE = "defence_institutions/member_states/ep_seats_by_term.csv"
#: The Nice weights are taken for the period with this many members (2013-07-01 to 2014-11-01).
NICE_MEMBER_COUNT = 28


def build_member_states(upstream: Path) -> pd.DataFrame:
    """EU27 + UK with every code convention and the other spellings upstream datasets use."""
    table = read_member_states(upstream)
    aliases = (
        pd.Series(NAME_ALIASES)
        .groupby(lambda name: NAME_ALIASES[name])
        .agg(lambda names: ";".join(sorted(names.index)))
    )
    table["other_names"] = table["country"].map(aliases)
    return table


MEMBER_STATES_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(ISO2), unique=True),
        "eu_code": pa.Column(str, pa.Check.str_matches(ISO2), unique=True),
        "iso3": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$"), unique=True),
        "cow_code": pa.Column("int64", pa.Check.between(2, 999), unique=True),
        "name": pa.Column(str, unique=True),
        "accession_date": pa.Column(str, pa.Check.str_matches(DATE)),
        "exit_date": pa.Column(str, pa.Check.str_matches(DATE), nullable=True),
        "other_names": pa.Column(str, nullable=True),
    },
    strict=True,
    ordered=True,
)


def member_codes(codes: pd.Series, members: pd.DataFrame, *, file: Path, column: str) -> pd.Series:
    """EU codes (EL, UK) -> ISO alpha-2; stops naming file, column and row on a code that is no
    member state in the member-state table."""
    iso2 = eu_code_to_iso2(codes, members)
    unknown = iso2[~iso2.isin(members["country"])]
    if not unknown.empty:
        raise DataError(
            f"{file}: column '{column}', row {unknown.index[0] + 2}: code {unknown.iloc[0]!r} is "
            "no member state in member_states.csv"
        )
    return iso2


def build_nice_weights(upstream: Path) -> pd.DataFrame:
    """Nice Treaty Council vote weights of the EU28 (2013-07-01 to 2014-11-01), checked twice.

    Taken from the EUMS qmv_weights table (period with 28 members) and compared with the `v25`
    column of the coresize table; any difference stops the extraction.
    """
    path = upstream / QMV_WEIGHTS_FILE
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw = raw[raw["count_member_states"].astype(float).astype(int) == NICE_MEMBER_COUNT]
    members = read_member_states(upstream)
    table = pd.DataFrame(
        {
            "country": member_codes(
                raw["member_state_code"], members, file=path, column="member_state_code"
            ),
            "votes": raw["votes"].astype(float).astype("int64"),
            "total_votes": raw["total_votes"].astype(float).astype("int64"),
            "start_date": raw["start_date"],
            "end_date": raw["end_date"],
        }
    ).sort_values("country", ignore_index=True)
    coresize = pd.read_csv(upstream / CORESIZE_FILE)
    codes = map_member_names(
        coresize["country"], members, file=upstream / CORESIZE_FILE, column="country",
        expect=list(table["country"]),
    )  # fmt: skip
    check = coresize.assign(country=codes).set_index("country")["v25"]
    differ = [c for c, v in zip(table["country"], table["votes"], strict=True) if check.get(c) != v]
    if differ or len(table) != NICE_MEMBER_COUNT:
        raise DataError(
            f"{path}: Nice weights of {differ or 'the EU28'} disagree with "
            f"column v25 of {CORESIZE_FILE} (or not {NICE_MEMBER_COUNT} rows: {len(table)})"
        )
    return table


NICE_WEIGHTS_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(ISO2), unique=True),
        "votes": pa.Column("int64", pa.Check.in_range(1, 29)),
        "total_votes": pa.Column("int64", pa.Check.eq(352)),
        "start_date": pa.Column(str, pa.Check.str_matches(DATE)),
        "end_date": pa.Column(str, pa.Check.str_matches(DATE)),
    },
    checks=pa.Check(lambda t: t["votes"].sum() == 352, error="votes must sum to 352"),
    strict=True,
    ordered=True,
)


def build_ep_seats(upstream: Path) -> pd.DataFrame:
    """European Parliament seats per member state and term (tYYYY columns), members only."""
    path = upstream / EP_SEATS_FILE
    raw = pd.read_csv(path)
    raw["code"] = member_codes(raw["code"], read_member_states(upstream), file=path, column="code")
    long = raw.melt(id_vars="code", var_name="term", value_name="seats")
    long = long[long["seats"] > 0]
    table = pd.DataFrame(
        {
            "country": long["code"],
            "term": long["term"].str.removeprefix("t").astype("int64"),
            "seats": long["seats"].astype("int64"),
        }
    )
    return table.sort_values(["term", "country"], ignore_index=True)


EP_SEATS_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "term": pa.Column("int64", pa.Check.isin([1999, 2004, 2009, 2014, 2020, 2024])),
        "seats": pa.Column("int64", pa.Check.in_range(1, 99)),
    },
    strict=True,
    ordered=True,
    unique=["term", "country"],
)

EUMS_SOURCE = (
    "EUMS database by Joshua C. Fjelstul (github.com/jfjelstul/eums, commit 20fd6ff, "
    "data/qmv_weights.RData, converted to CSV with pyreadr)"
)

EXTRACTS = (
    Extract(
        name="member_states.csv",
        upstream=(MEMBER_STATES_FILE, COW_CODES_FILE),
        title="EU member states (EU27 + UK): codes, names, accession and exit dates",
        source=(
            "EUMS database by Joshua C. Fjelstul (github.com/jfjelstul/eums, commit 20fd6ff, "
            "data/member_states.RData, converted to CSV with pyreadr); "
            "COW state codes from Voeten's UN General Assembly ideal points (ccode, iso3c)"
        ),
        licence="MIT (EUMS); MIT (Voeten ideal points repository, (c) 2020 evoeten)",
        description=(
            "One row per state that has been an EU member and was one in 2013-2020 (EU27 + UK). "
            "`country` is ISO 3166 alpha-2 (GR, GB), `eu_code` the EU/Eurostat code (EL, UK), "
            "`iso3` ISO alpha-3, `cow_code` the Correlates of War state code; `name` is EUMS's "
            "English name and `other_names` the other spellings upstream datasets use (';'). "
            "`accession_date` is the date the state became a member of the Communities (founding "
            "members: 1952-07-23, the ECSC's entry into force, as EUMS codes it); `exit_date` "
            "is empty for current members."
        ),
        schema=MEMBER_STATES_SCHEMA,
        build=build_member_states,
    ),
    Extract(
        name="council_nice_weights.csv",
        upstream=(QMV_WEIGHTS_FILE, CORESIZE_FILE, MEMBER_STATES_FILE),
        title="Council vote weights under the Nice Treaty, EU28 (2013-2014)",
        source=EUMS_SOURCE + "; checked against github.com/sumtxt/coresize eucouncil_weights.csv",
        licence="MIT (EUMS); coresize: no licence stated (used only as a check)",
        description="Nice QMV weight per EU28 state (total 352, quota 260) and its period.",
        schema=NICE_WEIGHTS_SCHEMA,
        build=build_nice_weights,
        caveats=(
            "The Nice weights applied to the EU28 from 1 July 2013 to 31 October 2014 and, on a "
            "member's request, until 31 March 2017 (Protocol No 36); they are used here to model "
            "the Nice rule with 2017 populations."
        ),
    ),
    Extract(
        name="ep_seats.csv",
        upstream=(EP_SEATS_FILE, MEMBER_STATES_FILE),
        title="European Parliament seats per member state and term, 1999-2024",
        source=(
            "github.com/jindrabernard-code/eu-teziste-matlab data/ep_seats.csv (commit e3448cb), "
            "hand-compiled; 1999-2014 terms match ParlGov's EP seats_total"
        ),
        licence="No licence stated upstream (seat counts are facts of EU law)",
        description="Seats per state for the terms starting 1999, 2004, 2009, 2014, 2020, 2024.",
        schema=EP_SEATS_SCHEMA,
        build=build_ep_seats,
        caveats=(
            "Term 2004 includes BG and RO (joined 2007) and term 2009 HR (2013); the 2011 Lisbon "
            "top-up seats are not included. Term 2014 (751 seats) applied until 31 January 2020, "
            "also after the 2019 election; term 2020 is the post-Brexit allocation (705). "
            "Terms 2020 and 2024 were not cross-checked against a second file."
        ),
    ),
)
