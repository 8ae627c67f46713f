"""Who may do what, for every route the app has: without a login nothing but the public pages;
without its CSRF token no change; a filer cannot reach another unit's form by changing an id, a
department's reviewer not another department's; form text is shown escaped, never run."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from jixiao.web.schema import Form

from .conftest import SEEDS
from .webkit import Client, app_for, make_site

PUBLIC = {"/login", "/public", "/public/{department_id}/{year}", "/public/forms/{form_id}", "/api/public/forms/{form_id}",
          "/docs", "/openapi.json", "/"}
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return make_site(tmp_path_factory.mktemp("web"), SEEDS)


@pytest.fixture(scope="module")
def app(site):
    return app_for(site)


def _routes(app) -> list[tuple[str, str]]:
    from jixiao.web import api, pages

    out = []
    for route in [*app.routes, *pages.router.routes, *api.router.routes]:
        if isinstance(route, APIRoute):
            out += [(m, route.path) for m in sorted(route.methods - {"HEAD"})]
    return out


def _url(path: str, form_id: int) -> str:
    return (path.replace("{form_id}", str(form_id)).replace("{job_id}", "1").replace("{department_id}", "1")
            .replace("{year}", "2022").replace("{fmt}", "xlsx").replace("{n}", "0"))


def test_every_route_needs_a_login_except_the_public_ones(app, site) -> None:
    anon = Client(app)
    routes = _routes(app)
    assert len(routes) > 40
    for method, path in routes:
        if path in PUBLIC:
            continue
        r = anon.http.request(method, _url(path, site.form_a), params={"a": 1})
        if path.startswith("/api/"):
            assert r.status_code == 401, (method, path, r.status_code)
        else:
            assert r.status_code == 303 and r.headers["location"] == "/login", (method, path, r.status_code)
    # A made-up token is no login either.
    assert anon.http.get("/api/forms", headers={"Authorization": "Bearer jx_nope"}).status_code == 401


def test_every_change_without_its_csrf_token_is_refused(app, site) -> None:
    admin = Client(app).login("admin", site.admin_password)
    before = admin.get(f"/api/forms/{site.form_a}").json()
    unsafe = [(m, p) for m, p in _routes(app) if m in ("POST", "PUT", "DELETE", "PATCH") and p not in ("/login",)]
    assert len(unsafe) > 20
    for method, path in unsafe:
        for headers, data in (({}, {}), ({"X-CSRF-Token": "0" * 64}, {}), ({}, {"csrf": "forged"})):
            r = admin.http.request(method, _url(path, site.form_a), headers=headers, data=data or None)
            assert r.status_code == 403 and "CSRF" in r.text, (method, path, headers, r.status_code)
    assert admin.get(f"/api/forms/{site.form_a}").json() == before
    # The login form has its own token (a cookie and a field that must match).
    r = Client(app).http.post("/login", data={"username": "admin", "password": site.admin_password, "csrf": "x"})
    assert r.status_code == 403


def test_a_filer_cannot_reach_another_units_form_by_its_id(app, site) -> None:
    other = Client(app).login("filer_b")
    mine = other.get(f"/api/forms/{site.form_b}")
    assert mine.status_code == 200
    touched = 0
    for method, path in _routes(app):
        if "{form_id}" not in path or path in PUBLIC:
            continue
        url = _url(path, site.form_a)
        upload = {"files": {"file": ("表.txt", SEEDS[0].read_bytes())}} if path.endswith("/upload") else {}
        if method == "GET":
            r = other.get(url, params={"a": 1})
        elif path.startswith("/api/"):
            body = {} if upload else {"json": {"values": {"project.name": "改掉"}, "decision": "approve", "body": "x"}}
            r = other.api(method, url, **upload, **body)
        else:
            r = other.post(url, {"project.name": "改掉", "decision": "approve", "body": "x", "year": "2025"}, **upload)
        assert r.status_code == 404, (method, path, r.status_code, r.text[:200])
        touched += 1
    assert touched >= 15
    assert site.form_a not in {f["id"] for f in other.get("/api/forms", params={"page": 1}).json()["forms"]}
    # Starting a draft "from" another unit's form is no way in either.
    assert other.post("/forms/new", {"year": "2025", "from_form": str(site.form_a)}).status_code == 404


def test_a_department_reviewer_sees_only_its_department(app, site) -> None:
    dept = Client(app).login("dept_a")
    listed = dept.get("/api/forms").json()
    assert listed["total"] >= 1
    assert site.form_b not in {f["id"] for f in listed["forms"]}
    assert dept.get(f"/forms/{site.form_b}").status_code == 404
    assert dept.api("POST", f"/api/forms/{site.form_b}/review", json={"decision": "approve"}).status_code == 404
    assert dept.get(f"/forms/{site.form_a}").status_code == 200


@pytest.mark.parametrize("user", ["filer_a", "dept_a", "bureau"])
def test_only_admins_administer(app, site, user) -> None:
    c = Client(app).login(user)
    assert c.get("/admin").status_code == 403
    assert c.get("/admin/audit").status_code == 403
    assert c.get("/api/users").status_code == 403
    assert c.get("/api/audit").status_code == 403
    assert c.post("/admin/users", {"username": "evil", "password": "x" * 12, "role": "admin"}).status_code == 403
    assert c.post("/admin/orgs", {"kind": "department", "name": "假部门"}).status_code == 403
    assert c.api("POST", "/api/users", json={"username": "evil", "password": "x" * 12, "role": "admin"}).status_code == 403
    if user != "bureau":
        assert c.post("/tasks", {"year": "2025"}).status_code == 403


def test_form_text_is_shown_escaped(app, site) -> None:
    filer = Client(app).login("filer_a")
    r = filer.api("POST", "/api/forms", json={"year": 2025})
    assert r.status_code == 200, r.text
    form_id = r.json()["id"]
    values = {"project.name": SCRIPT, "goals.expected": SCRIPT, "indicators[0].name": SCRIPT,
              "indicators[0].weight": SCRIPT}  # words in a number cell: kept as words, reported, never run
    assert filer.api("PUT", f"/api/forms/{form_id}", json={"values": values}).status_code == 200
    for url in (f"/forms/{form_id}", f"/forms/{form_id}/edit", "/forms", "/forms?q=script"):
        page = filer.get(url).text
        assert "<script>alert" not in page and "<img src=x" not in page, url
        assert "&lt;script&gt;" in page, url
    live = filer.post(f"/forms/{form_id}/recompute", values).text
    assert "<script>alert" not in live and "&lt;script&gt;" in live
    assert "invalid-number" in live
    # Every page forbids inline scripts, so even a slip could not run one.
    assert "script-src 'self'" in filer.get("/forms").headers["content-security-policy"]


def test_session_cookie_flags_login_limit_and_password_change(app, site) -> None:
    c = Client(app)
    page = c.get("/login")
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)[1]
    r = c.http.post("/login", data={"username": "filer_b", "password": "correct-horse-battery", "csrf": token})
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")

    admin = Client(app).login("admin", site.admin_password)
    assert admin.api("POST", "/api/users", json={"username": "victim", "password": "correct-horse-battery",
                                                 "role": "reviewer", "org_id": site.dept_a}).status_code == 200
    attacker = Client(app)
    for _ in range(5):
        t = re.search(r'name="csrf" value="([0-9a-f]+)"', attacker.get("/login").text)[1]
        r = attacker.http.post("/login", data={"username": "victim", "password": "wrong-password", "csrf": t})
        assert r.status_code == 200 and "用户名或密码不正确" in r.text
    t = re.search(r'name="csrf" value="([0-9a-f]+)"', attacker.get("/login").text)[1]
    r = attacker.http.post("/login", data={"username": "victim", "password": "correct-horse-battery", "csrf": t})
    assert r.status_code == 429  # even the right password, until the window passes

    filer = Client(app).login("filer_b")
    second = Client(app).login("filer_b")
    assert filer.post("/account/password", {"old": "nope", "new": "n" * 12, "repeat": "n" * 12}).status_code == 422
    assert filer.post("/account/password", {"old": "correct-horse-battery", "new": "short", "repeat": "short"}).status_code == 422
    r = filer.post("/account/password", {"old": "correct-horse-battery", "new": "new-password-123",
                                         "repeat": "new-password-123"})
    assert r.status_code == 200 and "密码已修改" in r.text
    assert second.get("/forms").status_code == 303  # the other session ended
    assert filer.get("/forms").status_code == 200
    Client(app).login("filer_b", "new-password-123")


def test_api_tokens_act_as_their_user_without_csrf(app, site) -> None:
    filer = Client(app).login("filer_a")
    token = filer.api("POST", "/api/tokens", json={"name": "脚本"}).json()["token"]
    script = Client(app)
    auth = {"Authorization": f"Bearer {token}"}
    assert script.http.get("/api/me", headers=auth).json()["username"] == "filer_a"
    assert script.http.get(f"/api/forms/{site.form_b}", headers=auth).status_code == 404
    made = script.http.post("/api/forms", headers=auth, json={"year": 2025})
    assert made.status_code == 200
    assert script.http.post(f"/api/forms/{made.json()['id']}/recompute", headers=auth,
                            json={"values": {"funds.total.full_year": "10", "funds.total.executed": "5"}}
                            ).json()["recomputed"]["rate"] == "50.00"
    with app.state.sessions() as db:
        assert db.get(Form, made.json()["id"]).unit_id == site.unit_a
