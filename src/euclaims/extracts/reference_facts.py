"""Extracts of the project's reference fact tables ($EUCLAIMS_UPSTREAM/reference_facts/*).

One shared table per fact: PESCO membership (one row per member state), PESCO projects, their
coordinators and participants, waves, CSDP missions, defence initiatives, EU-Russia summits,
sanctions decisions, Council presidencies and Commission presidents. Upstream rows keep their
sources and get a `source_kind` derived from the addresses (see `base.source_kind`); curated
corrections from data/curated/ replace or add rows and record their own `source_kind`.
Dates are ISO 8601; YYYY-MM or YYYY only where no source gives the day.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataError
from ..paths import CURATED_DIR
from .base import SOURCE_KINDS, Extract, read_curated, source_kind

ISO2 = r"^[A-Z]{2}$"
ISO2_LIST = r"^[A-Z]{2}(;[A-Z]{2})*$"
DATE = r"^\d{4}-\d{2}-\d{2}$"
DATE_OR_MONTH = r"^\d{4}-\d{2}(-\d{2})?$"
#: Full or partial ISO dates (YYYY, YYYY-MM or YYYY-MM-DD).
PARTIAL_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"

INITIATIVES_FILE = "reference_facts/eu_defence_initiatives.csv"
PESCO_MEMBERSHIP_FILE = "reference_facts/pesco_membership.csv"
PESCO_PROJECTS_FILE = "reference_facts/pesco_projects.csv"
CSDP_FILE = "reference_facts/csdp_missions.csv"
SUMMITS_FILE = "reference_facts/eu_russia_summits.csv"
DECISIONS_FILE = "reference_facts/eu_russia_sanctions_decisions.csv"
PRESIDENCIES_FILE = "reference_facts/council_presidencies.csv"
PRESIDENTS_FILE = "reference_facts/commission_presidents.csv"

CURATED_INITIATIVES = "eu_defence_initiatives.csv"
CURATED_PESCO_MEMBERSHIP = "pesco_membership.csv"
CURATED_PESCO_WAVES = "pesco_waves.csv"
CURATED_SUMMITS = "eu_russia_summits.csv"
CURATED_DECISIONS = "sanctions_decisions_additions.csv"

INITIATIVE_KINDS = ("strategy", "body", "fund", "legal act", "capability", "treaty")
ORIGINS = (
    "reference_facts",
    "reference_facts, corrected",
    "reference_facts, source added",
    "curated",
)
SUMMIT_STATUSES = (
    "held", "held (last summit)", "announced", "cancelled", "proposed (not agreed)",
)  # fmt: skip
PESCO_ROLES = ("coordinator", "participant")

SOURCE_KIND = pa.Column(str, pa.Check.isin(list(SOURCE_KINDS)))
SOURCE = pa.Column(str, pa.Check.str_length(min_value=10))


def _read(upstream: Path, relative: str) -> pd.DataFrame:
    return pd.read_csv(upstream / relative, dtype=str, keep_default_na=False)


def _curated(name: str, curated_dir: Path | None = None) -> pd.DataFrame:
    return read_curated(Path(curated_dir or CURATED_DIR) / name)


def with_source_kind(table: pd.DataFrame) -> pd.DataFrame:
    """`table` with `source_kind` derived from each row's `source` addresses."""
    return table.assign(source_kind=table["source"].map(source_kind))


def better_kind(*kinds: str) -> str:
    """The most authoritative of the given source kinds."""
    return min(kinds, key=SOURCE_KINDS.index)


def date_precision(value: str) -> str:
    """'day', 'month' or 'year' for an ISO date string of that precision."""
    return {10: "day", 7: "month", 4: "year"}.get(len(value), "unknown")


