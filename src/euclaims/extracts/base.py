"""The Extract record and the deterministic CSV writer shared by all domain modules."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import pandera.pandas as pa

from ..errors import DataError

#: The EUMS member-state table (EU27 + UK): codes, names, accession and exit dates.
MEMBER_STATES_FILE = "defence_institutions/member_states/eums_member_states.csv"
#: Voeten's UN ideal points carry both COW state codes (`ccode`) and ISO alpha-3 (`iso3c`).
COW_CODES_FILE = "sanctions_trade/voeten_IdealpointestimatesAll_Apr2020.csv"

#: Spellings upstream datasets use for a member state where they differ from EUMS's English name.
NAME_ALIASES = {
    "Czechia": "CZ",
    "Slovak Republic": "SK",
    "Germany (until 1990 former territory of the FRG)": "DE",
}

ISO2 = r"^[A-Z]{2}$"
DATE = r"^\d{4}-\d{2}-\d{2}$"

# --- one read of each upstream file per extraction run --------------------------------------------

#: Results of the `shared_read` functions inside `shared_reads()`, by function and arguments.
_SHARED: dict[tuple[Any, ...], Any] | None = None
_Read = TypeVar("_Read", bound=Callable[..., Any])


@contextmanager
def shared_reads() -> Iterator[None]:
    """Inside the block, each `shared_read` function reads and parses an upstream file once
    (several extracts use the same file); every caller gets its own copy of the result. Outside
    it, every call reads the file afresh."""
    global _SHARED
    outer = _SHARED
    _SHARED = {} if outer is None else outer
    try:
        yield
    finally:
        if outer is None:
            for value in _SHARED.values():
                if isinstance(value, pd.ExcelFile):
                    value.close()
        _SHARED = outer


def _fresh(value: Any) -> Any:
    """A copy a caller may change without changing the shared result."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy()
    if isinstance(value, dict):
        return {key: _fresh(item) for key, item in value.items()}
    return value


def shared_read(function: _Read) -> _Read:
    """Decorator: `function(*args)` (hashable arguments) computed once inside `shared_reads()`."""

    @functools.wraps(function)
    def wrapper(*args: Any) -> Any:
        if _SHARED is None:
            return function(*args)
        key = (function.__module__, function.__qualname__, *args)
        if key not in _SHARED:
            _SHARED[key] = function(*args)
        return _fresh(_SHARED[key])

    return wrapper  # type: ignore[return-value]


def read_sheet(path: Path, **options: Any) -> pd.DataFrame:
    """`pd.read_excel(path, **options)`; inside `shared_reads()` the workbook is loaded once
    and each sheet parsed from it into a new frame."""
    if _SHARED is None:
        return pd.read_excel(path, **options)
    key = ("workbook", path)
    if key not in _SHARED:
        _SHARED[key] = pd.ExcelFile(path)  # closed when the block ends
    return pd.read_excel(_SHARED[key], **options)


@shared_read
def read_member_states(upstream: Path) -> pd.DataFrame:
    """EU27 + UK from EUMS: ISO2 `country`, EU `eu_code` (EL, UK), `iso3`, `cow_code`, English
    `name`, `accession_date`, `exit_date` (empty if still a member); one row per state."""
    path = upstream / MEMBER_STATES_FILE
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    table = pd.DataFrame(
        {
            "country": raw["iso_alpha_2_code"],
            "eu_code": raw["member_state_code"],
            "iso3": raw["iso_alpha_3_code"],
            "name": raw["member_state"],
            "accession_date": raw["accession_date"],
            "exit_date": raw["exit_date"].replace("", None),
        }
    )
    # Germany has two codes (260 West Germany to 1990, 255 since): take each state's latest.
    cow = pd.read_csv(upstream / COW_CODES_FILE, usecols=["ccode", "iso3c", "session"]).dropna()
    latest = cow.sort_values("session").drop_duplicates("iso3c", keep="last")
    cow_by_iso3 = latest.set_index("iso3c")["ccode"].astype("int64")
    table.insert(3, "cow_code", table["iso3"].map(cow_by_iso3).astype("Int64"))
    missing = table.loc[table["cow_code"].isna(), "iso3"].tolist()
    if missing:
        raise DataError(
            f"{upstream / COW_CODES_FILE}: no COW code (ccode) for {', '.join(missing)}; "
            "check that the ideal-point snapshot is complete"
        )
    return table.sort_values("country", ignore_index=True)


