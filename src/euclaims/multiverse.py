"""The multiverse: every claim decided across the full factorial of its defensible choices.

A claim's choices are the params.yaml parameters listed in its ledger entry (`multiverse:`);
each takes its default and every `alternatives` value. A claim's specifications are the full
factorial of its choices, every other parameter at its default. A notebook's multiverse is the
union of its claims' specifications, each evaluated once with the analysis module's `evaluate`
(the function the notebook itself calls), in a process pool.
"""

from __future__ import annotations

import csv
import ctypes
import hashlib
import io
import itertools
import multiprocessing
import os
import signal
import sys
import traceback
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from .claims import VERDICT_LABELS, Claim, evaluate_claim, metric_value
from .errors import EuclaimsError
from .fileio import atomic_write_bytes, atomic_write_json, canonical_json
from .params import NotebookSpec
from .paths import MULTIVERSE_DIR

#: Most specifications evaluated per notebook; a larger grid is cut, and the output says so.
MAX_SPECIFICATIONS = 5000
#: Robustness labels by the share of specifications that give the default verdict.
ROBUST_SHARE = 0.9
FRAGILE_SHARE = 0.5
SINGLE = "single specification"


# --- specifications ------------------------------------------------------------------------


def spec_id(parameters: dict[str, Any], defaults: dict[str, Any]) -> str:
    """Stable, readable id: the non-default choices as `name=value` joined by ';'."""
    changed = [
        f"{name}={parameters[name]}" for name in parameters if parameters[name] != defaults[name]
    ]
    return ";".join(changed) or "default"


def claim_specifications(spec: NotebookSpec, claim: Claim) -> list[dict[str, Any]]:
    """The full factorial of the claim's choices; every other parameter at its default."""
    unknown = [name for name in claim.choices if name not in spec.parameters]
    if unknown:
        raise EuclaimsError(
            f"claims.yaml: claim '{claim.id}': multiverse names {unknown}, which are not "
            f"parameters of notebook '{spec.stem}' in params.yaml"
        )
    values = [spec.parameters[name].values for name in claim.choices]
    return [
        {**spec.defaults, **dict(zip(claim.choices, combination, strict=True))}
        for combination in itertools.product(*values)
    ]


def notebook_specifications(
    spec: NotebookSpec, claims: list[Claim], limit: int = MAX_SPECIFICATIONS
) -> tuple[list[dict[str, Any]], int]:
    """The union of the claims' specifications, default first; returns (kept, total before cut)."""
    seen: dict[str, dict[str, Any]] = {spec_id(spec.defaults, spec.defaults): spec.defaults}
    for claim in claims:
        for parameters in claim_specifications(spec, claim):
            seen.setdefault(spec_id(parameters, spec.defaults), parameters)
    ordered = list(seen.values())
    return ordered[:limit], len(ordered)


# --- evaluation in a process pool ----------------------------------------------------------

_WORKER_STATE: dict[str, Any] = {}


def _die_with_parent() -> None:
    """Pool initializer: on Linux, ask the kernel to end this worker when its parent dies."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except OSError:
        pass
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)


def _evaluate_one(parameters: dict[str, Any]) -> dict[str, Any]:
    evaluate = _WORKER_STATE["evaluate"]
    return evaluate(_WORKER_STATE["inputs"], **parameters)


def evaluate_specifications(
    evaluate: Callable[..., dict[str, Any]],
    inputs: Any,
    specifications: list[dict[str, Any]],
    jobs: int = 2,
) -> list[dict[str, Any]]:
    """`evaluate(inputs, **parameters)` for every specification, in order.

    Workers are forked after the inputs are loaded, so each inherits them without pickling.
    """
    _WORKER_STATE.update(evaluate=evaluate, inputs=inputs)
    try:
        if jobs <= 1 or len(specifications) < 2 * jobs:
            return [_evaluate_one(parameters) for parameters in specifications]
        context = multiprocessing.get_context("fork")
        chunk = max(1, len(specifications) // (jobs * 4))
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_die_with_parent) as pool:
            return list(pool.map(_evaluate_one, specifications, chunksize=chunk))
    finally:
        _WORKER_STATE.clear()


# --- verdicts and robustness ---------------------------------------------------------------


def verdict_column(claim_id: str) -> str:
    return f"verdict:{claim_id}"


def claim_verdicts(claim: Claim, rows: list[dict[str, Any]], member: set[str]) -> dict[str, str]:
    """Verdict of `claim` on each row whose spec id is in `member` (its own specifications)."""
    return {
        row["spec"]: evaluate_claim(claim, row["metrics"], row["parameters"])["verdict"]
        for row in rows
        if row["spec"] in member
    }


def robustness(
    claim: Claim, rows: list[dict[str, Any]], verdicts: dict[str, str]
) -> dict[str, Any]:
    """How the claim's verdict varies over its specifications (the default included)."""
    own = [row for row in rows if row["spec"] in verdicts]
    default = next(row for row in own if row["is_default"])
    baseline = verdicts[default["spec"]]
    agree = sum(1 for row in own if verdicts[row["spec"]] == baseline)
    total = len(own)
    counts = Counter(verdicts[row["spec"]] for row in own)
    decisive = []
    for choice in claim.choices:
        for value in dict.fromkeys(row["parameters"][choice] for row in own):
            subset = [row for row in own if row["parameters"][choice] == value]
            same = sum(1 for row in subset if verdicts[row["spec"]] == baseline)
            if same / len(subset) < 0.5:
                leading = _leading_verdict(claim, (verdicts[row["spec"]] for row in subset))
                decisive.append(
                    {
                        "choice": choice,
                        "value": value,
                        "verdict": leading,
                        "share_default": round(same / len(subset), 4),
                        "specifications": len(subset),
                    }
                )
    share = agree / total
    record = {
        "specifications": total,
        "agree": agree,
        "share_agree": round(share, 4),
        "verdict_counts": dict(sorted(counts.items())),
        "decisive_choices": decisive,
        "label": robustness_label(total, share),
    }
    record["sentence"] = robustness_sentence(baseline, record)
    return record


