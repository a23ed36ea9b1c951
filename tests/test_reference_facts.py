"""The reference-facts layer: source kinds, curated corrections, shared PESCO tables, summits."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from euclaims import hindsight
from euclaims.errors import DataError
from euclaims.extracts import base, curated
from euclaims.extracts import reference_facts as rf
from euclaims.paths import CURATED_DIR, upstream_dir


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("https://eur-lex.europa.eu/legal-content/EN/ALL/?uri=celex%3A32023D0995", "official_act"),
        ("http://data.europa.eu/eli/dec/2019/1909/oj", "official_act"),
        ("https://www.consilium.europa.eu/en/press/", "official_page"),
        ("https://defence-industry-space.ec.europa.eu/x", "official_page"),
        ("https://www.eu2017.ee/news/press-releases/x", "official_page"),
        ("http://www.eu2004.nl/default.asp?CMS_ITEM=x", "official_page"),
        ("https://mirror.wmcloud.org/x", "encyclopedia"),
        ("https://owiki.org/wiki/Juncker_Commission", "encyclopedia"),
        ("https://dataverse.harvard.edu/dataset.xhtml?persistentId=doi:10.7910/DVN/0", "dataset"),
        ("https://en.wikipedia.org/wiki/Synaspismos", "encyclopedia"),
        ("https://wikimili.com/en/Juncker_Commission", "encyclopedia"),
        ("https://euobserver.com/x", "press"),
        ("https://evil.example/eur-lex.europa.eu", "press"),  # the host decides, not the path
        ("https://noteuropa.eu/x", "press"),
        ("Council conclusions of 18 May 2017", "press"),  # no address at all
        # several addresses: the most authoritative one decides
        ("https://en.wikipedia.org/wiki/X ; https://eur-lex.europa.eu/eli/dec/1", "official_act"),
        ("https://euobserver.com/x;https://en.wikipedia.org/wiki/Y", "press"),
    ],
)  # fmt: skip
def test_source_kind_by_host(source: str, kind: str):
    assert base.source_kind(source) == kind


def test_check_source_kinds_refuses_an_official_kind_without_an_official_address():
    table = pd.DataFrame(
        {
            "source": ["https://euobserver.com/x", "https://eur-lex.europa.eu/y", ""],
            "source_kind": ["official_act", "official_act", "press"],
        }
    )
    with pytest.raises(DataError, match=r"row 2: source_kind 'official_act'.*row 4: empty source"):
        base.check_source_kinds(table, "t.csv")
    table.loc[0, "source_kind"] = "press"  # a kind below what the address shows is allowed
    base.check_source_kinds(table.iloc[:2], "t.csv")
    with pytest.raises(DataError, match="not one of"):
        base.check_source_kinds(table.assign(source_kind="blog").iloc[:1], "t.csv")


def test_every_curated_table_records_a_valid_source_kind():
    for path in sorted(CURATED_DIR.glob("*.csv")):
        base.read_curated(path)  # raises DataError naming the file and rows


def test_source_counts_share_of_official_rows():
    table = pd.DataFrame({"source_kind": ["official_act", "official_page", "press", "dataset"]})
    assert base.source_counts(table) == {
        "curated_rows": 4, "official_rows": 2, "official_source_share": 0.5,
    }  # fmt: skip
    assert base.source_counts(pd.DataFrame({"x": [1]})) is None


UPSTREAM_MEMBERS = pd.DataFrame(
    {
        "country": ["AA", "DK", "MT"],
        "name": ["A", "Denmark", "Malta"],
        "joined_date": ["2017-12-11", "2023-05", ""],
        "csdp_opt_out_ended_date": ["", "", ""],
        "source": [
            "https://euobserver.com/a",
            "https://news.example/dk",
            "https://news.example/mt",
        ],
        "notes": ["", "month only", ""],
    }
)


def test_correct_rows_replaces_fields_and_keeps_the_upstream_source():
    fixes = pd.DataFrame(
        {
            "country": ["DK", "AA"],
            "joined_date": ["2023-05-23", "2017-12-11"],
            "csdp_opt_out_ended_date": ["2022-07-01", ""],
            "source": ["https://eur-lex.europa.eu/x", "https://www.eu2017.ee/y"],
            "source_kind": ["official_act", "official_page"],
            "notes": ["Decision 2023/1015", "same date"],
        }
    )
    table = rf.correct_rows(
        UPSTREAM_MEMBERS, fixes, "country", ["joined_date", "csdp_opt_out_ended_date"]
    ).set_index("country")
    assert table.loc["DK", "joined_date"] == "2023-05-23"
    assert table.loc["DK", "csdp_opt_out_ended_date"] == "2022-07-01"
    assert table.loc["DK", "source"] == "https://eur-lex.europa.eu/x ; https://news.example/dk"
    assert table.loc["DK", "source_kind"] == "official_act"
    assert table.loc["DK", "origin"] == "reference_facts, corrected"
    assert table.loc["DK", "notes"] == "Decision 2023/1015; upstream note: month only"
    assert table.loc["AA", "origin"] == "reference_facts, source added"
    assert (
        table.loc["MT", "source_kind"] == "press" and table.loc["MT", "origin"] == "reference_facts"
    )


def test_pesco_membership_rejects_a_correction_of_an_unknown_state(tmp_path: Path):
    upstream = tmp_path / "up" / "reference_facts"
    upstream.mkdir(parents=True)
    pd.DataFrame(
        {"member_state": ["Denmark"], "iso2": ["DK"], "joined_date": ["2023-05"],
         "source": ["https://news.example/dk"], "notes": [""]}
    ).to_csv(upstream / "pesco_membership.csv", index=False)  # fmt: skip
    fixes = tmp_path / "curated"
    fixes.mkdir()
    pd.DataFrame(
        {"country": ["XX"], "joined_date": ["2023-05-23"], "csdp_opt_out_ended_date": [""],
         "source": ["https://eur-lex.europa.eu/x"], "source_kind": ["official_act"], "notes": [""]}
    ).to_csv(fixes / "pesco_membership.csv", index=False)  # fmt: skip
    with pytest.raises(DataError, match=r"\['XX'\] are not in reference_facts/pesco_membership"):
        rf.build_pesco_membership(tmp_path / "up", fixes)


def test_shared_pesco_membership_has_full_official_dates():
    table = rf.build_pesco_membership(upstream_dir())
    table = table.set_index("country")
    assert table.loc["DK", "joined_date"] == "2023-05-23"  # Council Decision (CFSP) 2023/1015
    assert table["joined_date"].dropna().str.len().eq(10).all()
    assert table["source_kind"].isin(base.OFFICIAL_KINDS).sum() == 26  # all but Malta
    assert pd.isna(table.loc["MT", "joined_date"])


def test_project_roles_are_one_row_per_project_and_member():
    projects = pd.DataFrame(
        {"project": ["P1", "P2"], "coordinator": ["DE", ""], "participants": ["FR;DE", "IT"]}
    )
    roles = rf.project_roles(projects)
    assert roles.to_dict("records") == [
        {"project": "P1", "country": "DE", "role": "coordinator"},
        {"project": "P1", "country": "FR", "role": "participant"},
        {"project": "P2", "country": "IT", "role": "participant"},
    ]


def test_waves_must_agree_with_the_projects_on_decision_and_date():
    waves = pd.DataFrame(
        {"wave": ["5"], "council_adoption_date": ["2023-05-23"],
         "council_decision": ["Council Decision (CFSP) 2023/995"], "projects_added": ["11"],
         "projects_in_place_reported": [""], "source": ["https://eur-lex.europa.eu/x"],
         "source_kind": ["official_act"], "notes": [""]}
    )  # fmt: skip
    projects = pd.DataFrame(
        {"project": ["ATT"], "wave": ["5"], "council_adoption_date": ["2023-05-22"],
         "council_decision": ["Council Decision (CFSP) 2023/995"]}
    )  # fmt: skip
    with pytest.raises(DataError, match="wave 5 council_adoption_date '2023-05-23' differs"):
        rf.merge_waves(waves, projects, "pesco_waves.csv")
    fixed = rf.merge_waves(waves.assign(council_adoption_date="2023-05-22"), projects, "w")
    assert fixed["projects_named"].tolist() == [1]


def test_summit_correction_replaces_the_announced_row():
    upstream = pd.DataFrame(
        {"summit_no": ["", "32"], "date_start": ["2012-12-21", "2014-01-28"],
         "date_end": ["", ""], "place": ["Brussels", "Brussels"], "country_iso2": ["BE", "BE"],
         "status": ["announced", "held (last summit)"],
         "source": ["https://interfax.com/x", "https://russiaeu.ru/en/russia-eu-summits"],
         "notes": ["", ""]}
    )  # fmt: skip
    fixes = pd.DataFrame(
        {"summit_no": ["30"], "date_start": ["2012-12-20"], "date_end": ["2012-12-21"],
         "place": ["Brussels"], "country_iso2": ["BE"], "status": ["held"],
         "replaces_date_start": ["2012-12-21"], "source": ["https://euobserver.com/x"],
         "source_kind": ["press"], "notes": ["held"]}
    )  # fmt: skip
    table = rf.merge_summits(upstream, fixes)
    assert table["status"].tolist() == ["held", "held (last summit)"]
    assert table["origin"].tolist() == ["reference_facts, corrected", "reference_facts"]
    assert table["source_kind"].tolist() == ["press", "official_page"]
    with pytest.raises(DataError, match="matches no row"):
        rf.merge_summits(upstream, fixes.assign(replaces_date_start="2012-12-01"))


def test_hindsight_reads_the_shared_membership_table_as_events():
    membership = pd.DataFrame(
        {"country": ["AA", "DK", "MT"], "joined_date": ["2017-12-11", "2023-05-23", None],
         "csdp_opt_out_ended_date": [None, "2022-07-01", None]}
    )  # fmt: skip
    events = hindsight.pesco_events(membership)
    assert events.fillna("").to_dict("records") == [
        {"country": "AA", "event": "pesco_joined", "date": "2017-12-11"},
        {"country": "DK", "event": "csdp_opt_out_ended", "date": "2022-07-01"},
        {"country": "DK", "event": "pesco_joined", "date": "2023-05-23"},
        {"country": "MT", "event": "pesco_non_participant", "date": ""},
    ]
    assert hindsight.opt_out_states(events) == ["DK"]
    assert hindsight.pesco_participants_on(events, "2023-05-22") == ["AA"]


def test_instruments_need_an_official_source(tmp_path: Path):
    table = pd.read_csv(
        CURATED_DIR / "eu_defence_instruments.csv", dtype=str, keep_default_na=False
    )
    table.loc[0, ["source", "source_kind"]] = ["https://news.example/x", "press"]
    table.to_csv(tmp_path / "eu_defence_instruments.csv", index=False)
    with pytest.raises(DataError, match=r"rows \[2\] have no official source"):
        curated.build_instruments(tmp_path, tmp_path)
