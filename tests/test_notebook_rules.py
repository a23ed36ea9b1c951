"""Notebooks are thin narratives: no function definitions, no facts typed into code cells."""

from __future__ import annotations

import ast
import json
import re

import pytest

from euclaims.analyses import has_evaluate
from euclaims.paths import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
DATE_OR_YEAR = re.compile(r"^(19|20)\d\d(-\d\d(-\d\d)?)?$")


def code_cells(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for number, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "code" and "parameters" not in cell["metadata"].get("tags", []):
            yield number, "".join(cell["source"])


def typed_facts(source: str) -> list[str]:
    """Year-like integers and year/date strings among the constants of a code cell."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2099:
                found.append(repr(value))
            elif isinstance(value, str) and DATE_OR_YEAR.match(value.strip()):
                found.append(repr(value))
    return found


def test_the_checker_finds_years_and_dates():
    assert typed_facts('f(2017, "2018-03-01", x_2017, "R/68/262", 12)') == ["2017", "'2018-03-01'"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_date_or_year_literal_outside_the_parameters_cell(path):
    if not has_evaluate(path.stem):
        pytest.skip(f"{path.stem} is not yet thinned onto evaluate() (issue 12 open for it)")
    offending = {n: facts for n, source in code_cells(path) if (facts := typed_facts(source))}
    assert not offending, f"{path.name}: cells with typed dates/years {offending}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_function_definitions_in_notebooks(path):
    if not has_evaluate(path.stem):
        pytest.skip(f"{path.stem} is not yet thinned onto evaluate() (issue 12 open for it)")
    defined = [
        number
        for number, source in code_cells(path)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda)
    ]
    assert not defined, f"{path.name}: function or class definitions in cells {defined}"
