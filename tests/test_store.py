"""The store on SQLite and on a real PostgreSQL server: import, versions, exact money, summaries,
reading forms back, and the CLI commands (issue 6)."""

from __future__ import annotations

import json
import os
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from jixiao.exitcodes import Exit
from jixiao.export.json import evaluation_json
from jixiao.ingest.recognize import read_path
from jixiao.pipeline import check_document
from jixiao.store.db import default_path, open_store, resolve_url
from jixiao.store.importer import import_paths
from jixiao.store.query import Filters, load_evaluations, load_findings, load_stored
from jixiao.store.schema import DepartmentListRow, EvaluationRow, ListItemRow, SourceFile
from jixiao.store.summary import summarize
from jixiao.values import Money

from .conftest import SEEDS, jixiao_cmd
from .forms import Form


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table))


def _write(path: Path, *forms: Form, mtime: float | None = None) -> Path:
    path.write_text("".join(f.text() for f in forms), encoding="utf-8")
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


@pytest.fixture
def store(db_url):
    engine = open_store(db_url)
    yield engine
    engine.dispose()


def test_migrations_create_exactly_the_models(store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    import jixiao.web.schema  # noqa: F401 - the web system's tables share the store's metadata
    from jixiao.store.schema import Base

    with store.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_the_head_opened_without_alembic_is_alembics_head() -> None:
    """db.HEAD lets a store at head open without Alembic: it must be the packaged migrations' own head."""
    from jixiao.store.db import HEAD, head_revision

    assert HEAD == head_revision()


def test_a_store_made_by_an_older_version_is_upgraded_on_open(db_url) -> None:
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import inspect

    from jixiao.store.db import head_revision, migrate

    old = open_store(db_url, upgrade=False)
    migrate(old, "0001")
    import_paths(SEEDS, old)
    assert "ux_evaluations_file_form" not in {ix["name"] for ix in inspect(old).get_indexes("evaluations")}
    old.dispose()
    engine = open_store(db_url)
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head_revision() != "0001"
    assert "ux_evaluations_file_form" in {ix["name"] for ix in inspect(engine).get_indexes("evaluations")}
    assert _count(engine, EvaluationRow) == 37 and import_paths(SEEDS, engine).imported == 0
    engine.dispose()


def test_seeds_imported_twice_are_stored_once(store, tmp_path: Path) -> None:
    first = import_paths(SEEDS, store)
    assert (first.imported, first.forms, first.lists, first.failed) == (5, 37, 1, [])
    # The same bytes under another name, and the folder again: all skipped.
    copy = tmp_path / "copy.txt"
    copy.write_bytes(SEEDS[0].read_bytes())
    again = import_paths([SEEDS[0].parent, copy], store)
    assert (again.imported, again.forms, len(again.skipped)) == (0, 0, 6)
    assert _count(store, SourceFile) == 5
    assert _count(store, EvaluationRow) == 37
    assert _count(store, DepartmentListRow) == 1 and _count(store, ListItemRow) == 6


def _parsed_totals(unit: str) -> dict[str, tuple[Decimal, Decimal]]:
    """Per 主管部门 (or the file's list department): budget and executed straight from the parser."""
    out: dict[str, tuple[Decimal, Decimal]] = {}
    for seed in SEEDS:
        doc = read_path(seed)
        fallback = doc.lists[0].department if doc.lists else None
        for ev in doc.evaluations:
            dept = "".join((ev.project.department or fallback).split()).replace("（", "(").replace("）", ")")
            row = ev.funds.total
            b, e = out.get(dept, (Decimal(0), Decimal(0)))
            out[dept] = (b + row.full_year.to(unit).amount, e + row.executed.to(unit).amount)
    return out


def test_summary_totals_match_the_parsed_seeds(store) -> None:
    import_paths(SEEDS, store)
    for unit in ("万元", "元"):
        s = summarize(store, "department", unit)
        expected = _parsed_totals(unit)
        got = {"".join(g.name.split()).replace("（", "(").replace("）", ")"): (g.budget, g.executed) for g in s.groups}
        assert got == expected
        assert s.total.projects == 37 and sum(g.projects for g in s.groups) == 37
        assert s.total.budget == sum(b for b, _ in expected.values())
        assert sum(s.total.grades.values()) == 37
    # 004's department list, as published.
    (dl,) = s.lists
    assert dl.department == "相山区人大办公室" and dl.money_unit == "万元" and dl.total == Decimal("138.83")
    assert [line.name for line in dl.lines][:2] == ["人大会议经费", "代表工作经费"]
    assert all(line.score is not None and line.score_from == "自评表" for line in dl.lines)


def test_summary_converts_units_exactly(store) -> None:
    import_paths(SEEDS, store)
    wan = summarize(store, "year", "万元")
    yuan = summarize(store, "year", "元")
    assert [g.name for g in wan.groups] == ["2022", "2023", "2024"]
    for a, b in zip(wan.groups, yuan.groups):
        assert a.budget * 10000 == b.budget and a.executed * 10000 == b.executed
        assert a.rate == b.rate


def test_findings_by_code_match_the_checker(store) -> None:
    import_paths(SEEDS, store)
    checked = [check_document(read_path(s)) for s in SEEDS]
    want = sum(1 for c in checked for r in c.results for f in r.findings if f.code == "rate-score-mismatch")
    got = load_findings(store, codes=["rate-score-mismatch"])
    assert want == len(got) == 3
    assert {f.project for f in got} == {"代表工作经费", "区人大代表履职经费", "工作经费"}
    errors = sum(1 for c in checked for r in c.results for f in r.findings if f.severity == "error")
    list_errors = sum(1 for c in checked for _, fs in c.list_findings for f in fs if f.severity == "error")
    assert len(load_findings(store, severities=["error"])) == errors + list_errors
    codes = {c.code: c for c in summarize(store).codes}
    assert codes["rate-score-mismatch"].forms == 3


def test_stored_forms_read_back_as_the_parser_made_them(store) -> None:
    import_paths(SEEDS, store)
    stored = load_stored(store)
    parsed = {(r.ev.source.file, r.ev.source.form_index): (r.ev, r)
              for s in SEEDS for r in check_document(read_path(s.resolve())).results}
    assert len(stored) == len(parsed) == 37
    for s in stored:
        ev, result = parsed[(s.file, s.document["source"]["form_index"])]
        rebuilt = s.evaluation()
        assert evaluation_json(rebuilt) == evaluation_json(ev) == s.document
        assert rebuilt.locators == ev.locators and rebuilt.source.place == ev.source.place
        assert s.check_json()["findings"] == [f.to_json() for f in result.findings]
        assert s.check_json()["recomputed"] == result.recomputed.to_json()
    assert len(load_evaluations(store, Filters(year=2023))) == 6


def test_template_fields_survive_the_round_trip() -> None:
    """Fields only some templates print (Sichuan fund sources, 年初目标, 指标性质…) come back from the JSON."""
    from jixiao.contract import evaluation_from_json
    from jixiao.ingest.grid import Place
    from jixiao.model import FundsRow

    ev = read_path(SEEDS[0]).evaluations[0]
    ev.project.finance_manager, ev.project.finance_office = "张三", "计财科"
    ev.funds.special_account = FundsRow(Money(Decimal("1.5"), "元"), None, None, reason="未拨付")
    ev.goals.initial = "年初目标"
    ind = ev.indicators[0]
    ind.nature, ind.unit, ind.core, ind.coefficient, ind.target_initial = "≥", "个", True, Decimal("95.5"), "≥3"
    ev.report_code, ev.conclusion, ev.problems = "川财绩〔2024〕1号", "优", "无"
    places = {"source": list(ev.source.place), "fields": {k: list(v) for k, v in ev.locators.items()}}
    rebuilt = evaluation_from_json(evaluation_json(ev), places)
    assert evaluation_json(rebuilt) == evaluation_json(ev)
    assert rebuilt.locators == ev.locators and isinstance(rebuilt.source.place, Place)


def test_money_of_any_size_and_any_places_is_stored_exactly(store, tmp_path: Path) -> None:
    """Issue 13 item 2: SQLite's integer of millionths overflowed at 9 223 372 036 854.775808, and a
    seventh decimal place was refused; now both databases keep every value as printed."""
    big = Form(name="大额", code="A1", initial="123456789012.34", full_year="123456789012.34",
               executed="98765432109.87", appropriation=("123456789012.34", "123456789012.34", "98765432109.87"))
    tiny = Form(name="万元六位", code="A2", unit_label="项目资金(万元)", initial="0.000001", full_year="0.000001",
                executed="0.000001", appropriation=("0.000001", "0.000001", "0.000001"), rate="100", rate_score="10")
    seven = Form(name="七位小数", code="A3", initial="1.1234567", full_year="1.1234567", executed="1.1234567")
    over = "9223372036854.775808"
    huge = "1" + "0" * 29
    overflow = Form(name="超出64位", code="A4", initial=over, full_year=over, executed=over,
                    appropriation=(over, over, over))
    absurd = Form(name="三十位", code="A5", initial=huge, full_year=huge, executed=huge, appropriation=(huge, huge, huge))
    _write(tmp_path / "ok.txt", big, tiny)
    _write(tmp_path / "more.txt", seven, overflow, absurd)
    report = import_paths([tmp_path], store)
    assert report.imported == 2 and not report.failed, report.failed
    with store.connect() as conn:
        rows = {code: budget for code, budget in conn.execute(select(EvaluationRow.project_code, EvaluationRow.budget))}
        real = dict(conn.execute(text("SELECT project_code, budget FROM evaluations_real")).all())
    assert rows == {"A1": Decimal("123456789012.34"), "A2": Decimal("0.000001"), "A3": Decimal("1.1234567"),
                    "A4": Decimal(over), "A5": Decimal(huge)}
    assert all(str(rows[k]) == v for k, v in (("A3", "1.1234567"), ("A4", over), ("A1", "123456789012.34")))
    # Other tools read real numbers from the view (Datasette, pandas.read_sql).
    assert isinstance(real["A1"], float) and real["A1"] == pytest.approx(123456789012.34) and real["A5"] == 1e29
    findings = load_findings(store, Filters(), codes=["absurd-value"])
    assert {f.project for f in findings} >= {"三十位"}


def test_old_stores_keep_their_money_exactly_through_migration_0003(db_url) -> None:
    from jixiao.store.db import migrate

    old = open_store(db_url, upgrade=False)
    migrate(old, "0002")
    # How 0001 stored 138.83 and -0.000005: integers of millionths on SQLite, NUMERIC(24, 6) on PostgreSQL.
    budget, executed = ("138830000", "-5") if old.dialect.name == "sqlite" else ("138.830000", "-0.000005")
    with old.begin() as conn:
        conn.execute(text("INSERT INTO source_files (id, sha256, path, format, size, modified_at, imported_at, forms, "
                          "lists, warnings) VALUES (1, 'x', 'a.txt', 'text', 1, :t, :t, 1, 0, '[]')"),
                     {"t": "2024-01-01 00:00:00"})
        conn.execute(text("INSERT INTO evaluations (id, source_file_id, form_index, locator, template, policy, budget, "
                          "executed, rate, errors, warnings, version, is_current, document, checked, places) VALUES "
                          f"(1, 1, 0, 'line 1', 'national', 'national', {budget}, {executed}, NULL, 0, 0, 1, true, '{{}}', "
                          "'{}', '{}')"))
    old.dispose()
    engine = open_store(db_url)
    with engine.connect() as conn:
        row = conn.execute(select(EvaluationRow.budget, EvaluationRow.executed, EvaluationRow.rate)).one()
        real = conn.execute(text("SELECT budget FROM evaluations_real")).scalar()
    assert row == (Decimal("138.830000"), Decimal("-0.000005"), None) and str(row[0]) == "138.830000"
    assert real == pytest.approx(138.83)
    engine.dispose()


def test_a_newer_file_adds_a_version_and_keeps_the_old(store, tmp_path: Path) -> None:
    base = Form(name="干部培训", code="C-1", year="2022")
    old = _write(tmp_path / "a_old.txt", base, mtime=1_600_000_000)
    new = _write(tmp_path / "b_new.txt", Form(name="干部培训", code="C-1", year="2022", executed="900000.00",
                                                rate="90.00", rate_score="9", total_score="99"), mtime=1_700_000_000)
    import_paths([old], store)
    report = import_paths([new], store)
    assert report.new_versions == 1
    # An older revision found later is kept as a version but does not become current.
    oldest = _write(tmp_path / "c_oldest.txt", Form(name="干部培训", code="C-1", year="2022", total_score="98"),
                    mtime=1_500_000_000)
    import_paths([oldest], store)
    versions = load_stored(store, Filters(all_versions=True))
    assert [(s.version, s.is_current, Path(s.file).name) for s in versions] == [
        (1, False, "a_old.txt"), (2, True, "b_new.txt"), (3, False, "c_oldest.txt")]
    (current,) = load_evaluations(store)
    assert current.funds.total.executed == Money(Decimal("900000.00"), "元")
    assert summarize(store).total.projects == 1
    # Another year of the same project is a different form, not a version.
    import_paths([_write(tmp_path / "d_2023.txt", Form(name="干部培训", code="C-1", year="2023"))], store)
    assert summarize(store).total.projects == 2


def test_two_importers_at_once_number_each_version_once(db_url, tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    files = [_write(tmp_path / f"v{i}.txt", Form(name="同一项目", code="SAME-1", total_score=f"9{i}"),
                    mtime=1_600_000_000 + i) for i in range(6)]
    engines = [open_store(db_url) for _ in range(2)]
    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(import_paths, [files[0::2], files[1::2]], engines))
    assert sum(r.imported for r in reports) == 6
    stored = load_stored(engines[0], Filters(all_versions=True))
    assert sorted(s.version for s in stored) == [1, 2, 3, 4, 5, 6]
    assert [Path(s.file).name for s in stored if s.is_current] == ["v5.txt"]
    for e in engines:
        e.dispose()


def test_year_over_year_by_code_else_by_name(store, tmp_path: Path) -> None:
    _write(tmp_path / "y2021.txt", Form(name="干部培训", code="C-7", year="2021", total_score="95"),
           Form(name="2021年度 档案 整理", code="", year="2021", total_score="90"))
    _write(tmp_path / "y2022.txt",
           Form(name="干部培训（二期）", code="C-7", year="2022", full_year="1200000.00", total_score="97.5"),
           Form(name="2022年度档案整理", code="", year="2022", total_score="88"))
    import_paths([tmp_path], store)
    rows = summarize(store, unit="元").years
    assert [(r.project, r.year) for r in rows] == [
        ("2021年度 档案 整理", 2021), ("2022年度档案整理", 2022), ("干部培训", 2021), ("干部培训（二期）", 2022)]
    assert rows[1].score_change == Decimal("-2") and rows[3].score_change == Decimal("2.5")
    assert rows[3].budget_change == Decimal("200000.00")


def test_grades_follow_the_rules_bands(store, tmp_path: Path) -> None:
    scores = ["100", "90", "89.99", "80", "79.99", "60", "59.99"]
    _write(tmp_path / "g.txt", *(Form(name=f"项目{n}", code=f"G{n}", total_score=s) for n, s in enumerate(scores)))
    import_paths([tmp_path], store)
    with store.connect() as conn:
        grades = [g for (g,) in conn.execute(select(EvaluationRow.grade).order_by(EvaluationRow.form_index))]
    assert grades == ["优", "优", "良", "良", "中", "中", "差"]
    assert summarize(store).total.grades == {"优": 2, "良": 2, "中": 2, "差": 1, "无得分": 0}


def test_failing_files_are_reported_and_the_rest_imported(store, tmp_path: Path) -> None:
    _write(tmp_path / "good.txt", Form())
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "noise.txt").write_bytes(bytes(range(256)) * 8)
    report = import_paths([tmp_path], store, workers=2)
    assert report.imported == 1
    assert sorted(Path(f.file).name for f in report.failed) == ["empty.txt", "noise.txt"]
    assert all(Path(f.file).name in f.message for f in report.failed)


