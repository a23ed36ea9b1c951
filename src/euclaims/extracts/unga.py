"""UN General Assembly: Voeten's roll calls as packaged in R unvotes, and the Bailey-Strezhnev-
Voeten ideal points. Shared tables: the roll calls with the EU members' votes counted, the votes on
Ukraine, the roll calls' issue codes and the ideal points of the EU28 states and Russia.

Which calendar year a session opens in comes from the roll calls' dates (the year of the session's
first roll call), and the last session from the data; only the first session kept is a choice.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pyreadr

from ..errors import DataError
from .base import (
    COW_CODES_FILE,
    DATE,
    ISO2,
    MEMBER_STATES_FILE,
    Extract,
    check_members_on_date,
    iso3_to_iso2,
    members_on,
    read_member_states,
    shared_read,
)

UN_VOTES_FILE = "sanctions_trade/unvotes_un_votes.rda"
UN_ROLL_CALLS_FILE = "sanctions_trade/unvotes_un_roll_calls.rda"
UN_ISSUES_FILE = "sanctions_trade/unvotes_un_roll_call_issues.rda"
IDEAL_POINTS_FILE = COW_CODES_FILE

#: Scope (a choice, not a fact): the roll calls from this session on. Its year is in the data.
FIRST_SESSION = 60
#: Non-members whose votes the tables keep beside the EU members': Russia and Ukraine.
RUSSIA, UKRAINE = "RU", "UA"
OTHER_STATES = {"RUS": RUSSIA, "UKR": UKRAINE}
#: A roll call is about Ukraine if its title names Ukraine or Crimea. The title is in `short` or
#: at the start of `descr`; some `descr` cells go on with a verbatim record of the meeting, whose
#: later text may mention Ukraine (as a co-sponsor) without the vote being about it.
UKRAINE_PATTERN = "Ukraine|Crimea"
TITLE_CHARS = 200
#: The resolution's own title, where `descr` starts with it (else `short` holds it).
TITLE_PATTERN = "territorial integrity of Ukraine|Crimea|Sevastopol"
TITLE_SEARCH_CHARS = 300
VOTES = ("yes", "no", "abstain")
ABSENT = "absent"
#: The six issue codes of the unvotes package (Voeten's coding).
ISSUE_CODES = ("co", "di", "ec", "hr", "me", "nu")


def resolution_symbol(unres: pd.Series) -> pd.Series:
    """UN document symbols in one form: unvotes writes 'R/68/262' and 'A/RES/71/205' in the same
    column; both become 'A/RES/...' (the symbol the UN and the 2022 votes table use)."""
    text = unres.fillna("").astype(str).str.strip()
    return text.str.replace(r"^R/", "A/RES/", regex=True).replace("", None)


@shared_read
def read_rda(path: Path) -> dict[str, pd.DataFrame]:
    """The objects of an R data file (pyreadr), read once per extraction run."""
    return dict(pyreadr.read_r(path))


@shared_read
def read_roll_calls(upstream: Path) -> pd.DataFrame:
    """Roll calls from FIRST_SESSION on (`tidy_roll_calls` of un_roll_calls.rda)."""
    path = upstream / UN_ROLL_CALLS_FILE
    calls = read_rda(path)["un_roll_calls"]
    missing = sorted({"rcid", "session", "date", "unres", "short", "descr"} - set(calls.columns))
    if missing:
        raise DataError(f"{path}: missing columns {', '.join(missing)}")
    return tidy_roll_calls(calls)


def tidy_roll_calls(calls: pd.DataFrame) -> pd.DataFrame:
    """rcid, session, date, unres (A/RES/...), title and ukraine_related of the roll calls from
    FIRST_SESSION on."""
    calls = calls[calls["session"] >= FIRST_SESSION]
    descr = calls["descr"].fillna("").astype(str)
    short = calls["short"].fillna("").astype(str)
    opening = descr.str[:TITLE_SEARCH_CHARS]
    in_descr = opening.str.contains(TITLE_PATTERN, case=False)
    title = opening.where(in_descr, short).str.split(" : ").str[0].str.strip()
    related = (short + " " + descr.str[:TITLE_CHARS]).str.contains(UKRAINE_PATTERN, case=False)
    return pd.DataFrame(
        {
            "rcid": calls["rcid"].astype("int64"),
            "session": calls["session"].astype("int64"),
            "date": pd.to_datetime(calls["date"]).dt.strftime("%Y-%m-%d"),
            "unres": resolution_symbol(calls["unres"]),
            "title": title,
            "ukraine_related": related,
        }
    ).reset_index(drop=True)


def session_years(calls: pd.DataFrame) -> pd.Series:
    """Calendar year each session opens in (September): the year of its first roll call.

    Stops unless consecutive sessions open in consecutive years, which is what makes the year of
    the first roll call the opening year (a session whose autumn has no roll call would break it).
    """
    years = calls.groupby("session")["date"].min().str[:4].astype("int64")
    offsets = years - years.index.to_series()
    if offsets.nunique() != 1:
        odd = offsets[offsets != offsets.mode().iloc[0]]
        raise DataError(
            f"{UN_ROLL_CALLS_FILE}: column date: the first roll call of session(s) "
            f"{', '.join(map(str, odd.index))} is not in the year the session opened; "
            "the session-year mapping cannot be read from the data"
        )
    return years.rename("year")


def read_votes(upstream: Path, rcids: pd.Series) -> pd.DataFrame:
    """Votes (rcid, country_code, vote) on the given roll calls."""
    votes = read_rda(upstream / UN_VOTES_FILE)["un_votes"]
    votes = votes.loc[votes["rcid"].isin(rcids), ["rcid", "country_code", "vote"]]
    return votes.assign(rcid=votes["rcid"].astype("int64"), vote=votes["vote"].astype(str))


def members_by_call(members: pd.DataFrame, calls: pd.DataFrame) -> pd.DataFrame:
    """One row per (rcid, EU member on the roll call's date), in the order of the calls and,
    within a call, of the member-state table."""
    pairs = calls[["rcid", "date"]].merge(members[["country"]], how="cross")
    on = members_on(pairs["country"], pairs["date"], members)
    return pairs.loc[on, ["rcid", "country"]].reset_index(drop=True)


def build_unga_rollcalls(upstream: Path) -> pd.DataFrame:
    """Per roll call: votes of the EU members of the day counted, and Russia's vote."""
    calls = read_roll_calls(upstream)
    votes = read_votes(upstream, calls["rcid"])
    members = members_by_call(read_member_states(upstream), calls)
    eu = members.merge(votes, left_on=["rcid", "country"], right_on=["rcid", "country_code"])
    counts = eu.pivot_table(index="rcid", columns="vote", values="country", aggfunc="count")
    counts = counts.reindex(columns=list(VOTES)).fillna(0).astype("int64")
    russia = votes[votes["country_code"] == RUSSIA].set_index("rcid")["vote"]
    table = calls.set_index("rcid")[["session", "date", "unres", "ukraine_related"]].copy()
    table["eu_members"] = members.groupby("rcid").size().reindex(table.index).astype("int64")
    for vote in VOTES:
        table[f"eu_{vote}"] = counts[vote].reindex(table.index).fillna(0).astype("int64")
    table["russia_vote"] = russia.reindex(table.index)
    return table.reset_index().sort_values("rcid", ignore_index=True)


UNGA_ROLLCALLS_SCHEMA = pa.DataFrameSchema(
    {
        "rcid": pa.Column("int64", unique=True),
        "session": pa.Column("int64", pa.Check.ge(FIRST_SESSION)),
        "date": pa.Column(str, pa.Check.str_matches(DATE)),
        "unres": pa.Column(str, pa.Check.str_startswith("A/RES/"), nullable=True),
        "ukraine_related": pa.Column(bool),
        "eu_members": pa.Column("int64", pa.Check.in_range(25, 28)),
        "eu_yes": pa.Column("int64", pa.Check.in_range(0, 28)),
        "eu_no": pa.Column("int64", pa.Check.in_range(0, 28)),
        "eu_abstain": pa.Column("int64", pa.Check.in_range(0, 28)),
        "russia_vote": pa.Column(str, pa.Check.isin(list(VOTES)), nullable=True),
    },
    strict=True,
    ordered=True,
)


def build_unga_ukraine_votes(upstream: Path) -> pd.DataFrame:
    """Each EU member's (of the day), Russia's and Ukraine's vote on the roll calls about Ukraine;
    'absent' where the source records no vote."""
    calls = read_roll_calls(upstream)
    calls = calls[calls["ukraine_related"]]
    votes = read_votes(upstream, calls["rcid"])
    members = read_member_states(upstream)
    others = pd.DataFrame(
        [(rcid, c) for rcid in calls["rcid"] for c in (RUSSIA, UKRAINE)],
        columns=["rcid", "country"],
    )
    table = pd.concat([members_by_call(members, calls), others], ignore_index=True)
    table = table.merge(
        votes, left_on=["rcid", "country"], right_on=["rcid", "country_code"], how="left"
    )
    table = table.merge(calls[["rcid", "date", "unres", "title"]], on="rcid")
    table = pd.DataFrame(
        {
            "rcid": table["rcid"],
            "date": table["date"],
            "unres": table["unres"],
            "title": table["title"],
            "country": table["country"],
            "vote": table["vote"].fillna(ABSENT),
        }
    ).sort_values(["rcid", "country"], ignore_index=True)
    check_members_on_date(table, members, file=UN_VOTES_FILE, others=(RUSSIA, UKRAINE))
    return table


UNGA_UKRAINE_SCHEMA = pa.DataFrameSchema(
    {
        "rcid": pa.Column("int64"),
        "date": pa.Column(str, pa.Check.str_matches(DATE)),
        "unres": pa.Column(str, pa.Check.str_startswith("A/RES/")),
        "title": pa.Column(str),
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "vote": pa.Column(str, pa.Check.isin([*VOTES, ABSENT])),
    },
    strict=True,
    ordered=True,
    unique=["rcid", "country"],
)


def build_unga_rollcall_issues(upstream: Path) -> pd.DataFrame:
    """One row per (roll call, issue) for the roll calls of unga_eu_rollcalls.csv; a roll call
    may carry several issues or none."""
    path = upstream / UN_ISSUES_FILE
    issues = read_rda(path)["un_roll_call_issues"]
    missing = sorted({"rcid", "short_name", "issue"} - set(issues.columns))
    if missing:
        raise DataError(f"{path}: missing columns {', '.join(missing)}")
    table = pd.DataFrame(
        {
            "rcid": issues["rcid"].astype("int64"),
            "issue_code": issues["short_name"].astype(str),
            "issue": issues["issue"].astype(str),
        }
    )
    table = table[table["rcid"].isin(set(read_roll_calls(upstream)["rcid"]))]
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


def build_ideal_points(upstream: Path) -> pd.DataFrame:
    """Ideal points of the EU28 states and Russia for the sessions of the roll-call table.

    `year` is the calendar year in which the session opens (from the roll calls' dates);
    `ideal_point` is the posterior mean over all votes of the session (column IdealPoint).
    """
    path = upstream / IDEAL_POINTS_FILE
    raw = pd.read_csv(path, encoding="latin-1")
    missing = sorted({"iso3c", "session", "IdealPoint"} - set(raw.columns))
    if missing:
        raise DataError(f"{path}: missing columns {', '.join(missing)}")
    members = read_member_states(upstream)
    years = session_years(read_roll_calls(upstream))
    country = iso3_to_iso2(raw["iso3c"], members).fillna(raw["iso3c"].map(OTHER_STATES))
    keep = country.isin([*members["country"], RUSSIA]) & raw["session"].isin(years.index)
    raw, country = raw[keep], country[keep]
    table = pd.DataFrame(
        {
            "country": country,
            "session": raw["session"].astype("int64"),
            "year": raw["session"].map(years).astype("int64"),
            "ideal_point": raw["IdealPoint"].astype("float64").round(6),
        }
    )
    counts = table.groupby("country").size().reindex([*members["country"], RUSSIA], fill_value=0)
    short = counts[counts < len(years)]
    if len(short):
        raise DataError(
            f"{path}: column session: sessions {years.index.min()}-{years.index.max()} "
            "incomplete for " + ", ".join(f"{c} ({n} sessions)" for c, n in short.items())
        )
    return table.sort_values(["country", "session"], ignore_index=True)


IDEAL_POINTS_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "session": pa.Column("int64", pa.Check.ge(FIRST_SESSION)),
        "year": pa.Column("int64"),
        "ideal_point": pa.Column(float, pa.Check.in_range(-4.0, 4.0)),
    },
    strict=True,
    ordered=True,
    unique=["country", "session"],
    checks=[
        pa.Check(
            lambda t: (t["year"] - t["session"]).nunique() == 1,
            error="one opening year per session, consecutive sessions in consecutive years",
        )
    ],
)

