"""Public votes of the Council of the EU (SWP refresh of the Council's open data): one table,
one row per vote, positions as ';'-joined ISO alpha-2 codes of the states that were members."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataError
from .base import (
    DATE,
    MEMBER_STATES_FILE,
    Extract,
    check_members_on,
    eu_code_to_iso2,
    members_on,
    read_member_states,
)

COUNCIL_VOTES_FILE = "defence_institutions/council_votes/swp_ceu_votes_full_dataset_2023-10-20.csv"

#: The upstream position columns, in the order the table lists them.
POSITIONS = ("in_favor", "against", "abstained", "not_participating")
VOTING_RULES = ("qualified majority", "unanimity", "Reinforced QM - No COM")
#: The upstream's placeholder for a vote without a policy area.
NO_POLICY_AREA = "Missing"

#: Fixed keyword list for acts on asylum, migration, external borders and visas (draft ledger),
#: matched case-insensitively on the act's documents. "border" preceded by "cross-" is excluded:
#: cross-border road-safety, road-toll and e-justice acts would otherwise count as migration acts.
MIGRATION_KEYWORDS = {
    "asylum": r"asylum",
    "border": r"(?<!cross-)(?<!cross )border",
    "eurodac": r"eurodac",
    "frontex": r"frontex",
    "migra": r"migra",
    "return": r"\breturn",
    "schengen": r"schengen",
    "visa": r"\bvisa",
}

ISO2_LIST = r"^[A-Z]{2}(;[A-Z]{2})*$"


def procedure_code(interinstitutional_code: str) -> str | None:
    """The procedure type of a code like '2014/0167 (COD)' or '2016/0357B COD' (None if absent)."""
    match = re.search(r"([A-Z]{3})\)?\s*$", interinstitutional_code.strip())
    return match.group(1) if match else None


def migration_keywords(documents: str) -> str | None:
    """The fixed migration keywords found in an act's documents, ';'-joined (None if none)."""
    found = [k for k, pattern in MIGRATION_KEYWORDS.items() if re.search(pattern, documents, re.I)]
    return ";".join(found) if found else None


def long_positions(raw: pd.DataFrame, members: pd.DataFrame, file: str) -> pd.DataFrame:
    """One row per (vote, listed state): vote_procedure_id, decision_date, position, country
    (ISO alpha-2). Stops on a code that is no member state or on a state listed twice."""
    cells_by_vote = raw[["vote_procedure_id", "decision_date", *POSITIONS]]
    rows = [
        (int(vote_id), date, position, code.strip())
        for vote_id, date, *cells in cells_by_vote.itertuples(index=False)
        for position, cell in zip(POSITIONS, cells, strict=True)
        for code in cell.split(",")
        if code.strip()
    ]
    long = pd.DataFrame(rows, columns=["vote_procedure_id", "decision_date", "position", "code"])
    long["country"] = eu_code_to_iso2(long.pop("code"), members)
    unknown = long[~long["country"].isin(members["country"])]
    if not unknown.empty:
        row = unknown.iloc[0]
        where = f"column '{row['position']}', row vote_procedure_id={row['vote_procedure_id']}"
        raise DataError(
            f"{file}: {where}: "
            f"code {row['country']!r} is no member state in member_states.csv; if it is a new "
            "spelling of a member's code, map it in the member-state table"
        )
    twice = long[long.duplicated(["vote_procedure_id", "country"])]
    if not twice.empty:
        row = twice.iloc[0]
        raise DataError(
            f"{file}: row vote_procedure_id={row['vote_procedure_id']} lists {row['country']} in "
            "more than one position column"
        )
    return long


def joined_codes(long: pd.DataFrame, votes: pd.Series, by: str, value: str) -> pd.Series:
    """Per vote (in the order of `votes`), the sorted ';'-joined countries with `by` == `value`."""
    chosen = long[long[by] == value]
    joined = chosen.groupby("vote_procedure_id")["country"].agg(lambda c: ";".join(sorted(c)))
    return votes.map(joined).astype(object)


def build_council_votes(upstream: Path) -> pd.DataFrame:
    """One row per public Council vote 2010-2023: date, policy area, voting rule, procedure type,
    the members in favour / against / abstaining / not participating, states listed although not
    members that day, and the migration keywords of the act's documents."""
    path = upstream / COUNCIL_VOTES_FILE
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    members = read_member_states(upstream)
    long = long_positions(raw, members, str(path))
    member = members_on(long["country"], long["decision_date"], members)
    long["position"] = long["position"].where(member, "non_member")
    votes = raw["vote_procedure_id"].astype("int64")
    table = pd.DataFrame(
        {
            "vote_procedure_id": votes,
            "decision_date": raw["decision_date"],
            "policy_area": raw["policy_area"].replace(NO_POLICY_AREA, None),
            "voting_rule": raw["voting_rule"],
            "procedure": raw["interinstitutional_code"].map(procedure_code),
            **{p: joined_codes(long, votes, "position", p) for p in POSITIONS},
            "non_members_listed": joined_codes(long, votes, "position", "non_member"),
            "migration_keywords": raw["documents"].map(migration_keywords),
        }
    )
    check_positions_membership(table, members, str(path))
    return table.sort_values(["decision_date", "vote_procedure_id"], ignore_index=True)


