"""The report as a person sees it: written from a real demo database, rendered in headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from newsmon.config import load_config
from newsmon.demosite import DemoSite
from newsmon.pipeline import run_ingest
from newsmon.report import write_report
from newsmon.store import Store
from tests.conftest import demo_config_dir

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory, demo_site: DemoSite) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    config = load_config(demo_config_dir(tmp, demo_site.base_url))
    with Store.open(config.settings.db_path) as store:
        run_ingest(config, store)
        files = write_report(store, tmp / "report")
    assert files.spikes >= 1 and files.events >= 1
    return files.directory


def test_report_files_and_content(report_dir: Path) -> None:
    pngs = sorted(p.name for p in report_dir.glob("*.png"))
    assert pngs == ["event_timeline.png", "top_entities.png", "weekly_coverage.png"]
    assert all((report_dir / p).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
               for p in pngs)
    page = (report_dir / "index.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 3  # self-contained
    # the Vladivostok summit week is the demo's spike, with its articles linked
    assert "Week van 22-04-2019" in page and "Vladivostok" in page
    assert re.search(r"<td>25-04-2019</td><td>day</td><td>[^<]*Kim Jong-un", page)


def test_report_renders_in_chromium(report_dir: Path, tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium package is needed (make setup installs it when run as root)"
    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    url = (report_dir / "index.html").as_uri()
    dom = subprocess.run([chromium, *CHROMIUM_FLAGS, *profile, "--dump-dom", url], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    loaded = re.search(r'data-images-loaded="(\d+)" data-images-total="(\d+)"', dom)
    assert loaded and loaded.group(1) == loaded.group(2) == "3"
    shot = tmp_path / "report.png"
    subprocess.run([chromium, *CHROMIUM_FLAGS, *profile, "--window-size=1200,2000", f"--screenshot={shot}", url],
                   capture_output=True, timeout=120, check=True)
    assert shot.stat().st_size > 50_000  # a page with three plots, not a blank canvas
    shutil.copy(shot, report_dir / "screenshot.png")
