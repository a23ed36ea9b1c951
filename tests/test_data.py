"""data/raw: manifest, checksums, schemas, and byte-identical re-extraction."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from euclaims.data import extract_all, load_raw
from euclaims.errors import DataError
from euclaims.extracts import ALL_EXTRACTS
from euclaims.manifest import read_manifest
from euclaims.paths import MANIFEST_FILE, RAW_DIR, upstream_dir


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    target = tmp_path / "raw"
    shutil.copytree(RAW_DIR, target)
    return target


def rewrite(raw: Path, name: str, payload: bytes, update_manifest: bool = True) -> None:
    """Replace a raw file; optionally record its new sha256 so the schema check is reached."""
    (raw / name).write_bytes(payload)
    if update_manifest:
        manifest = json.loads((raw / "datapackage.json").read_text())
        for resource in manifest["resources"]:
            if resource["path"] == name:
                resource["hash"] = "sha256:" + hashlib.sha256(payload).hexdigest()
        (raw / "datapackage.json").write_text(json.dumps(manifest))


def load(raw: Path, name: str):
    return load_raw(name, raw_dir=raw, manifest=raw / "datapackage.json")


def test_every_declared_extract_is_committed_and_verified():
    resources = read_manifest()
    assert sorted(resources) == sorted(e.name for e in ALL_EXTRACTS)
    for name, resource in resources.items():
        # a purely project-curated table (data/curated) has no upstream snapshot
        assert resource["sources"] and resource["licenses"]
        assert resource["upstream"] or resource["curated"], name
        frame = load_raw(name)
        assert len(frame) > 0


def test_a_table_loaded_again_is_verified_again_and_handed_out_as_a_copy(raw_copy):
    first = load(raw_copy, "member_states.csv")
    first.loc[0, "name"] = "changed"  # a caller changing its table
    again = load(raw_copy, "member_states.csv")
    assert again.loc[0, "name"] != "changed"
    assert again.equals(load_raw("member_states.csv"))
    path = raw_copy / "population_eurostat.csv"
    load(raw_copy, path.name)
    original = path.read_bytes()
    rewrite(raw_copy, path.name, original.replace(b"8351643", b"8351644"), False)
    with pytest.raises(DataError, match=r"population_eurostat.csv: sha256 .* does not match"):
        load(raw_copy, path.name)
    rewrite(raw_copy, path.name, original.replace(b",8507786,", b",-8507786,"))
    with pytest.raises(DataError, match=r"column 'population', row 6: check greater_than"):
        load(raw_copy, path.name)


def test_missing_file_names_it_and_how_to_restore(raw_copy):
    (raw_copy / "population_eurostat.csv").unlink()
    with pytest.raises(DataError, match=r"population_eurostat.csv: file is missing.*make extract"):
        load(raw_copy, "population_eurostat.csv")


def test_checksum_mismatch_refuses(raw_copy):
    path = raw_copy / "population_eurostat.csv"
    rewrite(raw_copy, path.name, path.read_bytes().replace(b"8351643", b"8351644"), False)
    with pytest.raises(DataError, match=r"population_eurostat.csv: sha256 .* does not match"):
        load(raw_copy, path.name)


def test_truncated_file_fails_checksum(raw_copy):
    path = raw_copy / "member_states.csv"
    rewrite(raw_copy, path.name, path.read_bytes()[:100], False)
    with pytest.raises(DataError, match="member_states.csv: sha256"):
        load(raw_copy, path.name)


def test_empty_file_is_named(raw_copy):
    rewrite(raw_copy, "member_states.csv", b"")
    with pytest.raises(DataError, match="member_states.csv: file is empty"):
        load(raw_copy, "member_states.csv")


def test_wrong_type_names_column_and_row(raw_copy):
    text = (raw_copy / "population_eurostat.csv").read_text()
    lines = text.splitlines(keepends=True)
    lines[3] = lines[3].replace("8408121", "lots")  # CSV line 4
    rewrite(raw_copy, "population_eurostat.csv", "".join(lines).encode())
    with pytest.raises(DataError, match=r"column 'population'.*int64"):
        load(raw_copy, "population_eurostat.csv")


def test_out_of_range_value_names_column_and_line(raw_copy):
    text = (raw_copy / "population_eurostat.csv").read_text()
    lines = text.splitlines(keepends=True)
    lines[5] = lines[5].replace(",8507786,", ",-8507786,")
    assert "-8507786" in lines[5]
    rewrite(raw_copy, "population_eurostat.csv", "".join(lines).encode())
    with pytest.raises(DataError, match=r"column 'population', row 6: check greater_than"):
        load(raw_copy, "population_eurostat.csv")


def test_missing_column_is_named(raw_copy):
    text = (raw_copy / "member_states.csv").read_text().splitlines()
    dropped = "\n".join(",".join(line.split(",")[:3]) for line in text) + "\n"
    rewrite(raw_copy, "member_states.csv", dropped.encode())
    with pytest.raises(DataError, match="exit_date"):
        load(raw_copy, "member_states.csv")


def test_extra_column_is_an_error(raw_copy):
    text = (raw_copy / "member_states.csv").read_text().splitlines()
    extra = "\n".join(line + (",extra" if i == 0 else ",1") for i, line in enumerate(text)) + "\n"
    rewrite(raw_copy, "member_states.csv", extra.encode())
    with pytest.raises(DataError, match="extra"):
        load(raw_copy, "member_states.csv")


def test_duplicate_key_is_named(raw_copy):
    text = (raw_copy / "population_eurostat.csv").read_text()
    lines = text.splitlines(keepends=True)
    rewrite(raw_copy, "population_eurostat.csv", "".join(lines + [lines[1]]).encode())
    with pytest.raises(DataError, match="population_eurostat.csv: schema violation"):
        load(raw_copy, "population_eurostat.csv")


def test_non_utf8_bytes_name_the_line(raw_copy):
    payload = (raw_copy / "member_states.csv").read_bytes().replace(b"Austria", b"\xff\xfestria")
    rewrite(raw_copy, "member_states.csv", payload)
    with pytest.raises(DataError, match=r"member_states.csv: line \d+ is not valid UTF-8"):
        load(raw_copy, "member_states.csv")


@pytest.mark.skipif(
    not upstream_dir().is_dir(),
    reason=f"upstream snapshots not found at {upstream_dir()} (set EUCLAIMS_UPSTREAM)",
)
def test_extraction_reproduces_committed_extracts_byte_for_byte(tmp_path):
    manifest = tmp_path / "datapackage.json"
    shutil.copy(MANIFEST_FILE, manifest)
    written = extract_all(raw_dir=tmp_path, manifest=manifest)
    for name in written + ["datapackage.json"]:
        assert (tmp_path / name).read_bytes() == (RAW_DIR / name).read_bytes(), name


@pytest.mark.skipif(not upstream_dir().is_dir(), reason="upstream snapshots not found")
def test_changed_upstream_file_is_refused(tmp_path):
    manifest = tmp_path / "datapackage.json"
    package = json.loads(MANIFEST_FILE.read_text())
    resource = next(r for r in package["resources"] if r["upstream"])  # not a curated-only one
    resource["upstream"][0]["sha256"] = "0" * 64
    manifest.write_text(json.dumps(package))
    changed = resource["upstream"][0]["path"]
    with pytest.raises(DataError, match=f"upstream file\\(s\\) {changed} changed"):
        extract_all(raw_dir=tmp_path, manifest=manifest)
    assert not (tmp_path / resource["path"]).exists()


def test_raw_readme_states_the_conventions_and_lists_every_table():
    from euclaims.extracts import ALL_EXTRACTS

    text = (RAW_DIR / "README.md").read_text(encoding="utf-8")
    assert "## Conventions" in text and "YYYY-MM-DD" in text and "ISO 3166-1 alpha-2" in text
    listed = {line.split("`")[3] for line in text.splitlines() if line.startswith("| `")}
    assert listed == {extract.name for extract in ALL_EXTRACTS}


def test_raw_readme_dates_come_from_the_member_state_table():
    import pandas as pd

    from euclaims.rawdocs import convention_dates

    members = pd.DataFrame(
        {
            "country": ["AA", "BB", "CC"],
            "accession_date": ["1960-01-01", "1990-05-01", "1960-01-01"],
            "exit_date": [None, None, "2001-02-03"],
        }
    )
    composition = pd.DataFrame({"accession_month": ["1961-03", "1990-05"]})
    assert convention_dates(members, composition) == {
        "founding_date": "1960-01-01",
        "latest": "BB",
        "latest_date": "1990-05-01",
        "leaver": "CC",
        "exit_date": "2001-02-03",
        "comext_founding_month": "03/1961",
    }
