"""The UNGA, SIPRI, EDA, NATO, ParlGov, PopuList and Eurobarometer extracts: shared tables feed
every consumer, domain checks stop bad rows, names map through member_states."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest

from euclaims import data, params
from euclaims.errors import DataError
from euclaims.extracts import (
    ALL_EXTRACTS,
    base,
    eurobarometer,
    populist,
    sipri,
    unga,
    unga_ukraine_votes,
)
from euclaims.paths import upstream_dir

NA = pd.NA
EXTRACTS_DIR = Path(unga.__file__).parent
MODULES = ("unga", "unga_ukraine_votes", "sipri", "eda", "nato", "parlgov", "populist",
           "eurobarometer", "levada")  # fmt: skip
MEMBERS = pd.DataFrame(
    {
        "country": ["AA", "HR", "GB"],
        "eu_code": ["AA", "HR", "UK"],
        "iso3": ["AAA", "HRV", "GBR"],
        "cow_code": [1, 344, 200],
        "name": ["Aland", "Croatia", "United Kingdom"],
        "accession_date": ["1958-01-01", "2013-07-01", "1973-01-01"],
        "exit_date": [None, None, "2020-01-31"],
    }
)


@pytest.mark.parametrize("module", MODULES)
def test_extract_modules_import_only_base(module):
    tree = ast.parse((EXTRACTS_DIR / f"{module}.py").read_text(encoding="utf-8"))
    siblings = [
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module != "base"
    ]
    assert siblings == []
    source = (EXTRACTS_DIR / f"{module}.py").read_text(encoding="utf-8")
    assert "EU28_NAME_TO_ISO2" not in source and "EU_TO_ISO2" not in source


def test_shared_tables_feed_every_consumer():
    specs = params.load_params_file()
    consumers = {
        "unga_ukraine_votes.csv": {"sanctions_consensus", "hindsight"},
        "unga_eu_rollcalls.csv": {"sanctions_consensus", "hindsight"},
        "sipri_milex_eu.csv": {"defence_integration", "after_2022"},
        "parlgov_elections.csv": {"hindsight"},
        "populist_parties.csv": {"hindsight"},
    }
    for name, stems in consumers.items():
        assert {s for s, spec in specs.items() if name in spec.inputs} >= stems, name
    names = {extract.name for extract in ALL_EXTRACTS}
    for old in ("hindsight_unga_ukraine_votes.csv", "hindsight_populist_flags.csv",
                "hindsight_populist_parties.csv", "hindsight_parlgov_elections.csv"):  # fmt: skip
        assert old not in names
        assert all(old not in spec.inputs for spec in specs.values())


def test_one_populist_table_holds_all_four_families():
    table = data.load_raw("populist_parties.csv")
    assert set(table["family"]) == set(populist.FAMILIES.values())
    assert ((table["start"] < populist.NEVER) | (table["start_nobl"] < populist.NEVER)).all()
    assert not table.duplicated(["family", "country", "party_name"]).any()


def test_session_years_come_from_the_roll_call_dates():
    rollcalls = data.load_raw("unga_eu_rollcalls.csv")
    ideal = data.load_raw("unga_ideal_points_eu_russia.csv")
    first = rollcalls.groupby("session")["date"].min().str[:4].astype(int)
    pairs = ideal[["session", "year"]].drop_duplicates().set_index("session")["year"]
    assert pairs.to_dict() == first.to_dict()
    assert ideal["session"].max() == rollcalls["session"].max()


def test_session_years_stop_when_a_session_has_no_autumn_vote():
    calls = pd.DataFrame(
        {"session": [60, 61, 62], "date": ["2005-10-01", "2007-02-01", "2007-10-01"]}
    )
    with pytest.raises(DataError, match="session\\(s\\) 61"):
        unga.session_years(calls)


def test_ukraine_roll_calls_match_titles_not_cosponsor_lists():
    calls = pd.DataFrame(
        {
            "rcid": [1, 2, 3, 4],
            "session": [68, 72, 73, 59],
            "date": pd.to_datetime(["2014-03-27", "2017-12-11", "2018-12-17", "2004-01-01"]),
            "unres": ["R/68/262", "A/RES/72/131", "R/73/194", "R/58/1"],
            "short": ["ARMED CONFLICTS", NA, "Problem of Crimea : resolution", "Crimea"],
            "descr": [
                "Territorial integrity of Ukraine : resolution",
                "Black Sea cooperation : resolution" + " x" * 120 + " sponsors: Armenia, Ukraine",
                "x",
                "Crimea",
            ],
        }
    )
    table = unga.tidy_roll_calls(calls)
    assert list(table.loc[table["ukraine_related"], "rcid"]) == [1, 3]
    assert list(table["unres"]) == ["A/RES/68/262", "A/RES/72/131", "A/RES/73/194"]
    assert table.loc[0, "title"] == "Territorial integrity of Ukraine"
    assert table.loc[2, "title"] == "Problem of Crimea"


def test_members_by_call_lists_the_members_of_the_day_in_call_order():
    calls = pd.DataFrame({"rcid": [7, 3, 9], "date": ["2020-01-31", "2013-07-01", "2013-06-30"]})
    pairs = unga.members_by_call(MEMBERS, calls)
    assert list(pairs.itertuples(index=False, name=None)) == [
        (7, "AA"), (7, "HR"), (3, "AA"), (3, "HR"), (3, "GB"), (9, "AA"), (9, "GB"),
    ]  # fmt: skip


def test_shared_reads_parse_a_file_once_and_hand_out_copies(tmp_path):
    reads = []

    @base.shared_read
    def read(path):
        reads.append(path)
        return pd.DataFrame({"x": [1, 2]})

    read(tmp_path)
    with base.shared_reads():
        first = read(tmp_path)
        first.loc[0, "x"] = 99  # a caller changing its copy
        assert read(tmp_path)["x"].tolist() == [1, 2]
        assert len(reads) == 2
        read(tmp_path / "other")
    read(tmp_path)
    assert reads == [tmp_path, tmp_path, tmp_path / "other", tmp_path]


def test_membership_check_names_file_column_and_row():
    rows = pd.DataFrame(
        {"country": ["AA", "RU", "HR"], "date": ["2012-01-01", "2012-01-01", "2012-01-01"]}
    )
    with pytest.raises(DataError, match=r"votes\.rda: row 4: column country is HR"):
        base.check_members_on_date(rows, MEMBERS, file="votes.rda", others=("RU",))
    base.check_members_on_date(rows.iloc[:2], MEMBERS, file="votes.rda", others=("RU",))
    after_brexit = pd.DataFrame({"country": ["GB"], "date": ["2020-02-24"]})
    with pytest.raises(DataError, match="GB"):
        base.check_members_on_date(after_brexit, MEMBERS, file="x.csv")


def test_no_member_vote_outside_membership_in_the_vote_tables():
    members = data.load_raw("member_states.csv")
    for name, others in (("unga_ukraine_votes.csv", ("RU", "UA")),
                         ("unga_ukraine_votes_2014_2025.csv", ("RU",))):  # fmt: skip
        base.check_members_on_date(data.load_raw(name), members, file=name, others=others)


def test_post_2022_votes_agree_with_unvotes_where_they_overlap():
    """Same conventions (ISO2, A/RES/ symbols, yes/no/abstain/absent); on the one roll call of
    both (68/262, 2014) every state's vote is the same."""
    old = data.load_raw("unga_ukraine_votes.csv")
    new = data.load_raw("unga_ukraine_votes_2014_2025.csv")
    shared = sorted(set(old["unres"]) & set(new["resolution"]))
    assert shared == ["A/RES/68/262"]
    assert set(new["vote"].dropna()) <= set(old["vote"])
    merged = new.merge(
        old, left_on=["resolution", "date", "country"], right_on=["unres", "date", "country"],
        suffixes=("_new", "_unvotes"),
    )  # fmt: skip
    assert len(merged) == len(new[new["resolution"] == shared[0]])
    assert (merged["vote_new"] == merged["vote_unvotes"]).all()


