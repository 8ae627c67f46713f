"""Issue 11 item 6 in the store: one project's years imported one file at a time get the findings
across years that ``jixiao check`` gives them loaded together, computed against what the store holds."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from jixiao.store.db import open_store
from jixiao.store.importer import import_paths
from jixiao.store.query import load_stored

from .conftest import jixiao_cmd
from .test_findings_years import LAST, THIS

# ≥100人 (18 of 20) in 2022, ≥80人 (20 of 20) in 2023: the target lowered while the score rose.
LOWERED = [("year-indicator-changed", "indicators[0].target", "≥100", "≥80"),
           ("year-target-lowered", "indicators[0].target", "≥100", "≥80")]


@pytest.fixture
def store(db_url):
    engine = open_store(db_url)
    yield engine
    engine.dispose()


def _file(folder: Path, name: str, text: str, mtime: float = 1_600_000_000) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    os.utime(path, (mtime, mtime))
    return path


def _by_year(engine) -> dict[int, list[tuple[str, str, str | None, str | None]]]:
    out = {}
    for s in load_stored(engine):
        out[s.document["year"]] = sorted((f["code"], f["field"], f["expected"], f["found"])
                                         for f in s.findings if f["code"].startswith("year-"))
    return out


@pytest.mark.parametrize("first", ["earlier", "later"])
def test_years_imported_apart_are_compared_against_the_store(store, tmp_path: Path, first: str) -> None:
    last = _file(tmp_path, "2022.txt", LAST.text())
    this = _file(tmp_path, "2023.txt", THIS.text())
    for path in ([last, this] if first == "earlier" else [this, last]):
        import_paths([path], store)  # one import each, as files arrive over the years
    assert _by_year(store) == {2022: [], 2023: LOWERED}
    (later,) = [s for s in load_stored(store) if s.document["year"] == 2023]
    # The stored form's counts, rules and check@1 object agree with its findings.
    warnings = [f for f in later.findings if f["severity"] == "warning"]
    assert len(later.checked["rules"]) == len(later.findings)
    obj = later.check_json()
    lowered = [f for f in obj["findings"] if f["code"] == "year-target-lowered"]
    assert lowered[0]["rule"]["clause"] == "checks.md year-target-lowered"
    assert "2022年" in lowered[0]["message"]
    with store.connect() as conn:
        stored_warnings = conn.exec_driver_sql(f"SELECT warnings FROM evaluations WHERE id = {later.id}").scalar()
    assert stored_warnings == len(warnings)


def test_the_store_gives_what_check_gives_over_both_files(store, tmp_path: Path) -> None:
    last = _file(tmp_path, "a.txt", LAST.text())
    this = _file(tmp_path, "b.txt", THIS.text())
    import_paths([this], store)
    import_paths([last], store)
    proc = subprocess.run([*jixiao_cmd(), "check", str(last), str(this), "--json"], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    checked = {o["source"]["file"]: sorted((f["code"], f["field"], f["message"]) for f in o["findings"])
               for o in json.loads(proc.stdout)}
    stored = {s.file: sorted((f["code"], f["field"], f["message"]) for f in s.findings) for s in load_stored(store)}
    assert stored == checked


def test_a_new_version_of_the_earlier_year_redoes_the_later_years_findings(store, tmp_path: Path) -> None:
    import_paths([_file(tmp_path, "2022.txt", LAST.text(), mtime=1_600_000_000)], store)
    import_paths([_file(tmp_path, "2023.txt", THIS.text())], store)
    assert _by_year(store)[2023] == LOWERED
    # 2022's form corrected later: its target was ≥80 too, so 2023 lowered nothing.
    fixed = LAST.with_indicator(0, target="≥80")
    import_paths([_file(tmp_path, "2022-fixed.txt", fixed.text(), mtime=1_700_000_000)], store)
    assert _by_year(store) == {2022: [], 2023: []}
    # The first 2022 file is given again, saved after the correction: it is current again, and so is its finding.
    os.utime(tmp_path / "2022.txt", (1_800_000_000, 1_800_000_000))
    import_paths([tmp_path / "2022.txt"], store)
    assert _by_year(store) == {2022: [], 2023: LOWERED}


def test_a_form_copied_from_the_stored_year_is_found(store, tmp_path: Path) -> None:
    import_paths([_file(tmp_path, "2022.txt", LAST.text())], store)
    import_paths([_file(tmp_path, "2023.txt", replace(LAST, year="2023").text())], store)
    found = {(code, field) for code, field, _, _ in _by_year(store)[2023]}
    assert {("year-copied", "goals.achieved"), ("year-copied", "indicators")} <= found


def test_another_project_of_the_same_unit_is_not_compared(store, tmp_path: Path) -> None:
    import_paths([_file(tmp_path, "2022.txt", LAST.text())], store)
    import_paths([_file(tmp_path, "2023.txt", replace(THIS, code="OTHER-1", name="另一个项目").text())], store)
    assert _by_year(store) == {2022: [], 2023: []}
