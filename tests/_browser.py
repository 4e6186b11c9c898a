"""The system Chromium and how the browser tests start it (shared by the book and report tests).

Debian's ``chromium`` package (``.ci/run`` installs it); the flags keep it from reaching
the network on its own (background updates, sync, first-run pages), which this machine's
closed network would refuse.
"""

from __future__ import annotations

import shutil

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NO_CHROMIUM = (
    "no system Chromium: install Debian's `chromium` package (`.ci/run` does it in CI: "
    "`apt-get install chromium fonts-dejavu-core`) to run the browser tests"
)
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
