"""Extracts for the sanctions-consensus notebook: trade exposure to Russia, energy imports,
the record of EU sanctions decisions, the legal bases, UN General Assembly roll calls."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pyreadr

from .base import MEMBER_STATES_FILE as MEMBERSHIP_FILE
from .base import Extract
from .base import read_member_states as build_membership

ISO2 = r"^[A-Z]{2}$"
DATE = r"^\d{4}-\d{2}-\d{2}$"
DATE_OR_MONTH = r"^\d{4}-\d{2}(-\d{2})?$"

UN_VOTES_FILE = "sanctions_trade/unvotes_un_votes.rda"
UN_ROLL_CALLS_FILE = "sanctions_trade/unvotes_un_roll_calls.rda"
IDEAL_POINTS_FILE = "sanctions_trade/voeten_IdealpointestimatesAll_Apr2020.csv"


#: Correlates of War state codes of the EU28 (trade_baseline/PROVENANCE.md); Russia is 365.
COW_TO_ISO2 = {
    305: "AT", 211: "BE", 355: "BG", 344: "HR", 352: "CY", 316: "CZ", 390: "DK", 366: "EE",
    375: "FI", 220: "FR", 255: "DE", 350: "GR", 310: "HU", 205: "IE", 325: "IT", 367: "LV",
    368: "LT", 212: "LU", 338: "MT", 210: "NL", 290: "PL", 235: "PT", 360: "RO", 317: "SK",
    349: "SI", 230: "ES", 380: "SE", 200: "GB",
}  # fmt: skip
RUSSIA_COW = 365
EU28 = sorted(COW_TO_ISO2.values())
UNGA_FIRST_SESSION = 60  # the session opening in September 2005
UNGA_LAST_SESSION = 74  # September 2019 - September 2020, the last in the data
#: A UNGA session s opens in September of year 1945 + s (session 68 = 2013-14).
SESSION_YEAR_OFFSET = 1945
UKRAINE_PATTERN = "Ukraine|Crimea"
TITLE_CHARS = 200


# --- UN General Assembly roll calls (unvotes) ---------------------------------------------------


def _unvotes(upstream: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    votes = pyreadr.read_r(upstream / UN_VOTES_FILE)["un_votes"]
    calls = pyreadr.read_r(upstream / UN_ROLL_CALLS_FILE)["un_roll_calls"]
    calls = calls[calls["session"] >= UNGA_FIRST_SESSION].copy()
    calls["rcid"] = calls["rcid"].astype("int64")
    calls["session"] = calls["session"].astype("int64")
    # The title is in `short` or at the start of `descr`; some `descr` cells hold a verbatim
    # record of the meeting, whose later text may mention Ukraine without the vote being about it.
    title = calls["descr"].fillna("").astype(str).str[:TITLE_CHARS]
    text = calls["short"].fillna("").astype(str) + " " + title
    calls["ukraine_related"] = text.str.contains(UKRAINE_PATTERN, case=False)
    votes = votes.loc[votes["rcid"].isin(calls["rcid"]), ["rcid", "country_code", "vote"]].copy()
    votes["rcid"] = votes["rcid"].astype("int64")
    votes["vote"] = votes["vote"].astype(str)
    return votes, calls


def _members_by_call(upstream: Path, calls: pd.DataFrame) -> pd.DataFrame:
    """One row per (rcid, EU member on the roll call's date)."""
    membership = build_membership(upstream)
    rows = []
    for rcid, date in zip(calls["rcid"], calls["date"].astype(str), strict=True):
        joined = membership["accession_date"] <= date
        stayed = membership["exit_date"].isna() | (membership["exit_date"] > date)
        rows += [(rcid, country) for country in membership.loc[joined & stayed, "country"]]
    return pd.DataFrame(rows, columns=["rcid", "country"])


def build_unga_rollcalls(upstream: Path) -> pd.DataFrame:
    """Per roll call since session 60: votes of the EU members of the day, and Russia's vote."""
    votes, calls = _unvotes(upstream)
    members = _members_by_call(upstream, calls)
    eu = members.merge(votes, left_on=["rcid", "country"], right_on=["rcid", "country_code"])
    counts = eu.pivot_table(index="rcid", columns="vote", values="country", aggfunc="count")
    counts = counts.reindex(columns=["yes", "no", "abstain"]).fillna(0).astype("int64")
    russia = votes[votes["country_code"] == "RU"].set_index("rcid")["vote"]
    table = calls.set_index("rcid")[["session", "date", "unres", "ukraine_related"]].copy()
    table["eu_members"] = members.groupby("rcid").size().reindex(table.index).astype("int64")
    table["eu_yes"] = counts["yes"].reindex(table.index).fillna(0).astype("int64")
    table["eu_no"] = counts["no"].reindex(table.index).fillna(0).astype("int64")
    table["eu_abstain"] = counts["abstain"].reindex(table.index).fillna(0).astype("int64")
    table["russia_vote"] = russia.reindex(table.index)
    table["date"] = table["date"].astype(str)
    table["unres"] = table["unres"].astype(str).str.strip()
    return table.reset_index().sort_values("rcid", ignore_index=True)


UNGA_ROLLCALLS_SCHEMA = pa.DataFrameSchema(
    {
        "rcid": pa.Column("int64", unique=True),
        "session": pa.Column("int64", pa.Check.in_range(UNGA_FIRST_SESSION, 80)),
        "date": pa.Column(str, pa.Check.str_matches(DATE)),
        "unres": pa.Column(str, nullable=True),
        "ukraine_related": pa.Column(bool),
        "eu_members": pa.Column("int64", pa.Check.in_range(25, 28)),
        "eu_yes": pa.Column("int64", pa.Check.in_range(0, 28)),
        "eu_no": pa.Column("int64", pa.Check.in_range(0, 28)),
        "eu_abstain": pa.Column("int64", pa.Check.in_range(0, 28)),
        "russia_vote": pa.Column(str, pa.Check.isin(["yes", "no", "abstain"]), nullable=True),
    },
    strict=True,
    ordered=True,
)


def build_unga_ukraine_votes(upstream: Path) -> pd.DataFrame:
    """Each EU member's (and Russia's and Ukraine's) vote on the Ukraine/Crimea roll calls."""
    votes, calls = _unvotes(upstream)
    calls = calls[calls["ukraine_related"]]
    members = _members_by_call(upstream, calls)
    others = pd.DataFrame(
        [(rcid, c) for rcid in calls["rcid"] for c in ("RU", "UA")], columns=["rcid", "country"]
    )
    table = pd.concat([members, others], ignore_index=True).merge(
        votes[["rcid", "country_code", "vote"]],
        left_on=["rcid", "country"],
        right_on=["rcid", "country_code"],
        how="left",
    )
    table["vote"] = table["vote"].fillna("absent")
    table = table.merge(calls[["rcid", "date", "unres"]], on="rcid")
    table = pd.DataFrame(
        {
            "rcid": table["rcid"].astype("int64"),
            "date": table["date"].astype(str),
            "unres": table["unres"].astype(str).str.strip(),
            "country": table["country"],
            "vote": table["vote"],
        }
    )
    return table.sort_values(["rcid", "country"], ignore_index=True)


UNGA_UKRAINE_SCHEMA = pa.DataFrameSchema(
    {
        "rcid": pa.Column("int64"),
        "date": pa.Column(str, pa.Check.str_matches(DATE)),
        "unres": pa.Column(str, nullable=True),
        "country": pa.Column(str, pa.Check.str_matches(ISO2)),
        "vote": pa.Column(str, pa.Check.isin(["yes", "no", "abstain", "absent"])),
    },
    strict=True,
    ordered=True,
    unique=["rcid", "country"],
)


# --- UNGA ideal points (Bailey, Strezhnev & Voeten) ---------------------------------------------


def build_ideal_points(upstream: Path) -> pd.DataFrame:
    """Ideal points of the EU28 states and Russia, UNGA sessions 60-74 (opening 2005-2019).

    `year` is the calendar year in which the session opens (September); `ideal_point` is the
    posterior mean over all votes of the session (column IdealPoint).
    """
    raw = pd.read_csv(upstream / IDEAL_POINTS_FILE, encoding="latin-1")
    missing = sorted({"ccode", "session", "IdealPoint"} - set(raw.columns))
    if missing:
        raise ValueError(f"{IDEAL_POINTS_FILE}: missing columns {', '.join(missing)}")
    codes = {**COW_TO_ISO2, RUSSIA_COW: "RU"}
    sessions = range(UNGA_FIRST_SESSION, UNGA_LAST_SESSION + 1)
    raw = raw[raw["ccode"].isin(list(codes)) & raw["session"].isin(list(sessions))]
    table = pd.DataFrame(
        {
            "country": raw["ccode"].map(codes),
            "session": raw["session"].astype("int64"),
            "year": (raw["session"] + SESSION_YEAR_OFFSET).astype("int64"),
            "ideal_point": raw["IdealPoint"].astype("float64").round(6),
        }
    )
    counts = table.groupby("country").size().reindex(sorted(codes.values()), fill_value=0)
    short = counts[counts < len(sessions)]
    if len(short):
        raise ValueError(
            f"{IDEAL_POINTS_FILE}: sessions {sessions.start}-{sessions.stop - 1} incomplete for "
            + ", ".join(f"{c} ({n} sessions)" for c, n in short.items())
        )
    return table.sort_values(["country", "session"], ignore_index=True)


IDEAL_POINTS_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.isin([*EU28, "RU"])),
        "session": pa.Column("int64", pa.Check.in_range(UNGA_FIRST_SESSION, UNGA_LAST_SESSION)),
        "year": pa.Column("int64", pa.Check.in_range(2005, 2019)),
        "ideal_point": pa.Column(float, pa.Check.in_range(-4.0, 4.0)),
    },
    strict=True,
    ordered=True,
    unique=["country", "session"],
)


