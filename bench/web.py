"""Web latency with 100 000 forms stored: requests per second and p50/p95 for the review list (several
filters and sorts, deep pages), the form view (drawn as on paper, checks re-run) and the live
recompute, on SQLite and PostgreSQL, beside a baseline (the login page: a template, no query).

The forms are the 37 seed forms, each checked once, copied with varied names, years, departments
and units straight into the tables (the bench measures serving, not importing). The server is a
real uvicorn process with one worker; requests go one at a time over HTTP (httpx).
Targets (issue 12): p95 < 100 ms for the list and the form view, < 50 ms for a recompute.

Usage: python bench/web.py [--forms N] [--requests N] [--skip-pg] [--skip-sqlite]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from tests.conftest import SEEDS  # noqa: E402
from tests.pgcluster import ClusterUnavailable, free_port, start  # noqa: E402

from jixiao.pipeline import load  # noqa: E402
from jixiao.store.db import open_store  # noqa: E402
from jixiao.store.schema import Encoded, dumps  # noqa: E402
from jixiao.web import access, editing, formdb, people, workflow  # noqa: E402
from jixiao.web.schema import Form, FormFinding, User  # noqa: E402
from jixiao.web.security import now  # noqa: E402
from jixiao.web.serve import DB_ENV, first_admin  # noqa: E402

PASSWORD = "bench-password-1"
DEPARTMENTS, UNITS_PER_DEPT = 100, 10
STATUSES = ("submitted", "dept_approved", "bureau_approved", "published", "draft", "returned")


def populate(url: str, n: int) -> tuple[str, int]:
    """n forms over 1 000 units; returns (admin password, a draft of unit 1's filer)."""
    engine = open_store(url)
    seeds = [ev for doc in load(SEEDS) if not isinstance(doc, Exception) for ev in getattr(doc, "evaluations", [])]
    # Serialized once per seed: the store's JSON serializer passes Encoded text through.
    checked = [(Encoded(dumps(editing.dump(ev))), editing.evaluate(ev)) for ev in seeds]
    with Session(engine) as db:
        bureau = people.bureau(db)
        units: list[tuple[int, int]] = []
        for d in range(DEPARTMENTS):
            dept = people.ensure_org(db, "department", f"第{d + 1}局", bureau)
            units += [(dept.id, people.ensure_org(db, "unit", f"第{d + 1}局第{u + 1}所", dept).id)
                      for u in range(UNITS_PER_DEPT)]
        password = first_admin(db)
        people.create_user(db, None, "filer", PASSWORD, "filer", units[0][1])
        db.commit()
        rng = random.Random(12)
        t = now()
        next_id = (db.scalar(select(Form.id).order_by(Form.id.desc()).limit(1)) or 0) + 1
        for start_at in range(0, n, 5000):
            forms, findings = [], []
            for i in range(start_at, min(n, start_at + 5000)):
                doc, ev = checked[i % len(checked)]
                dept_id, unit_id = units[rng.randrange(len(units))]
                form = Form(id=next_id + i, unit_id=unit_id, department_id=dept_id, year=2019 + i % 7,
                            status=STATUSES[i % len(STATUSES)], version=1, document=doc, explanations={},
                            updated_at=t, errors=0, warnings=0)
                formdb.summarize(form, ev)
                form.project_name = f"{ev.ev.project.name or '项目'}{i}"
                forms.append({c.key: getattr(form, c.key) for c in Form.__table__.columns})
                findings += [{"form_id": next_id + i, "code": f.code, "severity": f.severity, "field": f.field}
                             for f in ev.findings]
            db.execute(insert(Form), forms)
            db.execute(insert(FormFinding), findings)
            db.commit()
        if db.get_bind().dialect.name == "postgresql":  # ids were given explicitly: move the sequence past them
            db.execute(text("SELECT setval(pg_get_serial_sequence('web_forms', 'id'), (SELECT max(id) FROM web_forms))"))
        draft = workflow.new_draft(db, access.Actor(db.scalar(select(User).where(User.username == "filer")),
                                                    "unit"), 2025)
        db.commit()
        draft_id = draft.id
    if engine.dialect.name == "postgresql":
        # What autovacuum does within a minute of a bulk load (statistics, visibility map), so the list's
        # count and pages are planned and read as on a server that has been running.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return password, draft_id


def login(client: httpx.Client, user: str, password: str) -> str:
    page = client.get("/login")
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)[1]
    r = client.post("/login", data={"username": user, "password": password, "csrf": token})
    assert r.status_code == 303, r.text[:300]
    return re.search(r'"X-CSRF-Token": "([0-9a-f]+)"', client.get("/account").text)[1]


