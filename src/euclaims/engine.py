"""A papermill engine that writes the executed notebook less often.

papermill's manager writes (and validates) the whole output notebook when each cell starts and
again when it ends; for our notebooks that was about a tenth of an execution. This engine
writes it when the run starts and ends (also after a failure, a dead kernel or a timeout, so
the failing cell can be named) and on papermill's autosave timer during a long cell.
"""

from __future__ import annotations

import os

from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

from .kernels import SERVER_VARIABLE, forked_kernel_manager_class

ENGINE_NAME = "euclaims"


class SaveAtEndsManager(NotebookExecutionManager):
    """NotebookExecutionManager without the write at each cell's start and end."""

    _per_cell = False

    def save(self, **kwargs):
        if not self._per_cell:
            super().save(**kwargs)

    def cell_start(self, cell, cell_index=None, **kwargs):
        self._per_cell = True
        try:
            super().cell_start(cell, cell_index, **kwargs)
        finally:
            self._per_cell = False

    def cell_complete(self, cell, cell_index=None, **kwargs):
        self._per_cell = True
        try:
            super().cell_complete(cell, cell_index, **kwargs)
        finally:
            self._per_cell = False


class SaveAtEndsEngine(NBClientEngine):
    """papermill's nbclient engine with SaveAtEndsManager (as Engine.execute_notebook does);
    during a build its kernels are forked by the kernel server (euclaims.kernels)."""

    @classmethod
    def execute_notebook(
        cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
        autosave_cell_every=30, **kwargs,
    ):  # fmt: skip
        manager = SaveAtEndsManager(
            nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
            autosave_cell_every=autosave_cell_every,
        )  # fmt: skip
        if os.environ.get(SERVER_VARIABLE):
            kwargs.setdefault("kernel_manager_class", forked_kernel_manager_class())
        manager.notebook_start()
        try:
            cls.execute_managed_notebook(manager, kernel_name, log_output=log_output, **kwargs)
        finally:
            manager.cleanup_pbar()
            manager.notebook_complete()
        return manager.nb


papermill_engines.register(ENGINE_NAME, SaveAtEndsEngine)
