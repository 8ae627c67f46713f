"""The web system end to end through its pages and its JSON API (httpx): 下发 → 草稿 with live
recompute → 送审 (refused while an error is unexplained) → 退回 with a comment on a cell → 送审 again
→ 主管部门通过 → 财政通过 → 公开; versions, their diff, the audit log, uploads and downloads."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jixiao import limits
from jixiao.store.db import open_store
from jixiao.web.schema import AuditEntry

from . import hostile
from .conftest import SEEDS
from .webkit import Client, app_for, make_site

FILLED = {
    "project.name": "社区养老服务补助", "project.code": "P2025-001", "project.manager": "张三", "project.phone": "13800000000",
    "money_unit": "万元",
    "funds.total.initial": "100", "funds.total.full_year": "120", "funds.total.executed": "90",
    "funds.appropriation.initial": "100", "funds.appropriation.full_year": "120", "funds.appropriation.executed": "80",
    "goals.expected": "为 300 名老人提供助餐服务", "goals.achieved": "为 280 名老人提供助餐服务",
    "indicators[0].name": "助餐人数", "indicators[0].target": "≥300人", "indicators[0].actual": "280人",
    "indicators[0].weight": "50", "indicators[0].score": "45", "indicators[0].note": "部分老人迁出",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return make_site(tmp_path_factory.mktemp("web"), SEEDS)


@pytest.fixture(scope="module")
def app(site):
    return app_for(site)


def _draft(app, site) -> int:
    bureau = Client(app).login("bureau")
    r = bureau.api("POST", "/api/tasks", json={"year": 2025, "title": "2025年度自评", "units": [site.unit_a]})
    assert r.status_code == 200, r.text
    assert r.json()["forms"] == 1
    forms = bureau.get("/api/forms", params={"status": "draft", "unit": site.unit_a}).json()["forms"]
    return forms[0]["id"]


def test_a_form_walks_from_issue_to_publication(app, site) -> None:
    form_id = _draft(app, site)
    filer, dept, bureau = Client(app).login("filer_a"), Client(app).login("dept_a"), Client(app).login("bureau")

    page = filer.get(f"/forms/{form_id}/edit")
    assert page.status_code == 200
    assert 'name="funds.total.executed"' in page.text and "项目支出绩效自评表" in page.text

    # Live recompute: 执行率 = 90 / 120 = 75%, 执行率得分 = 75% × 10 = 7.5; the breakdown (80 ≠ 90) is an error
    # shown beside 年度资金总额's cells; nothing is stored.
    live = filer.post(f"/forms/{form_id}/recompute", FILLED)
    assert live.status_code == 200
    rate = re.search(r'id="v-c-funds-total-rate" hx-swap-oob="true">([^<]*)<', live.text)[1]
    score = re.search(r'id="v-c-funds-total-score" hx-swap-oob="true">([^<]*)<', live.text)[1]
    assert (rate, score) == ("75.00", "7.50")
    total = re.search(r'id="v-c-total-score" hx-swap-oob="true">([^<]*)<', live.text)[1]
    assert total == "52.50"  # 7.5 + 45
    cell = re.search(r'<ul class="cell-findings" id="f-c-funds-total-executed" hx-swap-oob="true">(.*?)</ul>', live.text, re.S)[1]
    assert "funds-breakdown-mismatch" in cell and "当年财政拨款" in cell
    assert filer.get(f"/api/forms/{form_id}").json()["document"]["project"]["name"] is None

    # 送审 with the error unexplained is refused and says why.
    r = filer.post(f"/forms/{form_id}/save", {**FILLED, "action": "submit"})
    assert r.status_code == 422
    assert "不能送审" in r.text and "funds-breakdown-mismatch" in r.text
    detail = filer.get(f"/api/forms/{form_id}").json()
    assert detail["status"] == "draft" and detail["document"]["funds"]["total"]["executed"] == "90"
    errors = [f for f in detail["findings"] if f["severity"] == "error"]
    assert errors and all(f["locator"] and "自评表" in f["locator"] for f in errors)

    # Explained, it goes: version 1.
    explain = {f"explain:{f['code']}|{f['field']}": "另有 10 万元为单位自有资金，未列入分项" for f in errors}
    r = filer.post(f"/forms/{form_id}/save", {**FILLED, **explain, "action": "submit"})
    assert r.status_code == 303, r.text
    detail = filer.get(f"/api/forms/{form_id}").json()
    assert detail["status"] == "submitted" and [v["number"] for v in detail["versions"]] == [1]
    assert filer.get(f"/forms/{form_id}/edit").status_code == 303  # no longer editable

    # 主管部门 returns it with a comment on the 全年执行数 cell; the filer sees it beside that cell.
    assert dept.get(f"/forms/{form_id}").status_code == 200
    assert dept.post(f"/forms/{form_id}/review", {"decision": "return"}).status_code == 422  # a return needs a comment
    r = dept.post(f"/forms/{form_id}/comments", {"field": "funds.total.executed", "body": "执行数与支付凭证不符，请核实"})
    assert r.status_code == 303
    assert dept.post(f"/forms/{form_id}/review", {"decision": "return"}).status_code == 303
    page = filer.get(f"/forms/{form_id}/edit")
    assert page.status_code == 200
    cell = re.search(r'id="c-funds-total-executed".*?</td>', page.text, re.S)[0]
    assert "执行数与支付凭证不符，请核实" in cell

    # Fixed and sent again: version 2, and the diff names the changed cells.
    fixed = {**FILLED, "funds.total.executed": "80"}
    assert filer.post(f"/forms/{form_id}/save", {**fixed, "action": "submit"}).status_code == 303
    changes = {c["field"]: (c["before"], c["after"]) for c in filer.get(f"/api/forms/{form_id}/diff?a=1&b=2").json()}
    assert changes["funds.total.executed"] == ("90", "80")
    assert changes["funds.total.rate"] == ("75.00", "66.67")
    assert "funds.total.executed" in dept.get(f"/forms/{form_id}/diff?a=1&b=2").text

    # Nobody skips a stage: the bureau cannot pass what the department has not, the filer cannot review.
    assert bureau.post(f"/forms/{form_id}/review", {"decision": "approve"}).status_code == 403
    assert filer.post(f"/forms/{form_id}/review", {"decision": "approve"}).status_code == 403
    assert dept.post(f"/forms/{form_id}/review", {"decision": "approve"}).status_code == 303
    assert dept.post(f"/forms/{form_id}/publish").status_code == 403
    assert bureau.post(f"/forms/{form_id}/review", {"decision": "approve"}).status_code == 303
    assert bureau.post(f"/forms/{form_id}/publish").status_code == 303
    assert filer.get(f"/api/forms/{form_id}").json()["status"] == "published"

    # Public, without login, without 负责人 and 电话.
    anon = Client(app)
    index = anon.get("/public")
    link = re.search(rf'href="(/public/{site.dept_a}/2025)"', index.text)[1]
    listing = anon.get(link)
    assert "社区养老服务补助" in listing.text and "51.67" in listing.text  # 80/120 → 6.67 + 45
    public = anon.get(f"/public/forms/{form_id}")
    assert public.status_code == 200 and "社区养老服务补助" in public.text
    assert "张三" not in public.text and "13800000000" not in public.text
    assert "张三" not in anon.get(f"/api/public/forms/{form_id}").text

    # The audit log has every changed field with its before and after.
    engine = open_store(site.url)
    with Session(engine) as db:
        rows = db.execute(select(AuditEntry.action, AuditEntry.field, AuditEntry.before, AuditEntry.after)
                          .where(AuditEntry.form_id == form_id)).all()
    engine.dispose()
    assert ("form.edit", "funds.total.executed", "90", "80") in rows
    assert ("form.edit", "project.name", None, "社区养老服务补助") in rows
    assert {"form.submit", "form.return", "form.comment", "form.approve", "form.publish"} <= {r[0] for r in rows}
    admin = Client(app).login("admin", site.admin_password)
    assert "执行数与支付凭证不符" in admin.get("/admin/audit").text


def test_upload_a_filled_template_into_a_draft_and_download_it(app, site, tmp_path: Path) -> None:
    form_id = _draft(app, site)
    filer = Client(app).login("filer_a")
    template = filer.get("/template.xlsx?year=2025")
    assert template.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(template.content))
    ws = wb["自评表"]
    labels = {str(c.value): c for row in ws.iter_rows() for c in row if c.value}
    ws.cell(labels["项目名称"].row, labels["项目名称"].column + 1, "上传的项目")
    total = labels["年度资金总额"]
    for offset, value in ((1, 200), (2, 200), (3, 150)):
        ws.cell(total.row, total.column + offset, value)
    buf = io.BytesIO()
    wb.save(buf)
    r = filer.post(f"/forms/{form_id}/upload", files={"file": ("填好的模板.xlsx", buf.getvalue())})
    assert r.status_code == 303, r.text
    detail = filer.get(f"/api/forms/{form_id}").json()
    assert detail["project_name"] == "上传的项目"
    assert detail["document"]["funds"]["total"]["rate"] == "75.00"  # recomputed, not the template's empty formula
    assert detail["document"]["project"]["implementing_unit"]  # still this unit's form

    bad = filer.post(f"/forms/{form_id}/upload", files={"file": ("坏文件.pdf", b"%PDF-1.4 broken")})
    assert bad.status_code == 422 and "坏文件.pdf" in bad.text and "Traceback" not in bad.text

    for fmt, magic in (("xlsx", b"PK"), ("docx", b"PK")):
        r = filer.get(f"/forms/{form_id}/download.{fmt}")
        assert r.status_code == 200 and r.content.startswith(magic)
        assert "attachment" in r.headers["content-disposition"]
    back = openpyxl.load_workbook(io.BytesIO(filer.get(f"/forms/{form_id}/download.xlsx").content))["自评表"]
    assert "上传的项目" in {c.value for row in back.iter_rows() for c in row}
    for name in ("..", "../../etc/表.txt", "C:\\Users\\表.txt"):  # a file name is never a path
        r = filer.post(f"/forms/{form_id}/upload", files={"file": (name, SEEDS[0].read_bytes())})
        assert r.status_code == 303, (name, r.text[:300])
    assert filer.get(f"/api/forms/{form_id}").json()["project_name"] == "人大宣传"


def test_an_upload_is_read_under_the_limits_away_from_the_server(app, site, monkeypatch) -> None:
    """An upload is read as a batch's file is, in a worker under the limits: a read over its time ends
    with the limit's one line, under the upload's own name, and the server answers on."""
    form_id = _draft(app, site)
    filer = Client(app).login("filer_a")
    monkeypatch.setattr(limits, "_active", limits.Limits(timeout=1))
    seed = SEEDS[0].read_text(encoding="utf-8")
    slow = ((seed + "\n\n") * 600).encode("utf-8")  # 1 800 forms, 5.6 MB: seconds of reading
    r = filer.post(f"/forms/{form_id}/upload", files={"file": ("一千八百张表.txt", slow)})
    assert r.status_code == 422, r.text[:300]
    assert "一千八百张表.txt" in r.text and "读取时间" in r.text and "jixiao-upload-" not in r.text
    far = filer.post(f"/forms/{form_id}/upload", files={"file": ("远处的单元格.xlsx", hostile.xlsx_far_cell())})
    assert far.status_code == 422 and "远处的单元格.xlsx" in far.text and "XFD1048576" in far.text
    assert filer.get(f"/api/forms/{form_id}").status_code == 200


def test_review_list_filters_sorts_and_pages(app, site) -> None:
    admin = Client(app).login("admin", site.admin_password)
    everything = admin.get("/api/forms").json()
    assert everything["total"] >= 37
    errors = [f["errors"] for f in everything["forms"]]
    assert errors == sorted(errors, reverse=True)  # most severe first
    code = "rate-score-mismatch"
    hits = admin.get("/api/forms", params={"code": code}).json()
    assert hits["total"] >= 1
    for f in hits["forms"]:
        assert code in {x["code"] for x in admin.get(f"/api/forms/{f['id']}").json()["findings"]}
    by_total = [f["total"] for f in admin.get("/api/forms", params={"sort": "total_desc"}).json()["forms"] if f["total"]]
    assert [float(t) for t in by_total] == sorted((float(t) for t in by_total), reverse=True)
    year = admin.get("/api/forms", params={"year": 2022}).json()
    assert year["total"] and all(f["year"] == 2022 for f in year["forms"])
    unit = admin.get("/api/forms", params={"unit": site.unit_a}).json()
    assert unit["total"] >= 1 and all(f["unit"] == unit["forms"][0]["unit"] for f in unit["forms"])
    filtered = admin.get("/forms", params={"department": site.dept_a, "unit": site.unit_a})
    assert f'<option value="{site.unit_a}" selected>' in filtered.text
    page = admin.get("/forms", params={"code": code, "sort": "total"})
    assert page.status_code == 200 and "共 " in page.text
    # the code filter names each rule in Chinese (its catalogue title), the code kept as the value
    assert f'<option value="{code}" selected>执行率得分与执行率×分值不符（{code}）</option>' in page.text


def _every(client: Client, **params: object) -> tuple[int, list[dict]]:
    """(the count the list gives, every form over all its pages)."""
    first = client.get("/api/forms", params={**params, "page": 1}).json()
    forms, page = list(first["forms"]), 1
    while len(forms) < first["total"]:
        page += 1
        more = client.get("/api/forms", params={**params, "page": page}).json()["forms"]
        assert more, (params, page)
        forms += more
    return first["total"], forms


def test_review_list_counts_match_the_forms_listed(app, site) -> None:
    admin = Client(app).login("admin", site.admin_password)
    code = "rate-score-mismatch"
    total, forms = _every(admin)
    with_code = {f["id"] for f in forms if code in {x["code"] for x in admin.get(f"/api/forms/{f['id']}").json()["findings"]}}
    assert with_code
    n, hits = _every(admin, code=code)  # the code alone: counted in the findings index
    assert n == len(with_code) and {f["id"] for f in hits} == with_code
    status = forms[0]["status"]
    n, hits = _every(admin, code=code, status=status)  # with a form filter: counted over the forms
    assert n == len(hits) == len({f["id"] for f in forms if f["id"] in with_code and f["status"] == status})
    n, hits = _every(Client(app).login("dept_a"), code=code)  # a reviewer counts their department's forms only
    assert n == len(hits) < len(with_code) and len({f["department"] for f in hits}) <= 1
    past = admin.get("/api/forms", params={"page": total // 50 + 5}).json()
    assert past["forms"] == [] and past["total"] == total  # a page past the end still says how many there are


def test_form_without_a_printed_department_is_under_its_list_title(app, site) -> None:
    # Seed 004 prints no 主管部门; its file's 部门绩效自评结果 list names 相山区人大办公室 (outcome.py).
    admin = Client(app).login("admin", site.admin_password)
    departments = {f["department"] for f in _every(admin)[1]}
    assert "相山区人大办公室" in departments and "（未注明主管部门）" not in departments


def test_batch_upload_job_reports_each_file(app, site, tmp_path: Path) -> None:
    from jixiao.web import jobs

    admin = Client(app).login("admin", site.admin_password)
    text = SEEDS[0].read_text(encoding="utf-8").replace("人大宣传", "批量上传的项目")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a/新表.txt", text)
        zf.writestr("a/坏表.pdf", b"%PDF-1.4 not really")
    r = admin.http.post("/api/jobs", headers={"X-CSRF-Token": admin.csrf},
                        files=[("files", ("批量.zip", buf.getvalue()))])
    assert r.status_code == 200, r.text
    job_id = r.json()["id"]
    assert r.json()["total"] == 2 and r.json()["status"] == "queued"
    # What a server worker's loop does: claim, then run.
    with app.state.sessions() as db:
        assert jobs.claim(db, "test") == job_id
        assert jobs.claim(db, "other") is None  # taken
    jobs.run(app.state.sessions, job_id)
    done = admin.get(f"/api/jobs/{job_id}").json()
    assert done["status"] == "done" and done["done"] == 2
    by_file = {x["file"]: x for x in done["results"]}
    assert by_file["批量.zip/a/新表.txt"]["ok"] and by_file["批量.zip/a/新表.txt"]["forms"] >= 1
    assert not by_file["批量.zip/a/坏表.pdf"]["ok"] and "坏表.pdf" in by_file["批量.zip/a/坏表.pdf"]["reason"]
    names = [f["project_name"] for f in admin.get("/api/forms", params={"q": "批量上传的项目"}).json()["forms"]]
    assert "批量上传的项目" in names
    page = admin.get(f"/jobs/{job_id}")
    assert "已完成" in page.text and "坏表.pdf" in page.text


def test_review_report_page_of_the_forms_one_sees(app, site) -> None:
    dept = Client(app).login("dept_a")
    r = dept.get("/report", params={"year": "", "department": ""})
    assert r.status_code == 200
    assert "style-src 'unsafe-inline'" in r.headers["content-security-policy"] and "script" not in r.headers[
        "content-security-policy"]
    own = {f["project_name"] for f in dept.get("/api/forms").json()["forms"]}
    other = Client(app).login("admin", site.admin_password).get(f"/api/forms/{site.form_b}").json()["project_name"]
    assert any(name and name in r.text for name in own)
    assert other not in own and other not in r.text
