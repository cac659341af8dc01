"""The analysis workers' garbage collector (newsmon.fetch.settle): the loaded rules frozen out of its walks,
and a larger young generation."""

from __future__ import annotations

import gc
import subprocess
import sys

from newsmon import fetch


def test_a_worker_of_the_pool_runs_with_the_rules_frozen_and_a_larger_young_generation() -> None:
    pool = fetch._pool(2)  # the pool ingest and reprocess use: forked from the fork server that loaded the rules
    threshold = pool.submit(gc.get_threshold).result(timeout=300)
    frozen = pool.submit(gc.get_freeze_count).result(timeout=300)
    assert threshold[0] == fetch.WORKER_GC_YOUNG
    assert frozen > 50_000  # the gazetteer, the topic rules and the modules: never walked again


def test_settle_freezes_what_is_loaded_and_keeps_collecting_cycles() -> None:
    code = (
        "import gc; from newsmon.analysis import Resources; from newsmon.fetch import settle\n"
        "Resources().load_gazetteer(); Resources().load_topics(); before = gc.get_threshold()\n"
        "settle()\n"
        "class Node: pass\n"
        "a, b = Node(), Node(); a.other, b.other = b, a; del a, b\n"  # a cycle only the collector frees
        "print(before[0], gc.get_threshold()[0], gc.get_freeze_count() > 50000, gc.collect() >= 2)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["700", str(fetch.WORKER_GC_YOUNG), "True", "True"]
