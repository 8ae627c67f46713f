"""Issue 13 item 7 (``report --db``): the stored forms stream from the store, the checks across forms
find their candidates by key (not by scanning every form for every form), each line of the report
keeps its form only in outline, and a department of thousands of forms gets a bounded chart."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from jixiao.checks import years
from jixiao.exitcodes import Exit
from jixiao.export import report as report_module
from jixiao.export.report import CHART_BARS, build_report
from jixiao.ingest.recognize import read_bytes
from jixiao.model import Evaluation
from jixiao.store.db import open_store
from jixiao.store.importer import import_paths
from jixiao.store.query import Filters, StoredForms, iter_decided

from .conftest import jixiao_cmd
from .forms import Form
from .test_findings_years import LAST, THIS

FIXTURES = Path(__file__).parent / "fixtures" / "templates"


def _forms(n: int, year: str = "2022") -> list[Evaluation]:
    text = "".join(Form(code=f"C-{i}", name=f"项目{i}", year=year, total_score="90" if i % 3 else "99.5").text()
                   for i in range(n))
    return read_bytes(text.encode(), f"部门{year}.txt").evaluations


def test_the_checks_across_years_compare_a_form_only_with_its_own_project(monkeypatch: pytest.MonkeyPatch) -> None:
    # 40 projects in two years: each 2023 form has one earlier year among 79 other forms. Scanning them
    # all (what made report --db quadratic) tests every 2022 form against every 2023 form.
    compared = []
    same = years._same_project
    monkeypatch.setattr(years, "_same_project", lambda a, b: compared.append(1) or same(a, b))
    report = build_report(stored=[(ev, None) for ev in _forms(40, "2022") + _forms(40, "2023")], charts=False)
    assert report.form_count == 80
    assert len(compared) <= 3 * 40  # three checks across years, one candidate each


def test_stored_forms_stream_with_the_same_findings_as_held_forms(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "2022.txt").write_text(LAST.text(), encoding="utf-8")
    (folder / "2023.txt").write_text(THIS.text() + Form(code="X-1", name="另一个项目", year="2023").text(), encoding="utf-8")
    for name in ("t4_department_pipes.txt", "t2_sichuan_pipes.txt", "t2_sichuan_cells.txt"):
        (folder / name).write_bytes((FIXTURES / name).read_bytes())
    db = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    import_paths([folder], db)
    streamed = build_report(stored=iter_decided(db), pool=StoredForms(db), charts=False)
    held = build_report(stored=list(iter_decided(db)), charts=False)

    def lines(report):  # noqa: ANN001, ANN202
        return sorted((f.ev.source.file, f.ev.source.form_index, [(x.code, x.field) for x in f.result.findings], f.places)
                      for u in report.units for f in u.forms)

    assert lines(streamed) == lines(held)
    codes = {x.code for u in streamed.units for f in u.forms for x in f.result.findings}
    # Both kinds of checks across forms found their candidates in the store.
    assert {"year-target-lowered", "year-indicator-changed", "department-total-mismatch"} <= codes
    entries = [f for u in streamed.units for f in u.forms]
    assert all(not e.ev.indicators and not e.result.recomputed.indicator_scores for e in entries)  # outline only
    assert StoredForms(db, Filters(year=2022)).count == 1  # the filters apply to the pool too


def test_the_years_index_keeps_only_shared_keys(tmp_path: Path) -> None:
    db = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("".join(Form(code=f"C-{i}", name=f"项目{i}").text() for i in range(20)),
                                  encoding="utf-8")
    import_paths([folder], db)
    pool = StoredForms(db)
    assert pool.count == 20 and not pool._hashes  # no project has a second form: nothing to hold


def test_a_department_of_many_forms_gets_a_bounded_chart(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[tuple[int, str]] = []
    monkeypatch.setattr(report_module, "scores_chart", lambda bars, title: drawn.append((len(bars), title)) or "")
    build_report(stored=[(ev, None) for ev in _forms(CHART_BARS + 15)])
    ((bars, title),) = drawn
    assert bars == CHART_BARS and f"共 {CHART_BARS + 15} 张表" in title


def test_a_files_department_form_is_still_checked_against_the_files_beside_it() -> None:
    report = build_report([FIXTURES / n for n in ("t4_department_pipes.txt", "t2_sichuan_pipes.txt", "t2_sichuan_cells.txt")],
                          charts=False)
    found = [x for u in report.units for f in u.forms for x in f.result.findings if x.code == "department-total-mismatch"]
    assert [(x.field, x.expected) for x in found] == [("funds.project.full_year", "2412.50"),
                                                      ("funds.project.executed", "2123.33")]


def test_report_from_the_store(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "部门.txt").write_text("".join(Form(code=f"C-{i}", name=f"项目{i}").text() for i in range(30)),
                                     encoding="utf-8")
    db = tmp_path / "store.db"
    run = [*jixiao_cmd()]
    assert subprocess.run([*run, "import", "--db", str(db), str(folder)], capture_output=True, timeout=300).returncode == 0
    proc = subprocess.run([*run, "report", "--db", str(db), "-o", "r.html"], capture_output=True, text=True, cwd=tmp_path,
                          timeout=300)
    assert proc.returncode == Exit.OK, proc.stderr
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "30 张表" in proc.stdout and all(f"项目{i}" in html for i in range(30))
    proc = subprocess.run([*run, "report", "--db", str(db), "--year", "1999", "-o", "r.html"], capture_output=True,
                          text=True, cwd=tmp_path, timeout=300)
    assert "数据库中没有符合条件的自评表，年度“1999”" in proc.stderr


def test_a_dollar_sign_in_a_project_name_is_drawn_as_written() -> None:
    # matplotlib read "$\frac{$" as mathtext and raised while drawing the chart: the report was lost.
    text = Form(name="经费$\\frac{$测算").text()
    report = build_report(stored=[(ev, None) for ev in read_bytes(text.encode(), "元.txt").evaluations])
    assert report.units[0].chart.startswith("<?xml")
