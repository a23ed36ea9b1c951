"""Notebook parameters: declarations in params.yaml, validation before any kernel starts."""

from __future__ import annotations

import ast
import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from .errors import ParameterError
from .paths import NOTEBOOKS_DIR, PARAMS_FILE
from .yamlload import load_yaml

#: Parameters every notebook has, set by the pipeline rather than by the user.
PIPELINE_PARAMETERS = ("output_dir",)
TYPES = ("int", "float", "str", "bool", "date")


@dataclass(frozen=True)
class ParameterSpec:
    """One declared parameter: its type, default and allowed values."""

    name: str
    type: str
    default: Any
    min: float | None = None
    max: float | None = None
    choices: tuple[Any, ...] | None = None
    help: str = ""
    #: alternative value -> one-line reason why it is a defensible choice (the multiverse)
    alternatives: dict[Any, str] = field(default_factory=dict)

    @property
    def values(self) -> list[Any]:
        """The default first, then every alternative: the values this choice takes."""
        return [self.default, *(v for v in self.alternatives if v != self.default)]


@dataclass(frozen=True)
class NotebookSpec:
    """What params.yaml says about one notebook."""

    stem: str
    title: str
    inputs: tuple[str, ...]
    parameters: dict[str, ParameterSpec]

    @property
    def defaults(self) -> dict[str, Any]:
        return {name: spec.default for name, spec in self.parameters.items()}


def load_params_file(path: Path = PARAMS_FILE) -> dict[str, NotebookSpec]:
    """Read and check params.yaml; errors name the notebook and parameter at fault."""
    try:
        raw = load_yaml(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ParameterError(f"{path}: file not found; restore it from git") from exc
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path}: not valid YAML ({exc}); fix the syntax") from exc
    if not isinstance(raw, dict) or not raw:
        raise ParameterError(f"{path}: expected a mapping of notebook stems to sections")
    return {stem: _notebook_spec(path, stem, section) for stem, section in raw.items()}


def _notebook_spec(path: Path, stem: str, section: Any) -> NotebookSpec:
    where = f"{path}: notebook '{stem}'"
    if not isinstance(section, dict):
        raise ParameterError(f"{where}: expected a mapping with title, inputs, parameters")
    unknown = set(section) - {"title", "inputs", "parameters"}
    if unknown:
        raise ParameterError(f"{where}: unknown key(s) {sorted(unknown)}")
    declared = section.get("parameters") or {}
    if not isinstance(declared, dict):
        raise ParameterError(f"{where}: 'parameters' must be a mapping")
    try:
        parameters = {name: _parameter_spec(where, name, decl) for name, decl in declared.items()}
    except ParameterError as exc:
        if str(exc).startswith(str(path)):
            raise
        raise ParameterError(f"{where}: {exc}") from None
    inputs = section.get("inputs") or []
    if not isinstance(inputs, list) or not all(isinstance(item, str) for item in inputs):
        raise ParameterError(f"{where}: 'inputs' must be a list of data/raw file names")
    return NotebookSpec(
        stem=stem,
        title=str(section.get("title", stem)),
        inputs=tuple(inputs),
        parameters=parameters,
    )


def _parameter_spec(where: str, name: str, decl: Any) -> ParameterSpec:
    if not isinstance(decl, dict) or "default" not in decl or "type" not in decl:
        raise ParameterError(f"{where}: parameter '{name}' needs at least 'type' and 'default'")
    if decl["type"] not in TYPES:
        raise ParameterError(f"{where}: parameter '{name}' has type {decl['type']!r}; use {TYPES}")
    unknown = set(decl) - {"type", "default", "min", "max", "choices", "help", "alternatives"}
    if unknown:
        raise ParameterError(f"{where}: parameter '{name}' has unknown key(s) {sorted(unknown)}")
    choices = decl.get("choices")
    spec = ParameterSpec(
        name=name,
        type=decl["type"],
        default=decl["default"],
        min=decl.get("min"),
        max=decl.get("max"),
        choices=tuple(choices) if choices is not None else None,
        help=str(decl.get("help", "")),
    )
    spec = replace(spec, default=validate_value(spec, spec.default))
    alternatives = decl.get("alternatives") or {}
    if not isinstance(alternatives, dict):
        raise ParameterError(
            f"{where}: parameter '{name}': 'alternatives' must map each value to a one-line reason"
        )
    checked = {}
    for value, reason in alternatives.items():
        if not isinstance(reason, str) or not reason.strip():
            raise ParameterError(
                f"{where}: parameter '{name}': alternative {value!r} needs a one-line reason "
                "(why it is a defensible choice)"
            )
        try:
            checked[validate_value(spec, value)] = reason.strip()
        except ParameterError as exc:
            raise ParameterError(f"{where}: alternatives: {exc}") from None
    return replace(spec, alternatives=checked)