UNVOTES_SOURCE = (
    "Voeten, UNGA voting data (Harvard Dataverse hdl:1902.1/12379, CC0) as packaged in R unvotes "
    "0.3.0 (cran/unvotes commit 73ca68e), read with pyreadr"
)
UNVOTES_LICENCE = "CC0 (data); unvotes package MIT"
UNVOTES_END = "Ends with session 74 (last roll call 2019-12-27): no 2022 votes."

EXTRACTS = (
    Extract(
        name="unga_eu_rollcalls.csv",
        upstream=(UN_VOTES_FILE, UN_ROLL_CALLS_FILE, MEMBER_STATES_FILE),
        title="UN General Assembly roll calls since session 60: EU members' votes counted",
        source=UNVOTES_SOURCE + "; EU membership dates from member_states.csv (EUMS)",
        licence=UNVOTES_LICENCE,
        description=(
            "One row per roll call of session 60 (opened September 2005) on: session, date, "
            "resolution symbol (A/RES/..., unvotes' 'R/' prefix written out), whether the title "
            "names Ukraine or Crimea, number of EU members on the day, how many of them voted "
            "yes/no/abstain, and Russia's vote."
        ),
        schema=UNGA_ROLLCALLS_SCHEMA,
        build=build_unga_rollcalls,
        caveats=(
            UNVOTES_END + " Absences and non-voting are dropped in the source, so "
            "yes+no+abstain can be below eu_members."
        ),
    ),
    Extract(
        name="unga_ukraine_votes.csv",
        upstream=(UN_VOTES_FILE, UN_ROLL_CALLS_FILE, MEMBER_STATES_FILE),
        title="Votes of EU members, Russia and Ukraine on UNGA roll calls about Ukraine/Crimea",
        source=UNVOTES_SOURCE + "; EU membership dates from member_states.csv (EUMS)",
        licence=UNVOTES_LICENCE,
        description=(
            "One row per roll call whose title names Ukraine or Crimea (ukraine_related in "
            "unga_eu_rollcalls.csv) and state: the EU members on the day, Russia and Ukraine; "
            "title as in the source; vote yes/no/abstain, 'absent' = no vote recorded."
        ),
        schema=UNGA_UKRAINE_SCHEMA,
        build=build_unga_ukraine_votes,
        caveats=UNVOTES_END + " Roll calls chosen by the words Ukraine or Crimea in their title.",
    ),
    Extract(
        name="unga_rollcall_issues.csv",
        upstream=(UN_ISSUES_FILE, UN_ROLL_CALLS_FILE),
        title="Issue categories of UN General Assembly roll calls since session 60 (unvotes)",
        source=UNVOTES_SOURCE + " (data/un_roll_call_issues.rda)",
        licence=UNVOTES_LICENCE,
        description=(
            "One row per roll call of unga_eu_rollcalls.csv and issue: code (co colonialism, di "
            "arms control and disarmament, ec economic development, hr human rights, me "
            "Palestinian conflict, nu nuclear weapons and nuclear material) and the issue's name "
            "as in the source."
        ),
        schema=UNGA_ISSUES_SCHEMA,
        build=build_unga_rollcall_issues,
        caveats=(
            "Six issue categories only, coded by the dataset's authors; a roll call may have "
            "several issues, and about a third of the roll calls have none (they count only "
            "under 'all roll calls'). " + UNVOTES_END
        ),
    ),
    Extract(
        name="unga_ideal_points_eu_russia.csv",
        upstream=(IDEAL_POINTS_FILE, UN_ROLL_CALLS_FILE, MEMBER_STATES_FILE),
        title="UN General Assembly ideal points of the EU28 states and Russia, since session 60",
        source=(
            "Bailey, Strezhnev & Voeten (2017), 'Estimating dynamic state preferences from United "
            "Nations voting data', JCR 61(2):430-456; estimates of April 2020 "
            "(evoeten/United-Nations-General-Assembly-Votes-and-Ideal-Points commit a6dce7e, "
            "Output/IdealpointestimatesAll_Apr2020.csv); session years from the unvotes roll calls"
        ),
        licence="MIT (repository, (c) 2020 evoeten); cite Bailey, Strezhnev & Voeten 2017",
        description=(
            "One row per state (ISO alpha-2; every state of member_states.csv, EU28, in every "
            "session whether a member or not, and RU) and UNGA session of unga_eu_rollcalls.csv: "
            "the year the session opens (the year of its first roll call) and the ideal point "
            "(posterior mean, all votes)."
        ),
        schema=IDEAL_POINTS_SCHEMA,
        build=build_ideal_points,
        caveats=(
            "One dimension only (position towards the US-led liberal order; Russia near 0, USA "
            "near 2.7); comparable over time by construction. A session runs September to "
            "September, so March 2014 (Crimea, resolution 68/262) falls in session 68 (year "
            "2013). Sessions 73-74 may be revised by the authors. Posterior quantiles dropped."
        ),
    ),
)
