"""The claims ledger (claims.yaml) and the verdict engine.

Rules are small expressions over named metrics, evaluated by a whitelist walker over Python's
`ast` (never `eval`). Summaries are format strings filled from the same metrics.
"""

from __future__ import annotations

import ast
import operator
import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import LedgerError
from .paths import CLAIMS_FILE
from .yamlload import load_yaml

KINDS = (
    "fact",
    "comparison",
    "legal-institutional",
    "behavioural regularity",
    "prediction",
    "perception",
)
ASSESSMENT_VERDICTS = ("supported", "partly_supported", "not_supported", "not_testable")
PREDICTION_VERDICTS = ("came_true", "did_not_come_true", "too_early", "not_testable")
VERDICT_LABELS = {
    "supported": "Supported",
    "partly_supported": "Partly supported",
    "not_supported": "Not supported",
    "not_testable": "Not testable with the data at hand",
    "came_true": "Came true",
    "did_not_come_true": "Did not come true",
    "too_early": "Too early to tell",
}
FAMILIES = (
    "sanctions",
    "defence",
    "small-states-institutions",
    "small-states-behaviour",
    "hindsight",
)
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
REQUIRED = ("id", "paragraph", "quote", "paraphrase", "kind", "family", "testable")
REQUIRED_TESTABLE = ("notebook", "operationalisation", "metrics", "rule", "summary")


@dataclass(frozen=True)
class Claim:
    """One ledger entry."""

    id: str
    paragraph: int
    quote: str
    paraphrase: str
    kind: str
    family: str
    testable: bool
    notebook: str | None = None
    operationalisation: str = ""
    metrics: tuple[str, ...] = ()
    rule: dict | None = None
    summary: str = ""
    untestable_reason: str = ""
    multiverse: tuple[str, ...] = ()
    deciding_metric: str = ""
    objections: tuple[dict, ...] = ()
    amendments: tuple[dict, ...] = ()

    @property
    def choices(self) -> tuple[str, ...]:
        """The params.yaml parameters that span this claim's multiverse."""
        return self.multiverse

    @property
    def allowed_verdicts(self) -> tuple[str, ...]:
        return PREDICTION_VERDICTS if self.kind == "prediction" else ASSESSMENT_VERDICTS


# --- the safe expression evaluator -------------------------------------------------------

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_LITERAL_NAMES = {"true": True, "false": False, "True": True, "False": False}


def expression_names(expression: str) -> set[str]:
    """Metric or parameter names used by an expression (raises LedgerError if not allowed)."""
    tree = _parse(expression)
    return {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and node.id not in _LITERAL_NAMES
    }


#: Limits that keep a rule a short readable condition (and its evaluation cheap and safe).
MAX_EXPRESSION_CHARS = 1000
MAX_EXPRESSION_DEPTH = 30
MAX_TEXT_CHARS = 4000
MAX_FORMAT_WIDTH = 40


def _depth(node: ast.AST) -> int:
    children = list(ast.iter_child_nodes(node))
    return 1 + max((_depth(child) for child in children), default=0)


