"""The command line as a user runs it: real subprocesses, real files, loopback only."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from newsmon.demosite import DemoSite
from tests.conftest import ROOT, demo_config_dir

CLI = Path(sys.executable).with_name("newsmon")


def newsmon(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLI), *args], capture_output=True, text=True, cwd=cwd, timeout=300, check=False)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_feeds_check_prints_a_row_per_feed(tmp_path: Path, demo_site: DemoSite) -> None:
    cfg = demo_config_dir(tmp_path, demo_site.base_url)
    result = newsmon("feeds", "check", "--config", str(cfg))
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines()[1:]}
    assert lines["dagkoerier/algemeen"].split()[1:3] == ["ok", "200"]
    assert "nljournaal/oud" in lines and "failed" in lines["nljournaal/oud"] and "HTML page" in lines["nljournaal/oud"]
    newest = lines["westbode/alles"].split()[4]
    assert newest.startswith("20")  # a date: the newest item is shown so stale feeds stand out


def test_unreachable_feeds_end_in_a_failure_summary_not_a_traceback(tmp_path: Path) -> None:
    """What `make run` does without internet: every feed fails, each with its reason."""
    cfg = tmp_path / "cfg"
    shutil.copytree(ROOT / "config", cfg, ignore=shutil.ignore_patterns("demo"))
    port = closed_port()
    (cfg / "feeds.yaml").write_text(
        "outlets:\n  - {id: nos, name: NOS}\n  - {id: lokaal, name: Lokaal}\n"
        "feeds:\n"
        "  - {outlet: nos, name: algemeen, url: 'http://127.0.0.1:9/nosnieuwsalgemeen'}\n"
        f"  - {{outlet: lokaal, name: dicht, url: 'http://localhost:{port}/rss'}}\n"
    )
    settings = (cfg / "settings.yaml").read_text()
    settings = settings.replace("db_path: data/newsmon.duckdb", f"db_path: {tmp_path / 'x.duckdb'}")
    settings = settings.replace("allow_hosts: []", "allow_hosts: ['localhost']").replace("retries: 2", "retries: 0")
    (cfg / "settings.yaml").write_text(settings.replace("data_dir: data", f"data_dir: {tmp_path}"))
    result = newsmon("ingest", "--config", str(cfg))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "feeds polled: 2 (failed 2" in result.stdout
    assert "FAILED nos/algemeen: refused: refused 127.0.0.1 (127.0.0.1): loopback address" in result.stdout
    assert "FAILED lokaal/dicht: ConnectError" in result.stdout


def test_bad_config_stops_before_anything_runs(tmp_path: Path) -> None:
    cfg = tmp_path / "cfg"
    shutil.copytree(ROOT / "config" / "demo", cfg)
    (cfg / "feeds.yaml").write_text((cfg / "feeds.yaml").read_text().replace("section: sport}", "sektion: sport}"))
    result = newsmon("ingest", "--config", str(cfg), "--db", str(tmp_path / "x.duckdb"))
    assert result.returncode == 2
    assert "feeds.yaml:" in result.stderr and "feeds.3.sektion: unknown key" in result.stderr
    assert not (tmp_path / "x.duckdb").exists()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory, demo_site: DemoSite) -> Path:
    tmp = tmp_path_factory.mktemp("cli")
    cfg = demo_config_dir(tmp, demo_site.base_url)
    result = newsmon("ingest", "--config", str(cfg))
    assert result.returncode == 0, result.stderr
    assert "new articles:" in result.stdout
    return tmp / "demo.duckdb"


def test_sql_shell_has_dutch_full_text_search(demo_db: Path) -> None:
    query = ("SELECT count(*) FROM (SELECT fts_main_articles.match_bm25(id, 'militair') AS s FROM articles) "
             "WHERE s IS NOT NULL")
    result = newsmon("sql", "--db", str(demo_db), "-e", query)
    assert result.returncode == 0, result.stderr
    digits = [int(tok) for tok in result.stdout.replace("│", " ").split() if tok.isdigit()]
    assert digits and digits[-1] >= 2  # several demo articles speak of militairen / militaire


def test_readme_queries_run_on_the_demo_db(demo_db: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    block = readme.split("```sql", 1)[1].split("```", 1)[0]
    statements = [s.strip() for s in block.split(";") if "SELECT" in s]
    assert len(statements) == 3
    for statement in statements:
        result = newsmon("sql", "--db", str(demo_db), "-e", statement + ";")
        assert result.returncode == 0 and "Error" not in result.stdout + result.stderr, (statement, result.stderr)


def test_check_db_passes_on_the_demo_db(demo_db: Path) -> None:
    result = newsmon("check-db", "--db", str(demo_db))
    assert result.returncode == 0, result.stdout
    assert result.stdout.count("ok  ") == len(list((ROOT / "sql" / "checks").glob("*.sql")))


def test_second_writer_gets_a_clear_message(demo_db: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(demo_db)!r}); print('ok', flush=True); "
         "time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        result = newsmon("check-db", "--db", str(demo_db), "--wait", "1")
        assert result.returncode == 2
        assert f"in use by process {holder.pid}" in result.stderr and "only one writer" in result.stderr
    finally:
        holder.kill()
        holder.wait()
