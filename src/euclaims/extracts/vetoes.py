"""Member-state vetoes in the Council (Ovadek's EU veto tracker): one row per veto episode."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .base import DATE, ISO2, MEMBER_STATES_FILE, Extract, check_members_on, read_member_states

VETOES_FILE = "defence_institutions/council_votes/ovadek_eu_vetoes.csv"


def build_vetoes(upstream: Path) -> pd.DataFrame:
    """Vetoes by member states (hand-curated list, press sources); every vetoing state was a
    member on the veto's date (checked against member_states)."""
    path = upstream / VETOES_FILE
    raw = pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    table = pd.DataFrame(
        {
            "date": raw["date_veto"],
            "country": raw["ms_veto"],
            "issue": raw["issue"],
            "issue_country": raw["issue_country"].replace("", None),
            "source": raw["source"],
        }
    )
    members = read_member_states(upstream)
    check_members_on(
        table.rename(columns={"country": "ms_veto", "date": "date_veto"}).assign(
            row=lambda t: t.index + 2
        ),
        members,
        file=str(path),
        country="ms_veto",
        date="date_veto",
        key="row",
    )
    return table.sort_values(["date", "country", "issue"], ignore_index=True)


VETOES_SCHEMA = pa.DataFrameSchema(
    {
        "date": pa.Column(str, pa.Check.str_matches(DATE)),
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "issue": pa.Column(str),
        "issue_country": pa.Column(
            str, pa.Check.str_matches(r"^[A-Z]{2}(;[A-Z]{2})*$"), nullable=True
        ),
        "source": pa.Column(str, pa.Check.str_startswith("http")),
    },
    strict=True,
    ordered=True,
    unique=["date", "country", "issue", "issue_country"],
)

EXTRACTS = (
    Extract(
        name="eu_vetoes.csv",
        upstream=(VETOES_FILE, MEMBER_STATES_FILE),
        title="Member-state vetoes in the Council, 1963-2025 (EU veto tracker)",
        source=(
            "Michal Ovadek, eu-veto-tracker (github.com/michalovadek/eu-veto-tracker, "
            "commit 69b4dce)"
        ),
        licence="MIT",
        description=(
            "One row per veto episode: date, vetoing state (ISO alpha-2, a member on that date), "
            "issue, target countries (';'-joined ISO alpha-2), press source."
        ),
        schema=VETOES_SCHEMA,
        build=build_vetoes,
        caveats="Hand-curated from press reports; not a complete census. Last episode 2025-06-26.",
    ),
)
