"""Run a command and write its peak resident memory (ru_maxrss, KB) to a file.

    python bench/maxrss.py OUT_FILE COMMAND [ARG ...]

The bench measures a run's peak RSS through this small process rather than from its own: on Linux a
process started from a large one (subprocess's vfork, then exec) starts with the parent's high-water
mark as its own ru_maxrss, so a run launched by the bench after it has loaded the analysis models and
generated 5 N pages would report the bench's size instead of its own. Launched from this process
(a few MB), the figure is the run's: the largest of its own peak and its waited-for children's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def main() -> int:
    out, command = Path(sys.argv[1]), sys.argv[2:]
    proc = subprocess.Popen(command)
    _pid, status, usage = os.wait4(proc.pid, 0)
    out.write_text(f"{usage.ru_maxrss}\n")
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
