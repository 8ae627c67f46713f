"""Batch import: files and folders in, one transaction per file, parsing spread over processes.

Idempotent and resumable: a file is identified by the SHA-256 of its bytes and is
skipped when the store already holds it, and each file's rows are committed together
or not at all, so re-running after a crash (even kill -9) completes the store without
duplicating anything. A project seen again for the same year (by code, else by
department and normalized name) from another file becomes a new version; the version
from the most recently modified file is the current one, older ones are kept.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from sqlalchemy import Connection, Engine, Table, insert, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from ..errors import FileFailure, UnreadableFile, os_reason
from ..limits import Limits
from ..pipeline import check_each, expand
from . import years
from .db import driver_zh, first_line
from .rows import FileRows, FormRows, file_rows
from .schema import DepartmentListRow, EvaluationRow, FindingRow, IndicatorRow, ListItemRow, SourceFile

E = EvaluationRow.__table__
_CHUNK = 500
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
WRITE_LOCK = 0x6A697878  # PostgreSQL advisory lock key of the importers' writes


@dataclass(slots=True)
class Skipped:
    file: str
    reason: str


@dataclass(slots=True)
class ImportReport:
    files_seen: int = 0
    imported: int = 0
    forms: int = 0
    lists: int = 0
    new_versions: int = 0
    revived: int = 0  # forms of an earlier version, given again, that became current again
    skipped: list[Skipped] = field(default_factory=list)
    failed: list[FileFailure] = field(default_factory=list)


Progress = Callable[[str, str], None]
"""Called once per file to import with (file, outcome): "imported", "skipped" or "failed"."""


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def plan(paths: Iterable[str | os.PathLike[str]], engine: Engine, report: ImportReport) -> list[tuple[str, str]]:
    """(file, sha256) of the files still to import; files already stored or repeated are skipped."""
    with engine.connect() as conn:
        known = set(conn.scalars(select(SourceFile.sha256)))
    todo: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for p in expand(paths):
        report.files_seen += 1
        if isinstance(p, FileFailure):
            report.failed.append(p)
            continue
        try:
            file = str(p.resolve())
            digest = sha256_file(file)
            modified_at = datetime.fromtimestamp(os.stat(file).st_mtime, timezone.utc)
        except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop, as resolve() reports it
            reason = os_reason(exc) if isinstance(exc, OSError) else "符号链接形成循环"
            report.failed.append(FileFailure.of(UnreadableFile(str(p), reason)))
            continue
        if digest in known:
            with engine.begin() as conn:
                revived = make_current(conn, digest, modified_at)
            report.revived += revived
            report.skipped.append(Skipped(file, "已导入（内容相同的文件已在库中）" + (
                f"；文件在当前版本之后修改过，其中 {revived} 张表重新成为当前版本" if revived else "")))
        elif digest in seen:
            report.skipped.append(Skipped(file, f"与本批的 {seen[digest]} 内容相同"))
        else:
            seen[digest] = file
            todo.append((file, digest))
    return todo


def import_paths(paths: Iterable[str | os.PathLike[str]], engine: Engine, *, workers: int = 1,
                 policy: str | None = None, template: str | None = None, progress: Progress | None = None,
                 on_plan: Callable[[int], None] | None = None, limits: Limits | None = None) -> ImportReport:
    """Import files and folders into the store; never raises for a bad file (see the report)."""
    report = ImportReport()
    tick = progress or (lambda _file, _outcome: None)
    todo = plan(paths, engine, report)
    if on_plan:
        on_plan(len(todo))
    results = check_each(((Path(file), (digest,)) for file, digest in todo), file_rows, policy, template,
                         workers=workers, limits=limits)
    group = _Group(engine, report, tick)
    for item in results:
        if isinstance(item, FileFailure):
            report.failed.append(item)
            tick(item.file, "failed")
        else:
            group.add(item)
    group.flush()
    return report


class _Group:
    """Files written together, in one transaction: a round trip to the database per statement and
    table, not per file and table. A file in a transaction that fails is written again alone, so
    each file is still stored whole or not at all, and a bad one fails by itself."""

    FILES = 16
    SECONDS = 0.5  # the longest a parsed file waits to be written (and shown as imported)

    def __init__(self, engine: Engine, report: ImportReport, tick: Progress) -> None:
        self.engine, self.report, self.tick = engine, report, tick
        self.files: list[FileRows] = []
        self.started = 0.0

    def add(self, item: FileRows) -> None:
        if not self.files:
            self.started = time.monotonic()
        self.files.append(item)
        if len(self.files) >= self.FILES or time.monotonic() - self.started >= self.SECONDS:
            self.flush()

    def _stored(self, sha256: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(SourceFile.id).where(SourceFile.sha256 == sha256)).first() is not None

    def flush(self) -> None:
        files, self.files = self.files, []
        if not files:
            return
        try:
            with self.engine.begin() as conn:
                versions = write_files(conn, files)
        except SQLAlchemyError as exc:
            if len(files) > 1:
                for item in files:
                    self.files = [item]
                    self.flush()
                return
            file = files[0].source["path"]
            if isinstance(exc, IntegrityError) and self._stored(files[0].source["sha256"]):
                # Another importer stored the same bytes meanwhile: the unique hash keeps one copy.
                self.report.skipped.append(Skipped(file, "已导入（另一个导入进程刚刚写入）"))
                self.tick(file, "skipped")
            else:
                reason = driver_zh(first_line(exc))
                self.report.failed.append(FileFailure(file, "store-error", f"{file}: 写入数据库失败：{reason}"))
                self.tick(file, "failed")
            return
        for item, new in zip(files, versions):
            self.report.new_versions += new
            self.report.imported += 1
            self.report.forms += len(item.forms)
            self.report.lists += len(item.lists)
            self.tick(item.source["path"], "imported")


def _insert_returning_ids(conn: Connection, table: Table, rows: list[dict]) -> list[int]:
    if not rows:
        return []
    if conn.dialect.name == "postgresql":
        # The ids drawn from the table's own sequence first, so that the rows can go by COPY.
        ids = list(conn.scalars(text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
                                {"t": table.name, "n": len(rows)}))
        _insert(conn, table, [dict(row, id=i) for row, i in zip(rows, ids)])
        return ids
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(conn.execute(stmt, rows).scalars())


def _insert(conn: Connection, table: Table, rows: list[dict]) -> None:
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), rows)
        return
    # COPY: one stream for all the rows, where executemany pays a protocol round per row. The values
    # go through each column's own bind processing first, as in any other statement.
    columns = list(rows[0])
    procs = [table.c[c].type._cached_bind_processor(conn.dialect) for c in columns]
    sql = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    dbapi_error = conn.dialect.loaded_dbapi.Error
    try:
        raw = conn.connection.driver_connection
        assert raw is not None  # inside the transaction: the connection is checked out
        with raw.cursor() as cur, cur.copy(sql) as copy:
            for row in rows:
                copy.write_row([p(row[c]) if p else row[c] for c, p in zip(columns, procs)])
    except dbapi_error as exc:
        raise DBAPIError.instance(sql, None, exc, dbapi_error) from None


def _aware(dt: datetime) -> datetime:
    # SQLite hands back naive datetimes; the importer always writes UTC.
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def _assign_versions(conn: Connection, files: list[FileRows]) -> list[int]:
    """Set version and is_current on each form of ``files`` (written in this order); returns the ids
    of stored rows that stop being current."""
    keys = sorted({f.evaluation["project_key"] for rows in files for f in rows.forms if f.evaluation["project_key"]})
    latest: dict[tuple[str, int | None], int] = {}
    current: dict[tuple[str, int | None], tuple[datetime, int | FormRows]] = {}
    for start in range(0, len(keys), _CHUNK):
        for row_id, key, year, version, is_current, mtime in conn.execute(
                select(E.c.id, E.c.project_key, E.c.year, E.c.version, E.c.is_current, SourceFile.modified_at)
                .join(SourceFile, SourceFile.id == E.c.source_file_id)
                .where(E.c.project_key.in_(keys[start:start + _CHUNK]))):
            latest[(key, year)] = max(version, latest.get((key, year), 0))
            if is_current:
                current[(key, year)] = (_aware(mtime), row_id)
    demoted: list[int] = []
    for rows in files:
        mtime = _aware(rows.source["modified_at"])
        for form in rows.forms:
            ev = form.evaluation
            if not ev["project_key"]:
                ev["version"], ev["is_current"] = 1, True
                continue
            k = (ev["project_key"], ev["year"])
            ev["version"] = latest[k] = latest.get(k, 0) + 1
            prev = current.get(k)
            # A later form of the same file, or a file modified later, is the newer version.
            ev["is_current"] = prev is None or mtime >= prev[0]
            if not ev["is_current"]:
                continue
            if prev is not None:
                older = prev[1]
                if isinstance(older, FormRows):
                    older.evaluation["is_current"] = False
                else:
                    demoted.append(older)
            current[k] = (mtime, form)
    return demoted


def make_current(conn: Connection, sha256: str, modified_at: datetime) -> int:
    """A stored file given again, modified since the current version's file was (a restored earlier
    version: what was saved last stands): its forms become current again, and the stored file takes
    its new modification time. Returns how many forms changed; a re-run over unchanged files changes none."""
    cur = E.alias("cur")
    cur_file = SourceFile.__table__.alias("cur_file")
    stale = conn.execute(
        select(E.c.id, cur.c.id, cur_file.c.modified_at)
        .join(SourceFile, SourceFile.id == E.c.source_file_id)
        .join(cur, (cur.c.project_key == E.c.project_key) & cur.c.is_current
              & ((cur.c.year == E.c.year) | (cur.c.year.is_(None) & E.c.year.is_(None))))
        .join(cur_file, cur_file.c.id == cur.c.source_file_id)
        .where(SourceFile.sha256 == sha256, E.c.is_current.is_(False))).all()
    revived = [(row_id, cur_id) for row_id, cur_id, mtime in stale if modified_at > _aware(mtime)]
    if revived and conn.dialect.name == "postgresql":  # writers take turns (see write_files)
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK})
    for row_id, cur_id in revived:
        conn.execute(update(EvaluationRow).where(E.c.id == cur_id).values(is_current=False))
        conn.execute(update(EvaluationRow).where(E.c.id == row_id).values(is_current=True))
    if revived:
        conn.execute(update(SourceFile).where(SourceFile.sha256 == sha256).values(modified_at=modified_at))
        years.recheck(conn, conn.scalars(select(E.c.project_key).where(E.c.id.in_([r for r, _ in revived]))))
    return len(revived)


def write_files(conn: Connection, files: list[FileRows]) -> list[int]:
    """Insert the files' rows inside the caller's transaction, a statement per table for all of them;
    returns for each file how many of its forms are a new version."""
    now = datetime.now(timezone.utc)
    if conn.dialect.name == "postgresql":
        # Two importers at once must not both number the same project's next version: writers take
        # turns per transaction. (SQLite needs nothing: the insert below takes its single write lock first.)
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK})
    file_ids = _insert_returning_ids(conn, SourceFile.__table__, [dict(r.source, imported_at=now) for r in files])
    demoted = _assign_versions(conn, files)
    forms = [(f, fid) for r, fid in zip(files, file_ids) for f in r.forms]
    ev_ids = _insert_returning_ids(conn, E, [dict(f.evaluation, source_file_id=fid) for f, fid in forms])
    _insert(conn, IndicatorRow.__table__,
            [dict(i, evaluation_id=eid) for (f, _), eid in zip(forms, ev_ids) for i in f.indicators])
    findings = [dict(x, source_file_id=fid, evaluation_id=eid, list_id=None)
                for (f, fid), eid in zip(forms, ev_ids) for x in f.findings]
    lists = [(lst, fid) for r, fid in zip(files, file_ids) for lst in r.lists]
    list_ids = _insert_returning_ids(conn, DepartmentListRow.__table__,
                                     [dict(lst.department_list, source_file_id=fid) for lst, fid in lists])
    _insert(conn, ListItemRow.__table__,
            [dict(i, list_id=lid) for (lst, _), lid in zip(lists, list_ids) for i in lst.items])
    findings += [dict(x, source_file_id=fid, evaluation_id=None, list_id=lid)
                 for (lst, fid), lid in zip(lists, list_ids) for x in lst.findings]
    _insert(conn, FindingRow.__table__, findings)
    for start in range(0, len(demoted), _CHUNK):
        conn.execute(update(E).where(E.c.id.in_(demoted[start:start + _CHUNK])).values(is_current=False))
    years.recheck(conn, (f.evaluation["project_key"] for f, _ in forms))
    return [sum(1 for f in r.forms if f.evaluation["version"] > 1) for r in files]