def _parse(expression: str) -> ast.Expression:
    if len(expression) > MAX_EXPRESSION_CHARS:
        raise LedgerError(
            f"rule expression of {len(expression)} characters is longer than the limit of "
            f"{MAX_EXPRESSION_CHARS}; split the rule into simpler steps"
        )
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as exc:
        raise LedgerError(f"rule expression {expression!r} is not valid: {exc.msg}") from exc
    except (RecursionError, MemoryError) as exc:
        raise LedgerError(f"rule expression {expression[:60]!r}... is nested too deeply") from exc
    if _depth(tree) > MAX_EXPRESSION_DEPTH:
        raise LedgerError(
            f"rule expression {expression[:60]!r} is nested deeper than {MAX_EXPRESSION_DEPTH} "
            "levels; write it more simply"
        )
    allowed = (
        ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd,
        ast.BinOp, ast.Compare, ast.Name, ast.Load, ast.Constant,
        *_BINARY, *_COMPARE,
    )  # fmt: skip
    for node in ast.walk(tree):
        if not isinstance(node, allowed):
            raise LedgerError(
                f"rule expression {expression!r} uses {type(node).__name__}, which is not "
                "allowed (only names, numbers, strings, + - * /, comparisons, and/or/not)"
            )
        if isinstance(node, ast.BinOp):
            for operand in (node.left, node.right):
                if isinstance(operand, ast.Constant) and isinstance(operand.value, str):
                    raise LedgerError(
                        f"rule expression {expression!r}: arithmetic on text is not allowed"
                    )
            if (
                isinstance(node.op, ast.Div)
                and isinstance(node.right, ast.Constant)
                and node.right.value == 0
            ):
                raise LedgerError(f"rule expression {expression!r} divides by zero")
    return tree


def evaluate_expression(expression: str, namespace: dict[str, Any]) -> Any:
    """Evaluate a rule expression over `namespace` without `eval`."""
    return _evaluate(_parse(expression).body, namespace, expression)


def _evaluate(node: ast.AST, namespace: dict[str, Any], expression: str) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in _LITERAL_NAMES:
            return _LITERAL_NAMES[node.id]
        if node.id not in namespace:
            raise LedgerError(f"rule {expression!r} names unknown metric '{node.id}'")
        return namespace[node.id]
    if isinstance(node, ast.BoolOp):
        values = [_evaluate(value, namespace, expression) for value in node.values]
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, namespace, expression)
        if isinstance(node.op, ast.Not):
            return not operand
        return -operand if isinstance(node.op, ast.USub) else +operand
    if isinstance(node, ast.BinOp):
        left = _evaluate(node.left, namespace, expression)
        right = _evaluate(node.right, namespace, expression)
        if isinstance(left, str) or isinstance(right, str):
            raise LedgerError(f"rule {expression!r}: arithmetic on text ({left!r}, {right!r})")
        try:
            return _BINARY[type(node.op)](left, right)
        except ZeroDivisionError:
            raise LedgerError(f"rule {expression!r}: division by zero") from None
    if isinstance(node, ast.Compare):
        left = _evaluate(node.left, namespace, expression)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = _evaluate(comparator, namespace, expression)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    raise LedgerError(f"rule {expression!r}: unsupported element {type(node).__name__}")


def template_fields(template: str) -> set[str]:
    """Field names of a summary template; only plain names are allowed."""
    fields = set()
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise LedgerError(f"summary template {template!r} is malformed: {exc}") from exc
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        if not field.isidentifier():
            raise LedgerError(f"summary template field {{{field}}} must be a plain metric name")
        if conversion or (spec and not FORMAT_SPEC.match(spec)):
            raise LedgerError(
                f"summary template field {{{field}}}: format {spec!r} is not allowed (use a "
                "simple spec such as :.2f, :.1%, :g or :,)"
            )
        width = re.match(r"\D*(\d+)", spec or "")
        if width and int(width.group(1)) > MAX_FORMAT_WIDTH:
            raise LedgerError(f"summary template field {{{field}}}: width {spec!r} is too large")
        fields.add(field)
    return fields


#: Simple format specs only: optional width, grouping, precision and type; no nested fields.
FORMAT_SPEC = re.compile(r"^[<>^]?[+\- ]?\d{0,2}[,_]?(\.\d{1,2})?[bdeEfFgGn%sx]?$")


# --- the ledger ----------------------------------------------------------------------------


