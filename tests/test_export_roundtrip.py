"""parse(export(form)) == form for every seed form, through the xlsx and docx readers; and the
``template`` / ``export`` commands as a user runs them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from jixiao.exitcodes import Exit
from jixiao.export.docx import form_docx
from jixiao.export.json import evaluation_json
from jixiao.export.xlsx import form_xlsx
from jixiao.ingest.readers import detect
from jixiao.ingest.recognize import read_bytes, read_path

from .conftest import SEEDS, jixiao_cmd

# What describes the file rather than the form: where it was read from and how the file was laid out.
ABOUT_THE_FILE = ("source", "locators", "warnings", "notes", "parts_found")
WRITERS = {"xlsx": form_xlsx, "docx": form_docx}
DOCS = {seed: read_path(seed) for seed in SEEDS}
FORMS = [(seed, n) for seed, doc in DOCS.items() for n in range(len(doc.evaluations))]


def _reader_missing(fmt: str) -> bool:
    reader = detect(WRITERS[fmt](DOCS[SEEDS[0]].evaluations[0]))
    return reader is None or reader.name != fmt


def _what(warning: str) -> str:
    """A warning without its place ("第1段：" / "第9行：")."""
    return warning.split("：", 1)[-1]


def _form(ev) -> dict:
    return {k: v for k, v in evaluation_json(ev).items() if k not in ABOUT_THE_FILE}


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@pytest.mark.parametrize("seed,index", FORMS, ids=[f"{s.name[:3]}-{n + 1}" for s, n in FORMS])
def test_round_trip_gives_the_same_form(fmt: str, seed: Path, index: int) -> None:
    if _reader_missing(fmt):
        pytest.skip(f"没有注册 {fmt} 读取器（issue 4），无法回读导出的文件")
    ev = DOCS[seed].evaluations[index]
    doc = read_bytes(WRITERS[fmt](ev), f"{seed.stem}.{fmt}")
    assert len(doc.evaluations) == 1 and not doc.lists
    again = doc.evaluations[0]
    assert _form(again) == _form(ev)
    assert again.source.format == fmt
    # The file jixiao wrote reads cleanly: no warning but those the form itself deserves ("..0" before a title).
    assert not doc.warnings
    assert {_what(w) for w in again.warnings} <= {_what(w) for w in ev.warnings}, again.warnings


def test_every_seed_form_is_covered() -> None:
    assert len(FORMS) == 37


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*jixiao_cmd(), *args], capture_output=True, text=True)


def test_cli_template_and_export_write_one_file_per_form(tmp_path: Path) -> None:
    proc = _run("template", "-o", str(tmp_path / "form.xlsx"), "--year", "2024", "--policy", "hubei")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "form.xlsx").read_bytes()[:2] == b"PK"
    out = tmp_path / "out"
    for fmt in ("xlsx", "docx", "json"):
        proc = _run("export", str(SEEDS[0]), "--format", fmt, "-o", str(out))
        assert proc.returncode == 0, proc.stderr
        assert "共导出 3 张表" in proc.stdout
    names = sorted(p.name for p in out.iterdir())
    assert names[:3] == [f"000_eb8848fd7a2ae03f_01_人大宣传.{ext}" for ext in ("docx", "json", "xlsx")]
    assert len(names) == 9
    data = json.loads((out / "000_eb8848fd7a2ae03f_01_人大宣传.json").read_text(encoding="utf-8"))
    assert data["schema"] == "jixiao/evaluation@1" and data["total"]["score"] == "97.99"


def test_cli_export_reports_bad_input_and_keeps_going(tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_text("", encoding="utf-8")
    proc = _run("export", str(bad), str(SEEDS[3]), "--format", "xlsx", "-o", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert "empty.txt" in proc.stderr and "Traceback" not in proc.stderr
    assert len(list((tmp_path / "out").glob("003_*.xlsx"))) == 3
    proc = _run("export", str(SEEDS[4]), "--format", "json", "-o", str(tmp_path / "lists"))
    assert proc.returncode == 0 and "项目清单" in proc.stderr and "没有导出" in proc.stderr
    blocked = tmp_path / "empty.txt" / "out"  # a directory under a file: cannot be made
    for args in (("export", str(SEEDS[3]), "-o", str(blocked)), ("template", "-o", str(blocked / "t.xlsx")),
                 ("report", str(SEEDS[3]), "-o", str(blocked / "r.html"))):
        proc = _run(*args)
        assert proc.returncode == Exit.OUTPUT and "无法写入" in proc.stderr and "Traceback" not in proc.stderr, args
    proc = _run("export", str(SEEDS[3]), "--format", "odt", "-o", str(tmp_path / "out"))
    assert proc.returncode == Exit.USAGE and "未知的导出格式“odt”" in proc.stderr


def test_export_and_report_from_the_store(tmp_path: Path) -> None:
    """Forms imported into the store come back out as the same forms, and into the report."""
    from jixiao.store.db import open_store
    from jixiao.store.importer import import_paths

    db = tmp_path / "jixiao.db"
    import_paths([SEEDS[2]], open_store(str(db)))
    out = tmp_path / "out"
    proc = _run("export", "--db", str(db), "--format", "xlsx", "-o", str(out), "--year", "2024")
    assert proc.returncode == 0, proc.stderr
    exported = sorted(out.glob("*.xlsx"))
    assert len(exported) == len(DOCS[SEEDS[2]].evaluations) == 9
    by_index = {ev.source.form_index: ev for ev in DOCS[SEEDS[2]].evaluations}
    for path in exported:
        again = read_path(path).evaluations[0]
        assert _form(again) == _form(by_index[int(path.name.split("_")[2]) - 1]), path.name
    report = tmp_path / "report.html"
    proc = _run("report", str(SEEDS[0]), "--db", str(db), "-o", str(report))
    assert proc.returncode == 0, proc.stderr
    html = report.read_text(encoding="utf-8")
    assert "共 2 个主管部门、12 张自评表" in html  # 9 forms from the store, 3 from the file
    proc = _run("report", "-o", str(report))
    assert proc.returncode == Exit.USAGE and "--db" in proc.stderr


def test_two_inputs_with_one_name_do_not_overwrite_each_other(tmp_path: Path) -> None:
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / SEEDS[3].name).write_bytes(SEEDS[3].read_bytes())
    proc = _run("export", str(tmp_path / "a"), str(tmp_path / "b"), "--format", "json", "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(names) == 6 and sum(n.endswith("_2.json") for n in names) == 3


TEMPLATE_FIXTURES = sorted(p for p in (Path(__file__).parent / "fixtures" / "templates").iterdir() if p.is_file())


@pytest.mark.parametrize("fixture", TEMPLATE_FIXTURES, ids=lambda p: p.stem)
def test_other_templates_export_to_their_own_sheet_keeping_their_numbers(fixture: Path) -> None:
    """Sichuan, Chongqing, department and transfer forms are written in their own template's sheet
    (export/sheets.py) and read back with their header, funds, indicators and total, and their own texts
    (评价结论, 存在问题, 改进措施, 实施情况)."""
    for ev in read_path(fixture).evaluations:
        for fmt, write in WRITERS.items():
            again = read_bytes(write(ev), f"x.{fmt}").evaluations[0]
            a, b = evaluation_json(ev), evaluation_json(again)
            assert (a["project"]["name"], a["year"], a["money_unit"]) == (b["project"]["name"], b["year"], b["money_unit"])
            for row, values in a["funds"].items():
                if values is not None and row in b["funds"]:
                    assert {k: v for k, v in values.items() if k != "reason"} == \
                        {k: v for k, v in (b["funds"][row] or {}).items() if k != "reason"}, (fmt, row)
            fields = ("name", "target", "actual", "weight", "score")
            assert [[i[f] for f in fields] for i in a["indicators"]] == [[i[f] for f in fields] for i in b["indicators"]]
            if ev.total is not None and ev.total.score is not None:
                assert a["total"] == b["total"]
            # Read back as the template's own fields (or, where its sheet has no place for one, from the
            # labelled row written after the form).
            shown = json.dumps(b, ensure_ascii=False)
            for text in (ev.conclusion, ev.problems, ev.improvements, ev.implementation):
                assert not text or json.dumps(text, ensure_ascii=False).strip('"') in shown, (fmt, text)
