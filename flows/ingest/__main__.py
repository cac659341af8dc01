"""`python -m flows.ingest`: the ingest flow from the command line (flows.ingest.main).

The flow lives in the package, not here: multiprocessing starts each extraction worker by running
the parent's main module again, except a package's __main__, which it never re-runs. So the workers
(and the fork server they come from) do not import Prefect and the flow for nothing, about a second
of CPU at the start of a run, while the first pages wait for them.
"""

import sys

from flows.ingest import main

sys.exit(main())
