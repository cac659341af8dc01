"""The command line as a user runs it: real subprocesses, real files, loopback only."""

from __future__ import annotations

import os
import pty
import select
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsmon.demosite import DemoSite
from newsmon.store import Store
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


def test_unreachable_feeds_end_in_a_failure_summary_and_exit_code_3(tmp_path: Path) -> None:
    """What `make run` does without internet: every feed fails, each with its reason, and the exit
    code says so (3), so that a scheduler or a person on call sees the run failed."""
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
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "error: every feed failed (2 of 2)" in result.stderr
    assert "feeds polled: 2 (failed 2" in result.stdout  # the summary is printed all the same
    assert "FAILED nos/algemeen: refused: refused 127.0.0.1 (127.0.0.1): loopback address" in result.stdout
    assert "FAILED lokaal/dicht: ConnectError" in result.stdout
    with Store.open(tmp_path / "x.duckdb", read_only=True) as store:
        runs = store.con.execute("SELECT status, feeds_polled, feeds_failed FROM runs").fetchall()
    assert runs == [("failed", 2, 2)]


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
    # one dead feed of ten (nljournaal/oud) is listed, and the run still exits 0
    assert result.returncode == 0, result.stderr
    assert "new articles:" in result.stdout
    assert "FAILED nljournaal/oud:" in result.stdout and "every feed failed" not in result.stderr
    # not a terminal: plain progress lines on standard error, the summary on standard output
    assert "feeds polled: 10 of 10" in result.stderr and "pages loaded: 65 of 65" in result.stderr
    return tmp / "demo.duckdb"


