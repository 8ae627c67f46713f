"""One check at a time: a realistic form that triggers it, and the clean form that does not."""

from __future__ import annotations

from dataclasses import replace

import pytest

from jixiao.checks import CHECKS

from .forms import Form, Ind, check, findings

CLEAN = Form()


def test_clean_form_has_no_error_or_warning() -> None:
    found = findings(CLEAN)
    assert [f for f in found if f.severity in ("error", "warning")] == []
    result = check(CLEAN).results[0]
    assert result.recomputed.to_json()["total"] == "99.50"


# (code, form that triggers it, expected field, expected value, found value)
TRIGGERS = [
    ("rate-mismatch", replace(CLEAN, rate="100", rate_score="10", total_score="100"),
     "funds.total.rate", "95.00", "100"),
    ("rate-score-mismatch", replace(CLEAN, rate_score="10.00", total_score="100.00"), "funds.total.score", "9.50", "10.00"),
    ("total-mismatch", replace(CLEAN, total_score="98.5"), "total.score", "99.5", "98.5"),
    ("funds-breakdown-mismatch", replace(CLEAN, appropriation=("1000000.00", "1000000.00", "900000.00")),
     "funds.total.executed", "900000.00", "950000.00"),
    ("score-over-weight", replace(CLEAN.with_indicator(1, score="12"), total_score="101.5"),
     "indicators[1].score", "10", "12"),
    ("weights-not-100", replace(CLEAN.with_indicator(4, weight="25", score="25"), total_score="94.5"),
     "total.weight", "100", "95"),
    ("unmet-target-full-score", CLEAN.with_indicator(0, actual="80"), "indicators[0].score", "16.00", "20"),
    ("score-formula-deviation", CLEAN.with_indicator(0, actual="80", score="18", note="受疫情影响少办一期"),
     "indicators[0].score", "16.00", "18"),
    ("score-below-formula", CLEAN.with_indicator(0, actual="80", score="12", note="受疫情影响少办一期"),
     "indicators[0].score", "16.00", "12"),
    ("missing-deviation-note", CLEAN.with_indicator(0, actual="80", score="16"), "indicators[0].note", "20", "16"),
    ("actual-missing", CLEAN.with_indicator(5, actual=""), "indicators[5].actual", None, "10"),
    ("unit-mismatch", CLEAN.with_indicator(3, actual="100%"), "indicators[3].actual", "元", "%"),
    ("satisfaction-unmeasured", CLEAN.with_indicator(5, actual="≥90%"), "indicators[5].actual", None, "≥90%"),
    ("vague-target", CLEAN.with_indicator(1, target="有效提高", actual="有效提高"), "indicators[1].target", None, "有效提高"),
    ("goals-copied", replace(CLEAN, achieved_goal=CLEAN.expected_goal), "goals.achieved", None, None),
    ("missing-total", replace(CLEAN, total_score=None), "total", "99.5", None),
    ("personal-data", replace(CLEAN, manager="张三", phone="13800138000"), "project.manager", None, "张三"),
    ("low-execution", replace(CLEAN, executed="500000.00", appropriation=("1000000.00", "1000000.00", "500000.00"),
                              rate="50.00", rate_score="5", total_score="95"), "funds.total.rate", "60", "50.00"),
    ("over-execution", replace(CLEAN, executed="1080000.00", appropriation=("1000000.00", "1000000.00", "1080000.00"),
                               rate="108.00", rate_score="10", total_score="100"), "funds.total.rate", "100", "108.00"),
    ("rate-undefined", replace(CLEAN, full_year="0.00", appropriation=("1000000.00", "0.00", "950000.00")),
     "funds.total.full_year", None, "0.00"),
    ("invalid-number", replace(CLEAN, executed="九十五万"), "funds.total.executed", "数字", "九十五万"),
    ("absurd-value", replace(CLEAN, initial="-1000000.00", appropriation=("-1000000.00", "1000000.00", "950000.00")),
     "funds.total.initial", ">=0", "-1000000.00元"),
    ("missing-header-field", replace(CLEAN, name=""), "project.name", None, None),
]


@pytest.mark.parametrize("code,form,field,expected,found", TRIGGERS, ids=[t[0] for t in TRIGGERS])
def test_check_triggers(code: str, form: Form, field: str, expected: str | None, found: str | None) -> None:
    hits = findings(form, code)
    assert hits, f"{code} did not fire"
    hit = next((f for f in hits if f.field == field), hits[0])
    assert hit.field == field
    assert hit.severity == CHECKS[code].severity
    if expected is not None:
        assert hit.expected == expected
    if found is not None:
        assert hit.found == found
    assert (form.name or "第1张表") in hit.message


