"""Shared fixtures: the project built once per run, and throw-away copies of it for tests that
break things on purpose."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from euclaims.paths import PROJECT_ROOT

COPIED = (
    "claims.yaml",
    "params.yaml",
    "requirements.lock",
    "pyproject.toml",
    "notebooks",
    "data/raw",
    "ledger",
)


#: The fastest notebook to build (its multiverse the smallest): destructive pipeline tests run
#: on a copy holding only it.
FAST_NOTEBOOK = "defence_integration"


def copy_project(root: Path, only: str | None = None) -> Path:
    """Copy the project's inputs (not .venv, not outputs) to `root`; the package is shared.

    With `only`, keep just that notebook, its params.yaml section and its testable claims.
    """
    for name in COPIED:
        source = PROJECT_ROOT / name
        target = root / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    if only:
        for notebook in (root / "notebooks").glob("*.ipynb"):
            if notebook.stem != only:
                notebook.unlink()
        params = (root / "params.yaml").read_text()
        (root / "params.yaml").write_text(keep_sections(params, only))
        claims = (root / "claims.yaml").read_text()
        (root / "claims.yaml").write_text(keep_claims(claims, only))
    (root / "data" / "processed").mkdir(parents=True)
    (root / "reports").mkdir()
    return root


def keep_sections(text: str, stem: str) -> str:
    """params.yaml text with only the top-level section `stem` (comments kept)."""
    parts = re.split(r"(?m)^(?=[A-Za-z_])", text)
    return "".join(part for part in parts if not part[:1].isalpha() or part.startswith(f"{stem}:"))


def keep_claims(text: str, stem: str) -> str:
    """claims.yaml text without the testable claims of other notebooks."""
    head, *blocks = re.split(r"(?m)^(?=  - id: )", text)
    kept = [
        block
        for block in blocks
        if f"\n    notebook: {stem}\n" in block or "\n    testable: false\n" in block
    ]
    return head + "".join(kept)


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A fresh copy of the project's inputs for one test."""
    return copy_project(tmp_path / "project")