def _leading_verdict(claim: Claim, verdicts: Iterable[str]) -> str:
    counts = Counter(verdicts)
    order = {verdict: position for position, verdict in enumerate(claim.allowed_verdicts)}
    return min(counts, key=lambda verdict: (-counts[verdict], order.get(verdict, 99)))


def robustness_label(specifications: int, share_agree: float) -> str:
    """robust (>= 0.9 agree), fragile (0.5 to 0.9), specification-dependent (< 0.5)."""
    if specifications < 2:
        return SINGLE
    if share_agree >= ROBUST_SHARE:
        return "robust"
    return "fragile" if share_agree >= FRAGILE_SHARE else "specification-dependent"


def robustness_sentence(baseline: str, record: dict[str, Any]) -> str:
    """E.g. 'Partly supported at the default; across 60 specifications 40% Not supported, ...'."""
    label = VERDICT_LABELS[baseline]
    total = record["specifications"]
    if total < 2:
        return f"{label}; the test has no alternative specification."
    if record["agree"] == total:
        return f"{label} in all {total} specifications."
    counts = sorted(record["verdict_counts"].items(), key=lambda item: (-item[1], item[0]))
    shares = ", ".join(f"{round(100 * n / total)}% {VERDICT_LABELS[v]}" for v, n in counts)
    sentence = f"{label} at the default; across {total} specifications {shares}"
    choices = list(dict.fromkeys(entry["choice"] for entry in record["decisive_choices"]))
    if choices:
        sentence += " — decided by " + " and ".join(choices)
    return sentence + "."


# --- the table ------------------------------------------------------------------------------


