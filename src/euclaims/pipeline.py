"""Run the analysis notebooks with papermill: validated parameters, caching, atomic outputs."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .claims import check_results_claims, evaluate_notebook_claims, load_ledger
from .errors import EuclaimsError
from .fileio import atomic_write_json, atomic_write_text, canonical_json, replace_directory
from .manifest import verify_file
from .notebook_pages import PAGE_NAME, render_notebook_html
from .params import (
    NotebookSpec,
    check_notebook_matches,
    load_params_file,
    notebook_path,
    resolve_parameters,
)
from .paths import CLAIMS_FILE, MANIFEST_FILE, PROCESSED_DIR, PROJECT_ROOT, RAW_DIR
from .records import _hash_files, package_source_digest, read_record

KERNEL = "euclaims"
FINGERPRINT_NAME = ".fingerprint"
FAILED_DIR = PROCESSED_DIR / "_failed"


@dataclass(frozen=True)
class Run:
    """One execution of a notebook: its parameters and where its outputs go."""

    stem: str
    parameters: dict[str, Any]
    output_dir: Path
    label: str

    @property
    def relative_output(self) -> str:
        if self.output_dir.is_relative_to(PROJECT_ROOT):
            return str(self.output_dir.relative_to(PROJECT_ROOT))
        return str(self.output_dir)


def default_run(spec: NotebookSpec, overrides: dict[str, Any] | None = None) -> Run:
    """The run with params.yaml defaults (updated by validated overrides)."""
    parameters = resolve_parameters(spec, overrides or {})
    return Run(spec.stem, parameters, PROCESSED_DIR / spec.stem, "default")


def fingerprint(spec: NotebookSpec, run: Run, notebook: bool = True) -> str:
    """Hash of everything a run depends on: notebook, package, ledger, lock, inputs, parameters.

    With `notebook=False`, the notebook file is left out: what the multiverse depends on (it
    calls the analysis module's evaluate, never the notebook)."""
    digest = hashlib.sha256()
    inputs = [RAW_DIR / name for name in sorted(spec.inputs)]
    project_files = [PROJECT_ROOT / "requirements.lock"]
    if notebook:
        project_files.insert(0, notebook_path(spec.stem))
    _hash_files(digest, project_files + [MANIFEST_FILE] + inputs, PROJECT_ROOT)
    digest.update(package_source_digest().encode())
    digest.update(canonical_json(ledger_entries(spec.stem)).encode())
    digest.update(canonical_json(run.parameters).encode())
    return digest.hexdigest()


def ledger_entries(stem: str) -> list[dict[str, Any]]:
    """The ledger's claims for one notebook: a notebook re-runs only when its own claims change."""
    return [asdict(claim) for claim in cached_ledger().values() if claim.notebook == stem]


def cached_ledger() -> dict:
    """The ledger, parsed once per version of claims.yaml (fingerprints need it per run)."""
    stat = CLAIMS_FILE.stat()
    key = (stat.st_mtime_ns, stat.st_size)
    if _LEDGER_CACHE.get("key") != key:
        _LEDGER_CACHE.update(key=key, ledger=load_ledger())
    return _LEDGER_CACHE["ledger"]


_LEDGER_CACHE: dict[str, Any] = {}


def is_fresh(spec: NotebookSpec, run: Run) -> bool:
    """True when the run's outputs exist and were made from exactly the current inputs."""
    stamp = run.output_dir / FINGERPRINT_NAME
    return (
        stamp.exists()
        and (run.output_dir / "results.json").exists()
        and stamp.read_text().strip() == fingerprint(spec, run)
    )


def strip_volatile_metadata(
    notebook: dict, stem: str, output: str | None = None, paths: dict[str, str] | None = None
) -> dict:
    """Remove timestamps and temporary paths that papermill and nbclient record.

    `paths` maps temporary paths (the staging directory, whose name holds a pid) to what they
    stand for; they are replaced in the injected parameters, whose cell gets a fixed id (papermill
    draws a random one), so the notebook pages of two builds are byte-identical."""
    papermill = notebook.get("metadata", {}).get("papermill")
    if isinstance(papermill, dict):
        for key in ("start_time", "end_time", "duration"):
            papermill.pop(key, None)
        papermill["input_path"] = f"notebooks/{stem}.ipynb"
        if output:
            papermill["output_path"] = output
        for name, value in (papermill.get("parameters") or {}).items():
            if isinstance(value, str) and value in (paths or {}):
                papermill["parameters"][name] = paths[value]
    for cell in notebook.get("cells", []):
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = "injected-parameters"
            source = "".join(cell.get("source", []))
            for temporary, shown in (paths or {}).items():
                source = source.replace(temporary, shown)
            cell["source"] = source.splitlines(keepends=True)
        cell.get("metadata", {}).pop("execution", None)
        cell_papermill = cell.get("metadata", {}).get("papermill")
        if isinstance(cell_papermill, dict):
            for key in ("start_time", "end_time", "duration"):
                cell_papermill.pop(key, None)
    return notebook


#: Seconds one notebook cell may run before the build stops it (EUCLAIMS_CELL_TIMEOUT).
CELL_TIMEOUT = int(os.environ.get("EUCLAIMS_CELL_TIMEOUT", 900))


#: Largest output one cell may leave in the executed notebook (MB); a runaway print stops the run.
MAX_CELL_OUTPUT_MB = float(os.environ.get("EUCLAIMS_MAX_CELL_OUTPUT_MB", 20))


def oversized_cell(notebook: dict) -> tuple[Any, float] | None:
    """(execution count, MB) of the first cell whose outputs exceed MAX_CELL_OUTPUT_MB."""
    for index, cell in enumerate(notebook.get("cells", [])):
        size = len(json.dumps(cell.get("outputs", []))) / 1e6
        if size > MAX_CELL_OUTPUT_MB:
            return cell.get("execution_count") or index, size
    return None


def _keep_failed(run: Run, executed: Path, staging: Path) -> Path:
    failed = FAILED_DIR / f"{run.stem}--{run.label}.ipynb"
    failed.parent.mkdir(parents=True, exist_ok=True)
    if executed.exists():
        shutil.move(executed, failed)
    shutil.rmtree(staging, ignore_errors=True)
    return failed


def _running_cell(executed: Path) -> str:
    """The execution count of the last cell papermill started, from the partial notebook."""
    try:
        notebook = json.loads(executed.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "unknown"
    started = [
        cell.get("execution_count") or index
        for index, cell in enumerate(notebook.get("cells", []))
        if cell.get("metadata", {}).get("papermill", {}).get("status") in {"running", "failed"}
    ]
    return str(started[-1]) if started else "unknown"


def execute(run: Run, fingerprint_value: str, progress: bool = True) -> None:
    """Execute one run in a staging directory, then swap it into place atomically."""
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from .engine import ENGINE_NAME

    staging = run.output_dir.with_name(f".staging-{run.output_dir.name}-{os.getpid()}")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    executed = staging / "executed.ipynb"
    try:
        papermill.execute_notebook(
            str(notebook_path(run.stem)),
            str(executed),
            parameters={**run.parameters, "output_dir": str(staging)},
            kernel_name=KERNEL,
            progress_bar=progress,
            cwd=str(notebook_path(run.stem).parent),
            execution_timeout=CELL_TIMEOUT,
            engine_name=ENGINE_NAME,
        )
    except (DeadKernelError, CellTimeoutError) as exc:
        cell = _running_cell(executed)
        failed = _keep_failed(run, executed, staging)
        reason = (
            "its kernel died (the cell ended the Python process)"
            if isinstance(exc, DeadKernelError)
            else f"the cell ran longer than {CELL_TIMEOUT} s (EUCLAIMS_CELL_TIMEOUT)"
        )
        raise EuclaimsError(
            f"notebook {run.stem} ({run.label}) stopped in cell {cell}: {reason}\n  executed "
            f"notebook kept for inspection at {failed}; outputs in {run.relative_output} unchanged"
        ) from None
    except papermill.PapermillExecutionError as exc:
        failed = _keep_failed(run, executed, staging)
        raise EuclaimsError(
            f"notebook {run.stem} ({run.label}) failed in cell {exc.exec_count}: "
            f"{exc.ename}: {exc.evalue}\n  executed notebook kept for inspection at "
            f"{failed}; outputs in {run.relative_output} unchanged"
        ) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    record_path = staging / "results.json"
    if not record_path.exists():
        shutil.rmtree(staging, ignore_errors=True)
        raise EuclaimsError(
            f"notebook {run.stem} ran but wrote no results.json; it must call "
            "euclaims.results.record_results(..., output_dir=output_dir)"
        )
    notebook = json.loads(executed.read_text(encoding="utf-8"))
    oversized = oversized_cell(notebook)
    if oversized is not None:
        failed = _keep_failed(run, executed, staging)
        raise EuclaimsError(
            f"notebook {run.stem} ({run.label}): cell {oversized[0]} produced "
            f"{oversized[1]:.1f} MB of output, above the limit of {MAX_CELL_OUTPUT_MB:g} MB "
            f"(EUCLAIMS_MAX_CELL_OUTPUT_MB); print less (a table's head, a summary)\n  executed "
            f"notebook kept for inspection at {failed}; outputs in {run.relative_output} unchanged"
        )
    strip_volatile_metadata(
        notebook,
        run.stem,
        f"{run.relative_output}/executed.ipynb",
        paths={str(staging): run.relative_output},
    )
    atomic_write_text(
        executed, json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    )
    atomic_write_text(staging / PAGE_NAME, render_notebook_html(executed, run.stem))
    atomic_write_text(staging / FINGERPRINT_NAME, fingerprint_value + "\n")
    run.output_dir.parent.mkdir(parents=True, exist_ok=True)
    replace_directory(staging, run.output_dir)


def _execute_job(job: tuple[Run, str]) -> str:
    run, value = job
    execute(run, value)
    return run.label


def validate_inputs(specs: dict[str, NotebookSpec]) -> None:
    """Check checksums and schemas of the inputs of notebooks about to run, before any kernel."""
    if not specs:
        return
    from .data import load_raw

    for name in sorted({name for spec in specs.values() for name in spec.inputs}):
        load_raw(name)


def remove_stale_staging() -> None:
    """Remove staging directories left by an interrupted build (called under the build lock)."""
    for staging in sorted(PROCESSED_DIR.glob("**/.staging-*")):
        shutil.rmtree(staging, ignore_errors=True)


LOCK_NAME = ".build.lock"
#: How long a build waits for another build's lock before giving up (seconds).
LOCK_TIMEOUT = float(os.environ.get("EUCLAIMS_LOCK_TIMEOUT", 1800))


@contextmanager
def build_lock(timeout: float | None = None) -> Iterator[None]:
    """Serialise concurrent builds: a second `make report` says whom it waits for, and gives up
    after `timeout` seconds. The lock file holds the pid of the build that has it."""
    timeout = LOCK_TIMEOUT if timeout is None else timeout
    PROCESSED_DIR.mkdir(parents=True, exist_ok=True)
    path = PROCESSED_DIR / LOCK_NAME
    with open(path, "a+") as handle:
        deadline = time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told:
                    handle.seek(0)
                    holder = handle.read().strip() or "unknown"
                    print(
                        f"waiting for the build lock {path} held by pid {holder} (another build; "
                        f"giving up after {timeout:g} s)",
                        file=sys.stderr,
                    )
                    told = True
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "unknown"
                    raise EuclaimsError(
                        f"another build (pid {holder}) still holds {path} after {timeout:g} s; "
                        "wait for it to finish, or stop it (`kill {holder}`) and run again"
                    ) from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)


def plan(specs: dict[str, NotebookSpec]) -> list[tuple[NotebookSpec, Run]]:
    """The default run of every notebook, validated before any kernel starts."""
    from .manifest import read_manifest

    for name in read_manifest(MANIFEST_FILE):
        if not (RAW_DIR / name).is_file() or (RAW_DIR / name).is_symlink():
            verify_file(RAW_DIR, name)  # names the missing (or linked) file
    runs = []
    for spec in specs.values():
        check_notebook_matches(spec)
        for name in spec.inputs:
            verify_file(RAW_DIR, name)
        runs.append((spec, default_run(spec)))
    return runs


def prepare_workers() -> None:
    """Import papermill and nbclient and compile the notebook page's templates once, in the
    process the notebook workers fork from (each worker would otherwise do both, about a second
    before its first page)."""
    from . import engine  # noqa: F401
    from .notebook_pages import warm_exporter

    warm_exporter()


def stale_runs(runs: list[tuple[NotebookSpec, Run]]) -> list[tuple[NotebookSpec, Run]]:
    """The runs whose outputs are missing or were made from other inputs."""
    return [(spec, run) for spec, run in runs if not is_fresh(spec, run)]


def run_all(runs: list[tuple[NotebookSpec, Run]], jobs: int = 2) -> list[str]:
    """Execute the stale runs, `jobs` notebooks at a time; returns their labels. Their inputs
    were validated first (`validate_inputs`, in `build`)."""
    from .multiverse import _die_with_parent

    stale = stale_runs(runs)
    for spec, run in runs:
        state = "run" if (spec, run) in stale else "up to date"
        print(f"[{state}] {run.stem} ({run.label})", file=sys.stderr)
    jobs_to_run = [(run, fingerprint(spec, run)) for spec, run in stale]
    if not jobs_to_run:
        return []
    from .kernels import kernel_server

    with kernel_server(while_starting=prepare_workers):
        if len(jobs_to_run) > 1 and jobs > 1:
            with ProcessPoolExecutor(max_workers=jobs, initializer=_die_with_parent) as pool:
                list(pool.map(_execute_job, jobs_to_run))
        else:
            for job in jobs_to_run:
                _execute_job(job)
    return [f"{run.stem} ({run.label})" for _, run in stale]


def multiverse_items(specs: dict[str, NotebookSpec]) -> dict[str, tuple[NotebookSpec, list]]:
    """The notebooks whose ledger claims are testable, with those claims."""
    ledger = cached_ledger()
    items = {}
    for spec in specs.values():
        claims = [c for c in ledger.values() if c.testable and c.notebook == spec.stem]
        if claims:
            items[spec.stem] = (spec, claims)
    return items


def multiverse_value(
    spec: NotebookSpec, claims: list, own_metrics: dict[str, Any] | None = None
) -> str:
    """The fingerprint of a notebook's multiverse: what its evaluate() reads (package, ledger,
    lock, inputs, parameters; not the notebook file) and its grid. A notebook without
    evaluate() has its own results as its only row: pass them as `own_metrics`."""
    from . import multiverse

    specifications, _ = multiverse.notebook_specifications(spec, claims)
    basis = fingerprint(spec, default_run(spec), notebook=False)
    if own_metrics is not None:
        basis += canonical_json(own_metrics)
    return multiverse.multiverse_fingerprint(basis, specifications)


@contextmanager
def multiverse_alongside(specs: dict[str, NotebookSpec], jobs: int = 2) -> Iterator[set[str]]:
    """Evaluate the stale multiverses in a forked process while the block runs the notebooks:
    the multiverse reads the data and parameters, not the notebooks' outputs, and fills the
    cores that the notebooks leave idle. Yields the stems it evaluates; a failure in the block
    stops it."""
    from . import multiverse

    stale = {}
    for stem, (spec, claims) in multiverse_items(specs).items():
        value = multiverse_value(spec, claims)
        if not multiverse.is_fresh(stem, value):
            stale[stem] = (spec, claims, value)
    if not stale:
        yield set()
        return
    for stem, (spec, claims, _) in stale.items():
        count = len(multiverse.notebook_specifications(spec, claims)[0])
        print(f"[run] {stem} (multiverse, {count} specifications)", file=sys.stderr)
    background = multiverse.Background(stale, jobs)
    try:
        yield set(stale)
    except BaseException:
        background.stop()
        raise
    background.wait()


def run_multiverse(
    specs: dict[str, NotebookSpec], jobs: int = 2, announced: set[str] = frozenset()
) -> list[str]:
    """Evaluate every stale multiverse (cached), check each against its notebook's results and
    record robustness in its results.json. `announced`: stems already reported as run (by
    `multiverse_alongside`). The stale notebooks' specifications share one process pool (see
    multiverse.evaluate_notebooks)."""
    from . import multiverse

    ledger = cached_ledger()
    todo: dict[str, tuple[Path, dict]] = {}
    stale: dict[str, tuple[NotebookSpec, list, dict]] = {}
    values: dict[str, str] = {}
    for stem, (spec, claims) in multiverse_items(specs).items():
        default = default_run(spec)
        path = default.output_dir / "results.json"
        record = read_record(default.output_dir)
        check_results_claims(ledger, record, str(path))
        todo[stem] = (path, record)
        value = multiverse_value(spec, claims)
        if not multiverse.is_fresh(stem, value):
            from .analyses import has_evaluate

            if not has_evaluate(stem):
                value = multiverse_value(spec, claims, record["metrics"])
        if multiverse.is_fresh(stem, value):
            if stem not in announced:
                print(f"[up to date] {stem} (multiverse)", file=sys.stderr)
        else:
            count = len(multiverse.notebook_specifications(spec, claims)[0])
            print(f"[run] {stem} (multiverse, {count} specifications)", file=sys.stderr)
            stale[stem] = (spec, claims, record["metrics"])
            values[stem] = value
    if stale:
        outcomes = multiverse.evaluate_notebooks(stale, jobs)
        multiverse.write_all_outputs(
            {
                stem: (spec, claims, outcomes[stem], values[stem])
                for stem, (spec, claims, _) in stale.items()
            }
        )
    for stem, (path, record) in todo.items():
        summary = json.loads((multiverse.MULTIVERSE_DIR / f"{stem}.json").read_text())
        multiverse.check_default_row(stem, summary["default_metrics"], record["metrics"])
        verdicts = evaluate_notebook_claims(ledger, stem, record["metrics"], record["parameters"])
        for claim_id, verdict in verdicts.items():
            verdict.update(summary["claims"][claim_id])
        if verdicts != record["claims"]:
            atomic_write_json(path, {**record, "claims": verdicts})
    return list(stale)


def write_claim_source_shares(specs: dict[str, NotebookSpec]) -> dict[str, dict]:
    """Per claim, the share of its curated facts backed by an official source (from the
    manifest's row counts of the tables its notebook reads): data/processed/source_shares.json."""
    from .manifest import read_manifest
    from .sources import write_source_shares

    return write_source_shares(load_ledger(), specs, read_manifest())


#: Variables that size the thread pools of numpy's BLAS (OpenBLAS, MKL) and OpenMP.
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")


def one_thread_per_process() -> None:
    """One BLAS thread in each kernel and worker the build starts, unless the user chose.

    The build runs as many CPU-bound processes as cores, and more while the multiverse runs
    alongside the notebooks; a BLAS pool per process, one thread per core, spins on cores that
    others need (a clean build took 8 s more CPU). The outputs are byte-identical either way."""
    for name in BLAS_THREAD_VARIABLES:
        os.environ.setdefault(name, "1")


def build(jobs: int = 2, pdf: bool = True) -> None:
    """Everything `make report` does: run stale notebooks, the multiverse, the report."""
    from .report import write_report
    from .stamp import write_stamp

    one_thread_per_process()
    with build_lock():
        specs = load_params_file()
        load_ledger()  # a malformed ledger stops the build before any kernel starts
        remove_stale_staging()
        runs = plan(specs)
        # Bad input stops the build before any background process starts; the multiverse
        # process forked next inherits the validated tables (data.load_raw keeps them).
        validate_inputs({spec.stem: spec for spec, _ in stale_runs(runs)})
        with multiverse_alongside(specs, jobs) as alongside:
            run_all(runs, jobs)
        run_multiverse(specs, jobs, announced=alongside)
        write_claim_source_shares(specs)
        write_report(specs, pdf=pdf)
        write_stamp(pdf)


def multiverse_command(stems: list[str], jobs: int = 2) -> list[str]:
    """`python -m euclaims multiverse [STEM ...]`: the notebooks' default runs must exist."""
    specs = load_params_file()
    unknown = sorted(set(stems) - set(specs))
    if unknown:
        raise EuclaimsError(f"unknown notebook(s) {unknown}; known: {', '.join(sorted(specs))}")
    chosen = {stem: spec for stem, spec in specs.items() if not stems or stem in stems}
    with build_lock():
        for spec, run in plan(chosen):
            if not is_fresh(spec, run):
                raise EuclaimsError(
                    f"notebook {spec.stem}: its default run is missing or stale; run `make report`"
                )
        return run_multiverse(chosen, jobs)


def check_output_dir(path: Path, force: bool = False) -> None:
    """Refuse to replace a non-empty directory that is not an earlier output of ours."""
    if not path.exists() or force:
        return
    if not path.is_dir():
        raise EuclaimsError(f"--output {path}: exists and is not a directory; choose another path")
    ours = (path / "results.json").exists() and (path / FINGERPRINT_NAME).exists()
    if any(path.iterdir()) and not ours:
        raise EuclaimsError(
            f"--output {path}: the directory is not empty and is not an earlier euclaims output "
            "(no results.json and .fingerprint); its contents would be replaced. Choose an empty "
            "or new directory, or pass --force to replace it"
        )


def run_one(
    stem: str, overrides: dict[str, Any], output_dir: Path | None = None, force: bool = False
) -> Run:
    """`python -m euclaims run STEM -p NAME VALUE`: validate, then execute one notebook."""
    specs = load_params_file()
    if stem not in specs:
        raise EuclaimsError(f"unknown notebook '{stem}'; known: {', '.join(sorted(specs))}")
    spec = specs[stem]
    check_notebook_matches(spec)
    run = default_run(spec, overrides)
    if output_dir is not None:
        check_output_dir(Path(output_dir).resolve(), force)
        run = Run(run.stem, run.parameters, Path(output_dir).resolve(), "custom")
    with build_lock():
        execute(run, fingerprint(spec, run))
    return run
