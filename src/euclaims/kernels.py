"""Notebook kernels forked from a process that has already imported the project's modules.

Each notebook kernel used to start Python and import pandas, seaborn, matplotlib, scipy and
euclaims again (about three seconds of CPU, most of an execution). During a build one *kernel
server* imports them once and forks a kernel per notebook; a forked kernel is a fresh IPython
kernel (`ipykernel.kernelapp`, the same code `ipykernel_launcher` runs) whose imports are
already in memory. papermill and nbclient talk to it as to any kernel: the server only replaces
the `Popen` of jupyter_client's local provisioner.

The build starts the server (`kernel_server()`), and papermill's client reaches it through the
`EUCLAIMS_KERNEL_SERVER` environment variable; without it (JupyterLab, a single
`python -m euclaims run`) kernels start as usual. The test suite forks nbval's kernels from a
server of its own (tests/conftest.py). `EUCLAIMS_FORK_KERNELS=0` turns forking off.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

SERVER_VARIABLE = "EUCLAIMS_KERNEL_SERVER"
#: Modules the server imports before it forks kernels: what every notebook's first cell imports.
PRELOAD = (
    "numpy",
    "pandas",
    "matplotlib.pyplot",
    "seaborn",
    "scipy.stats",
    "euclaims.data",
    "euclaims.plotting",
    "euclaims.results",
    "ipykernel.kernelapp",
)
LAUNCHER = "ipykernel_launcher"
#: Seconds the build waits for the server to import its modules and listen.
START_TIMEOUT = 120


# --- the server -------------------------------------------------------------------------------


def serve(socket_path: str) -> None:
    """Import PRELOAD, then fork one kernel per request received on `socket_path`."""
    # As ipykernel_launcher would: the inline backend, chosen before matplotlib is imported.
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    for name in PRELOAD:
        importlib.import_module(name)
    _as_in_a_kernel()
    signal.signal(signal.SIGCHLD, _reap)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path + ".tmp")
    listener.listen()
    os.replace(socket_path + ".tmp", socket_path)  # the build waits for this name
    while True:
        connection, _ = listener.accept()
        with connection:
            request = json.loads(_receive(connection))
            pid = os.fork()
            if pid == 0:
                listener.close()
                connection.close()
                _become_kernel(request)
            connection.sendall(json.dumps({"pid": pid}).encode())


def _as_in_a_kernel() -> None:
    """Undo what the preloaded modules decided at import from not running in a kernel.

    pandas sets `display.max_columns` to 0 (fit the terminal) when imported outside IPython
    and to 20 inside a Jupyter kernel. tests/test_kernels.py checks that a forked kernel
    prints every notebook exactly as a started one does."""
    import pandas

    pandas.set_option("display.max_columns", 20)


def _reap(signum: int, frame: Any) -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _receive(connection: socket.socket) -> bytes:
    chunks = []
    while chunk := connection.recv(65536):
        chunks.append(chunk)
        if chunk.endswith(b"\n"):
            break
    return b"".join(chunks)


def _become_kernel(request: dict[str, Any]) -> None:
    """In the forked child: the kernel's session, directory, environment, then ipykernel."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()  # its own process group, as jupyter_client starts kernels
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        arguments = list(request["arguments"])
        if request["env"].get("JPY_PARENT_PID"):
            # read from the environment when ipykernel was imported, i.e. by the server
            arguments.append(f"--IPKernelApp.parent_handle={request['env']['JPY_PARENT_PID']}")
        sys.argv = [LAUNCHER, *arguments]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=arguments)
        code = 0
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


# --- the build's side ----------------------------------------------------------------------


