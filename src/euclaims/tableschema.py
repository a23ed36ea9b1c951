"""Frictionless descriptors from the project's own definitions: Table Schemas generated from the
pandera schemas (one source of truth) and licences as {name, path, title}."""

from __future__ import annotations

import re
from typing import Any

import pandera.pandas as pa

#: pandera dtype (as text) -> Table Schema field type.
FIELD_TYPES = {"int64": "integer", "Int64": "integer", "float64": "number", "bool": "boolean"}
#: Licence of everything the project compiled itself (curated facts, derived tables).
PROJECT_LICENCE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 (the project's compilation)",
}
#: Recognised licence names in the extracts' licence notes, most specific first.
KNOWN_LICENCES = (
    ("ODC-PDDL-1.0", "ODC-PDDL-1.0", "https://opendatacommons.org/licenses/pddl/1-0/"),
    ("CC BY 4.0", "CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/"),
    ("CC0", "CC0-1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    ("Apache-2.0", "Apache-2.0", "https://www.apache.org/licenses/LICENSE-2.0"),
    ("GPL-2", "GPL-2.0", "https://www.gnu.org/licenses/old-licenses/gpl-2.0.html"),
    ("MIT", "MIT", "https://opensource.org/license/mit"),
)
PROJECT_MARKERS = ("project-authored", "compiled by the project")


def licences(note: str) -> list[dict[str, str]]:
    """Licence entries {name, path, title} for an extract's licence note.

    Every licence the note names is listed; a table the project compiled is under the project's
    licence; a note naming no open licence (terms of use, no licence stated) becomes one entry
    named `other-terms` whose title keeps the note, so the terms are never lost.
    """
    entries = []
    if any(marker in note.lower() for marker in PROJECT_MARKERS):
        entries.append({**PROJECT_LICENCE, "title": f"{PROJECT_LICENCE['title']}: {note}"})
    seen = {entry["name"] for entry in entries}
    for marker, name, path in KNOWN_LICENCES:
        if marker in note and name not in seen:
            entries.append({"name": name, "path": path, "title": note})
            seen.add(name)
    return entries or [{"name": "other-terms", "title": note}]


def field_type(column: pa.Column) -> str:
    return FIELD_TYPES.get(str(column.dtype), "string")


def table_schema(schema: pa.DataFrameSchema) -> dict[str, Any]:
    """Table Schema of a pandera DataFrameSchema: fields, types, required, patterns, keys."""
    fields = []
    for name, column in schema.columns.items():
        field: dict[str, Any] = {"name": name, "type": field_type(column)}
        constraints: dict[str, Any] = {}
        if not column.nullable:
            constraints["required"] = True
        if column.unique:
            constraints["unique"] = True
        for check in column.checks:
            statistics = getattr(check, "statistics", {}) or {}
            check_name = getattr(check, "name", "")
            if check_name == "str_matches" and field["type"] == "string":
                constraints["pattern"] = _full_pattern(str(statistics.get("pattern")))
            elif check_name == "isin":
                constraints["enum"] = sorted(map(str, statistics.get("allowed_values", [])))
            elif check_name == "greater_than_or_equal_to" or (
                check_name == "in_range"
                and statistics.get("include_min", True)
                and statistics.get("include_max", True)
            ):
                low = statistics.get("min_value")
                if low is not None:
                    constraints["minimum"] = low
                if statistics.get("max_value") is not None:
                    constraints["maximum"] = statistics["max_value"]
        if field["type"] == "string" and "enum" in constraints:
            constraints.pop("pattern", None)
        if field["type"] != "string":
            constraints.pop("enum", None)
        if field["type"] not in {"integer", "number"}:
            constraints.pop("minimum", None)
            constraints.pop("maximum", None)
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    descriptor: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    if schema.unique:
        keys = [schema.unique] if isinstance(schema.unique, str) else list(schema.unique)
        descriptor["primaryKey"] = keys
    return descriptor


def _full_pattern(pattern: str) -> str:
    """Table Schema patterns match the whole value; pandera's str_matches anchors at the start."""
    body = re.sub(r"^\^", "", pattern)
    return body.removesuffix("$") if body.endswith("$") else f"(?:{body}).*"
