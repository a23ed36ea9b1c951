"""The trade and macro data layer: one table per upstream series (Comtrade, World Bank, COW,
Eurostat, IEA), shared by every notebook that needs it, with domain checks that stop early."""

from __future__ import annotations

import pandas as pd
import pytest

from euclaims import after_2022, behaviour, hindsight, institutions, sanctions
from euclaims.data import load_raw
from euclaims.errors import DataError
from euclaims.extracts import ALL_EXTRACTS, base, comtrade, eurostat_trade, worldbank
from euclaims.params import load_params_file

SPECS = load_params_file()
#: shared table -> the notebooks that read it
CONSUMERS = {
    "comtrade_exports.csv": ["sanctions_consensus", "small_states_behaviour"],
    "worldbank_wdi_eu.csv": [
        "sanctions_consensus",
        "small_states_behaviour",
        "hindsight",
        "small_states_institutions",
        "after_2022",
    ],
    "cow_national_trade.csv": ["sanctions_consensus", "small_states_behaviour", "after_2022"],
    "cow_dyadic_trade_russia.csv": ["sanctions_consensus", "after_2022"],
    "eurostat_exports_russia_monthly.csv": ["after_2022"],
    "comext_eu_composition.csv": ["hindsight"],
    "eurostat_gas_imports.csv": ["sanctions_consensus"],
    "iea_crude_oil_imports.csv": ["sanctions_consensus"],
}
RETIRED = [
    "sanctions_comtrade_exports.csv", "comtrade_exports_russia_eu28.csv",
    "sanctions_gdp_worldbank.csv", "gdp_worldbank_2018_2023.csv",
    "worldbank_gdp_population_eu28.csv", "population_worldbank.csv",
    "hindsight_population_worldbank.csv", "wdi_growth_trade_eu28.csv",
    "sanctions_trade_baseline.csv", "cow_national_trade_eu28.csv",
    "hindsight_eu_composition_comext.csv", "sanctions_energy_imports.csv",
]  # fmt: skip


@pytest.fixture(scope="module")
def members() -> pd.DataFrame:
    return load_raw("member_states.csv")


def test_each_shared_table_is_declared_once_and_read_by_every_consumer():
    names = [extract.name for extract in ALL_EXTRACTS]
    for name, stems in CONSUMERS.items():
        assert names.count(name) == 1, name
        readers = sorted(stem for stem, spec in SPECS.items() if name in spec.inputs)
        assert readers == sorted(stems), name
    assert not set(RETIRED) & set(names)
    assert not any(set(RETIRED) & set(spec.inputs) for spec in SPECS.values())


def test_the_notebooks_read_the_same_world_bank_values():
    """GDP and population reach every analysis unrounded, from the one table."""
    table = load_raw("worldbank_wdi_eu.csv").set_index(["country", "year"])
    gdp = {
        "sanctions": sanctions.load_inputs().gdp,
        "behaviour": behaviour.load_inputs().macro,
        "institutions": institutions.load_inputs().gdp,
        "after_2022": after_2022.load_inputs().gdp,
    }
    for where, frame in gdp.items():
        values = frame.set_index(["country", "year"])["gdp_usd"]
        assert values.equals(table.loc[values.index, "gdp_usd"]), where
        assert (values != values.round(0)).any(), f"{where}: GDP rounded to whole dollars"
    population = hindsight.load_inputs().population_wb.set_index(["country", "year"])
    expected = table.loc[population.index, "population"].astype("int64")
    assert population["population"].equals(expected)
    assert population["population"].dtype == "int64"


def test_the_trade_baseline_joins_dyads_and_national_totals_without_a_copy():
    dyads = load_raw("cow_dyadic_trade_russia.csv")
    national = load_raw("cow_national_trade.csv")
    trade = sanctions.russia_trade_baseline(dyads, national)
    assert len(trade) == len(dyads)
    row = trade.set_index(["country", "year"]).loc[("DE", 2013)]
    total = national.set_index(["country", "year"]).loc[("DE", 2013), "exports_musd"]
    assert row["total_exports_musd"] == total
    assert "exports_musd" not in load_raw("cow_dyadic_trade_russia.csv").columns


