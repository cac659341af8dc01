"""Run `newsmon ingest` in this process with a cap on file size: the disk fills up mid-run.

    python -m tests.faults.drive_ingest CONFIG_DIR MAX_FILE_BYTES

RLIMIT_FSIZE makes every write past the cap fail with EFBIG, as a full disk fails with ENOSPC. It is
set after the models are loaded (the language identifier unpacks its model into a temporary file),
so what fills up is the data the run writes: the database and its write-ahead log.
"""

from __future__ import annotations

import resource
import signal
import sys

from newsmon.analysis import resources_for
from newsmon.cli import app
from newsmon.config import load_config
from newsmon.fetch import _warm


def main() -> None:
    config_dir, cap = sys.argv[1], int(sys.argv[2])
    _warm(resources_for(load_config(config_dir)))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
    resource.setrlimit(resource.RLIMIT_FSIZE, (cap, cap))
    app(["ingest", "--config", config_dir], prog_name="newsmon")


if __name__ == "__main__":
    main()
