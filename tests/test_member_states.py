"""The one member-state table and the code mappings every extract goes through."""

from __future__ import annotations

import pandas as pd
import pytest

from euclaims.data import load_raw
from euclaims.errors import DataError
from euclaims.extracts import base


@pytest.fixture(scope="module")
def members() -> pd.DataFrame:
    return load_raw("member_states.csv")


def test_every_convention_maps_to_one_iso2_code(members):
    assert len(members) == members["country"].nunique() == 28
    greece = members.set_index("country").loc["GR"]
    assert (greece["eu_code"], greece["iso3"]) == ("EL", "GRC")
    assert base.eu_code_to_iso2(pd.Series(["EL", "UK", "DE"]), members).tolist() == [
        "GR",
        "GB",
        "DE",
    ]
    assert base.iso3_to_iso2(pd.Series(["GBR", "USA"]), members).fillna("-").tolist() == ["GB", "-"]
    assert base.cow_to_iso2(pd.Series([255, 365]), members).fillna("-").tolist() == ["DE", "-"]


def test_names_map_with_aliases_and_an_unmapped_member_stops_the_extract(members, tmp_path):
    names = pd.Series([*members["name"].drop(members.index[members["country"] == "CZ"]), "Czechia"])
    codes = base.map_member_names(
        names, members, file=tmp_path / "x.csv", column="reporter", expect=list(members["country"])
    )
    assert codes.iloc[-1] == "CZ"
    misspelt = names.replace("Czechia", "Czechland")
    with pytest.raises(DataError, match=r"x.csv: column 'reporter' has no name for .*CZ"):
        base.map_member_names(
            misspelt, members, file=tmp_path / "x.csv", column="reporter", expect=["CZ"]
        )


def test_only_the_united_kingdom_has_left(members):
    left = members.dropna(subset=["exit_date"])
    assert left["country"].tolist() == ["GB"]
    assert (members["accession_date"] < members["exit_date"].fillna("9999")).all()
