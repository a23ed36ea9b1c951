"""The ledger and the verdict engine, on synthetic results."""

from __future__ import annotations

import textwrap

import pytest

from euclaims.claims import (
    check_results_claims,
    evaluate_claim,
    evaluate_expression,
    evaluate_notebook_claims,
    load_ledger,
)
from euclaims.errors import LedgerError
from euclaims.params import load_params_file

ASSESSMENT = """
verdict_scale:
  supported: "Supported"
  partly_supported: "Partly supported"
  not_supported: "Not supported"
  not_testable: "Not testable with the data at hand"
  came_true: "Came true"
  did_not_come_true: "Did not come true"
  too_early: "Too early to tell"
claims:
  - id: ratio-claim
    paragraph: 9
    quote: "the smaller countries greatly outnumber"
    paraphrase: Small outnumber large.
    kind: comparison
    family: small-states-institutions
    testable: true
    notebook: nb
    operationalisation: ratio
    metrics: [ratio, count]
    rule:
      plain: Supported if ratio >= 2, partly if > 1.
      verdicts:
        - {verdict: supported, when: "ratio >= 2"}
        - {verdict: partly_supported, when: "ratio > 1 and not count == 0"}
      otherwise: not_supported
    summary: "{count} small states, ratio {ratio:.2f} at threshold {threshold}."
    multiverse: [threshold]
  - id: will-happen
    paragraph: 7
    quote: "we should not expect them to be lifted"
    paraphrase: Sanctions stay.
    kind: prediction
    family: hindsight
    testable: true
    notebook: nb
    operationalisation: in force
    metrics: [in_force, years]
    rule:
      plain: Came true if in force.
      verdicts:
        - {verdict: came_true, when: "in_force == true"}
        - {verdict: too_early, when: "years < 1"}
      otherwise: did_not_come_true
    summary: "In force: {in_force}."
  - id: not-checkable
    paragraph: 11
    quote: "small states tend to focus"
    paraphrase: Focus.
    kind: behavioural regularity
    family: small-states-behaviour
    testable: false
    untestable_reason: No data on agendas.
"""


