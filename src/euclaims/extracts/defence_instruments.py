"""Extract: EU-level defence funding instruments with their legal acts (curated, EUR-Lex)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataError
from ..paths import CURATED_DIR
from .base import Extract

CURATED = "eu_defence_instruments.csv"


def build_instruments(upstream: Path, curated_dir: Path | None = None) -> pd.DataFrame:
    """The curated table as is, after checking that every row cites EUR-Lex or is marked as read
    from a mirror of the Official Journal text."""
    path = Path(curated_dir or CURATED_DIR) / CURATED
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    official = table["source"].str.contains("eur-lex|data.europa.eu", regex=True)
    unsourced = table.index[~official & (table["source_kind"] != "official act mirror")]
    if len(unsourced):
        raise DataError(
            f"{path}: rows {[i + 2 for i in unsourced]} have no EUR-Lex source and are not "
            "marked source_kind 'official act mirror'"
        )
    table = table.replace("", None)
    table["amount_eur_m"] = pd.to_numeric(table["amount_eur_m"]).astype(float)
    return table.sort_values(["adopted_date", "short_name"], ignore_index=True)


SCHEMA = pa.DataFrameSchema(
    {
        "short_name": pa.Column(str, unique=True),
        "name": pa.Column(str),
        "act": pa.Column(str),
        "celex": pa.Column(str, pa.Check.str_matches(r"^3\d{4}[RDL]\d{4}$")),
        "adopted_date": pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$")),
        "legal_basis": pa.Column(str),
        "funding_form": pa.Column(str),
        "amount_eur_m": pa.Column(float, pa.Check.gt(0), nullable=True),
        "amount_source": pa.Column(str, pa.Check.str_startswith("http"), nullable=True),
        "source_kind": pa.Column(str, pa.Check.isin(["official act", "official act mirror"])),
        "source": pa.Column(str, pa.Check.str_startswith("http")),
        "notes": pa.Column(str, nullable=True),
    },
    strict=True,
    ordered=True,
)

EXTRACTS = (
    Extract(
        name="eu_defence_instruments.csv",
        upstream=(),
        title="EU-level defence instruments (EDF, EPF, ASAP, EDIRPA, SAFE) and their legal acts",
        source="Curated from EUR-Lex act pages (CELEX) read with the search tool (data/curated)",
        licence=(
            "Project-authored (CC BY 4.0); EUR-Lex content (c) European Union, reuse authorised"
        ),
        description=(
            "One row per instrument: act, CELEX number, adoption date, treaty legal basis, form "
            "of funding, amount in EUR million where a page read states it (with that page)."
        ),
        schema=SCHEMA,
        build=build_instruments,
        curated=(CURATED,),
        caveats=(
            "Amounts are of different nature (EU budget grants, an off-budget facility, loans) and "
            "are not summed; the EDF and EPF amounts were not in the excerpts read and are empty."
        ),
    ),
)