def correct_rows(
    upstream: pd.DataFrame, curated: pd.DataFrame, key: str, fields: list[str]
) -> pd.DataFrame:
    """Upstream rows (with derived source kinds) where a curated row of the same `key` replaces
    `fields`; its source is listed first and the upstream source kept after it. Curated rows
    with a key not upstream are added (origin 'curated')."""
    table = with_source_kind(upstream).assign(origin="reference_facts")
    known = set(table[key])
    added = []
    for row in curated.to_dict("records"):
        if row[key] not in known:
            added.append({**row, "origin": "curated"})
            continue
        at = table.index[table[key] == row[key]][0]
        changed = any(str(table.at[at, f]) != str(row[f]) for f in fields)
        for field in fields:
            table.at[at, field] = row[field]
        table.at[at, "source"] = f"{row['source']} ; {table.at[at, 'source']}"
        table.at[at, "source_kind"] = better_kind(row["source_kind"], table.at[at, "source_kind"])
        old = table.at[at, "notes"]
        table.at[at, "notes"] = f"{row['notes']}; upstream note: {old}" if old else row["notes"]
        table.at[at, "origin"] = (
            "reference_facts, corrected" if changed else "reference_facts, source added"
        )
    if added:
        table = pd.concat([table, pd.DataFrame(added)], ignore_index=True)
    return table


# --- defence initiatives ------------------------------------------------------------------------


def merge_initiatives(upstream: pd.DataFrame, curated: pd.DataFrame) -> pd.DataFrame:
    """Upstream initiative rows with curated corrections (matched by name) and added rows.

    A curated row whose `name` is in the upstream table replaces its date, kind, legal reference
    and counted flag; its source is listed first and the upstream source kept after it.
    """
    if "source_kind" not in curated.columns:
        curated = with_source_kind(curated)
    table = correct_rows(
        upstream.assign(counted="true"), curated, "name",
        ["date", "kind", "legal_reference", "counted"],
    )  # fmt: skip
    table["origin"] = table["origin"].replace(
        {"reference_facts": "upstream", "reference_facts, corrected": "upstream, corrected",
         "reference_facts, source added": "upstream, corrected"}
    )  # fmt: skip
    table["counted"] = table["counted"].map({"true": True, "false": False})
    table["legal_reference"] = table["legal_reference"].replace("", None)
    table["notes"] = table["notes"].replace("", None)
    table["date_precision"] = table["date"].map(date_precision)
    columns = ["date", "date_precision", "name", "kind", "legal_reference", "counted", "origin"]
    return table[[*columns, "source", "source_kind", "notes"]].sort_values(
        ["date", "name"], ignore_index=True
    )


def build_initiatives(upstream: Path) -> pd.DataFrame:
    """EU defence initiatives 2003-2025, completed and corrected from data/curated."""
    return merge_initiatives(_read(upstream, INITIATIVES_FILE), _curated(CURATED_INITIATIVES))


INITIATIVES_SCHEMA = pa.DataFrameSchema(
    {
        "date": pa.Column(str, pa.Check.str_matches(PARTIAL_DATE)),
        "date_precision": pa.Column(str, pa.Check.isin(["day", "month", "year"])),
        "name": pa.Column(str, unique=True),
        "kind": pa.Column(str, pa.Check.isin(list(INITIATIVE_KINDS))),
        "legal_reference": pa.Column(str, nullable=True),
        "counted": pa.Column(bool),
        "origin": pa.Column(str, pa.Check.isin(["upstream", "upstream, corrected", "curated"])),
        "source": SOURCE,
        "source_kind": SOURCE_KIND,
        "notes": pa.Column(str, nullable=True),
    },
    strict=True,
    ordered=True,
)


# --- PESCO: membership, projects, roles, waves ---------------------------------------------------


