"""Process faults: kill -9 mid-load, two runs at once, a full or read-only disk, a bad configuration.

Each runs the real `newsmon` command in a subprocess against the demo site on 127.0.0.1 and then
opens the database to check that it is intact: whole batches only, checks clean, nothing doubled,
and a later run completes what was missed.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from newsmon.config import Config, load_config
from newsmon.demosite import DemoSite
from newsmon.store import Store
from newsmon.urls import article_id
from tests.conftest import ROOT, Rows, demo_config_dir
from tests.demo_truth import articles, manifest

CLI = str(Path(sys.executable).with_name("newsmon"))
BATCH = 4


def small_batches(tmp: Path, site: DemoSite, workers: int = 2, checkpoint_wal_mb: float | None = None) -> Config:
    cfg = demo_config_dir(tmp, site.base_url)
    settings = (cfg / "settings.yaml").read_text().replace("batch_size: 50", f"batch_size: {BATCH}")
    settings = settings.replace("extract_workers: 2", f"extract_workers: {workers}")
    if checkpoint_wal_mb is not None:
        settings = settings.replace("ingest:\n", f"ingest:\n  checkpoint_wal_mb: {checkpoint_wal_mb}\n")
    (cfg / "settings.yaml").write_text(settings)
    config = load_config(cfg)
    assert config.settings.ingest.batch_size == BATCH and config.settings.ingest.extract_workers == workers
    if checkpoint_wal_mb is not None:
        assert config.settings.ingest.checkpoint_wal_mb == checkpoint_wal_mb
    return config


def all_jobs(site: DemoSite) -> list[str]:
    """Article ids of every page the demo feeds link to, in the order the run fetches them."""
    urls = [a["url"] for a in manifest()["articles"]] + list(manifest()["robots_disallowed"])
    return sorted(article_id(u.replace("__BASE__", site.base_url)) for u in urls)


def assert_whole_batches(db: Path, jobs: list[str]) -> int:
    """The database opens, its checks are clean, and what it holds (as articles or recorded failures)
    is exactly the first k batches of the run. Returns the number of articles."""
    with Store.open(db) as store:
        checks = store.run_checks()
        assert checks == {name: [] for name in checks}
        q = store.con.execute
        analysed = "SELECT count(*) FROM articles a WHERE a.status IN ('ok', 'paywalled') AND NOT EXISTS " \
                   "(SELECT 1 FROM article_topics t WHERE t.article_id = a.id)"  # fmt: skip
        assert q(analysed).fetchall() == [(0,)]
        assert q("SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM article_versions v "
                 "WHERE v.article_id = a.id)").fetchall() == [(0,)]  # fmt: skip
        done = {r[0] for r in q("SELECT id FROM articles UNION SELECT article_id FROM fetch_failures").fetchall()}
        assert len(done) % BATCH == 0 or len(done) == len(jobs)
        assert done == set(jobs[: len(done)])
        return store.count("articles")


def completes(config: Config, site: DemoSite, rows: Rows) -> None:
    """A normal run afterwards stores every demo article exactly once."""
    rerun = subprocess.run([CLI, "ingest", "--config", str(config.directory)], capture_output=True, text=True,
                           timeout=300, check=False)  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr
    with Store.open(config.settings.db_path, read_only=True) as store:
        checks = store.run_checks()
        assert checks == {name: [] for name in checks}
        canonical = [r[0] for r in store.con.execute("SELECT canonical_url FROM articles").fetchall()]
    expected = {article_id(a["url"].replace("__BASE__", site.base_url)) for a in articles()}
    # one id per page with any query dropped: a page stored under two URLs would count twice here
    lost, duplicated = rows.check(expected, [article_id(url.split("?")[0]) for url in canonical])
    assert lost == set() and duplicated == 0


@pytest.mark.fault("process: kill -9 during a load")
def test_kill_9_mid_run_loses_nothing_and_the_rerun_completes(tmp_path: Path, demo_site: DemoSite, rows: Rows) -> None:
    config = small_batches(tmp_path, demo_site)
    jobs = all_jobs(demo_site)
    killed_with_rows = 0
    for delay in (3.0, 5.0, 7.0, 9.0, 12.0, 16.0):
        shutil.rmtree(tmp_path / "data", ignore_errors=True)
        config.settings.db_path.unlink(missing_ok=True)
        proc = subprocess.Popen([CLI, "ingest", "--config", str(config.directory)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        time.sleep(delay)
        if proc.poll() is not None:
            break  # finished before the kill: longer delays will not help
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        killed_with_rows = assert_whole_batches(config.settings.db_path, jobs)
        if killed_with_rows:
            break
    assert killed_with_rows, "the run was never caught between batches; raise the delays"
    completes(config, demo_site, rows)


def stopped_mid_run(config: Config, site: DemoSite, caps: tuple[int, ...]) -> tuple[str, int]:
    """Run ingest with each cap on file size in turn until one stops it between the first and the last
    batch; every attempt must stop cleanly with whole batches. Returns that run's stderr and stored count.

    Sizes on disk vary from machine to machine (DuckDB allocates 256 KB blocks, and the log of the first
    batch also holds the database's setup), so no single cap is sure to land mid-run: the caps are tried
    from the likeliest, with wide margins around what one batch adds."""
    db = config.settings.db_path
    for cap in caps:
        for leftover in (db, Path(f"{db}.wal")):
            leftover.unlink(missing_ok=True)
        shutil.rmtree(config.settings.data_dir, ignore_errors=True)
        run = subprocess.run([sys.executable, "-m", "tests.faults.drive_ingest", str(config.directory), str(cap)],
                             capture_output=True, text=True, timeout=300, cwd=ROOT, check=False)  # fmt: skip
        assert run.returncode == 2, run.stderr
        assert "Traceback" not in run.stderr
        assert "File too large" in run.stderr
        stored = assert_whole_batches(db, all_jobs(site))
        if 0 < stored < len(articles()):  # stopped mid-run, with complete batches before
            return run.stderr, stored
    raise AssertionError(f"no cap in {caps} stopped the run between its first and last batch")


@pytest.mark.fault("process: the disk fills up during a run")
def test_a_full_disk_stops_the_run_cleanly_and_the_next_run_completes(
    tmp_path: Path, demo_site: DemoSite, rows: Rows
) -> None:
    config = small_batches(tmp_path, demo_site, workers=1)
    # bytes per file: the first batch's log (~0.75 MB) fits, the checkpoint after it (~10 MB file) does not
    stderr, _ = stopped_mid_run(config, demo_site, caps=(2_000_000, 4_000_000, 1_200_000))
    assert f"error: run stopped: cannot write {config.settings.db_path}" in stderr
    with Store.open(config.settings.db_path, read_only=True) as store:
        assert store.con.execute("SELECT status FROM runs").fetchall() == [("failed",)]
        assert store.count("fetch_failures") <= 1  # the robots page; no good page was blamed for the disk
    completes(config, demo_site, rows)


@pytest.mark.fault("process: the disk fills up while a batch is logged")
def test_a_full_disk_inside_a_batch_stops_the_run_cleanly_and_the_next_run_completes(
    tmp_path: Path, demo_site: DemoSite, rows: Rows
) -> None:
    # no checkpoint until 16 MB of log: the log itself reaches the cap, inside a batch's transaction
    # (with the default, a checkpoint after every batch, the test above sees the database file fill up).
    # The log holds ~0.7 MB of setup, then 50-150 KB per batch of four, ~2.1 MB at the end of the run.
    config = small_batches(tmp_path, demo_site, workers=1, checkpoint_wal_mb=16)
    db = config.settings.db_path
    stderr, _ = stopped_mid_run(config, demo_site, caps=(1_400_000, 1_100_000, 1_800_000))
    assert f"error: run stopped: cannot write {db}.wal: File too large" in stderr
    with Store.open(db, read_only=True) as store:
        assert store.con.execute("SELECT status FROM runs").fetchall() == [("failed",)]
        assert store.count("fetch_failures") <= 1  # the robots page; no good page was blamed for the disk
    completes(config, demo_site, rows)


def without_root_override(*cmd: str) -> list[str]:
    """The command as root without the capabilities that ignore file permissions, as a service user
    would run it: a read-only directory is then read-only for it too."""
    drop = "-dac_override,-dac_read_search"
    return ["setpriv", "--bounding-set", drop, "--inh-caps", drop, "--", *cmd]


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.fault("process: read-only database directory")
def test_a_read_only_database_is_refused_with_its_path_and_left_untouched(tmp_path: Path, demo_site: DemoSite) -> None:
    config = small_batches(tmp_path, demo_site)
    db = config.settings.db_path
    with Store.open(db) as store:  # an existing database with its schema, and one old run
        store.start_run("earlier", "inprocess", str(config.directory))
    before = file_digest(db)
    db.chmod(0o444)
    db.parent.chmod(0o555)
    try:
        run = subprocess.run(without_root_override(CLI, "ingest", "--config", str(config.directory)),
                             capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    finally:
        db.parent.chmod(0o755)
        db.chmod(0o644)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    assert str(db) in run.stderr and "Permission denied" in run.stderr
    assert file_digest(db) == before
    assert not db.with_name(db.name + ".wal").exists()


@pytest.mark.fault("process: read-only archive directory")
def test_a_read_only_archive_stops_the_run_before_any_page_is_blamed(
    tmp_path: Path, demo_site: DemoSite, rows: Rows
) -> None:
    config = small_batches(tmp_path, demo_site, workers=1)
    archive = config.settings.archive_dir
    archive.mkdir(parents=True)
    archive.chmod(0o555)
    try:
        run = subprocess.run(without_root_override(CLI, "ingest", "--config", str(config.directory)),
                             capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    finally:
        archive.chmod(0o755)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    assert f"error: run stopped: cannot write {archive}" in run.stderr and "Permission denied" in run.stderr
    with Store.open(config.settings.db_path, read_only=True) as store:
        assert store.con.execute("SELECT status FROM runs").fetchall() == [("failed",)]
        assert store.count("articles") == 0
        assert store.count("fetch_failures") == 0  # no page was recorded as broken for the disk's fault
    completes(config, demo_site, rows)


@pytest.mark.fault("process: two runs at once")
def test_two_runs_at_once_one_writer_the_other_waits_or_names_the_holder(
    tmp_path: Path, demo_site: DemoSite, rows: Rows
) -> None:
    config = small_batches(tmp_path, demo_site)
    db = config.settings.db_path
    argv = [CLI, "ingest", "--config", str(config.directory)]
    first = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while True:  # wait until the first run holds the database
        try:
            duckdb.connect(str(db), read_only=True).close()
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                break
        assert time.monotonic() < deadline and first.poll() is None, "the first run never took the database"
        time.sleep(0.1)
    impatient = subprocess.run([*argv, "--wait", "0.5"], capture_output=True, text=True, timeout=60, check=False)
    patient = subprocess.Popen([*argv, "--wait", "300"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, err1 = first.communicate(timeout=300)
    out3, err3 = patient.communicate(timeout=300)
    assert first.returncode == 0, err1
    assert impatient.returncode == 2
    assert f"in use by process {first.pid}" in impatient.stderr and "only one writer at a time" in impatient.stderr
    assert patient.returncode == 0, err3
    assert "nothing new: 0 rows added" in out3  # it waited, then found the work done
    with Store.open(db, read_only=True) as store:
        assert [r[0] for r in store.con.execute("SELECT status FROM runs ORDER BY started_at").fetchall()] == [
            "partial", "partial"]  # completed, with the demo's one dead feed listed
    completes(config, demo_site, rows)


BAD_CONFIGS = [
    ("settings.yaml", "ingest:\n", "ingest:\n  batch_sise: 10\n",
     r"settings\.yaml:\d+: ingest\.batch_sise: unknown key"),
    ("feeds.yaml", "url: \"http://127.0.0.1", "url: \"htp//127.0.0.1", r"feeds\.yaml:\d+: feeds\.0\.url: "),
]


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [pytest.param(*case, marks=pytest.mark.fault(f"config: {label}"), id=label)
     for case, label in zip(BAD_CONFIGS, ["unknown key", "bad URL"], strict=True)],
)  # fmt: skip
def test_a_bad_config_stops_before_anything_runs(
    tmp_path: Path, demo_site: DemoSite, name: str, old: str, new: str, expected: str
) -> None:
    cfg = demo_config_dir(tmp_path, demo_site.base_url)
    text = (cfg / name).read_text()
    assert old in text
    (cfg / name).write_text(text.replace(old, new, 1))
    run = subprocess.run([CLI, "ingest", "--config", str(cfg)], capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert re.search(expected, run.stderr), run.stderr
    assert not (tmp_path / "demo.duckdb").exists()  # nothing ran
    assert not (tmp_path / "data").exists()


@pytest.mark.fault("config: malformed topic rule")
def test_a_malformed_rule_stops_ingest_and_the_flow_before_anything_runs(tmp_path: Path, demo_site: DemoSite) -> None:
    cfg = demo_config_dir(tmp_path, demo_site.base_url)
    rules = (ROOT / "config" / "topics.yaml").read_text()
    assert "diplomacy_summit:\n        rule: >-\n" in rules
    head = "diplomacy_summit:\n        rule: >-\n"
    broken = rules.replace(head, head + '          (("top\n')
    (cfg / "topics.yaml").write_text(broken)
    for argv in ([CLI, "ingest", "--config", str(cfg)], [sys.executable, "-m", "flows.ingest", "--config", str(cfg)]):
        run = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)
        assert run.returncode == 2, run.stdout + run.stderr
        assert "Traceback" not in run.stderr
        assert str(cfg / "topics.yaml") in run.stderr and "themes.diplomacy_summit" in run.stderr
        assert "cannot parse rule" in run.stderr
        assert not (tmp_path / "demo.duckdb").exists()
