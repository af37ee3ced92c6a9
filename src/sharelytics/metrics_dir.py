"""Where `serve`'s processes keep their metric files. Imports nothing from prometheus_client on purpose: the
variable must be set before prometheus_client is first imported, which decides then whether values live in
memory or in files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare_multiprocess_dir(data_dir: Path) -> Path:
    """An empty directory for this `serve`'s metric files, exported to the workers it is about to start.

    Emptied at start: files of a previous run would add its counts (and its dead pids) to this one's. An operator
    who set PROMETHEUS_MULTIPROC_DIR keeps that directory."""
    chosen = os.environ.get(MULTIPROC_ENV)
    directory = Path(chosen) if chosen else (data_dir / "metrics").resolve()
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True, exist_ok=True)
    os.environ[MULTIPROC_ENV] = str(directory)
    return directory