def build_pesco_membership(upstream: Path, curated_dir: Path | None = None) -> pd.DataFrame:
    """PESCO participation per EU27 member state: joining date (empty = not participating) and
    the end of a defence opt-out (Denmark), corrected from data/curated to full official dates."""
    raw = _read(upstream, PESCO_MEMBERSHIP_FILE)
    base = pd.DataFrame(
        {
            "country": raw["iso2"],
            "name": raw["member_state"],
            "joined_date": raw["joined_date"],
            "csdp_opt_out_ended_date": "",
            "source": raw["source"],
            "notes": raw["notes"],
        }
    )
    curated = _curated(CURATED_PESCO_MEMBERSHIP, curated_dir)
    unknown = sorted(set(curated["country"]) - set(base["country"]))
    if unknown:
        raise DataError(
            f"{Path(curated_dir or CURATED_DIR) / CURATED_PESCO_MEMBERSHIP}: countries {unknown} "
            f"are not in {PESCO_MEMBERSHIP_FILE}; corrections must name an upstream row"
        )
    table = correct_rows(base, curated, "country", ["joined_date", "csdp_opt_out_ended_date"])
    for column in ("joined_date", "csdp_opt_out_ended_date", "notes"):
        table[column] = table[column].replace("", None)
    columns = [
        "country", "name", "joined_date", "csdp_opt_out_ended_date", "origin", "source",
        "source_kind", "notes",
    ]  # fmt: skip
    return table[columns].sort_values("country", ignore_index=True)


PESCO_MEMBERSHIP_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(ISO2), unique=True),
        "name": pa.Column(str),
        "joined_date": pa.Column(str, pa.Check.str_matches(DATE), nullable=True),
        "csdp_opt_out_ended_date": pa.Column(str, pa.Check.str_matches(DATE), nullable=True),
        "origin": pa.Column(str, pa.Check.isin(list(ORIGINS))),
        "source": SOURCE,
        "source_kind": SOURCE_KIND,
        "notes": pa.Column(str, nullable=True),
    },
    strict=True,
    ordered=True,
)


def build_pesco_projects(upstream: Path) -> pd.DataFrame:
    """PESCO projects known by name, one row each (wave dates and decisions: pesco_waves.csv;
    coordinators and participants: pesco_project_roles.csv)."""
    raw = _read(upstream, PESCO_PROJECTS_FILE)
    table = with_source_kind(raw).assign(wave=raw["wave"].astype("int64"))
    for column in ("status", "notes"):
        table[column] = table[column].replace("", None)
    columns = ["project", "wave", "status", "source", "source_kind", "notes"]
    return table[columns].sort_values(["wave", "project"], ignore_index=True)


PESCO_PROJECTS_SCHEMA = pa.DataFrameSchema(
    {
        "project": pa.Column(str, unique=True),
        "wave": pa.Column("int64", pa.Check.in_range(1, 10)),
        "status": pa.Column(str, nullable=True),
        "source": SOURCE,
        "source_kind": SOURCE_KIND,
        "notes": pa.Column(str, nullable=True),
    },
    strict=True,
    ordered=True,
)


def project_roles(projects: pd.DataFrame) -> pd.DataFrame:
    """One row per project and member state named as coordinator or participant (a coordinator
    listed among the participants is one 'coordinator' row)."""
    rows = []
    for project in projects.itertuples(index=False):
        coordinators = [c for c in project.coordinator.split(";") if c]
        participants = [c for c in project.participants.split(";") if c]
        for country in dict.fromkeys(coordinators + participants):
            role = "coordinator" if country in coordinators else "participant"
            rows.append({"project": project.project, "country": country, "role": role})
    return pd.DataFrame(rows, columns=["project", "country", "role"])


def build_pesco_project_roles(upstream: Path) -> pd.DataFrame:
    """Known coordinators and participants of the named PESCO projects (project x member)."""
    raw = _read(upstream, PESCO_PROJECTS_FILE)
    table = project_roles(raw).merge(
        with_source_kind(raw)[["project", "source", "source_kind"]], on="project"
    )
    return table.sort_values(["project", "country"], ignore_index=True)


PESCO_ROLES_SCHEMA = pa.DataFrameSchema(
    {
        "project": pa.Column(str),
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "role": pa.Column(str, pa.Check.isin(list(PESCO_ROLES))),
        "source": SOURCE,
        "source_kind": SOURCE_KIND,
    },
    strict=True,
    ordered=True,
    unique=["project", "country"],
)


