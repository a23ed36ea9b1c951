"""Extracts of the project-authored tables that stand alone in data/curated/ (no upstream file):
the Commission's composition, EU defence instruments and the legal bases of sanctions.

Every row records its `source` (page addresses) and `source_kind` (see `base.SOURCE_KINDS`),
checked against the addresses when read.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataError
from ..paths import CURATED_DIR
from .base import SOURCE_KINDS, Extract, read_curated

DATE = r"^\d{4}-\d{2}-\d{2}$"

COLLEGE = "commission_college.csv"
INSTRUMENTS = "eu_defence_instruments.csv"
LEGAL_BASIS = "sanctions_legal_basis.csv"

SOURCE_KIND = pa.Column(str, pa.Check.isin(list(SOURCE_KINDS)))


def build_commission_college(upstream: Path, curated_dir: Path | None = None) -> pd.DataFrame:
    """Curated composition of the Commission around the essay's date."""
    table = read_curated(Path(curated_dir or CURATED_DIR) / COLLEGE)
    table = table.assign(
        members=table["members"].astype("int64"),
        one_per_member_state=table["one_per_member_state"].map({"true": True, "false": False}),
    )
    return table.sort_values("start_date", ignore_index=True)


COLLEGE_SCHEMA = pa.DataFrameSchema(
    {
        "college": pa.Column(str, unique=True),
        "start_date": pa.Column(str, pa.Check.str_matches(DATE)),
        "end_date": pa.Column(str, pa.Check.str_matches(DATE)),
        "members": pa.Column("int64", pa.Check.in_range(1, 40)),
        "one_per_member_state": pa.Column(bool),
        "source": pa.Column(str, pa.Check.str_contains("http")),
        "source_kind": SOURCE_KIND,
        "notes": pa.Column(str),
    },
    strict=True,
    ordered=True,
)


def build_instruments(upstream: Path, curated_dir: Path | None = None) -> pd.DataFrame:
    """The curated table of EU defence instruments, after checking that each row rests on an
    official source (the act on EUR-Lex, or an official EU page where EUR-Lex was not found)."""
    path = Path(curated_dir or CURATED_DIR) / INSTRUMENTS
    table = read_curated(path)
    unofficial = table.index[~table["source_kind"].isin(["official_act", "official_page"])]
    if len(unofficial):
        raise DataError(
            f"{path}: rows {[i + 2 for i in unofficial]} have no official source (EUR-Lex act "
            "or official EU page); add one or drop the row"
        )
    table = table.replace("", None)
    table["amount_eur_m"] = pd.to_numeric(table["amount_eur_m"]).astype(float)
    return table.sort_values(["adopted_date", "short_name"], ignore_index=True)


INSTRUMENTS_SCHEMA = pa.DataFrameSchema(
    {
        "short_name": pa.Column(str, unique=True),
        "name": pa.Column(str),
        "act": pa.Column(str),
        "celex": pa.Column(str, pa.Check.str_matches(r"^3\d{4}[RDL]\d{4}$")),
        "adopted_date": pa.Column(str, pa.Check.str_matches(DATE)),
        "legal_basis": pa.Column(str),
        "funding_form": pa.Column(str),
        "amount_eur_m": pa.Column(float, pa.Check.gt(0), nullable=True),
        "amount_source": pa.Column(str, pa.Check.str_startswith("http"), nullable=True),
        "source_kind": pa.Column(str, pa.Check.isin(["official_act", "official_page"])),
        "source": pa.Column(str, pa.Check.str_startswith("http")),
        "notes": pa.Column(str, nullable=True),
    },
    strict=True,
    ordered=True,
)


def build_legal_basis(upstream: Path, curated_dir: Path | None = None) -> pd.DataFrame:
    """The curated table of legal bases and voting rules."""
    table = read_curated(Path(curated_dir or CURATED_DIR) / LEGAL_BASIS)
    table = table.assign(
        unanimity_required=table["unanimity_required"].map({"true": True, "false": False})
    )
    return table.sort_values("legal_basis", ignore_index=True)


LEGAL_SCHEMA = pa.DataFrameSchema(
    {
        "instrument": pa.Column(str),
        "legal_basis": pa.Column(str, unique=True),
        "adopting_institution": pa.Column(str),
        "voting_rule": pa.Column(str),
        "unanimity_required": pa.Column(bool),
        "source": pa.Column(str, pa.Check.str_contains("http")),
        "source_kind": SOURCE_KIND,
        "notes": pa.Column(str),
    },
    strict=True,
    ordered=True,
)

EXTRACTS = (
    Extract(
        name="commission_college.csv",
        upstream=(),
        curated=(COLLEGE,),
        title="Composition of the Commission at the essay's date",
        source="data/curated/commission_college.csv (pages read with the search tool)",
        licence="Project-authored facts; cited pages keep their own terms",
        description="College, term dates, number of members and whether it has one per state.",
        schema=COLLEGE_SCHEMA,
        build=build_commission_college,
        caveats="One row per College; only the College in office at the essay's date is listed.",
    ),
    Extract(
        name="eu_defence_instruments.csv",
        upstream=(),
        curated=(INSTRUMENTS,),
        title="EU-level defence instruments (EDF, EPF, ASAP, EDIRPA, SAFE) and their legal acts",
        source="Curated from EUR-Lex act pages (CELEX) read with the search tool (data/curated)",
        licence=(
            "Project-authored (CC BY 4.0); EUR-Lex content (c) European Union, reuse authorised"
        ),
        description=(
            "One row per instrument: act, CELEX number, adoption date, treaty legal basis, form "
            "of funding, amount in EUR million where a page read states it (with that page)."
        ),
        schema=INSTRUMENTS_SCHEMA,
        build=build_instruments,
        caveats=(
            "Amounts are of different nature (EU budget grants, an off-budget facility, loans) and "
            "are not summed; the EDF and EPF amounts were not in the excerpts read and are empty."
        ),
    ),
    Extract(
        name="sanctions_legal_basis.csv",
        upstream=(),
        curated=(LEGAL_BASIS,),
        title="Legal bases and voting rules of EU restrictive measures",
        source="Curated from EUR-Lex treaty texts and Council pages (data/curated)",
        licence="Project-authored (CC BY 4.0); treaty texts (c) European Union",
        description="One row per legal basis: instrument, institution, voting rule, sources.",
        schema=LEGAL_SCHEMA,
        build=build_legal_basis,
        caveats="Paraphrased from the sources; read the treaty texts for the exact wording.",
    ),
)