def test_a_row_of_a_non_member_stops_with_file_column_and_row(members):
    table = pd.DataFrame({"country": ["AT", "US"], "year": [2014, 2014]})
    with pytest.raises(DataError, match=r"x.csv: column 'country', row 1: 'US' is not a member"):
        base.check_member_rows(table, members, file="x.csv")


def test_a_repeated_country_year_stops_naming_the_row():
    table = pd.DataFrame({"country": ["AT", "BE", "BE"], "year": [2014, 2014, 2014]})
    with pytest.raises(
        DataError, match=r"x.csv: row 1 repeats the key \(country='BE', year='2014'\)"
    ):
        base.check_unique_keys(table, ["country", "year"], file="x.csv")


def test_a_month_outside_membership_stops(members):
    ok = pd.DataFrame({"country": ["GB", "HR"], "month": ["2020-01", "2013-07"]})
    base.check_months_in_membership(ok, members, file="m.csv")
    for country, month in (("GB", "2020-02"), ("HR", "2013-06")):
        bad = pd.DataFrame({"country": ["AT", country], "month": ["2020-01", month]})
        with pytest.raises(DataError, match=rf"m.csv: column 'month', row 1: {country} {month}"):
            base.check_months_in_membership(bad, members, file="m.csv")


def write_comtrade(root, year, rows):
    path = root / comtrade.FILES[year]
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=["reporter", "partner", "value"]).assign(
        date=f"{year}-01-01"
    ).to_csv(path, index=False)


def test_an_unmapped_comtrade_reporter_stops_the_extract(tmp_path, members, monkeypatch):
    monkeypatch.setattr(comtrade, "FILES", {2014: "sanctions_trade/c2014.csv"})
    monkeypatch.setattr(comtrade, "read_member_states", lambda upstream: members)
    names = [name.replace("Czech Republic", "Czechia") for name in members["name"]]
    rows = [
        (n, p, 10.0)
        for n in [*names, "Russian Federation"]
        for p in ("World", "Russian Federation")
    ]
    write_comtrade(tmp_path, 2014, rows)
    table = comtrade.build_comtrade_exports(tmp_path)
    assert len(table) == 28 and set(table["year"]) == {2014}
    comtrade.SCHEMA.validate(table)
    misspelt = [(r.replace("Czechia", "Czechland"), p, v) for r, p, v in rows]
    write_comtrade(tmp_path, 2014, misspelt)
    with pytest.raises(DataError, match=r"c2014.csv: column 'reporter' has no name for .*CZ"):
        comtrade.build_comtrade_exports(tmp_path)
    no_world = [row for row in rows if not (row[0] == "Malta" and row[1] == "World")]
    write_comtrade(tmp_path, 2014, no_world)
    with pytest.raises(DataError, match=r"no exports to World for \['MT'\]"):
        comtrade.build_comtrade_exports(tmp_path)


def write_wdi(root, members, skip=None):
    for column, (_, relative) in worldbank.INDICATORS.items():
        value = 1234567 if column == "population" else 1234567.891234567
        rows = [
            {"Country Name": iso3, "Country Code": iso3, "Year": year, "Value": value}
            for iso3 in [*members["iso3"], "RUS"]
            for year in (2000, 2001)
            if iso3 != skip
        ]
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        pd.DataFrame(rows).to_csv(path, index=False)


def test_world_bank_values_are_kept_unrounded_and_a_missing_state_stops(
    tmp_path, members, monkeypatch
):
    monkeypatch.setattr(worldbank, "read_member_states", lambda upstream: members)
    write_wdi(tmp_path / "ok", members)
    table = worldbank.build_worldbank_wdi(tmp_path / "ok")
    assert len(table) == 28 * 2 and "RU" not in set(table["country"])
    assert (table["gdp_usd"] == 1234567.891234567).all()
    write_wdi(tmp_path / "gap", members, skip="MLT")
    with pytest.raises(DataError, match=r"column 'Country Code' has no rows for MT"):
        worldbank.build_worldbank_wdi(tmp_path / "gap")


def test_comext_labels_map_through_member_states(members):
    assert eurostat_trade.reporter_name("Ireland (Eire)") == "Ireland"
    labels = pd.Series(["Ireland", "Czechia", "Germany", "Russia"])
    codes = base.map_member_names(labels, members, file="c.csv", column="REPORTER", expect=[])
    assert codes.fillna("-").tolist() == ["IE", "CZ", "DE", "-"]
