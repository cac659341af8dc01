"""What the extraction workers import from the process that starts them (newsmon.fetch._context): a
flow started as `python -m flows.ingest` (a package's __main__) leaves Prefect out of the workers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE = (
    "import sys\n"
    "from newsmon import fetch\n"
    "pool = fetch._pool(2)\n"
    "in_worker = pool.submit(eval, \"'prefect' in __import__('sys').modules\").result(timeout=300)\n"
    "print(in_worker, 'prefect' in sys.modules)\n"
)


def _run_module(where: Path, name: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(where), str(ROOT)])}
    done = subprocess.run([sys.executable, "-m", name], cwd=where, env=env, capture_output=True, text=True,
                          timeout=600, check=True)  # fmt: skip
    return done.stdout.split()


def test_a_package_run_with_dash_m_is_not_imported_by_the_workers(tmp_path: Path) -> None:
    package = tmp_path / "probe_flow"
    package.mkdir()
    (package / "__init__.py").write_text("import prefect  # what flows.ingest imports\n")
    (package / "__main__.py").write_text(PROBE)
    assert _run_module(tmp_path, "probe_flow") == ["False", "True"]


def test_a_module_run_with_dash_m_is_loaded_in_the_workers_too(tmp_path: Path) -> None:
    # the layout flows/ingest.py had: multiprocessing runs such a main module again in every worker, so
    # the fork server imports it once for all of them
    guarded = "".join(f"    {line}\n" for line in PROBE.splitlines())  # the fork server imports it too
    (tmp_path / "probe_script.py").write_text(f"import prefect\nif __name__ == '__main__':\n{guarded}")
    assert _run_module(tmp_path, "probe_script") == ["True", "True"]


def test_the_ingest_flow_runs_from_its_package() -> None:
    done = subprocess.run([sys.executable, "-m", "flows.ingest", "--help"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=True)  # fmt: skip
    assert "--task-runner" in done.stdout
    assert (ROOT / "flows" / "ingest" / "__main__.py").is_file()
