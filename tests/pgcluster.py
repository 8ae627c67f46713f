"""A throwaway PostgreSQL cluster from the Debian ``postgresql`` package, on a free local port.

Used by the tests (session fixture), by ``bench/import.py`` and by ``scripts/pg.sh``.
``initdb`` refuses to run as root, so as root the cluster belongs to the ``postgres``
system user (created by the Debian package) and its commands run through ``runuser``.

    python -m tests.pgcluster start DIR   # prints the SQLAlchemy URL
    python -m tests.pgcluster stop DIR
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

USER = "jixiao"


class ClusterUnavailable(RuntimeError):
    """Why no server could be started (shown as the reason of a skip)."""


def pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        raise ClusterUnavailable("PostgreSQL 未安装（/usr/lib/postgresql/*/bin/initdb 不存在；运行 scripts/setup-system.sh）")
    return Path(found[-1]).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _owner() -> str | None:
    """The system user the server runs as when we are root, else None (run as ourselves)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise ClusterUnavailable("以 root 运行但系统中没有 postgres 用户（由 Debian postgresql 软件包创建）") from None
    return "postgres"


def _run(cmd: list[str], owner: str | None) -> subprocess.CompletedProcess[str]:
    full = ["runuser", "-u", owner, "--", *cmd] if owner else cmd
    return subprocess.run(full, capture_output=True, text=True, timeout=120)


@dataclass
class Cluster:
    root: Path
    port: int
    owner: str | None

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/postgres"

    def database_url(self, name: str) -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{name}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={USER} dbname=postgres", autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self, name: str) -> str:
        self._admin(f'CREATE DATABASE "{name}"')
        return self.database_url(name)

    def drop_database(self, name: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        _run([str(pg_bin() / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"], self.owner)
        shutil.rmtree(self.root, ignore_errors=True)


def start(root: str | Path | None = None) -> Cluster:
    """initdb + pg_ctl start in ``root`` (a new temp dir by default); raises ClusterUnavailable with the reason."""
    bindir = pg_bin()
    owner = _owner()
    base = Path(root) if root else Path(tempfile.mkdtemp(prefix="jixiao-pg-"))
    base.mkdir(parents=True, exist_ok=True)
    if owner:
        shutil.chown(base, owner, owner)
    cluster = Cluster(base, free_port(), owner)
    init = _run([str(bindir / "initdb"), "-D", str(cluster.data), "-U", USER, "-A", "trust", "-E", "UTF8",
                 "--no-locale", "--no-sync"], owner)
    if init.returncode != 0:
        shutil.rmtree(base, ignore_errors=True)
        raise ClusterUnavailable(f"initdb 失败：{(init.stderr or init.stdout).strip().splitlines()[-1:]}")
    opts = (f"-p {cluster.port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off")
    (base / "port").write_text(str(cluster.port))
    up = _run([str(bindir / "pg_ctl"), "-D", str(cluster.data), "-o", opts, "-l", str(base / "log"), "-w", "start"], owner)
    if up.returncode != 0:
        log = (base / "log").read_text(errors="replace") if (base / "log").exists() else up.stderr
        shutil.rmtree(base, ignore_errors=True)
        raise ClusterUnavailable(f"PostgreSQL 无法启动：{log.strip().splitlines()[-1:] or up.stderr}")
    return cluster


def attach(root: str | Path) -> Cluster:
    base = Path(root)
    return Cluster(base, int((base / "port").read_text()), _owner())


if __name__ == "__main__":
    action, where = sys.argv[1], sys.argv[2]
    if action == "start":
        print(start(where).url)
    else:
        attach(where).stop()
