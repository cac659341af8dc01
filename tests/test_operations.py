"""Operations: schedules, reprocessing from stored data, export. (kill -9: tests/faults/test_process.py.)"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from newsmon.config import load_config
from newsmon.demosite import DemoSite
from newsmon.entities import RULES_VERSION
from newsmon.pipeline import reanalyse, reextract, run_ingest
from newsmon.store import Store
from tests.conftest import ROOT, demo_config_dir


def test_served_schedules_come_from_settings(tmp_path: Path) -> None:
    from flows.serve import deployments

    cfg = tmp_path / "cfg"
    shutil.copytree(ROOT / "config", cfg, ignore=shutil.ignore_patterns("demo"))
    text = (cfg / "settings.yaml").read_text().replace('ingest_cron: "*/15 * * * *"', 'ingest_cron: "*/20 * * * *"')
    (cfg / "settings.yaml").write_text(text)
    ingest, report = deployments(str(cfg))
    assert (ingest.name, ingest.schedules[0].schedule.cron) == ("ingest-scheduled", "*/20 * * * *")
    assert ingest.schedules[0].schedule.timezone == "Europe/Amsterdam"
    assert ingest.parameters == {"config_dir": str(cfg), "due_only": True}
    assert (report.name, report.schedules[0].schedule.cron) == ("report-daily", "0 6 * * *")
    # prefect.yaml declares the same schedules for work-pool users
    declared = {d["name"]: d["schedules"][0]["cron"] for d in yaml.safe_load((ROOT / "prefect.yaml").read_text())
                ["deployments"] if d.get("schedules")}  # fmt: skip
    shipped = load_config(ROOT / "config").settings.schedules
    assert declared == {"ingest-scheduled": shipped.ingest_cron, "report-daily": shipped.report_cron}


def test_every_deployment_in_prefect_yaml_loads_its_flow(monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.flows import Flow, load_flow_from_entrypoint

    monkeypatch.chdir(ROOT)  # entrypoints are relative to the checkout, as on a worker
    deployments = yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"]
    names = {d["name"]: load_flow_from_entrypoint(d["entrypoint"]) for d in deployments}
    assert all(isinstance(f, Flow) for f in names.values())
    assert {n: f.name for n, f in names.items()} == {
        "ingest-scheduled": "ingest", "report-daily": "report", "reprocess": "reprocess"}


@pytest.fixture
def ingested(tmp_path: Path, demo_site: DemoSite) -> Path:
    cfg = demo_config_dir(tmp_path, demo_site.base_url)
    config = load_config(cfg)
    with Store.open(config.settings.db_path) as store:
        run_ingest(config, store)
    return cfg


def _table(store: Store, sql: str) -> list[tuple[object, ...]]:
    return store.con.execute(sql).fetchall()


def test_reprocess_after_a_gazetteer_change_updates_mentions_and_nothing_else(ingested: Path) -> None:
    config = load_config(ingested)
    articles_sql = "SELECT id, content_sha256, version, status, published_at FROM articles ORDER BY id"
    with Store.open(config.settings.db_path) as store:
        before_articles = _table(store, articles_sql)
        before_sources = _table(store, "SELECT * FROM article_sources ORDER BY ALL")
        assert _table(store, "SELECT count(*) FROM entity_mentions WHERE surface = 'Vostotsjny'")[0][0] > 0
    # an analyst renames the cosmodrome's entity and drops its Dutch spelling
    gazetteer = yaml.safe_load((ROOT / "config" / "entities.yaml").read_text(encoding="utf-8"))
    gazetteer["version"] = "test-edit"
    for entity in gazetteer["entities"]:
        entity["names"] = [n for n in entity.get("names", []) if n != "Vostotsjny"]
    (ingested / "entities.yaml").write_text(yaml.safe_dump(gazetteer, allow_unicode=True), encoding="utf-8")
    config = load_config(ingested)
    with Store.open(config.settings.db_path) as store:
        counts = reanalyse(config, store)
        assert counts["articles"] > 0
        assert _table(store, articles_sql) == before_articles
        assert _table(store, "SELECT * FROM article_sources ORDER BY ALL") == before_sources
        linked = _table(store, "SELECT count(*) FROM entity_mentions WHERE surface = 'Vostotsjny' "
                               "AND source = 'gazetteer'")  # fmt: skip
        assert linked == [(0,)]
        versions = _table(store, "SELECT DISTINCT gazetteer_version FROM entity_mentions")
        assert versions == [(f"test-edit+rules-{RULES_VERSION}",)]


def test_reprocess_reads_the_texts_batch_by_batch_and_keeps_the_rows(ingested: Path) -> None:
    """Texts are read from the database one batch at a time (an archive's texts need not fit in memory),
    oldest first, and small batches give the same rows as one batch holding everything."""
    config = load_config(ingested)
    derived = ("SELECT * FROM entity_mentions ORDER BY ALL", "SELECT * FROM article_topics ORDER BY ALL",
               "SELECT * FROM events ORDER BY ALL", "SELECT * FROM timeline_events ORDER BY ALL")  # fmt: skip
    reads: list[int] = []

    class Counting(Store):
        def analysis_texts(self, ids: Sequence[str]) -> list[tuple[str, str | None, str | None, str, datetime]]:
            texts = super().analysis_texts(ids)
            assert [t[0] for t in texts] == list(ids)
            reads.append(len(texts))
            return texts

    with Store.open(config.settings.db_path) as store:
        ids = store.analysis_ids(["ok", "paywalled"])
        published = dict(_table(store, "SELECT id, published_at FROM articles"))
        assert [published[i] for i in ids] == sorted(published[i] for i in ids)
        reanalyse(config, store, batch_size=len(ids))
        whole = [_table(store, sql) for sql in derived]
    store = Counting.open(config.settings.db_path)
    with store:
        assert reanalyse(config, store, batch_size=3)["articles"] == len(ids) > 6
        assert max(reads) == 3 and sum(reads) == len(ids)
        assert [_table(store, sql) for sql in derived] == whole


def test_reextract_from_the_archive_without_network(ingested: Path, demo_site: DemoSite) -> None:
    config = load_config(ingested)
    with Store.open(config.settings.db_path) as store:
        before = _table(store, "SELECT id, content_sha256, version FROM articles ORDER BY id")
        counts = reextract(config, store)
        assert counts == {"articles": len(before), "changed": 0, "missing_raw": 0}
        assert _table(store, "SELECT id, content_sha256, version FROM articles ORDER BY id") == before
        # one page's stored text is damaged: re-extraction restores it as a new version, keeping the old one
        aid = before[0][0]
        store.con.execute("UPDATE articles SET body = 'kapot', content_sha256 = 'x' WHERE id = ?", [aid])
        assert reextract(config, store)["changed"] == 1
        assert _table(store, f"SELECT version, content_sha256 = '{before[0][1]}' FROM articles WHERE id = '{aid}'") == [
            (2, True)]


def test_export_writes_parquet_with_a_manifest(ingested: Path, tmp_path: Path) -> None:
    config = load_config(ingested)
    out = tmp_path / "export"
    with Store.open(config.settings.db_path) as store:
        manifest = store.export_parquet(out)
        articles = store.count("articles")
    described = json.loads((out / "manifest.json").read_text())
    assert described == manifest
    by_name = {f["name"]: f for f in manifest["files"]}
    assert by_name["articles"]["rows"] == articles > 0
    assert {"v_topic_articles", "v_event_timeline", "entity_mentions"} <= set(by_name)
    assert all((out / f["file"]).stat().st_size > 0 for f in manifest["files"])


def test_runs_recorded_as_completed_get_the_status_their_counts_imply(tmp_path: Path) -> None:
    """Migration 007_run_status: rows written before ok/partial/failed existed said 'completed'."""
    old_rows = {  # id: (status, feeds polled, feeds failed, pages failed) -> status expected after
        "alles-goed": (("completed", 10, 0, 0), "ok"),
        "een-feed-dood": (("completed", 10, 1, 0), "partial"),
        "twee-paginas-weg": (("completed", 10, 0, 2), "partial"),
        "geen-netwerk": (("completed", 2, 2, 0), "failed"),
        "niets-te-doen": (("completed", 0, 0, 0), "ok"),
        "afgebroken": (("failed", None, None, None), "failed"),
        "bezig": (("running", None, None, None), "running"),
    }
    with Store.open(tmp_path / "runs.duckdb") as store:
        for run_id, ((status, polled, feeds_failed, pages_failed), _) in old_rows.items():
            store.con.execute(
                "INSERT INTO runs (id, mode, config_dir, started_at, status, feeds_polled, feeds_failed, failed) "
                "VALUES (?, 'inprocess', 'config', now(), ?, ?, ?, ?)",
                [run_id, status, polled, feeds_failed, pages_failed],
            )
        store.con.execute("DELETE FROM schema_migrations WHERE version = '007_run_status'")  # as before the file
        assert store.migrate() == ["007_run_status"]
        assert dict(_table(store, "SELECT id, status FROM runs")) == {k: v for k, (_, v) in old_rows.items()}
        assert store.migrate() == []  # applied once, recorded
