from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
GOLDEN = ROOT / "tests" / "golden"
SEEDS = sorted(EXAMPLES.glob("*.txt"))


PARTS = ("header", "funds", "goals", "indicators", "total")


def additions_agree(obj: dict) -> dict:
    """Take out the fields the contract gained after a golden was written (notes, parts_found), checking them
    against the golden's own fields: the notes render to its warnings, and a part is missing exactly where the
    golden has no values for it."""
    obj = dict(obj)
    notes, parts = obj.pop("notes"), obj.pop("parts_found")
    assert [n["message"] for n in notes] == obj["warnings"]
    has = {"header": obj["year"] is not None or any(v for k, v in obj["project"].items() if k != "name_normalized"),
           "funds": any(obj["funds"].values()), "goals": any(obj["goals"].values()),
           "indicators": bool(obj["indicators"]),
           "total": bool(obj["total"]) and (obj["total"]["score"] is not None or obj["total"]["weight"] is not None)}
    assert {p: parts[p] != "missing" for p in PARTS} == has, parts
    return obj


def jixiao_cmd() -> list[str]:
    """The installed console script when there is one, else the module."""
    script = Path(sys.executable).parent / "jixiao"
    return [str(script)] if script.exists() else [sys.executable, "-m", "jixiao.cli"]


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    assert len(SEEDS) == 5, "examples/ must hold the five seed documents"
    return SEEDS


os.environ.setdefault("COLUMNS", "200")


# ------------------------------------------------------------------ databases for the store

@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL server for the session; skips (with the reason) only when none can start."""
    from .pgcluster import ClusterUnavailable, start

    try:
        cluster = start()
    except ClusterUnavailable as exc:
        pytest.skip(f"PostgreSQL 不可用：{exc}")
    yield cluster
    cluster.stop()


_databases = iter(range(1, 1_000_000))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path: Path):
    """An empty store on each database the project supports."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    cluster = request.getfixturevalue("pg_cluster")
    name = f"jx_{os.getpid()}_{next(_databases)}"
    yield cluster.create_database(name)
    cluster.drop_database(name)
