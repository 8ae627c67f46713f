"""The web system on a real PostgreSQL server: the same store and workflow as on SQLite, and the
background jobs claimed with FOR UPDATE SKIP LOCKED, so two workers never run the same job."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jixiao.store.db import open_store
from jixiao.web import jobs
from jixiao.web.schema import Job

from .conftest import SEEDS
from .webkit import Client, app_for, make_site


@pytest.fixture(scope="module")
def pg_site(pg_cluster, tmp_path_factory):
    url = pg_cluster.create_database("jx_web")
    yield make_site(tmp_path_factory.mktemp("pg"), SEEDS, url)
    pg_cluster.drop_database("jx_web")


def test_review_and_filing_on_postgresql(pg_site) -> None:
    app = app_for(pg_site)
    admin = Client(app).login("admin", pg_site.admin_password)
    listed = admin.get("/api/forms", params={"code": "rate-score-mismatch"}).json()
    assert listed["total"] >= 1
    assert admin.get(f"/forms/{listed['forms'][0]['id']}").status_code == 200
    filer = Client(app).login("filer_a")
    form_id = filer.api("POST", "/api/forms", json={"year": 2025}).json()["id"]
    saved = filer.api("PUT", f"/api/forms/{form_id}", json={"values": {
        "project.name": "测试项目", "funds.total.full_year": "100", "funds.total.executed": "95.5"}}).json()
    assert saved["rate"] == "95.50" and saved["grade"] is not None
    stats = admin.get("/api/stats").json()
    assert sum(stats["grades"].values()) >= 38


def test_two_workers_never_claim_the_same_job(pg_site) -> None:
    engine = open_store(pg_site.url)
    with Session(engine) as db:
        ids = []
        for _ in range(2):
            job = Job(kind="upload", status="queued", created_by=None, created_at=jobs.now(), total=0, done=0, results=[])
            db.add(job)
            db.flush()
            ids.append(job.id)
        db.commit()
    holder = Session(engine)
    # A worker in the middle of claiming the first job holds its row lock ...
    locked = holder.scalar(select(Job.id).where(Job.id == ids[0]).with_for_update(skip_locked=True))
    assert locked == ids[0]
    # ... so another worker passes over it and takes the next one instead of waiting or taking it twice.
    with Session(engine) as other:
        assert jobs.claim(other, "worker-2") == ids[1]
    holder.rollback()
    with Session(engine) as again:
        assert jobs.claim(again, "worker-3") == ids[0]
        assert jobs.claim(again, "worker-4") is None
    holder.close()
    engine.dispose()