def merge_waves(curated: pd.DataFrame, projects: pd.DataFrame, where: str) -> pd.DataFrame:
    """The curated waves (Council decision, date, counts) with the number of projects named per
    wave; fails when a wave's decision or date differs from the one its projects carry."""
    table = curated.assign(
        wave=curated["wave"].astype("int64"),
        projects_added=curated["projects_added"].astype("int64"),
        projects_in_place_reported=pd.to_numeric(curated["projects_in_place_reported"]).astype(
            "Int64"
        ),
    )
    waves = projects.assign(wave=projects["wave"].astype("int64")).groupby("wave")
    table["projects_named"] = table["wave"].map(waves.size()).fillna(0).astype("int64")
    for row in table.itertuples(index=False):
        if row.wave not in waves.groups:
            continue
        group = waves.get_group(row.wave)
        for column in ("council_decision", "council_adoption_date"):
            values = set(group[column])
            if values != {getattr(row, column)}:
                raise DataError(
                    f"{where}: wave {row.wave} {column} {getattr(row, column)!r} differs from "
                    f"{sorted(values)} in {PESCO_PROJECTS_FILE}"
                )
    columns = [
        "wave", "council_adoption_date", "council_decision", "projects_added",
        "projects_in_place_reported", "projects_named", "source", "source_kind", "notes",
    ]  # fmt: skip
    return table[columns].sort_values("wave", ignore_index=True)


def build_pesco_waves(upstream: Path) -> pd.DataFrame:
    """PESCO waves: Council decision, adoption date, projects added and in place (curated from
    EUR-Lex and Council texts, cross-checked against the upstream project table)."""
    return merge_waves(
        _curated(CURATED_PESCO_WAVES),
        _read(upstream, PESCO_PROJECTS_FILE),
        str(CURATED_DIR / CURATED_PESCO_WAVES),
    )


PESCO_WAVES_SCHEMA = pa.DataFrameSchema(
    {
        "wave": pa.Column("int64", pa.Check.in_range(1, 10), unique=True),
        "council_adoption_date": pa.Column(str, pa.Check.str_matches(DATE)),
        "council_decision": pa.Column(str),
        "projects_added": pa.Column("int64", pa.Check.in_range(1, 100)),
        "projects_in_place_reported": pa.Column(float, pa.Check.in_range(1, 500), nullable=True),
        "projects_named": pa.Column("int64", pa.Check.in_range(0, 100)),
        "source": SOURCE,
        "source_kind": SOURCE_KIND,
        "notes": pa.Column(str, nullable=True),
    },
    strict=True,
    ordered=True,
)


# --- CSDP missions ------------------------------------------------------------------------------


def build_csdp_missions(upstream: Path) -> pd.DataFrame:
    """CSDP missions and operations with start and end dates (partial coverage, see caveats)."""
    table = with_source_kind(_read(upstream, CSDP_FILE))
    for column in ("country_iso2", "start_date", "end_date", "legal_basis", "notes"):
        table[column] = table[column].replace("", None)
    columns = [
        "name", "type", "region", "country_iso2", "start_date", "end_date", "legal_basis",
        "source", "source_kind", "notes",
    ]  # fmt: skip
    return table[columns].sort_values(["name"], ignore_index=True)


CSDP_SCHEMA = pa.DataFrameSchema(
    {
        "name": pa.Column(str, unique=True),
        "type": pa.Column(str, pa.Check.isin(["civilian", "military"])),
        "region": pa.Column(str),
        "country_iso2": pa.Column(str, pa.Check.str_matches(ISO2_LIST), nullable=True),
        "start_date": pa.Column(str, pa.Check.str_matches(PARTIAL_DATE), nullable=True),
        "end_date": pa.Column(str, pa.Check.str_matches(PARTIAL_DATE), nullable=True),
        "legal_basis": pa.Column(str, nullable=True),
        "source": SOURCE,
        "source_kind": SOURCE_KIND,
        "notes": pa.Column(str, nullable=True),
    },
    strict=True,
    ordered=True,
)


