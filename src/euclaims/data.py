"""Raw data layer: the manifest of data/raw, verified loading, and extraction from upstream."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.errors

from .errors import DataError
from .extracts import ALL_EXTRACTS, extract_by_name
from .extracts.base import Extract, shared_reads, source_counts, to_csv_bytes
from .fileio import atomic_write_bytes, canonical_json, sha256_file
from .manifest import RESTORE_HINT, read_manifest, verify_file
from .paths import CURATED_DIR, MANIFEST_FILE, RAW_DIR, UPSTREAM_ENV, upstream_dir
from .rawdocs import convention_dates, raw_readme
from .tableschema import licences, table_schema

#: Files read through `load_raw` in this process, name -> sha256 (recorded in results.json).
INPUTS_READ: dict[str, str] = {}
#: Tables `load_raw` parsed and validated in this process, by file name and sha256 (with the
#: extract whose schema validated them): the same bytes give the same table, so a file read
#: again is checked against the manifest again but not parsed and validated again.
_VALIDATED: dict[tuple[str, str], tuple[Extract, pd.DataFrame]] = {}


def load_raw(name: str, raw_dir: Path = RAW_DIR, manifest: Path = MANIFEST_FILE) -> pd.DataFrame:
    """Load data/raw/<name> after checking its sha256 against the manifest and its schema."""
    path = Path(raw_dir) / name
    actual = verify_file(raw_dir, name, manifest)
    extract = extract_by_name(name)
    cached = _VALIDATED.get((name, actual))
    if cached is not None and cached[0] is extract:
        frame = cached[1].copy()  # the caller may change its table
    else:
        payload = path.read_bytes()
        frame = parse_and_validate(extract, payload, str(path))
        if hashlib.sha256(payload).hexdigest() == actual:  # not changed since verify_file
            _VALIDATED[(name, actual)] = extract, frame.copy()
    INPUTS_READ[name] = actual
    return frame


def source_titles(*names: str) -> str:
    """The sources of data/raw files as the manifest states them (for figure captions)."""
    from .manifest import read_manifest

    resources = read_manifest()
    titles = [source["title"] for name in names for source in resources[name].get("sources", [])]
    return "; ".join(dict.fromkeys(titles))


def parse_and_validate(extract: Extract, payload: bytes, where: str) -> pd.DataFrame:
    """Parse CSV bytes and validate them against the extract's schema."""
    if not payload.strip():
        raise DataError(f"{where}: file is empty; {RESTORE_HINT}")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = payload[: exc.start].count(b"\n") + 1
        raise DataError(f"{where}: line {line} is not valid UTF-8 (byte {exc.start})") from exc
    check_csv_shape(text, where)
    try:
        # Only empty cells are missing: strings such as "NA" (a party's short name) stay text.
        frame = pd.read_csv(
            io.StringIO(text), keep_default_na=False, na_values=[""], index_col=False
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{where}: not a readable CSV table ({exc})") from exc
    try:
        return extract.schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        raise DataError(f"{where}: schema violation\n{describe_schema_errors(exc)}") from exc


def check_csv_shape(text: str, where: str) -> None:
    """Every record has as many fields as the header, and no field spans lines (so a row number
    is a CSV line number in every message)."""
    rows = csv.reader(io.StringIO(text))
    header = next(rows, [])
    for row in rows:
        line = rows.line_num
        if any("\n" in field or "\r" in field for field in row):
            raise DataError(
                f"{where}: line {line}: a quoted field spans several lines; extracts keep each "
                f"record on one line. {RESTORE_HINT}"
            )
        if row and len(row) != len(header):
            raise DataError(
                f"{where}: line {line} has {len(row)} fields, the header {len(header)}. "
                f"{RESTORE_HINT}"
            )


def describe_schema_errors(exc: pandera.errors.SchemaErrors, limit: int = 10) -> str:
    """One line per failure: column, CSV line (header is line 1), check and offending value."""
    cases = exc.failure_cases
    lines = []
    dtype_failed = set(cases.loc[cases["check"].astype(str).str.startswith("dtype("), "column"])
    for row in cases.itertuples(index=False):
        check = str(row.check)
        if check == "column_in_dataframe":
            lines.append(f"  column '{row.failure_case}' is missing (the schema requires it)")
        elif check == "column_in_schema":
            lines.append(
                f"  column '{row.failure_case}' is not in the schema (unexpected extra column: "
                "remove it, or declare it in the extract's schema)"
            )
        elif row.column in dtype_failed and not check.startswith("dtype("):
            continue  # value checks on a column of the wrong type only repeat the type error
        else:
            index = getattr(row, "index", None)
            where = f"row {int(index) + 2}" if pd.notna(index) else "whole column"
            lines.append(
                f"  column '{row.column}', {where}: check {check} failed "
                f"(value {row.failure_case!r})"
            )
    shown = lines[:limit]
    if len(lines) > limit:
        shown.append(f"  ... and {len(lines) - limit} more")
    return "\n".join(shown) + f"\n  Fix the file or the extract code, or {RESTORE_HINT}."


def build_manifest(resources: list[dict[str, Any]]) -> dict[str, Any]:
    """A Frictionless Data Package descriptor for data/raw."""
    return {
        "name": "euclaims-raw-extracts",
        "title": "Tidy extracts of public datasets used by the euclaims compendium",
        "profile": "data-package",
        "resources": sorted(resources, key=lambda resource: resource["path"]),
    }


#: Generated beside the extracts: conventions and the list of tables.
RAW_README = "README.md"


def extract_all(
    upstream: Path | None = None,
    raw_dir: Path = RAW_DIR,
    manifest: Path = MANIFEST_FILE,
    accept_upstream_change: bool = False,
) -> list[str]:
    """Rebuild every extract from the upstream snapshots; returns the files written.

    Refuses (DataError), before building anything, when an upstream file's sha256 differs from
    the one the manifest recorded, unless `accept_upstream_change` is set.
    """
    upstream = Path(upstream) if upstream else upstream_dir()
    if not upstream.is_dir():
        raise DataError(
            f"upstream directory {upstream} not found; set {UPSTREAM_ENV} to the folder of "
            "the reference snapshots (e.g. ../shared/data)"
        )
    previous = read_manifest(manifest) if Path(manifest).exists() else {}
    # Every upstream file is checked against the manifest before any extract is built, so a
    # changed file is refused at once; a file several extracts read is hashed once.
    digests: dict[Path, str] = {}
    sums = {}
    for extract in ALL_EXTRACTS:
        upstream_sums = {}
        for relative in extract.upstream:
            source_path = upstream / relative
            if source_path not in digests:
                if not source_path.exists():
                    raise DataError(
                        f"{source_path}: upstream file missing (needed by {extract.name})"
                    )
                digests[source_path] = sha256_file(source_path)
            upstream_sums[relative] = digests[source_path]
        recorded = {
            item["path"]: item["sha256"]
            for item in previous.get(extract.name, {}).get("upstream", [])
        }
        changed = [p for p, s in upstream_sums.items() if p in recorded and recorded[p] != s]
        if changed and not accept_upstream_change:
            raise DataError(
                f"upstream file(s) {', '.join(changed)} changed since the manifest was written "
                f"(sha256 differs). Refusing to produce new numbers silently; inspect the change, "
                f"then run `python -m euclaims extract --accept-upstream-change`"
            )
        curated_sums = {}
        for relative in extract.curated:
            curated_path = CURATED_DIR / relative
            if not curated_path.exists():
                raise DataError(f"{curated_path}: curated table missing (needed by {extract.name})")
            curated_sums[f"data/curated/{relative}"] = sha256_file(curated_path)
        sums[extract.name] = upstream_sums, curated_sums
    resources, payloads = [], {}
    with shared_reads():  # extracts that read the same upstream file share one parse of it
        for extract in ALL_EXTRACTS:
            frame = extract.build(upstream)
            payload = to_csv_bytes(frame)
            parse_and_validate(extract, payload, f"extract {extract.name} (built from upstream)")
            payloads[extract.name] = payload
            resource = resource_descriptor(extract, payload, *sums[extract.name])
            resources.append({**resource, **(source_counts(frame) or {})})
    for name, payload in payloads.items():
        atomic_write_bytes(Path(raw_dir) / name, payload)
    atomic_write_bytes(Path(manifest), canonical_json(build_manifest(resources)).encode("utf-8"))
    rows = {name: payload.count(b"\n") - 1 for name, payload in payloads.items()}
    dates = convention_dates(
        pd.read_csv(io.BytesIO(payloads["member_states.csv"]), dtype=str),
        pd.read_csv(io.BytesIO(payloads["comext_eu_composition.csv"]), dtype=str),
    )
    readme = raw_readme(ALL_EXTRACTS, rows, dates).encode("utf-8")
    atomic_write_bytes(Path(raw_dir) / RAW_README, readme)
    for name in sorted(set(previous) - set(payloads)):
        (Path(raw_dir) / name).unlink(missing_ok=True)  # an extract no longer declared
    return [*sorted(payloads), RAW_README]


def resource_descriptor(
    extract: Extract,
    payload: bytes,
    upstream_sums: dict[str, str],
    curated_sums: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Frictionless resource entry with upstream provenance."""
    return {
        "name": extract.resource_name,
        "path": extract.name,
        "title": extract.title,
        "description": extract.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(payload),
        "hash": "sha256:" + hashlib.sha256(payload).hexdigest(),
        "sources": [{"title": extract.source}],
        "licenses": licences(extract.licence),
        "schema": table_schema(extract.schema),
        "caveats": extract.caveats,
        "upstream": [
            {"path": relative, "sha256": digest} for relative, digest in upstream_sums.items()
        ],
        "curated": [
            {"path": relative, "sha256": digest}
            for relative, digest in sorted((curated_sums or {}).items())
        ],
    }


def worldbank_series(worldbank: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Country, year and `columns` of worldbank_wdi_eu.csv, in the years where every one of the
    columns has a value (integer columns such as population as int64)."""
    rows = worldbank.dropna(subset=columns)[["country", "year", *columns]]
    integers = {c: "int64" for c in columns if str(rows[c].dtype) == "Int64"}
    return rows.astype(integers).reset_index(drop=True)
