"""The web system in a real browser (Playwright driving Debian's chromium, never a downloaded one):
log in, 下发, upload a file into the draft, fill it with the derived cells recomputed as one types,
送审, 退回 with a comment on a cell, fix and resubmit, 通过 twice, 公开, and the public page."""

from __future__ import annotations

import re
import shutil
import threading
import time
from pathlib import Path

import pytest

from .conftest import SEEDS
from .pgcluster import free_port
from .webkit import PASSWORD, app_for, make_site

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="没有 chromium（scripts/setup-system.sh 安装）")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    site = make_site(tmp_path_factory.mktemp("browser"), SEEDS)
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app_for(site), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", site
    srv.should_exit = True
    thread.join(timeout=10)


def login(browser, base: str, user: str, password: str = PASSWORD,  # noqa: ANN202 - a Playwright page
          viewport: tuple[int, int] = (1400, 1000)):
    page = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="zh-CN").new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/forms")
    return page


def send_for_review(page) -> None:  # noqa: ANN001 - a Playwright page
    """送审 once the edited cell's own recompute has answered, so no swap moves the page under the click;
    a refusal fails with the page's own message rather than a bare navigation timeout."""
    button = page.locator("button[value=submit]")
    with page.expect_response(lambda r: r.url.endswith("/recompute")):
        button.focus()  # the edited cell loses focus: its change event recomputes now, not during the click
    with page.expect_navigation():
        button.click()
    if not re.search(r"/forms/\d+$", page.url):
        alerts = " / ".join(page.locator(".alert").all_inner_texts())
        pytest.fail(f"送审没有通过：停在 {page.url}；页面提示：{alerts or '（无）'}")


def test_a_form_from_issue_to_publication_in_the_browser(browser, server) -> None:
    from playwright.sync_api import expect

    base, site = server
    bureau = login(browser, base, "bureau")
    bureau.goto(f"{base}/tasks")
    bureau.fill("input[name=year]", "2026")
    bureau.click("form[action='/tasks'] button")
    assert bureau.locator("table.list tbody tr").first.inner_text().startswith("1")

    filer = login(browser, base, "filer_a")
    filer.goto(f"{base}/forms?status=draft&year=2026")
    filer.locator("table.list tbody a").first.click()
    filer.click("text=填写 / 修改")
    form_url = filer.url

    # Upload a file into the draft: its project name lands in the form.
    filer.set_input_files("input[type=file]", str(SEEDS[0]))
    filer.click("text=上传并读入")
    filer.wait_for_url(form_url)
    assert filer.input_value("input[name='project.name']") == "人大宣传"

    # Typing recomputes the grey cells and moves the findings, without a page load.
    filer.fill("input[name='funds.total.full_year']", "200")
    filer.fill("input[name='funds.total.executed']", "150")
    # expect() polls without eval, which the pages' content security policy forbids.
    expect(filer.locator("#v-c-funds-total-rate")).to_have_text("75.00")
    expect(filer.locator("#f-c-funds-total-executed")).to_contain_text("当年财政拨款")
    for col, value in (("initial", "200"), ("full_year", "200"), ("executed", "150")):
        filer.fill(f"input[name='funds.appropriation.{col}']", value)
    filer.fill("input[name='funds.total.initial']", "200")
    expect(filer.locator("#f-c-funds-total-executed")).not_to_contain_text("当年财政拨款")
    send_for_review(filer)
    assert "待主管部门审核" in filer.locator(".form-head").inner_text()
    form_id = filer.url.rsplit("/", 1)[1]

    dept = login(browser, base, "dept_a")
    dept.goto(f"{base}/forms/{form_id}")
    dept.select_option("select[name=field]", "funds.total.executed")
    dept.fill("textarea[name=body]", "请附执行数的支付凭证")
    dept.click("text=添加意见")
    dept.click("text=退回修改")
    assert "已退回" in dept.locator(".form-head").inner_text()

    filer.goto(f"{base}/forms/{form_id}/edit")
    assert "请附执行数的支付凭证" in filer.locator("#c-funds-total-executed").inner_text()
    filer.fill("input[name='funds.total.executed']", "160")
    filer.fill("input[name='funds.appropriation.executed']", "160")
    expect(filer.locator("#v-c-funds-total-rate")).to_have_text("80.00")
    send_for_review(filer)
    assert "第 2 版" in filer.locator(".form-head").inner_text()

    dept.goto(f"{base}/forms/{form_id}")
    dept.click("button[value=approve]")
    assert "待财政审核" in dept.locator(".form-head").inner_text()
    bureau.goto(f"{base}/forms/{form_id}")
    bureau.click("button[value=approve]")
    bureau.click("form[action$='/publish'] button")
    assert "已公开" in bureau.locator(".form-head").inner_text()

    anon = browser.new_page()
    anon.goto(f"{base}/public")
    anon.locator("ul.public a").first.click()
    anon.click("text=人大宣传")
    assert "人大宣传" in anon.locator("h1").inner_text()
    assert anon.locator("#v-c-project-phone").inner_text() == ""
