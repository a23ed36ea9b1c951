"""Extracts for the small-states behaviour notebook: exposure, Council dissent, defence support."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import xlrd

from .base import EU_TO_ISO2, Extract

ISO2 = r"^[A-Z]{2}$"
ISO2_LIST = r"^[A-Z]{2}(;[A-Z]{2})*$"
DATE = r"^\d{4}-\d{2}-\d{2}$"

#: The 28 states that were EU members at some point from 2013 to 2020, ISO alpha-2 -> alpha-3.
EU28_ISO3 = {
    "AT": "AUT", "BE": "BEL", "BG": "BGR", "CY": "CYP", "CZ": "CZE", "DE": "DEU", "DK": "DNK",
    "EE": "EST", "ES": "ESP", "FI": "FIN", "FR": "FRA", "GB": "GBR", "GR": "GRC", "HR": "HRV",
    "HU": "HUN", "IE": "IRL", "IT": "ITA", "LT": "LTU", "LU": "LUX", "LV": "LVA", "MT": "MLT",
    "NL": "NLD", "PL": "POL", "PT": "PRT", "RO": "ROU", "SE": "SWE", "SI": "SVN", "SK": "SVK",
}  # fmt: skip
VOTES_FILE = "defence_institutions/council_votes/swp_ceu_votes_full_dataset_2023-10-20.csv"
EUROBAROMETER_FILE = "defence_institutions/opinion/eurobarometer_84.3_volumeA_2015-11.xls"
PESCO_MEMBERSHIP_FILE = "reference_facts/pesco_membership.csv"
PESCO_PROJECTS_FILE = "reference_facts/pesco_projects.csv"


def _require_columns(frame: pd.DataFrame, columns: list[str], where: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{where}: missing column(s) {', '.join(missing)}")


def council_codes_to_iso(cell: str) -> str | None:
    """'EL, UK, DE' (Council style) -> 'DE;GB;GR' (ISO alpha-2, sorted); '' -> None."""
    codes = [code.strip() for code in str(cell).split(",") if code.strip()]
    return ";".join(sorted(EU_TO_ISO2.get(code, code) for code in codes)) or None


def build_council_votes(upstream: Path) -> pd.DataFrame:
    """One row per public Council vote 2010-2023: date, rule, states against and abstaining."""
    raw = pd.read_csv(upstream / VOTES_FILE, dtype=str, keep_default_na=False)
    columns = ["vote_procedure_id", "decision_date", "voting_rule", "against", "abstained"]
    _require_columns(raw, columns, str(upstream / VOTES_FILE))
    table = pd.DataFrame(
        {
            "vote_id": raw["vote_procedure_id"].astype("int64"),
            "decision_date": raw["decision_date"],
            "voting_rule": raw["voting_rule"],
            "against": raw["against"].map(council_codes_to_iso),
            "abstained": raw["abstained"].map(council_codes_to_iso),
        }
    )
    return table.sort_values(["decision_date", "vote_id"], ignore_index=True)


VOTES_SCHEMA = pa.DataFrameSchema(
    {
        "vote_id": pa.Column("int64", pa.Check.gt(0), unique=True),
        "decision_date": pa.Column(
            str, [pa.Check.str_matches(DATE), pa.Check.in_range("2010-01-01", "2023-12-31")]
        ),
        "voting_rule": pa.Column(str),
        "against": pa.Column(str, pa.Check.str_matches(ISO2_LIST), nullable=True),
        "abstained": pa.Column(str, pa.Check.str_matches(ISO2_LIST), nullable=True),
    },
    strict=True,
    ordered=True,
)

EB_SHEET = "QA15.4"
EB_HEADER_ROW = 8  # country codes (0-based row index in the sheet)
EB_ROWS = {"respondents_weighted": 9, "for_count": 10, "against_count": 12, "dont_know_count": 14}
EB_SHARE_ROW = 11  # 'For' as a published, rounded fraction


def build_eurobarometer(upstream: Path) -> pd.DataFrame:
    """Standard Eurobarometer 84.3 (Nov 2015), QA15.4: for/against a common defence policy."""
    path = upstream / EUROBAROMETER_FILE
    sheet = xlrd.open_workbook(path).sheet_by_name(EB_SHEET)
    label = str(sheet.cell_value(4, 11))
    if "common defence and security policy" not in label:
        raise ValueError(f"{path}: sheet {EB_SHEET} row 5 is {label!r}, not the expected item")
    expected_labels = {9: "TOTAL", 10: "Pour", 11: "For", 12: "Contre", 14: "NSP"}
    for row, text in expected_labels.items():
        if sheet.cell_value(row, 1) != text:
            raise ValueError(f"{path}: sheet {EB_SHEET} row {row + 1} is not '{text}'")
    records = []
    for column in range(2, sheet.ncols):
        code = str(sheet.cell_value(EB_HEADER_ROW, column)).strip()
        if code in ("D-W", "D-E") or not code:
            continue  # West and East Germany are sub-samples of DE
        geo = "EU28" if "EU28" in code else EU_TO_ISO2.get(code, code)
        record = {"geo": geo}
        for name, row in EB_ROWS.items():
            record[name] = int(round(float(sheet.cell_value(row, column))))
        record["for_share_published"] = float(sheet.cell_value(EB_SHARE_ROW, column))
        records.append(record)
    table = pd.DataFrame.from_records(records)
    return table.sort_values("geo", ignore_index=True)


EUROBAROMETER_SCHEMA = pa.DataFrameSchema(
    {
        "geo": pa.Column(str, pa.Check.isin([*sorted(EU28_ISO3), "EU28"]), unique=True),
        "respondents_weighted": pa.Column("int64", pa.Check.gt(0)),
        "for_count": pa.Column("int64", pa.Check.ge(0)),
        "against_count": pa.Column("int64", pa.Check.ge(0)),
        "dont_know_count": pa.Column("int64", pa.Check.ge(0)),
        "for_share_published": pa.Column("float64", pa.Check.in_range(0, 1)),
    },
    strict=True,
    ordered=True,
)


def build_pesco_participation(upstream: Path) -> pd.DataFrame:
    """PESCO participation per EU27 member state: date joined (empty = not a participant)."""
    raw = pd.read_csv(upstream / PESCO_MEMBERSHIP_FILE, dtype=str, keep_default_na=False)
    _require_columns(raw, ["iso2", "joined_date"], str(upstream / PESCO_MEMBERSHIP_FILE))
    table = pd.DataFrame(
        {"country": raw["iso2"], "joined_date": raw["joined_date"].replace("", None)}
    )
    return table.sort_values("country", ignore_index=True)


PESCO_PARTICIPATION_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(ISO2), unique=True),
        "joined_date": pa.Column(
            str, pa.Check.str_matches(r"^\d{4}-\d{2}(-\d{2})?$"), nullable=True
        ),
    },
    strict=True,
    ordered=True,
)


def build_pesco_project_roles(upstream: Path) -> pd.DataFrame:
    """PESCO projects with the coordinators and participants known (often empty)."""
    raw = pd.read_csv(upstream / PESCO_PROJECTS_FILE, dtype=str, keep_default_na=False)
    _require_columns(raw, ["project", "wave", "coordinator", "participants"], PESCO_PROJECTS_FILE)
    table = pd.DataFrame(
        {
            "project": raw["project"],
            "wave": raw["wave"].astype("int64"),
            "coordinators": raw["coordinator"].replace("", None),
            "participants": raw["participants"].replace("", None),
        }
    )
    return table.sort_values(["wave", "project"], ignore_index=True)


PESCO_ROLES_SCHEMA = pa.DataFrameSchema(
    {
        "project": pa.Column(str, unique=True),
        "wave": pa.Column("int64", pa.Check.in_range(1, 10)),
        "coordinators": pa.Column(str, pa.Check.str_matches(ISO2_LIST), nullable=True),
        "participants": pa.Column(str, pa.Check.str_matches(ISO2_LIST), nullable=True),
    },
    strict=True,
    ordered=True,
)

EXTRACTS = (
    Extract(
        name="council_votes_dissent.csv",
        upstream=(VOTES_FILE,),
        title="Public Council votes 2010-2023: states voting against or abstaining",
        source=(
            "SWP EU Council Monitor refresh of 2023-10-20 (github.com/datapumpernickel/ceu_votes, "
            "commit f35dc3c); published as von Ondarza & Bochtler, 'Public Voting Data of the "
            "Council of the EU', doi 10.7802/2560; Council of the EU open data"
        ),
        licence="CC BY 4.0 (GESIS release); cite the DOI and the Council of the EU",
        description=(
            "One row per public vote; against/abstained are ';'-joined ISO alpha-2 codes "
            "(EL -> GR, UK -> GB), empty when nobody."
        ),
        schema=VOTES_SCHEMA,
        build=build_council_votes,
        caveats=(
            "Public (legislative) votes only; most Council decisions are never put to a recorded "
            "vote. Single records are fallible (two bare 2021-05-17 France 'against' records are "
            "not confirmed by the Council register)."
        ),
    ),
    Extract(
        name="eurobarometer_2015_common_defence.csv",
        upstream=(EUROBAROMETER_FILE,),
        title="Eurobarometer 84.3 (Nov 2015), QA15.4: a common defence and security policy",
        source=(
            "European Commission, Standard Eurobarometer 84.3, Volume A weighted tables "
            "(github.com/andybega/mireg-blogs, commit 63942aa, "
            "eu-army/VolumeAEB843COMMstandard20151119.xls), sheet QA15.4"
        ),
        licence="Commission reuse policy (Decision 2011/833/EU), attribution required",
        description=(
            "Weighted respondent counts for/against/don't know and the published (rounded) share "
            "'for', per EU28 state and the EU28."
        ),
        schema=EUROBAROMETER_SCHEMA,
        build=build_eurobarometer,
        caveats=(
            "Fieldwork 7-17 Nov 2015; a single wave. Weighted counts are rounded to whole "
            "respondents. West/East Germany sub-samples dropped (DE is kept)."
        ),
    ),
    Extract(
        name="pesco_participation.csv",
        upstream=(PESCO_MEMBERSHIP_FILE,),
        title="PESCO participation per EU27 member state",
        source=(
            "Project reference table reference_facts/pesco_membership.csv (rows sourced from "
            "Council press releases and news reports; addresses in the upstream table)"
        ),
        licence="Facts compiled by the project from public pages",
        description="Date joined (YYYY-MM-DD or YYYY-MM); empty = not a participant (Malta).",
        schema=PESCO_PARTICIPATION_SCHEMA,
        build=build_pesco_participation,
        caveats=(
            "25 founding participants on 2017-12-11 (Council Decision 2017/2315); Denmark joined "
            "in May 2023 (day unresolved). The UK never joined and is not listed."
        ),
    ),
    Extract(
        name="pesco_project_roles.csv",
        upstream=(PESCO_PROJECTS_FILE,),
        title="PESCO projects with known coordinators and participants",
        source="Project reference table reference_facts/pesco_projects.csv (sources per row there)",
        licence="Facts compiled by the project from public pages",
        description="';'-joined ISO alpha-2 codes; empty when not found in any source read.",
        schema=PESCO_ROLES_SCHEMA,
        build=build_pesco_project_roles,
        caveats=(
            "Participants are known for few projects and are often the launch-time lists from news "
            "reports, not current memberships; wave 6 is missing; several names are provisional."
        ),
    ),
)
