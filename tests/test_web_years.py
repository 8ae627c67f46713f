"""Issue 11 item 6 in the web system: a form checked in the workflow (shown, edited, recomputed live,
imported from the store) is compared with the same project's other years there, as ``jixiao check``
compares them loaded together; a change to one year checks its later years again."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from jixiao.store.db import open_store
from jixiao.store.importer import import_paths
from jixiao.web.app import create_app
from jixiao.web.formdb import sync_store
from jixiao.web.people import create_user
from jixiao.web.schema import Form, FormFinding

from .test_findings_years import LAST, THIS
from .webkit import PASSWORD, Client


def _store(tmp_path: Path, *texts: tuple[str, str]) -> str:
    """A store with ``texts`` imported one file at a time, brought into the workflow after each."""
    url = f"sqlite:///{tmp_path / 'web.db'}"
    engine = open_store(url)
    for name, text in texts:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        import_paths([path], engine)
        with Session(engine) as db:
            sync_store(db)
            db.commit()
    engine.dispose()
    return url


def _indexed(url: str) -> dict[int | None, list[str]]:
    engine = open_store(url)
    with Session(engine) as db:
        rows = db.execute(select(Form.year, FormFinding.code).join(FormFinding, FormFinding.form_id == Form.id)).all()
    engine.dispose()
    out: dict[int | None, list[str]] = {}
    for year, code in rows:
        if code.startswith("year-"):
            out.setdefault(year, []).append(code)
    return {y: sorted(c) for y, c in out.items()}


def test_an_earlier_year_brought_in_later_checks_the_later_form_again(tmp_path: Path) -> None:
    # 2023 arrives first (nothing to compare with), then 2022: 2023's target ≥100 → ≥80 while 18/20 → 20/20.
    url = _store(tmp_path, ("2023.txt", THIS.text()), ("2022.txt", LAST.text()))
    assert _indexed(url) == {2023: ["year-indicator-changed", "year-target-lowered"]}


def test_a_draft_edited_in_the_browser_is_compared_with_last_year(tmp_path: Path) -> None:
    url = _store(tmp_path, ("2022.txt", LAST.text()))
    engine = open_store(url)
    with Session(engine) as db:
        last_id, unit_id = db.execute(select(Form.id, Form.unit_id)).one()
        create_user(db, None, "filer", PASSWORD, "filer", unit_id)
        db.commit()
    engine.dispose()
    filer = Client(create_app(url, run_jobs=False)).login("filer")
    draft = filer.api("POST", "/api/forms", json={"year": 2023, "from_form": last_id}).json()["id"]

    def codes(response) -> list[str]:
        assert response.status_code == 200, response.text
        return sorted(f["code"] for f in response.json()["findings"] if f["code"].startswith("year-"))

    lowered = {"indicators[0].target": "≥80", "indicators[0].actual": "90", "indicators[0].score": "20"}
    # The live recompute (nothing stored) already sees last year's ≥100 and 18 points.
    assert codes(filer.api("POST", f"/api/forms/{draft}/recompute", json={"values": lowered})) == [
        "year-indicator-changed", "year-target-lowered"]
    assert codes(filer.api("PUT", f"/api/forms/{draft}", json={"values": lowered})) == [
        "year-indicator-changed", "year-target-lowered"]
    assert codes(filer.get(f"/api/forms/{draft}")) == ["year-indicator-changed", "year-target-lowered"]
    assert _indexed(url) == {2023: ["year-indicator-changed", "year-target-lowered"]}
    page = filer.get(f"/forms/{draft}/edit")
    assert page.status_code == 200 and "year-target-lowered" in page.text

    # Last year's target kept: nothing across years left to say.
    kept = {"indicators[0].target": "≥100", "indicators[0].score": "18"}
    assert codes(filer.api("PUT", f"/api/forms/{draft}", json={"values": kept})) == []
    assert _indexed(url) == {}
