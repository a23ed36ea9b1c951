"""Extracts about EU defence: initiatives, PESCO, CSDP missions (SIPRI: extracts/sipri.py; EDA:
extracts/eda.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataError
from ..paths import CURATED_DIR
from .base import Extract

ISO2 = r"^[A-Z]{2}$"
ISO2_LIST = r"^[A-Z]{2}(;[A-Z]{2})*$"
#: Full or partial ISO dates, as in the reference fact tables (YYYY, YYYY-MM or YYYY-MM-DD).
PARTIAL_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
DATE = r"^\d{4}-\d{2}-\d{2}$"

INITIATIVES_FILE = "reference_facts/eu_defence_initiatives.csv"
PESCO_MEMBERSHIP_FILE = "reference_facts/pesco_membership.csv"
PESCO_PROJECTS_FILE = "reference_facts/pesco_projects.csv"
CSDP_FILE = "reference_facts/csdp_missions.csv"

CURATED_INITIATIVES = "eu_defence_initiatives.csv"
CURATED_PESCO_WAVES = "pesco_waves.csv"

INITIATIVE_KINDS = ("strategy", "body", "fund", "legal act", "capability", "treaty")


def _read_reference(upstream: Path, relative: str) -> pd.DataFrame:
    return pd.read_csv(upstream / relative, dtype=str, keep_default_na=False)


def _read_curated(name: str, curated_dir: Path | None = None) -> pd.DataFrame:
    path = Path(curated_dir or CURATED_DIR) / name
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    unsourced = table.index[table["source"].str.strip() == ""].tolist()
    if unsourced:
        raise DataError(f"{path}: rows {[i + 2 for i in unsourced]} have no source")
    return table


def date_precision(value: str) -> str:
    """'day', 'month' or 'year' for an ISO date string of that precision."""
    return {10: "day", 7: "month", 4: "year"}.get(len(value), "unknown")


def merge_initiatives(upstream: pd.DataFrame, curated: pd.DataFrame) -> pd.DataFrame:
    """Upstream initiative rows with curated corrections (matched by name) and added rows.

    A curated row whose `name` is in the upstream table replaces its date, kind, legal reference
    and counted flag; its source is listed first and the upstream source kept after it.
    """
    table = upstream.assign(counted="true", origin="upstream")
    known = set(table["name"])
    for row in curated.itertuples(index=False):
        if row.name in known:
            at = table.index[table["name"] == row.name][0]
            table.loc[at, ["date", "kind", "legal_reference", "counted"]] = [
                row.date, row.kind, row.legal_reference, row.counted,
            ]  # fmt: skip
            table.loc[at, "source"] = f"{row.source} ; {table.loc[at, 'source']}"
            old_notes = table.loc[at, "notes"]
            notes = f"{row.notes}; upstream note: {old_notes}" if old_notes else row.notes
            table.loc[at, "notes"] = notes
            table.loc[at, "origin"] = "upstream, corrected"
        else:
            added = pd.DataFrame([row._asdict()]).assign(origin="curated")
            table = pd.concat([table, added], ignore_index=True)
    table["counted"] = table["counted"].map({"true": True, "false": False})
    table["legal_reference"] = table["legal_reference"].replace("", None)
    table["notes"] = table["notes"].replace("", None)
    table["date_precision"] = table["date"].map(date_precision)
    columns = ["date", "date_precision", "name", "kind", "legal_reference", "counted", "origin"]
    return table[[*columns, "source", "notes"]].sort_values(["date", "name"], ignore_index=True)


def build_initiatives(upstream: Path) -> pd.DataFrame:
    """EU defence initiatives 2003-2025, completed and corrected from data/curated."""
    return merge_initiatives(
        _read_reference(upstream, INITIATIVES_FILE), _read_curated(CURATED_INITIATIVES)
    )


INITIATIVES_SCHEMA = pa.DataFrameSchema(
    {
        "date": pa.Column(str, pa.Check.str_matches(PARTIAL_DATE)),
        "date_precision": pa.Column(str, pa.Check.isin(["day", "month", "year"])),
        "name": pa.Column(str, unique=True),
        "kind": pa.Column(str, pa.Check.isin(list(INITIATIVE_KINDS))),
        "legal_reference": pa.Column(str, nullable=True),
        "counted": pa.Column(bool),
        "origin": pa.Column(str, pa.Check.isin(["upstream", "upstream, corrected", "curated"])),
        "source": pa.Column(str, pa.Check.str_length(min_value=10)),
        "notes": pa.Column(str, nullable=True),
    },
    strict=True,
    ordered=True,
)


def build_pesco_membership(upstream: Path) -> pd.DataFrame:
    """PESCO participation per EU member state (empty joined_date = not participating)."""
    raw = _read_reference(upstream, PESCO_MEMBERSHIP_FILE)
    table = pd.DataFrame(
        {
            "country": raw["iso2"],
            "name": raw["member_state"],
            "joined_date": raw["joined_date"].replace("", None),
            "source": raw["source"],
            "notes": raw["notes"].replace("", None),
        }
    )
    return table.sort_values("country", ignore_index=True)


PESCO_MEMBERSHIP_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(ISO2), unique=True),
        "name": pa.Column(str),
        "joined_date": pa.Column(str, pa.Check.str_matches(PARTIAL_DATE), nullable=True),
        "source": pa.Column(str, pa.Check.str_length(min_value=10)),
        "notes": pa.Column(str, nullable=True),
    },
    strict=True,
    ordered=True,
)


def build_pesco_projects(upstream: Path) -> pd.DataFrame:
    """PESCO projects known by name (incomplete: see pesco_waves.csv for the wave sizes)."""
    raw = _read_reference(upstream, PESCO_PROJECTS_FILE)
    table = raw.assign(wave=raw["wave"].astype("int64"))
    for column in ("coordinator", "participants", "status", "notes"):
        table[column] = table[column].replace("", None)
    return table.sort_values(["wave", "project"], ignore_index=True)


PESCO_PROJECTS_SCHEMA = pa.DataFrameSchema(
    {
        "project": pa.Column(str, unique=True),
        "wave": pa.Column("int64", pa.Check.in_range(1, 10)),
        "council_adoption_date": pa.Column(str, pa.Check.str_matches(DATE)),
        "council_decision": pa.Column(str),
        "coordinator": pa.Column(str, pa.Check.str_matches(ISO2_LIST), nullable=True),
        "participants": pa.Column(str, pa.Check.str_matches(ISO2_LIST), nullable=True),
        "status": pa.Column(str, nullable=True),
        "source": pa.Column(str, pa.Check.str_length(min_value=10)),
        "notes": pa.Column(str, nullable=True),
    },
    strict=True,
    ordered=True,
)


def build_pesco_waves(upstream: Path) -> pd.DataFrame:
    """PESCO waves: projects added and in place per Council decision (curated, cross-checked).

    Each wave's Council decision must match the one given for that wave's projects upstream.
    """
    curated = _read_curated(CURATED_PESCO_WAVES)
    projects = build_pesco_projects(upstream)
    table = curated.assign(
        wave=curated["wave"].astype("int64"),
        projects_added=curated["projects_added"].astype("int64"),
        projects_in_place_reported=pd.to_numeric(curated["projects_in_place_reported"]).astype(
            "Int64"
        ),
        projects_named_upstream=curated["wave"]
        .astype("int64")
        .map(projects.groupby("wave").size())
        .fillna(0)
        .astype("int64"),
    )
    for row in table.itertuples(index=False):
        decisions = set(projects.loc[projects["wave"] == row.wave, "council_decision"])
        if decisions and decisions != {row.council_decision}:
            raise DataError(
                f"{CURATED_DIR / CURATED_PESCO_WAVES}: wave {row.wave} decision "
                f"{row.council_decision!r} differs from {sorted(decisions)} "
                f"in {PESCO_PROJECTS_FILE}"
            )
    columns = [
        "wave", "council_adoption_date", "council_decision", "projects_added",
        "projects_in_place_reported", "projects_named_upstream", "source", "notes",
    ]  # fmt: skip
    return table[columns].sort_values("wave", ignore_index=True)


PESCO_WAVES_SCHEMA = pa.DataFrameSchema(
    {
        "wave": pa.Column("int64", pa.Check.in_range(1, 10), unique=True),
        "council_adoption_date": pa.Column(str, pa.Check.str_matches(DATE)),
        "council_decision": pa.Column(str),
        "projects_added": pa.Column("int64", pa.Check.in_range(1, 100)),
        "projects_in_place_reported": pa.Column(float, pa.Check.in_range(1, 500), nullable=True),
        "projects_named_upstream": pa.Column("int64", pa.Check.in_range(0, 100)),
        "source": pa.Column(str, pa.Check.str_length(min_value=10)),
        "notes": pa.Column(str, nullable=True),
    },
    strict=True,
    ordered=True,
)


def build_csdp_missions(upstream: Path) -> pd.DataFrame:
    """CSDP missions and operations with start and end dates (partial coverage, see caveats)."""
    raw = _read_reference(upstream, CSDP_FILE)
    table = raw.copy()
    for column in ("country_iso2", "start_date", "end_date", "legal_basis", "notes"):
        table[column] = table[column].replace("", None)
    return table.sort_values(["name"], ignore_index=True)


CSDP_SCHEMA = pa.DataFrameSchema(
    {
        "name": pa.Column(str, unique=True),
        "type": pa.Column(str, pa.Check.isin(["civilian", "military"])),
        "region": pa.Column(str),
        "country_iso2": pa.Column(str, pa.Check.str_matches(ISO2_LIST), nullable=True),
        "start_date": pa.Column(str, pa.Check.str_matches(PARTIAL_DATE), nullable=True),
        "end_date": pa.Column(str, pa.Check.str_matches(PARTIAL_DATE), nullable=True),
        "legal_basis": pa.Column(str, nullable=True),
        "source": pa.Column(str, pa.Check.str_length(min_value=10)),
        "notes": pa.Column(str, nullable=True),
    },
    strict=True,
    ordered=True,
)


REFERENCE_SOURCE = (
    "euclaims reference fact tables (shared/data/reference_facts), each row written from pages "
    "read with a search tool; page addresses in the `source` column"
)

EXTRACTS = (
    Extract(
        name="defence_initiatives.csv",
        upstream=(INITIATIVES_FILE,),
        curated=(CURATED_INITIATIVES,),
        title="EU defence initiatives 2003-2025 (dated, kinds, legal references)",
        source=REFERENCE_SOURCE + "; completed in data/curated/eu_defence_initiatives.csv",
        licence="Project-authored facts; cited pages keep their own terms",
        description=(
            "One row per EU security and defence initiative or step: date, kind (strategy, body, "
            "fund, legal act, capability, treaty), legal reference, whether it counts as an "
            "initiative (preparatory steps and reports do not), origin and sources."
        ),
        schema=INITIATIVES_SCHEMA,
        build=build_initiatives,
        caveats=(
            "A hand-made list, not a census: it favours the post-2016 period it was built for; "
            "four pre-2016 rows were added (2009 defence package directives, Dec 2013 European "
            "Council, 2016 EU-NATO declaration) but others may be missing. Steps of one initiative "
            "(European Council call, joint notification) carry counted=false so the initiative "
            "counts once, at its adoption."
        ),
    ),
    Extract(
        name="pesco_membership.csv",
        upstream=(PESCO_MEMBERSHIP_FILE,),
        title="PESCO participating member states and joining dates",
        source=REFERENCE_SOURCE,
        licence="Project-authored facts; cited pages keep their own terms",
        description="One row per EU27 member state; empty joined_date = not participating (Malta).",
        schema=PESCO_MEMBERSHIP_SCHEMA,
        build=build_pesco_membership,
        caveats="Denmark's joining is dated to the month (2023-05): sources give 23 or 24 May.",
    ),
    Extract(
        name="pesco_projects.csv",
        upstream=(PESCO_PROJECTS_FILE,),
        title="PESCO projects known by name, with wave, coordinator and (few) participants",
        source=REFERENCE_SOURCE,
        licence="Project-authored facts; cited pages keep their own terms",
        description="56 of the projects adopted in waves 1-5; participants for 11 projects only.",
        schema=PESCO_PROJECTS_SCHEMA,
        build=build_pesco_projects,
        caveats=(
            "Incomplete: wave 2 has 11 of 17 names, wave 3 4 of 13, wave 4 13 of 14; several "
            "wave-1 names come from the preliminary December 2017 list. Participants are March "
            "2018 news lists, not current memberships. Wave 6 is absent."
        ),
    ),
    Extract(
        name="pesco_waves.csv",
        upstream=(PESCO_PROJECTS_FILE,),
        curated=(CURATED_PESCO_WAVES,),
        title="PESCO project waves: projects added and in place per Council decision",
        source=(
            "data/curated/pesco_waves.csv (Council press releases as reprinted by news sites, "
            "addresses in `source`), cross-checked against reference_facts/pesco_projects.csv"
        ),
        licence="Project-authored facts; cited pages keep their own terms",
        description=(
            "One row per wave 1-5: Council decision, projects added, projects in place as reported "
            "by the Council (closures deducted), and how many of the wave's projects are named in "
            "pesco_projects.csv."
        ),
        schema=PESCO_WAVES_SCHEMA,
        build=build_pesco_waves,
        caveats=(
            "The in-place total after wave 5 was not read in a stored source and is empty. Wave 5 "
            "date: sources say 22, 23 or 24 May 2023. Wave 6 (2025) not covered."
        ),
    ),
    Extract(
        name="csdp_missions.csv",
        upstream=(CSDP_FILE,),
        title="CSDP missions and operations with start and end dates (partial)",
        source=REFERENCE_SOURCE,
        licence="Project-authored facts; cited pages keep their own terms",
        description="33 civilian and military CSDP missions and operations, 2003-2023.",
        schema=CSDP_SCHEMA,
        build=build_csdp_missions,
        caveats=(
            "Not a census: the EEAS counts over 40 operations since 2003; AMM Aceh, EUPOL "
            "Kinshasa, EUBAM Rafah, EUBAM Libya and others are missing. Some start dates are "
            "launch decisions, some month- or year-only, three are empty."
        ),
    ),
)