def measure(label: str, fn, n: int) -> tuple[str, int, float, float, float]:  # noqa: ANN001 - a request maker
    for _ in range(5):
        fn(0)  # warm
    times = []
    t0 = time.perf_counter()
    for i in range(n):
        s = time.perf_counter()
        r = fn(i)
        times.append((time.perf_counter() - s) * 1000)
        assert r.status_code == 200, (label, r.status_code, r.text[:200])
    took = time.perf_counter() - t0
    times.sort()
    return label, n, n / took, statistics.median(times), times[int(len(times) * 0.95) - 1]


def queries_per_page(url: str, password: str, pages: list[str]) -> list[int]:
    """SQL statements each list page runs, counted in-process on the same database."""
    from fastapi.testclient import TestClient
    from sqlalchemy import event

    from jixiao.web.app import create_app

    app = create_app(url, run_jobs=False)
    counted: list[str] = []
    with TestClient(app, follow_redirects=False) as client:
        event.listen(app.state.sessions.kw["bind"], "before_cursor_execute", lambda *a: counted.append(a[2]))
        login(client, "admin", password)
        out = []
        for page in pages:
            counted.clear()
            assert client.get(page).status_code == 200
            out.append(len(counted))
    return out


def bench(db_label: str, url: str, forms: int, requests: int) -> None:
    t0 = time.perf_counter()
    password, draft = populate(url, forms)
    print(f"# {db_label}: {forms} forms stored in {time.perf_counter() - t0:.0f} s", flush=True)
    port = free_port()
    env = {**os.environ, DB_ENV: url}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "jixiao.web.app:app_from_env",
                             "--port", str(port), "--log-level", "warning"], env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                httpx.get(base + "/login", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        rng = random.Random(3)
        admin = httpx.Client(base_url=base, timeout=30)
        login(admin, "admin", password)
        filer = httpx.Client(base_url=base, timeout=30)
        csrf = login(filer, "filer", PASSWORD)
        lists = ["/forms", "/forms?code=rate-score-mismatch", "/forms?department=5&year=2022", "/forms?sort=total",
                 "/forms?status=published&grade=优", "/forms?page=1500", "/api/forms?code=placeholder-indicator&page=20"]
        queries = queries_per_page(url, password, lists)
        print(f"# queries per list page: {', '.join(f'{q} {p}' for q, p in zip(queries, lists))}", flush=True)
        fields = {"funds.total.full_year": "120", "funds.total.executed": "90", "indicators[0].weight": "20",
                  "indicators[0].score": "18", "project.name": "测速项目", "csrf": csrf}
        rows = [
            measure("baseline: login page", lambda i: admin.get("/login"), requests),
            measure("review list", lambda i: admin.get(lists[i % len(lists)]), requests),
            measure("form view", lambda i: admin.get(f"/forms/{rng.randrange(1, forms)}"), requests),
            measure("live recompute", lambda i: filer.post(f"/forms/{draft}/recompute",
                                                          data={**fields, "funds.total.executed": str(60 + i % 60)}),
                    requests),
        ]
        targets = {"review list": 100, "form view": 100, "live recompute": 50}
        print(f"{'':<26}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}  target p95")
        for label, n, rps, p50, p95 in rows:
            target = targets.get(label)
            verdict = "" if target is None else f"< {target} ms {'ok' if p95 < target else 'MISSED'}"
            print(f"{db_label + ' ' + label:<26}{n:>9}{rps:>9.0f}{p50:>9.1f}{p95:>9.1f}  {verdict}", flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--forms", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--skip-pg", action="store_true")
    ap.add_argument("--skip-sqlite", action="store_true")
    args = ap.parse_args()
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory(prefix="jixiao-bench-web-") as tmp:
            bench("SQLite", f"sqlite:///{tmp}/web.db", args.forms, args.requests)
    if not args.skip_pg:
        try:
            cluster = start()
        except ClusterUnavailable as exc:
            print(f"# PostgreSQL skipped: {exc}")
            return
        try:
            bench("PostgreSQL", cluster.create_database("jixiao_bench_web"), args.forms, args.requests)
        finally:
            cluster.stop()


if __name__ == "__main__":
    main()
