"""EUMS (EU member states dataset): the one member-state table every extract maps codes through."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .base import (
    COW_CODES_FILE,
    DATE,
    ISO2,
    MEMBER_STATES_FILE,
    NAME_ALIASES,
    Extract,
    read_member_states,
)


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
)
