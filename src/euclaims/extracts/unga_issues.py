"""Extract: the issue categories of UN General Assembly roll calls (unvotes), for EU cohesion by
issue in the sanctions-consensus notebook."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pyreadr

from .base import Extract
from .sanctions import UN_ROLL_CALLS_FILE, UNGA_FIRST_SESSION

UN_ISSUES_FILE = "sanctions_trade/unvotes_un_roll_call_issues.rda"
#: The six issue codes of the unvotes package (Voeten's coding).
ISSUE_CODES = ("co", "di", "ec", "hr", "me", "nu")


def build_unga_rollcall_issues(upstream: Path) -> pd.DataFrame:
    """One row per (roll call, issue) for the roll calls of session 60 on (those in
    unga_eu_rollcalls.csv); a roll call may carry several issues or none."""
    issues = pyreadr.read_r(upstream / UN_ISSUES_FILE)["un_roll_call_issues"]
    calls = pyreadr.read_r(upstream / UN_ROLL_CALLS_FILE)["un_roll_calls"]
    missing = sorted({"rcid", "short_name", "issue"} - set(issues.columns))
    if missing:
        raise ValueError(f"{UN_ISSUES_FILE}: missing columns {', '.join(missing)}")
    kept = calls.loc[calls["session"] >= UNGA_FIRST_SESSION, "rcid"].astype("int64")
    table = pd.DataFrame(
        {
            "rcid": issues["rcid"].astype("int64"),
            "issue_code": issues["short_name"].astype(str),
            "issue": issues["issue"].astype(str),
        }
    )
    table = table[table["rcid"].isin(set(kept))]
    return table.sort_values(["rcid", "issue_code"], ignore_index=True)


UNGA_ISSUES_SCHEMA = pa.DataFrameSchema(
    {
        "rcid": pa.Column("int64"),
        "issue_code": pa.Column(str, pa.Check.isin(list(ISSUE_CODES))),
        "issue": pa.Column(str),
    },
    strict=True,
    ordered=True,
    unique=["rcid", "issue_code"],
)

EXTRACTS: tuple[Extract, ...] = (
    Extract(
        name="unga_rollcall_issues.csv",
        upstream=(UN_ISSUES_FILE, UN_ROLL_CALLS_FILE),
        title="Issue categories of UN General Assembly roll calls since 2005 (unvotes)",
        source=(
            "Voeten, UNGA voting data (Harvard Dataverse hdl:1902.1/12379, CC0) as packaged in "
            "R unvotes 0.3.0 (cran/unvotes commit 73ca68e, data/un_roll_call_issues.rda)"
        ),
        licence="CC0 (data); unvotes package MIT",
        description=(
            "One row per roll call of sessions 60-74 (the roll calls of unga_eu_rollcalls.csv) "
            "and issue: code (co colonialism, di arms control and disarmament, ec economic "
            "development, hr human rights, me Palestinian conflict, nu nuclear weapons and "
            "nuclear material) and the issue's name as in the source."
        ),
        schema=UNGA_ISSUES_SCHEMA,
        build=build_unga_rollcall_issues,
        caveats=(
            "Six issue categories only, coded by the dataset's authors; a roll call may have "
            "several issues, and about a third of the roll calls have none (they count only "
            "under 'all roll calls'). Ends in December 2019."
        ),
    ),
)
