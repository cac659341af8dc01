"""The compiled analysis modules (newsmon/compiled.py): used only while built from the source as it is, and
giving what the source gives."""

from __future__ import annotations

import importlib.machinery
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newsmon import compiled

REPO = Path(__file__).resolve().parents[1]
BUILT = all(compiled.state(n) == "compiled" for n in compiled.MODULES)
needs_build = pytest.mark.skipif(not BUILT, reason="the analysis is not compiled here (python -m newsmon.compiler)")


def _package(tmp_path: Path, source: str = "X = 1\n") -> Path:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "m.py").write_text(source, encoding="utf-8")
    return package


def test_a_module_runs_compiled_only_with_an_extension_built_from_its_current_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(compiled.PURE_ENV, raising=False)
    package = _package(tmp_path)
    assert compiled.state("m", package) == "source (not built)"
    (package / f"m{importlib.machinery.EXTENSION_SUFFIXES[0]}").write_bytes(b"")
    assert compiled.state("m", package) == "source (no record of what it was built from)"
    (package / compiled.STAMP_NAME).write_text(json.dumps({"m": compiled.digest(package / "m.py")}), encoding="utf-8")
    assert compiled.state("m", package) == "compiled"
    (package / "m.py").write_text("X = 2\n", encoding="utf-8")  # an edit after the build
    assert compiled.state("m", package).startswith("source (changed since it was built")
    (package / "m.py").write_text("X = 1\n", encoding="utf-8")
    monkeypatch.setenv(compiled.PURE_ENV, "1")
    assert compiled.state("m", package) == f"source ({compiled.PURE_ENV} is set)"


def test_an_unreadable_record_means_nothing_runs_compiled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(compiled.PURE_ENV, raising=False)
    package = _package(tmp_path)
    (package / f"m{importlib.machinery.EXTENSION_SUFFIXES[0]}").write_bytes(b"")
    (package / compiled.STAMP_NAME).write_text("{not json", encoding="utf-8")
    assert compiled.read_stamp(package) == {}
    assert compiled.state("m", package) == "source (no record of what it was built from)"


def _python(code: str, path: Path, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k != compiled.PURE_ENV} | env
    environment["PYTHONPATH"] = str(path)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True)
    return done.stdout.strip()


@needs_build
def test_an_edited_module_is_imported_from_its_source_and_the_others_stay_compiled(tmp_path: Path) -> None:
    copy = tmp_path / "src"
    shutil.copytree(compiled.PACKAGE_DIR, copy / "newsmon", ignore=shutil.ignore_patterns("__pycache__"))
    with (copy / "newsmon" / "text.py").open("a", encoding="utf-8") as f:
        f.write("\nEDITED_AFTER_THE_BUILD = True\n")
    code = ("import newsmon.topics, newsmon.text; "
            "print(newsmon.text.__file__); print(newsmon.topics.__file__); "
            "print(getattr(newsmon.text, 'EDITED_AFTER_THE_BUILD', False))")  # fmt: skip
    text_file, topics_file, edited = _python(code, copy).splitlines()
    assert text_file.endswith("text.py") and edited == "True"  # the edit took effect
    assert Path(topics_file).suffix == ".so" and Path(topics_file).parent == copy / "newsmon"
    pure = _python(code, copy, **{compiled.PURE_ENV: "1"}).splitlines()
    assert pure[1].endswith("topics.py")


@needs_build
def test_the_compiled_analysis_gives_what_the_source_gives(tmp_path: Path) -> None:
    """Every mention, topic result and event over the gold and demo texts (bench/analysis_speed.py --dump),
    from the compiled modules and from the source."""
    dumps = {}
    for how, env in (("compiled", {}), ("source", {compiled.PURE_ENV: "1"})):
        out = tmp_path / f"{how}.json"
        code = ("import runpy, sys; sys.argv = ['analysis_speed', '--groups', 'topics,entities,events,demo', "
                f"'--passes', '1', '--dump', {str(out)!r}]; "
                "import newsmon.compiled as c; print(sorted(set(c.status().values())), file=sys.stderr); "
                f"runpy.run_path({str(REPO / 'bench' / 'analysis_speed.py')!r}, run_name='__main__')")  # fmt: skip
        environment = {k: v for k, v in os.environ.items() if k != compiled.PURE_ENV} | env
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment,
                              check=True, cwd=REPO)  # fmt: skip
        states = done.stderr.strip().splitlines()[0]
        assert states == ("['compiled']" if how == "compiled" else f"['source ({compiled.PURE_ENV} is set)']")
        dumps[how] = json.loads(out.read_text(encoding="utf-8"))
    assert len(dumps["source"]) > 300
    assert dumps["compiled"] == dumps["source"]
