"""Issue 13 item 7: ``check`` and ``report --db`` stream, memory flat in the number of files and
forms. What each test holds down is one thing that used to grow (or sort) with the run."""

from __future__ import annotations

import gc
import json
import sqlite3
import tracemalloc
from pathlib import Path
from typing import Callable, Iterator

import pytest
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect

from jixiao.pipeline import check_file
from jixiao.store.db import open_store
from jixiao.store.importer import import_paths
from jixiao.store.query import Filters, StoredForms, _ordered, iter_decided
from jixiao.store.schema import EvaluationRow

from .forms import Form

FIXTURES = Path(__file__).parent / "fixtures" / "templates"


def _plan(db: Path, stmt) -> str:  # noqa: ANN001 - a SQLAlchemy select
    sql = str(stmt.compile(dialect=sqlite_dialect(), compile_kwargs={"literal_binds": True}))
    with sqlite3.connect(db) as conn:
        return "\n".join(row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))


def test_the_stored_forms_come_in_order_from_an_index_not_a_sort_of_all_of_them(tmp_path: Path) -> None:
    # report --db over 150 000 forms: SQLite sorted every current form into a 1.26 GB temporary B-tree
    # before giving the first one (the order was the joined file's id; the index only had is_current, year).
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.txt").write_text(Form(code=f"C-{n}", name=f"项目{n}").text(), encoding="utf-8")
    db = tmp_path / "store.db"
    engine = open_store(f"sqlite:///{db}")
    import_paths([folder], engine)
    engine.dispose()
    for filters in (Filters(), Filters(year=2023), Filters(department="局")):
        plan = _plan(db, _ordered(filters, EvaluationRow.document, EvaluationRow.places))
        assert "TEMP B-TREE" not in plan, plan
        assert "ix_evaluations_current_file_form" in plan