def load_ledger(path: Path = CLAIMS_FILE) -> dict[str, Claim]:
    """Read and validate claims.yaml; returns claims keyed by id, in ledger order."""
    try:
        raw = load_yaml(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise LedgerError(f"{path}: the claims ledger is missing; restore it from git") from exc
    except yaml.YAMLError as exc:
        raise LedgerError(f"{path}: not valid YAML ({exc}); fix the syntax") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("claims"), list):
        raise LedgerError(f"{path}: expected a mapping with a 'claims' list")
    if raw.get("verdict_scale") != VERDICT_LABELS:
        raise LedgerError(
            f"{path}: 'verdict_scale' must list exactly the fixed verdicts and labels "
            f"{VERDICT_LABELS}"
        )
    claims: dict[str, Claim] = {}
    for position, entry in enumerate(raw["claims"], start=1):
        claim = _claim(path, position, entry)
        if claim.id in claims:
            raise LedgerError(f"{path}: claim id '{claim.id}' appears twice")
        claims[claim.id] = claim
    return claims


def _claim(path: Path, position: int, entry: Any) -> Claim:
    where = f"{path}: claim #{position}"
    if not isinstance(entry, dict):
        raise LedgerError(f"{where}: expected a mapping")
    where = f"{path}: claim '{entry.get('id', f'#{position}')}'"
    missing = [key for key in REQUIRED if key not in entry]
    if entry.get("testable"):
        missing += [key for key in REQUIRED_TESTABLE if key not in entry]
    elif "untestable_reason" not in entry:
        missing.append("untestable_reason")
    if missing:
        raise LedgerError(f"{where}: missing field(s) {', '.join(missing)}")
    known = set(Claim.__dataclass_fields__)
    unknown = set(entry) - known
    if unknown:
        raise LedgerError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    if not KEBAB.match(str(entry["id"])):
        raise LedgerError(f"{where}: id must be kebab-case (lower-case words joined by '-')")
    if entry["kind"] not in KINDS:
        raise LedgerError(f"{where}: kind {entry['kind']!r} is not one of {KINDS}")
    if entry["family"] not in FAMILIES:
        raise LedgerError(f"{where}: family {entry['family']!r} is not one of {FAMILIES}")
    if len(str(entry["quote"]).split()) > 20:
        raise LedgerError(f"{where}: the quote has more than 20 words")
    for key in ("paraphrase", "operationalisation", "summary", "untestable_reason"):
        if len(str(entry.get(key, ""))) > MAX_TEXT_CHARS:
            raise LedgerError(
                f"{where}: '{key}' has {len(str(entry[key]))} characters; the limit is "
                f"{MAX_TEXT_CHARS} (keep ledger fields short; details belong in the notebook)"
            )
    claim = Claim(
        **{
            **entry,
            "metrics": tuple(entry.get("metrics", ())),
            "multiverse": tuple(entry.get("multiverse", ())),
            "objections": tuple(_records(where, entry, "objections", OBJECTION_FIELDS)),
            "amendments": tuple(_records(where, entry, "amendments", AMENDMENT_FIELDS)),
        }
    )
    if claim.testable:
        try:
            _check_rule(where, claim)
        except LedgerError as exc:
            if str(exc).startswith(where):
                raise
            raise LedgerError(f"{where}: {exc}") from None
    return claim


OBJECTION_FIELDS = ("objection", "answer")
AMENDMENT_FIELDS = ("date", "reason", "change")


def _records(where: str, entry: dict, key: str, fields: tuple[str, ...]) -> list[dict]:
    """A list of mappings with exactly `fields`, all non-empty text (objections, amendments)."""
    items = entry.get(key) or []
    if not isinstance(items, list):
        raise LedgerError(f"{where}: '{key}' must be a list of mappings with {', '.join(fields)}")
    records = []
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict) or set(item) != set(fields):
            raise LedgerError(
                f"{where}: {key} #{position} must have exactly the fields {', '.join(fields)}"
            )
        record = {name: str(item[name]) for name in fields}
        if not all(value.strip() for value in record.values()):
            raise LedgerError(f"{where}: {key} #{position} has an empty field")
        if any(len(value) > MAX_TEXT_CHARS for value in record.values()):
            raise LedgerError(f"{where}: {key} #{position} is longer than {MAX_TEXT_CHARS} chars")
        records.append(record)
    return records


