"""Background jobs: a batch upload of many files (or zips of them) read and imported into the store,
then into the review workflow, with progress and a result per file.

Jobs and their files live in the database. Every server worker runs a small loop that claims the
oldest queued job — ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two workers never take the same
one — and beats a heartbeat while it runs; a job whose heartbeat stopped (its worker died) is
claimed again and resumes with the files not yet done.
"""

from __future__ import annotations

import io
import logging
import os
import socket
import threading
import zipfile
from datetime import timedelta
from pathlib import Path, PurePosixPath
from tempfile import TemporaryDirectory
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, insert, or_, select, update
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker

from ..pipeline import SUPPORTED_SUFFIXES
from ..store.importer import import_paths
from . import access, formdb
from .access import Actor, WebError
from .filing import safe_name
from .schema import Job, JobFile
from .security import aware, now

MAX_FILE = 50 * 1024 * 1024
DOCUMENT_SUFFIXES = SUPPORTED_SUFFIXES - {".zip"}
MAX_FILES = 2000
MAX_ZIP_TOTAL = 500 * 1024 * 1024  # unpacked bytes of one zip: a zip bomb stops here
STALE = timedelta(seconds=60)
POLL_SECONDS = 1.0
log = logging.getLogger(__name__)


def _unpack(name: str, data: bytes) -> list[tuple[str, bytes]]:
    """A zip's supported members (each named zip/member), or the file itself."""
    # A zip is opened here so that each member gets its own result; xlsx and docx are zips too but not archives.
    if not zipfile.is_zipfile(io.BytesIO(data)) or Path(name).suffix.lower() in DOCUMENT_SUFFIXES:
        return [(name, data)]
    out: list[tuple[str, bytes]] = []
    total = 0
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            member = PurePosixPath(info.filename)
            if info.is_dir() or member.suffix.lower() not in SUPPORTED_SUFFIXES or member.name.startswith("."):
                continue
            total += info.file_size
            if info.file_size > MAX_FILE or total > MAX_ZIP_TOTAL:
                raise WebError(413, f"{name}：解压后过大（超过 {MAX_ZIP_TOTAL // 1024 // 1024} MB）")
            out.append((f"{name}/{member}", zf.read(info)))
    return out


def create(db: DbSession, who: Actor, uploads: list[tuple[str, bytes]]) -> Job:
    if who.user.role == "filer":
        raise WebError(403, "批量上传由审核人或管理员进行")
    files: list[tuple[str, bytes]] = []
    for name, data in uploads:
        if len(data) > MAX_FILE:
            raise WebError(413, f"{name}：文件超过 {MAX_FILE // 1024 // 1024} MB")
        files += _unpack(safe_name(name), data)
    if not files:
        raise WebError(422, "没有可读取的文件")
    if len(files) > MAX_FILES:
        raise WebError(413, f"一次最多 {MAX_FILES} 个文件")
    job = Job(kind="upload", status="queued", created_by=who.id, created_at=now(), total=len(files), done=0, results=[])
    db.add(job)
    db.flush()
    db.execute(insert(JobFile), [{"job_id": job.id, "name": n, "data": d, "done": False} for n, d in files])
    access.audit(db, who, "job.create", field=f"批量上传 #{job.id}", after=f"{len(files)} 个文件")
    return job


def visible(db: DbSession, who: Actor) -> list[Job]:
    stmt = select(Job).order_by(Job.id.desc()).limit(50)
    if not who.is_admin:
        stmt = stmt.where(Job.created_by == who.id)
    return list(db.scalars(stmt))


def get(db: DbSession, who: Actor, job_id: int) -> Job:
    job = db.get(Job, job_id)
    if job is None or (not who.is_admin and job.created_by != who.id):
        raise WebError(404, "没有这个任务")
    return job


def claim(db: DbSession, worker: str) -> int | None:
    """Take the oldest queued job, or one whose worker stopped beating; None when there is none."""
    stmt = (select(Job.id).where(or_(Job.status == "queued",
                                     (Job.status == "running") & (Job.heartbeat_at < now() - STALE)))
            .order_by(Job.id).limit(1))
    if db.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    job_id = db.scalar(stmt)
    if job_id is None:
        return None
    # The guarded update is the claim on SQLite (one writer at a time); on PostgreSQL the row lock is.
    claimed = cast("CursorResult[Any]", db.execute(update(Job).where(Job.id == job_id, Job.status.in_(("queued", "running")))
                         .values(status="running", worker=worker, heartbeat_at=now()))).rowcount
    db.commit()
    return job_id if claimed else None


def run(sessions: sessionmaker[DbSession], job_id: int) -> None:
    """Import the job's remaining files one by one, recording each file's outcome."""
    while True:
        with sessions() as db:
            item = db.execute(select(JobFile.id, JobFile.name, JobFile.data)
                              .where(JobFile.job_id == job_id, ~JobFile.done).order_by(JobFile.id).limit(1)).first()
            if item is None:
                db.execute(update(Job).where(Job.id == job_id).values(status="done", finished_at=now()))
                db.commit()
                return
            engine = db.get_bind()
        # Outside the session's transaction: on SQLite a reader's old snapshot could not write after the import.
        result = _import_one(engine, item.name, item.data)
        with sessions() as db:
            result["added"] = formdb.sync_store(db)
            job = db.get_one(Job, job_id)
            job.results = [*job.results, result]
            job.done += 1
            job.heartbeat_at = now()
            db.execute(update(JobFile).where(JobFile.id == item.id).values(done=True, data=b""))
            db.commit()


def _import_one(engine: Engine | Any, name: str, data: bytes) -> dict[str, Any]:
    with TemporaryDirectory(prefix="jixiao-job-") as tmp:
        path = Path(tmp) / safe_name(name)
        path.write_bytes(data)
        report = import_paths([path], engine)
    if report.failed:
        return {"file": name, "ok": False, "forms": 0, "reason": report.failed[0].message.replace(str(path), name)}
    if report.skipped:
        return {"file": name, "ok": True, "forms": 0, "reason": report.skipped[0].reason}
    return {"file": name, "ok": True, "forms": report.forms, "reason": None}


class Runner:
    """The loop every server worker runs in a thread."""

    def __init__(self, sessions: sessionmaker[DbSession]) -> None:
        self.sessions = sessions
        self.stop = threading.Event()
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self.thread = threading.Thread(target=self.loop, name="jixiao-jobs", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def loop(self) -> None:
        while not self.stop.is_set():
            try:
                with self.sessions() as db:
                    job_id = claim(db, self.name)
                if job_id is not None:
                    run(self.sessions, job_id)
                    continue
            except Exception:  # noqa: BLE001 - the loop must survive a database hiccup; the job is claimed again
                log.exception("后台任务出错")
            self.stop.wait(POLL_SECONDS)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)


def progress(job: Job) -> dict[str, Any]:
    return {"id": job.id, "status": job.status, "total": job.total, "done": job.done, "results": job.results,
            "created_at": aware(job.created_at).isoformat()}