# --- EU-Russia summits --------------------------------------------------------------------------


def merge_summits(upstream: pd.DataFrame, curated: pd.DataFrame) -> pd.DataFrame:
    """Upstream summit rows with curated rows: a curated row whose `replaces_date_start` names an
    upstream row's date_start replaces that row; the others are added."""
    replaced = set(curated["replaces_date_start"]) - {""}
    missing = replaced - set(upstream["date_start"])
    if missing:
        raise DataError(
            f"curated {CURATED_SUMMITS}: replaces_date_start {sorted(missing)} matches no row of "
            f"{SUMMITS_FILE}"
        )
    kept = with_source_kind(upstream[~upstream["date_start"].isin(replaced)]).assign(
        origin="reference_facts"
    )
    corrections = curated.assign(
        origin=["reference_facts, corrected" if r else "curated"
                for r in curated["replaces_date_start"]]
    )  # fmt: skip
    raw = pd.concat([kept, corrections], ignore_index=True)
    table = pd.DataFrame(
        {
            "date_start": raw["date_start"].replace("", None),
            "date_end": raw["date_end"].replace("", None),
            "place": raw["place"].replace("", None),
            "status": raw["status"],
            "origin": raw["origin"],
            "source": raw["source"],
            "source_kind": raw["source_kind"],
        }
    )
    key = table["date_start"].fillna(table["date_end"]).fillna("9999")
    return (
        table.assign(_key=key)
        .sort_values(["_key", "status"])
        .drop(columns="_key")
        .reset_index(drop=True)
    )


def build_summits(upstream: Path) -> pd.DataFrame:
    """EU-Russia summits held, cancelled (reference facts) and later proposals, corrected."""
    return merge_summits(_read(upstream, SUMMITS_FILE), _curated(CURATED_SUMMITS))


SUMMITS_SCHEMA = pa.DataFrameSchema(
    {
        "date_start": pa.Column(str, pa.Check.str_matches(DATE_OR_MONTH), nullable=True),
        "date_end": pa.Column(str, pa.Check.str_matches(DATE_OR_MONTH), nullable=True),
        "place": pa.Column(str, nullable=True),
        "status": pa.Column(str, pa.Check.isin(list(SUMMIT_STATUSES))),
        "origin": pa.Column(str, pa.Check.isin(list(ORIGINS))),
        "source": pa.Column(str, pa.Check.str_startswith("http")),
        "source_kind": SOURCE_KIND,
    },
    strict=True,
    ordered=True,
)


# --- sanctions decisions ------------------------------------------------------------------------

DECISION_COLUMNS = [
    "regime", "act", "adopted_date", "action", "extended_until", "package_no", "origin", "source",
    "source_kind", "notes",
]  # fmt: skip


def merge_decisions(raw: pd.DataFrame, curated: pd.DataFrame) -> pd.DataFrame:
    """A curated row replaces the upstream row of the same regime, action and `extended_until`
    (used to sharpen month-only dates); other curated rows are added."""
    key = ["regime", "action", "extended_until"]
    replaced = raw.merge(curated[key].drop_duplicates(), on=key, how="left", indicator=True)
    kept = with_source_kind(raw[(replaced["_merge"] == "left_only").to_numpy()]).assign(
        origin="reference_facts"
    )
    matched = curated.merge(raw[key].drop_duplicates(), on=key, how="left", indicator=True)
    curated = curated.assign(
        origin=["reference_facts, corrected" if m == "both" else "curated"
                for m in matched["_merge"]]
    )  # fmt: skip
    table = pd.concat([kept[DECISION_COLUMNS], curated[DECISION_COLUMNS]], ignore_index=True)
    table = table.replace({"": None})
    table["package_no"] = pd.to_numeric(table["package_no"]).astype("Int64")
    return table.sort_values(
        ["regime", "adopted_date", "action", "act"], ignore_index=True, na_position="first"
    )


