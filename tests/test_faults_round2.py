"""Fault catalogue, round two: data loss, hangs, bypassed checks — each a named error, no
traceback, nothing half written."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import FAST_NOTEBOOK, run_cli, tree_state

from euclaims.claims import load_ledger
from euclaims.errors import EuclaimsError, LedgerError, ParameterError
from euclaims.params import ParameterSpec, load_params_file, validate_value

STEM = "small_states_institutions"
ESSAY_DATE = ParameterSpec("essay_date", "date", "2017-11-30", min="2017-06-01", max="2018-06-30")


# --- parameters ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [20170102, "20170102", "2017W011", "2017-1-2", "2017-11-30T00"])
def test_dates_must_be_iso_calendar_dates(value):
    with pytest.raises(ParameterError, match="parameter 'essay_date': expected a date YYYY-MM-DD"):
        validate_value(ESSAY_DATE, value)


def test_dates_are_range_checked_as_dates():
    assert validate_value(ESSAY_DATE, "2018-01-15") == "2018-01-15"
    with pytest.raises(ParameterError, match="below the minimum"):
        validate_value(ESSAY_DATE, "2017-01-02")
    with pytest.raises(ParameterError, match="not a calendar date"):
        validate_value(ESSAY_DATE, "2017-02-30")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
def test_nan_or_infinite_number_is_refused(value):
    spec = ParameterSpec("threshold", "float", 10.0, min=0.5, max=50.0)
    with pytest.raises(ParameterError, match="parameter 'threshold': expected a finite number"):
        validate_value(spec, value)


def test_nan_default_in_params_yaml_is_named(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text("nb:\n  parameters:\n    threshold: {type: float, default: .nan}\n")
    with pytest.raises(ParameterError, match="nb.*threshold.*finite number"):
        load_params_file(path)


def test_nan_on_the_command_line_is_named(project_copy):
    result = run_cli(project_copy, "run", STEM, "-p", "small_state_threshold_millions", ".nan")
    assert result.returncode == 1
    assert "small_state_threshold_millions" in result.stderr and "finite" in result.stderr
    assert "Traceback" not in result.stderr


# --- YAML and ledger ------------------------------------------------------------------------

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(12)
)


def test_yaml_alias_bomb_is_refused_at_once_in_params(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text(BOMB)
    started = time.perf_counter()
    with pytest.raises(ParameterError, match=r"line 2: YAML aliases \(\*a\) are not allowed"):
        load_params_file(path)
    assert time.perf_counter() - started < 1


def test_yaml_alias_bomb_is_refused_in_the_ledger(tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_text(BOMB)
    with pytest.raises(LedgerError, match="aliases"):
        load_ledger(path)


def ledger_with(tmp_path: Path, **fields: str) -> Path:
    """The project ledger with the first testable claim's fields replaced."""
    import yaml

    from euclaims.paths import CLAIMS_FILE
    from euclaims.yamlload import YAML_LOADER

    data = yaml.load(CLAIMS_FILE.read_text(), Loader=YAML_LOADER)
    claim = next(entry for entry in data["claims"] if entry["testable"])
    for key, value in fields.items():
        if key == "when":
            claim["rule"]["verdicts"][0]["when"] = value
        else:
            claim[key] = value
    path = tmp_path / "claims.yaml"
    # the C dumper (when present) writes the same text, ~30x faster for the huge fields here
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    path.write_text(yaml.dump(data, Dumper=dumper, sort_keys=False, width=10**9))
    return path


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("not " * 5000 + "x", "longer than the limit"),
        ("not " * 200 + "x", "nested deeper"),
        ("x / 0 > 1", "divides by zero"),
        ("'a' * 1000000000 == 'a'", "arithmetic on text"),
    ],
)
def test_dangerous_rule_expressions_fail_when_the_ledger_is_read(tmp_path, when, message):
    path = ledger_with(tmp_path, when=when)
    with pytest.raises(LedgerError, match=message) as caught:
        load_ledger(path)
    assert "claim '" in str(caught.value)


@pytest.mark.parametrize(
    ("summary", "message"),
    [("{x:{x.__class__}}", "is not allowed"), ("{x:>99999999}", "is not allowed")],
)
def test_summary_format_specs_are_plain(tmp_path, summary, message):
    with pytest.raises(LedgerError, match=message):
        load_ledger(ledger_with(tmp_path, summary=summary))


def test_huge_paraphrase_is_refused(tmp_path):
    with pytest.raises(LedgerError, match="'paraphrase' has 10000000 characters"):
        load_ledger(ledger_with(tmp_path, paraphrase="x" * 10_000_000))


# --- outputs, locks, workers ----------------------------------------------------------------


