"""The Council-vote, veto, EUMS and Eurostat-population extracts: one shared table per upstream
dataset, read by every consumer, with membership checks that stop on a bad row."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from euclaims import after_2022, behaviour, hindsight, institutions, sanctions
from euclaims.data import load_raw
from euclaims.errors import DataError
from euclaims.extracts import ALL_EXTRACTS, base, council_votes, eums, vetoes
from euclaims.paths import PROJECT_ROOT, upstream_dir

needs_upstream = pytest.mark.skipif(
    not upstream_dir().is_dir(), reason="upstream snapshots not found (set EUCLAIMS_UPSTREAM)"
)
OLD_NAMES = (
    "council_public_votes.csv",
    "council_votes_dissent.csv",
    "hindsight_council_votes.csv",
    "council_vote_positions.csv",
    "hindsight_eu_vetoes.csv",
)


@pytest.fixture(scope="module")
def members() -> pd.DataFrame:
    return load_raw("member_states.csv")


@pytest.fixture()
def upstream(tmp_path: Path) -> Path:
    """A throw-away upstream folder holding the real member-state files."""
    for relative in (base.MEMBER_STATES_FILE, base.COW_CODES_FILE):
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(upstream_dir() / relative, target)
    return tmp_path


def write_votes(upstream: Path, **columns: list[str]) -> None:
    rows = {
        "decision_date": ["2012-01-02", "2011-05-05"],
        "policy_area": ["Justice and Home Affairs", "Missing"],
        "council_configuration": ["", ""],
        "voting_rule": ["qualified majority", "unanimity"],
        "in_favor": ["AT, FR", "DE, UK"],
        "against": ["UK, DE", ""],
        "abstained": ["", "EL"],
        "not_participating": ["", ""],
        "interinstitutional_code": ["2011/0001 (COD)", ""],
        "vote_procedure_id": ["7", "3"],
        "documents": ["REGULATION on asylum and cross-border visas", ""],
    }
    path = upstream / council_votes.COUNCIL_VOTES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({**rows, **columns}).to_csv(path, index=False)


# --- one shared table, read by every consumer ---------------------------------------------------


def test_every_consumer_reads_the_shared_tables():
    assert sanctions.FILES["council"] == "council_votes.csv"
    assert behaviour.FILES["votes"] == "council_votes.csv"
    assert hindsight.INPUT_FILES["council"] == "council_votes.csv"
    assert institutions.FILES["council_votes"] == "council_votes.csv"
    assert hindsight.INPUT_FILES["vetoes"] == "eu_vetoes.csv"
    declared = {extract.name for extract in ALL_EXTRACTS}
    assert {"council_votes.csv", "eu_vetoes.csv"} <= declared
    assert not declared & set(OLD_NAMES)
    notebooks = sorted((PROJECT_ROOT / "notebooks").glob("*.ipynb"))
    for path in [PROJECT_ROOT / "params.yaml", PROJECT_ROOT / "claims.yaml", *notebooks]:
        text = path.read_text()
        assert not [old for old in OLD_NAMES if old in text], path.name
    inputs = yaml.safe_load((PROJECT_ROOT / "params.yaml").read_text())
    for stem in ("sanctions_consensus", "small_states_behaviour", "hindsight"):
        assert "council_votes.csv" in inputs[stem]["inputs"], stem


def test_the_shared_table_has_what_each_consumer_reads(members):
    table = load_raw("council_votes.csv")
    votes = behaviour.dissent_columns(table)
    assert votes.columns.tolist() == [
        "vote_id", "decision_date", "voting_rule", "against", "abstained"
    ]  # fmt: skip
    assert 0 < sanctions.uncontested_share(table, 2016, 2017) < 1
    assert len(hindsight.migration_votes(table, "keywords")) > 0
    positions = institutions.member_positions(table, members)
    assert set(positions["position"]) == set(council_votes.POSITIONS)
    listed = council_votes.explode_positions(table)
    assert len(positions) == len(listed)  # every listed state was a member on the day
    eu_vetoes = load_raw("eu_vetoes.csv")
    in_scope = after_2022.vetoes_in_scope(eu_vetoes, "sanctions", "2022-02-24")
    assert len(in_scope) > 0 and in_scope["country"].isin(members["country"]).all()


def test_one_code_convention_in_the_position_lists():
    table = load_raw("council_votes.csv")
    for column in (*council_votes.POSITIONS, "non_members_listed"):
        codes = table[column].dropna().str.split(";")
        assert codes.map(lambda c: c == sorted(c)).all(), column
        assert not codes.explode().isin(["EL", "UK"]).any(), column


# --- the extract on small upstream files ------------------------------------------------------


@needs_upstream
def test_council_votes_extract_recodes_sorts_and_flags(upstream):
    write_votes(upstream, in_favor=["AT, FR, HR", "DE, UK"])  # HR before its accession
    table = council_votes.build_council_votes(upstream)
    assert table["vote_procedure_id"].tolist() == [3, 7]
    assert table["against"].tolist()[1] == "DE;GB" and pd.isna(table["against"].iloc[0])
    assert table["abstained"].iloc[0] == "GR"
    assert table["in_favor"].tolist() == ["DE;GB", "AT;FR"]
    assert table["non_members_listed"].fillna("").tolist() == ["", "HR"]
    assert table["policy_area"].isna().tolist() == [True, False]
    assert table["procedure"].fillna("").tolist() == ["", "COD"]
    assert table["migration_keywords"].fillna("").tolist() == ["", "asylum;visa"]
    council_votes.COUNCIL_VOTES_SCHEMA.validate(table)


@needs_upstream
def test_an_unknown_member_code_stops_the_extract(upstream):
    write_votes(upstream, against=["UK, XX", ""])
    with pytest.raises(DataError, match=r"column 'against', row vote_procedure_id=7: code 'XX'"):
        council_votes.build_council_votes(upstream)
    write_votes(upstream, against=["AT", ""])  # AT also in favour on vote 7
    with pytest.raises(DataError, match=r"vote_procedure_id=7 lists AT in more than one"):
        council_votes.build_council_votes(upstream)


def test_membership_check_rejects_a_non_member_position(members):
    table = pd.DataFrame(
        {
            "vote_procedure_id": [1, 2],
            "decision_date": ["2012-12-18", "2020-03-01"],
            **{p: None for p in council_votes.POSITIONS},
        }
    )
    table["in_favor"] = ["DE;FR", "DE;FR"]
    council_votes.check_positions_membership(table, members, "council_votes.csv")
    early = table.assign(in_favor=["DE;HR", "DE"])
    with pytest.raises(
        DataError,
        match=r"council_votes.csv: column 'in_favor', row vote_procedure_id=1: HR was not an EU "
        r"member on 2012-12-18",
    ):
        council_votes.check_positions_membership(early, members, "council_votes.csv")
    late = table.assign(against=[None, "GB"])
    with pytest.raises(DataError, match=r"column 'against', row vote_procedure_id=2: GB was not"):
        council_votes.check_positions_membership(late, members, "council_votes.csv")


def test_schema_rejects_a_state_in_two_positions():
    table = load_raw("council_votes.csv").head(3).copy()
    table.loc[0, "against"] = table.loc[0, "in_favor"].split(";")[0]
    with pytest.raises(Exception, match="a state is listed in two positions"):
        council_votes.COUNCIL_VOTES_SCHEMA.validate(table)


@needs_upstream
def test_a_veto_by_a_non_member_stops_the_extract(upstream):
    path = upstream / vetoes.VETOES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    header = "\ufeffdate_veto;ms_veto;issue;issue_country;source;\n"
    good = "2016-05-01;HU;migration;;https://example.org/a;\n"
    path.write_text(header + good, encoding="utf-8")
    assert vetoes.build_vetoes(upstream)["country"].tolist() == ["HU"]
    path.write_text(header + good + "1999-06-01;HR;sanctions;RU;https://example.org/b;\n")
    with pytest.raises(
        DataError, match=r"ovadek_eu_vetoes.csv: column 'ms_veto', row row=3: HR was not an EU"
    ):
        vetoes.build_vetoes(upstream)


@needs_upstream
def test_ep_seats_and_nice_weights_map_codes_through_member_states(upstream):
    folder = upstream / "defence_institutions" / "member_states"
    pd.DataFrame({"code": ["EL", "UK"], "t2014": [21, 73], "t2020": [21, 0]}).to_csv(
        folder / "ep_seats_by_term.csv", index=False
    )
    seats = eums.build_ep_seats(upstream)
    assert seats[["country", "term", "seats"]].values.tolist() == [
        ["GB", 2014, 73], ["GR", 2014, 21], ["GR", 2020, 21]
    ]  # fmt: skip
    pd.DataFrame({"code": ["EL", "YU"], "t2014": [21, 9]}).to_csv(
        folder / "ep_seats_by_term.csv", index=False
    )
    with pytest.raises(DataError, match=r"ep_seats_by_term.csv: column 'code', row 3: code 'YU'"):
        eums.build_ep_seats(upstream)


@needs_upstream
def test_nice_weights_stop_on_an_unmapped_coresize_name(upstream):
    for relative in (eums.QMV_WEIGHTS_FILE, eums.CORESIZE_FILE):
        shutil.copy(upstream_dir() / relative, upstream / relative)
    assert eums.build_nice_weights(upstream)["votes"].sum() == 352
    path = upstream / eums.CORESIZE_FILE
    coresize = pd.read_csv(path)
    coresize["country"] = coresize["country"].replace("Czech Republic", "Czechland")
    coresize["country"] = coresize["country"].replace("Czechia", "Czechland")
    coresize.to_csv(path, index=False)
    with pytest.raises(DataError, match=r"coresize_eucouncil_weights.csv: column 'country' .*CZ"):
        eums.build_nice_weights(upstream)


def test_procedure_code_variants():
    assert council_votes.procedure_code("2014/0167 (COD)") == "COD"
    assert council_votes.procedure_code("2016/0357B COD") == "COD"
    assert council_votes.procedure_code("2021/0215  (COD)") == "COD"
    assert council_votes.procedure_code("2018/0225(CNS)") == "CNS"
    assert council_votes.procedure_code("") is None


def test_migration_keywords_skip_cross_border_acts():
    assert council_votes.migration_keywords("on cross-border exchange of information") is None
    found = council_votes.migration_keywords("external borders and visas; Eurodac")
    assert found == "border;eurodac;visa"
