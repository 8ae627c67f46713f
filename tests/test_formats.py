"""Every seed form read from every published format gives the evaluation the seed text gives
(provenance aside), and bad files of each format fail alone with a clear Chinese error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jixiao.export.json import department_list_json, evaluation_json
from jixiao.ingest.recognize import read_path
from jixiao.notes import READER_LINES
from jixiao.office import soffice

from .conftest import ROOT, SEEDS
from .zoo.measure import squeeze as _squeeze

EXTS = ["xlsx", "docx", "html", "csv"]
LEGACY = ["xls", "doc", "pdf"]
FORMS = ROOT / "tests" / "fixtures" / "forms"
# scripts/setup-system.sh (run by make test) installs LibreOffice; only where it cannot do so is this skipped.
needs_soffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice（soffice）未安装，scripts/setup-system.sh 也未能安装")
_PLACE = re.compile(r"工作表“[^”]*”|第\d+页|第\d+个表格|单元格[A-Z]+\d+|第\d+行|第\d+段|第\d+列")


def comparable(path: Path) -> list[dict]:
    """The parsed objects with provenance (source, locators, places named in warnings, the reader's own
    lines about the file: its encoding, hidden rows, turned pages) taken out."""
    doc = read_path(path)
    objs = [department_list_json(dl) for dl in doc.lists] + [evaluation_json(ev) for ev in doc.evaluations]
    for o in objs:
        o.pop("source")
        o.pop("locators", None)
        if "notes" in o:  # a form's warnings are its notes rendered, one for one
            kept = [(w, n) for w, n in zip(o["warnings"], o["notes"], strict=True) if n["code"] not in READER_LINES]
            o["warnings"] = [w for w, _ in kept]
            o["notes"] = [(n["code"], n["params"]) for _, n in kept]
        o["warnings"] = [_PLACE.sub("", w) for w in o["warnings"]]
        for item in o.get("items", []):
            item.pop("locator")
    return objs


@pytest.fixture(scope="module")
def expected() -> dict[str, list[dict]]:
    return {seed.name[:3]: comparable(seed) for seed in SEEDS}


def fixture_files(ext: str) -> list[Path]:
    return sorted(FORMS.glob(f"*.{ext}"))


@pytest.mark.parametrize("ext", EXTS)
def test_every_seed_has_a_fixture(ext: str) -> None:
    assert [p.stem for p in fixture_files(ext)] == [s.name[:3] for s in SEEDS]


@pytest.mark.parametrize("path", [pytest.param(p, marks=needs_soffice) if p.suffix == ".doc" else p
                                  for e in EXTS + LEGACY for p in fixture_files(e)], ids=lambda p: p.name)
def test_same_evaluations_as_the_seed_text(path: Path, expected) -> None:
    got = comparable(path)
    want = expected[path.stem]
    if path.suffix == ".pdf":
        got, want = _squeeze(got), _squeeze(want)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g == w


@pytest.mark.parametrize("path", sorted((FORMS / "split").glob("*.pdf")), ids=lambda p: p.name)
def test_rows_cut_by_a_page_end_are_joined(path: Path, expected) -> None:
    """Printed with Word's default, rows allowed to break across pages: each cut row is one row again."""
    assert _squeeze(comparable(path)) == _squeeze(expected[path.stem])
