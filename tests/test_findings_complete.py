"""Issue 11 items 2 and 4: blank, unfilled and half-read forms; one truth for department, grade and total.

Averages are computed by hand in the comments; the blank form is the one ``jixiao template`` writes.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.checks import run_checks
from jixiao.export.report import build_report
from jixiao.ingest.recognize import read_bytes, read_path
from jixiao.pipeline import check_document
from jixiao.scoring import get_policy
from jixiao.store.db import open_store
from jixiao.store.importer import import_paths
from jixiao.store.query import load_decided
from jixiao.store.summary import summarize

from .conftest import EXAMPLES, jixiao_cmd
from .forms import BASE_INDICATORS, Form, findings

CLEAN = Form()
# Self-evaluation columns left empty: budget and targets as planned, nothing reported.
UNFILLED = replace(CLEAN, name="档案数字化", code="C-UNFILLED", executed="", rate="", rate_score="",
                   appropriation=("1000000.00", "1000000.00", ""), achieved_goal="", total_score=None,
                   indicators=tuple(replace(i, actual="", score="") for i in BASE_INDICATORS))


def test_blank_template_gets_one_error_and_exit_code_1(tmp_path: Path) -> None:
    blank = tmp_path / "空白.xlsx"
    subprocess.run([*jixiao_cmd(), "template", "-o", str(blank), "--year", "2024"], check=True, capture_output=True)
    [result] = check_document(read_path(blank)).results
    assert [(f.code, f.severity) for f in result.findings] == [("form-unfilled", "error")]
    assert "没有项目名称" in result.findings[0].message
    proc = subprocess.run([*jixiao_cmd(), "check", str(blank)], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stdout
    # A unit checking the draft it is filling: the same finding, as a reminder.
    draft = subprocess.run([*jixiao_cmd(), "check", str(blank), "--draft", "--json"], capture_output=True, text=True)
    assert draft.returncode == 0, draft.stdout
    assert [(f["code"], f["severity"]) for f in json.loads(draft.stdout)[0]["findings"]] == [("form-unfilled", "warning")]


def test_unfilled_form_is_one_finding_and_a_draft_only_a_warning() -> None:
    found = findings(UNFILLED)
    assert [(f.code, f.severity) for f in found] == [("form-unfilled", "error")]
    ev = read_bytes(UNFILLED.text().encode("utf-8"), "草稿.txt").evaluations[0]
    draft = run_checks(ev, get_policy("national"), final=False)
    assert [(f.code, f.severity) for f in draft.findings] == [("form-unfilled", "warning")]


def test_a_form_with_one_actual_is_not_unfilled() -> None:
    form = UNFILLED.with_indicator(0, actual="120", score="20")
    assert "form-unfilled" not in {f.code for f in findings(form)}


def test_half_read_form_skips_the_checks_that_need_the_missing_part() -> None:
    # No indicator rows read, 总分 99.5 printed: "9.5 + 0 ≠ 99.5" would be a false error.
    half = replace(CLEAN, indicators=())
    found = findings(half)
    codes = [f.code for f in found]
    assert "total-mismatch" not in codes and "missing-total" not in codes
    [note] = [f for f in found if f.code == "form-incomplete"]
    assert "未读到绩效指标" in note.message and "total-mismatch" in note.message
    assert codes.count("form-incomplete") == 1


def test_missing_department_and_unit_are_findings() -> None:
    text = CLEAN.text().replace("实施单位:\t深圳市某区培训中心\t一级预算单位:\t深圳市某区人力资源局", "")
    found = {(f.code, f.field) for f in findings(text)}
    assert ("missing-header-field", "project.department") in found
    assert ("missing-header-field", "project.implementing_unit") in found
    assert not {f.field for f in findings(CLEAN, "missing-header-field")}


# ---------------------------------------------------------------- one truth in summary and report


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    # Two filled forms of one department: 99.5 and 97.18 (indicator 0 at 17.68 of 20, 80 of 100 → 16 + reason);
    # their mean is (99.5 + 97.18) / 2 = 98.34. The unfilled third must not pull it to (99.5 + 97.18 + 0) / 3.
    second = replace(CLEAN.with_indicator(0, actual="88.4", score="17.68", note="部分学员因工作未参训"),
                     name="干部轮训", code="C-2", total_score="97.18")
    (tmp_path / "a.txt").write_text(CLEAN.text() + second.text(), encoding="utf-8")
    (tmp_path / "b.txt").write_text(UNFILLED.text(), encoding="utf-8")
    return tmp_path


def test_summary_leaves_unfilled_forms_out_of_average_and_grades(folder: Path, tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 's.db'}")
    import_paths([folder], engine)
    s = summarize(engine, "department", "万元")
    [group] = s.groups
    assert group.average_score == Decimal("98.34")
    assert group.projects == 2 and group.unfilled == 1
    assert group.grades["优"] == 2 and sum(group.grades.values()) == 2
    assert all(y.project != "档案数字化" for y in s.years)
    engine.dispose()


def test_report_and_summary_agree_on_average_and_grades(folder: Path) -> None:
    report = build_report([folder], charts=False)
    [unit] = report.units
    assert unit.average_total() == "98.34"
    assert report.grades()["优"] == 2 and sum(report.grades().values()) == 2 and report.unfilled == 1


def test_seed_004_department_is_the_list_department_in_report_and_store(tmp_path: Path) -> None:
    # 004's forms print no 主管部门; its own department list names 相山区人大办公室 (not the 实施单位 人大办公室).
    [seed] = EXAMPLES.glob("004_*.txt")
    report = build_report([seed], charts=False)
    assert [u.name for u in report.units] == ["相山区人大办公室"]
    engine = open_store(f"sqlite:///{tmp_path / 's.db'}")
    import_paths([seed], engine)
    assert [g.name for g in summarize(engine, "department").groups] == ["相山区人大办公室"]
    # The report from the store and the published lists (from the file or the store) say the same.
    assert [u.name for u in build_report(stored=load_decided(engine), charts=False).units] == ["相山区人大办公室"]
    engine.dispose()
    for source in ([str(seed)], ["--db", str(tmp_path / "s.db")]):
        out = tmp_path / f"pub{len(source)}"
        proc = subprocess.run([*jixiao_cmd(), "publish", *source, "-o", str(out), "--list-format", "csv",
                               "--forms-format", "none", "--no-charts"], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        assert [p.name for p in out.glob("*.csv")] == ["相山区人大办公室2023_项目支出绩效自评结果.csv"]


def test_seed_002_average_is_the_same_in_report_and_summary(tmp_path: Path) -> None:
    # 常委会会议… prints no 总分: both count its recomputed 97.122 with the other 8 forms. printed totals
    # 93.22+93.21+91.06+60.71+100+99.81+97.84+86.21 = 722.06, + 97.122 → 819.182 / 9 = 91.02).
    [seed] = EXAMPLES.glob("002_*.txt")
    [unit] = build_report([seed], charts=False).units
    engine = open_store(f"sqlite:///{tmp_path / 's.db'}")
    import_paths([seed], engine)
    [group] = summarize(engine, "department").groups
    engine.dispose()
    assert unit.average_total() == "91.02" == str(group.average_score)