def name_to_iso2(members: pd.DataFrame) -> dict[str, str]:
    """Every known spelling of a member state's name -> ISO alpha-2 (EUMS names and aliases)."""
    return {**dict(zip(members["name"], members["country"], strict=True)), **NAME_ALIASES}


def map_member_names(
    names: pd.Series, members: pd.DataFrame, *, file: Path, column: str, expect: list[str]
) -> pd.Series:
    """ISO alpha-2 per name (NaN for non-members); stops if a state in `expect` has no name in
    the column, which means the upstream spells it in a way NAME_ALIASES does not know."""
    codes = names.map(name_to_iso2(members))
    absent = sorted(set(expect) - set(codes.dropna()))
    if absent:
        raise DataError(
            f"{file}: column '{column}' has no name for member state(s) {', '.join(absent)}; "
            "if the upstream spells them differently, add the spelling to "
            "euclaims.extracts.base.NAME_ALIASES"
        )
    return codes


def eu_code_to_iso2(codes: pd.Series, members: pd.DataFrame) -> pd.Series:
    """EU/Eurostat codes (EL, UK) -> ISO alpha-2 (GR, GB); other codes pass unchanged."""
    return codes.replace(dict(zip(members["eu_code"], members["country"], strict=True)))


def iso3_to_iso2(codes: pd.Series, members: pd.DataFrame) -> pd.Series:
    """ISO alpha-3 -> alpha-2 for member states; NaN for any other code."""
    return codes.map(dict(zip(members["iso3"], members["country"], strict=True)))


def cow_to_iso2(codes: pd.Series, members: pd.DataFrame) -> pd.Series:
    """Correlates of War state codes -> ISO alpha-2 for member states; NaN otherwise."""
    by_code = dict(zip(members["cow_code"].astype("int64"), members["country"], strict=True))
    return codes.map(by_code)


def members_on(countries: pd.Series, dates: pd.Series, members: pd.DataFrame) -> pd.Series:
    """Whether each state was a member on the date: accession_date <= date < exit_date (ISO
    dates compare as text); False for a code that is not in the member-state table."""
    by_code = members.set_index("country")
    accession = countries.map(by_code["accession_date"])
    exit_date = countries.map(by_code["exit_date"])
    return accession.notna() & (accession <= dates) & (exit_date.isna() | (dates < exit_date))


def check_members_on(
    frame: pd.DataFrame, members: pd.DataFrame, *, file: str, country: str, date: str, key: str
) -> None:
    """Stop, naming file, column and row (by `key`), at the first row whose `country` was not a
    member on its `date` (e.g. a Croatian position before 2013-07-01, a British one after exit)."""
    bad = frame[~members_on(frame[country], frame[date], members)]
    if not bad.empty:
        row = bad.iloc[0]
        raise DataError(
            f"{file}: column '{country}', row {key}={row[key]}: {row[country]} was not an EU "
            f"member on {row[date]} ({len(bad)} such row(s)); check member_states.csv's "
            "accession/exit dates or flag the row instead of listing it as a member"
        )


def check_members_on_date(
    table: pd.DataFrame, members: pd.DataFrame, *, file: str, others: tuple[str, ...] = ()
) -> None:
    """Stop at the first row whose `country` was not an EU member on its `date` (states in
    `others`, and non-members the table keeps on purpose, pass)."""
    allowed = members_on(table["country"], table["date"], members) | table["country"].isin(others)
    if not allowed.all():
        row = int((~allowed).to_numpy().argmax())
        country, date = table["country"].iloc[row], table["date"].iloc[row]
        raise DataError(
            f"{file}: row {row + 2}: column country is {country}, not an EU member on "
            f"{date} (member_states.csv accession/exit dates); drop the row or fix the date"
        )


