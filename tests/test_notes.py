"""Read notes as typed records (issue 10 item 2): a code, a place and parameters, rendered in Chinese."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from jixiao.contract import evaluation_from_json
from jixiao.export.json import evaluation_json
from jixiao.ingest.recognize import read_bytes
from jixiao.notes import Note
from jixiao.place import Place

from .conftest import SEEDS

_FORM = "\n".join([
    "项目支出绩效自评表",
    "项目名称\t测试项目",
    "项目资金\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分",
    "年度资金总额\t100\t100\t90\t10\t90.00%\t9",
    "总分\t100\t90",
]).encode()


def test_a_note_renders_its_place_and_message_and_survives_json() -> None:
    note = Note("extra-cell", Place(sheet="自评表", cell="H14"), {"row": "年度资金总额", "text": "12"})
    assert note.zh() == "工作表“自评表”单元格H14：年度资金总额行多出的内容“12”无法对应到列"
    again = Note.from_json(json.loads(json.dumps(note.to_json(), ensure_ascii=False)))
    assert again == note


def test_an_unknown_code_is_refused_and_a_stored_unknown_one_keeps_its_text() -> None:
    with pytest.raises(KeyError):
        Note("no-such-code")
    old = Note.from_json({"code": "gone", "message": "第3行：旧的说明"})
    assert old.zh() == "第3行：旧的说明"


def test_a_half_read_form_names_its_missing_parts_as_notes() -> None:
    ev = read_bytes(_FORM, "t.txt").evaluations[0]
    missing = {n.params["part"] for n in ev.notes if n.code == "part-missing"}
    assert missing == {"indicators", "goals"}
    assert ev.parts_found == {"header": "label-matched", "funds": "label-matched", "goals": "missing",
                              "indicators": "missing", "notes": "missing", "total": "label-matched"}
    assert list(ev.warnings) == [n.zh() for n in ev.notes]


def test_json_carries_notes_beside_warnings_and_the_store_rebuilds_them() -> None:
    doc = read_bytes(SEEDS[0].read_bytes(), SEEDS[0].name)
    for ev in doc.evaluations:
        out = evaluation_json(ev)
        assert [n["message"] for n in out["notes"]] == out["warnings"]
        back = evaluation_from_json(json.loads(json.dumps(out, ensure_ascii=False)))
        assert back.notes == ev.notes and back.parts_found == ev.parts_found


def test_the_model_does_not_import_the_readers() -> None:
    code = "import sys, jixiao.model; print(any(m.startswith('jixiao.ingest') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