def test_parallel_and_serial_imports_store_the_same(db_url, tmp_path: Path) -> None:
    one = open_store(f"sqlite:///{tmp_path / 'one.db'}")
    many = open_store(db_url)
    import_paths(SEEDS, one, workers=1)
    import_paths(SEEDS, many, workers=2)
    assert [s.document for s in load_stored(one)] == [s.document for s in load_stored(many)]
    one.dispose()
    many.dispose()


def test_database_url_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JIXIAO_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_path() == tmp_path / "jixiao" / "jixiao.db"
    assert resolve_url() == f"sqlite:///{tmp_path}/jixiao/jixiao.db"
    monkeypatch.setenv("JIXIAO_DB", "postgresql://u@h:5/db")
    assert resolve_url() == "postgresql+psycopg://u@h:5/db"
    assert resolve_url("x.db") == f"sqlite:///{Path('x.db').resolve()}"


# ------------------------------------------------------------------ the CLI


def _jx(*args: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*jixiao_cmd(), *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "COLUMNS": "200", **(env or {})})


def _cli(*args: str):  # noqa: ANN202 - click's Result
    """The commands in this process (the import above runs the real executable)."""
    from typer.testing import CliRunner

    from jixiao.cli import app

    return CliRunner().invoke(app, list(args))