def state_year_schema(year: pa.Check, **values: pa.Column) -> pa.DataFrameSchema:
    """Schema of a member-state x year table: ISO2 `country`, integer `year` (checked by
    `year`), then the value columns, in this order and no other; one row per state and year."""
    return pa.DataFrameSchema(
        {
            "country": pa.Column(str, pa.Check.str_matches(ISO2)),
            "year": pa.Column("int64", year),
            **values,
        },
        strict=True,
        ordered=True,
        unique=["country", "year"],
    )


@dataclass(frozen=True)
class Extract:
    """One tidy table in data/raw, derived from one upstream snapshot file."""

    name: str
    upstream: tuple[str, ...]
    title: str
    source: str
    licence: str
    description: str
    schema: pa.DataFrameSchema
    build: Callable[[Path], pd.DataFrame]  # takes the upstream root directory
    caveats: str = ""
    #: Project-authored tables under data/curated/ (each row with a `source`) merged in by `build`.
    curated: tuple[str, ...] = ()

    @property
    def resource_name(self) -> str:
        return Path(self.name).stem.replace("_", "-")


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Deterministic CSV bytes: UTF-8, LF line ends, no index, shortest float repr."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


# --- sources of the project's fact tables (reference_facts and data/curated) ---------------------

#: Kinds of source a fact row can rest on, most authoritative first.
SOURCE_KINDS = ("official_act", "official_page", "dataset", "press", "encyclopedia")
#: The kinds that count as an official source.
OFFICIAL_KINDS = ("official_act", "official_page")

#: Host (or host suffix) -> kind; the first matching entry wins, so specific hosts come first.
SOURCE_HOSTS = (
    ("eur-lex.europa.eu", "official_act"),
    ("data.europa.eu", "official_act"),  # ELI identifiers of Official Journal acts
    ("legislation.gov.uk", "official_act"),  # the UK National Archives' copy of the OJ text
    ("europa.eu", "official_page"),  # consilium, european-council, ec, eeas, eda, rapid, ...
    ("public.lu", "official_page"),  # Luxembourg government portal
    ("kremlin.ru", "official_page"),
    ("russiaeu.ru", "official_page"),  # Permanent Mission of Russia to the EU
    ("dataverse.harvard.edu", "dataset"),
    ("doi.org", "dataset"),
    ("wikipedia.org", "encyclopedia"),
    ("wikimili.com", "encyclopedia"),  # Wikipedia mirrors
    ("infogalactic.com", "encyclopedia"),
    ("zxc.wiki", "encyclopedia"),
    ("findatwiki.com", "encyclopedia"),
    ("the-uncensored-wiki.com", "encyclopedia"),
    ("iiab.live", "encyclopedia"),
    ("movatter.jp", "encyclopedia"),
    ("hawaiilibrary.net", "encyclopedia"),
    ("wmcloud.org", "encyclopedia"),
    ("wikiwand.com", "encyclopedia"),
    ("wikizero.com", "encyclopedia"),
    ("thefullwiki.org", "encyclopedia"),
    ("en-academic.com", "encyclopedia"),
    ("memim.com", "encyclopedia"),
    ("nina.az", "encyclopedia"),
    ("worldlibrary.net", "encyclopedia"),
)
#: Council presidency sites (eu2004.nl, eu2017.ee, ...) are official pages.
PRESIDENCY_HOST = re.compile(r"^eu20\d\d\.[a-z]{2}$")


def source_host(url: str) -> str:
    """The host of a page address, lower case, without 'www.' and port ('' if none)."""
    match = re.match(r"^\s*https?://([^/?#]+)", url, flags=re.IGNORECASE)
    if not match:
        return ""
    host = match.group(1).lower().rsplit("@", 1)[-1].split(":", 1)[0]
    return host.removeprefix("www.")


def url_source_kind(url: str) -> str:
    """The kind of one page address by its host (press when no rule matches)."""
    host = source_host(url)
    if PRESIDENCY_HOST.match(host):
        return "official_page"
    for suffix, kind in SOURCE_HOSTS:
        if host == suffix or host.endswith("." + suffix):
            return kind
    if "wiki" in host or host.startswith("kiwix."):
        return "encyclopedia"  # Wikipedia mirrors under other names
    return "press"