def test_sql_shell_has_dutch_full_text_search(demo_db: Path) -> None:
    query = ("SELECT count(*) FROM (SELECT search.match_bm25(id, 'militair') AS s FROM articles) "
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


# --- read-only commands, bad input, progress, start-up --------------------------------------------

READERS = [["report", "--out", "{tmp}/r"], ["export", "--out", "{tmp}/e"], ["explain", "0123abcd"], ["sql"],
           ["check-db"], ["index"], ["reprocess"]]  # fmt: skip


@pytest.mark.parametrize("command", READERS, ids=lambda c: c[0])
def test_a_mistyped_db_is_one_line_and_creates_nothing(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "data" / "demo.duckbd"
    result = newsmon(*[a.format(tmp=tmp_path) for a in command], "--db", str(missing), "--config",
                     str(ROOT / "config" / "demo"))  # fmt: skip
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.count("\n") == 1 and str(missing) in result.stderr and "no such database" in result.stderr
    assert "newsmon ingest" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists() and list(tmp_path.iterdir()) == []


def test_a_missing_default_db_names_the_command_that_creates_it(tmp_path: Path) -> None:
    cfg = demo_config_dir(tmp_path, "http://127.0.0.1:8765")
    result = newsmon("explain", "0123abcd", "--config", str(cfg))
    assert result.returncode == 2
    assert f"{tmp_path / 'demo.duckdb'}: no database yet" in result.stderr and "make demo" in result.stderr
    assert not (tmp_path / "demo.duckdb").exists()


def test_extract_refuses_what_is_not_html(tmp_path: Path) -> None:
    png = tmp_path / "foto.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    yaml = tmp_path / "instellingen.yaml"
    yaml.write_text("db_path: data/x.duckdb\nhttp:\n  retries: 2\n", encoding="utf-8")
    page = tmp_path / "artikel.html"
    page.write_text("<html><head><title>Kort bericht</title></head><body><article><p>Een korte tekst over de "
                    "haven van Rotterdam, waar donderdag een nieuw schip aankwam.</p></article></body></html>",
                    encoding="utf-8")  # fmt: skip
    for path, kind in ((png, "a PNG image"), (yaml, "YAML")):
        result = newsmon("extract", str(path), "--url", "https://example.nl/a")
        assert result.returncode == 2 and result.stdout == ""
        assert f"{path}: not an HTML page: this is {kind}" in result.stderr
    assert newsmon("extract", str(page), "--url", "https://example.nl/a").returncode == 0


@pytest.mark.parametrize(("args", "message"), [
    (["analyze", "{text}", "--date", "2025-02-30"], "--date '2025-02-30': February 2025 has 28 days, not 30"),
    (["analyze", "{text}", "--date", "2024-02-30"], "February 2024 has 29 days"),
    (["explain", "{text}", "--date", "2024-13-01"], "--date '2024-13-01': there is no month 13"),
    (["analyze", "{text}", "--date", "19-06-2024"], "expected a date as YYYY-MM-DD"),
    (["reprocess", "--since", "2024-04-31"], "--since '2024-04-31': April 2024 has 30 days, not 31"),
    (["analyze", "{latin1}", "--date", "2024-06-19"], "not UTF-8 text (byte 0xe9 at offset"),
    (["explain", "{latin1}"], "not UTF-8 text"),
])  # fmt: skip
def test_bad_input_says_what_is_wrong_without_a_traceback(tmp_path: Path, args: list[str], message: str) -> None:
    text = tmp_path / "bericht.txt"
    text.write_text("Poetin ontving Kim Jong-un donderdag in Vladivostok.", encoding="utf-8")
    latin1 = tmp_path / "oud.txt"
    latin1.write_bytes("Het caf\u00e9 aan de haven.".encode("latin-1"))
    result = newsmon(*[a.format(text=text, latin1=latin1) for a in args], "--config", str(ROOT / "config")) \
        if args[0] != "analyze" else newsmon(*[a.format(text=text, latin1=latin1) for a in args])
    assert result.returncode == 2, result.stdout
    assert message in result.stderr and "Traceback" not in result.stderr


def test_explain_on_a_file_reads_the_configured_rules(tmp_path: Path) -> None:
    cfg = tmp_path / "cfg"
    shutil.copytree(ROOT / "config" / "demo", cfg)
    (cfg / "topics.yaml").write_text("topics: []\n", encoding="utf-8")
    text = tmp_path / "bericht.txt"
    text.write_text("Poetin ontving Kim Jong-un donderdag in Vladivostok.", encoding="utf-8")
    result = newsmon("explain", str(text), "--config", str(cfg))
    assert result.returncode == 2
    assert str(cfg / "topics.yaml") in result.stderr  # the configuration's own rules, not the project's


def test_feeds_check_with_the_demo_site_down_says_how_to_start_it(tmp_path: Path) -> None:
    cfg = demo_config_dir(tmp_path, f"http://127.0.0.1:{closed_port()}")
    result = newsmon("feeds", "check", "--config", str(cfg))
    assert result.returncode == 0
    assert "newest (Amsterdam)" in result.stdout.splitlines()[0]
    assert "hint: none of the 10 feeds could be reached" in result.stdout and "--demo" in result.stdout


def test_reingest_is_quiet_with_q_and_draws_bars_on_a_terminal(demo_db: Path) -> None:
    quiet = newsmon("-q", "ingest", "--config", str(demo_db.parent / "config"))
    assert quiet.returncode == 0 and quiet.stderr == "" and "nothing new" in quiet.stdout
    leader, follower = pty.openpty()
    proc = subprocess.Popen([str(CLI), "ingest", "--config", str(demo_db.parent / "config")],
                            stdout=subprocess.PIPE, stderr=follower, env={**os.environ, "COLUMNS": "120"})  # fmt: skip
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if select.select([leader], [], [], 0.2)[0]:
            try:
                seen += os.read(leader, 65536)
            except OSError:
                break
    proc.wait(timeout=60)
    os.close(leader)
    assert proc.returncode == 0
    screen = seen.decode("utf-8", errors="replace")
    assert "feeds polled" in screen and "10/10" in screen and "━" in screen  # a rich bar, with counts


def test_help_imports_none_of_the_heavy_parts() -> None:
    probe = ("import sys, newsmon.cli; heavy = ['matplotlib', 'pandas', 'duckdb', 'trafilatura', 'prefect', "
             "'newsmon.lake', 'newsmon.demosite', 'newsmon.pipeline', 'rich.progress']; "
             "print([m for m in heavy if m in sys.modules])")  # fmt: skip
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
    started = time.monotonic()
    assert newsmon("--help").returncode == 0
    assert time.monotonic() - started < 3  # about 0.2 s; generous for a shared machine
