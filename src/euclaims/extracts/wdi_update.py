"""Extract of the 2026 WDI update: real GDP growth and trade in goods and services, EU28."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .base import Extract
from .behaviour import EU28_ISO3

FOLDER = "update_2026/wdi_eu28"
#: WDI indicator -> (upstream file, column of the tidy table).
INDICATORS = {
    "NY.GDP.MKTP.KD.ZG": (f"{FOLDER}/ny.gdp.mktp.kd.zg.csv", "gdp_growth_pct"),
    "NE.EXP.GNFS.ZS": (f"{FOLDER}/ne.exp.gnfs.zs.csv", "exports_gs_pct_gdp"),
    "NE.IMP.GNFS.ZS": (f"{FOLDER}/ne.imp.gnfs.zs.csv", "imports_gs_pct_gdp"),
}
#: First and last year kept (the folder's filter starts in 1995; the vintage ends in 2025).
YEARS = (1995, 2025)


def _indicator(upstream: Path, relative: str, column: str) -> pd.DataFrame:
    """One indicator for the EU28 in YEARS as country (ISO2), year, `column`."""
    path = upstream / relative
    raw = pd.read_csv(path)
    missing = [name for name in ("Country Code", "Year", "Value") if name not in raw.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
    iso2 = {iso3: iso2 for iso2, iso3 in EU28_ISO3.items()}
    rows = raw[raw["Country Code"].isin(iso2) & raw["Year"].between(*YEARS)]
    empty = rows[rows["Value"].isna()]
    if len(empty):
        first = empty.iloc[0]
        raise ValueError(
            f"{path}: empty Value for {first['Country Code']} {first['Year']} "
            f"({len(empty)} empty cell(s) among the EU28 rows)"
        )
    return pd.DataFrame(
        {
            "country": rows["Country Code"].map(iso2),
            "year": rows["Year"].astype("int64"),
            column: rows["Value"].astype("float64"),
        }
    )


def build_wdi_growth_trade(upstream: Path) -> pd.DataFrame:
    """Real GDP growth (%) and exports and imports of goods and services (% of GDP), EU28,
    1995-2025; fails naming the state-year when the panel has a gap."""
    table = None
    for relative, column in INDICATORS.values():
        frame = _indicator(upstream, relative, column)
        table = frame if table is None else table.merge(frame, on=["country", "year"], how="outer")
    expected = pd.MultiIndex.from_product(
        [sorted(EU28_ISO3), range(YEARS[0], YEARS[1] + 1)], names=["country", "year"]
    )
    present = pd.MultiIndex.from_frame(table.dropna()[["country", "year"]])
    absent = expected.difference(present)
    if len(absent):
        first = ", ".join(f"{c} {y}" for c, y in list(absent)[:5])
        raise ValueError(
            f"WDI update ({FOLDER}): no value for {len(absent)} state-year(s), e.g. {first}"
        )
    return table.sort_values(["country", "year"], ignore_index=True)


WDI_GROWTH_TRADE_SCHEMA = pa.DataFrameSchema(
    {
        "country": pa.Column(str, pa.Check.isin(sorted(EU28_ISO3))),
        "year": pa.Column("int64", pa.Check.in_range(*YEARS)),
        "gdp_growth_pct": pa.Column("float64", pa.Check.in_range(-50, 50)),
        "exports_gs_pct_gdp": pa.Column("float64", pa.Check.gt(0)),
        "imports_gs_pct_gdp": pa.Column("float64", pa.Check.gt(0)),
    },
    strict=True,
    ordered=True,
    unique=["country", "year"],
)

EXTRACTS = (
    Extract(
        name="wdi_growth_trade_eu28.csv",
        upstream=tuple(relative for relative, _ in INDICATORS.values()),
        title=(
            "Real GDP growth and exports and imports of goods and services (% of GDP), EU28 "
            "states, 1995-2025 (World Bank WDI)"
        ),
        source=(
            "World Bank, World Development Indicators NY.GDP.MKTP.KD.ZG, NE.EXP.GNFS.ZS and "
            "NE.IMP.GNFS.ZS, via github.com/datasets/world-development-indicators (commit "
            "4ebec5a, indicators/<code>/data.csv, automated update of 2026-07-01)"
        ),
        licence="CC BY 4.0 (World Bank WDI terms; cite 'World Bank, World Development Indicators')",
        description=(
            "One row per EU28 state and year: annual GDP growth at constant prices (%), exports "
            "and imports of goods and services (% of GDP). Row filter only, values unchanged."
        ),
        schema=WDI_GROWTH_TRADE_SCHEMA,
        build=build_wdi_growth_trade,
        caveats=(
            "WDI vintage of 2026-07-01; the 2024-2025 values are the latest and the most likely "
            "to be revised. Trade in goods and services (% of GDP) here is exports + imports of "
            "this vintage; the Our World in Data copy of NE.TRD.GNFS.ZS in the same folder (Jan "
            "2025 vintage) is not used and differs by revisions (e.g. Luxembourg 2022, Malta "
            "2020, Ireland 2013-2016). The UK is included for all years; membership is not "
            "encoded. Growth of constant-price GDP in US$ at 2015 prices (no exchange-rate swings)."
        ),
    ),
)
