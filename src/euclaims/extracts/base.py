"""The Extract record and the deterministic CSV writer shared by all domain modules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

#: ISO 3166 alpha-2 codes are used throughout; Eurostat and the EU use EL and UK.
EU_TO_ISO2 = {"EL": "GR", "UK": "GB"}

#: English short names of the EU28 (as spelled by UN Comtrade and SIPRI) -> ISO 3166 alpha-2.
EU28_NAME_TO_ISO2 = {
    "Austria": "AT", "Belgium": "BE", "Bulgaria": "BG", "Croatia": "HR", "Cyprus": "CY",
    "Czechia": "CZ", "Denmark": "DK", "Estonia": "EE", "Finland": "FI", "France": "FR",
    "Germany": "DE", "Greece": "GR", "Hungary": "HU", "Ireland": "IE", "Italy": "IT",
    "Latvia": "LV", "Lithuania": "LT", "Luxembourg": "LU", "Malta": "MT", "Netherlands": "NL",
    "Poland": "PL", "Portugal": "PT", "Romania": "RO", "Slovakia": "SK", "Slovenia": "SI",
    "Spain": "ES", "Sweden": "SE", "United Kingdom": "GB",
}  # fmt: skip


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
