from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# Prefect settings must be in place before prefect is imported anywhere.
ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
os.environ.setdefault("DO_NOT_TRACK", "1")

from newsmon.config import Config, load_config  # noqa: E402
from newsmon.demosite import DemoSite  # noqa: E402
from tests.faults.ledger import KINDS, Rows, summary_line  # noqa: E402
from tests.loopback import LoopbackServer  # noqa: E402

DEMO_SITE = ROOT / "demo" / "site"


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    srv = LoopbackServer().start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def demo_site() -> Iterator[DemoSite]:
    with DemoSite(DEMO_SITE) as site:
        yield site


def demo_config_dir(tmp: Path, base_url: str) -> Path:
    """A copy of config/demo pointing at a demo site on `base_url`, with data under `tmp`."""
    target = tmp / "config"
    shutil.copytree(ROOT / "config" / "demo", target)
    feeds = (target / "feeds.yaml").read_text(encoding="utf-8")
    (target / "feeds.yaml").write_text(feeds.replace("http://127.0.0.1:8765", base_url), encoding="utf-8")
    settings = (target / "settings.yaml").read_text(encoding="utf-8")
    settings = settings.replace("db_path: data/demo.duckdb", f"db_path: {tmp / 'demo.duckdb'}")
    settings = settings.replace("data_dir: data/demo", f"data_dir: {tmp / 'data'}")
    settings = settings.replace("site_dir: demo/site", f"site_dir: {DEMO_SITE}")
    (target / "settings.yaml").write_text(settings, encoding="utf-8")
    return target


@pytest.fixture
def demo_config(tmp_path: Path, demo_site: DemoSite) -> Config:
    return load_config(demo_config_dir(tmp_path, demo_site.base_url))


# --- the fault suite's ledger (tests/faults/ledger.py): kinds tried and passed, rows lost/duplicated ---


@pytest.fixture
def rows() -> Rows:
    return Rows()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    report: pytest.TestReport = yield
    marker = item.get_closest_marker("fault")
    if marker is not None and (report.when == "call" or (report.when == "setup" and report.outcome != "passed")):
        for kind in marker.args:
            KINDS[kind].append(report.outcome == "passed")
    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    line = summary_line()
    if line:
        terminalreporter.write_sep("=", "fault suite")
        terminalreporter.write_line(line)
        for kind in sorted(k for k, results in KINDS.items() if not all(results)):
            terminalreporter.write_line(f"  failed: {kind}")