def test_cli_import_summary_and_findings(db_url, tmp_path: Path) -> None:
    (tmp_path / "broken.txt").write_text("这不是自评表\n只是一段文字\n", encoding="utf-8")
    proc = _jx("import", str(SEEDS[0].parent), str(tmp_path / "broken.txt"), "--workers", "2",
               env={"JIXIAO_DB": db_url})
    assert proc.returncode == 2, proc.stderr
    assert "导入 5 个（37 张自评表、1 份项目清单）" in proc.stderr and "broken.txt" in proc.stderr
    again = _cli("import", str(SEEDS[0].parent), "--db", db_url)
    assert again.exit_code == 0 and "跳过 5 个" in again.stderr

    data = json.loads(_cli("summary", "--db", db_url, "--format", "json").stdout)
    assert data["schema"] == "jixiao/summary@1" and data["total"]["projects"] == 37
    assert data["lists"][0]["total"] == "138.83" and data["lists"][0]["department"] == "相山区人大办公室"

    table = _cli("summary", "--db", db_url, "--by", "unit")
    assert table.exit_code == 0 and "按实施单位汇总" in table.stdout and "深圳市罗湖区政务公开中心" in table.stdout

    csv_out = _cli("summary", "--db", db_url, "--section", "lists", "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("\ufeff序号,项目名称,金额（万元）") and csv_out[-2].split(",")[1:3] == ["合计（印）", "138.83"]

    xlsx = tmp_path / "s.xlsx"
    assert _cli("summary", "--db", db_url, "--format", "xlsx", "-o", str(xlsx)).exit_code == 0
    from openpyxl import load_workbook

    wb = load_workbook(xlsx)
    ws = wb[wb.sheetnames[0]]
    assert ws.cell(1, 1).value == "主管部门" and ws.cell(ws.max_row, 1).value == "合计" and ws.cell(ws.max_row, 2).value == 37

    found = json.loads(_cli("findings", "--db", db_url, "--code", "rate-mismatch", "--format", "json").stdout)
    assert [(f["project"], f["expected"], f["found"]) for f in found] == [("区人大代表履职经费", "93.85", "100")]
    bad = _cli("findings", "--db", db_url, "--severity", "fatal")
    assert bad.exit_code == Exit.USAGE and "--severity" in bad.stderr


def test_the_same_forms_in_other_formats_become_versions(store) -> None:
    """Each seed also as xlsx, docx and HTML (tests/fixtures): other bytes, same projects and years."""
    fixtures = Path(__file__).parent / "fixtures" / "forms"
    others = sorted(p for p in fixtures.iterdir() if p.suffix in (".xlsx", ".docx", ".html"))
    assert len(others) == 15
    import_paths(SEEDS, store)
    seeds_only = summarize(store)
    report = import_paths(others, store)
    assert (report.imported, report.failed) == (15, [])
    assert report.new_versions == report.forms == 3 * 37
    assert _count(store, EvaluationRow) == 4 * 37
    after = summarize(store)
    assert after.total.projects == 37
    assert (after.total.budget, after.total.executed) == (seeds_only.total.budget, seeds_only.total.executed)
    assert [(d.title, d.total) for d in after.lists] == [(d.title, d.total) for d in seeds_only.lists]
    assert all(evaluation_json(s.evaluation()) == s.document for s in load_stored(store, Filters(all_versions=True)))
    with store.connect() as conn:
        versions = conn.execute(select(EvaluationRow.project_key, EvaluationRow.year, func.count(),
                                       func.min(EvaluationRow.version), func.max(EvaluationRow.version))
                                .group_by(EvaluationRow.project_key, EvaluationRow.year)).all()
    assert len(versions) == 37 and {tuple(v[2:]) for v in versions} == {(4, 1, 4)}