def cell(value: Any) -> str:
    """One CSV cell: repr for floats (exact, deterministic), '' for a missing value."""
    value = metric_value(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def table_bytes(
    spec: NotebookSpec,
    rows: list[dict[str, Any]],
    claims: list[Claim],
    verdicts: dict[str, dict[str, str]],
) -> bytes:
    """The multiverse CSV: spec, parameters, is_default, every metric, a verdict per claim."""
    metric_names = sorted({name for row in rows for name in row["metrics"]})
    header = ["spec", *spec.parameters, "is_default", *metric_names]
    header += [verdict_column(claim.id) for claim in claims]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        line = [row["spec"], *(cell(row["parameters"][name]) for name in spec.parameters)]
        line.append(cell(row["is_default"]))
        line += [cell(row["metrics"].get(name)) for name in metric_names]
        line += [verdicts[claim.id].get(row["spec"], "") for claim in claims]
        writer.writerow(line)
    return buffer.getvalue().encode("utf-8")


# --- one notebook ---------------------------------------------------------------------------


def multiverse_fingerprint(notebook_fingerprint: str, specifications: list[dict]) -> str:
    """Hash of the notebook's default-run fingerprint and its specification grid."""
    digest = hashlib.sha256(notebook_fingerprint.encode())
    digest.update(canonical_json(specifications).encode())
    return digest.hexdigest()


def run_notebook_multiverse(
    spec: NotebookSpec,
    claims: list[Claim],
    default_metrics: dict[str, Any],
    jobs: int = 2,
) -> dict[str, Any]:
    """Evaluate the notebook's multiverse; returns {rows, verdicts, robustness, total, kept}."""
    return evaluate_notebooks({spec.stem: (spec, claims, default_metrics)}, jobs)[spec.stem]


def _evaluate_grid(stem: str) -> list[dict[str, Any]]:
    """Load one notebook's inputs and `evaluate` every specification of its grid, in order."""
    module, grid = _WORKER_STATE["modules"][stem], _WORKER_STATE["grids"][stem]
    inputs = module.load_inputs()
    return [module.evaluate(inputs, **parameters) for parameters in grid]


def evaluate_notebooks(
    items: dict[str, tuple[NotebookSpec, list[Claim], dict[str, Any] | None]],
    jobs: int = 2,
) -> dict[str, dict[str, Any]]:
    """The multiverse of several notebooks (stem -> (spec, claims, default metrics)) in one
    process pool. The default metrics (the notebook's results.json) are needed only by a
    notebook without evaluate(): they are its one row.

    A notebook's specifications share most steps, which its analysis module caches per process,
    so each notebook is one task (inputs loaded, whole grid evaluated, largest grids first) and
    nothing runs before the pool starts. The multiverse draws nothing: the report draws each
    specification curve from the table written here.
    """
    from .analyses import analysis_module, has_evaluate

    modules: dict[str, Any] = {}
    grids: dict[str, list[dict[str, Any]]] = {}
    totals: dict[str, int] = {}
    results: dict[str, list[dict[str, Any]]] = {}
    for stem, (spec, claims, default_metrics) in items.items():
        specifications, totals[stem] = notebook_specifications(spec, claims)
        if totals[stem] > len(specifications):
            print(
                f"note: {stem}: the multiverse has {totals[stem]} specifications; the first "
                f"{len(specifications)} are evaluated (cap {MAX_SPECIFICATIONS})",
                file=sys.stderr,
            )
        if not has_evaluate(stem):
            # Not yet migrated to load_inputs/evaluate: only the notebook's own default run exists.
            print(
                f"note: {stem} has no evaluate() yet; its claims are decided on the default "
                "specification only",
                file=sys.stderr,
            )
            grids[stem], results[stem] = [spec.defaults], [default_metrics]
            continue
        modules[stem], grids[stem] = analysis_module(stem), specifications
    order = sorted(modules, key=lambda stem: -len(grids[stem]))
    _WORKER_STATE.update(modules=modules, grids=grids)
    try:
        if jobs <= 1 or not modules:
            for stem in order:
                results[stem] = _evaluate_grid(stem)
        else:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(
                jobs, mp_context=context, initializer=_die_with_parent
            ) as pool:
                futures = {stem: pool.submit(_evaluate_grid, stem) for stem in order}
                results.update({stem: future.result() for stem, future in futures.items()})
    finally:
        _WORKER_STATE.clear()
    return {
        stem: _outcome(spec, claims, grids[stem], results[stem], totals[stem])
        for stem, (spec, claims, _) in items.items()
    }


def _outcome(
    spec: NotebookSpec,
    claims: list[Claim],
    specifications: list[dict[str, Any]],
    results: list[dict[str, Any]],
    total: int,
) -> dict[str, Any]:
    """Rows, verdicts and robustness of one notebook's evaluated specifications."""
    rows = [
        {
            "spec": spec_id(parameters, spec.defaults),
            "parameters": parameters,
            "is_default": parameters == spec.defaults,
            "metrics": metrics,
        }
        for parameters, metrics in zip(specifications, results, strict=True)
    ]
    kept = {row["spec"] for row in rows}
    verdicts, records = {}, {}
    for claim in claims:
        member = {spec_id(p, spec.defaults) for p in claim_specifications(spec, claim)} & kept
        verdicts[claim.id] = claim_verdicts(claim, rows, member)
        records[claim.id] = robustness(claim, rows, verdicts[claim.id])
    return {"rows": rows, "verdicts": verdicts, "robustness": records, "total": total}


def plain_metrics(metrics: dict[str, Any]) -> dict[str, Any]:
    """The metrics as results.json records them (numpy scalars as Python values)."""
    from .results import plain_value

    return {name: plain_value(name, value) for name, value in metrics.items()}


def check_default_row(stem: str, evaluated: dict[str, Any], recorded: dict[str, Any]) -> None:
    """The notebook must record exactly what `evaluate` returns for the defaults."""
    clean = plain_metrics(evaluated)
    if clean != recorded:
        differing = sorted(
            name
            for name in set(clean) | set(recorded)
            if clean.get(name, "<absent>") != recorded.get(name, "<absent>")
        )
        raise EuclaimsError(
            f"notebook {stem}: the metrics in its results.json differ from "
            f"evaluate(load_inputs(), **defaults) for {differing[:10]}; the notebook must record "
            "exactly the metrics that its analysis module's evaluate() returns"
        )


def write_outputs(
    spec: NotebookSpec, claims: list[Claim], outcome: dict[str, Any], fingerprint_value: str
) -> dict[str, dict[str, Any]]:
    """Write the CSV and the robustness record; returns per claim {robustness} for
    results.json."""
    return write_all_outputs({spec.stem: (spec, claims, outcome, fingerprint_value)})[spec.stem]


def write_all_outputs(
    items: dict[str, tuple[NotebookSpec, list[Claim], dict[str, Any], str]],
) -> dict[str, dict[str, dict[str, Any]]]:
    """write_outputs for several notebooks (stem -> (spec, claims, outcome, fingerprint));
    returns stem -> claim records."""
    written: dict[str, dict[str, dict[str, Any]]] = {}
    for stem, (spec, claims, outcome, fingerprint_value) in items.items():
        payload = table_bytes(spec, outcome["rows"], claims, outcome["verdicts"])
        atomic_write_bytes(MULTIVERSE_DIR / f"{stem}.csv", payload)
        records = {claim.id: {"robustness": outcome["robustness"][claim.id]} for claim in claims}
        summary = {
            "notebook": stem,
            "specifications": len(outcome["rows"]),
            "specifications_before_cap": outcome["total"],
            "claims": records,
            "default_metrics": plain_metrics(outcome["rows"][0]["metrics"]),
        }
        atomic_write_json(MULTIVERSE_DIR / f"{stem}.json", summary)
        atomic_write_bytes(
            MULTIVERSE_DIR / f"{stem}.fingerprint", f"{fingerprint_value}\n".encode()
        )
        written[stem] = records
    return written


def evaluate_and_write(
    items: dict[str, tuple[NotebookSpec, list[Claim], str]], jobs: int = 2
) -> list[str]:
    """Evaluate and write the multiverse of each notebook (stem -> (spec, claims, fingerprint))
    that has an evaluate(); returns their stems. Needs the data and parameters only, not the
    notebooks' own outputs, so it can run while the notebooks do (see `Background`)."""
    from .analyses import has_evaluate

    todo = {stem: (spec, claims, None) for stem, (spec, claims, _) in items.items()
            if has_evaluate(stem)}  # fmt: skip
    if not todo:
        return []
    outcomes = evaluate_notebooks(todo, jobs)
    write_all_outputs(
        {stem: (spec, claims, outcomes[stem], items[stem][2]) for stem, (spec, claims, _)
         in todo.items()}
    )  # fmt: skip
    return list(todo)


class Background:
    """`evaluate_and_write` in a forked process, then the report's static specification curves
    drawn from its tables (`charts.prerender_curves`): started before the notebooks run, so that
    its work fills the cores the notebooks leave idle; `wait` returns when it is done (raising its
    error), `stop` ends it (its pool's workers end with it)."""

    def __init__(self, items: dict[str, tuple[NotebookSpec, list[Claim], str]], jobs: int):
        context = multiprocessing.get_context("fork")
        self._answer, sender = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_background_main, args=(items, jobs, sender), name="euclaims-multiverse"
        )
        self._process.start()
        sender.close()

    def wait(self) -> None:
        try:
            error = self._answer.recv()
        except EOFError:
            self._process.join()
            error = EuclaimsError(
                f"the multiverse process ended without finishing (exit code "
                f"{self._process.exitcode}); run `make report` again"
            )
        self._process.join()
        if error is not None:
            raise error

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


def _background_main(items, jobs: int, sender) -> None:
    from .charts import prerender_curves

    _die_with_parent()
    try:
        stems = evaluate_and_write(items, jobs)
        prerender_curves({stem: items[stem][1] for stem in stems})
    except EuclaimsError as exc:
        sender.send(exc)
    except BaseException as exc:
        traceback.print_exc()
        sender.send(EuclaimsError(f"the multiverse failed ({type(exc).__name__}: {exc}; "
                                  "traceback above)"))  # fmt: skip
    else:
        sender.send(None)


def is_fresh(stem: str, fingerprint_value: str) -> bool:
    stamp = MULTIVERSE_DIR / f"{stem}.fingerprint"
    return (
        stamp.exists()
        and (MULTIVERSE_DIR / f"{stem}.json").exists()
        and (MULTIVERSE_DIR / f"{stem}.csv").exists()
        and stamp.read_text().strip() == fingerprint_value
    )
