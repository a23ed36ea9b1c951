"""The Extract record and the deterministic CSV writer shared by all domain modules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataError

#: The EUMS member-state table (EU27 + UK): codes, names, accession and exit dates.
MEMBER_STATES_FILE = "defence_institutions/member_states/eums_member_states.csv"
#: Voeten's UN ideal points carry both COW state codes (`ccode`) and ISO alpha-3 (`iso3c`).
COW_CODES_FILE = "sanctions_trade/voeten_IdealpointestimatesAll_Apr2020.csv"

#: Spellings upstream datasets use for a member state where they differ from EUMS's English name.
NAME_ALIASES = {
    "Czechia": "CZ",
    "Slovak Republic": "SK",
    "Germany (until 1990 former territory of the FRG)": "DE",
}

# Transitional: extracts not yet mapping through read_member_states() still use these two.
EU_TO_ISO2 = {"EL": "GR", "UK": "GB"}
EU28_NAME_TO_ISO2 = {
    "Austria": "AT", "Belgium": "BE", "Bulgaria": "BG", "Croatia": "HR", "Cyprus": "CY",
    "Czechia": "CZ", "Denmark": "DK", "Estonia": "EE", "Finland": "FI", "France": "FR",
    "Germany": "DE", "Greece": "GR", "Hungary": "HU", "Ireland": "IE", "Italy": "IT",
    "Latvia": "LV", "Lithuania": "LT", "Luxembourg": "LU", "Malta": "MT", "Netherlands": "NL",
    "Poland": "PL", "Portugal": "PT", "Romania": "RO", "Slovakia": "SK", "Slovenia": "SI",
    "Spain": "ES", "Sweden": "SE", "United Kingdom": "GB",
}  # fmt: skip

ISO2 = r"^[A-Z]{2}$"
DATE = r"^\d{4}-\d{2}-\d{2}$"


def read_member_states(upstream: Path) -> pd.DataFrame:
    """EU27 + UK from EUMS: ISO2 `country`, EU `eu_code` (EL, UK), `iso3`, `cow_code`, English
    `name`, `accession_date`, `exit_date` (empty if still a member); one row per state."""
    path = upstream / MEMBER_STATES_FILE
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    table = pd.DataFrame(
        {
            "country": raw["iso_alpha_2_code"],
            "eu_code": raw["member_state_code"],
            "iso3": raw["iso_alpha_3_code"],
            "name": raw["member_state"],
            "accession_date": raw["accession_date"],
            "exit_date": raw["exit_date"].replace("", None),
        }
    )
    # Germany has two codes (260 West Germany to 1990, 255 since): take each state's latest.
    cow = pd.read_csv(upstream / COW_CODES_FILE, usecols=["ccode", "iso3c", "session"]).dropna()
    latest = cow.sort_values("session").drop_duplicates("iso3c", keep="last")
    cow_by_iso3 = latest.set_index("iso3c")["ccode"].astype("int64")
    table.insert(3, "cow_code", table["iso3"].map(cow_by_iso3).astype("Int64"))
    missing = table.loc[table["cow_code"].isna(), "iso3"].tolist()
    if missing:
        raise DataError(
            f"{upstream / COW_CODES_FILE}: no COW code (ccode) for {', '.join(missing)}; "
            "check that the ideal-point snapshot is complete"
        )
    return table.sort_values("country", ignore_index=True)


def name_to_iso2(members: pd.DataFrame) -> dict[str, str]:
    """Every known spelling of a member state's name -> ISO alpha-2 (EUMS names and aliases)."""
    return {**dict(zip(members["name"], members["country"], strict=True)), **NAME_ALIASES}


def map_member_names(
    names: pd.Series, members: pd.DataFrame, *, file: Path, column: str, expect: list[str]
) -> pd.Series:
    """ISO alpha-2 per name (NaN for non-members); stops if a state in `expect` has no name in
    the column, which means the upstream spells it in a way NAME_ALIASES does not know."""
    codes = names.map(name_to_iso2(members))
    absent = sorted(set(expect) - set(codes.dropna()))
    if absent:
        raise DataError(
            f"{file}: column '{column}' has no name for member state(s) {', '.join(absent)}; "
            "if the upstream spells them differently, add the spelling to "
            "euclaims.extracts.base.NAME_ALIASES"
        )
    return codes


def eu_code_to_iso2(codes: pd.Series, members: pd.DataFrame) -> pd.Series:
    """EU/Eurostat codes (EL, UK) -> ISO alpha-2 (GR, GB); other codes pass unchanged."""
    return codes.replace(dict(zip(members["eu_code"], members["country"], strict=True)))


def iso3_to_iso2(codes: pd.Series, members: pd.DataFrame) -> pd.Series:
    """ISO alpha-3 -> alpha-2 for member states; NaN for any other code."""
    return codes.map(dict(zip(members["iso3"], members["country"], strict=True)))


def cow_to_iso2(codes: pd.Series, members: pd.DataFrame) -> pd.Series:
    """Correlates of War state codes -> ISO alpha-2 for member states; NaN otherwise."""
    by_code = dict(zip(members["cow_code"].astype("int64"), members["country"], strict=True))
    return codes.map(by_code)


@dataclass(frozen=True)
class Extract:
    """One tidy table in data/raw, derived from one upstream snapshot file."""

    name: str
    upstream: tuple[str, ...]
    title: str
    source: str
    licence: str
    description: str
    schema: pa.DataFrameSchema
    build: Callable[[Path], pd.DataFrame]  # takes the upstream root directory
    caveats: str = ""
    #: Project-authored tables under data/curated/ (each row with a `source`) merged in by `build`.
    curated: tuple[str, ...] = ()

    @property
    def resource_name(self) -> str:
        return Path(self.name).stem.replace("_", "-")


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Deterministic CSV bytes: UTF-8, LF line ends, no index, shortest float repr."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
