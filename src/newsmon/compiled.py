"""The analysis modules compiled to C extension modules (Cython), used only while they match their source.

The analysis (sentence splitting, gazetteer matching, topic rules, event dating) is interpreted Python spread
thinly over many small functions. Compiled as it is, from the very files in this folder and without a type
declaration added, it does the same work in fewer instructions (bench/README.md has the figures). Nothing else
changes, and the plain source stays the reference: `tests/test_compiled.py` compares the two on every gold text.

`make setup` builds them when Cython and a C compiler are there (`python -m newsmon.compiler build`, see
compiler.py); without, everything runs from source. Each build records the SHA-256 of every source it compiled
(`_compiled.json`). At import (newsmon/__init__.py puts this module's finder first), a module whose source
differs from what its extension was built from (an edit not yet rebuilt) is loaded from the source, so an edit
always takes effect; `python -m newsmon.compiler` says which modules run compiled. NEWSMON_PURE_PYTHON=1 loads
every module from source.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import Any

PACKAGE = "newsmon"
PACKAGE_DIR = Path(__file__).resolve().parent
# the analysis, in import order; nothing here imports a module that is not compiled except through `newsmon.`
MODULES = ("records", "text", "document", "events_calendar", "events_tense", "events", "offices", "entities",
           "topics")  # fmt: skip
STAMP_NAME = "_compiled.json"
PURE_ENV = "NEWSMON_PURE_PYTHON"


def digest(source: Path) -> str:
    return hashlib.sha256(source.read_bytes()).hexdigest()


def extension_of(name: str, package_dir: Path = PACKAGE_DIR) -> Path | None:
    """The built extension module of `name` next to its source, if any."""
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = package_dir / f"{name}{suffix}"
        if path.is_file():
            return path
    return None


def read_stamp(package_dir: Path = PACKAGE_DIR) -> dict[str, str]:
    """Module name -> SHA-256 of the source its extension was built from ({} when none was built, or the record
    cannot be read: then nothing runs compiled)."""
    try:
        data = json.loads((package_dir / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def state(name: str, package_dir: Path = PACKAGE_DIR, stamp: dict[str, str] | None = None) -> str:
    """How module `name` is loaded: "compiled", or the reason it is loaded from source."""
    if os.environ.get(PURE_ENV, "") not in ("", "0"):
        return f"source ({PURE_ENV} is set)"
    if extension_of(name, package_dir) is None:
        return "source (not built)"
    recorded = (read_stamp(package_dir) if stamp is None else stamp).get(name)
    if recorded is None:
        return "source (no record of what it was built from)"
    if recorded != digest(package_dir / f"{name}.py"):
        return "source (changed since it was built; `python -m newsmon.compiler build` builds it again)"
    return "compiled"


class _FreshOnly(importlib.abc.MetaPathFinder):
    """Finds the analysis modules: the extension where `state` says "compiled", else the source (Python's own
    finder would take any extension next to the source, however old)."""

    def __init__(self, package_dir: Path = PACKAGE_DIR) -> None:
        self.package_dir = package_dir
        self._stamp: dict[str, str] | None = None
        self.states: dict[str, str] = {}

    def find_spec(
        self, fullname: str, path: Any = None, target: ModuleType | None = None  # noqa: ARG002 - the finder protocol
    ) -> ModuleSpec | None:  # fmt: skip
        package, _, name = fullname.partition(".")
        if package != PACKAGE or name not in MODULES:
            return None
        if self._stamp is None:
            self._stamp = read_stamp(self.package_dir)
        found = self.states[name] = state(name, self.package_dir, self._stamp)
        if found == "compiled":
            location = str(extension_of(name, self.package_dir))
            loader = importlib.machinery.ExtensionFileLoader(fullname, location)
            return importlib.util.spec_from_file_location(fullname, location, loader=loader)
        return importlib.util.spec_from_file_location(fullname, self.package_dir / f"{name}.py")


FINDER = _FreshOnly()


def install() -> None:
    """Put the finder first on the import path (once)."""
    if FINDER not in sys.meta_path:
        sys.meta_path.insert(0, FINDER)


def status() -> dict[str, str]:
    """Each analysis module's state, as it was loaded where it is loaded already, else as it would be now."""
    stamp = read_stamp()
    return {n: FINDER.states.get(n) or state(n, stamp=stamp) for n in MODULES}
