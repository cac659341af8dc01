"""The fault suite's ledger: which kinds of bad input were tried, which passed, and how many good rows
were lost or duplicated. `make test` prints one summary line for it at the end.

A test names the kinds it covers with `@pytest.mark.fault("feed: malformed XML", ...)`; a kind passes
when every test naming it passes. Tests that compare stored rows with what should be stored report
the differences through the `rows` fixture (and assert on them too).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass


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


def summary_line() -> str | None:
    if not KINDS:
        return None
    passed = sum(all(results) for results in KINDS.values())
    return (
        f"fault suite: {len(KINDS)} kinds tried, {passed} passed, {len(KINDS) - passed} failed; "
        f"good articles checked {LEDGER.checked}, lost {LEDGER.lost}, duplicated {LEDGER.duplicated}"
    )
