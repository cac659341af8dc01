from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsmon.config import ConfigError, load_config
from tests.conftest import ROOT


def copy_config(tmp_path: Path, name: str = "demo") -> Path:
    target = tmp_path / "cfg"
    shutil.copytree(ROOT / "config" / name if name else ROOT / "config", target)
    return target


def test_shipped_configs_load() -> None:
    real = load_config(ROOT / "config")
    assert {f.outlet for f in real.feeds} >= {"nos", "nunl", "rtl", "nrc", "volkskrant", "trouw", "ad", "parool",
                                             "telegraaf", "vrt", "standaard"}
    assert real.settings.http.allow_hosts == ()  # real runs never fetch loopback/private hosts
    demo = load_config(ROOT / "config" / "demo")
    assert demo.settings.demo is not None and "127.0.0.1" in demo.settings.http.allow_hosts


def test_unknown_key_names_file_key_and_line(tmp_path: Path) -> None:
    cfg = copy_config(tmp_path)
    text = (cfg / "settings.yaml").read_text()
    (cfg / "settings.yaml").write_text(text.replace("  retries: 1\n", "  retries: 1\n  retires: 3\n"))
    with pytest.raises(ConfigError) as err:
        load_config(cfg)
    message = str(err.value)
    line = next(i for i, row in enumerate((cfg / "settings.yaml").read_text().splitlines(), 1) if "retires" in row)
    assert f"settings.yaml:{line}: http.retires: unknown key" in message


def test_bad_feed_url_is_reported_with_its_position(tmp_path: Path) -> None:
    cfg = copy_config(tmp_path)
    text = (cfg / "feeds.yaml").read_text()
    bad = text.replace("http://127.0.0.1:8765/westbode/feeds/alles.atom", "westbode alles")
    (cfg / "feeds.yaml").write_text(bad)
    with pytest.raises(ConfigError, match=r"feeds.yaml:\d+: feeds.4.url: .*not an http\(s\) URL: 'westbode alles'"):
        load_config(cfg)


def test_feed_with_unknown_outlet_is_an_error(tmp_path: Path) -> None:
    cfg = copy_config(tmp_path)
    text = (cfg / "feeds.yaml").read_text()
    bad = text.replace("{outlet: scheldepost, name: nieuws", "{outlet: schelde, name: nieuws")
    (cfg / "feeds.yaml").write_text(bad)
    with pytest.raises(ConfigError, match="unknown outlet 'schelde'"):
        load_config(cfg)


def test_bad_value_and_missing_file(tmp_path: Path) -> None:
    cfg = copy_config(tmp_path)
    text = (cfg / "settings.yaml").read_text()
    (cfg / "settings.yaml").write_text(text.replace("per_host_concurrency: 4", "per_host_concurrency: veel"))
    with pytest.raises(ConfigError, match=r"http.per_host_concurrency: Input should be a valid integer"):
        load_config(cfg)
    (cfg / "feeds.yaml").unlink()
    with pytest.raises(ConfigError, match=r"feeds.yaml: file not found|settings.yaml"):
        load_config(cfg)


def test_user_agent_needs_a_contact(tmp_path: Path) -> None:
    cfg = copy_config(tmp_path)
    text = (cfg / "settings.yaml").read_text()
    bad = text.replace('"newsmon/0.1 (demo run; +mailto:newsmon@example.org)"', "newsmon-bot")
    (cfg / "settings.yaml").write_text(bad)
    with pytest.raises(ConfigError, match="user_agent must carry a contact"):
        load_config(cfg)