def test_run_output_refuses_a_foreign_directory(project_copy, tmp_path):
    foreign = tmp_path / "thesis"
    foreign.mkdir()
    (foreign / "chapter1.tex").write_text("precious")
    result = run_cli(project_copy, "run", STEM, "--output", str(foreign))
    assert result.returncode == 1
    assert f"--output {foreign}: the directory is not empty" in result.stderr
    assert "--force" in result.stderr
    assert (foreign / "chapter1.tex").read_text() == "precious"


def _hold_lock(root: Path, seconds: float) -> subprocess.Popen:
    code = textwrap.dedent(
        f"""
        import time
        from euclaims.pipeline import build_lock
        with build_lock():
            print("locked", flush=True)
            time.sleep({seconds})
        """
    )
    env = {**os.environ, "EUCLAIMS_ROOT": str(root)}
    holder = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_waiting_for_the_lock_names_the_holder_and_times_out(project_copy):
    holder = _hold_lock(project_copy, 30)
    try:
        env = {**os.environ, "EUCLAIMS_ROOT": str(project_copy), "EUCLAIMS_LOCK_TIMEOUT": "1"}
        result = subprocess.run(
            [sys.executable, "-m", "euclaims", "build", "--no-pdf"], env=env, capture_output=True,
            text=True, timeout=60,
        )  # fmt: skip
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1
    assert f"held by pid {holder.pid}" in result.stderr
    assert f"another build (pid {holder.pid}) still holds" in result.stderr
    assert "Traceback" not in result.stderr


