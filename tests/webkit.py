"""Helpers for the web tests: a site on a fresh store with the seed forms imported and one user of
each kind, and a client that logs in through the login page and sends its CSRF token."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jixiao.store.db import open_store
from jixiao.store.importer import import_paths
from jixiao.web.app import create_app
from jixiao.web.formdb import sync_store
from jixiao.web.people import bureau, create_user
from jixiao.web.schema import Form, Org
from jixiao.web.serve import first_admin

PASSWORD = "correct-horse-battery"
_CSRF = re.compile(r'"X-CSRF-Token": "([0-9a-f]+)"')
_PRELOGIN = re.compile(r'name="csrf" value="([0-9a-f]+)"')


@dataclass
class Site:
    url: str
    admin_password: str
    unit_a: int  # a unit with imported forms, its filer "filer_a", its department's reviewer "dept_a"
    unit_b: int  # a unit of another department, filer "filer_b"
    dept_a: int
    form_a: int  # an imported form of unit_a
    form_b: int  # an imported form of unit_b


def make_site(tmp: Path, seeds: list[Path], url: str | None = None) -> Site:
    url = url or f"sqlite:///{tmp / 'web.db'}"
    engine = open_store(url)
    import_paths(seeds, engine)
    with Session(engine) as db:
        sync_store(db)
        admin_password = first_admin(db)
        forms = db.execute(select(Form.id, Form.unit_id, Form.department_id).order_by(Form.id)).all()
        form_a, unit_a, dept_a = forms[0]
        form_b, unit_b, _ = next(f for f in forms if f[2] != dept_a)
        create_user(db, None, "filer_a", PASSWORD, "filer", unit_a)
        create_user(db, None, "filer_b", PASSWORD, "filer", unit_b)
        create_user(db, None, "dept_a", PASSWORD, "reviewer", dept_a)
        create_user(db, None, "bureau", PASSWORD, "reviewer", bureau(db).id)
        assert db.get(Org, unit_a).kind == "unit"
        db.commit()
    engine.dispose()
    return Site(url, admin_password, unit_a, unit_b, dept_a, form_a, form_b)


class Client:
    """A browser-like client: cookies, and the CSRF token of its session on every change."""

    def __init__(self, app: Any) -> None:
        self.http = TestClient(app, follow_redirects=False)
        self.csrf = ""

    def login(self, username: str, password: str = PASSWORD) -> "Client":
        page = self.http.get("/login")
        r = self.http.post("/login", data={"username": username, "password": password,
                                           "csrf": _PRELOGIN.search(page.text)[1]})
        assert r.status_code == 303, r.text
        self.csrf = _CSRF.search(self.http.get("/account").text)[1]
        return self

    def get(self, url: str, **kw: Any):  # noqa: ANN201 - httpx.Response
        return self.http.get(url, **kw)

    def post(self, url: str, data: dict[str, Any] | None = None, **kw: Any):  # noqa: ANN201
        return self.http.post(url, data={**(data or {}), "csrf": self.csrf}, **kw)

    def api(self, method: str, url: str, **kw: Any):  # noqa: ANN201
        return self.http.request(method, url, headers={"X-CSRF-Token": self.csrf}, **kw)


def app_for(site: Site) -> Any:
    return create_app(site.url, run_jobs=False)