#: Fixtures that need the clean build of the fastest notebook alone, or of the whole project.
ONE_NOTEBOOK_FIXTURES = {"built", "built_copy"}
FULL_BUILD_FIXTURES = {"built_full", "built_from_full"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that need no build first, then those on the one-notebook build, then those on the
    whole project: both builds start in the background with the first test (see
    `background_builds`) and overlap the tests before them."""

    def stage(item: pytest.Item) -> int:
        names = set(getattr(item, "fixturenames", ()))
        return 2 if names & FULL_BUILD_FIXTURES else 1 if names & ONE_NOTEBOOK_FIXTURES else 0

    items.sort(key=stage)


#: The kernel server of this process's nbval kernels.
_NBVAL_SERVER = ExitStack()


def pytest_collection_finish(session: pytest.Session) -> None:
    """nbval's kernels are forked from a kernel server, as the build's are (euclaims.kernels),
    when notebooks were collected. (A session hook: runtest hooks of this conftest would see
    only the items under tests/.)"""
    if any(item.nodeid.split("::", 1)[0].endswith(".ipynb") for item in session.items):
        _fork_nbval_kernels()


def _fork_nbval_kernels() -> None:
    import nbval.kernel

    from euclaims.kernels import SERVER_VARIABLE, forked_kernel_manager_class, kernel_server

    server = _NBVAL_SERVER.enter_context(kernel_server())
    os.environ.pop(SERVER_VARIABLE, None)  # for nbval's kernels only, not the tests' builds
    if server is None:  # EUCLAIMS_FORK_KERNELS=0, or the server did not start: kernels as usual
        return

    class NbvalKernelManager(forked_kernel_manager_class(synchronous=True)):
        def start_kernel(self, **kwargs):
            os.environ[SERVER_VARIABLE] = server
            try:
                return super().start_kernel(**kwargs)
            finally:
                os.environ.pop(SERVER_VARIABLE, None)

    nbval.kernel.KernelManager = NbvalKernelManager


def pytest_unconfigure(config) -> None:
    _NBVAL_SERVER.close()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """With pytest-xdist: hand out tests one at a time, but each notebook's nbval cells together
    (in order, to one worker: they share one kernel)."""
    from xdist.scheduler import LoadScopeScheduling

    class NotebookScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return path if path.endswith(".ipynb") else nodeid

    return NotebookScheduling(config, log)


def shared_dir(tmp_path_factory) -> Path:
    """A folder that every xdist worker of this run sees (the run's base temp folder)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if "PYTEST_XDIST_WORKER" in os.environ else base


@contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` for the block: one process (xdist worker) at a time."""
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


#: Background builds started by this process (kept so that they are reaped, not warned about).
_STARTED: list[subprocess.Popen] = []
#: `build --no-pdf` in the background; `returncode` appears (atomically) when it ends.
BUILD_SCRIPT = (
    '"$0" -m euclaims build --no-pdf 2>"$1/build.log"; '
    'echo $? >"$1/returncode.part" && mv "$1/returncode.part" "$1/returncode"'
)


def start_build(folder: Path, only: str | None = None) -> None:
    """Copy the project to `folder`/project (with `only`, just that notebook) and start a clean
    `build --no-pdf` there in the background, unless a process of this run already did."""
    folder.mkdir(parents=True, exist_ok=True)
    with exclusive(folder / "start.lock"):
        if (folder / "started").exists():
            return
        shutil.rmtree(folder / "project", ignore_errors=True)
        root = copy_project(folder / "project", only=only)
        env = {**os.environ, "EUCLAIMS_ROOT": str(root)}
        command = ["sh", "-c", BUILD_SCRIPT, sys.executable, str(folder)]
        _STARTED.append(subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.DEVNULL))
        (folder / "started").touch()


def finished_build(folder: Path, timeout: float = 3600) -> Path:
    """The project that `start_build` builds in `folder`, once its build has succeeded."""
    deadline = time.monotonic() + timeout
    while not (folder / "returncode").exists():
        assert time.monotonic() < deadline, f"the build in {folder} ran longer than {timeout} s"
        time.sleep(0.2)
    returncode = (folder / "returncode").read_text().strip()
    assert returncode == "0", (folder / "build.log").read_text()
    return folder / "project"


@pytest.fixture(scope="session", autouse=True)
def background_builds(request, tmp_path_factory) -> None:
    """Start the builds that the selected tests need when the first test runs, once per run
    (whichever xdist worker comes first): the whole project and the fastest notebook alone."""
    needed = set().union(*(getattr(item, "fixturenames", ()) for item in request.session.items))
    if needed & FULL_BUILD_FIXTURES:
        start_build(shared_dir(tmp_path_factory) / "full")
    if needed & ONE_NOTEBOOK_FIXTURES:
        start_build(shared_dir(tmp_path_factory) / "one", only=FAST_NOTEBOOK)


@pytest.fixture(scope="session")
def built_full(tmp_path_factory) -> Path:
    """The whole project built once per run (HTML only), shared by the xdist workers: tests
    only read it."""
    folder = shared_dir(tmp_path_factory) / "full"
    start_build(folder)
    return finished_build(folder)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """A clean build of a copy holding only the fastest notebook (its own copy and processes,
    independent of `built_full`), shared by the xdist workers. Tests only read it, or run
    commands that must leave it unchanged; tests that change it use `built_copy`."""
    folder = shared_dir(tmp_path_factory) / "one"
    start_build(folder, only=FAST_NOTEBOOK)
    return finished_build(folder)


@pytest.fixture
def built_copy(built: Path, tmp_path: Path) -> Path:
    """A private copy of `built` (outputs keep their modification times) for a test that
    breaks or edits it: nothing to restore afterwards."""
    return shutil.copytree(built, tmp_path / "project")


@pytest.fixture(scope="session")
def built_from_full(tmp_path_factory, built_full: Path) -> Path:
    """A copy holding only the fastest notebook, with that notebook's outputs and multiverse
    taken from `built_full`; its build executes nothing and renders the report from them."""
    root = tmp_path_factory.mktemp("from_full") / "project"
    copy_project(root, only=FAST_NOTEBOOK)
    processed = built_full / "data" / "processed"
    shutil.copytree(processed / FAST_NOTEBOOK, root / "data" / "processed" / FAST_NOTEBOOK)
    multiverse = root / "data" / "processed" / "_multiverse"
    multiverse.mkdir(parents=True)
    for path in (processed / "_multiverse").glob(f"{FAST_NOTEBOOK}.*"):
        shutil.copy2(path, multiverse / path.name)
    result = run_cli(root, "build", "--no-pdf", timeout=1800)
    assert result.returncode == 0, result.stderr
    assert "[run]" not in result.stderr, result.stderr
    return root


def run_cli(root: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """`python -m euclaims ARGS` with the project root pointed at `root`."""
    env = {**os.environ, "EUCLAIMS_ROOT": str(root)}
    return subprocess.run(
        [sys.executable, "-m", "euclaims", *args],
        cwd=root, env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def tree_state(*folders: Path) -> dict[str, tuple[int, int]]:
    """(size, mtime_ns) of every file under the folders, to show nothing was touched."""
    state = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.name != ".build.lock":
                stat = path.stat()
                state[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return state
