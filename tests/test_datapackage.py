"""data/raw/datapackage.json is a valid Frictionless Data Package whose table schemas are the
pandera schemas of the extracts."""

from __future__ import annotations

import json

from frictionless import validate

from euclaims.extracts import extract_by_name
from euclaims.paths import MANIFEST_FILE
from euclaims.tableschema import licences, table_schema

MANIFEST = json.loads(MANIFEST_FILE.read_text())


def test_frictionless_validate_reports_no_error():
    report = validate(str(MANIFEST_FILE))
    errors = [error.message for task in report.tasks for error in task.errors] + [
        error.message for error in report.errors
    ]
    assert report.valid, errors[:10]


def test_each_resource_schema_is_generated_from_its_pandera_schema():
    for resource in MANIFEST["resources"]:
        extract = extract_by_name(resource["path"])
        assert resource["schema"] == table_schema(extract.schema), resource["path"]
        assert [f["name"] for f in resource["schema"]["fields"]] == list(extract.schema.columns)


def test_every_licence_has_a_name_and_a_title():
    for resource in MANIFEST["resources"]:
        assert resource["licenses"], resource["path"]
        for licence in resource["licenses"]:
            assert licence["name"] and licence["title"], resource["path"]


def test_licence_notes_map_to_named_licences():
    assert [entry["name"] for entry in licences("CC BY 4.0 (GESIS release)")] == ["CC-BY-4.0"]
    assert [
        e["name"] for e in licences("Project-authored facts; cited pages keep their terms")
    ] == ["CC-BY-4.0"]
    assert licences("SIPRI fair use: non-commercial")[0]["name"] == "other-terms"
    names = [e["name"] for e in licences("ODC-PDDL-1.0 (package); World Bank data CC BY 4.0")]
    assert names == ["ODC-PDDL-1.0", "CC-BY-4.0"]