def validate_value(spec: ParameterSpec, value: Any) -> Any:
    """Return `value` coerced to the declared type, or raise naming the parameter."""
    name = spec.name
    if spec.type == "bool":
        if not isinstance(value, bool):
            raise ParameterError(f"parameter '{name}': expected true or false, got {value!r}")
    elif spec.type == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ParameterError(f"parameter '{name}': expected an integer, got {value!r}")
    elif spec.type == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParameterError(f"parameter '{name}': expected a number, got {value!r}")
        value = float(value)
        if not math.isfinite(value):
            raise ParameterError(f"parameter '{name}': expected a finite number, got {value!r}")
    elif spec.type == "date":
        value = parse_date(name, value).isoformat()
    elif not isinstance(value, str):
        raise ParameterError(f"parameter '{name}': expected text, got {value!r}")
    if spec.min is not None and _comparable(spec, value) < _comparable(spec, spec.min):
        raise ParameterError(f"parameter '{name}': {value!r} is below the minimum {spec.min!r}")
    if spec.max is not None and _comparable(spec, value) > _comparable(spec, spec.max):
        raise ParameterError(f"parameter '{name}': {value!r} is above the maximum {spec.max!r}")
    if spec.choices is not None and value not in spec.choices:
        raise ParameterError(f"parameter '{name}': {value!r} is not one of {list(spec.choices)}")
    return value


def _comparable(spec: ParameterSpec, value: Any) -> Any:
    return parse_date(spec.name, value) if spec.type == "date" else value


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(name: str, value: Any) -> dt.date:
    """A date given as YYYY-MM-DD (or a YAML date); anything else is refused by name."""
    if isinstance(value, dt.datetime):
        raise ParameterError(f"parameter '{name}': expected a date YYYY-MM-DD, got {value!r}")
    if isinstance(value, dt.date):
        return value
    text = str(value)
    if not ISO_DATE.match(text):
        raise ParameterError(f"parameter '{name}': expected a date YYYY-MM-DD, got {value!r}")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ParameterError(f"parameter '{name}': {text!r} is not a calendar date") from exc


def parse_cli_value(text: str) -> Any:
    """Interpret a command-line value as YAML (so 5 is an int, 5.0 a float, true a bool)."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def resolve_parameters(spec: NotebookSpec, overrides: dict[str, Any]) -> dict[str, Any]:
    """Defaults updated by overrides; every override is checked against its declaration."""
    unknown = sorted(set(overrides) - set(spec.parameters))
    if unknown:
        raise ParameterError(
            f"unknown parameter(s) {', '.join(repr(n) for n in unknown)} for notebook "
            f"'{spec.stem}'; known: {', '.join(sorted(spec.parameters))}"
        )
    resolved = spec.defaults
    for name, value in overrides.items():
        resolved[name] = validate_value(spec.parameters[name], value)
    return resolved


def notebook_path(stem: str) -> Path:
    return NOTEBOOKS_DIR / f"{stem}.ipynb"


def parameters_cell_defaults(path: Path) -> dict[str, Any]:
    """Names and literal defaults assigned in the notebook's cell tagged `parameters`."""
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = [
        cell
        for cell in notebook.get("cells", [])
        if "parameters" in cell.get("metadata", {}).get("tags", [])
    ]
    if len(cells) != 1:
        raise ParameterError(f"{path}: expected exactly one cell tagged 'parameters'")
    source = "".join(cells[0]["source"])
    defaults = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                defaults[target.id] = ast.literal_eval(node.value)
    return defaults


def check_notebook_matches(spec: NotebookSpec, path: Path | None = None) -> None:
    """The notebook's parameters cell declares exactly the params.yaml names (+ pipeline ones)."""
    path = path or notebook_path(spec.stem)
    if not path.exists():
        raise ParameterError(f"params.yaml names notebook '{spec.stem}' but {path} does not exist")
    in_cell = set(parameters_cell_defaults(path)) - set(PIPELINE_PARAMETERS)
    declared = set(spec.parameters)
    if in_cell != declared:
        raise ParameterError(
            f"{path}: parameters cell declares {sorted(in_cell)} but params.yaml declares "
            f"{sorted(declared)}; make them agree"
        )
