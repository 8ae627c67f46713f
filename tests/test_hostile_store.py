"""Issue 13 item 6 on real SQLite files: the store refuses a database that is not its own, names a
revision from a newer jixiao, reports a damaged file in one Chinese line (Exit.DATABASE, never a
traceback), in the CLI and in ``jixiao serve``; a restored earlier version of a file, imported
again, is current again; one store error shared by many files is one line."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from jixiao.exitcodes import Exit
from jixiao.store.db import open_store
from jixiao.store.importer import import_paths
from jixiao.store.query import Filters, load_evaluations, load_stored

from .conftest import SEEDS, jixiao_cmd
from .forms import Form

READERS = [("summary",), ("findings",), ("show", "1"), ("export", "-o", "out", "--format", "json"),
           ("report", "-o", "r.html")]
ALL = [("import", str(SEEDS[0])), *READERS]


def _jx(cwd: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*jixiao_cmd(), *args], capture_output=True, text=True, cwd=cwd, timeout=timeout,
                          env={**os.environ, "COLUMNS": "200"})


def _one_line(proc: subprocess.CompletedProcess[str], *words: str) -> None:
    assert proc.returncode == Exit.DATABASE, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture(scope="module")
def good_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real store of the five seed documents (37 forms), written by the CLI."""
    path = tmp_path_factory.mktemp("store") / "good.db"
    proc = _jx(path.parent, "import", "--db", str(path), *map(str, SEEDS))
    assert proc.returncode == Exit.OK, proc.stderr
    return path


def _sql(path: Path, *statements: str) -> None:
    """Statements run and committed, the connection closed (a WAL file folded back into the database)."""
    with closing(sqlite3.connect(path)) as conn:
        for statement in statements:
            conn.execute(statement)
        conn.commit()


def _tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as conn:
        return {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


# ----------------------------------------------------------------- someone else's database

@pytest.mark.parametrize("args", ALL, ids=lambda a: a[0])
def test_a_foreign_database_is_refused_and_left_untouched(args: tuple[str, ...], tmp_path: Path) -> None:
    db = tmp_path / "crm.db"
    _sql(db, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)", "INSERT INTO customers (name) VALUES ('张三')")
    before = db.read_bytes()
    _one_line(_jx(tmp_path, *args, "--db", str(db)), str(db), "不是 jixiao 的数据库", "customers")
    assert _tables(db) == {"customers"} and db.read_bytes() == before


def test_open_store_adds_no_table_to_a_foreign_database(tmp_path: Path) -> None:
    from jixiao.store.db import ForeignDatabase

    db = tmp_path / "crm.db"
    _sql(db, "CREATE TABLE customers (id INTEGER PRIMARY KEY)")
    with pytest.raises(ForeignDatabase):
        open_store(str(db))
    assert _tables(db) == {"customers"}


# ----------------------------------------------------------------- a store from a newer jixiao

@pytest.fixture
def newer_store(good_store: Path, tmp_path: Path) -> Path:
    db = tmp_path / "newer.db"
    db.write_bytes(good_store.read_bytes())
    _sql(db, "UPDATE alembic_version SET version_num = '0099_from_the_future'")
    return db


@pytest.mark.parametrize("args", ALL, ids=lambda a: a[0])
def test_a_newer_revision_is_named_in_one_line(args: tuple[str, ...], newer_store: Path, tmp_path: Path) -> None:
    before = newer_store.read_bytes()
    _one_line(_jx(tmp_path, *args, "--db", str(newer_store)), "更新版本的 jixiao", "0099_from_the_future", "升级")
    assert newer_store.read_bytes() == before


# ----------------------------------------------------------------- 200 flipped bytes

def _flipped(good: Path, dest: Path, at: int) -> Path:
    data = bytearray(good.read_bytes())
    for i in range(at, at + 200):
        data[i] ^= 0xFF
    dest.write_bytes(bytes(data))
    return dest


def _document_offset(good: Path) -> int:
    """Where the first stored evaluation@1 document's text lies in the file."""
    return good.read_bytes().index(b'{"schema": "jixiao/evaluation@1"') + 40


@pytest.mark.parametrize("args", ALL, ids=lambda a: a[0])
@pytest.mark.parametrize("where", ["header", "second-page"])
def test_a_damaged_file_is_one_line(where: str, args: tuple[str, ...], good_store: Path, tmp_path: Path) -> None:
    db = _flipped(good_store, tmp_path / "damaged.db", {"header": 0, "second-page": 4096}[where])
    _one_line(_jx(tmp_path, *args, "--db", str(db)), str(db), "已损坏", "请从备份恢复")


@pytest.mark.parametrize("args", [("export", "-o", "out", "--format", "json"), ("report", "-o", "r.html")],
                         ids=lambda a: a[0])
def test_a_damaged_stored_form_is_one_line(args: tuple[str, ...], good_store: Path, tmp_path: Path) -> None:
    db = _flipped(good_store, tmp_path / "damaged.db", _document_offset(good_store))
    _one_line(_jx(tmp_path, *args, "--db", str(db)), str(db), "已损坏")


def test_damage_never_gives_a_traceback(good_store: Path, tmp_path: Path) -> None:
    """200 flipped bytes at pages through the file: each command answers or fails in one line."""
    size = good_store.stat().st_size
    runs = []
    for at in range(8192, size - 200, size // 6):
        db = _flipped(good_store, tmp_path / f"d{at}.db", at)
        for n, args in enumerate(READERS):
            (cwd := tmp_path / f"{at}-{n}").mkdir()
            runs.append((at, args, cwd, db))

    def run(at: int, args: tuple[str, ...], cwd: Path, db: Path) -> tuple[int, tuple[str, ...], Any]:
        return at, args, _jx(cwd, *args, "--db", str(db))

    # Thirty commands that only read: side by side, each in its own folder.
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1)) as pool:
        for at, args, proc in pool.map(lambda r: run(*r), runs):
            assert "Traceback" not in proc.stderr, (at, args, proc.stderr)
            assert proc.returncode in (Exit.OK, Exit.FINDINGS, Exit.DATABASE), (at, args, proc.stderr)


