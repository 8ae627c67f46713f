"""Screenshots of the web system's main pages for the README (docs/web-*.png), from the bundled seed
forms: the review list, a form with its findings on the cells, the filing form after typing, the
dashboard. Drives Debian's chromium through Playwright.

    .venv/bin/python scripts/web-screenshots.py
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import uvicorn  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402
from tests.conftest import SEEDS  # noqa: E402
from tests.pgcluster import free_port  # noqa: E402
from tests.test_web_browser import ARGS, CHROMIUM, login  # noqa: E402
from tests.webkit import app_for, make_site  # noqa: E402

SHOT = (1360, 900)  # the README's picture size


def main() -> None:
    site = make_site(Path(tempfile.mkdtemp(prefix="jixiao-shots-")), SEEDS)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app_for(site), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    docs = ROOT / "docs"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)

        admin = login(browser, base, "admin", site.admin_password, viewport=SHOT)
        admin.screenshot(path=docs / "web-list.png")
        admin.locator("table.list tbody a").first.click()
        admin.locator("td.has-error").first.scroll_into_view_if_needed()
        admin.screenshot(path=docs / "web-form.png")
        admin.goto(f"{base}/dashboard")
        admin.wait_for_timeout(1500)
        admin.screenshot(path=docs / "web-dashboard.png")

        filer = login(browser, base, "filer_a", viewport=SHOT)
        filer.goto(f"{base}/forms")
        filer.click("form[action='/forms/new'] button")
        for name, value in (("project.name", "社区养老服务补助"), ("funds.total.initial", "120"),
                            ("funds.total.full_year", "120"), ("funds.total.executed", "90"),
                            ("funds.appropriation.full_year", "120"), ("funds.appropriation.executed", "80"),
                            ("indicators[0].name", "助餐人数"), ("indicators[0].target", "≥300人"),
                            ("indicators[0].actual", "280人"), ("indicators[0].weight", "20"),
                            ("indicators[0].score", "25")):
            filer.fill(f"[name='{name}']", value)
        expect(filer.locator("#v-c-funds-total-rate")).to_have_text("75.00")
        filer.locator("#c-funds-total-executed").scroll_into_view_if_needed()
        filer.mouse.wheel(0, -150)
        filer.screenshot(path=docs / "web-edit.png")
        browser.close()
    server.should_exit = True
    for name in ("list", "form", "edit", "dashboard"):
        print(docs / f"web-{name}.png")


if __name__ == "__main__":
    main()
