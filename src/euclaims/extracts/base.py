"""The Extract record and the deterministic CSV writer shared by all domain modules."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataError

#: ISO 3166 alpha-2 codes are used throughout; Eurostat and the EU use EL and UK.
EU_TO_ISO2 = {"EL": "GR", "UK": "GB"}

#: English short names of the EU28 (as spelled by UN Comtrade and SIPRI) -> ISO 3166 alpha-2.
EU28_NAME_TO_ISO2 = {
    "Austria": "AT", "Belgium": "BE", "Bulgaria": "BG", "Croatia": "HR", "Cyprus": "CY",
    "Czechia": "CZ", "Denmark": "DK", "Estonia": "EE", "Finland": "FI", "France": "FR",
    "Germany": "DE", "Greece": "GR", "Hungary": "HU", "Ireland": "IE", "Italy": "IT",
    "Latvia": "LV", "Lithuania": "LT", "Luxembourg": "LU", "Malta": "MT", "Netherlands": "NL",
    "Poland": "PL", "Portugal": "PT", "Romania": "RO", "Slovakia": "SK", "Slovenia": "SI",
    "Spain": "ES", "Sweden": "SE", "United Kingdom": "GB",
}  # fmt: skip


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
