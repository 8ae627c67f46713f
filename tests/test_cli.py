"""The command line as one tool (issue 14): one output path, one option set, Chinese, exit codes.

The commands run as the installed executable, as a user runs them, with the terminal width a pipe
gets (COLUMNS=80); goldens come from the seed documents and from the JSON the same run prints.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rich.cells import cell_len

from jixiao import __version__
from jixiao.exitcodes import Exit

from .conftest import EXAMPLES, SEEDS, jixiao_cmd

FORMS = Path(__file__).parent / "fixtures" / "forms"


def _jx(*args: str, columns: int = 80, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*jixiao_cmd(), *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": str(columns), **env})


def _raw(*args: str) -> bytes:
    return subprocess.run([*jixiao_cmd(), *args], capture_output=True, timeout=300,
                          env={**os.environ, "COLUMNS": "80"}).stdout


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = tmp_path_factory.mktemp("store") / "jixiao.db"
    proc = _jx("import", str(EXAMPLES), "--db", str(db), "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    return str(db)


# ------------------------------------------------------------------ one output path

ROW_COMMANDS = [("parse", str(SEEDS[0])), ("check", str(SEEDS[0])), ("checks",), ("templates",), ("policies",)]


@pytest.mark.parametrize("cmd", ROW_COMMANDS, ids=lambda c: c[0])
def test_every_row_command_takes_every_format(cmd: tuple[str, ...], tmp_path: Path) -> None:
    as_json = _jx(*cmd, "--json")
    assert as_json.returncode in (0, 1), as_json.stderr
    assert json.loads(as_json.stdout) == json.loads(_jx(*cmd, "--format", "json").stdout)
    raw = _raw(*cmd, "--format", "csv")
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) >= 2
    xlsx = tmp_path / "out.xlsx"
    proc = _jx(*cmd, "--format", "xlsx", "-o", str(xlsx))
    assert proc.returncode in (0, 1), proc.stderr
    ws = load_workbook(xlsx).worksheets[0]
    header = rows[1] if len(rows[0]) == 1 else rows[0]  # several sections: each block starts with its title
    assert [c.value for c in ws[1]][:2] == header[:2]
    assert _jx(*cmd, "--format", "yaml").returncode == Exit.USAGE


def test_summary_and_findings_take_the_json_alias_and_csv_with_bom(seed_db: str, tmp_path: Path) -> None:
    for cmd in ("summary", "findings"):
        assert json.loads(_jx(cmd, "--db", seed_db, "--json").stdout) == \
            json.loads(_jx(cmd, "--db", seed_db, "--format", "json").stdout)
        target = tmp_path / f"{cmd}.csv"
        assert _jx(cmd, "--db", seed_db, "--format", "csv", "-o", str(target)).returncode == 0
        assert target.read_bytes().startswith(b"\xef\xbb\xbf")
        assert target.read_bytes() == _raw(cmd, "--db", seed_db, "-f", "csv")


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?", text))


def test_tables_at_80_columns_never_cut_a_number() -> None:
    """The first seed's 全年预算数 (1300000 …) and every other printed amount appear whole at 80 columns."""
    data = json.loads(_jx("parse", str(SEEDS[0]), "--json").stdout)
    table = _jx("parse", str(SEEDS[0])).stdout
    assert "…" not in table
    assert all(cell_len(line) <= 80 for line in table.splitlines())
    shown = _numbers(table)
    for form in data:
        for field in ("full_year", "executed"):
            assert form["funds"]["total"][field].removesuffix(".00") in {n.removesuffix(".00") for n in shown}


def test_check_at_80_columns_keeps_each_value_on_one_line() -> None:
    data = json.loads(_jx("check", str(SEEDS[1]), "--json").stdout)
    table = _jx("check", str(SEEDS[1])).stdout
    # The findings below the table are prose lines the terminal wraps; the table itself fits.
    rows = [line for line in table.splitlines() if not line.startswith("  ") and not re.match(r"^\d+\. ", line)]
    assert all(cell_len(line) <= 80 for line in rows)
    shown = _numbers(table)
    for obj in data:
        if obj["schema"] == "jixiao/check@1" and obj["recomputed"].get("total"):
            assert f"{float(obj['recomputed']['total']):.2f}" in shown


