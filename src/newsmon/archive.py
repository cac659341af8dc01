"""Raw page store: every fetched body kept once, keyed by its sha256, gzip-compressed.

The archive is what `reprocess` reads, so extraction and enrichment can be re-run with new
rules without touching the network. Writes go to a temporary file and are renamed into place,
so a crash never leaves a truncated entry under a valid name.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from pathlib import Path


class Archive:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / f"{sha256}.gz"

    def put(self, body: bytes) -> str:
        """Store `body` (if new) and return its sha256."""
        digest = hashlib.sha256(body).hexdigest()
        target = self.path_for(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as gz:
                gz.write(body)
            Path(tmp).replace(target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, sha256: str) -> bytes:
        """The stored body; raises FileNotFoundError naming the hash when it is missing."""
        path = self.path_for(sha256)
        try:
            return gzip.decompress(path.read_bytes())
        except FileNotFoundError:
            raise FileNotFoundError(f"archive has no page {sha256} (expected at {path})") from None

    def __contains__(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()
