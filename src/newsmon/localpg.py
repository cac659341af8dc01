"""A private PostgreSQL server on 127.0.0.1 for a DuckLake catalog: `make lake-up` / `make lake-down`, and tests.

The server's files live in one folder (initdb there on first start); it listens on the loopback
address only, on the port given, with no Unix socket, and lets the superuser `newsmon` in without a
password (trust on 127.0.0.1: fine for one's own machine, not for a shared one). PostgreSQL refuses
to run as root, so when run as root the server runs as the operating-system user `postgres` (which
Debian's postgresql package creates) and the folder is handed to that user.

    python -m newsmon.localpg up --dir data/pg --port 54329 --db newsmon_lake
    python -m newsmon.localpg down --dir data/pg
"""

from __future__ import annotations

import argparse
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

SUPERUSER = "newsmon"
SERVER_USER = "postgres"  # the operating-system user the server runs as when started by root
_BINARIES = ("initdb", "pg_ctl", "createdb")
DEBIAN_ROOT = Path("/usr/lib/postgresql")  # Debian's server binaries: <major version>/bin


class LocalPostgresError(Exception):
    """The local server cannot be set up, started or stopped; the message names the folder and says why."""


def find_bin_dir() -> Path | None:
    """The folder with initdb, pg_ctl and createdb: on PATH, or Debian's /usr/lib/postgresql/<version>/bin
    (newest version first), which is not on PATH."""
    found = [shutil.which(name) for name in _BINARIES]
    if all(found) and len({Path(p).resolve().parent for p in found if p}) == 1:
        return Path(str(found[0])).resolve().parent
    candidates = sorted(DEBIAN_ROOT.glob("*/bin"), key=lambda p: _version(p.parent.name), reverse=True)
    return next((d for d in candidates if all((d / name).is_file() for name in _BINARIES)), None)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LocalPostgres:
    """The server whose files are in `data_dir`, listening on 127.0.0.1:`port`."""

    data_dir: Path
    port: int
    bin_dir: Path
    # extra server settings (-c name=value), e.g. fsync=off for a throw-away test server
    settings: dict[str, str] = field(default_factory=dict)
    run_as: pwd.struct_passwd | None = None

    @classmethod
    def at(cls, data_dir: Path, port: int = 0, settings: dict[str, str] | None = None) -> LocalPostgres:
        """The server for `data_dir`; LocalPostgresError if the binaries or (as root) the server user are missing."""
        bin_dir = find_bin_dir()
        if bin_dir is None:
            raise LocalPostgresError(
                f"{data_dir}: PostgreSQL server binaries ({', '.join(_BINARIES)}) not found on PATH or under "
                "/usr/lib/postgresql/*/bin; install Debian's postgresql package (make setup does, as root)"
            )
        run_as = None
        if os.geteuid() == 0:
            try:
                run_as = pwd.getpwnam(SERVER_USER)
            except KeyError:
                raise LocalPostgresError(
                    f"{data_dir}: PostgreSQL does not run as root and there is no '{SERVER_USER}' user to run it as"
                ) from None
        return cls(data_dir.absolute(), port, bin_dir, dict(settings or {}), run_as)

    # --- commands ---------------------------------------------------------------------------

    def _run(self, args: list[str], *, as_server: bool = True) -> subprocess.CompletedProcess[str]:
        user = self.run_as if as_server else None
        try:
            return subprocess.run(  # noqa: S603 - the server's own binaries with arguments built here
                args, capture_output=True, text=True, timeout=120, check=False, stdin=subprocess.DEVNULL,
                cwd=self.data_dir.parent,
                user=user.pw_uid if user else None, group=user.pw_gid if user else None,
                extra_groups=[] if user else None,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise LocalPostgresError(f"{self.data_dir}: {Path(args[0]).name} failed: {exc}") from exc

    def _ctl(self, command: str, *args: str) -> subprocess.CompletedProcess[str]:
        return self._run([str(self.bin_dir / "pg_ctl"), command, "-D", str(self.data_dir), *args])

    @property
    def initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").is_file()

    def init(self) -> None:
        """initdb into `data_dir` (created empty if missing), superuser `newsmon`, trust on loopback."""
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            if any(self.data_dir.iterdir()):
                raise LocalPostgresError(f"{self.data_dir}: not empty and not a PostgreSQL data folder")
            if self.run_as:
                os.chown(self.data_dir, self.run_as.pw_uid, self.run_as.pw_gid)
            self.data_dir.chmod(0o700)
        except OSError as exc:
            raise LocalPostgresError(f"{self.data_dir}: cannot prepare the data folder: {exc.strerror}") from exc
        done = self._run([str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-U", SUPERUSER,
                          "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"])  # fmt: skip
        if done.returncode != 0:
            raise LocalPostgresError(f"{self.data_dir}: initdb failed: {(done.stderr or done.stdout).strip()}")

    @property
    def log_path(self) -> Path:
        return self.data_dir / "server.log"

    def start(self) -> None:
        """Start the server (initdb first if the folder is new) and wait until it accepts connections."""
        if not self.initialised:
            self.init()
        options = [f"-p {int(self.port)}", "-c listen_addresses=127.0.0.1", "-c unix_socket_directories="]
        options += [f"-c {name}={value}" for name, value in self.settings.items()]
        done = self._ctl("start", "-l", str(self.log_path), "-w", "-t", "60", "-o", " ".join(options))
        if done.returncode != 0:
            tail = self._log_tail()
            raise LocalPostgresError(
                f"{self.data_dir}: the server did not start on 127.0.0.1:{self.port}: "
                f"{(done.stderr or done.stdout).strip()}" + (f"; server log: {tail}" if tail else "")
            )

    def _log_tail(self, lines: int = 5) -> str:
        try:
            return " | ".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def running(self) -> bool:
        return self.initialised and self._ctl("status").returncode == 0

    def stop(self) -> None:
        """Stop the server (fast shutdown: open sessions are ended) and wait until it is down."""
        done = self._ctl("stop", "-m", "fast", "-w", "-t", "60")
        if done.returncode != 0:
            raise LocalPostgresError(f"{self.data_dir}: cannot stop the server: {(done.stderr or done.stdout).strip()}")

    def create_database(self, name: str) -> bool:
        """Create database `name` unless it exists; whether it was created."""
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise LocalPostgresError(f"{name!r}: not a database name (letters, digits, underscores)")
        done = self._run([str(self.bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER,
                          name], as_server=False)  # fmt: skip
        if done.returncode == 0:
            return True
        if "already exists" in done.stderr:
            return False
        raise LocalPostgresError(f"{self.data_dir}: cannot create database {name}: {done.stderr.strip()}")

    def url(self, database: str) -> str:
        """The catalog URL of `database` on this server, as `newsmon lake push --catalog` takes it."""
        return f"postgres://{SUPERUSER}@127.0.0.1:{self.port}/{database}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsmon.localpg", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="initdb (first time) and start the server; create the database")
    up.add_argument("--dir", type=Path, required=True, help="the server's data folder")
    up.add_argument("--port", type=int, required=True, help="TCP port on 127.0.0.1")
    up.add_argument("--db", default="newsmon_lake", help="database to create for the catalog")
    down = sub.add_parser("down", help="stop the server")
    down.add_argument("--dir", type=Path, required=True, help="the server's data folder")
    args = parser.parse_args(argv)
    try:
        if args.command == "up":
            server = LocalPostgres.at(args.dir, args.port)
            if server.running():
                print(f"a server already runs from {server.data_dir}")
            else:
                server.start()
            created = server.create_database(args.db)
            print(f"PostgreSQL on 127.0.0.1:{args.port} (data {server.data_dir}); database {args.db} "
                  f"{'created' if created else 'exists'}; catalog URL: {server.url(args.db)}")  # fmt: skip
        else:
            server = LocalPostgres.at(args.dir)
            if not server.running():
                print(f"no server runs from {server.data_dir}")
                return 0
            server.stop()
            print(f"stopped the server of {server.data_dir}")
    except LocalPostgresError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
