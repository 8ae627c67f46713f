"""The real seed forms: parsed values frozen in golden files, and the review findings the
design names for them (issue: core done-when)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from jixiao.export.json import department_list_json, evaluation_json
from jixiao.ingest.recognize import read_bytes, read_path
from jixiao.pipeline import check_document

from .conftest import EXAMPLES, GOLDEN, SEEDS, additions_agree, jixiao_cmd

ARITHMETIC = {"rate-mismatch", "rate-score-mismatch", "total-mismatch", "funds-breakdown-mismatch"}


def _parse_objects(path: Path) -> list[dict]:
    doc = read_path(path)
    objs = [department_list_json(dl) for dl in doc.lists] + [evaluation_json(ev) for ev in doc.evaluations]
    for o in objs:
        o["source"]["file"] = path.name
    return objs


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_parse_matches_golden(seed: Path) -> None:
    golden = json.loads((GOLDEN / f"{seed.stem}.parse.json").read_text(encoding="utf-8"))
    assert [additions_agree(o) if o["schema"] == "jixiao/evaluation@1" else o for o in _parse_objects(seed)] == golden


def test_cli_parse_all_seeds_gives_37_forms_and_the_department_list() -> None:
    proc = subprocess.run([*jixiao_cmd(), "parse", *map(str, SEEDS), "--json"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    objs = json.loads(proc.stdout)
    forms = [o for o in objs if o["schema"] == "jixiao/evaluation@1"]
    lists = [o for o in objs if o["schema"] == "jixiao/department-list@1"]
    assert len(forms) == 37
    assert len(lists) == 1 and lists[0]["total"]["amount"] == "138.83"
    assert lists[0]["department"] == "相山区人大办公室"
    assert [i["name"] for i in lists[0]["items"]] == [
        "人大会议经费", "代表工作经费", "招商引资工作经费", "乡村振兴下派干部补贴", "区人大代表履职经费", "工作经费"]


@pytest.fixture(scope="module")
def checked() -> dict[tuple[str, str], list]:
    out = {}
    for seed in SEEDS:
        for r in check_document(read_path(seed)).results:
            out[(seed.name[:3], r.ev.project.name)] = r.findings
    return out


def _codes(findings: list, severity: str | None = None) -> set[str]:
    return {f.code for f in findings if severity is None or f.severity == severity}


def test_seed_004_inflated_rate_scores(checked) -> None:
    for name in ("代表工作经费", "区人大代表履职经费", "工作经费"):
        assert "rate-score-mismatch" in _codes(checked[("004", name)]), name
    rate = [f for f in checked[("004", "区人大代表履职经费")] if f.code == "rate-mismatch"]
    assert len(rate) == 1 and rate[0].found == "100" and rate[0].expected == "93.85"
    score = [f for f in checked[("004", "代表工作经费")] if f.code == "rate-score-mismatch"][0]
    assert (score.expected, score.found, score.field) == ("6.28", "10", "funds.total.score")
    assert "代表工作经费" in score.message and "62.75" in score.message


def test_seed_002_funds_breakdown_and_its_total_stays(checked) -> None:
    name = "2024年度人大代表联络处及代表活动经费"
    f = [f for f in checked[("002", name)] if f.code == "funds-breakdown-mismatch"]
    assert len(f) == 1 and (f[0].field, f[0].expected, f[0].found) == ("funds.total.executed", "0.55", "1.39")
    assert "total-mismatch" not in _codes(checked[("002", name)])


def test_seed_002_form_without_total_names_the_stray_total(checked) -> None:
    f = [f for f in checked[("002", "常委会会议、主任会议及其他")] if f.code == "missing-total"]
    assert len(f) == 1
    assert f[0].expected == "97.12"
    assert "总分 100 97.122" in f[0].message and "第1006行" in f[0].message


def test_no_arithmetic_error_on_other_seed_forms(checked) -> None:
    expected = {
        ("004", "代表工作经费"): {"rate-score-mismatch"},
        ("004", "区人大代表履职经费"): {"rate-mismatch", "rate-score-mismatch"},
        ("004", "工作经费"): {"rate-score-mismatch"},
        ("002", "2024年度人大代表联络处及代表活动经费"): {"funds-breakdown-mismatch"},
    }
    assert len(checked) == 37
    for key, findings in checked.items():
        assert _codes(findings) & ARITHMETIC == expected.get(key, set()), key


def test_service_hall_double_rounding_is_not_an_error(checked) -> None:
    # 3172311.15 / 3190000 = 99.4455 %, printed 99.4500 and 9.95 (from the rounded rate).
    assert not _codes(checked[("003", "服务大厅管理事务")], "error")


def test_check_cli_exit_code_and_json_contract() -> None:
    proc = subprocess.run([*jixiao_cmd(), "check", str(EXAMPLES), "--json"], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr  # the seeds hold real errors
    objs = json.loads(proc.stdout)
    forms = [o for o in objs if o["schema"] == "jixiao/check@1"]
    assert len(forms) == 37
    for o in forms:
        assert set(o) >= {"source", "project", "findings", "recomputed"}
        assert set(o["recomputed"]) >= {"rate", "rate_score", "total"}
        for f in o["findings"]:
            assert set(f) >= {"code", "severity", "field", "message", "expected", "found"}
            assert f["severity"] in ("error", "warning", "info")


def test_clean_form_exits_zero(tmp_path: Path) -> None:
    seed = EXAMPLES / "003_8021731dbfbbf2c1.txt"
    proc = subprocess.run([*jixiao_cmd(), "check", str(seed)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "服务大厅管理事务" in proc.stdout


def test_department_list_ends_where_the_numbering_stops() -> None:
    """Rows after a list that do not go on with its 序号 (another table, a heading) are not list items."""
    seed = SEEDS[4].read_text(encoding="utf-8")
    head, sep, rest = seed.partition("\t合计")
    assert sep, "seed 004's department list has a 合计 row"
    # The same list without its 合计 row, followed by a findings table as a review report prints it.
    text = head.rsplit("\n\n", 1)[0] + "\n\n\t级别\n\t代码\n\t说明\n\n\t错误\n\trate-mismatch\n\t执行率印为100%\n\n"
    doc = read_bytes(text.encode("utf-8"), "list.txt")
    [dl] = doc.lists
    assert [i.name for i in dl.items] == ["人大会议经费", "代表工作经费", "招商引资工作经费", "乡村振兴下派干部补贴",
                                          "区人大代表履职经费", "工作经费"]