# ----------------------------------------------------------------- the web system

def _serve(db: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return _jx(tmp_path, "serve", "--db", str(db), "--port", "0", timeout=60)


def test_serve_refuses_foreign_newer_and_damaged_stores(good_store: Path, newer_store: Path, tmp_path: Path) -> None:
    foreign = tmp_path / "crm.db"
    _sql(foreign, "CREATE TABLE customers (id INTEGER PRIMARY KEY)")
    _one_line(_serve(foreign, tmp_path), "不是 jixiao 的数据库")
    assert _tables(foreign) == {"customers"}
    _one_line(_serve(newer_store, tmp_path), "更新版本的 jixiao")
    _one_line(_serve(_flipped(good_store, tmp_path / "h.db", 4096), tmp_path), "已损坏")
    # Damage inside a stored form is found when the web system takes the store's forms in.
    _one_line(_serve(_flipped(good_store, tmp_path / "d.db", _document_offset(good_store)), tmp_path), "已损坏")


# ----------------------------------------------------------------- a restored earlier version

def _write(path: Path, form: Form, mtime: float) -> Path:
    path.write_text(form.text(), encoding="utf-8")
    os.utime(path, (mtime, mtime))
    return path


def _current_score(engine) -> str:  # noqa: ANN001 - an Engine
    (ev,) = load_evaluations(engine)
    assert ev.total is not None
    return str(ev.total.score)


def test_a_restored_earlier_version_imported_again_is_current(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    form = tmp_path / "干部培训.txt"
    first = Form(name="干部培训", code="C-1", year="2022")
    edited = Form(name="干部培训", code="C-1", year="2022", total_score="98")
    _write(form, first, 1_600_000_000)
    backup = form.read_bytes()
    import_paths([form], engine)
    assert _current_score(engine) == "99.5"
    _write(form, edited, 1_700_000_000)
    import_paths([form], engine)
    assert _current_score(engine) == "98"
    # The backup restored (copied back: modified now) and imported again: the first version stands.
    form.write_bytes(backup)
    report = import_paths([form], engine)
    assert report.revived == 1 and report.imported == 0
    assert "重新成为当前版本" in report.skipped[0].reason
    assert _current_score(engine) == "99.5"
    versions = load_stored(engine, Filters(all_versions=True))
    assert sorted((s.version, s.is_current) for s in versions) == [(1, True), (2, False)]
    engine.dispose()


def test_a_rerun_over_unchanged_files_changes_no_version(tmp_path: Path) -> None:
    """Both versions given again, unmodified: the later-modified one stays current, whatever the order."""
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    old = _write(tmp_path / "z_old.txt", Form(name="干部培训", code="C-1", year="2022"), 1_600_000_000)
    new = _write(tmp_path / "a_new.txt", Form(name="干部培训", code="C-1", year="2022", total_score="98"),
                 1_700_000_000)
    import_paths([old, new], engine)
    for order in ([old, new], [new, old], [tmp_path]):
        report = import_paths(order, engine)
        assert report.revived == 0 and len(report.skipped) == 2
        assert _current_score(engine) == "98"
    engine.dispose()


# ----------------------------------------------------------------- one line per store error

def test_one_store_error_shared_by_many_files_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    open_store(str(db)).dispose()
    # Every write refused, as by a full disk.
    _sql(db, "CREATE TRIGGER refuse BEFORE INSERT ON source_files BEGIN SELECT RAISE(ABORT, 'disk is full'); END")
    start = time.monotonic()
    proc = _jx(tmp_path, "import", "--db", str(db), *map(str, SEEDS))
    assert time.monotonic() - start < 120
    assert proc.returncode == Exit.UNREADABLE and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.count("disk is full") == 1, proc.stderr
    assert f"等 {len(SEEDS)} 个文件" in proc.stderr, proc.stderr


def test_an_xlsx_that_aborts_its_reader_fails_alone_under_import_on_every_run(tmp_path: Path) -> None:
    # Issue 13 defect 1: one cell at XFD1048576 made the xlsx library abort the process (exit 134);
    # under import -j N every re-run died on it again and the good files beside it were never stored.
    from . import hostile

    folder = tmp_path / "in"
    folder.mkdir()
    hostile.write(folder / "far.xlsx", hostile.xlsx_far_cell())
    (folder / "good.txt").write_text(Form(code="C-1", name="项目").text(), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    for _ in range(2):
        proc = subprocess.run([*jixiao_cmd(), "import", "--db", db, "-j", "2", str(folder)],
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == Exit.UNREADABLE, proc.stderr
        assert "far.xlsx" in proc.stderr and "Traceback" not in proc.stderr
    assert [ev.project.code for ev in load_evaluations(db)] == ["C-1"]