@pytest.fixture
def ledger(tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_text(ASSESSMENT)
    return load_ledger(path)


def write_ledger(tmp_path, text):
    path = tmp_path / "claims.yaml"
    path.write_text(textwrap.dedent(text))
    return path


@pytest.mark.parametrize(
    ("ratio", "count", "verdict"),
    [(2.0, 5, "supported"), (1.5, 5, "partly_supported"), (1.5, 0, "not_supported"),
     (0.5, 5, "not_supported")],
)  # fmt: skip
def test_every_assessment_path(ledger, ratio, count, verdict):
    result = evaluate_claim(
        ledger["ratio-claim"], {"ratio": ratio, "count": count}, {"threshold": 10}
    )
    assert result["verdict"] == verdict
    assert result["summary"] == f"{count} small states, ratio {ratio:.2f} at threshold 10."


@pytest.mark.parametrize(
    ("in_force", "years", "verdict"),
    [(True, 5, "came_true"), (False, 0.5, "too_early"), (False, 5, "did_not_come_true")],
)
def test_every_prediction_path(ledger, in_force, years, verdict):
    metrics = {"in_force": in_force, "years": years}
    assert evaluate_claim(ledger["will-happen"], metrics, {})["verdict"] == verdict


def test_missing_value_gives_not_testable(ledger):
    result = evaluate_claim(ledger["ratio-claim"], {"ratio": None, "count": 3}, {"threshold": 10})
    assert result["verdict"] == "not_testable"
    assert "ratio" in result["summary"]


def test_metric_with_unit_is_unwrapped(ledger):
    metrics = {"ratio": {"value": 3.0, "unit": "x"}, "count": 4}
    assert (
        evaluate_claim(ledger["ratio-claim"], metrics, {"threshold": 5})["verdict"] == "supported"
    )


def test_testable_claim_without_metrics_fails_loudly(ledger):
    with pytest.raises(LedgerError, match="published no metric\\(s\\) count"):
        evaluate_claim(ledger["ratio-claim"], {"ratio": 2.0}, {})


def test_notebook_claims_cover_only_its_testable_claims(ledger):
    metrics = {"ratio": 3, "count": 2, "in_force": True, "years": 3}
    verdicts = evaluate_notebook_claims(ledger, "nb", metrics, {"threshold": 10})
    assert sorted(verdicts) == ["ratio-claim", "will-happen"]


def test_unknown_claim_in_results_fails(ledger):
    with pytest.raises(LedgerError, match="reports claim 'ghost', which is not in the ledger"):
        check_results_claims(ledger, {"notebook": "nb", "claims": {"ghost": {}}}, "results.json")


def test_rule_naming_unknown_metric_fails(tmp_path):
    text = ASSESSMENT.replace('when: "ratio >= 2"', 'when: "ratoi >= 2"')
    with pytest.raises(LedgerError, match="rule names \\['ratoi'\\]"):
        load_ledger(write_ledger(tmp_path, text))


def test_unknown_metric_at_evaluation_is_named():
    with pytest.raises(LedgerError, match="names unknown metric 'b'"):
        evaluate_expression("a > b", {"a": 1})


@pytest.mark.parametrize(
    "expression",
    ["__import__('os').system('true')", "a.b > 1", "[1][0]", "(lambda: 1)()", "a if a else b"],
)
def test_expressions_reject_code(expression):
    with pytest.raises(LedgerError, match="not allowed|not valid"):
        evaluate_expression(expression, {"a": 1, "b": 2})


def test_expressions_evaluate_arithmetic_and_chains():
    assert evaluate_expression("1 < a * 2 <= 4 and not b == 3", {"a": 2, "b": 2}) is True
    assert evaluate_expression("a / b - 1 > 0 or false", {"a": 1, "b": 2}) is False


def test_prediction_verdicts_only_for_predictions(tmp_path):
    text = ASSESSMENT.replace("otherwise: did_not_come_true", "otherwise: not_supported")
    with pytest.raises(
        LedgerError, match="verdict 'not_supported' is not allowed for kind 'prediction'"
    ):
        load_ledger(write_ledger(tmp_path, text))


def test_untestable_claim_needs_reason(tmp_path):
    text = ASSESSMENT.replace("    untestable_reason: No data on agendas.\n", "")
    with pytest.raises(
        LedgerError, match="'not-checkable': missing field\\(s\\) untestable_reason"
    ):
        load_ledger(write_ledger(tmp_path, text))


def test_duplicate_ids_fail(tmp_path):
    text = ASSESSMENT.replace("id: will-happen", "id: ratio-claim")
    with pytest.raises(LedgerError, match="'ratio-claim' appears twice"):
        load_ledger(write_ledger(tmp_path, text))


def test_ids_must_be_kebab_case(tmp_path):
    text = ASSESSMENT.replace("id: will-happen", "id: Will_Happen")
    with pytest.raises(LedgerError, match="kebab-case"):
        load_ledger(write_ledger(tmp_path, text))


def test_long_quotes_fail(tmp_path):
    text = ASSESSMENT.replace('"small states tend to focus"', '"' + "word " * 21 + '"')
    with pytest.raises(LedgerError, match="more than 20 words"):
        load_ledger(write_ledger(tmp_path, text))


def test_summary_fields_must_be_plain_names(tmp_path):
    text = ASSESSMENT.replace("{count} small states", "{count.__class__} small states")
    with pytest.raises(LedgerError, match="plain metric name"):
        load_ledger(write_ledger(tmp_path, text))


def test_malformed_ledger_names_file(tmp_path):
    with pytest.raises(LedgerError, match="claims.yaml: not valid YAML"):
        load_ledger(write_ledger(tmp_path, "claims: [\n"))


def test_project_ledger_is_valid_and_consistent_with_params():
    claims = load_ledger()
    specs = load_params_file()
    for claim in claims.values():
        if claim.testable:
            assert claim.notebook in specs, claim.id
            assert set(claim.multiverse) <= set(specs[claim.notebook].parameters), claim.id


def test_verdict_scale_is_fixed(tmp_path):
    text = ASSESSMENT.replace('too_early: "Too early to tell"', 'too_early: "Maybe"')
    with pytest.raises(LedgerError, match="verdict_scale"):
        load_ledger(write_ledger(tmp_path, text))
