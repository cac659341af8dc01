"""The fault suite's ledger: which kinds of bad input were tried, which passed, and how many good rows
were lost or duplicated. `make test` prints one summary line for it at the end.

A test names the kinds it covers with `@pytest.mark.fault("feed: malformed XML", ...)`; a kind passes
when every test naming it passes. Tests that compare stored rows with what should be stored report
the differences through the `rows` fixture (and assert on them too).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pytest


@dataclass
class RowLedger:
    checked: int = 0
    lost: int = 0
    duplicated: int = 0


LEDGER = RowLedger()
KINDS: dict[str, list[bool]] = defaultdict(list)


class Rows:
    """Counts one comparison of expected and stored article ids."""

    def check(self, expected: set[str], stored: list[str]) -> tuple[set[str], int]:
        lost = expected - set(stored)
        duplicated = len(stored) - len(set(stored))
        LEDGER.checked += len(expected)
        LEDGER.lost += len(lost)
        LEDGER.duplicated += duplicated
        return lost, duplicated


@pytest.fixture
def rows() -> Rows:
    return Rows()



@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    marker = item.get_closest_marker("fault")
    if marker is not None and (report.when == "call" or (report.when == "setup" and report.outcome != "passed")):
        for kind in marker.args:
            KINDS[kind].append(report.outcome == "passed")
    return report


def summary_line() -> str | None:
    if not KINDS:
        return None
    passed = sum(all(results) for results in KINDS.values())
    return (
        f"fault suite: {len(KINDS)} kinds tried, {passed} passed, {len(KINDS) - passed} failed; "
        f"good articles checked {LEDGER.checked}, lost {LEDGER.lost}, duplicated {LEDGER.duplicated}"
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    line = summary_line()
    if line:
        failed = [kind for kind, results in sorted(KINDS.items()) if not all(results)]
        terminalreporter.write_sep("=", "fault suite")
        terminalreporter.write_line(line)
        for kind in failed:
            terminalreporter.write_line(f"  failed: {kind}")