@pytest.mark.parametrize("code", sorted({t[0] for t in TRIGGERS}))
def test_check_silent_on_clean_form(code: str) -> None:
    assert findings(CLEAN, code) == []


def test_level1_weight_mismatch() -> None:
    form = CLEAN.with_indicator(0, level1="产出(60分)")
    inds = list(form.indicators)
    inds[1:4] = [replace(i, level1="产出(60分)") for i in inds[1:4]]
    hits = findings(replace(form, indicators=tuple(inds)), "level1-weight-mismatch")
    assert [(h.field, h.expected, h.found) for h in hits] == [("level1_weights.产出", "60", "50")]
    assert findings(CLEAN, "level1-weight-mismatch") == []


def test_placeholder_rows_and_none_rows_with_weight() -> None:
    rows = CLEAN.indicators + (Ind("满意度(10分)", "其他满意度", "指标1：", "", "", "", ""),
                               Ind("满意度(10分)", "其他满意度", "……", "", "", "", ""))
    hits = findings(replace(CLEAN, indicators=rows), "placeholder-indicator")
    assert len(hits) == 1 and hits[0].field == "indicators" and "2行" in hits[0].found
    none_row = CLEAN.with_indicator(4, name="无", target="无", actual="无")
    assert [h.field for h in findings(none_row, "placeholder-indicator")] == ["indicators[4].weight"]
    assert findings(CLEAN, "placeholder-indicator") == []


# ---------------------------------------------------------------- tolerance (rules.md §2)

def _rate_form(full_year: str, executed: str, rate: str, score: str) -> Form:
    total = str(float(score) + 90)  # the sum is only for the form's own 总分; its digits are exact here
    return replace(CLEAN, initial=full_year, full_year=full_year, executed=executed, rate=rate, rate_score=score,
                   appropriation=(full_year, full_year, executed), total_score=total)


@pytest.mark.parametrize("full_year,executed,rate,score", [
    ("3190000.00", "3172311.15", "99.4500", "9.95"),   # padded zeros, double rounding (seed 003)
    ("108000.00", "64531.00", "59.7", "5.98"),          # truncated rate (seed 001)
    ("1091200.00", "927026.50", "85", "8.50"),          # rate printed as a whole number
    ("7", "3.30", "47.14%", "4"),                        # score cut to a whole point
])
def test_printed_precision_is_tolerated(full_year: str, executed: str, rate: str, score: str) -> None:
    codes = {f.code for f in findings(_rate_form(full_year, executed, rate, score))}
    assert not codes & {"rate-mismatch", "rate-score-mismatch"}


def test_wrong_rate_beyond_precision_is_reported() -> None:
    hits = findings(_rate_form("55.92", "52.48", "100%", "10"))
    assert {("rate-mismatch", "93.85"), ("rate-score-mismatch", "9.38")} <= {(f.code, f.expected) for f in hits}


def test_cost_indicator_with_bare_target_is_a_ceiling() -> None:
    form = CLEAN.with_indicator(3, target="62万", actual="46.86万")
    assert findings(form, "unmet-target-full-score") == []
    assert findings(CLEAN.with_indicator(3, target="62万", actual="70万"), "unmet-target-full-score")


def test_department_list_checks() -> None:
    rows = ["序号\t项目名称\t金额（万元）\t备注", "1\t干部培训\t95\t", "2\t宣传经费\t10\t", "\t合计\t100\t",
            "某区人力资源局部门绩效自评项目清单"]
    form = replace(CLEAN, unit_label="项目资金(万元)", initial="100", full_year="100", executed="95", rate="95",
                   rate_score="9.5", appropriation=("100", "100", "95"))
    text = "\n".join(rows) + "\n" + form.text()
    lists = check(text).list_findings
    assert len(lists) == 1
    dl, found = lists[0]
    assert dl.title == "某区人力资源局部门绩效自评项目清单" and dl.department == "某区人力资源局"
    codes = {(f.code, f.found) for f in found}
    assert ("list-total-mismatch", "100") in codes          # 95 + 10 = 105
    assert ("list-form-missing", "宣传经费") in codes
    assert not any(c == "list-amount-mismatch" for c, _ in codes)  # 95 万元 is the form's 全年执行数


def test_missing_total_says_whether_the_row_is_there() -> None:
    [no_row] = [f for f in findings(replace(CLEAN, total_score=None)) if f.code == "missing-total"]
    [unscored] = [f for f in findings(replace(CLEAN, total_score="", total_weight="")) if f.code == "missing-total"]
    assert "没有总分行" in no_row.message and "总分行未填得分" in unscored.message
    assert unscored.expected == no_row.expected == "99.5"