def test_summary_money_prints_at_two_places_and_json_keeps_it_exact(seed_db: str) -> None:
    table = _jx("summary", "--db", seed_db, "--section", "groups").stdout
    assert "1067.28" in table and "1067.280267" not in table
    assert all(cell_len(line) <= 80 for line in table.splitlines())
    data = json.loads(_jx("summary", "--db", seed_db, "--json").stdout)
    executed = {g["name"]: g["executed"] for g in data["groups"]}
    assert executed["深圳市罗湖区委（政府）办本级"] == "1067.280267"


def test_department_names_are_not_folded_onto_many_lines(seed_db: str) -> None:
    table = _jx("summary", "--db", seed_db, "--section", "groups").stdout
    lines = table.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("北京市通州区"))
    assert not lines[start + 2].startswith("会")  # was 北京市通州区人民/代表大会常务委员/会 on three or more lines


def test_xlsx_on_a_pipe_is_written_to_it(seed_db: str, tmp_path: Path) -> None:
    (tmp_path / "s.xlsx").write_bytes(_raw("summary", "--db", seed_db, "-f", "xlsx"))
    assert load_workbook(tmp_path / "s.xlsx").worksheets[0].cell(1, 1).value == "主管部门"


# ------------------------------------------------------------------ one option set


def test_severity_means_this_level_or_worse_in_findings(seed_db: str) -> None:
    every = json.loads(_jx("findings", "--db", seed_db, "--json").stdout)
    warned = json.loads(_jx("findings", "--db", seed_db, "--severity", "warning", "--json").stdout)
    assert {f["severity"] for f in warned} == {"error", "warning"}
    assert len(warned) == sum(f["severity"] != "info" for f in every)


def test_only_and_skip_take_check_codes_everywhere(seed_db: str) -> None:
    checked = json.loads(_jx("check", str(EXAMPLES), "--only", "rate-mismatch", "--json").stdout)
    codes = {f["code"] for o in checked for f in o.get("findings", [])}
    assert codes == {"rate-mismatch"}
    skipped = json.loads(_jx("check", str(EXAMPLES), "--skip", "rate-mismatch,low-execution", "--json").stdout)
    codes = {f["code"] for o in skipped for f in o.get("findings", [])}
    assert codes and not codes & {"rate-mismatch", "low-execution"}
    stored = json.loads(_jx("findings", "--db", seed_db, "--only", "low-execution", "--json").stdout)
    assert stored and {f["code"] for f in stored} == {"low-execution"}
    summary = json.loads(_jx("summary", "--db", seed_db, "--skip", "low-execution", "--json").stdout)
    assert "low-execution" not in {c["code"] for c in summary["codes"]}
    bad = _jx("check", str(SEEDS[0]), "--only", "rate-mismach")
    assert bad.returncode == Exit.USAGE and "rate-mismatch" in bad.stderr