def _check_rule(where: str, claim: Claim) -> None:
    rule = claim.rule
    if not isinstance(rule, dict) or "plain" not in rule or "verdicts" not in rule:
        raise LedgerError(f"{where}: rule needs 'plain', 'verdicts' and 'otherwise'")
    if "otherwise" not in rule:
        raise LedgerError(f"{where}: rule needs 'otherwise' (the verdict when nothing matches)")
    names = set(claim.metrics) | set(claim.multiverse)
    if claim.deciding_metric and claim.deciding_metric not in claim.metrics:
        raise LedgerError(f"{where}: deciding_metric '{claim.deciding_metric}' is not in 'metrics'")
    verdicts = [step.get("verdict") for step in rule["verdicts"]] + [rule["otherwise"]]
    for verdict in verdicts:
        if verdict not in claim.allowed_verdicts:
            raise LedgerError(
                f"{where}: verdict {verdict!r} is not allowed for kind '{claim.kind}'; "
                f"use one of {claim.allowed_verdicts}"
            )
    for step in rule["verdicts"]:
        unknown = expression_names(str(step.get("when", ""))) - names
        if unknown:
            raise LedgerError(
                f"{where}: rule names {sorted(unknown)}, not listed in 'metrics' or 'multiverse'"
            )
    unknown = template_fields(claim.summary) - names
    if unknown:
        raise LedgerError(f"{where}: summary uses {sorted(unknown)}, not listed in 'metrics'")


# --- verdicts -------------------------------------------------------------------------------


def metric_value(value: Any) -> Any:
    """A metric's bare value (metrics may be stored as {'value': ..., 'unit': ...})."""
    return value["value"] if isinstance(value, dict) else value


def evaluate_claim(claim: Claim, metrics: dict[str, Any], parameters: dict[str, Any]) -> dict:
    """Verdict record {verdict, label, summary} for one testable claim."""
    missing = [name for name in claim.metrics if name not in metrics]
    if missing:
        raise LedgerError(
            f"claim '{claim.id}': notebook '{claim.notebook}' published no metric(s) "
            f"{', '.join(missing)}"
        )
    namespace = {**parameters, **{k: metric_value(v) for k, v in metrics.items()}}
    verdict = None
    absent = sorted(name for name in claim.metrics if namespace.get(name) is None)
    if absent:
        verdict = "not_testable"
        summary = f"Data missing for: {', '.join(absent)}."
    else:
        for step in claim.rule["verdicts"]:
            if evaluate_expression(str(step["when"]), namespace):
                verdict = step["verdict"]
                break
        verdict = verdict or claim.rule["otherwise"]
        shown = {
            name: ("yes" if value else "no") if isinstance(value, bool) else value
            for name, value in namespace.items()
        }
        summary = claim.summary.format_map(shown)
    return {"verdict": verdict, "label": VERDICT_LABELS[verdict], "summary": summary}


def evaluate_notebook_claims(
    ledger: dict[str, Claim], notebook: str, metrics: dict[str, Any], parameters: dict[str, Any]
) -> dict[str, dict]:
    """Verdicts for every testable claim the ledger assigns to `notebook`."""
    return {
        claim.id: evaluate_claim(claim, metrics, parameters)
        for claim in ledger.values()
        if claim.testable and claim.notebook == notebook
    }


def check_results_claims(ledger: dict[str, Claim], record: dict, where: str) -> None:
    """A results record may only name claims of the ledger that belong to its notebook."""
    for claim_id in record.get("claims", {}):
        if claim_id not in ledger:
            raise LedgerError(f"{where}: reports claim '{claim_id}', which is not in the ledger")
        if ledger[claim_id].notebook != record["notebook"]:
            raise LedgerError(
                f"{where}: reports claim '{claim_id}', which the ledger assigns to "
                f"notebook '{ledger[claim_id].notebook}'"
            )
