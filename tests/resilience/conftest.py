"""A throwaway PostgreSQL cluster of our own, to stop and start under load.

The shared PostgreSQL service stays up: this one is made with `initdb` in a
temporary folder and listens on another port. As root, the cluster runs as the
`postgres` user (initdb refuses root).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from ..conftest import free_port, unavailable


def _binaries() -> Path | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[4]) if Path(p).parts[4].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class Cluster:
    def __init__(self, bin_dir: Path, root: Path, port: int, user: str | None):
        self.bin_dir, self.root, self.port, self.user = bin_dir, root, port, user
        self.data = root / "data"
        self.url = f"postgresql://postgres@127.0.0.1:{port}/postgres"

    def run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        args = [str(self.bin_dir / command[0]), *command[1:]]
        if self.user:
            args = ["runuser", "-u", self.user, "--", *args]
        return subprocess.run(args, capture_output=True, text=True, timeout=60, check=check)

    def init(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c max_connections=50"
        )
        self.run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)


@pytest.fixture
def throwaway_postgres():
    bin_dir = _binaries()
    if bin_dir is None:
        unavailable("PostgreSQL server binaries (initdb)", FileNotFoundError("initdb"))
    root = Path(tempfile.mkdtemp(prefix="groundswell-pg-"))
    user = None
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError as error:
            unavailable("a postgres user to run initdb as", error)
        os.chown(root, account.pw_uid, account.pw_gid)
        user = "postgres"
    cluster = Cluster(bin_dir, root, free_port(), user)
    try:
        cluster.init()
        cluster.start()
    except subprocess.CalledProcessError as error:
        shutil.rmtree(root, ignore_errors=True)
        unavailable("a throwaway PostgreSQL cluster", RuntimeError(error.stderr or error.stdout))
    yield cluster
    cluster.stop("immediate")
    shutil.rmtree(root, ignore_errors=True)
