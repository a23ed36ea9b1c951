"""Extraction: upstream snapshots -> small tidy CSV extracts in data/raw, plus their manifest.

Each domain module lists its `EXTRACTS`; `ALL_EXTRACTS` gathers them. An extract names its
upstream file (relative to $EUCLAIMS_UPSTREAM), its source and licence, a pandera schema that
every load validates, and a pure function turning the upstream file into the tidy table.
"""

from __future__ import annotations

from . import (
    comtrade,
    council_votes,
    cow,
    curated,
    eda,
    eums,
    eurobarometer,
    eurostat_population,
    eurostat_trade,
    iea,
    levada,
    nato,
    parlgov,
    populist,
    reference_facts,
    sanctions_acts,
    sipri,
    unga,
    unga_ukraine_votes,
    vetoes,
    worldbank,
)
from .base import Extract

#: Every extract, grouped by its upstream dataset module (one module per dataset).
ALL_EXTRACTS: tuple[Extract, ...] = (
    *comtrade.EXTRACTS,
    *council_votes.EXTRACTS,
    *cow.EXTRACTS,
    *curated.EXTRACTS,
    *eda.EXTRACTS,
    *eums.EXTRACTS,
    *eurobarometer.EXTRACTS,
    *eurostat_population.EXTRACTS,
    *eurostat_trade.EXTRACTS,
    *iea.EXTRACTS,
    *levada.EXTRACTS,
    *nato.EXTRACTS,
    *parlgov.EXTRACTS,
    *populist.EXTRACTS,
    *reference_facts.EXTRACTS,
    *sanctions_acts.EXTRACTS,
    *sipri.EXTRACTS,
    *unga.EXTRACTS,
    *unga_ukraine_votes.EXTRACTS,
    *vetoes.EXTRACTS,
    *worldbank.EXTRACTS,
)


def extract_by_name(name: str) -> Extract:
    """The extract whose data/raw file is `name` (e.g. 'population_eurostat.csv')."""
    for extract in ALL_EXTRACTS:
        if extract.name == name:
            return extract
    known = ", ".join(sorted(e.name for e in ALL_EXTRACTS))
    raise KeyError(f"no extract named '{name}' is declared; known extracts: {known}")
