"""A throw-away PostgreSQL server for the tests, on loopback only.

:func:`running_postgres` finds the server programs (on ``PATH`` or under
``/usr/lib/postgresql/*/bin``; when there are none and the tests run as
root, it installs Debian's ``postgresql`` package), creates a cluster in a
temporary directory, starts it on ``127.0.0.1`` at a free port with its
Unix socket in that directory and ``trust`` authentication, creates one
database (``createdb``), and on exit stops the server and removes the directory.
PostgreSQL refuses to run as root: as root, the cluster belongs to the
``postgres`` system user and every server program runs as that user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["running_postgres", "find_binaries", "PostgresUnavailable"]

#: The programs needed to run a server and create its database.
PROGRAMS = ("initdb", "pg_ctl", "postgres", "createdb")
#: The superuser of the test cluster and the database the tests get.
USER, DATABASE = "provrdf", "provdb"
SYSTEM_USER = "postgres"
START_TIMEOUT = 60


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server can be run here; the message says what to install."""


def find_binaries() -> Path | None:
    """The directory holding ``initdb``, ``pg_ctl`` and ``postgres``, or None.

    ``PATH`` is tried first, then the newest ``/usr/lib/postgresql/<version>/bin``.
    """
    found = [shutil.which(program) for program in PROGRAMS]
    if all(found):
        return Path(os.path.realpath(found[0])).parent  # type: ignore[arg-type]
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version, reverse=True)
    for directory in candidates:
        if all(os.access(Path(directory) / program, os.X_OK) for program in PROGRAMS):
            return Path(directory)
    return None


def _version(directory: str) -> tuple[int, ...]:
    name = Path(directory).parent.name
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _install() -> Path:
    """Install Debian's PostgreSQL server (root only) and return its bin directory."""
    if os.geteuid() != 0:
        raise PostgresUnavailable(
            "the tests need a PostgreSQL server: initdb, pg_ctl and postgres were found neither on PATH nor "
            "under /usr/lib/postgresql/*/bin. Install it (Debian/Ubuntu: `sudo apt-get install postgresql`, "
            "conda: `conda install -c conda-forge postgresql`) and run the tests again."
        )
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", "postgresql"]):
        done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise PostgresUnavailable(f"`{' '.join(command)}` failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    directory = find_binaries()
    if directory is None:
        raise PostgresUnavailable("the postgresql package is installed but its server programs were not found")
    return directory


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Cluster:
    """One cluster in a temporary directory, run as the right user."""

    def __init__(self, binaries: Path, root: Path) -> None:
        self.binaries, self.root = binaries, root
        self.data, self.log = root / "data", root / "server.log"
        self.as_root = os.geteuid() == 0
        self.port = 0

    def run(self, program: str, *args: str) -> None:
        command = [str(self.binaries / program), *args]
        if self.as_root:
            command = ["runuser", "-u", SYSTEM_USER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.root, check=False)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise PostgresUnavailable(
                f"`{' '.join(command)}` failed ({done.returncode}):\n{done.stdout}{done.stderr}{log}"
            )

    def prepare(self) -> None:
        if self.as_root:
            try:
                account = pwd.getpwnam(SYSTEM_USER)
            except KeyError:
                raise PostgresUnavailable(
                    f"running as root, PostgreSQL needs the system user {SYSTEM_USER!r} to run as; "
                    "create it (the Debian postgresql package does) or run the tests as another user"
                ) from None
            os.chown(self.root, account.pw_uid, account.pw_gid)
        self.run("initdb", "-D", str(self.data), "-U", USER, "--auth=trust", "--encoding=UTF8",
                 "--locale=C", "--no-sync")  # fmt: skip

    def start(self, attempts: int = 3) -> None:
        """Start on a free port; another port is tried if one is taken in the meantime."""
        for attempt in range(attempts):
            self.port = _free_port()
            options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off"
            try:
                self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w",
                         "-t", str(START_TIMEOUT), "start")  # fmt: skip
                return
            except PostgresUnavailable:
                if attempt == attempts - 1:
                    raise

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, database: str) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"


@contextmanager
def running_postgres() -> Iterator[str]:
    """Run a PostgreSQL server for the duration of the block; yield a SQLAlchemy URL of an empty database.

    Yields
    ------
    str
        ``postgresql://provrdf@127.0.0.1:<port>/provdb`` (trust authentication, no password).

    Raises
    ------
    PostgresUnavailable
        When no server can be installed or started; the message says why.
    """
    binaries = find_binaries() or _install()
    root = Path(tempfile.mkdtemp(prefix="provrdf-pg-"))
    cluster = _Cluster(binaries, root)
    try:
        cluster.prepare()
        cluster.start()
        try:
            cluster.run("createdb", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", USER, DATABASE)
            yield cluster.url(DATABASE)
        finally:
            cluster.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)