def test_make_clean_waits_for_a_running_build_and_keeps_gitkeep(project_copy):
    from euclaims.paths import PROJECT_ROOT

    (project_copy / "data/processed/.gitkeep").touch()
    (project_copy / "data/processed/some_output").mkdir()
    holder = _hold_lock(project_copy, 30)
    makefile = PROJECT_ROOT / "Makefile"
    try:
        started = time.monotonic()
        result = subprocess.run(
            ["make", "-f", str(makefile), "clean", "CLEAN_WAIT=2"], cwd=project_copy,
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode != 0
    assert "a build is running" in result.stdout + result.stderr
    assert waited >= 2  # it waited for the build before it gave up
    assert (project_copy / "data/processed/some_output").exists()
    result = subprocess.run(
        ["make", "-f", str(makefile), "clean"], cwd=project_copy, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert not (project_copy / "data/processed/some_output").exists()
    assert (project_copy / "data/processed/.gitkeep").exists()


def test_pool_workers_die_with_their_parent(tmp_path):
    code = textwrap.dedent(
        """
        import os, time
        from euclaims.multiverse import evaluate_specifications
        def slow(inputs, x):
            os.write(1, f"{os.getpid()}\\n".encode())  # one atomic write per worker
            time.sleep(60)
            return {"x": x}
        evaluate_specifications(slow, None, [{"x": i} for i in range(8)], jobs=2)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    workers = {int(parent.stdout.readline()) for _ in range(2)}
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    alive = set(workers)
    while alive and time.monotonic() < deadline:
        alive = {pid for pid in alive if Path(f"/proc/{pid}").exists() and _not_zombie(pid)}
        time.sleep(0.1)
    assert not alive, f"workers {alive} outlived their parent"


def _not_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def test_unwritable_output_location_is_one_line(project_copy):
    processed = project_copy / "data/processed"
    processed.rmdir()
    processed.write_text("not a directory")
    result = run_cli(project_copy, "build", "--no-pdf")
    assert result.returncode == 1
    assert "error: cannot write or read" in result.stderr and "data/processed" in result.stderr
    assert "Traceback" not in result.stderr


# --- kernels that die or hang (on a private copy of the built one-notebook project) ---------


def _replace_first_code_cell(notebook: Path, source: str) -> None:
    data = json.loads(notebook.read_text())
    cells = [c for c in data["cells"] if c["cell_type"] == "code"]
    cells[1]["source"] = [source]
    notebook.write_text(json.dumps(data))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("source", "timeout", "message"),
    [
        ("import os\nos._exit(3)\n", "900", "its kernel died"),
        ("import time\ntime.sleep(120)\n", "3", "ran longer than 3 s"),
    ],
)
def test_dead_or_hung_kernel_names_notebook_and_cell(built_copy, source, timeout, message):
    stem = FAST_NOTEBOOK
    notebook = built_copy / "notebooks" / f"{stem}.ipynb"
    before = tree_state(built_copy / "data/processed" / stem)
    _replace_first_code_cell(notebook, source)
    env = {**os.environ, "EUCLAIMS_ROOT": str(built_copy), "EUCLAIMS_CELL_TIMEOUT": timeout}
    result = subprocess.run(
        [sys.executable, "-m", "euclaims", "build", "--no-pdf"], cwd=built_copy, env=env,
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 1
    assert f"notebook {stem} (default) stopped in cell" in result.stderr
    assert message in result.stderr
    # the kernel's own log may show its interrupt; the build's message has no traceback
    ours = result.stderr[result.stderr.index("error: notebook") :]
    assert "Traceback" not in ours
    assert (built_copy / "data/processed/_failed" / f"{stem}--default.ipynb").exists()
    assert tree_state(built_copy / "data/processed" / stem) == before


def test_errors_are_euclaims_errors():
    assert issubclass(ParameterError, EuclaimsError) and issubclass(LedgerError, EuclaimsError)


# --- the manifest and the CSV files ---------------------------------------------------------


def edit_manifest(root: Path, change) -> None:
    path = root / "data/raw/datapackage.json"
    path.write_text(json.dumps(change(json.loads(path.read_text()))))


def _drop_first_hash(package):
    package["resources"][0].pop("hash")
    return package


def _extra_resource(package):
    package["resources"].append({**package["resources"][0], "path": "ghost.csv"})
    return package


def _outside(package):
    package["resources"][0]["path"] = "../../etc/passwd"
    return package


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_drop_first_hash, r"resource #1 \('.*'\) has no 'hash'"),
        (lambda package: package["resources"], "expected a data package"),
        (_extra_resource, "ghost.csv: file is missing"),
        (_outside, "'../../etc/passwd' is not a file name inside data/raw"),
    ],
    ids=["no hash", "list", "missing extra file", "outside data/raw"],
)
def test_malformed_manifest_stops_the_build_by_name(project_copy, change, message):
    edit_manifest(project_copy, change)
    result = run_cli(project_copy, "build", "--no-pdf")
    assert result.returncode == 1
    assert re.search(message, result.stderr), result.stderr
    assert "Traceback" not in result.stderr
    assert not list((project_copy / "data/processed").glob(f"{STEM}/results.json"))


def test_input_outside_data_raw_is_refused_before_anything_is_read(project_copy):
    params = project_copy / "params.yaml"
    params.write_text(params.read_text().replace("member_states.csv", "/etc/passwd", 1))
    result = run_cli(project_copy, "build", "--no-pdf")
    assert result.returncode == 1
    assert "'/etc/passwd' is not a file name inside data/raw" in result.stderr
    assert "root:" not in result.stderr and "Traceback" not in result.stderr


def test_symlinked_raw_file_is_refused(project_copy, tmp_path):
    target = project_copy / "data/raw/member_states.csv"
    moved = tmp_path / "elsewhere.csv"
    target.rename(moved)
    target.symlink_to(moved)
    result = run_cli(project_copy, "build", "--no-pdf")
    assert result.returncode == 1
    assert "member_states.csv: is a symbolic link" in result.stderr


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("a,b\n1,2,3\n4,5\n", "line 2 has 3 fields, the header 2"),
        ('a,b\n1,"two\nlines"\n', "line 3: a quoted field spans several lines"),
    ],
    ids=["extra field", "embedded newline"],
)
def test_malformed_csv_names_its_line(payload, message):
    from euclaims.data import parse_and_validate
    from euclaims.errors import DataError
    from euclaims.extracts import ALL_EXTRACTS

    with pytest.raises(DataError, match=message):
        parse_and_validate(ALL_EXTRACTS[0], payload.encode(), "data/raw/x.csv")


# --- the PDF --------------------------------------------------------------------------------


def test_stale_pdf_does_not_survive_a_failed_print(tmp_path, monkeypatch):
    from euclaims import report

    html, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    html.write_text("<p>new</p>")
    pdf.write_bytes(b"%PDF old")
    (tmp_path / report.PDF_SOURCE_FILE).write_text("old-digest\n")
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setattr(report, "chromium_binary", lambda: str(broken))
    monkeypatch.setattr(report, "PDF_TIMEOUT_MS", 5000)
    with pytest.raises(EuclaimsError, match=r"report.pdf: printing the report to PDF failed"):
        report.write_pdf(html, pdf)
    assert not pdf.exists() and not (tmp_path / report.PDF_SOURCE_FILE).exists()
    assert not list(tmp_path.glob(".report.pdf.tmp"))


def test_runaway_output_is_named_with_its_cell():
    from euclaims import pipeline

    runaway = {"execution_count": 2, "outputs": [{"text": "x" * 21_000_000}]}
    notebook = {"cells": [{"execution_count": 1, "outputs": []}, runaway]}
    cell, size = pipeline.oversized_cell(notebook)
    assert cell == 2 and size > pipeline.MAX_CELL_OUTPUT_MB
    assert pipeline.oversized_cell({"cells": [{"execution_count": 1, "outputs": []}]}) is None