def write_2022_votes(root: Path, rows: str) -> None:
    path = root / unga_ukraine_votes.VOTES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("resolution,date,iso3,country,vote,source,note\n" + rows, encoding="utf-8")


def member_states_upstream(root: Path) -> None:
    """The real EUMS and Voeten files under a temporary upstream root (links, not copies)."""
    for relative in (base.MEMBER_STATES_FILE, base.COW_CODES_FILE):
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(upstream_dir() / relative)


def test_2022_votes_stop_on_an_unmapped_state_and_a_non_member_vote(tmp_path):
    member_states_upstream(tmp_path)
    write_2022_votes(tmp_path, "A/RES/ES-11/1,2022-03-02,NOR,Norway,Y,page,\n")
    with pytest.raises(DataError, match="row 2: column iso3 'NOR'"):
        unga_ukraine_votes.build_unga_ukraine(tmp_path)
    write_2022_votes(tmp_path, "A/RES/ES-11/1,2022-03-02,GBR,United Kingdom,Y,page,\n")
    with pytest.raises(DataError, match="column country is GB, not an EU member on 2022-03-02"):
        unga_ukraine_votes.build_unga_ukraine(tmp_path)


def test_an_unmapped_name_stops_the_sipri_extract(tmp_path):
    member_states_upstream(tmp_path)
    real = pd.read_csv(upstream_dir() / sipri.SIPRI_FILE)
    renamed = real.replace({"country": {"Slovakia": "Slovakland"}})
    path = tmp_path / sipri.SIPRI_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    renamed.to_csv(path, index=False)
    with pytest.raises(DataError, match="column 'country' has no name for member state.*SK"):
        sipri.build_sipri(tmp_path)


def test_eurobarometer_schema_rejects_a_code_outside_iso2():
    table = data.load_raw("eurobarometer_2015_common_defence.csv")
    assert "GR" in set(table["geo"]) and "EL" not in set(table["geo"])
    bad = table.copy()
    bad.loc[0, "geo"] = "Greece"
    with pytest.raises(Exception, match="geo"):
        eurobarometer.EUROBAROMETER_SCHEMA.validate(bad)