def explode_positions(votes: pd.DataFrame, positions: tuple[str, ...] = POSITIONS) -> pd.DataFrame:
    """Long table of a council_votes table: vote_procedure_id, decision_date, position, country."""
    parts = [
        votes[["vote_procedure_id", "decision_date"]]
        .assign(position=position, country=votes[position].astype(object).fillna("").str.split(";"))
        .explode("country")
        for position in positions
    ]
    long = pd.concat(parts, ignore_index=True)
    return long[long["country"] != ""].reset_index(drop=True)


def check_positions_membership(votes: pd.DataFrame, members: pd.DataFrame, file: str) -> None:
    """Every state in a position column was a member on the vote's date (else DataError)."""
    for position in POSITIONS:
        check_members_on(
            explode_positions(votes, (position,)).rename(columns={"country": position}),
            members,
            file=file,
            country=position,
            date="decision_date",
            key="vote_procedure_id",
        )


def _no_state_twice(table: pd.DataFrame) -> bool:
    listed = explode_positions(table, (*POSITIONS, "non_members_listed"))
    return not listed.duplicated(["vote_procedure_id", "country"]).any()


COUNCIL_VOTES_SCHEMA = pa.DataFrameSchema(
    {
        "vote_procedure_id": pa.Column("int64", pa.Check.gt(0), unique=True),
        "decision_date": pa.Column(str, pa.Check.str_matches(DATE)),
        "policy_area": pa.Column(str, nullable=True),
        "voting_rule": pa.Column(str, pa.Check.isin(list(VOTING_RULES))),
        "procedure": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$"), nullable=True),
        **{p: pa.Column(str, pa.Check.str_matches(ISO2_LIST), nullable=True) for p in POSITIONS},
        "non_members_listed": pa.Column(str, pa.Check.str_matches(ISO2_LIST), nullable=True),
        "migration_keywords": pa.Column(
            str, pa.Check.str_matches(r"^[a-z]+(;[a-z]+)*$"), nullable=True
        ),
    },
    checks=pa.Check(_no_state_twice, error="a state is listed in two positions of one vote"),
    strict=True,
    ordered=True,
)

EXTRACTS = (
    Extract(
        name="council_votes.csv",
        upstream=(COUNCIL_VOTES_FILE, MEMBER_STATES_FILE),
        title="Public votes of the Council of the EU, 2010-2023 (SWP)",
        source=(
            "SWP EU Council Monitor refresh of 2023-10-20 (github.com/datapumpernickel/ceu_votes, "
            "commit f35dc3c; RDS converted to CSV); published as 'Public Voting Data of the "
            "Council of the EU', von Ondarza & Bochtler, SWP, GESIS doi 10.7802/2560; Council of "
            "the EU open data"
        ),
        licence="CC BY 4.0 (GESIS release); cite the DOI and the Council of the EU",
        description=(
            "One row per public vote: id, date, policy area (empty where the upstream has "
            "'Missing'), voting rule, procedure type from the interinstitutional code (COD, CNS, "
            "APP, NLE, BUD, ...; empty if none), and the states in favour, against, abstaining "
            "and not participating as ';'-joined sorted ISO alpha-2 codes (EL -> GR, UK -> GB; "
            "empty = none). `non_members_listed` holds states the upstream lists although they "
            "were not members on that date (they appear in no position column). "
            "`migration_keywords` are the fixed keywords (asylum, border but not cross-border, "
            "eurodac, frontex, migra*, return, schengen, visa) found in the act's documents."
        ),
        schema=COUNCIL_VOTES_SCHEMA,
        build=build_council_votes,
        caveats=(
            "Only public (mostly legislative) votes; most Council decisions, including CFSP "
            "sanctions decisions, are never put to a recorded vote. Five votes list fewer states "
            "than were members (e.g. 2017-10-12, vote 4179, lists only 20 in favour); one vote of "
            "2012-12-18 lists HR in favour before its accession (moved to non_members_listed). "
            "Denmark and Ireland often do not participate because of opt-outs. 28 Justice and "
            "Home Affairs votes have no document text and cannot match a keyword. Single records "
            "are fallible (two bare 2021-05-17 France 'against' records are not confirmed by the "
            "Council register)."
        ),
    ),
)