def source_kind(source: str) -> str:
    """The most authoritative kind among the ' ; '-separated addresses of a `source` cell."""
    parts = re.split(r"\s*;\s*(?=https?://)", source)
    urls = [part.strip() for part in parts if part.strip().startswith("http")]
    if not urls:
        return "press"
    return min((url_source_kind(url) for url in urls), key=SOURCE_KINDS.index)


def check_source_kinds(table: pd.DataFrame, where: str) -> None:
    """Every row has a `source` and a known `source_kind` no more authoritative than its
    addresses show (an official kind needs an official address); DataError names the rows."""
    for column in ("source", "source_kind"):
        if column not in table.columns:
            raise DataError(f"{where}: column '{column}' is missing (every fact row needs it)")
    problems = []
    for index, row in table.iterrows():
        line = f"row {index + 2}"
        if not str(row["source"]).strip():
            problems.append(f"{line}: empty source")
        elif row["source_kind"] not in SOURCE_KINDS:
            problems.append(
                f"{line}: source_kind {row['source_kind']!r} is not one of {SOURCE_KINDS}"
            )
        elif SOURCE_KINDS.index(row["source_kind"]) < SOURCE_KINDS.index(
            source_kind(row["source"])
        ):
            problems.append(
                f"{line}: source_kind {row['source_kind']!r} but its addresses are at best "
                f"{source_kind(row['source'])!r}"
            )
    if problems:
        raise DataError(
            f"{where}: " + "; ".join(problems[:10]) + ". Fix the row's source or source_kind."
        )


def read_curated(path: Path) -> pd.DataFrame:
    """A data/curated table as text (empty cells ''), its sources checked."""
    if not path.exists():
        raise DataError(f"{path}: curated table missing (restore it from git)")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    check_source_kinds(table, str(path))
    return table


def source_counts(table: pd.DataFrame) -> dict[str, int | float] | None:
    """Fact rows of a table with a `source_kind` column, how many rest on an official source and
    the share (None for a table without source kinds)."""
    if "source_kind" not in table.columns:
        return None
    rows = len(table)
    official = int(table["source_kind"].isin(OFFICIAL_KINDS).sum())
    return {
        "curated_rows": rows,
        "official_rows": official,
        "official_source_share": official / rows if rows else 0.0,
    }


# --- domain checks shared by the per-state extracts ----------------------------------------------


def check_member_rows(table: pd.DataFrame, members: pd.DataFrame, *, file: str) -> None:
    """Stops at the first row whose `country` is not an EU27 + UK state of member_states."""
    bad = table.index[~table["country"].isin(members["country"])]
    if len(bad):
        row = bad[0]
        raise DataError(
            f"{file}: column 'country', row {row}: {table.at[row, 'country']!r} is not a member "
            "state in member_states.csv; map the upstream code through read_member_states"
        )


def check_unique_keys(table: pd.DataFrame, keys: list[str], *, file: str) -> None:
    """Stops naming the first duplicated key (e.g. one row per country and year)."""
    duplicated = table.index[table.duplicated(keys, keep=False)]
    if len(duplicated):
        row = duplicated[0]
        key = ", ".join(f"{k}={str(table.at[row, k])!r}" for k in keys)
        raise DataError(
            f"{file}: row {row} repeats the key ({key}); one row per {' and '.join(keys)}"
        )


def check_months_in_membership(table: pd.DataFrame, members: pd.DataFrame, *, file: str) -> None:
    """Stops at the first row of a month (column `month`, YYYY-MM) in which the state was not a
    member: before the month of its accession_date or after the month of its exit_date."""
    by_country = members.set_index("country")
    accession = table["country"].map(by_country["accession_date"]).str[:7]
    exit_month = table["country"].map(by_country["exit_date"]).str[:7]
    outside = (table["month"] < accession) | (exit_month.notna() & (table["month"] > exit_month))
    if outside.any():
        row = table.index[outside][0]
        raise DataError(
            f"{file}: column 'month', row {row}: {table.at[row, 'country']} "
            f"{table.at[row, 'month']} falls outside its EU membership in member_states.csv; "
            "drop the row or flag it"
        )
