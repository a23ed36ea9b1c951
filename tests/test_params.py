"""Parameters are validated before any kernel starts."""

from __future__ import annotations

import pytest

from euclaims.errors import ParameterError
from euclaims.params import (
    check_notebook_matches,
    load_params_file,
    notebook_path,
    parameters_cell_defaults,
    parse_cli_value,
    resolve_parameters,
)

SPECS = load_params_file()


@pytest.mark.parametrize("stem", sorted(SPECS))
def test_notebook_defaults_equal_params_yaml(stem):
    spec = SPECS[stem]
    check_notebook_matches(spec)
    in_cell = parameters_cell_defaults(notebook_path(stem))
    assert {name: in_cell[name] for name in spec.parameters} == spec.defaults
    assert in_cell["output_dir"] == ""


def test_unknown_parameter_is_named():
    spec = SPECS["small_states_institutions"]
    with pytest.raises(ParameterError, match="no_such_parameter"):
        resolve_parameters(spec, {"no_such_parameter": 1})


@pytest.mark.parametrize(
    ("value", "message"),
    [("ten", "expected a number"), (True, "expected a number"), (0.1, "below the minimum"),
     (500, "above the maximum")],
)  # fmt: skip
def test_invalid_values_are_named(value, message):
    spec = SPECS["small_states_institutions"]
    with pytest.raises(ParameterError, match=f"small_state_threshold_millions.*{message}"):
        resolve_parameters(spec, {"small_state_threshold_millions": value})


def test_integer_accepted_for_float_parameter():
    spec = SPECS["small_states_institutions"]
    resolved = resolve_parameters(spec, {"small_state_threshold_millions": 5})
    assert resolved["small_state_threshold_millions"] == 5.0
    assert isinstance(resolved["small_state_threshold_millions"], float)


def test_cli_values_parse_as_yaml():
    assert parse_cli_value("5") == 5
    assert parse_cli_value("5.5") == 5.5
    assert parse_cli_value("true") is True
    assert parse_cli_value("lisbon") == "lisbon"


def test_malformed_params_file_names_the_file(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text("small_states_institutions: [unclosed\n")
    with pytest.raises(ParameterError, match="params.yaml: not valid YAML"):
        load_params_file(path)


def test_parameter_without_default_is_named(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text("nb:\n  parameters:\n    alpha: {type: float}\n")
    with pytest.raises(ParameterError, match="'alpha' needs at least 'type' and 'default'"):
        load_params_file(path)


def test_old_sweep_section_is_refused(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text(
        "nb:\n  parameters:\n    alpha: {type: int, default: 1}\n  sweep:\n    alpha: [1, 2]\n"
    )
    with pytest.raises(ParameterError, match=r"unknown key\(s\) \['sweep'\]"):
        load_params_file(path)


def test_alternative_without_reason_is_named(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text(
        "nb:\n  parameters:\n    alpha: {type: int, default: 1, alternatives: {2: ''}}\n"
    )
    with pytest.raises(ParameterError, match="alternative 2 needs a one-line reason"):
        load_params_file(path)


def test_date_parameter_validated(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text("nb:\n  parameters:\n    essay_date: {type: date, default: 2017-11-30}\n")
    spec = load_params_file(path)["nb"]
    assert spec.defaults == {"essay_date": "2017-11-30"}
    with pytest.raises(ParameterError, match="essay_date.*YYYY-MM-DD"):
        resolve_parameters(spec, {"essay_date": "30/11/2017"})


def test_every_essay_date_defaults_to_the_sourced_publication_date():
    """The essay date is a fact with a source (claims.yaml `essay.published`); no notebook may
    default to another date."""
    from euclaims.params import load_params_file
    from euclaims.paths import CLAIMS_FILE
    from euclaims.yamlload import load_yaml

    published = load_yaml(CLAIMS_FILE.read_text(encoding="utf-8"))["essay"]["published"]
    defaults = {
        stem: spec.defaults["essay_date"]
        for stem, spec in load_params_file().items()
        if "essay_date" in spec.defaults
    }
    assert len(defaults) >= 5
    assert defaults == dict.fromkeys(defaults, published)