def test_version_and_completion() -> None:
    proc = _jx("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"jixiao {__version__}"
    # Typer finds the shell among the command's ancestors, as from a user's terminal: run it from bash
    # (bash stays the parent), not straight from a test runner that may have no shell above it.
    script = subprocess.run(["bash", "-c", '"$@"; exit $?', "bash", *jixiao_cmd(), "--show-completion"],
                            capture_output=True, text=True, timeout=300, env={**os.environ, "_JIXIAO_COMPLETE": ""})
    assert script.returncode == 0, script.stderr
    assert "complete" in script.stdout and "jixiao" in script.stdout


@pytest.mark.parametrize("args, message", [
    (("check", str(SEEDS[0]), "--nope"), "没有选项 --nope"),
    (("parse",), "缺少参数 FILE..."),
    (("summary", "--year", "abc"), "--year 的值有误"),
    (("frob",), "没有命令“frob”"),
    (("check", str(SEEDS[0]), "--severity", "fatal"), "--severity 只能是"),
    (("check", str(SEEDS[0]), "--policy", "natinal"), "是不是 national"),
])
def test_usage_errors_exit_64_in_chinese(args: tuple[str, ...], message: str) -> None:
    proc = _jx(*args)
    assert proc.returncode == Exit.USAGE == 64, proc.stderr
    assert message in proc.stderr and "Error" not in proc.stderr and "Traceback" not in proc.stderr


def test_help_is_chinese() -> None:
    for args in ((), ("check",), ("summary",), ("report",)):
        text = _jx(*args, "--help", columns=160).stdout
        assert "用法：" in text and "选项" in text and "显示本帮助并退出" in text
        assert "Show this message" not in text and "Usage:" not in text and "Options" not in text
        # The type column names what a value is in Chinese; a flag shows none.
        assert not re.search(r"<(?:str|int|bool|path|list\[)", text), text
    report = _jx("report", "--help", columns=160).stdout
    assert re.search(r"--out\s+-o\s+路径", report) and re.search(r"--year\s+整数", report)
    assert re.search(r"\[FILE\]\.\.\.\s+文本…", report)


def test_readme_lists_every_exit_code_from_the_enum() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for code in Exit:
        assert f"| {int(code)} | `{code.name}` | {code.zh} |" in readme


def test_findings_name_their_places_in_chinese() -> None:
    text = _jx("check", str(SEEDS[0]), columns=200).stdout
    assert "（第78行第8列）" in text and "line 78" not in text
    sheet = _jx("check", str(FORMS / "000.xlsx"), columns=200).stdout
    assert re.search(r"（工作表“[^”]+”[A-Z]+\d+）", sheet) and "sheet " not in sheet and "cell " not in sheet


def test_database_errors_are_chinese(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    proc = _jx("summary", "--db", str(junk))
    assert proc.returncode == Exit.DATABASE and "数据库" in proc.stderr and "Traceback" not in proc.stderr


# ------------------------------------------------------------------ reading commands and filters


@pytest.mark.parametrize("args", [("summary",), ("findings",), ("report", "-o", "r.html"), ("export", "-o", "out")],
                         ids=lambda a: a[0])
def test_reading_commands_never_create_a_database(args: tuple[str, ...], tmp_path: Path) -> None:
    missing = tmp_path / "mistyped.db"
    proc = subprocess.run([*jixiao_cmd(), *args, "--db", str(missing)], capture_output=True, text=True, cwd=tmp_path,
                          timeout=300)
    assert proc.returncode == Exit.DATABASE, proc.stderr
    assert "数据库不存在" in proc.stderr and str(missing) in proc.stderr
    assert not missing.exists()
    empty = tmp_path / "empty.db"
    empty.touch()
    proc = subprocess.run([*jixiao_cmd(), *args, "--db", str(empty)], capture_output=True, text=True, cwd=tmp_path,
                          timeout=300)
    assert proc.returncode == Exit.DATABASE and "不是 jixiao 的数据库" in proc.stderr
    assert empty.stat().st_size == 0


def test_the_default_database_is_not_created_by_reading(tmp_path: Path) -> None:
    proc = _jx("summary", XDG_DATA_HOME=str(tmp_path), JIXIAO_DB="")
    assert proc.returncode == Exit.DATABASE and not (tmp_path / "jixiao").exists()


def test_department_matches_by_part_of_the_name(seed_db: str) -> None:
    data = json.loads(_jx("summary", "--db", seed_db, "--department", "相山区", "--json").stdout)
    assert [g["name"] for g in data["groups"]] == ["相山区人大办公室"] and data["total"]["projects"] == 6
    assert [dl["department"] for dl in data["lists"]] == ["相山区人大办公室"]
    found = json.loads(_jx("findings", "--db", seed_db, "--department", "罗湖区委", "--json").stdout)
    assert found and {f["department"].replace("(", "（").replace(")", "）").replace(" ", "") for f in found} == \
        {"深圳市罗湖区委（政府）办本级"}


def test_a_filter_that_matches_nothing_says_so_and_suggests(seed_db: str) -> None:
    proc = _jx("summary", "--db", seed_db, "--department", "通州人大")
    assert proc.returncode == 0 and proc.stdout == ""
    assert "没有主管部门含“通州人大”的自评表" in proc.stderr and "北京市通州区人民代表大会常务委员会" in proc.stderr
    proc = _jx("findings", "--db", seed_db, "--department", "教育局")
    assert "已有的主管部门" in proc.stderr and "相山区人大办公室" in proc.stderr


def test_summary_of_a_year_shows_only_that_year(seed_db: str) -> None:
    proc = _jx("summary", "--db", seed_db, "--year", "2030")
    assert proc.stdout == "" and "没有 2030 年度的自评表" in proc.stderr and "2022、2023、2024" in proc.stderr
    data = json.loads(_jx("summary", "--db", seed_db, "--year", "2022", "--json").stdout)
    assert data["lists"] == []  # the one department list was filed with the 2023 forms
    data = json.loads(_jx("summary", "--db", seed_db, "--year", "2023", "--json").stdout)
    assert [dl["total"] for dl in data["lists"]] == ["138.83"]


# ------------------------------------------------------------------ one form, and filters by grade, unit, status


def test_show_draws_a_file_form_with_its_findings_on_their_cells() -> None:
    """Seed 000's third form (人大代表站点建设) scores 10 of 10 for 3 of 4 social workers: the mark sits on that score."""
    text = _jx("show", f"{SEEDS[0]}:3", columns=120).stdout
    assert "人大代表站点建设" in text and "项目资金（元）" in text and "年度绩效指标" in text
    line = next(line for line in text.splitlines() if "人大代表之家" in line)
    assert "10 ①" in line
    assert "① 错误 unmet-target-full-score" in text and "（第78行第8列）" in text
    data = json.loads(_jx("show", f"{SEEDS[0]}:3", "--json").stdout)
    assert data["evaluation"]["project"]["name"] == "人大代表站点建设"
    assert [f["code"] for f in data["findings"]] == ["unmet-target-full-score"]
    assert _jx("show", f"{SEEDS[0]}:9").returncode == Exit.USAGE


def test_every_stored_finding_carries_its_form_id_and_show_opens_it(seed_db: str) -> None:
    found = json.loads(_jx("findings", "--db", seed_db, "--only", "rate-mismatch", "--json").stdout)
    assert [(f["project"], type(f["form_id"])) for f in found] == [("区人大代表履职经费", int)]
    text = _jx("show", str(found[0]["form_id"]), "--db", seed_db, columns=120).stdout
    assert f"表号 {found[0]['form_id']}" in text and "区人大代表履职经费" in text
    funds = next(line for line in text.splitlines() if line.startswith("│ 年度资金总额"))
    assert "①" in funds  # the printed 执行率 100 that should read 93.85
    assert f"#{found[0]['form_id']}" in _jx("findings", "--db", seed_db, "--only", "rate-mismatch", columns=200).stdout
    assert _jx("show", "999999", "--db", seed_db).returncode == Exit.USAGE


def test_findings_and_summary_filter_by_grade_unit_and_status(seed_db: str) -> None:
    every = json.loads(_jx("summary", "--db", seed_db, "--json").stdout)
    good = json.loads(_jx("summary", "--db", seed_db, "--grade", "良", "--json").stdout)
    assert good["total"]["projects"] == every["total"]["grades"]["良"] == 1
    erring = json.loads(_jx("summary", "--db", seed_db, "--status", "error", "--json").stdout)
    assert erring["total"]["projects"] == erring["total"]["with_errors"] == every["total"]["with_errors"] > 0
    clean = json.loads(_jx("findings", "--db", seed_db, "--status", "clean", "--json").stdout)
    assert all(f["severity"] == "info" for f in clean)
    unit = json.loads(_jx("findings", "--db", seed_db, "--unit", "政务公开中心", "--json").stdout)
    assert unit and {f["project"] for f in unit} <= {"政务公开业务", "罗湖区政府门户网站改版升级建设项目", "信息公开业务"}
    assert _jx("summary", "--db", seed_db, "--grade", "A").returncode == Exit.USAGE
    none = _jx("findings", "--db", seed_db, "--unit", "教育局")
    assert "没有实施单位含“教育局”的自评表" in none.stderr and "深圳市罗湖区政务公开中心" in none.stderr


# ------------------------------------------------------------------ batches: zip archives, unreadable files


def test_zip_archives_are_read_member_by_member(tmp_path: Path) -> None:
    """An archive as units submit it: folders, an xlsx and text seeds, a macOS fork; each member is a file."""
    import zipfile

    archive = tmp_path / "2022年度自评表.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(SEEDS[0], f"甲单位/{SEEDS[0].name}")
        zf.write(SEEDS[3], f"乙单位/{SEEDS[3].name}")
        zf.write(FORMS / "000.xlsx", "乙单位/000.xlsx")
        zf.writestr("__MACOSX/._000.xlsx", b"junk")
        zf.writestr("说明.md", "不是自评表")
    objs = json.loads(_jx("parse", str(archive), "--json").stdout)
    files = {o["source"]["file"] for o in objs}
    assert files == {f"{archive}!/甲单位/{SEEDS[0].name}", f"{archive}!/乙单位/{SEEDS[3].name}", f"{archive}!/乙单位/000.xlsx"}
    direct = json.loads(_jx("parse", str(SEEDS[0]), str(SEEDS[3]), str(FORMS / "000.xlsx"), "--json").stdout)
    assert [o["project"] for o in objs] == [o["project"] for o in direct]
    assert [o["funds"] for o in objs] == [o["funds"] for o in direct]
    # A folder holding the archive expands it too.
    assert len(json.loads(_jx("parse", str(tmp_path), "--json").stdout)) == len(objs)


def test_a_zip_bomb_and_a_broken_zip_are_one_line_each(tmp_path: Path) -> None:
    import zipfile

    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.txt", b"0" * (300 * 1024 * 1024))
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    proc = _jx("check", str(bomb), str(broken), str(SEEDS[0]), "--json")
    assert proc.returncode == Exit.UNREADABLE and "Traceback" not in proc.stderr
    objs = json.loads(proc.stdout)
    failed = {o["file"]: o for o in objs if o["schema"] == "jixiao/file-failure@1"}
    assert set(failed) == {str(bomb), str(broken)}
    assert "压缩炸弹" in failed[str(bomb)]["message"] and "损坏" in failed[str(broken)]["message"]
    assert any(o["schema"] == "jixiao/check@1" for o in objs)


def test_unreadable_files_are_objects_in_check_json(tmp_path: Path) -> None:
    empty = tmp_path / "空.txt"
    empty.write_text("", encoding="utf-8")
    objs = json.loads(_jx("check", str(empty), str(SEEDS[0]), "--json").stdout)
    failure = next(o for o in objs if o["schema"] == "jixiao/file-failure@1")
    assert failure["file"] == str(empty) and failure["code"] and "文件为空" in failure["message"]


def test_skipped_duplicates_can_be_listed(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    assert _jx("import", str(SEEDS[0]), "--db", str(db)).returncode == 0
    proc = _jx("import", str(SEEDS[0]), str(SEEDS[1]), "--db", str(db), "--list-skipped")
    assert proc.returncode == 0 and "跳过 1 个" in proc.stderr
    assert proc.stdout.split("\n")[0].startswith(str(SEEDS[0]))


# ------------------------------------------------------------------ publishing


def test_publish_writes_the_result_list_forms_without_personal_data_and_charts(tmp_path: Path) -> None:
    """Seed 002 (北京市通州区人大常委会, 2024): its fifth form names a 项目负责人 and a 联系电话."""
    seed = SEEDS[2]
    direct = json.loads(_jx("parse", str(seed), "--json").stdout)
    assert direct[4]["project"]["manager"] and direct[4]["project"]["phone"]
    out = tmp_path / "公开"
    proc = _jx("publish", str(seed), "-o", str(out), "--list-format", "csv", "--list-format", "xlsx",
               "--list-format", "docx", "--forms-format", "json")
    assert proc.returncode == 0, proc.stderr
    (listing,) = out.glob("*_项目支出绩效自评结果.csv")
    rows = list(csv.reader(io.StringIO(listing.read_bytes().decode("utf-8-sig"), newline="")))
    assert rows[0] == ["序号", "项目名称", "实施单位", "全年预算数（万元）", "全年执行数（万元）", "执行率（%）", "自评得分",
                       "等级"]
    assert [r[1] for r in rows[1:]] == [o["project"]["name"] for o in direct]
    for row, form in zip(rows[1:], direct):
        full_year = Decimal(form["funds"]["total"]["full_year"])
        expected = full_year / 10000 if form["money_unit"] == "元" else full_year
        assert Decimal(row[3]) == expected.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    ws = load_workbook(next(out.glob("*_项目支出绩效自评结果.xlsx"))).worksheets[0]
    assert ws.cell(2, 2).value == direct[0]["project"]["name"]
    from docx import Document

    doc = Document(str(next(out.glob("*_项目支出绩效自评结果.docx"))))
    assert doc.tables[0].rows[1].cells[1].text == direct[0]["project"]["name"]
    forms = sorted(out.glob("*_自评表/*.json"))
    assert len(forms) == len(direct)
    published = [json.loads(p.read_text(encoding="utf-8")) for p in forms]
    assert all(f["project"]["manager"] is None and f["project"]["phone"] is None for f in published)
    assert [f["funds"] for f in published] == [f["funds"] for f in direct]
    assert next(out.glob("*.png")).read_bytes().startswith(b"\x89PNG")
    assert b"<svg" in next(out.glob("*.svg")).read_bytes()


# ------------------------------------------------------------------ templates and fill


def test_template_as_docx_and_the_completion_dropdown(tmp_path: Path) -> None:
    from docx import Document

    xlsx, word = tmp_path / "t.xlsx", tmp_path / "t.docx"
    assert _jx("template", "-o", str(xlsx)).returncode == 0 and _jx("template", "-o", str(word)).returncode == 0
    ws = load_workbook(xlsx).worksheets[0]
    actual = next(c.column_letter for c in ws[13] if c.value == "实际完成值")
    lists = [dv for dv in ws.data_validations.dataValidation if dv.formula1 == '"达成,部分达成,未达成"']
    assert lists and f"{actual}14" in str(lists[0].sqref) and not lists[0].showErrorMessage  # a number may still be typed
    doc = Document(str(word))
    texts = {c.text for row in doc.tables[0].rows for c in row.cells}
    assert {"项目支出绩效自评表"} <= {p.text for p in doc.paragraphs} | texts and "实际完成值" in texts
    assert _jx("template", "-o", str(tmp_path / "t.odt")).returncode == Exit.USAGE


def test_fill_writes_the_computed_cells_into_a_form_filled_by_a_script(tmp_path: Path) -> None:
    """A script fills the template with openpyxl (which leaves every formula without a value); fill computes them."""
    blank = tmp_path / "blank.xlsx"
    assert _jx("template", "-o", str(blank), "--year", "2024").returncode == 0
    wb = load_workbook(blank)
    ws = wb.worksheets[0]
    ws["B3"], ws["D7"], ws["E7"], ws["C7"] = "办公设备购置", 200, 190, 200
    rows = [("购置台数", "10台", "10台", 30, 30), ("验收合格率", "100%", "100%", 20, 20), ("按时完成", "按期", "达成", 20, 20),
            ("使用人员满意度", "≥90%", "95%", 20, 18)]
    for r, (name, target, actual, weight, score) in enumerate(rows, start=14):
        ws[f"D{r}"], ws[f"E{r}"], ws[f"F{r}"], ws[f"G{r}"], ws[f"H{r}"] = name, target, actual, weight, score
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    assert load_workbook(filled, data_only=True).worksheets[0]["G7"].value is None  # nothing computed yet
    proc = _jx("fill", str(filled))
    assert proc.returncode == 0, proc.stderr
    done = load_workbook(tmp_path / "filled_已计算.xlsx", data_only=True).worksheets[0]
    assert done["G7"].value == 95 and done["H7"].value == 9.5  # 190 / 200, and 95 % of the 10 points
    total_row = next(r for r in range(1, done.max_row + 1) if done.cell(r, 1).value == "总分")
    scores = [v for v in (done.cell(total_row, c).value for c in range(2, 10)) if isinstance(v, (int, float))]
    assert 97.5 in scores  # 9.5 + 30 + 20 + 20 + 18
    formulas = load_workbook(tmp_path / "filled_已计算.xlsx").worksheets[0]
    assert str(formulas["G7"].value).startswith("=")