EXTRACTS = (
    Extract(
        name="unga_eu_rollcalls.csv",
        upstream=(UN_VOTES_FILE, UN_ROLL_CALLS_FILE, MEMBERSHIP_FILE),
        title="UN General Assembly roll calls since 2005: EU members' votes counted, Russia's vote",
        source=(
            "Voeten, UNGA voting data (Harvard Dataverse hdl:1902.1/12379, CC0) as packaged in "
            "R unvotes 0.3.0 (cran/unvotes commit 73ca68e); EU membership dates from EUMS"
        ),
        licence="CC0 (data); unvotes package MIT",
        description=(
            "One row per roll call of sessions 60-74 (Sept 2005 - Dec 2019): number of EU members "
            "on the day, how many of them voted yes/no/abstain, Russia's vote, and whether the "
            "roll call mentions Ukraine or Crimea."
        ),
        schema=UNGA_ROLLCALLS_SCHEMA,
        build=build_unga_rollcalls,
        caveats=(
            "Ends in December 2019 (no 2022 votes). Absences and non-voting are dropped in the "
            "source, so yes+no+abstain can be below eu_members."
        ),
    ),
    Extract(
        name="unga_ukraine_votes.csv",
        upstream=(UN_VOTES_FILE, UN_ROLL_CALLS_FILE, MEMBERSHIP_FILE),
        title="Votes of EU members, Russia and Ukraine on UNGA roll calls about Ukraine/Crimea",
        source="As unga_eu_rollcalls.csv",
        licence="CC0 (data); unvotes package MIT",
        description="One row per roll call and state; 'absent' = no vote recorded in the source.",
        schema=UNGA_UKRAINE_SCHEMA,
        build=build_unga_ukraine_votes,
        caveats="Roll calls chosen by the words Ukraine or Crimea in their title; ends Dec 2019.",
    ),
    Extract(
        name="unga_ideal_points_eu_russia.csv",
        upstream=(IDEAL_POINTS_FILE,),
        title="UN General Assembly ideal points of the EU28 states and Russia, sessions 60-74",
        source=(
            "Bailey, Strezhnev & Voeten (2017), 'Estimating dynamic state preferences from United "
            "Nations voting data', JCR 61(2):430-456; estimates of April 2020 "
            "(evoeten/United-Nations-General-Assembly-Votes-and-Ideal-Points commit a6dce7e, "
            "Output/IdealpointestimatesAll_Apr2020.csv)"
        ),
        licence="MIT (repository, (c) 2020 evoeten); cite Bailey, Strezhnev & Voeten 2017",
        description=(
            "One row per state (ISO alpha-2; EU28 and RU) and UNGA session 60-74: the year the "
            "session opens (2005-2019) and the ideal point (posterior mean, all votes)."
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
