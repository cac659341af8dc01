"""Imported once by the fork server the extraction workers are forked from (newsmon.fetch._context):
the modules, the project's default rules and the language model are loaded there, and every worker
starts with them in memory. A configuration with rules of its own has them loaded by each worker
(newsmon.fetch.warm)."""

from __future__ import annotations

from contextlib import suppress

from newsmon.analysis import Resources
from newsmon.fetch import warm

with suppress(Exception):  # a broken rule file is reported by the run that reads it, not here
    warm(Resources())
