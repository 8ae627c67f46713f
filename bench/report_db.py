"""``report --db`` over stores of growing size: seconds and peak memory (from the kernel), beside the
same runs of other code.

Stores of N forms (ten to a file, built with tests/forms.py, each project in two years so that the
checks across years have a form to compare with, and imported by the CLI with ``-j``) are reported
from; memory flat in N means the column stays level as N grows. A store above --imported forms is
grown from the imported one by copying its files' and forms' rows in SQL (each copy's 项目编码 column
suffixed, so that each form still has one earlier year; the copies' indicator and finding rows, which
report does not read, are left out): importing 150 000 forms on a loaded machine takes half an hour.
The stores are kept under --keep, so later runs reuse them. One run prints the table.
Usage: python bench/report_db.py [--forms 3000,30000,150000] [--baseline SRC] [--keep DIR] [-j 2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.forms import Form  # noqa: E402 - the repository's own builder of realistic forms


def grown(n: int, base: Path, db: Path) -> Path:
    """A store of ``n`` forms made of copies of ``base``'s rows (SQLite)."""
    shutil.copy(base, db)
    with closing(sqlite3.connect(db)) as conn:
        files, forms = conn.execute("SELECT max(id), (SELECT count(*) FROM evaluations) FROM source_files").fetchone()
        top = conn.execute("SELECT max(id) FROM evaluations").fetchone()[0]
        columns = [r[1] for r in conn.execute("PRAGMA table_info(evaluations)") if r[1] != "id"]
        changed = {"source_file_id": "source_file_id + :files * :k", "project_code": "project_code || '-' || :k",
                   "project_key": "project_key || '-' || :k"}
        for k in range(1, -(-n // forms)):
            conn.execute("INSERT INTO source_files SELECT id + :files * :k, sha256 || '-' || :k, path || '-' || :k, format,"
                         " size, modified_at, imported_at, forms, lists, warnings FROM source_files WHERE id <= :files",
                         {"files": files, "k": k})
            conn.execute(f"INSERT INTO evaluations (id, {', '.join(columns)}) SELECT id + :top * :k, "
                         f"{', '.join(changed.get(c, c) for c in columns)} FROM evaluations WHERE id <= :top "
                         f"AND id + :top * :k <= :last", {"files": files, "top": top, "k": k, "last": top + n - forms})
        conn.commit()
        assert conn.execute("SELECT count(*) FROM evaluations").fetchone()[0] == n
    return db


def store(n: int, tmp: Path, jobs: int, imported: int) -> Path:
    db = tmp / f"store{n}.db"
    if db.exists():
        return db
    if n > imported:
        start = time.monotonic()
        grown(n, store(imported, tmp, jobs, imported), db)
        print(f"(store of {n} forms grown from the one of {imported} in {time.monotonic() - start:.0f} s)", flush=True)
        return db
    folder = tmp / f"in{n}"
    folder.mkdir(exist_ok=True)
    for start in range(0, n, 10):
        forms = [Form(code=f"C{i // 2:07d}", name=f"项目{i // 2}", year=str(2022 + i % 2),
                      total_score="99.5" if i % 4 else "90") for i in range(start, min(n, start + 10))]
        (folder / f"部门{start // 10:06d}.txt").write_text("".join(f.text() for f in forms), encoding="utf-8")
    start = time.monotonic()
    subprocess.run([sys.executable, "-m", "jixiao", "import", "--db", str(db), "-j", str(jobs), str(folder)],
                   check=True, capture_output=True)
    print(f"(store of {n} forms imported in {time.monotonic() - start:.0f} s)", flush=True)
    return db


def run(src: str | None, db: Path, out: Path) -> tuple[float, float]:
    env = dict(os.environ, **({"PYTHONPATH": src} if src else {}))
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "jixiao", "report", "--db", str(db), "-o", str(out)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"report --db failed on {db}: {proc.stderr.read().decode() if proc.stderr else ''}")
    return time.monotonic() - start, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--forms", default="1000,2000,4000")
    ap.add_argument("--baseline", help="src/ folder of other code to run beside")
    ap.add_argument("--keep", type=Path, help="folder to keep the stores in (reused by later runs)")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="workers of the import that builds a store")
    ap.add_argument("--imported", type=int, default=30000, help="the largest store imported; larger ones are grown")
    args = ap.parse_args()
    codes = {"this": None, **({"baseline": args.baseline} if args.baseline else {})}
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'forms':>7} " + " ".join(f"{name + ' s':>12} {name + ' MB':>12} {name + ' ms/form':>14}" for name in codes))
    with tempfile.TemporaryDirectory(prefix="jixiao-report-db-") as scratch:
        tmp = args.keep or Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        for n in (int(x) for x in args.forms.split(",")):
            db = store(n, tmp, args.jobs, args.imported)
            cells = [run(src, db, Path(scratch) / f"r{n}.html") for src in codes.values()]
            print(f"{n:>7} " + " ".join(f"{s:>12.1f} {mb:>12.0f} {1000 * s / n:>14.2f}" for s, mb in cells), flush=True)


if __name__ == "__main__":
    main()
