"""Extraction: upstream snapshots -> small tidy CSV extracts in data/raw, plus their manifest.

Each domain module lists its `EXTRACTS`; `ALL_EXTRACTS` gathers them. An extract names its
upstream file (relative to $EUCLAIMS_UPSTREAM), its source and licence, a pandera schema that
every load validates, and a pure function turning the upstream file into the tidy table.
"""

from __future__ import annotations

from . import (
    behaviour,
    defence,
    defence_instruments,
    eda_2018_2023,
    eums,
    eurostat_exports_monthly,
    hindsight,
    institutions,
    levada,
    nato_spending,
    populist_flags,
    sanctions,
    sanctions_packages,
    unga_issues,
    unga_ukraine_2022,
    wdi_update,
)
from .base import Extract

ALL_EXTRACTS: tuple[Extract, ...] = (
    *eums.EXTRACTS,
    *institutions.EXTRACTS,
    *sanctions.EXTRACTS,
    *unga_issues.EXTRACTS,
    *defence.EXTRACTS,
    *behaviour.EXTRACTS,
    *hindsight.EXTRACTS,
    *wdi_update.EXTRACTS,
    # after_2022 notebook
    *eurostat_exports_monthly.EXTRACTS,
    *sanctions_packages.EXTRACTS,
    *unga_ukraine_2022.EXTRACTS,
    *nato_spending.EXTRACTS,
    *eda_2018_2023.EXTRACTS,
    *defence_instruments.EXTRACTS,
    *levada.EXTRACTS,
    *populist_flags.EXTRACTS,
)


def extract_by_name(name: str) -> Extract:
    """The extract whose data/raw file is `name` (e.g. 'population_eurostat.csv')."""
    for extract in ALL_EXTRACTS:
        if extract.name == name:
            return extract
    known = ", ".join(sorted(e.name for e in ALL_EXTRACTS))
    raise KeyError(f"no extract named '{name}' is declared; known extracts: {known}")
