"""The review report: departments and forms with errors first, every finding with its field,
expected and found values, a chart drawn with a CJK font, HTML and PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from html import unescape

import pytest

from jixiao.export.chart import Bar, cjk_family, scores_chart
from jixiao.export.report import build_report, field_zh, render_html, write_report, zh_number
from jixiao.ingest.recognize import read_path
from jixiao.scoring import get_policy

from .conftest import SEEDS

NATIONAL = get_policy("national")


@pytest.fixture(scope="module")
def report():
    return build_report(SEEDS, NATIONAL, charts=False)


def test_report_groups_by_department_errors_first(report) -> None:
    assert report.form_count == 37 and not report.failures
    names = [u.name for u in report.units]
    assert len(names) == len(set(names))
    # 罗湖区 prints its department with full-width or half-width brackets and a stray space: still one section.
    assert sum(1 for n in names if "罗湖区委" in n and "办本级" in n) == 1
    errors = [u.errors for u in report.units]
    assert errors == sorted(errors, reverse=True) and errors[0] > 0
    for unit in report.units:
        ranks = [{"error": 0, "warning": 1, "ok": 2}[f.status] for f in unit.forms]
        assert ranks == sorted(ranks), unit.name
    assert [f.number for u in report.units for f in u.forms] == list(range(1, 38))
    assert sum(report.grades().values()) == 37
    assert len(report.lists) == 1  # 004's department list


def test_report_html_shows_every_finding_with_field_expected_and_found(report) -> None:
    html = render_html(report)
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    for unit in report.units:
        assert unit.name in text
        for form in unit.forms:
            for finding, where in form.findings():
                assert finding.message in text and where in text
                if finding.expected is not None:
                    assert finding.expected in text
    # The wrong rate of 004's 区人大代表履职经费: printed 100, computed 93.85, highlighted as an error row.
    row = re.search(r'<tr class="error">\s*<td>错误</td><td>rate-mismatch</td>.*?</tr>', html, re.S)
    assert row and "93.85" in row.group(0) and "区人大代表履职经费" in row.group(0)
    assert html.index("有错误") < html.index("rate-mismatch")
    # The forms to send back, listed up front, most errors first, each linked to its section.
    entries = report.error_entries()
    # 002's 培训时间 and 主任会议 (数量 "≤N" exceeded, full marks) are ambiguous, not errors (issue 11): 7 → 5.
    assert len(entries) == report.error_forms == 5
    counts = [f.result.count("error") for _, f in entries]
    assert counts == sorted(counts, reverse=True)
    top = html[:html.index("<h2>二、")]
    for _, form in entries:
        assert f'<a href="#form-{form.number}">' in top and f'id="form-{form.number}"' in html


def test_field_names_read_as_on_the_form() -> None:
    ev = read_path(SEEDS[0]).evaluations[0]
    assert field_zh(ev, "funds.total.rate") == "年度资金总额·执行率"
    assert field_zh(ev, "indicators[2].score") == "指标3「编印季刊数(期)」·得分"
    assert field_zh(ev, "total.score") == "总分·得分"
    assert field_zh(ev, "project.phone") == "联系电话"
    assert [zh_number(n) for n in (1, 10, 12, 20, 23)] == ["一", "十", "十二", "二十", "二十三"]


def test_chart_draws_chinese_with_a_cjk_font_as_paths() -> None:
    assert cjk_family() is not None, "fonts-noto-cjk (scripts/setup-system.sh) provides the chart's font"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        svg = scores_chart([Bar("人大宣传", None, None, "ok"), Bar("信息系统运行与维护服务项目经费", None, None, "error")],
                           "深圳市龙岗区人民代表大会常务委员会办公室")
    assert not [w for w in caught if "missing from font" in str(w.message)]  # no tofu
    assert svg.lstrip().startswith("<?xml") and "<path" in svg and "<text" not in svg


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils 未安装：scripts/setup-system.sh 安装它")
def test_report_pdf_renders_chinese(tmp_path) -> None:
    path = tmp_path / "report.pdf"
    write_report(build_report([SEEDS[0]], NATIONAL), path)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "项目支出绩效自评审核报告" in text and "人大宣传" in text and "人大代表站点建设" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "CJK" in fonts, fonts


def test_report_rejects_other_suffixes(tmp_path) -> None:
    from jixiao.errors import ExportError

    with pytest.raises(ExportError, match="只能输出为"):
        write_report(build_report([SEEDS[0]], NATIONAL, charts=False), tmp_path / "report.docx")


def test_form_text_is_escaped_in_the_html(tmp_path) -> None:
    from .forms import Form

    path = tmp_path / "form.txt"
    path.write_text(Form(name="<script>alert(1)</script>培训").text(), encoding="utf-8")
    html = render_html(build_report([path], NATIONAL, charts=False))
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;培训" in html
