"""Issue 11 item 5: local rules as data. Each strategy of a policy with hand-computed examples, and how a
policy is chosen (template, config file by department and year, --policy) and recorded in the store."""

from __future__ import annotations

import os
import subprocess
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from jixiao.checks import run_checks
from jixiao.ingest.recognize import read_bytes
from jixiao.pipeline import policy_of
from jixiao.scoring import get_policy, recompute
from jixiao.scoring.choice import CONFIG_ENV
from jixiao.store.db import open_store
from jixiao.store.schema import EvaluationRow

from .conftest import jixiao_cmd
from .forms import Form

CLEAN = Form()  # 执行率 95 % → 9.5; indicators 20+10+10+10+30+10, all full: 总分 99.5
NATIONAL = get_policy("national")
PLATFORM = get_policy("platform")
HUBEI = get_policy("hubei")


def _result(form: Form | str, policy):
    text = form if isinstance(form, str) else form.text()
    ev = read_bytes(text.encode("utf-8"), "test.txt").evaluations[0]
    return run_checks(ev, policy)


def _hits(form: Form, policy, code: str) -> list:
    return [f for f in _result(form, policy).findings if f.code == code]


@pytest.mark.parametrize("actual,ratio,linear", [
    ("625元", "8.00", "7.50"),   # 500/625×10 = 8; (1 − 125/500)×10 = 7.5
    ("750元", "6.67", "5.00"),   # 500/750×10 = 6.666…; (1 − 250/500)×10 = 5
    ("1100元", "4.55", "0.00"),  # 500/1100×10 = 4.545…; past twice the target: 0
])
def test_reverse_formula_ratio_or_linear(actual: str, ratio: str, linear: str) -> None:
    form = CLEAN.with_indicator(3, actual=actual)  # 成本 ≤500元, full 10 kept
    [r] = _hits(form, NATIONAL, "unmet-target-full-score")
    [lin] = _hits(form, PLATFORM, "unmet-target-full-score")
    assert (r.expected, lin.expected) == (ratio, linear)
    assert lin.to_json()["rule"]["policy"] == "platform"


def test_equal_to_zero_is_all_or_nothing() -> None:
    one = CLEAN.with_indicator(1, name="安全事故次数", target="=0次", actual="1次")  # 质量, weight 10, full kept
    [hit] = _hits(one, NATIONAL, "unmet-target-full-score")
    assert hit.expected == "0.00"
    zero = CLEAN.with_indicator(1, name="安全事故次数", target="=0次", actual="0次")
    assert not [f for f in _result(zero, NATIONAL).findings if f.severity in ("error", "warning")]


@pytest.mark.parametrize("actual,score,policy,expected", [
    ("部分完成", "30", NATIONAL, "18–24分（分值的60%–80%）"),   # 100 % given for a partial result
    ("部分完成", "30", HUBEI, "15–24分（分值的50%–80%）"),
    ("未完成", "20", NATIONAL, "0–18分（分值的0%–60%）"),        # 66.7 % for a result not reached
    ("基本完成", "21", NATIONAL, None),                          # 70 %: inside 部分达成
    ("已完成", "30", NATIONAL, None),
    ("已完成", "21", NATIONAL, "24–30分（分值的80%–100%）"),
])
def test_qualitative_bands_against_the_stated_completion(actual: str, score: str, policy, expected) -> None:
    form = replace(CLEAN.with_indicator(4, actual=actual, score=score, note="说明"),  # 效益 学员履职能力, weight 30
                   total_score=str(Decimal("69.5") + Decimal(score)))
    hits = _hits(form, policy, "qualitative-band-mismatch")
    assert [h.expected for h in hits] == ([expected] if expected else [])
    assert all(h.certainty == "likely" for h in hits)


@pytest.mark.parametrize("executed,rate,cap", [
    ("750000.00", "75.00", "89"),  # 70–80 % → at most 89
    ("650000.00", "65.00", "79"),
    ("550000.00", "55.00", "69"),
    ("450000.00", "45.00", "59"),
    ("850000.00", "85.00", None),
])
def test_total_capped_by_execution_rate(executed: str, rate: str, cap: str | None) -> None:
    score = Decimal(rate) / 10  # 执行率 × 10 / 100
    form = replace(CLEAN, executed=executed, appropriation=("1000000.00", "1000000.00", executed), rate=rate,
                   rate_score=str(score), total_score=str(score + 90))
    assert [h.expected for h in _hits(form, PLATFORM, "total-over-cap")] == ([cap] if cap else [])
    assert _hits(form, NATIONAL, "total-over-cap") == []


