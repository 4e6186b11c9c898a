"""Repository-wide pytest set-up (applies to the notebooks collected by nbval too)."""

from __future__ import annotations

# The report's template notebook is package data: papermill runs it on a user's survey
# with injected parameters (tests/test_report.py does that); nbval must not run it bare.
collect_ignore_glob = ["cxresearch/_report/*.ipynb"]


def pytest_configure(config):
    """Let nbval run cells the way Jupyter does, so a trailing ';' silences the result.

    nbval 0.11 sends every cell with ``store_history=False``. IPython decides whether a
    trailing semicolon should hide a cell's value by looking at the *last cell stored in
    the history*, so under nbval it looks at the wrong cell and prints reprs such as
    ``Text(0, 0.5, 'notebook')`` that Jupyter itself hides (nbval issues #194 and #195).
    Storing history, as Jupyter does, restores the normal behaviour.
    """
    if not config.pluginmanager.hasplugin("nbval"):
        return
    from nbval.kernel import RunningKernel

    def execute_cell_input(self, cell_input, allow_stdin=None):
        return self.kc.execute(
            cell_input, store_history=True, allow_stdin=allow_stdin, stop_on_error=False
        )

    RunningKernel.execute_cell_input = execute_cell_input