def build_decisions(upstream: Path) -> pd.DataFrame:
    """EU Russia sanctions decisions (reference_facts) with curated corrections merged in."""
    return merge_decisions(_read(upstream, DECISIONS_FILE), _curated(CURATED_DECISIONS))


DECISIONS_SCHEMA = pa.DataFrameSchema(
    {
        "regime": pa.Column(
            str, pa.Check.isin(["crimea", "economic", "individual", "package", "territories"])
        ),
        "act": pa.Column(str, nullable=True),
        "adopted_date": pa.Column(str, pa.Check.str_matches(DATE_OR_MONTH)),
        "action": pa.Column(str, pa.Check.isin(["adopt", "amend", "extend", "package"])),
        "extended_until": pa.Column(str, pa.Check.str_matches(DATE), nullable=True),
        "package_no": pa.Column("Int64", pa.Check.in_range(1, 40), nullable=True, coerce=True),
        "origin": pa.Column(str, pa.Check.isin(list(ORIGINS))),
        "source": pa.Column(str, pa.Check.str_length(min_value=8)),
        "source_kind": SOURCE_KIND,
        "notes": pa.Column(str, nullable=True),
    },
    strict=True,
    ordered=True,
)


# --- Council presidencies and Commission presidents --------------------------------------------


def build_presidencies(upstream: Path) -> pd.DataFrame:
    """Rotating presidencies of the Council of the EU, half-year slots, with sources."""
    raw = _read(upstream, PRESIDENCIES_FILE)
    table = pd.DataFrame(
        {
            "start": raw["start"],
            "end": raw["end"],
            "country": raw["iso2"],
            "member_state": raw["member_state"],
            "source": raw["source"],
            "source_kind": raw["source"].map(source_kind),
        }
    )
    return table.sort_values("start", ignore_index=True)


PRESIDENCIES_SCHEMA = pa.DataFrameSchema(
    {
        "start": pa.Column(str, pa.Check.str_matches(DATE), unique=True),
        "end": pa.Column(str, pa.Check.str_matches(DATE), unique=True),
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "member_state": pa.Column(str),
        "source": pa.Column(str, pa.Check.str_contains("http")),
        "source_kind": SOURCE_KIND,
    },
    checks=pa.Check(lambda t: (t["start"] <= t["end"]).all(), error="start after end"),
    strict=True,
    ordered=True,
)


def build_commission_presidents(upstream: Path) -> pd.DataFrame:
    """Commission presidents with nationality and term dates; acting presidents flagged."""
    raw = _read(upstream, PRESIDENTS_FILE)
    table = pd.DataFrame(
        {
            "president": raw["president"].str.replace(" (acting)", "", regex=False),
            "country": raw["nationality_iso2"],
            "term_start": raw["term_start"],
            "term_end": raw["term_end"].replace("", None),
            "acting": raw["president"].str.contains("(acting)", regex=False),
            "source": raw["source"],
            "source_kind": raw["source"].map(source_kind),
        }
    )
    return table.sort_values("term_start", ignore_index=True)


PRESIDENTS_SCHEMA = pa.DataFrameSchema(
    {
        "president": pa.Column(str, unique=True),
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "term_start": pa.Column(str, pa.Check.str_matches(DATE_OR_MONTH)),
        "term_end": pa.Column(str, pa.Check.str_matches(DATE_OR_MONTH), nullable=True),
        "acting": pa.Column(bool),
        "source": pa.Column(str, pa.Check.str_contains("http")),
        "source_kind": SOURCE_KIND,
    },
    strict=True,
    ordered=True,
)


REFERENCE_SOURCE = (
    "euclaims reference fact tables (shared/data/reference_facts), each row written from pages "
    "read with a search tool; page addresses in the `source` column, their kind in `source_kind`"
)
LICENCE = "Project-authored facts; cited pages keep their own terms"