def _peak(run: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_check_output_of_many_files_waits_on_disk_not_in_memory(fmt: str, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # check --json over 2 000 files held every output object (and csv/xlsx every row) until the end:
    # 448 MB, 6.6 GB over 20 000 files. The run here is one real checked file given out n times.
    from typer.testing import CliRunner

    from jixiao import cli

    src = tmp_path / "form.txt"
    src.write_text(Form(code="C-1", name="项目", rate="90.00").text(), encoding="utf-8")  # 执行率 misprinted
    checked = check_file(src, None, None)
    assert checked.results and checked.results[0].findings

    def run(n: int) -> None:
        monkeypatch.setattr(cli, "check_paths", lambda *a, **k: iter([checked] * n))
        result = CliRunner().invoke(cli.app, ["check", str(src), "--format", fmt, "-o", str(tmp_path / f"out.{fmt}")])
        assert result.exit_code in (0, 1), result.output

    run(2)  # imports and caches warmed
    small, large = _peak(lambda: run(40)), _peak(lambda: run(400))
    assert large - small < 1_000_000, (small, large)  # old code: 1.5 MB (csv) to 4.7 MB (json) more
    if fmt == "json":
        written = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
        assert len(written) == 400 and written[0]["schema"] == "jixiao/check@1"


def test_a_department_wide_form_first_does_not_hold_every_later_file_in_memory(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # A 部门整体 form is checked against every project form of the run, so from the first file holding
    # one on, check_paths keeps the results until the end: they were held in a list, the whole run.
    import pickle

    from jixiao import pipeline

    dept = check_file(FIXTURES / "t4_department_pipes.txt", None, None)
    assert pipeline._department_wide(dept.doc)
    src = tmp_path / "form.txt"
    src.write_text(Form(code="C-1", name="项目").text(), encoding="utf-8")
    project = pickle.dumps(check_file(src, None, None))

    def run(n: int) -> None:
        def results(*_args: object) -> Iterator[object]:
            yield dept
            for i in range(n):  # each file's results a fresh object, as they come from a worker
                item = pickle.loads(project)
                ev = item.doc.evaluations[0]
                item.doc.file = ev.source.file = f"{i}.txt"
                ev.project.code = f"C-{i}"  # each a project of its own
                yield item
        monkeypatch.setattr(pipeline.isolation, "run", results)
        assert sum(1 for _ in pipeline.check_paths([src])) == n + 1

    run(2)
    small, large = _peak(lambda: run(20)), _peak(lambda: run(200))
    assert large - small < 1_000_000, (small, large)  # old code: 9.3 MB more (300 files)


def test_the_stored_forms_keys_for_the_checks_across_forms_are_held_in_a_few_bytes_a_form(tmp_path: Path) -> None:
    # report --db grew 0.7 KB a form (288 MB at 150 000 forms), most of it StoredForms' dict of project
    # key strings to lists of (id, year) pairs; now three arrays sorted by the key's hash.
    folder = tmp_path / "in"
    folder.mkdir()
    for year in ("2022", "2023"):
        (folder / f"{year}.txt").write_text("".join(Form(code=f"C-{i}", name=f"项目{i}", year=year).text()
                                                    for i in range(10)), encoding="utf-8")
    db = tmp_path / "store.db"
    engine = open_store(f"sqlite:///{db}")
    import_paths([folder], engine)
    with sqlite3.connect(db) as conn:  # 2 000 forms: copies of the 20 as other projects (code and name suffixed)
        columns = [r[1] for r in conn.execute("PRAGMA table_info(evaluations)") if r[1] != "id"]
        changed = {"form_index": "form_index + 100 * :k", "project_code": "project_code || '-' || :k",
                   "project_name": "project_name || :k"}
        for k in range(1, 100):
            conn.execute(f"INSERT INTO evaluations ({', '.join(columns)}) SELECT "
                         f"{', '.join(changed.get(c, c) for c in columns)} FROM evaluations WHERE form_index < 100",
                         {"k": k})
    StoredForms(engine)  # the queries compiled and cached once
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        pool = StoredForms(engine)
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert pool.count == 2000
    assert held / pool.count < 120, held  # old code: 360 bytes a form here
    first = next(ev for ev, _ in iter_decided(engine, Filters(year=2023)))
    assert [e.project.code for e in pool.earlier(first)] == [first.project.code]  # still finds its earlier year
    engine.dispose()


def test_a_report_holds_a_few_bytes_a_line_until_it_is_written() -> None:
    # Each line of report --db waited on its shelf, but its place and sort key (rank, errors, project
    # name) stayed in a list per department: about 0.25 KB a form. Now SQLite sorts them on disk.
    from jixiao.checks import run_checks
    from jixiao.export.report import FormEntry, Report
    from jixiao.ingest.recognize import read_bytes
    from jixiao.outcome import outcome
    from jixiao.pipeline import policy_of

    forms = read_bytes("".join(Form(code=f"C-{i}", name=f"项目{i}", rate="90.00" if i % 2 else "95.00").text()
                               for i in range(4)).encode(), "部门.txt").evaluations
    entries = []
    for ev in forms:
        result = run_checks(ev, policy_of(ev))
        entries.append(FormEntry.of(result, outcome(result, None)))

    def held(lines: int) -> tuple[Report, int]:
        report = Report(None, "", [])
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for n in range(lines):
                entry = entries[n % 4]
                entry.result.ev.project.name = f"项目{n}"  # each line a project of its own name
                report.add(entry)
            report.close()
            gc.collect()
            return report, tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()

    (_, few), (report, many) = held(100), held(500)
    assert (many - few) / 400 < 40, (few, many)  # old code: 190 bytes a line
    assert report.form_count == 500 and len(report.error_entries()) == 250
    assert [f.ev.project.name for f in report.units[0].forms][:3] == sorted(f"项目{n}" for n in range(1, 500, 2))[:3]


def test_a_report_over_files_is_the_pipelines_run_a_check_that_fails_loses_only_its_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # report read the files and then checked them itself, in its own process: a check that failed on
    # one form (a defect) ended the whole report with a traceback. It now takes the pipeline's run
    # (check_paths, as jixiao check), where each file is read and checked under the per-file guard.
    from jixiao import pipeline
    from jixiao.export.report import build_report

    real = pipeline.run_checks

    def run_checks(ev, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if "坏" in (ev.project.name or ""):
            raise ZeroDivisionError("a check's defect")
        return real(ev, *args, **kwargs)

    monkeypatch.setattr(pipeline, "run_checks", run_checks)
    good, bad = tmp_path / "a.txt", tmp_path / "b.txt"
    good.write_text(Form(code="C-1", name="好项目").text(), encoding="utf-8")
    bad.write_text(Form(code="C-2", name="坏项目").text(), encoding="utf-8")
    report = build_report([good, bad], charts=False)
    names = [f.ev.project.name for u in report.units for f in u.forms]
    assert "好项目" in names
    # Workers forked from here run the failing check; a forkserver's do not (then the form is read).
    assert "坏项目" in names or [(f.file, f.code) for f in report.failures] == [(str(bad), "internal-error")]


def test_a_report_over_files_gives_the_findings_across_years_check_gives_when_the_later_year_comes_first(
        tmp_path: Path) -> None:
    from jixiao.export.report import build_report

    from .test_findings_years import LAST, THIS

    (tmp_path / "a_2023.txt").write_text(THIS.text(), encoding="utf-8")
    (tmp_path / "b_2022.txt").write_text(LAST.text(), encoding="utf-8")
    report = build_report([tmp_path], charts=False)
    lines = {f.ev.year: f for u in report.units for f in u.forms}
    later = lines[2023]
    codes = [x.code for x in later.result.findings]
    assert {"year-target-lowered", "year-indicator-changed"} <= set(codes)
    assert len(later.places) == len(later.result.findings)
    assert [x.code for x in lines[2022].result.findings if x.code.startswith("year-")] == []


def test_the_forms_compared_across_files_are_indexed_on_disk_not_in_memory(tmp_path: Path) -> None:
    # check over 20 000 files grew about 1.6 KB a form (60 MB at 2 000 files, 87 MB at 20 000): the
    # index of the forms compared across years (who each is, its project keys, its findings already
    # given) was dicts, sets and dataclasses in memory. Each form here a project of its own, in two years.
    # Measured in a fresh interpreter: what earlier tests left in this one (half-full caches of labels) is
    # no part of the index.
    import multiprocessing
    import pickle

    src = tmp_path / "form.txt"
    src.write_text(Form(code="C-1", name="项目").text(), encoding="utf-8")
    project = pickle.dumps(check_file(src, None, None))
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        few, many = pool.starmap(_held, [(project, 100), (project, 1100)])
    assert (many - few) / 1000 < 100, (few, many)  # old code: about 1 300 bytes a form


def _held(project: bytes, n: int) -> int:
    """Bytes the cross-year index and the project forms hold after ``n`` forms (traced allocations)."""
    import pickle

    from jixiao.checks.years import AcrossFiles
    from jixiao.pipeline import _ProjectForms
    from jixiao.text import label_key

    years, projects = AcrossFiles(), _ProjectForms()
    for i in range(label_key.cache_info().maxsize or 0):  # its bounded cache full already
        label_key(f"warm{i}")
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(n):
            item = pickle.loads(project)  # a fresh object, as from a worker
            ev = item.doc.evaluations[0]
            ev.project.code, ev.project.name, ev.year = f"C-{i // 2}", f"项目{i // 2}", 2022 + i % 2
            years.take(i, item.results)
            projects.add(ev)
            del item, ev
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_a_crash_exits_apart_from_error_findings_and_unreadable_files(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # Issue 13 defect 15: a file whose reading or checking crashed (a program defect) exited 1, as a
    # batch whose forms only have error findings does.
    from typer.testing import CliRunner

    from jixiao import cli
    from jixiao.errors import FileFailure
    from jixiao.exitcodes import Exit

    src = tmp_path / "form.txt"
    src.write_text(Form(code="C-1", name="项目", total_score="90").text(), encoding="utf-8")  # 总分 misprinted
    checked = check_file(src, None, None)
    assert any(f.severity == "error" for f in checked.results[0].findings)
    crashed = FileFailure("坏.txt", "internal-error", "坏.txt: 内部错误")
    unreadable = FileFailure("缺.txt", "unreadable-file", "缺.txt: 无法读取文件")
    for items, code in (([checked], Exit.FINDINGS), ([checked, unreadable], Exit.UNREADABLE),
                        ([checked, unreadable, crashed], Exit.INTERNAL)):
        monkeypatch.setattr(cli, "check_paths", lambda *a, _items=items, **k: iter(_items))
        result = CliRunner().invoke(cli.app, ["check", str(src), "--json"])
        assert result.exit_code == code, (code, result.exit_code, result.output)
