"""Issue 11 item 6: the same project across years, loaded together (by 项目编码, else by name and unit)."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from jixiao.pipeline import CheckedDocument, check_document, load

from .conftest import jixiao_cmd
from .forms import Form

LAST = replace(Form(year="2022"), achieved_goal="全年举办培训3期，培训90人。").with_indicator(
    0, actual="90", score="18", note="部分学员缺席")  # ≥100人, 90 trained: 18 of 20 (90 %)
THIS = replace(Form(year="2023"), achieved_goal="全年举办培训4期，培训120人。").with_indicator(
    0, target="≥80", actual="90", score="20").with_indicator(5, actual="97%")


def _checked_together(folder: Path) -> list[CheckedDocument]:
    """Every file of ``folder`` checked with all the forms loaded, as ``report`` checks them."""
    docs = [d for d in load([folder]) if not isinstance(d, Exception) and hasattr(d, "evaluations")]
    batch = [ev for d in docs for ev in d.evaluations]
    return [check_document(d, None, batch) for d in docs]


def _year_findings(tmp_path: Path, *forms: Form, year: int = 2023) -> list:
    for n, form in enumerate(forms):
        (tmp_path / f"{n}.txt").write_text(form.text(), encoding="utf-8")
    docs = _checked_together(tmp_path)
    return [f for d in docs for r in d.results if r.ev.year == year for f in r.findings if f.code.startswith("year-")]


def test_target_lowered_while_the_score_rose(tmp_path: Path) -> None:
    # ≥100 → ≥80 and 18/20 = 90 % → 20/20 = 100 %.
    found = _year_findings(tmp_path, LAST, THIS)
    lowered = [f for f in found if f.code == "year-target-lowered"]
    assert [(f.field, f.expected, f.found, f.severity) for f in lowered] == [
        ("indicators[0].target", "≥100", "≥80", "warning")]
    assert "2022年" in lowered[0].message and "90%" in lowered[0].message and "100%" in lowered[0].message
    changed = {(f.field, f.expected, f.found) for f in found if f.code == "year-indicator-changed"}
    assert changed == {("indicators[0].target", "≥100", "≥80")}
    assert not [f for f in found if f.code == "year-copied"]


def test_weights_changed(tmp_path: Path) -> None:
    this = replace(THIS.with_indicator(1, weight="15", score="15").with_indicator(3, weight="5", score="5"),
                   total_score="99.5")
    found = {(f.field, f.expected, f.found) for f in _year_findings(tmp_path, LAST, this)
             if f.code == "year-indicator-changed"}
    assert {("indicators[1].weight", "10", "15"), ("indicators[3].weight", "10", "5")} <= found


def test_goals_and_actuals_copied_from_last_year(tmp_path: Path) -> None:
    copy = replace(LAST, year="2023")  # the 2022 form sent again as 2023's
    found = [(f.code, f.field) for f in _year_findings(tmp_path, LAST, copy)]
    assert ("year-copied", "goals.achieved") in found and ("year-copied", "indicators") in found


def test_the_same_name_in_another_unit_is_another_project(tmp_path: Path) -> None:
    other = replace(THIS, code="")
    last = replace(LAST, code="")
    moved = Form().text().replace("深圳市某区培训中心", "深圳市某区党校")
    assert _year_findings(tmp_path, last, other)  # same name, same unit: matched without a code
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "a.txt").write_text(last.text(), encoding="utf-8")
    (tmp_path / "x" / "b.txt").write_text(moved.replace("2022", "2023"), encoding="utf-8")
    docs = _checked_together(tmp_path / "x")
    assert not [f for d in docs for r in d.results for f in r.findings if f.code.startswith("year-")]


def test_one_year_alone_says_nothing(tmp_path: Path) -> None:
    assert _year_findings(tmp_path, THIS) == []


def _check_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*jixiao_cmd(), "check", *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "200"})


@pytest.mark.parametrize("order", [("last", "this"), ("this", "last")])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_check_compares_the_years_of_separate_files_in_either_order(tmp_path: Path, order, jobs: str) -> None:
    # `check a.txt b.txt`: each file is read in its own worker, yet the 2023 form is compared with
    # 2022's, whether 2022's file comes first or after it (then the findings come at the end).
    forms = {"last": LAST, "this": THIS}
    paths = []
    for n, name in enumerate(order):
        paths.append(tmp_path / f"{n}-{name}.txt")
        paths[-1].write_text(forms[name].text(), encoding="utf-8")
    proc = _check_cli(*map(str, paths), "--json", "-j", jobs)
    assert proc.returncode in (0, 1), proc.stderr
    by_year = {}
    for obj in json.loads(proc.stdout):
        year = "2022" if obj["source"]["file"].endswith("last.txt") else "2023"
        by_year[year] = [(f["code"], f["field"]) for f in obj["findings"] if f["code"].startswith("year-")]
    assert by_year["2022"] == []
    assert sorted(by_year["2023"]) == [("year-indicator-changed", "indicators[0].target"),
                                       ("year-target-lowered", "indicators[0].target")]
    table = _check_cli(*map(str, paths), "-j", jobs)
    assert ("跨年度比对" in table.stdout) == (order == ("this", "last"))
    assert table.stdout.count("year-target-lowered") == 1



def test_a_later_year_read_from_another_file_keeps_its_other_findings_once(tmp_path: Path) -> None:
    # The 2023 form also prints a wrong 总分: comparing it with 2022's file redoes only the findings
    # across years, never its others (they were all given twice, when the redo ran every check).
    wrong = replace(THIS, total_score="90")
    paths = [tmp_path / "0-last.txt", tmp_path / "1-this.txt"]
    paths[0].write_text(LAST.text(), encoding="utf-8")
    paths[1].write_text(wrong.text(), encoding="utf-8")
    proc = _check_cli(*map(str, paths), "--json")
    assert proc.returncode == 1, proc.stderr
    (this,) = [o for o in json.loads(proc.stdout) if o["source"]["file"].endswith("this.txt")]
    found = sorted(f["code"] for f in this["findings"])
    assert found.count("total-mismatch") == 1
    assert "year-target-lowered" in found