def test_overshoot_of_30_percent_loses_two_points() -> None:
    over = CLEAN.with_indicator(0, actual="130")  # ≥100人, 130 trained: 30 % above, 20 − 2 = 18
    [hit] = _hits(over, PLATFORM, "score-formula-deviation")
    assert (hit.expected, hit.found) == ("18.00", "20")
    assert _hits(CLEAN.with_indicator(0, actual="129"), PLATFORM, "score-formula-deviation") == []
    assert _hits(over, NATIONAL, "score-formula-deviation") == []


def test_rounding_to_whole_points() -> None:
    ev = read_bytes(CLEAN.text().encode("utf-8"), "t.txt").evaluations[0]
    assert recompute(ev, NATIONAL).rate_score == Decimal("9.50")
    assert recompute(ev, replace(NATIONAL, rounding=0)).rate_score == Decimal("10")  # 9.5 half up


def test_grade_thresholds() -> None:
    deployment = replace(NATIONAL, grade_bands=((Decimal(80), "优"), (Decimal(70), "良"), (Decimal(60), "中"),
                                                (Decimal(0), "差")))
    assert [NATIONAL.grade(Decimal(v)) for v in ("85", "75", "59.99")] == ["良", "中", "差"]
    assert [deployment.grade(Decimal(v)) for v in ("85", "75", "59.99")] == ["优", "良", "差"]


def test_not_applicable_indicator_rescaled_to_100() -> None:
    # 满意度 (10) 不适用: (9.5 + 80) × 100 / 90 = 99.444… printed 99.44.
    form = replace(CLEAN.with_indicator(5, target="不适用", actual="不适用", score=""), total_score="99.44")
    assert _hits(form, replace(NATIONAL, not_applicable="rescale"), "total-mismatch") == []
    assert [h.expected for h in _hits(form, NATIONAL, "total-mismatch")] == ["89.5"]


# ---------------------------------------------------------------- choosing and recording the policy


def _config(tmp_path: Path, body: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "jixiao-policies.toml"
    path.write_text(body, encoding="utf-8")
    monkeypatch.setenv(CONFIG_ENV, str(path))
    return path


def test_config_chooses_by_department_and_year(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _config(tmp_path, '[[policy]]\ndepartment = "深圳市某区人力资源局"\nyear = 2022\nuse = "hubei"\n', monkeypatch)
    ev = read_bytes(CLEAN.text().encode("utf-8"), "t.txt").evaluations[0]
    assert policy_of(ev).name == "hubei"
    assert policy_of(ev, "platform").name == "platform"  # --policy wins
    other_year = read_bytes(replace(CLEAN, year="2023").text().encode("utf-8"), "t.txt").evaluations[0]
    assert policy_of(other_year).name == "national"  # the template's


def test_stored_evaluation_records_the_chosen_policy(tmp_path: Path) -> None:
    # A fresh process, as a user runs it: the config is read where the forms are checked.
    config = tmp_path / "jixiao-policies.toml"
    config.write_text('[[policy]]\ndepartment = "深圳市某区人力资源局"\nuse = "hubei"\n', encoding="utf-8")
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "a.txt").write_text(CLEAN.text(), encoding="utf-8")
    db = tmp_path / "s.db"
    env = {**os.environ, CONFIG_ENV: str(config)}
    subprocess.run([*jixiao_cmd(), "import", str(tmp_path / "forms"), "--db", str(db)], env=env, check=True,
                   capture_output=True)
    engine = open_store(f"sqlite:///{db}")
    with engine.connect() as conn:
        assert conn.execute(select(EvaluationRow.policy)).scalars().all() == ["hubei"]
    engine.dispose()


def test_a_broken_config_is_one_clear_line(tmp_path: Path) -> None:
    config = tmp_path / "jixiao-policies.toml"
    config.write_text('[[policy]]\nuse = "atlantis"\n', encoding="utf-8")
    (tmp_path / "a.txt").write_text(CLEAN.text(), encoding="utf-8")
    proc = subprocess.run([*jixiao_cmd(), "check", str(tmp_path / "a.txt")], capture_output=True, text=True,
                          env={**os.environ, CONFIG_ENV: str(config)})
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "评分规则配置有误" in proc.stderr and "atlantis" in proc.stderr and "Traceback" not in proc.stderr