@contextlib.contextmanager
def kernel_server(while_starting: Callable[[], None] | None = None) -> Iterator[str | None]:
    """Run a kernel server for the duration of the block; yields its socket (None when off).

    `while_starting` runs in this process while the server imports its modules (seconds in
    which this process would only wait): work the block needs that needs no kernel."""
    if os.environ.get("EUCLAIMS_FORK_KERNELS", "1") == "0":
        if while_starting is not None:
            while_starting()
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="euclaims-kernels-"))
    path = folder / "server.sock"
    process = subprocess.Popen(
        [sys.executable, "-m", "euclaims.kernels", str(path)], stdin=subprocess.DEVNULL
    )
    previous = os.environ.get(SERVER_VARIABLE)
    try:
        if while_starting is not None:
            while_starting()
        started = _listening(path, process)
        if started:
            os.environ[SERVER_VARIABLE] = str(path)
        else:
            print(
                "note: the kernel server did not start (its error is above); notebooks run in "
                "kernels started as usual, which is slower. EUCLAIMS_FORK_KERNELS=0 skips it",
                file=sys.stderr,
            )
        yield str(path) if started else None
    finally:
        if previous is None:
            os.environ.pop(SERVER_VARIABLE, None)
        else:
            os.environ[SERVER_VARIABLE] = previous
        process.terminate()
        process.wait()
        shutil.rmtree(folder, ignore_errors=True)


def _listening(path: Path, process: subprocess.Popen) -> bool:
    """Wait until the server listens on `path`; False when it ended or START_TIMEOUT passed."""
    deadline = time.monotonic() + START_TIMEOUT
    while not path.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def request_kernel(socket_path: str, arguments: list[str], env: dict, cwd: str) -> int:
    """Ask the server for a kernel; returns its pid."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.connect(socket_path)
        message = {"arguments": arguments, "env": env, "cwd": cwd}
        connection.sendall(json.dumps(message).encode() + b"\n")
        return int(json.loads(_receive(connection))["pid"])


def launcher_arguments(command: list[str]) -> list[str] | None:
    """The arguments after `-m ipykernel_launcher` in a kernel command, else None."""
    for index in range(len(command) - 1):
        if command[index] == "-m" and command[index + 1] == LAUNCHER:
            return command[index + 2 :]
    return None


class ForkedKernelProcess:
    """What jupyter_client's provisioner needs of a `Popen`, for a kernel forked by the server
    (a child of the server, not of this process: its state is read from /proc)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def poll(self) -> int | None:
        try:
            state = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return 0
        return 0 if state in ("Z", "X") else None

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.05)
        return 0

    def send_signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def forked_kernel_manager_class(synchronous: bool = False):
    """An AsyncKernelManager (a KernelManager with `synchronous`, as nbval uses) whose kernels
    come from the server (imported only when used)."""
    from jupyter_client import AsyncKernelManager, KernelManager
    from jupyter_client.provisioning import LocalProvisioner

    class ForkedProvisioner(LocalProvisioner):
        async def launch_kernel(self, cmd: list[str], **kwargs: Any):
            arguments = launcher_arguments(cmd)
            server = os.environ.get(SERVER_VARIABLE)
            if arguments is None or not server:
                return await super().launch_kernel(cmd, **kwargs)
            env = {**(kwargs.get("env") or os.environ), "JPY_PARENT_PID": str(os.getpid())}
            cwd = str(kwargs.get("cwd") or Path.cwd())
            loop = asyncio.get_running_loop()
            try:
                pid = await loop.run_in_executor(None, request_kernel, server, arguments, env, cwd)
            except OSError:  # the server is gone: start this kernel as usual
                return await super().launch_kernel(cmd, **kwargs)
            self.process = ForkedKernelProcess(pid)
            self.pid = self.pgid = pid
            self.cwd = cwd
            return self.connection_info

    class ForkedKernelManager(KernelManager if synchronous else AsyncKernelManager):
        async def _async_pre_start_kernel(self, **kw: Any):
            if self.provisioner is None:
                self.kernel_id = self.kernel_id or str(uuid.uuid4())
                self.provisioner = ForkedProvisioner(
                    kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
                )
            return await super()._async_pre_start_kernel(**kw)

    return ForkedKernelManager


if __name__ == "__main__":
    serve(sys.argv[1])