EXTRACTS = (
    Extract(
        name="defence_initiatives.csv",
        upstream=(INITIATIVES_FILE,),
        curated=(CURATED_INITIATIVES,),
        title="EU defence initiatives 2003-2025 (dated, kinds, legal references)",
        source=REFERENCE_SOURCE + "; completed in data/curated/eu_defence_initiatives.csv",
        licence=LICENCE,
        description=(
            "One row per EU security and defence initiative or step: date, kind (strategy, body, "
            "fund, legal act, capability, treaty), legal reference, whether it counts as an "
            "initiative (preparatory steps and reports do not), origin, sources and their kind."
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
        curated=(CURATED_PESCO_MEMBERSHIP,),
        title="PESCO participating member states, joining dates and Denmark's defence opt-out",
        source=(
            REFERENCE_SOURCE + "; dates and sources corrected in data/curated/pesco_membership.csv "
            "(Council Decisions (CFSP) 2017/2315 and 2023/1015, Council press release)"
        ),
        licence=LICENCE,
        description=(
            "One row per EU27 member state: date joined (YYYY-MM-DD; empty = not participating, "
            "Malta), end of a defence opt-out (Denmark, 2022-07-01), origin, sources and kind."
        ),
        schema=PESCO_MEMBERSHIP_SCHEMA,
        build=build_pesco_membership,
        caveats=(
            "25 founding participants on 2017-12-11 (Council Decision (CFSP) 2017/2315); Denmark "
            "on 2023-05-23 (Council Decision (CFSP) 2023/1015, upstream month-only 2023-05). The "
            "UK never joined and is not listed. No source after May 2023 was read."
        ),
    ),
    Extract(
        name="pesco_projects.csv",
        upstream=(PESCO_PROJECTS_FILE,),
        title="PESCO projects known by name, with wave and status",
        source=REFERENCE_SOURCE,
        licence=LICENCE,
        description=(
            "56 of the projects adopted in waves 1-5, one row each; wave dates and decisions are "
            "in pesco_waves.csv, coordinators and participants in pesco_project_roles.csv."
        ),
        schema=PESCO_PROJECTS_SCHEMA,
        build=build_pesco_projects,
        caveats=(
            "Incomplete: wave 2 has 11 of 17 names, wave 3 4 of 13, wave 4 13 of 14; several "
            "wave-1 names come from the preliminary December 2017 list. Wave 6 is absent."
        ),
    ),
    Extract(
        name="pesco_project_roles.csv",
        upstream=(PESCO_PROJECTS_FILE,),
        title="PESCO projects x member states: known coordinators and participants",
        source=REFERENCE_SOURCE,
        licence=LICENCE,
        description=(
            "One row per project and member state named as its coordinator or a participant "
            "(ISO alpha-2); projects with no known member have no row."
        ),
        schema=PESCO_ROLES_SCHEMA,
        build=build_pesco_project_roles,
        caveats=(
            "Participants are known for 11 projects only and are often the launch-time lists from "
            "news reports (March 2018), not current memberships."
        ),
    ),
    Extract(
        name="pesco_waves.csv",
        upstream=(PESCO_PROJECTS_FILE,),
        curated=(CURATED_PESCO_WAVES,),
        title="PESCO project waves: Council decision, adoption date, projects added and in place",
        source=(
            "data/curated/pesco_waves.csv (Council decisions on EUR-Lex; counts from Council "
            "texts as reprinted by news sites), cross-checked against reference_facts/"
            "pesco_projects.csv"
        ),
        licence=LICENCE,
        description=(
            "One row per wave 1-5: Council decision and its date, projects added, projects in "
            "place as reported by the Council (closures deducted), and how many of the wave's "
            "projects are named in pesco_projects.csv."
        ),
        schema=PESCO_WAVES_SCHEMA,
        build=build_pesco_waves,
        caveats=(
            "The in-place total after wave 5 was not read in a stored source and is empty. "
            "Wave 6 (2025) not covered."
        ),
    ),
    Extract(
        name="csdp_missions.csv",
        upstream=(CSDP_FILE,),
        title="CSDP missions and operations with start and end dates (partial)",
        source=REFERENCE_SOURCE,
        licence=LICENCE,
        description="33 civilian and military CSDP missions and operations, 2003-2023.",
        schema=CSDP_SCHEMA,
        build=build_csdp_missions,
        caveats=(
            "Not a census: the EEAS counts over 40 operations since 2003; AMM Aceh, EUPOL "
            "Kinshasa, EUBAM Rafah, EUBAM Libya and others are missing. Some start dates are "
            "launch decisions, some month- or year-only, three are empty."
        ),
    ),
    Extract(
        name="eu_russia_summits.csv",
        upstream=(SUMMITS_FILE,),
        curated=(CURATED_SUMMITS,),
        title="EU-Russia summits 2005-2014 and the 2021 proposal",
        source=(
            REFERENCE_SOURCE + "; December 2012 summit (held) and June 2021 proposal curated in "
            "data/curated/eu_russia_summits.csv"
        ),
        licence=LICENCE,
        description="One row per summit held, cancelled or proposed, with its sources.",
        schema=SUMMITS_SCHEMA,
        build=build_summits,
        caveats=(
            "Compiled from search: summits 1998-2004, Oct 2005 and Nov 2006 are missing; the "
            "absence of a row after 2014 is weaker evidence than a row."
        ),
    ),
    Extract(
        name="sanctions_decisions.csv",
        upstream=(DECISIONS_FILE,),
        curated=(CURATED_DECISIONS,),
        title="EU restrictive measures against Russia: adoptions, extensions, packages",
        source=(
            "Project reference table reference_facts/eu_russia_sanctions_decisions.csv (rows "
            "written from pages read with the search tool, each with its source), plus curated "
            "corrections in data/curated/sanctions_decisions_additions.csv"
        ),
        licence="Project-authored facts (CC BY 4.0); sources as listed per row",
        description=(
            "One row per Council act: regime (economic = Decision 2014/512/CFSP, individual = "
            "2014/145/CFSP, crimea = 2014/386/CFSP, territories = (CFSP) 2022/266, package = "
            "packages since February 2022), adoption date, action and new expiry date."
        ),
        schema=DECISIONS_SCHEMA,
        build=build_decisions,
        caveats=(
            "Not found: individual-regime renewals of Sept 2014, March 2019 and March 2022; the "
            "Crimea renewal of June 2023; the territories renewal of Feb 2025; the new expiry set "
            "by Decision (CFSP) 2026/1437. Some dates have month precision (YYYY-MM)."
        ),
    ),
    Extract(
        name="council_presidencies.csv",
        upstream=(PRESIDENCIES_FILE,),
        title="Rotating presidencies of the Council of the EU, 2004-2027",
        source=REFERENCE_SOURCE,
        licence=LICENCE,
        description="Half-year presidency slots with holder (ISO alpha-2) and the pages read.",
        schema=PRESIDENCIES_SCHEMA,
        build=build_presidencies,
        caveats=(
            "2007-2017 H1 follow the planned order of Decision 2007/5/EC; Estonia replaced the UK "
            "in 2017 H2 and later slots moved up one (Decision 2016/1316)."
        ),
    ),
    Extract(
        name="commission_presidents.csv",
        upstream=(PRESIDENTS_FILE,),
        title="Presidents of the European Commission, 1958 to date",
        source=REFERENCE_SOURCE,
        licence=LICENCE,
        description="President, nationality (ISO alpha-2), term dates, acting flag and sources.",
        schema=PRESIDENTS_SCHEMA,
        build=build_commission_presidents,
        caveats=(
            "Malfatti and Marin have month precision; Barroso's dates are derived from his "
            "neighbours'; Santer's end date differs between sources. Hallstein was from West "
            "Germany."
        ),
    ),
)
